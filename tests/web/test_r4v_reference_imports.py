"""R4V's reference files through the import services (issue 13): the registry's warnings in
the summary and the audit log, the registry id that two organisations share, the admin1 list
that never replaces a country unit, and audited place aliases."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied

from kipu.core.gazetteer import Location as Unit
from kipu.web.audit.models import AuditEvent
from kipu.web.locations.models import Location, LocationAlias
from kipu.web.locations.queries import gazetteer
from kipu.web.locations.services import add_alias, load_locations, remove_alias
from kipu.web.platforms.models import Membership, Organisation
from kipu.web.reference.services import import_reference

pytestmark = pytest.mark.django_db
REGISTRY = (
    "Organization ID,Organization Name,Acronym,Type,Country\n"
    "ORG701,Alianza Sintética,AS,Organización basada en la fe,Peru\n"
    "ORG701,Brigada Sintética,BS,Sector privado,Perú\n"
    "ORG702,,XX,ONG nacional,Peru\n"
    "ORG703,Banco Sintético,BSI,Banca,Peru\n"
    "ORG704,Socio Brasileño,SB,ONG nacional,Brasil\n"
)
ADMIN1_LIST = (
    "Country,Admin1 Name,Admin1 P-code\n"
    "Bolivia,Bolivia,BO00\nBolivia,La Paz,BO02\n"
    "Chile,Arica y Parinacota,CH15\n"
    "Aruba,Aruba,AW01\n"
)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_registry_loads_with_its_warnings_in_the_summary_and_audit(
    make_platform, tmp_path: Path
) -> None:  # noqa: ANN001
    platform = make_platform()
    result = import_reference(
        "organisations", platform, write(tmp_path, "registry.csv", REGISTRY), "cli:im"
    )
    assert result.ok, result.errors
    assert (result.summary["created"], result.summary["updated"]) == (3, 0)
    warnings = result.summary["warnings"]
    assert [w.split(":")[0] for w in warnings] == [
        "registry.csv, row 3, column 'Organization ID'",
        "registry.csv, row 4, column 'Organization Name'",
        "registry.csv, row 5, column 'Type'",
        "registry.csv, column 'Country'",
    ]
    alianza = Organisation.objects.get(external_id="ORG701")
    assert (alianza.name_en, alianza.org_type) == ("Alianza Sintética", "Faith Based Organization")
    brigada = Organisation.objects.get(name_en="Brigada Sintética")
    assert (brigada.external_id, brigada.org_type) == (None, "Private Sector")
    assert Organisation.objects.get(external_id="ORG703").org_type == "Banca"
    assert not Organisation.objects.filter(name_en="Socio Brasileño").exists()
    assert Membership.objects.filter(platform=platform).count() == 5  # 2 of make_platform
    event = AuditEvent.objects.get(action="import_organisations")
    assert event.after["warnings"] == warnings
    again = import_reference(
        "organisations", platform, write(tmp_path, "registry.csv", REGISTRY), "cli:im"
    )
    assert (again.summary["created"], again.summary["updated"]) == (0, 3)  # matched by name


def test_the_organisation_kipu_knows_by_a_shared_id_keeps_it(make_platform, tmp_path: Path) -> None:  # noqa: ANN001
    """Kipu knows ORG901 as Partner A: a registry giving ORG901 first to another organisation
    does not rename Partner A (and its history) into it."""
    platform = make_platform()
    registry = (
        "Organization ID,Organization Name,Type\n"
        "ORG901,Otra Organización,NNGO\n"
        "ORG901,Partner A,INGO\n"
    )
    result = import_reference(
        "organisations", platform, write(tmp_path, "registry.csv", registry), "cli:im"
    )
    assert result.ok
    assert Organisation.objects.get(external_id="ORG901").name_en == "Partner A"
    other = Organisation.objects.get(name_en="Otra Organización")
    assert other.external_id is None
    assert "row 3 keeps it (Kipu knows the id by its name)" in result.summary["warnings"][0]


def test_the_admin1_list_never_replaces_a_country_or_its_national_unit(tmp_path: Path) -> None:
    path = write(tmp_path, "r4v_admin1.csv", ADMIN1_LIST)
    result = import_reference("locations", None, path, "cli:im", {"country": ""})
    assert result.ok, result.errors
    assert result.summary["country"] == "ABW, BOL, CHL"
    bolivia = Location.objects.get(pcode="BO")
    assert (bolivia.level, bolivia.name, bolivia.national) == (0, "Bolivia", False)
    national = Location.objects.get(pcode="BO00")
    assert (national.level, national.national, national.parent) == (1, True, bolivia)
    assert Location.objects.get(pcode="CL15").aliases.get(alias="CH15").kind == "code"
    assert list(
        Location.objects.filter(country="ABW", level=1).values_list("pcode", "national")
    ) == [("AW00", True)]
    places = gazetteer(["BOL", "CHL", "ABW"])
    assert places.find("Bolivia", "BOL", 1).pcode == "BO00"
    assert places.find("Trinidad y Tobago", "TTO", 0) is None  # not loaded
    assert places.find("Estado Plurinacional de Bolivia", "BOL", 0).pcode == "BO"


def test_a_load_cannot_demote_a_national_unit_or_change_a_level() -> None:
    with pytest.raises(ValueError, match="PE00 is the country-level unit of PER"):
        load_locations([Unit("PE00", 1, "00", "Peru", "PER", "PE")])
    with pytest.raises(ValueError, match="PE is a level-0 unit"):
        load_locations([Unit("PE", 1, "00", "Peru", "PER", "PE")])
    assert Location.objects.get(pcode="PE00").national


def test_place_aliases_are_added_removed_and_audited(make_platform) -> None:  # noqa: ANN001
    make_platform()
    made = add_alias("PER", "Perú (país)", "cli:im")
    assert (made.location.pcode, made.kind) == ("PE", "name")
    assert gazetteer(["PER"]).find("peru (pais)", "PER", 0).pcode == "PE"
    with pytest.raises(ValueError, match="already names this unit"):
        add_alias("PE", "PERÚ (PAÍS)", "cli:im")
    with pytest.raises(ValueError, match=r"already names Tumbes \(PE24\)"):
        add_alias("PE15", "Tumbes", "cli:im")
    with pytest.raises(ValueError, match="no place with the code 'XX99'"):
        add_alias("XX99", "Nowhere", "cli:im")
    remove_alias("PE", "Perú (país)", "cli:im")
    assert not LocationAlias.objects.filter(alias="Perú (país)").exists()
    events = AuditEvent.objects.filter(action__endswith="_location_alias").order_by("id")
    assert [(e.action, e.platform.slug, e.actor_label) for e in events] == [
        ("add_location_alias", "gtrm-test", "cli:im"),
        ("remove_location_alias", "gtrm-test", "cli:im"),
    ]
    assert events[0].after == {"alias": "Perú (país)", "kind": "name"}


def test_only_installation_administrators_add_place_aliases(make_platform) -> None:  # noqa: ANN001
    from django.contrib.auth.models import User

    make_platform()
    someone = User.objects.create_user("someone", password="x")
    with pytest.raises(PermissionDenied):
        add_alias("PE", "Peru Land", someone)
    superuser = User.objects.create_superuser("root", "root@example.org", "x")
    assert add_alias("PE", "Peru Land", superuser).alias == "Peru Land"


def test_the_gazetteer_of_a_running_process_follows_every_change(make_platform) -> None:  # noqa: ANN001
    """Kept per process, it was rebuilt on counts and name lengths only: a P-code or a name
    of the same length changed, and validation and figures kept the old one."""
    make_platform()
    assert gazetteer(["PER"]).find("Lima", "PER", 1).pcode == "PE15"
    Location.objects.filter(pcode="PE15").update(pcode="PE15X")  # as a direct edit would
    assert gazetteer(["PER"]).find("Lima", "PER", 1).pcode == "PE15X"
    Location.objects.filter(pcode="PE15X").update(name="Loma")  # same length
    assert gazetteer(["PER"]).find("Loma", "PER", 1).pcode == "PE15X"
    assert gazetteer(["PER"]).find("Lima", "PER", 1) is None
