"""`kipu validate`, `kipu import`, `kipu template`, `kipu submissions`: real files, exit codes,
atomic replacement with history, idempotent re-import."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import openpyxl
import pytest
from openpyxl import load_workbook

from kipu.core.export import table_rows, write_csv, write_xlsx
from kipu.core.frame import activity_frame
from kipu.web.platforms.queries import reference_data
from kipu.web.submissions.models import Activity, Submission

ROW = {
    "country": "PER",
    "admin1": "PE15",
    "admin2": "PE1501",
    "appealing_org": "ORG901",
    "implementation": False,
    "month": "2019-11",
    "sector": "PRO",
    "indicator": "PRO-01",
    "activity_name": "Legal orientation",
    "rmrp_activity": True,
    "cva": False,
    "total_monthly": 100,
    "new_beneficiaries": 60,
    "in_destination": 50,
    "host_community": 10,
    "girls": 10,
    "boys": 10,
    "women": 25,
    "men": 15,
}


def five_w(tmp_path: Path, platform, name: str, rows: list[dict], lang: str = "en") -> str:  # noqa: ANN001
    path = tmp_path / name
    table = table_rows(activity_frame(rows), reference_data(platform, 2019), lang=lang)
    (write_csv if name.endswith(".csv") else write_xlsx)(table, path)
    return str(path)


@pytest.fixture
def platform(make_platform):  # noqa: ANN001
    return make_platform()


def test_validate_valid_file_exits_0_and_writes_nothing(kipu, platform, tmp_path) -> None:  # noqa: ANN001
    file = five_w(tmp_path, platform, "ok.xlsx", [ROW, {**ROW, "admin1": "PE24", "admin2": None}])
    result = kipu("validate", file, "--org", "PA", "--month", "2019-11", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["valid"] is True and data["summary"]["rows_read"] == 2
    assert Submission.objects.count() == 0


def test_validate_invalid_file_in_spanish(kipu, platform, tmp_path) -> None:  # noqa: ANN001
    bad = {**ROW, "indicator": "People orientd", "new_beneficiaries": 70}
    file = five_w(tmp_path, platform, "bad.csv", [ROW, bad], lang="es")
    result = kipu("validate", file, "--format", "json", "--lang", "es")
    assert result.exit_code == 1
    issues = json.loads(result.output)["issues"]
    assert {i["code"] for i in issues} >= {"unknown-indicator"}
    unknown = next(i for i in issues if i["code"] == "unknown-indicator")
    assert unknown["row"] == 4 and unknown["column"] == "Indicador"  # header and HXL rows counted
    assert "People oriented" in unknown["suggestion"]


def test_validate_unusable_file_exits_2(kipu, platform, tmp_path) -> None:  # noqa: ANN001
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"PK\x03\x04 this is not a workbook")
    result = kipu("validate", str(junk))
    assert result.exit_code == 2
    assert "unreadable-file" in result.output


def test_validate_xlsx_annotates_the_users_workbook(kipu, platform, tmp_path) -> None:  # noqa: ANN001
    file = five_w(tmp_path, platform, "bad.xlsx", [{**ROW, "admin1": "Atlantis", "admin2": None}])
    out = tmp_path / "checked.xlsx"
    result = kipu("validate", file, "--format", "xlsx", "-o", str(out))
    assert result.exit_code == 1
    book = load_workbook(out)
    assert "Errors" in book.sheetnames
    assert book["Errors"].max_row >= 2


def test_import_replaces_keeps_history_and_is_idempotent(kipu, platform, tmp_path) -> None:  # noqa: ANN001
    first = five_w(tmp_path, platform, "v1.xlsx", [ROW])
    second = five_w(tmp_path, platform, "v2.xlsx", [ROW, {**ROW, "admin1": "PE24", "admin2": None}])
    assert kipu("import", first, "--org", "ORG901", "--month", "2019-11").exit_code == 0
    again = kipu("import", first, "--org", "ORG901", "--month", "2019-11")
    assert again.exit_code == 0 and "Unchanged" in again.output
    assert Submission.objects.count() == 1
    assert kipu("import", second, "--org", "Partner A", "--month", "2019-11").exit_code == 0
    history = json.loads(kipu("submissions", "list", "--format", "json").output)
    assert [(s["status"], s["rows"]) for s in history] == [("current", 2), ("superseded", 1)]
    assert Activity.objects.filter(submission__status="current").count() == 2
    assert Activity.objects.count() == 3  # the replaced version stays retrievable
    shown = json.loads(
        kipu("submissions", "show", str(history[1]["id"]), "--format", "json").output
    )
    assert shown["report"]["valid"] is True
    from kipu.web.audit.models import AuditEvent

    audited = AuditEvent.objects.filter(action="import_submission").order_by("id")
    assert [(e.before and e.before["rows"], e.after["rows"]) for e in audited] == [
        (None, 1),
        (1, 2),
    ]  # the unchanged re-import is not a change
    assert all(e.actor_label.startswith("cli:") for e in audited)


def test_import_with_errors_stores_nothing(kipu, platform, tmp_path) -> None:  # noqa: ANN001
    good = five_w(tmp_path, platform, "good.xlsx", [ROW])
    kipu("import", good, "--org", "ORG901", "--month", "2019-11")
    bad = five_w(tmp_path, platform, "bad.xlsx", [ROW, {**ROW, "new_beneficiaries": 500}])
    result = kipu("import", bad, "--org", "ORG901", "--month", "2019-11")
    assert result.exit_code == 1
    assert "new-exceeds-total" in result.output
    assert Submission.objects.count() == 1 and Activity.objects.count() == 1


def test_accept_issues_stores_marked_rows_that_figures_exclude(kipu, platform, tmp_path) -> None:  # noqa: ANN001
    mismatch = {**ROW, "girls": 40}  # age/sex groups no longer add up to the new beneficiaries
    file = five_w(tmp_path, platform, "export.xlsx", [ROW, mismatch])
    assert kipu("import", file, "--all-months").exit_code == 1
    result = kipu("import", file, "--all-months", "--accept-issues")
    assert result.exit_code == 0, result.output
    stored = Activity.objects.order_by("row")
    assert [a.issues for a in stored] == [[], ["agd-breakdown-mismatch"]]
    clean = json.loads(kipu("figures", "--format", "json").output)
    everything = json.loads(kipu("figures", "--format", "json", "--include-issues").output)
    total = {"clean": clean, "all": everything}
    monthly = {
        k: sum(
            r["monthly_total"]
            for r in v["rows"]
            if r["admin1"] is None and r["sector"] == "Intersector"
        )
        for k, v in total.items()
    }
    assert monthly == {"clean": 100, "all": 200}
    # The note of the row left out, in the summary's language (it was English under --lang es)
    english = kipu("figures").output
    assert "1 stored row with accepted errors not counted" in english
    spanish = kipu("figures", "--lang", "es").output
    assert "1 fila guardada con errores aceptados no se cuenta" in spanish
    assert "accepted errors" not in spanish
    table = kipu("figures", "--lang", "es", "--format", "csv").output
    assert "nota: 1 fila guardada con errores aceptados no se cuenta" in table
    # The IM team's export says which rows were stored with accepted issues (they read like
    # any other row, 0 where the file had nothing), in CSV and XLSX, English and Spanish.
    exported = kipu("export", "--month", "2019-11", "-o", "-").output
    rows = list(csv.reader(io.StringIO(exported)))
    assert rows[0][-1] == "Accepted issues" and rows[1][-1] == "#meta+issues"
    assert sorted(r[-1] for r in rows[2:] if len(r) > 1) == ["", "agd-breakdown-mismatch"]
    workbook = tmp_path / "im.xlsx"
    assert kipu("export", "--month", "2019-11", "--lang", "es", "-o", workbook).exit_code == 0
    sheet = openpyxl.load_workbook(workbook).active
    last = [row[-1] for row in sheet.iter_rows(values_only=True)]
    assert last[0] == "Incidencias aceptadas"
    assert sorted(v or "" for v in last[2:]) == ["", "agd-breakdown-mismatch"]


def test_unstorable_rows_block_even_with_accept_issues(kipu, platform, tmp_path) -> None:  # noqa: ANN001
    file = five_w(tmp_path, platform, "x.xlsx", [{**ROW, "appealing_org": "Nobody Org"}])
    result = kipu("import", file, "--all-months", "--accept-issues")
    assert result.exit_code == 1 and "cannot be stored" in result.output
    assert Activity.objects.count() == 0


def test_all_months_groups_by_organisation_and_month(kipu, platform, tmp_path) -> None:  # noqa: ANN001
    rows = [ROW, {**ROW, "month": "2019-10"}, {**ROW, "appealing_org": "ORG902"}]
    file = five_w(tmp_path, platform, "year.xlsx", rows)
    assert kipu("import", file, "--all-months").exit_code == 0
    assert sorted(Submission.objects.values_list("organisation__external_id", "month")) == [
        ("ORG901", "2019-10"),
        ("ORG901", "2019-11"),
        ("ORG902", "2019-11"),
    ]


def test_import_usage_errors(kipu, platform, tmp_path) -> None:  # noqa: ANN001
    file = five_w(tmp_path, platform, "x.xlsx", [ROW])
    assert kipu("import", file).exit_code == 2
    assert kipu("import", file, "--org", "ORG901").exit_code == 2
    assert kipu("import", file, "--org", "ORG901", "--month", "2019-13").exit_code == 2
    assert kipu("import", file, "--org", "Unknown", "--month", "2019-11").exit_code == 2


@pytest.mark.parametrize("written", ["ORG901", "PA", "pa", "Partner A", " partner  a "])
def test_an_organisation_is_found_by_id_acronym_or_name(kipu, platform, tmp_path, written) -> None:  # noqa: ANN001
    file = five_w(tmp_path, platform, "x.xlsx", [ROW])
    result = kipu("validate", file, "--org", written, "--month", "2019-11")
    assert result.exit_code == 0, result.output


def test_an_unknown_organisation_names_the_closest_members(kipu, platform, tmp_path) -> None:  # noqa: ANN001
    file = five_w(tmp_path, platform, "x.xlsx", [ROW])
    result = kipu("validate", file, "--org", "Partner C", "--month", "2019-11")
    assert result.exit_code == 2
    assert "no member organisation 'Partner C'" in result.output
    assert "did you mean " in result.output
    assert "Partner A (PA, ORG901)" in result.output and "Partner B (PB, ORG902)" in result.output
    assert "did you mean" not in kipu("validate", file, "--org", "zzzz").output


def test_an_acronym_wins_over_an_alias_and_a_tie_is_refused(kipu, platform, tmp_path) -> None:  # noqa: ANN001
    from kipu.web.platforms.models import Membership, Organisation
    from kipu.web.submissions.imports import organisation_of

    file = five_w(tmp_path, platform, "x.xlsx", [ROW])
    first = Organisation.objects.get(external_id="ORG901")
    first.aliases = ["IOM"]
    first.save()
    other = Organisation.objects.create(name_en="Int. Org. of Mothers", acronym="IOM",
                                        org_type="INGO", external_id="ORG990")  # fmt: skip
    Membership.objects.create(platform=platform, organisation=other)
    assert organisation_of(platform, "iom").external_id == "ORG990"  # its acronym, not an alias
    assert organisation_of(platform, "Partner A").external_id == "ORG901"
    other.acronym = "PA"  # now two members have the acronym PA
    other.save()
    tie = kipu("validate", file, "--org", "PA", "--month", "2019-11")
    assert tie.exit_code == 2
    assert "'PA' names several member organisations" in tie.output
    assert "PA (ORG901)" in tie.output and "PA (ORG990)" in tie.output


def test_template_round_trip(kipu, platform, tmp_path) -> None:  # noqa: ANN001
    out = tmp_path / "template.xlsx"
    result = kipu(
        "template", "--org", "ORG901", "--month", "2019-11", "--lang", "es", "-o", str(out)
    )
    assert result.exit_code == 0, result.output
    book = load_workbook(out)
    sheet = book.worksheets[0]
    labels = [c.value for c in sheet[1]]
    assert "Indicador" in labels and "Socio principal Nombre" in labels


def test_figures_from_a_file_without_database(kipu, platform, tmp_path) -> None:  # noqa: ANN001
    file = five_w(tmp_path, platform, "x.xlsx", [ROW, {**ROW, "new_beneficiaries": 500}])
    plan = tmp_path / "plan.csv"
    plan.write_text("sector,indicator,code,type\nProtection,People oriented,PRO-01,PiN\n")
    result = kipu("figures", "--input", file, "--plan", str(plan), "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["validation"]["issues_by_code"]["new-exceeds-total"] == 1
    assert data["partners"]["appealing"] == 1


def test_figures_summary_in_spanish(kipu, platform, tmp_path) -> None:  # noqa: ANN001
    file = five_w(tmp_path, platform, "x.xlsx", [ROW, {**ROW, "new_beneficiaries": 500}])
    plan = tmp_path / "plan.csv"
    plan.write_text("sector,indicator,code,type\nProtection,People oriented,PRO-01,PiN\n")
    result = kipu("figures", "--input", file, "--plan", str(plan), "--lang", "es")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Personas alcanzadas en noviembre de 2019")
    assert "Calculado sobre las filas tal como están: 2 filas, 1 con errores." in result.output
    assert "new-exceeds-total 1" in result.output


@pytest.mark.parametrize("stored", [False, True])
def test_figures_of_a_period_across_years_are_refused(kipu, platform, tmp_path, stored) -> None:  # noqa: ANN001
    """Before, November 2019 to January 2020 printed "People reached …: 0" (January's alone)."""
    file = five_w(tmp_path, platform, "x.xlsx", [ROW])
    plan = tmp_path / "plan.csv"
    plan.write_text("sector,indicator,code,type\nProtection,People oriented,PRO-01,PiN\n")
    source = ["--input", file, "--plan", str(plan)] if not stored else []
    if stored:
        assert kipu("import", file, "--org", "ORG901", "--month", "2019-11").exit_code == 0
    result = kipu("figures", *source, "--from", "2019-11", "--to", "2020-01")
    assert result.exit_code == 2, result.output
    assert "spans two plan years" in result.output and ": 0" not in result.output
    if not stored:  # the notes of a table written as a file go to stderr, never nowhere
        both = five_w(tmp_path, platform, "y.csv", [ROW, {**ROW, "month": "2020-01"}])
        table = kipu("figures", "--input", both, "--plan", str(plan), "--format", "csv")
        assert "note: 1 rows of other plan years (2019-11 to 2019-11)" in table.output
    alone = kipu("figures", *source, "--from", "2019-11")  # the end stays in 2019
    assert alone.exit_code == 0 and "People reached in November 2019" in alone.output, alone.output
    assert "November 2019 (intersector model max-cell): 0" not in alone.output


def test_a_month_of_a_year_without_its_own_plan_is_stored(kipu, platform, tmp_path) -> None:  # noqa: ANN001
    """Checked against the nearest plan (2019's), the row was valid, then the import stopped
    with a traceback: the indicator was looked for in a 2020 plan only."""
    file = five_w(tmp_path, platform, "x.xlsx", [{**ROW, "month": "2020-01"}])
    assert kipu("validate", file).exit_code == 0
    stored = kipu("import", file, "--org", "ORG901", "--month", "2020-01")
    assert stored.exit_code == 0, stored.output
    figures = kipu("figures", "--from", "2020-01", "--to", "2020-01", "--format", "json")
    assert json.loads(figures.output)["partners"]["appealing"] == 1


@pytest.mark.parametrize("all_months", [False, True])
def test_a_published_month_takes_no_import_a_locked_one_does(
    kipu, platform, tmp_path, all_months: bool
) -> None:  # noqa: ANN001
    """Before, `kipu import` replaced rows of a published month: the public figures changed
    under a published report that still said otherwise."""
    from kipu.web.submissions.models import Activity, MonthStatus

    file = five_w(tmp_path, platform, "x.xlsx", [ROW])
    which = ["--all-months"] if all_months else ["--org", "ORG901", "--month", "2019-11"]
    status = MonthStatus.objects.create(
        platform=platform, month="2019-11", status=MonthStatus.Status.PUBLISHED
    )
    refused = kipu("import", file, *which)
    assert refused.exit_code == 2 and "2019-11 is published" in refused.output, refused.output
    assert not Activity.objects.exists()
    status.status = MonthStatus.Status.LOCKED
    status.save()
    assert kipu("import", file, *which).exit_code == 0  # the IM team corrects a locked month
    assert Activity.objects.count() == 1


def test_figures_of_a_file_use_the_platforms_proportions_as_once_stored(
    kipu, platform, tmp_path
) -> None:  # noqa: ANN001
    """Before, `--input` split people with the sector's own age/sex shares while the stored
    rows were split with the plan's proportions table: one file, two numbers."""
    from kipu.web.locations.models import Location
    from kipu.web.plans.models import Plan, Proportion, Sector

    plan = Plan.objects.get(platform=platform, year=2019)
    Proportion.objects.create(
        plan=plan,
        sector=Sector.objects.get(plan=plan, code="PRO"),
        admin1=Location.objects.get(pcode="PE15"),
        population_type="in_destination",
        girls=0.58,
        boys=0.09,
        women=0.33,
        men=0.0,
    )
    file = five_w(
        tmp_path, platform, "x.xlsx", [{**ROW, "in_destination": 25, "host_community": 35}]
    )
    asked = ["figures", "--from", "2019-11", "--to", "2019-11", "--format", "json"]
    provisional = json.loads(kipu(*asked, "--input", file).output)
    assert kipu("import", file, "--org", "ORG901", "--month", "2019-11").exit_code == 0
    stored = json.loads(kipu(*asked).output)
    assert provisional["rows"] == stored["rows"]
    intersector = [r for r in stored["rows"] if r["sector"] == "Intersector" and r["admin1"]]
    assert intersector[0]["girls"] >= 15  # 25 × 0.58 = 14.5, half away from zero


def test_each_years_rows_are_checked_and_stored_against_one_plan(kipu, platform, tmp_path) -> None:  # noqa: ANN001
    """Before, a 2020 row naming an indicator of the 2021 plan only was valid (checked against
    the latest plan), then the import stopped with a traceback (stored against 2019's); and a
    code both plans have was stored with the last plan's indicator for every year."""
    from kipu.web.plans.models import Indicator
    from kipu.web.submissions.models import Activity

    plan = tmp_path / "plan2021.csv"
    plan.write_text(
        "sector,sector_code,indicator,code,type\nProtection,PRO,People oriented,PRO-01,PiN\n"
        "Protection,PRO,New in 2021,NEW-21,PiN\n"
    )
    assert kipu("plan", "load", str(plan), "--year", "2021").exit_code == 0
    new = five_w(
        tmp_path, platform, "new.csv", [{**ROW, "month": "2020-05", "indicator": "NEW-21"}]
    )
    for month in ([], ["--month", "2020-05"]):
        checked = kipu("validate", new, *month)
        assert checked.exit_code == 1 and "unknown-indicator" in checked.output, checked.output
    refused = kipu("import", new, "--all-months")
    assert refused.exit_code == 1 and "unknown-indicator" in refused.output  # no traceback
    both = five_w(
        tmp_path, platform, "both.csv", [{**ROW, "month": "2018-11"}, {**ROW, "month": "2021-02"}]
    )
    stored = kipu("import", both, "--all-months")
    assert stored.exit_code == 0, stored.output
    years = dict(Activity.objects.values_list("month", "indicator_id").order_by("month"))
    plan_years = dict(Indicator.objects.values_list("pk", "plan__year"))
    assert {m: plan_years[i] for m, i in years.items()} == {"2018-11": 2019, "2021-02": 2021}


@pytest.mark.parametrize("input_file", [True, False])
def test_figures_without_dates_take_the_plan_of_their_year(
    kipu, platform, tmp_path, input_file: bool
) -> None:  # noqa: ANN001
    """Before, figures of 2019 rows without --from/--to stood beside the latest plan's
    targets (a 2021 target of 800 against 2019's people reached)."""
    later = tmp_path / "plan2021.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "indicators"
    book.active.append(["sector", "sector_code", "indicator", "code", "type"])
    book.active.append(["Protection", "PRO", "People oriented", "PRO-01", "PiN"])
    targets = book.create_sheet("targets")
    targets.append(["sector", "admin1", "people_in_need", "people_targeted"])
    targets.append(["Protection", "", 800, 800])
    book.save(later)
    assert kipu("plan", "load", str(later), "--year", "2021").exit_code == 0
    file = five_w(tmp_path, platform, "x.xlsx", [ROW])
    if not input_file:
        assert kipu("import", file, "--org", "ORG901", "--month", "2019-11").exit_code == 0
    source = ["--input", file] if input_file else []
    found = json.loads(kipu("figures", *source, "--format", "json").output)
    assert found["to"] == "2019-11"
    assert 800 not in [row.get("people_targeted") for row in found["progress"]]


def test_a_plan_loaded_again_without_an_indicator_removes_it_unless_used(
    kipu, platform, tmp_path
) -> None:  # noqa: ANN001
    """Before, an indicator the new file left out stayed, and 5W rows naming it stayed valid."""
    from kipu.web.plans.models import Indicator

    plan = tmp_path / "plan.csv"
    plan.write_text(
        "sector,sector_code,indicator,code,type\nProtection,PRO,People oriented,PRO-01,PiN\n"
        "Protection,PRO,Legal advice,PRO-02,PiN\n"
    )
    assert kipu("plan", "load", str(plan), "--year", "2019").exit_code == 0
    lower = tmp_path / "lower.csv"  # the same codes in another case: the same indicators
    lower.write_text(plan.read_text().replace("PRO-0", "pro-0"))
    assert kipu("plan", "load", str(lower), "--year", "2019").exit_code == 0
    codes = Indicator.objects.filter(plan__platform=platform, plan__year=2019)
    assert sorted(codes.values_list("code", flat=True)) == ["pro-01", "pro-02"]
    assert kipu("plan", "load", str(plan), "--year", "2019").exit_code == 0
    file = five_w(tmp_path, platform, "x.xlsx", [ROW])  # PRO-01
    stored = kipu("import", file, "--org", "ORG901", "--month", "2019-11")
    assert stored.exit_code == 0, stored.output
    plan.write_text("sector,sector_code,indicator,code,type\nProtection,PRO,Cases,PRO-03,PiN\n")
    again = kipu("plan", "load", str(plan), "--year", "2019")
    assert again.exit_code == 0, again.output
    codes = set(Indicator.objects.filter(plan__platform=platform).values_list("code", flat=True))
    assert codes == {"PRO-01", "PRO-03"}  # PRO-02 removed; PRO-01 kept: an activity uses it
    assert "kept, as stored activities use them: PRO-01" in again.output


def _typed_over(path: str, texts: dict[str, str]) -> str:
    """The CSV file with cells retyped as a partner types them."""
    data = Path(path).read_text("utf-8")
    for before, after in texts.items():
        data = data.replace(before, after)
    Path(path).write_text(data, "utf-8")
    return path


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_value_that_cannot_be_read_is_never_summed_as_zero(
    kipu, platform, tmp_path, lang
) -> None:  # noqa: ANN001
    """A tester's: "abc" in New beneficiaries printed "By sector: Protection 0"."""
    rows = [ROW, {**ROW, "new_beneficiaries": 987654}, {**ROW, "total_monthly": 876543}]
    file = _typed_over(
        five_w(tmp_path, platform, "x.csv", rows), {"987654": "abc", "876543": "S/ 100"}
    )
    plan = tmp_path / "plan.csv"
    plan.write_text("sector,indicator,code,type\nProtection,People oriented,PRO-01,PiN\n")
    data = json.loads(
        kipu("figures", "--input", file, "--plan", str(plan), "--format", "json").output
    )
    assert data["validation"]["rows_left_out"] == [4, 5]  # under a two-row header
    whole = json.loads(
        kipu(
            "figures",
            "--input",
            five_w(tmp_path, platform, "one.csv", [ROW]),
            "--plan",
            str(plan),
            "--format",
            "json",
        ).output
    )
    assert data["rows"] == whole["rows"]  # the readable row only
    text = kipu("figures", "--input", file, "--plan", str(plan), "--lang", lang).output
    left = (
        "2 filas quedan fuera (no se pueden guardar): 4, 5."
        if lang == "es"
        else ("2 rows left out (they cannot be stored): 4, 5.")
    )
    assert left in text, text
    nothing = five_w(tmp_path, platform, "bad.csv", [{**ROW, "new_beneficiaries": 987654}])
    nothing = _typed_over(nothing, {"987654": "abc"})
    text = kipu("figures", "--input", nothing, "--plan", str(plan), "--lang", lang).output
    assert "None" not in text and (
        text.startswith("No hay datos")
        if lang == "es"
        else text.startswith("No people-reached data.")
    )


def test_figures_from_files_say_which_organisations_were_left_out(kipu, platform, tmp_path) -> None:  # noqa: ANN001
    # A registry row that cannot be loaded is not a silent gap in the partner count.
    file = five_w(tmp_path, platform, "x.xlsx", [ROW])
    plan = tmp_path / "plan.csv"
    plan.write_text("sector,indicator,code,type\nProtection,People oriented,PRO-01,PiN\n")
    orgs = tmp_path / "orgs.csv"
    orgs.write_text("id,name,acronym,type\nORG901,Partner A,PA,INGO\nORG902,,PB,INGO\n")
    result = kipu("figures", "--input", file, "--plan", str(plan), "--orgs", str(orgs),
                  "--format", "json")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "warning: orgs.csv, row 3, column 'name': no name: row skipped" in result.stderr
    assert json.loads(result.stdout)["partners"]["appealing"] == 1


def test_reference_files_without_what_reads_them_are_usage_errors(kipu, platform, tmp_path) -> None:  # noqa: ANN001
    file = five_w(tmp_path, platform, "x.xlsx", [ROW])
    plan = tmp_path / "plan.csv"
    plan.write_text("sector,indicator,code,type\nProtection,People oriented,PRO-01,PiN\n")
    without_input = kipu("figures", "--plan", str(plan))
    assert without_input.exit_code == 2 and "--plan is read with --input" in without_input.output
    without_plan = kipu("figures", "--input", file, "--orgs", str(plan))
    assert without_plan.exit_code == 2 and "--orgs is read with" in without_plan.output


def test_the_text_report_in_spanish_is_spanish_throughout(kipu, platform, tmp_path) -> None:  # noqa: ANN001
    """The headline, the counts and the places were English around Spanish messages."""
    bad = {**ROW, "indicator": "People orientd", "new_beneficiaries": 70}
    file = five_w(tmp_path, platform, "bad.csv", [ROW, bad], lang="es")
    spanish = kipu("validate", file, "--lang", "es").output
    assert spanish.startswith("NO VÁLIDO: 2 filas leídas, 1 con errores")
    assert "Problemas por código: " in spanish and "fila 4" in spanish
    assert "rows" not in spanish and "row 4" not in spanish
    english = kipu("validate", file).output
    assert english.startswith("INVALID: 2 rows read, 1 with errors") and "row 4" in english


def test_a_refused_file_is_one_line_in_the_asked_language(kipu, platform, tmp_path) -> None:  # noqa: ANN001
    """`figures --input` named the file twice and always in English."""
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"PK\x03\x04 this is not a workbook")
    plan = tmp_path / "plan.csv"
    plan.write_text("sector,indicator,code,type\nProtection,People oriented,PRO-01,PiN\n")
    for lang, words in (("en", "corrupt or truncated file"), ("es", "archivo dañado")):
        result = kipu("figures", "--input", str(junk), "--plan", str(plan), "--lang", lang)
        assert result.exit_code == 2
        assert result.output.count("junk.xlsx") == 1 and words in result.output, result.output


def test_limits_are_written_as_each_language_writes_numbers() -> None:
    from kipu.core.read import errors

    error = errors.too_large("dimension", "x.xlsx", rows=14, columns=301, max_rows=2_000_000,
                             max_columns=300)  # fmt: skip
    assert "2,000,000 × 300" in error.text("en")
    assert "2\u00a0000\u00a0000 × 300" in error.text("es")


def test_one_row_and_an_import_in_spanish(kipu, platform, tmp_path) -> None:  # noqa: ANN001
    one = five_w(tmp_path, platform, "one.xlsx", [ROW])
    assert kipu("validate", one, "--lang", "es").output.startswith("VÁLIDO: 1 fila leída, ")
    assert kipu("validate", one).output.startswith("VALID: 1 row read, ")
    stored = kipu("import", one, "--org", "ORG901", "--month", "2019-11", "--lang", "es").output
    assert "VÁLIDO: 1 fila leída" in stored and "1 fila (envío " in stored
    again = kipu("import", one, "--org", "ORG901", "--month", "2019-11", "--lang", "es").output
    assert "Sin cambios: " in again and "Unchanged" not in again


def test_a_file_without_a_5w_sheet_says_so_in_figures(kipu, platform, tmp_path) -> None:  # noqa: ANN001
    """`figures --input` gave only the file and its sheets, not why."""
    path = tmp_path / "notes.csv"
    path.write_text("name,comment\nAna,hola\n")
    plan = tmp_path / "plan.csv"
    plan.write_text("sector,indicator,code,type\nProtection,People oriented,PRO-01,PiN\n")
    english = kipu("figures", "--input", str(path), "--plan", str(plan))
    assert english.exit_code == 2 and "No sheet has a 5W header row" in english.output
    spanish = kipu("figures", "--input", str(path), "--plan", str(plan), "--lang", "es").output
    assert "Ninguna hoja tiene una fila de encabezados 5W" in spanish


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", "1 row left out (it cannot be stored): 7."),
        ("es", "1 fila queda fuera (no se puede guardar): 7."),
    ],
)
def test_one_row_left_out_is_said_in_the_singular(lang: str, said: str) -> None:
    from kipu.cli.figures import _provisional_note

    validation = {"rows_read": 3, "rows_with_errors": 1, "issues_by_code": {}, "rows_left_out": [7]}
    assert said in _provisional_note(validation, lang)


@pytest.mark.parametrize(("option", "value"), [("--from", "2019-13"), ("--to", "2019/11")])
def test_a_period_bound_that_is_not_a_month_names_its_option(kipu, option, value) -> None:  # noqa: ANN001
    """`kipu figures --from 2019-13` said "--month must be YYYY-MM" (a tester)."""
    result = kipu("figures", option, value)
    assert result.exit_code == 2
    assert f"{option} must be YYYY-MM, not '{value}'" in result.output
