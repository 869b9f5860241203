"""Country names (issue 13): every country in English, Spanish and Portuguese plus R4V's
spellings, from the bundled table that tools/build_countries.py generates from pycountry."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from kipu.core.gazetteer import countries, find_country, with_country_names
from kipu.core.loaders.locations import load_locations
from kipu.core.text import normalise

ROOT = Path(__file__).resolve().parents[2]
# The seventeen R4V countries (and Venezuela): ISO3 -> names in English, Spanish, Portuguese.
R4V = {
    "ARG": ("Argentina", "Argentina", "Argentina"),
    "ABW": ("Aruba", "Aruba", "Aruba"),
    "BOL": ("Bolivia", "Bolivia", "Bolívia"),
    "BRA": ("Brazil", "Brasil", "Brasil"),
    "CHL": ("Chile", "Chile", "Chile"),
    "COL": ("Colombia", "Colombia", "Colômbia"),
    "CRI": ("Costa Rica", "Costa Rica", "Costa Rica"),
    "CUW": ("Curaçao", "Curazao", "Curaçao"),
    "DOM": ("Dominican Republic", "República Dominicana", "República Dominicana"),
    "ECU": ("Ecuador", "Ecuador", "Equador"),
    "GUY": ("Guyana", "Guyana", "Guiana"),
    "MEX": ("Mexico", "México", "México"),
    "PAN": ("Panama", "Panamá", "Panamá"),
    "PRY": ("Paraguay", "Paraguay", "Paraguai"),
    "PER": ("Peru", "Perú", "Peru"),
    "TTO": ("Trinidad and Tobago", "Trinidad y Tobago", "Trinidade e Tobago"),
    "URY": ("Uruguay", "Uruguay", "Uruguai"),
    "VEN": ("Venezuela", "Venezuela", "Venezuela"),
}


def test_every_country_is_there_with_three_names() -> None:
    table = countries()
    assert len(table) == 249
    assert all(c.name and c.names["es"] and c.names["pt"] for c in table.values())
    for iso3, names in R4V.items():
        country = table[iso3]
        assert (country.name, country.names["es"], country.names["pt"]) == names


@pytest.mark.parametrize(
    ("written", "iso3"),
    [
        ("Trinidad and Tobago", "TTO"),
        ("Trinidad & Tobago", "TTO"),
        ("Trinidad y Tobago", "TTO"),
        ("Trinidad e Tobago", "TTO"),
        ("Perú", "PER"),
        ("PERU", "PER"),
        ("Brasil", "BRA"),
        ("República Dominicana", "DOM"),
        ("Rep. Dominicana", "DOM"),
        ("Curaçao", "CUW"),
        ("Curacao", "CUW"),
        ("Curazao", "CUW"),
        ("Bolivia (Plurinational State of)", "BOL"),
        ("Estado Plurinacional de Bolivia", "BOL"),
        ("Venezuela (Bolivarian Republic of)", "VEN"),
        ("TT", "TTO"),
        ("tto", "TTO"),
        ("CW", "CUW"),
        ("Guiana", "GUY"),
    ],
)
def test_find_country_reads_r4v_spellings_and_codes(written: str, iso3: str) -> None:
    found = find_country(written)
    assert found is not None and found.iso3 == iso3


def test_no_spelling_names_two_countries() -> None:
    owners: dict[str, set[str]] = {}
    for country in countries().values():
        for label in (country.iso2, country.iso3, *country.spellings()):
            owners.setdefault(normalise(label), set()).add(country.iso3)
    assert {k: v for k, v in owners.items() if len(v) > 1} == {}


@pytest.mark.parametrize("iso3", sorted(R4V))
def test_loading_any_r4v_country_gives_a_level0_unit_with_its_names(
    tmp_path: Path, iso3: str
) -> None:
    country = countries()[iso3]
    path = tmp_path / "units.csv"
    path.write_text(f"ADM1_PCODE,ADM1_ES\n{country.iso2}01,Unidad\n", encoding="utf-8")
    loaded = load_locations(path, iso3)
    assert loaded.ok, loaded.errors
    (unit,) = [x for x in loaded.records if x.level == 0]
    assert (unit.pcode, unit.code, unit.name) == (country.iso2, iso3, R4V[iso3][0])
    answers = {normalise(x) for x in (unit.name, unit.pcode, unit.code, *unit.aliases)}
    assert {normalise(name) for name in R4V[iso3]} <= answers


def test_the_bundled_peru_country_unit_has_the_names_too() -> None:
    from kipu.core.gazetteer import Gazetteer, bundled_locations

    peru = Gazetteer(bundled_locations("PE"))
    assert peru.find("República del Perú", "PER", 0).pcode == "PE"
    assert peru.find("Perú", "PER", 1).pcode == "PE00"  # as before: the national unit
    assert with_country_names([peru.get("PE")])[0].aliases == peru.get("PE").aliases


def test_the_bundled_table_is_what_the_tool_generates() -> None:
    pytest.importorskip("pycountry")
    spec = importlib.util.spec_from_file_location(
        "build_countries", ROOT / "tools/build_countries.py"
    )
    assert spec is not None and spec.loader is not None
    tool = importlib.util.module_from_spec(spec)
    sys.modules["build_countries"] = tool
    spec.loader.exec_module(tool)
    bundled = (ROOT / "src/kipu/data/countries.csv").read_text(encoding="utf-8")
    assert tool.render(tool.build()) == bundled
