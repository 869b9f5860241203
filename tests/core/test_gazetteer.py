"""The bundled Peru gazetteer (src/kipu/data/pe, built by tools/build_gazetteer.py)."""

from __future__ import annotations

import csv
import re
from collections import Counter
from importlib import resources

import pytest

from kipu.core.gazetteer import Gazetteer, bundled_locations
from kipu.core.text import normalise

DISTRICTS = 1893  # INEI 2025
VINTAGE = "INEI-2025"


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer(bundled_locations("PE"))


def departments(gaz: Gazetteer):
    return [x for x in gaz.units("PER", 1) if not x.national]


def read_csv(name: str) -> list[dict[str, str]]:
    path = resources.files("kipu.data").joinpath("pe", name)
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_header_and_vintage() -> None:
    rows = read_csv("locations.csv")
    assert list(rows[0]) == [
        "pcode",
        "level",
        "code",
        "iso",
        "name",
        "country",
        "parent_pcode",
        "vintage",
        "national",
    ]
    assert {r["vintage"] for r in rows} == {VINTAGE}
    assert rows[0] == {
        "pcode": "PE",
        "level": "0",
        "code": "PER",
        "iso": "PE",
        "name": "Peru",
        "country": "PER",
        "parent_pcode": "",
        "vintage": VINTAGE,
        "national": "0",
    }
    assert len({r["pcode"] for r in rows}) == len(rows)
    assert list(read_csv("aliases.csv")[0]) == ["alias", "pcode", "kind"]


def test_counts(gaz: Gazetteer) -> None:
    assert [x.pcode for x in gaz.countries()] == ["PE"]
    assert len(gaz.units("PER", 1)) == 26
    assert len(departments(gaz)) == 25
    assert len(gaz.units("PER", 2)) == 196
    assert len(gaz.units("PER", 3)) == DISTRICTS
    assert len(gaz.locations) == 1 + 26 + 196 + DISTRICTS
    assert {x.country for x in gaz.locations.values()} == {"PER"}


def test_national_pseudo_unit(gaz: Gazetteer) -> None:
    national = gaz.national("PER")
    assert national is not None
    assert (national.pcode, national.code, national.name, national.parent_pcode) == (
        "PE00",
        "00",
        "Country level",
        "PE",
    )
    assert national.iso == ""
    assert [x.pcode for x in gaz.units("PER", 1) if x.national] == ["PE00"]
    assert gaz.children("PE00") == []


@pytest.mark.parametrize(("level", "pattern"), [(1, r"^\d{2}$"), (2, r"^\d{4}$"), (3, r"^\d{6}$")])
def test_code_formats_and_pcode_rule(gaz: Gazetteer, level: int, pattern: str) -> None:
    units = gaz.units("PER", level)
    assert units
    for unit in units:
        assert re.fullmatch(pattern, unit.code), unit
        assert unit.pcode == "PE" + unit.code, unit
        assert unit.vintage == VINTAGE
        assert unit.name and unit.name == unit.name.strip() and "  " not in unit.name


def test_parents(gaz: Gazetteer) -> None:
    for unit in gaz.locations.values():
        if unit.level == 0:
            assert unit.parent_pcode == ""
            continue
        parent = gaz.get(unit.parent_pcode)
        assert parent is not None, unit
        assert parent.level == unit.level - 1, unit
        if unit.level >= 2:
            assert unit.code.startswith(parent.code), unit
            assert not parent.national
    # every department and province has children; codes 01 are the capital's units
    for unit in departments(gaz) + gaz.units("PER", 2):
        assert gaz.children(unit.pcode), unit
        assert gaz.get(unit.pcode + "01") is not None, unit


def test_iso_codes(gaz: Gazetteer) -> None:
    isos = [x.iso for x in departments(gaz)]
    assert len(isos) == 25 and len(set(isos)) == 25
    assert all(re.fullmatch(r"^PE-[A-Z]{3}$", iso) for iso in isos)
    by_iso = {x.iso: x for x in departments(gaz)}
    expected = {
        "PE-AMA": ("01", "Amazonas"),
        "PE-ANC": ("02", "Áncash"),
        "PE-APU": ("03", "Apurímac"),
        "PE-ARE": ("04", "Arequipa"),
        "PE-AYA": ("05", "Ayacucho"),
        "PE-CAJ": ("06", "Cajamarca"),
        "PE-CAL": ("07", "Callao"),
        "PE-CUS": ("08", "Cusco"),
        "PE-HUV": ("09", "Huancavelica"),
        "PE-HUC": ("10", "Huánuco"),
        "PE-ICA": ("11", "Ica"),
        "PE-JUN": ("12", "Junín"),
        "PE-LAL": ("13", "La Libertad"),
        "PE-LAM": ("14", "Lambayeque"),
        "PE-LIM": ("15", "Lima"),
        "PE-LOR": ("16", "Loreto"),
        "PE-MDD": ("17", "Madre de Dios"),
        "PE-MOQ": ("18", "Moquegua"),
        "PE-PAS": ("19", "Pasco"),
        "PE-PIU": ("20", "Piura"),
        "PE-PUN": ("21", "Puno"),
        "PE-SAM": ("22", "San Martín"),
        "PE-TAC": ("23", "Tacna"),
        "PE-TUM": ("24", "Tumbes"),
        "PE-UCA": ("25", "Ucayali"),
    }
    assert {iso: (x.code, x.name) for iso, x in by_iso.items()} == expected
    assert all(x.iso == "" for x in gaz.units("PER", 2) + gaz.units("PER", 3))


@pytest.mark.parametrize(
    ("text", "pcode"),
    [
        ("Cuzco", "PE08"),
        ("Cusco", "PE08"),
        ("Lima Metropolitana", "PE15"),
        ("Lima Provincias", "PE15"),
        ("Lima Region", "PE15"),
        ("Región Lima", "PE15"),
        ("PE-LMA", "PE15"),
        ("PE-LIM", "PE15"),
        ("15", "PE15"),
        ("PE15", "PE15"),
        ("Lima", "PE15"),
        ("El Callao", "PE07"),
        ("Provincia Constitucional del Callao", "PE07"),
        ("Callao", "PE07"),
        ("07", "PE07"),
        ("JUNIN", "PE12"),
        ("junin", "PE12"),
        ("Junín", "PE12"),
        (" Junín. ", "PE12"),
        ("Apurimac", "PE03"),
        ("Madre De Dios", "PE17"),
        ("ANCASH", "PE02"),
        ("San Martin", "PE22"),
        ("Huanuco", "PE10"),
        ("pe-tum", "PE24"),
        ("Nacional", "PE00"),
        ("National", "PE00"),
        ("Nivel nacional", "PE00"),
        ("Peru", "PE00"),
        ("PERÚ", "PE00"),
        ("Country level", "PE00"),
        ("Country-level", "PE00"),
        ("00", "PE00"),
    ],
)
def test_find_department(gaz: Gazetteer, text: str, pcode: str) -> None:
    found = gaz.find(text, "PER", 1)
    assert found is not None, text
    assert found.pcode == pcode


def test_find_misses_and_other_levels(gaz: Gazetteer) -> None:
    assert gaz.find("Atlantis", "PER", 1) is None
    assert gaz.find("Cuzco", "COL", 1) is None
    assert gaz.find("Peru", "PER", 0).pcode == "PE"
    assert gaz.find("PER", "PER", 0).pcode == "PE"
    # department names do not leak into other levels, and vice versa
    assert gaz.find("Madre de Dios", "PER", 2) is None
    assert gaz.find("Lima Metropolitana", "PER", 3) is None


def test_find_province_and_district(gaz: Gazetteer) -> None:
    assert gaz.find("Lima", "PER", 2, parent="PE15").pcode == "PE1501"
    assert gaz.find("Lima Metropolitana", "PER", 2).pcode == "PE1501"
    assert gaz.find("Callao", "PER", 2, parent="PE07").pcode == "PE0701"
    assert gaz.find("Cañete", "PER", 2).pcode == "PE1505"
    assert gaz.find("canete", "PER", 2, parent="PE15").pcode == "PE1505"
    assert gaz.find("Nazca", "PER", 2).pcode == "PE1103"  # official spelling today: Nasca
    assert gaz.find("Lima", "PER", 2, parent="PE08") is None
    assert gaz.find("150101", "PER", 3).name == "Lima"
    assert gaz.find("Miraflores", "PER", 3, parent="PE1501").pcode == "PE150122"
    assert gaz.find("Mi Peru", "PER", 3).pcode == "PE070107"  # a 2014 district


def test_shared_names_are_resolved_by_parent(gaz: Gazetteer) -> None:
    # "Miraflores" is a district in several provinces; without a parent the lowest code wins.
    everywhere = [x for x in gaz.units("PER", 3) if normalise(x.name) == "miraflores"]
    assert len(everywhere) > 1
    assert gaz.find("Miraflores", "PER", 3).pcode == min(x.pcode for x in everywhere)
    for unit in everywhere:
        assert gaz.find("Miraflores", "PER", 3, parent=unit.parent_pcode).pcode == unit.pcode


def test_old_code_aliases(gaz: Gazetteer) -> None:
    # Loreto 2014: Putumayo and Teniente Manuel Clavero left Maynas (1601) for Putumayo (1608).
    putumayo = gaz.find("160109", "PER", 3)
    clavero = gaz.find("160114", "PER", 3)
    assert putumayo is not None and clavero is not None
    assert (putumayo.pcode, putumayo.parent_pcode, putumayo.name) == (
        "PE160801",
        "PE1608",
        "Putumayo",
    )
    assert (clavero.pcode, clavero.parent_pcode) == ("PE160803", "PE1608")
    assert gaz.get("PE160109") is None
    assert gaz.find("160109", "PER", 3, parent="PE1608").pcode == "PE160801"


def test_current_codes_are_never_shadowed_by_aliases(gaz: Gazetteer) -> None:
    # INEI 030612 is Ahuayro; RENIEC would write it 030712, which is INEI's Vilcabamba (Grau).
    assert gaz.find("030612", "PER", 3).name == "Ahuayro"
    assert gaz.find("030712", "PER", 3).pcode == "PE030712"
    for unit in gaz.locations.values():
        for key in (unit.code, unit.pcode, unit.iso):
            if key:
                assert gaz.find(key, "PER", unit.level).pcode == unit.pcode, (key, unit)


def test_aliases_do_not_collide(gaz: Gazetteer) -> None:
    """An alias never equals another unit's name, code or ISO code at the same level."""
    rows = read_csv("aliases.csv")
    assert rows
    assert {r["kind"] for r in rows} <= {"name", "code", "iso"}
    keys: dict[tuple[int, str], set[str]] = {}
    for unit in gaz.locations.values():
        for key in (unit.pcode, unit.code, unit.iso, unit.name):
            if key:
                keys.setdefault((unit.level, normalise(key)), set()).add(unit.pcode)
    # all the units an alias designates at one level
    targets: dict[tuple[int, str], set[str]] = {}
    for row in rows:
        unit = gaz.get(row["pcode"])
        assert unit is not None, row
        assert row["alias"] == row["alias"].strip() and row["alias"], row
        targets.setdefault((unit.level, normalise(row["alias"])), set()).add(unit.pcode)
    for key, pcodes in targets.items():
        assert keys.get(key, set()) <= pcodes, (key, pcodes, keys.get(key))
    assert len({(r["alias"], r["pcode"]) for r in rows}) == len(rows)
    assert Counter(r["kind"] for r in rows)["code"] >= 2


def test_suggest(gaz: Gazetteer) -> None:
    assert gaz.suggest("Arequpa", "PER", 1) == "Arequipa"
    assert gaz.suggest("Ayacuho", "PER", 1) == "Ayacucho"
    assert gaz.suggest("Huancavelika", "PER", 1) == "Huancavelica"
    assert gaz.suggest("Miraflore", "PER", 3, parent="PE1501") == "Miraflores"
    assert gaz.suggest("zzzzzz", "PER", 1) is None
