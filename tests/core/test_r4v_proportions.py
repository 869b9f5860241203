"""The plan's proportions table on a regional platform (issue 13): each row in its own country,
country-level rows, rounding, empty rows, and warnings that reach the caller."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from kipu.core.gazetteer import Gazetteer, Location
from kipu.core.loaders.plan import load_plan

HEADER = ["sector", "admin1", "population_type", "girls", "boys", "women", "men"]
QUARTERS = [0.25, 0.25, 0.25, 0.25]


SHEET = "plan.xlsx (proportions)"  # errors name the plan's sheet


def _country(iso2: str, iso3: str, name: str, units: dict[str, str]) -> list[Location]:
    found = [
        Location(iso2, 0, iso3, name, iso3, iso=iso2),
        Location(
            f"{iso2}00",
            1,
            "00",
            "Country level",
            iso3,
            iso2,
            national=True,
            aliases=("National", "Nacional", "Country level"),
        ),
    ]
    found += [Location(pcode, 1, pcode[2:], unit, iso3, iso2) for pcode, unit in units.items()]
    return found


@pytest.fixture(scope="module")
def region() -> Gazetteer:
    """Argentina and Bolivia both have a Santa Cruz; only Bolivia has La Paz."""
    return Gazetteer(
        _country("AR", "ARG", "Argentina", {"AR78": "Santa Cruz", "AR02": "Buenos Aires"})
        + _country("BO", "BOL", "Bolivia", {"BO07": "Santa Cruz", "BO02": "La Paz"})
    )


def plan(tmp_path: Path, rows: list[list[object]], header: list[str] = HEADER) -> Path:
    book = Workbook()
    indicators = book.active
    indicators.title = "indicators"
    indicators.append(["code", "indicator", "sector", "type"])
    indicators.append(["HE1", "People receiving health care", "Health", "Direct Assistance"])
    sheet = book.create_sheet("proportions")
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(tmp_path / "plan.xlsx")
    return tmp_path / "plan.xlsx"


def placed(loaded) -> list[tuple[str, str, str]]:  # noqa: ANN001
    return [(p.country, p.admin1, p.population_type) for p in loaded.records[0].proportions]


def test_each_row_is_placed_in_its_own_country(tmp_path: Path, region: Gazetteer) -> None:
    rows = [
        ["Bolivia", "Health", "Santa Cruz", "in_destination", *QUARTERS],
        ["AR", "Health", "Santa Cruz", "in_destination", *QUARTERS],
        ["bol", "Health", "La Paz", "in_transit", *QUARTERS],
    ]
    loaded = load_plan(plan(tmp_path, rows, ["country", *HEADER]), region, ["ARG", "BOL"])
    assert loaded.ok, loaded.errors
    assert placed(loaded) == [
        ("BOL", "BO07", "in_destination"),
        ("ARG", "AR78", "in_destination"),
        ("BOL", "BO02", "in_transit"),
    ]


def test_an_admin1_of_several_countries_needs_a_country_column(
    tmp_path: Path, region: Gazetteer
) -> None:
    rows = [
        ["Health", "Santa Cruz", "in_destination", *QUARTERS],
        ["Health", "La Paz", "in_destination", *QUARTERS],  # Bolivia's only: no doubt
    ]
    loaded = load_plan(plan(tmp_path, rows), region, ["ARG", "BOL"])
    assert [str(e) for e in loaded.errors] == [
        f"{SHEET}, row 2, column 'admin1': admin1 'Santa Cruz' is in several countries of "
        "this platform: Argentina (AR78), Bolivia (BO07); add a country column to say which"
    ]
    assert placed(loaded) == [("BOL", "BO02", "in_destination")]


def test_without_a_country_column_the_platforms_only_country_is_used(
    tmp_path: Path, region: Gazetteer
) -> None:
    rows = [["Health", "Santa Cruz", "in_destination", *QUARTERS]]
    loaded = load_plan(plan(tmp_path, rows), region, "BOL")
    assert loaded.ok and placed(loaded) == [("BOL", "BO07", "in_destination")]


def test_a_country_the_platform_does_not_cover_is_named(tmp_path: Path, region: Gazetteer) -> None:
    rows = [["Peru", "Health", "Lima", "in_destination", *QUARTERS]]
    loaded = load_plan(plan(tmp_path, rows, ["country", *HEADER]), region, ["ARG", "BOL"])
    assert [str(e) for e in loaded.errors] == [
        f"{SHEET}, row 2, column 'country': 'Peru' is not a country of this platform "
        "(it covers Argentina, Bolivia)"
    ]


def test_country_level_rows_are_accepted(tmp_path: Path, region: Gazetteer) -> None:
    rows = [
        ["Bolivia", "Health", "Country level", "in_destination", *QUARTERS],
        ["Argentina", "Health", "Nacional", "in_destination", *QUARTERS],
        ["Bolivia", "Health", "Bolivia", "in_transit", *QUARTERS],  # the country's own name
    ]
    loaded = load_plan(plan(tmp_path, rows, ["country", *HEADER]), region, ["ARG", "BOL"])
    assert loaded.ok, loaded.errors
    assert placed(loaded) == [
        ("BOL", "BO00", "in_destination"),
        ("ARG", "AR00", "in_destination"),
        ("BOL", "BO00", "in_transit"),
    ]


def test_rounded_shares_are_normalised_with_one_warning(tmp_path: Path, region: Gazetteer) -> None:
    rows = [
        ["Health", "La Paz", "in_destination", 0.25, 0.25, 0.25, 0.24],  # 0.99
        ["Health", "La Paz", "in_transit", 0.26, 0.25, 0.25, 0.25],  # 1.01
        ["Health", "La Paz", "host_community", 0.1, 0.2, 0.3, 0.4],  # 1 in floating point
    ]
    loaded = load_plan(plan(tmp_path, rows), region, "BOL")
    assert loaded.ok, loaded.errors
    for record in loaded.records[0].proportions:
        assert sum(record.shares.values()) == pytest.approx(1)
    first = loaded.records[0].proportions[0].shares
    assert first["men"] == pytest.approx(0.24 / 0.99)
    assert [str(w) for w in loaded.warnings] == [
        f"{SHEET}: the shares of 2 row(s) add up to between 0.98 and 1.02 (rounding): each "
        "was normalised to add up to 1 (rows 2, 3)"
    ]


@pytest.mark.parametrize("shares", [[0.3, 0.3, 0.3, 0.3], [0.2, 0.2, 0.2, 0.2]])
def test_shares_beyond_rounding_are_refused(
    tmp_path: Path, region: Gazetteer, shares: list[float]
) -> None:
    loaded = load_plan(plan(tmp_path, [["Health", "La Paz", "in_transit", *shares]]), region, "BOL")
    assert len(loaded.errors) == 1
    assert "they must add up to 1 (0.98 to 1.02 is accepted" in str(loaded.errors[0])


def test_rows_without_shares_are_skipped_with_a_warning(tmp_path: Path, region: Gazetteer) -> None:
    rows = [
        ["Health", "La Paz", "in_destination", None, None, None, None],
        ["Health", "La Paz", "in_transit", 0, 0, 0, 0],
        ["Health", "La Paz", "host_community", *QUARTERS],
    ]
    loaded = load_plan(plan(tmp_path, rows), region, "BOL")
    assert loaded.ok, loaded.errors
    assert placed(loaded) == [("BOL", "BO02", "host_community")]
    assert [str(w) for w in loaded.warnings] == [
        f"{SHEET}: 2 row(s) have no shares (all empty or 0) and were skipped; max-cell uses "
        "the sector's own age/sex shares there (rows 2, 3)"
    ]


def test_the_same_cell_twice_is_refused(tmp_path: Path, region: Gazetteer) -> None:
    rows = [
        ["Bolivia", "Health", "La Paz", "in_destination", *QUARTERS],
        ["BO", "Health", "BO02", "in_destination", *QUARTERS],
    ]
    loaded = load_plan(plan(tmp_path, rows, ["country", *HEADER]), region, ["ARG", "BOL"])
    assert [str(e) for e in loaded.errors] == [
        f"{SHEET}, row 3: same admin1, sector and population type as row 2"
    ]


def test_each_problem_names_its_column(tmp_path: Path, region: Gazetteer) -> None:
    rows = [["Helth", "La Pas", "inside", "a", 0.25, 0.25, 0.25]]
    errors = [str(e) for e in load_plan(plan(tmp_path, rows), region, "BOL").errors]
    assert errors == [
        f"{SHEET}, row 2, column 'girls': 'a' is not a share: write a number from 0 to 1 "
        "(0.25) or a percentage (25%); an empty cell is 0",
        f"{SHEET}, row 2, column 'sector': unknown sector 'Helth'",
        f"{SHEET}, row 2, column 'admin1': unknown admin1 'La Pas'; did you mean 'La Paz'?",
        f"{SHEET}, row 2, column 'population_type': population_type must be one of "
        "in_destination, in_transit, host_community, pendular, returnees",
    ]
