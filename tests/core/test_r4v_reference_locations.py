"""R4V's admin1 list loads as R4V publishes it (issue 13): several countries in one file, a
country's own country-level row (BO00 "Bolivia"), Chile's CH P-codes, the countries R4V lists
without admin1 units, and coverage that never counts a country as an admin1. Synthetic files of
R4V's shape."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from kipu.core.figures.partners import coverage_summary, coverage_units
from kipu.core.gazetteer import Gazetteer, Location
from kipu.core.loaders.locations import load_locations
from kipu.core.reference import Plan, ReferenceData

ADMIN1_LIST = """Country,Admin1 Name,Admin1 P-code
Bolivia,Bolivia,BO00
Bolivia,La Paz,BO02
Bolivia,Santa Cruz,BO07
Chile,Tarapacá,CH01
Chile,Arica y Parinacota,CH15
Aruba,Aruba,AW01
Curazao,Curaçao,
Costa Rica,Costa Rica,CR00
República Dominicana,Country level,DO00
Guyana,Guyana,GY01
México,Nacional,MX00
Panamá,Panamá,PA08
Trinidad y Tobago,Trinidad and Tobago,TT01
"""
WITHOUT_ADMIN1 = ("ABW", "CUW", "CRI", "DOM", "GUY", "MEX", "PAN", "TTO")


@pytest.fixture
def admin1_list(tmp_path: Path) -> Path:
    path = tmp_path / "r4v_admin1.csv"
    path.write_text(ADMIN1_LIST, encoding="utf-8")
    return path


def units(loaded: list[Location], country: str, level: int) -> dict[str, Location]:
    return {x.pcode: x for x in loaded if x.country == country and x.level == level}


def test_a_countrys_own_country_level_row_is_its_national_unit(admin1_list: Path) -> None:
    loaded = load_locations(admin1_list, "BOL")
    assert loaded.ok, loaded.errors
    (country,) = units(loaded.records, "BOL", 0).values()
    assert (country.pcode, country.name, country.code, country.national) == (
        "BO",
        "Bolivia",
        "BOL",
        False,
    )
    admin1 = units(loaded.records, "BOL", 1)
    assert sorted(admin1) == ["BO00", "BO02", "BO07"]
    assert admin1["BO00"].national and admin1["BO00"].name == "Country level"
    assert not admin1["BO02"].national
    places = Gazetteer(loaded.records)
    assert places.find("Bolivia", "BOL", 1).pcode == "BO00"
    assert places.find("Bolivia", "BOL", 0).pcode == "BO"


def test_only_the_asked_country_loads_and_the_others_are_counted(admin1_list: Path) -> None:
    loaded = load_locations(admin1_list, "BOL")
    assert {x.country for x in loaded.records} == {"BOL"}
    (warning,) = loaded.warnings
    assert str(warning).startswith(
        "r4v_admin1.csv, column 'Country': rows of other countries left out (only Bolivia "
        "was asked for): Aruba (1), Chile (2)"
    )


def test_chiles_ch_pcodes_are_stored_under_cl_with_the_ch_code_as_alias(
    admin1_list: Path,
) -> None:
    loaded = load_locations(admin1_list, "CHL")
    assert loaded.ok, loaded.errors
    admin1 = units(loaded.records, "CHL", 1)
    assert sorted(admin1) == ["CL00", "CL01", "CL15"]
    assert admin1["CL15"].name == "Arica y Parinacota" and admin1["CL15"].aliases == ("CH15",)
    assert units(loaded.records, "CHL", 0)["CL"].name == "Chile"
    places = Gazetteer(loaded.records)
    assert places.find("CH15", "CHL", 1).pcode == "CL15"
    assert places.find("CL15", "CHL", 1).pcode == "CL15"


def test_another_countrys_prefix_is_still_refused(tmp_path: Path) -> None:
    path = tmp_path / "chl.csv"
    path.write_text("ADM1_PCODE,ADM1_ES\nCL01,Tarapacá\nPE15,Lima\n", encoding="utf-8")
    loaded = load_locations(path, "CHL")
    assert [str(e) for e in loaded.errors] == [
        "chl.csv, row 3, column 'ADM1_PCODE': PE15 is not a P-code of Chile: its P-codes "
        "start with CL or CH"
    ]


@pytest.mark.parametrize("iso3", WITHOUT_ADMIN1)
def test_a_country_without_admin1_units_has_only_its_national_unit(
    admin1_list: Path, iso3: str
) -> None:
    loaded = load_locations(admin1_list, None)
    assert loaded.ok, loaded.errors
    admin1 = units(loaded.records, iso3, 1)
    assert len(admin1) == 1
    (national,) = admin1.values()
    assert national.national and national.pcode.endswith("00")
    (country,) = units(loaded.records, iso3, 0).values()
    assert Gazetteer(loaded.records).find(country.name, iso3, 1) == national


def test_a_province_named_like_its_country_stays_a_province(tmp_path: Path) -> None:
    path = tmp_path / "pan.csv"
    path.write_text(
        "Country,Admin1 Name,Admin1 P-code\nPanamá,Panamá,PA08\nPanamá,Colón,PA03\n",
        encoding="utf-8",
    )
    loaded = load_locations(path, None)
    places = Gazetteer(loaded.records)
    assert places.find("Panamá", "PAN", 1).pcode == "PA08"
    assert places.national("PAN").pcode == "PA00"
    assert "Panamá" not in places.national("PAN").aliases


def test_the_countries_of_the_file_get_their_names_in_three_languages(
    admin1_list: Path,
) -> None:
    places = Gazetteer(load_locations(admin1_list, None).records)
    assert places.get("TT").name == "Trinidad and Tobago"
    for written, iso3 in [
        ("Trinidad y Tobago", "TTO"),
        ("Trinidad & Tobago", "TTO"),
        ("TTO", "TTO"),
        ("Curazao", "CUW"),
        ("Curacao", "CUW"),
        ("República Dominicana", "DOM"),
        ("Chile", "CHL"),
    ]:
        found = places.find(written, iso3, 0)
        assert found is not None and found.country == iso3, written


def test_coverage_never_counts_a_country_as_an_admin1(admin1_list: Path) -> None:
    """Rows in Aruba (a country without admin1 units) and Bolivia's country level count no
    admin1 unit; La Paz counts one."""
    places = Gazetteer(load_locations(admin1_list, None).records)
    reference = ReferenceData("r4v", ["BOL", "ABW"], [], Plan("plan", 2025), places)
    rows = pl.DataFrame(
        {
            "country": ["ABW", "BOL", "BOL"],
            "sector": ["HEALTH"] * 3,
            "admin1": [
                places.find("Aruba", "ABW", 1).pcode,
                places.find("Bolivia", "BOL", 1).pcode,
                places.find("La Paz", "BOL", 1).pcode,
            ],
            "admin2": [None, None, None],
        },
        schema_overrides={"admin2": pl.Utf8},
    )
    summary = coverage_summary(coverage_units(rows, reference))
    assert summary["admin1_units"] == ["BO02"]
    assert summary["admin1"] == 1


def test_a_country_unit_stored_before_the_rule_is_not_counted_either() -> None:
    """A database loaded before this rule holds "AW01 Aruba" as an ordinary unit; reloading
    the list makes AW01 an alias of AW00, and coverage then leaves AW01's rows out too."""
    places = Gazetteer(
        [
            Location("AW", 0, "ABW", "Aruba", "ABW", iso="AW"),
            Location(
                "AW00", 1, "00", "Country level", "ABW", "AW", national=True, aliases=("AW01",)
            ),
            Location("AW01", 1, "01", "Aruba", "ABW", "AW"),
        ]
    )
    reference = ReferenceData("r4v", ["ABW"], [], Plan("plan", 2025), places)
    rows = pl.DataFrame(
        {"country": ["ABW"], "sector": ["HEALTH"], "admin1": ["AW01"], "admin2": [None]},
        schema_overrides={"admin2": pl.Utf8},
    )
    assert coverage_summary(coverage_units(rows, reference))["admin1"] == 0


def test_a_file_without_a_country_column_needs_the_country(tmp_path: Path) -> None:
    path = tmp_path / "bol.csv"
    path.write_text("ADM1_PCODE,ADM1_ES\nBO00,Bolivia\nBO02,La Paz\n", encoding="utf-8")
    assert "no country column" in str(load_locations(path, None).errors[0])
    loaded = load_locations(path, "BOL")
    assert [(x.pcode, x.national) for x in loaded.records if x.level == 1] == [
        ("BO00", True),
        ("BO02", False),
    ]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            "Country,Admin1 Name,Admin1 P-code\nAtlantis,Capital,AT01\n",
            "unknown country 'Atlantis'",
        ),
        ("Country,Admin1 Name,Admin1 P-code\nChile,Tarapacá,\n", "'Tarapacá': no P-code"),
        (
            "Country,Admin1 Name,Admin1 P-code\nChile,Tarapacá,CH01\nChile,Otra,CL01\n",
            "CL01 ('Otra') and CH01 ('Tarapacá', row 2) are both CL01",
        ),
    ],
)
def test_problems_of_an_admin1_list(tmp_path: Path, content: str, expected: str) -> None:
    path = tmp_path / "list.csv"
    path.write_text(content, encoding="utf-8")
    loaded = load_locations(path, None)
    assert not loaded.ok and not loaded.records
    assert expected in "\n".join(str(e) for e in loaded.errors)
