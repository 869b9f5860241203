"""Reloading a country's units (docs/reference-data.md, "Locations", "Reloading"): a file whose
codes lost their zeros (EC1 for EC01) or that names a stored unit under a new code is
refused, nothing stored; a reload renaming units warns of each (code: old → new), keeps the
old name as an alias and says when the codes may have shifted; the audit holds the renames."""

from __future__ import annotations

from pathlib import Path

import pytest

from kipu.core.gazetteer import Location as Unit
from kipu.web.audit.models import AuditEvent
from kipu.web.locations.models import Location, LocationAlias
from kipu.web.locations.queries import gazetteer
from kipu.web.locations.services import load_locations
from kipu.web.reference.services import import_reference

pytestmark = pytest.mark.django_db
HEADER = "Country,Admin1 Name,Admin1 P-code\n"
FIRST = (
    HEADER
    + "Ecuador,Azuay,EC01\nEcuador,Bolívar,EC02\nEcuador,Cañar,EC03\nEcuador,Pichincha,EC17\n"
)


def _import(tmp_path: Path, name: str, text: str):  # noqa: ANN202 - Imported
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return import_reference("locations", None, path, "cli:im", {"country": "ECU"})


def _ecuador() -> dict[str, str]:
    return dict(Location.objects.filter(country="ECU", level=1).values_list("pcode", "name"))


def test_codes_without_their_zeros_are_refused_and_nothing_changes(tmp_path: Path) -> None:
    assert _import(tmp_path, "l1.csv", FIRST).ok
    before = _ecuador()
    aliases = LocationAlias.objects.count()
    # Beside a two-digit code of the file, the file's own check refuses them first.
    mixed = _import(
        tmp_path, "l2.csv", HEADER + "Ecuador,Azuay,EC1\nEcuador,Bolívar,EC2\nEcuador,Manabí,EC13\n"
    )
    assert [e.split(": ", 1)[0] for e in mixed.errors] == ["l2.csv, row 2", "l2.csv, row 3"]
    assert "write EC01" in mixed.errors[0] and "write EC02" in mixed.errors[1]
    assert _ecuador() == before
    result = _import(
        tmp_path, "l3.csv", HEADER + "Ecuador,Azuay,EC1\nEcuador,Bolívar,EC2\nEcuador,Manabí,EC9\n"
    )
    assert not result.ok
    (error,) = result.errors
    assert error.startswith("l3.csv: 2 units of the file are stored ones under another code")
    assert "row 2: EC1 'Azuay' is the stored EC01 'Azuay'" in error
    assert "row 3: EC2 'Bolívar' is the stored EC02 'Bolívar'" in error and "write EC02" in error
    assert _ecuador() == before  # EC9, a unit of its own, is not stored either
    assert LocationAlias.objects.count() == aliases
    assert not AuditEvent.objects.filter(action="import_locations", after__file="l3.csv").exists()
    assert [u.pcode for u in gazetteer(["ECU"]).find_all("Azuay", "ECU", 1)] == ["EC01"]


def test_a_code_shorter_than_its_stored_siblings_is_refused(tmp_path: Path) -> None:
    """EC5 beside the stored EC01, EC02, EC03, EC17 was stored silently: a 5W row writing EC05
    did not find it."""
    assert _import(tmp_path, "l1.csv", FIRST).ok
    result = _import(tmp_path, "l5.csv", HEADER + "Ecuador,Cotopaxi,EC5\n")
    assert result.errors == [
        "l5.csv: 1 unit of the file has a P-code shorter than the stored units beside it; "
        "nothing was loaded: row 2: EC5 'Cotopaxi' has 1 digit(s) where the other units of EC "
        "at its level have 2 (EC01, EC02, EC03, …): write EC05 (a spreadsheet drops the "
        "leading zeros of a number)"
    ]
    assert not Location.objects.filter(pcode="EC5").exists()


def test_a_new_code_for_a_stored_name_is_refused(tmp_path: Path) -> None:
    assert _import(tmp_path, "l1.csv", FIRST).ok
    result = _import(tmp_path, "l4.csv", HEADER + "Ecuador,Pichincha,EC25\n")
    assert result.errors == [
        "l4.csv: 1 unit of the file is a stored one under another code; nothing was loaded: "
        "row 2: EC25 'Pichincha' would be a second 'Pichincha' in EC, beside the stored EC17 "
        "'Pichincha': write EC17 if it is that unit, or list EC17 in the file too if both exist"
    ]
    assert not Location.objects.filter(pcode="EC25").exists()


def test_a_reload_that_renames_units_says_so_and_keeps_the_old_names(tmp_path: Path) -> None:
    assert _import(tmp_path, "l1.csv", FIRST).ok
    result = _import(
        tmp_path,
        "l2.csv",
        HEADER
        + "Ecuador,Azuay,EC01\nEcuador,Bolivar,EC02\nEcuador,Canar,EC03\nEcuador,Guayas,EC17\n",
    )
    assert result.ok, result.errors
    assert (result.summary["created"], result.summary["updated"]) == (0, 3)
    warnings = result.summary["warnings"]
    assert (
        "EC02 renamed: 'Bolívar' → 'Bolivar' (a spelling: rows writing either find it)" in warnings
    )
    (pichincha,) = [w for w in warnings if w.startswith("EC17 renamed: 'Pichincha' → 'Guayas'")]
    assert "'Pichincha' is kept as its alias" in pichincha
    assert "the file's codes may have shifted" in pichincha
    assert not any("shifted" in w for w in warnings if not w.startswith("EC17"))
    assert LocationAlias.objects.get(location__pcode="EC17", alias="Pichincha").kind == "name"
    places = gazetteer(["ECU"])
    assert places.find("Pichincha", "ECU", 1).pcode == "EC17"
    assert places.find("Bolívar", "ECU", 1).pcode == "EC02"
    event = AuditEvent.objects.get(action="import_locations", after__file="l2.csv")
    assert event.after["warnings"] == warnings
    again = _import(tmp_path, "l2.csv", HEADER + "Ecuador,Guayas,EC17\n")
    assert again.ok and "warnings" not in again.summary  # nothing renamed twice


def test_an_old_name_naming_another_unit_is_not_kept() -> None:
    """Codes shifted: EC17 becomes Guayas and EC09 Pichincha; "Pichincha" then names EC09, so
    it is not kept as EC17's alias, and the warning says so."""
    root = Unit("EC", 0, "ECU", "Ecuador", "ECU", iso="EC")
    load_locations([root, Unit("EC17", 1, "17", "Pichincha", "ECU", "EC")])
    moved: list[str] = []
    skipped: list[str] = []
    load_locations(
        [
            root,
            Unit("EC17", 1, "17", "Guayas", "ECU", "EC"),
            Unit("EC09", 1, "09", "Pichincha", "ECU", "EC"),
        ],
        moved,
        skipped,
    )
    assert moved[0].startswith(
        "EC17 renamed: 'Pichincha' → 'Guayas'; 'Pichincha' is not kept as its alias: it names "
        "another unit"
    )
    assert any("'Pichincha' already names EC09" in x for x in skipped)
    assert not LocationAlias.objects.filter(location__pcode="EC17").exists()
    assert gazetteer(["ECU"]).find("Pichincha", "ECU", 1).pcode == "EC09"


def test_peru_reloads_without_a_word() -> None:
    """The bundled gazetteer (`kipu init`, any number of times) stores nothing new and renames
    nothing: its two Huaribamba of Tayacaja are not refused."""
    from kipu.core.gazetteer import bundled_locations

    moved: list[str] = []
    assert load_locations(bundled_locations("PE"), moved) == (0, 0)
    assert moved == []


def test_a_file_without_iso_codes_or_vintage_keeps_the_stored_ones() -> None:
    """A long file has no ISO column and `kipu locations load` no --vintage by default: a
    reload of Peru's units blanked PE-AMA… ("2116 updated"), by which rows resolve."""
    stored = [
        Unit("PE", 0, "PER", "Peru", "PER", iso="PE"),
        Unit("PE01", 1, "01", "Amazonas", "PER", "PE", iso="PE-AMA", vintage="INEI-2025"),
    ]
    load_locations(stored)
    again = [Unit("PE01", 1, "01", "Amazonas", "PER", "PE")]
    assert load_locations(again) == (0, 0)
    row = Location.objects.get(pcode="PE01")
    assert (row.iso, row.vintage) == ("PE-AMA", "INEI-2025")
    renamed = [Unit("PE01", 1, "01", "Amazonas Norte", "PER", "PE", vintage="INEI-2026")]
    assert load_locations(renamed) == (0, 1)
    row.refresh_from_db()
    assert (row.name, row.iso, row.vintage) == ("Amazonas Norte", "PE-AMA", "INEI-2026")
