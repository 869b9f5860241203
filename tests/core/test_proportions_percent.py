"""A plan's age/sex shares written as percentages are read as the shares they are.

A tester's: a proportions sheet whose cells were formatted as percentages (0.25 shown as 25%)
was refused, "'25%' is not a share ≥ 0", for every cell: the reader gives such a cell the
text it shows, and the loader read only bare numbers."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from kipu.core.gazetteer import Gazetteer, Location
from kipu.core.loaders.plan import load_plan

HEADER = ["sector", "admin1", "population_type", "girls", "boys", "women", "men"]
GROUPS = ("girls", "boys", "women", "men")
HYPOTHESIS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
FORMATS = ["0%", "0.0%", "0.00%", "0.000%"]
TEXTS = ["{}%", "{} %", "{}\u00a0%", " {}% "]


@pytest.fixture(scope="module")
def peru() -> Gazetteer:
    return Gazetteer(
        [
            Location("PE", 0, "PER", "Peru", "PER", iso="PE"),
            Location("PE00", 1, "00", "Country level", "PER", "PE", national=True),
            Location("PE15", 1, "15", "Lima", "PER", "PE"),
        ]
    )


def _plan(tmp_path: Path, cells: list[object], formats: list[str | None]) -> Path:
    book = Workbook()
    indicators = book.active
    indicators.title = "indicators"
    indicators.append(["code", "indicator", "sector", "type"])
    indicators.append(["PRO-01", "People oriented", "Protection", "PiN"])
    sheet = book.create_sheet("proportions")
    sheet.append(HEADER)
    sheet.append(["Protection", "Lima", "in_destination", *cells])
    for column, number_format in zip("DEFG", formats, strict=True):
        if number_format:
            sheet[f"{column}2"].number_format = number_format
    book.save(tmp_path / "plan.xlsx")
    return tmp_path / "plan.xlsx"


# Four percentages (tenths of a percent) adding up to 100%.
SHARES = (
    st.lists(st.integers(0, 1000), min_size=3, max_size=3)
    .filter(lambda x: sum(x) <= 1000)
    .map(lambda x: [*x, 1000 - sum(x)])
)


@given(
    tenths=SHARES,
    ways=st.lists(
        st.sampled_from(["number", "formatted", "text", "comma"]), min_size=4, max_size=4
    ),
    style=st.integers(0, 3),
)
@HYPOTHESIS
def test_percentages_are_read_as_shares(
    tmp_path: Path, peru: Gazetteer, tenths: list[int], ways: list[str], style: int
) -> None:
    cells: list[object] = []
    formats: list[str | None] = []
    for tenth, way in zip(tenths, ways, strict=True):
        percent = f"{tenth / 10:g}"
        if way == "number":  # a plain share
            cells.append(tenth / 1000)
            formats.append(None)
        elif way == "formatted":  # 0.254 shown as 25.4%, or 25% under "0%"
            cells.append(tenth / 1000)
            formats.append(FORMATS[style])
        else:  # written as text: "25.4%", "25,4 %"
            text = TEXTS[style].format(percent)
            cells.append(text.replace(".", ",") if way == "comma" else text)
            formats.append(None)
    loaded = load_plan(_plan(tmp_path, cells, formats), peru, "PER")
    assert loaded.ok, loaded.errors
    [proportion] = loaded.records[0].proportions
    for group, tenth in zip(GROUPS, tenths, strict=True):
        # Within the rounding a format shows ("0%" shows 25.4% as 25%), normalised to 1.
        assert proportion.shares[group] == pytest.approx(tenth / 1000, abs=0.011)
    assert sum(proportion.shares.values()) == pytest.approx(1)


@pytest.mark.parametrize("text", ["abc", "-5%", "5%%", "%", "25 por ciento", "-0.1"])
def test_what_is_not_a_share_says_how_to_write_one(
    tmp_path: Path, peru: Gazetteer, text: str
) -> None:
    loaded = load_plan(_plan(tmp_path, [text, 0.5, 0.25, 0.25], [None] * 4), peru, "PER")
    assert [str(e) for e in loaded.errors] == [
        f"plan.xlsx (proportions), row 2, column 'girls': {text!r} is not a share: write a "
        "number from 0 to 1 (0.25) or a percentage (25%); an empty cell is 0"
    ]


def test_percentages_without_their_sign_are_refused_saying_so(
    tmp_path: Path, peru: Gazetteer
) -> None:
    loaded = load_plan(_plan(tmp_path, [25, 25, 30, 20], [None] * 4), peru, "PER")
    assert [str(e) for e in loaded.errors] == [
        "plan.xlsx (proportions), row 2: girls + boys + women + men add up to 100; they must "
        "add up to 1 (0.98 to 1.02 is accepted as rounding and normalised); percentages are "
        "written with their sign (25%)"
    ]
