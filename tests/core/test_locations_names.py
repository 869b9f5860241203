"""COD-AB tables naming a level in several columns (ADM1_EN and ADM1_ES, ADM2_REF, ALT):
the unit's name is the local-language one (ES, PT, FR, then EN) and every other distinct name
is an alias of it, said in a warning; a name two units share is kept by neither, with a
warning naming both (docs/reference-data.md, "Several names of a unit")."""

from __future__ import annotations

import string
from pathlib import Path

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kipu.core.gazetteer import Gazetteer
from kipu.core.loaders.locations import load_locations

COLOMBIA = (
    "ADM0_PCODE,ADM0_EN,ADM0_ES,ADM1_PCODE,ADM1_EN,ADM1_ES,ADM2_PCODE,ADM2_EN,ADM2_ES\n"
    "CO,Colombia,Colombia,CO52,Narino,Nariño,CO52001,Pasto,San Juan de Pasto\n"
    "CO,Colombia,Colombia,CO52,Narino,Nariño,CO52356,Ipiales,Ipiales\n"
    "CO,Colombia,Colombia,CO15,Boyaca,Boyacá,CO15001,Tunja,Tunja\n"
)


def _csv(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _xlsx(folder: Path, name: str, rows: list[list[str]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    path = folder / name
    book.save(path)
    return path


def test_colombia_keeps_the_spanish_name_and_finds_the_english_one(tmp_path: Path) -> None:
    loaded = load_locations(_csv(tmp_path, "col_en_es.csv", COLOMBIA), "COL")
    assert loaded.ok, loaded.errors
    names = {x.pcode: x.name for x in loaded.records}
    assert names["CO52"] == "Nariño"
    assert names["CO15"] == "Boyacá"
    assert names["CO52001"] == "San Juan de Pasto"
    places = Gazetteer(loaded.records)
    for text in ("San Juan de Pasto", "Pasto", "CO52001"):
        assert places.find(text, "COL", 2) == places.get("CO52001"), text
    for text in ("Nariño", "Narino", "NARIÑO"):
        assert places.find(text, "COL", 1) == places.get("CO52"), text
    said = [str(w) for w in loaded.warnings]
    assert any("ADM2_EN names kept as alternative names of 1 unit of Colombia" in w for w in said)


def test_the_reference_names_of_an_xlsx_are_aliases(tmp_path: Path) -> None:
    rows = [
        ["ADM0_ES", "ADM0_PCODE", "ADM1_ES", "ADM1_PCODE", "ADM2_ES", "ADM2_PCODE", "ADM2_REF"],
        [
            "Ecuador",
            "EC",
            "Pichincha",
            "EC17",
            "Quito",
            "EC1701",
            "Distrito Metropolitano de Quito",
        ],
        ["Ecuador", "EC", "Sucumbíos", "EC21", "Lago Agrio", "EC2101", "Nueva Loja"],
        ["Ecuador", "EC", "Azuay", "EC01", "Cuenca", "EC0101", ""],
    ]
    loaded = load_locations(_xlsx(tmp_path, "ecu_adm2.xlsx", rows), "ECU")
    assert loaded.ok, loaded.errors
    places = Gazetteer(loaded.records)
    assert places.find("Nueva Loja", "ECU", 2) == places.get("EC2101")
    assert places.find("Distrito Metropolitano de Quito", "ECU", 2) == places.get("EC1701")
    lago_agrio = places.get("EC2101")
    assert lago_agrio is not None and lago_agrio.name == "Lago Agrio"
    said = " ".join(str(w) for w in loaded.warnings)
    assert "ADM2_REF names kept as alternative names of 2 units of Ecuador" in said


def test_a_name_of_two_units_is_kept_by_neither(tmp_path: Path) -> None:
    text = (
        "ADM1_PCODE,ADM1_ES,ADM2_PCODE,ADM2_ES,ADM2_REF\n"
        "EC17,Pichincha,EC1701,Quito,Centro\n"
        "EC09,Guayas,EC0901,Guayaquil,Centro\n"
        "EC09,Guayas,EC0902,Durán,Guayaquil\n"
    )
    loaded = load_locations(_csv(tmp_path, "shared.csv", text), "ECU")
    assert loaded.ok, loaded.errors
    places = Gazetteer(loaded.records)
    assert places.find_all("Centro", "ECU", 2) == []  # not silently one of them
    assert places.find_all("Guayaquil", "ECU", 2) == [places.get("EC0901")]
    said = [str(w) for w in loaded.warnings]
    centro = [w for w in said if "'Centro'" in w]
    assert len(centro) == 1
    assert "EC0901 'Guayaquil'" in centro[0] and "EC1701 'Quito'" in centro[0]
    guayaquil = [w for w in said if "'Guayaquil' names" in w]
    assert len(guayaquil) == 1
    assert "EC0901 'Guayaquil'" in guayaquil[0] and "EC0902 'Durán'" in guayaquil[0]
    assert not any("kept as alternative names" in w for w in said)


def test_other_names_differing_between_rows_are_an_error(tmp_path: Path) -> None:
    text = (
        "ADM1_PCODE,ADM1_ES,ADM1_EN,ADM2_PCODE,ADM2_ES\n"
        "CO52,Nariño,Narino,CO52001,Pasto\n"
        "CO52,Nariño,Cauca,CO52356,Ipiales\n"
    )
    loaded = load_locations(_csv(tmp_path, "differ.csv", text), "COL")
    assert [e.column for e in loaded.errors] == ["ADM1_EN"]
    assert "CO52 is also 'Cauca' here but 'Narino' on row 2" in str(loaded.errors[0])


def test_a_single_name_column_is_the_name(tmp_path: Path) -> None:
    text = "ADM1_PCODE,ADM1_EN\nCO52,Narino\n"
    loaded = load_locations(_csv(tmp_path, "en.csv", text), "COL")
    assert loaded.ok and not loaded.warnings
    unit = next(x for x in loaded.records if x.pcode == "CO52")
    assert (unit.name, unit.aliases) == ("Narino", ())


COLUMNS = ("ES", "PT", "FR", "EN", "REF", "ALT1ES")
PREFERRED = ("ES", "PT", "FR", "EN", "REF", "ALT1ES")
WORDS = st.text(string.ascii_lowercase, min_size=3, max_size=8)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    columns=st.sets(st.sampled_from(COLUMNS), min_size=1),
    units=st.integers(1, 4),
    words=st.lists(WORDS, min_size=24, max_size=24),
    excel=st.booleans(),
)
def test_every_given_name_finds_its_unit(
    tmp_path: Path, columns: set[str], units: int, words: list[str], excel: bool
) -> None:
    chosen = [c for c in COLUMNS if c in columns]
    header = [
        "ADM1_PCODE",
        *(f"ADM1_{c}" if not c.startswith("ALT") else f"ADM1{c}" for c in chosen),
    ]
    rows = []
    for n in range(units):
        # unit-specific names (no two units share one): the column, the unit and a word
        names = [f"{c.lower()} {n} {words[n * len(COLUMNS) + i]}" for i, c in enumerate(chosen)]
        rows.append([f"BR{n + 1:02d}", *names])
    path = (
        _xlsx(tmp_path, "t.xlsx", [header, *rows])
        if excel
        else _csv(tmp_path, "t.csv", "\n".join(",".join(r) for r in [header, *rows]) + "\n")
    )
    loaded = load_locations(path, "BRA")
    assert loaded.ok, loaded.errors
    places = Gazetteer(loaded.records)
    first = next(i for i, c in enumerate(chosen) if c == min(chosen, key=PREFERRED.index))
    for row in rows:
        unit = places.get(row[0])
        assert unit is not None and unit.name == row[1 + first]
        for name in row[1:]:
            assert places.find(name, "BRA", 1) == unit, (name, unit)
    said = [str(w) for w in loaded.warnings]
    assert any("kept as alternative names" in w for w in said) == (len(chosen) > 1)
