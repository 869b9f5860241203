"""`kipu` reference-data commands: exit codes, messages, and nothing stored from a bad file."""

from __future__ import annotations

import json
from pathlib import Path

from kipu.web.plans.models import Indicator, Plan
from kipu.web.platforms.models import Membership, Organisation, Platform
from kipu.web.stats.models import Observation


def csv(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_help_lists_every_subcommand_with_one_line(kipu) -> None:  # noqa: ANN001
    result = kipu("--help")
    assert result.exit_code == 0
    for command in ("init", "platforms", "orgs", "plan", "locations", "stats", "demo", "serve"):
        assert f"  {command} " in result.output


def test_init_twice_is_harmless(kipu) -> None:  # noqa: ANN001
    assert kipu("init").exit_code == 0
    second = kipu("init")
    assert second.exit_code == 0
    assert "0 units added; 2116 stored units left as they are" in second.output


def test_init_again_keeps_the_im_teams_changes(kipu, tmp_path: Path) -> None:  # noqa: ANN001
    """Running init again (the upgrade step) renamed a unit the IM team renamed back, and
    restored a unit's old name without a word; units missing are still added."""
    from kipu.web.locations.models import Location

    assert kipu("init").exit_code == 0
    path = tmp_path / "renamed.csv"
    path.write_text(
        "ADM1_PCODE,ADM1_ES,ADM2_PCODE,ADM2_ES,ADM3_PCODE,ADM3_ES\n"
        "PE01,Amazonas,PE0104,Santa María de Nieva,PE010401,Nieva\n",
        encoding="utf-8",
    )
    assert kipu("locations", "load", str(path), "--country", "PER").exit_code == 0
    Location.objects.filter(pcode="PE010102").delete()  # a district: no unit under it
    again = kipu("init")
    assert again.exit_code == 0 and "1 units added; 2115 stored units" in again.output
    assert Location.objects.get(pcode="PE0104").name == "Santa María de Nieva"
    assert Location.objects.get(pcode="PE010102").parent.pcode == "PE0101"


def test_platforms_add_and_list(kipu) -> None:  # noqa: ANN001
    assert (
        kipu("platforms", "add", "gtrm-peru", "--name", "GTRM Peru", "--country", "PER").exit_code
        == 0
    )
    local = kipu(
        "platforms",
        "add",
        "gtrm-tumbes",
        "--name",
        "GTRM Tumbes",
        "--country",
        "PER",
        "--level",
        "local",
        "--parent",
        "gtrm-peru",
        "--admin1",
        "Tumbes,PE-TAC",
    )
    assert local.exit_code == 0, local.output
    listed = json.loads(kipu("platforms", "list", "--format", "json").output)
    assert [(p["slug"], p["parent"]) for p in listed] == [
        ("gtrm-peru", None),
        ("gtrm-tumbes", "gtrm-peru"),
    ]
    tumbes = Platform.objects.get(slug="gtrm-tumbes")
    assert sorted(tumbes.admin1.values_list("pcode", flat=True)) == ["PE23", "PE24"]


def test_platform_usage_errors_exit_2(kipu) -> None:  # noqa: ANN001
    assert kipu("platforms", "add", "x", "--name", "X", "--level", "district").exit_code == 2
    assert kipu("platforms", "add", "x", "--name", "X").exit_code == 2  # no --country
    assert kipu("orgs", "load", "missing.csv").exit_code == 2


def test_unknown_local_admin1_is_refused(kipu) -> None:  # noqa: ANN001
    result = kipu(
        "platforms", "add", "t", "--name", "T", "--country", "PER", "--admin1", "Atlantis"
    )
    assert result.exit_code == 1
    assert "unknown admin1 in PER: Atlantis" in result.output
    assert not Platform.objects.filter(slug="t").exists()


def test_orgs_load_then_bad_file_changes_nothing(kipu, make_platform, tmp_path: Path) -> None:  # noqa: ANN001
    make_platform()
    good = csv(tmp_path, "orgs.csv", "name,acronym,type,id\nWorld Food Programme,WFP,UN,ORG077\n")
    result = kipu("orgs", "load", good)  # --platform omitted: only one platform exists
    assert result.exit_code == 0, result.output
    assert Membership.objects.count() == 3
    before = list(Organisation.objects.values_list("name_en", "acronym"))
    bad = csv(tmp_path, "bad.csv", "organisation_acronym,type,id\nWFP,UN,ORG077\n")
    result = kipu("orgs", "load", bad, "--platform", "gtrm-test")
    assert result.exit_code == 1
    assert "bad.csv: missing column(s) name" in result.output
    assert list(Organisation.objects.values_list("name_en", "acronym")) == before


def test_plan_load_and_reload(kipu, make_platform, tmp_path: Path) -> None:  # noqa: ANN001
    make_platform()
    plan = csv(
        tmp_path,
        "plan.csv",
        "sector,indicator,code,type\nHealth,Consultations,H1,PiN\n"
        "Health,Health workers trained,H2,People\n",
    )
    result = kipu("plan", "load", plan, "--year", "2021", "--name", "RMRP 2021")
    assert result.exit_code == 0, result.output
    assert "2 indicators" in result.output
    assert kipu("plan", "load", plan, "--year", "2021").exit_code == 0
    assert Indicator.objects.filter(plan__year=2021).count() == 2
    bad = csv(tmp_path, "bad.csv", "sector,indicator,code,type\nHealth,X,H3,PiN\nHealth,Y,H3,PiN\n")
    assert kipu("plan", "load", bad, "--year", "2022").exit_code == 1
    assert not Plan.objects.filter(year=2022).exists()


def test_locations_list_json(kipu) -> None:  # noqa: ANN001
    result = kipu("locations", "list", "--country", "PE", "--level", "1", "--format", "json")
    rows = json.loads(result.output)
    assert len(rows) == 26  # 25 departments and the national pseudo-unit
    lima = next(r for r in rows if r["code"] == "15")
    assert lima == {"code": "15", "pcode": "PE15", "iso": "PE-LIM", "name": "Lima", "parent": "PE"}
    assert kipu("locations", "list", "--country", "XX").exit_code == 1


def test_locations_load_another_country(kipu, tmp_path: Path) -> None:  # noqa: ANN001
    table = csv(
        tmp_path, "ecu.csv", "ADM1_PCODE,ADM1_ES,ADM2_PCODE,ADM2_ES\nEC17,Pichincha,EC1701,Quito\n"
    )
    assert kipu("locations", "load", table, "--country", "ECU").exit_code == 0
    rows = json.loads(kipu("locations", "list", "--country", "ECU", "--format", "json").output)
    assert [r["pcode"] for r in rows] == ["EC", "EC00", "EC17", "EC1701"]
    bad = csv(
        tmp_path,
        "bad.csv",
        "pcode,name,level,parent_pcode\nCO05,Antioquia,1,\nCO0501,Medellín,2,CO99\n",
    )
    result = kipu("locations", "load", bad, "--country", "COL")
    assert result.exit_code == 1 and "unknown parent code 'CO99'" in result.output
    assert kipu("locations", "list", "--country", "COL").exit_code == 1


def test_stats_load_is_an_upsert(kipu, make_platform, tmp_path: Path) -> None:  # noqa: ANN001
    make_platform()
    data = csv(
        tmp_path,
        "s.csv",
        "series,period_start,period_end,value,note,source\n"
        "stock,2019-11-30,2019-11-30,862000,,Migraciones\n",
    )
    assert kipu("stats", "load", data).exit_code == 0
    again = kipu("stats", "load", data)
    assert "0 observations added, 0 updated, 1 unchanged" in again.output
    assert Observation.objects.count() == 1
    empty = csv(tmp_path, "empty.csv", "")
    result = kipu("stats", "load", empty)
    assert result.exit_code == 1 and "empty.csv: the file is empty" in result.output


def test_platform_must_be_named_when_several_exist(kipu, make_platform, tmp_path: Path) -> None:  # noqa: ANN001
    make_platform("one")
    make_platform("two")
    data = csv(tmp_path, "orgs.csv", "name\nX\n")
    result = kipu("orgs", "load", data)
    assert result.exit_code == 2 and "name one with --platform" in result.output
    assert kipu("orgs", "load", data, "--platform", "three").exit_code == 2


def test_changes_made_from_the_command_line_are_audited(kipu, tmp_path: Path) -> None:  # noqa: ANN001
    import getpass

    from kipu.web.audit.models import AuditEvent

    assert kipu("platforms", "add", "gtrm-x", "--name", "X", "--country", "PER").exit_code == 0
    orgs = csv(tmp_path, "orgs.csv", "name,acronym,type,id\nWorld Food Programme,WFP,UN,ORG077\n")
    assert kipu("orgs", "load", orgs).exit_code == 0
    bad = csv(tmp_path, "bad.csv", "name,acronym,type,id\n,,UN,ORG078\n")  # no row loads
    assert kipu("orgs", "load", bad).exit_code == 1  # nothing stored: nothing audited
    events = list(AuditEvent.objects.order_by("id"))
    assert [e.action for e in events] == ["add_platform", "import_organisations"]
    assert {e.actor_label for e in events} == {f"cli:{getpass.getuser()}"}
    assert events[1].platform.slug == "gtrm-x"
    assert events[1].after == {"file": "orgs.csv", "created": 1, "updated": 0}


def test_the_operator_changes_a_shared_organisation_audited_on_every_platform(
    kipu, make_platform, tmp_path: Path
) -> None:  # noqa: ANN001
    """The command line acts as the installation administrator: it may change an organisation
    another platform owns, and every platform using it sees the change in its audit log."""
    from kipu.web.audit.models import AuditEvent

    make_platform("gtrm-test")
    make_platform("gtrm-other")  # a member of Partner A too; gtrm-test owns it
    data = csv(
        tmp_path, "orgs.csv", "id,name,acronym\nORG901,Partner A renamed,PA\nORG950,New,NW\n"
    )
    result = kipu("orgs", "load", data, "--platform", "gtrm-other")
    assert result.exit_code == 0, result.output
    assert "1 new, 1 updated" in result.output and "note:" not in result.output
    assert Organisation.objects.get(external_id="ORG901").name_en == "Partner A renamed"
    assert Organisation.objects.get(external_id="ORG950").owner.slug == "gtrm-other"
    events = AuditEvent.objects.filter(action="import_organisation")
    assert sorted(e.platform.slug for e in events) == ["gtrm-other", "gtrm-test"]
    assert {e.actor_label.split(":")[0] for e in events} == {"cli"}


def test_locations_load_is_audited_on_the_platforms_of_the_country(
    kipu, make_platform, tmp_path: Path
) -> None:  # noqa: ANN001
    from kipu.web.audit.models import AuditEvent

    make_platform("gtrm-test")
    table = csv(tmp_path, "per.csv", "pcode,name,level,parent_pcode\nPE99,Nueva Region,1,\n")
    assert kipu("locations", "load", table, "--country", "PER").exit_code == 0
    event = AuditEvent.objects.get(action="import_locations")
    assert event.platform.slug == "gtrm-test"
