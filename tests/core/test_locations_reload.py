"""A locations file against the units stored before it (docs/reference-data.md, "Locations",
"Reloading"): a new unit that is a stored one under another code (EC1 for EC01, its zeros
lost) or another stored unit's name under the same parent is refused by `stored_clashes`,
naming the row; a reload's new name that has nothing of the old one is told apart from a
spelling (`names_share_nothing`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kipu.core.gazetteer import Location
from kipu.core.loaders.location_names import names_share_nothing
from kipu.core.loaders.locations import FileUnit, load_locations, stored_clashes

STORED = [
    Location("EC", 0, "ECU", "Ecuador", "ECU", iso="EC"),
    Location("EC00", 1, "00", "Country level", "ECU", "EC", national=True),
    Location("EC01", 1, "01", "Azuay", "ECU", "EC"),
    Location("EC02", 1, "02", "Bolívar", "ECU", "EC"),
    Location("EC0101", 2, "0101", "Cuenca", "ECU", "EC01"),
    Location("PE1501", 2, "1501", "Lima", "PER", "PE15"),
]


def _load(tmp_path: Path, text: str) -> list[Location]:
    path = tmp_path / "ecuador.csv"
    path.write_text(text, encoding="utf-8")
    loaded = load_locations(path, "ECU")
    assert loaded.ok, loaded.errors
    return loaded.records


def test_codes_that_lost_their_zeros_are_the_stored_units(tmp_path: Path) -> None:
    units = _load(
        tmp_path,
        "Country,Admin1 Name,Admin1 P-code\nEcuador,Azuay,EC1\nEcuador,Bolívar,EC2\n",
    )
    found = stored_clashes(units, STORED)
    assert found == [
        "row 2: EC1 'Azuay' is the stored EC01 'Azuay' without the leading zeros of its "
        "code: write EC01",
        "row 3: EC2 'Bolívar' is the stored EC02 'Bolívar' without the leading zeros of its "
        "code: write EC02",
    ]


def test_a_lower_level_code_without_its_zeros_is_found_too(tmp_path: Path) -> None:
    units = _load(
        tmp_path,
        "ADM1_PCODE,ADM1_ES,ADM2_PCODE,ADM2_ES\nEC01,Azuay,EC101,Cuenca\n",
    )
    found = stored_clashes(units, STORED)
    assert len(found) == 1 and "EC101 'Cuenca' is the stored EC0101 'Cuenca'" in found[0]
    assert found[0].startswith("row 2: ")


@pytest.mark.parametrize(("new", "stored"), [("PE01501", "PE1501"), ("PE1501", "PE01501")])
def test_zeros_added_or_lost_either_way(new: str, stored: str) -> None:
    unit = Location(new, 2, new[2:], "Lima", "PER", "PE15")
    before = [Location(stored, 2, stored[2:], "Lima", "PER", "PE15")]
    assert [
        f"{new} 'Lima' is the stored {stored} 'Lima'" in x for x in stored_clashes([unit], before)
    ] == [True]


def test_a_new_unit_named_as_a_stored_one_of_its_parent(tmp_path: Path) -> None:
    units = _load(tmp_path, "Country,Admin1 Name,Admin1 P-code\nEcuador,AZUAY,EC25\n")
    assert stored_clashes(units, STORED) == [
        "row 2: EC25 'AZUAY' would be a second 'Azuay' in EC, beside the stored EC01 'Azuay': "
        "write EC01 if it is that unit, or list EC01 in the file too if both exist"
    ]


def test_what_is_not_a_clash(tmp_path: Path) -> None:
    """Other codes (EC10 is not EC01), reloads of stored units, the same name in another
    parent or country, and a file listing the stored unit beside its namesake (it gives both
    on purpose: the loader's own warning says it)."""
    units = _load(
        tmp_path,
        "ADM1_PCODE,ADM1_ES,ADM2_PCODE,ADM2_ES\n"
        "EC01,Azuay,EC0101,Cuenca\nEC10,Imbabura,EC1001,Lima\nEC01,Azuay,EC0199,Cuenca\n",
    )
    assert stored_clashes(units, STORED) == []
    same_country_name = [Location("PE99", 1, "99", "Azuay", "PER", "PE")]
    assert stored_clashes(same_country_name, STORED) == []


def test_a_file_unit_carries_its_row_and_equals_its_twin(tmp_path: Path) -> None:
    units = _load(tmp_path, "Country,Admin1 Name,Admin1 P-code\nEcuador,Azuay,EC01\n")
    azuay = next(u for u in units if u.pcode == "EC01")
    assert isinstance(azuay, FileUnit) and azuay.row == 2
    assert azuay == FileUnit("EC01", 1, "01", "Azuay", "ECU", "EC", row=9)


@pytest.mark.parametrize(
    ("old", "new", "nothing"),
    [
        ("Pichincha", "Guayas", True),
        ("Santa Elena", "Santa Rosa", True),
        ("Ica", "Africa", True),
        ("Bolívar", "Bolivar", False),
        ("Cuzco", "Cusco", False),
        ("Lima", "Lima Metropolitana", False),
        ("Santo Domingo", "Santo Domingo de los Tsáchilas", False),
    ],
)
def test_names_that_share_nothing(old: str, new: str, nothing: bool) -> None:
    assert names_share_nothing(old, new) is nothing
