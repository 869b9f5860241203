"""A plan's budget in a number cell shown with a `$` alone, on a platform of a country whose
own currency is written `$`, is refused: Excel's currency format shows the `$` of the
computer's locale, so Colombia's 1,500,000,000 pesos formatted `$ #,##0` were stored as as
many US dollars, without a word. A format that names the US dollar (`US$`, `[$$-409]`) is
dollars everywhere, and in Peru a `$` is the US dollar, as in the 5W
(tests/core/read/test_dollar_formats.py, whose formats these are)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlwt
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent / "read"))
sys.path.insert(0, str(Path(__file__).parent / "validation"))
from test_dollar_formats import BARE, US_DOLLAR  # noqa: E402

from kipu.core.gazetteer import Gazetteer, Location  # noqa: E402
from kipu.core.loaders.plan import load_plan  # noqa: E402

PLACES = Gazetteer(
    [
        Location("CO", 0, "COL", "Colombia", "COL", iso="CO"),
        Location("CO00", 1, "00", "Country level", "COL", "CO", national=True),
        Location("CO81", 1, "81", "Arauca", "COL", "CO"),
        Location("PE", 0, "PER", "Peru", "PER", iso="PE"),
        Location("PE15", 1, "15", "Lima", "PER", "PE"),
    ]
)
BUDGET = 1_500_000_000.0
SHEETS: dict[str, list[list[Any]]] = {
    "sectors": [["code", "name_en"], ["HEALTH", "Health"]],
    "indicators": [["code", "indicator", "sector", "type"], ["H1", "Care", "Health", "PiN"]],
}
HEADER = ["sector", "country", "admin1", "people_targeted", "budget_usd"]


def _plan(path: Path, rows: list[list[Any]], code: str) -> Path:
    """A plan workbook whose targets' budget cells are formatted `code`."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, cells in {**SHEETS, "targets": [HEADER, *rows]}.items():
        sheet = book.create_sheet(title)
        for row in cells:
            sheet.append(row)
    for r in range(2, len(rows) + 2):
        book["targets"].cell(row=r, column=len(HEADER)).number_format = code
    book.save(path)
    return path


def _budgets(path: Path, countries: list[str]) -> tuple[list[float | None], list[str]]:
    loaded = load_plan(path, PLACES, countries)
    budgets = [t.budget_usd for p in loaded.records for t in p.targets]
    return budgets, [f"{e.row}:{e.message}" for e in loaded.errors]


def _refusal(row: int, country: str) -> str:
    return (
        f"{row}:1,500,000,000: the cell's format shows it with $, which in {country} is also "
        "the sign of its own currency; format the cell as US$ (in Excel: $ English (United "
        "States)) if the budget is in US dollars, or convert it to dollars"
    )


@pytest.mark.parametrize("code", BARE)
def test_a_dollar_format_is_refused_in_colombia(tmp_path: Path, code: str) -> None:
    path = _plan(tmp_path / "plan.xlsx", [["HEALTH", "Colombia", "Arauca", 500, BUDGET]], code)
    budgets, errors = _budgets(path, ["COL"])
    if "S/" in code:  # a condition shows a large budget in soles: no number at all
        assert budgets == [] and errors and "another currency" in errors[0], errors
        return
    assert (budgets, errors) == ([], [_refusal(2, "Colombia")])


@pytest.mark.parametrize("code", US_DOLLAR)
def test_a_us_dollar_format_is_dollars_in_colombia(tmp_path: Path, code: str) -> None:
    path = _plan(tmp_path / "plan.xlsx", [["HEALTH", "Colombia", "Arauca", 500, BUDGET]], code)
    assert _budgets(path, ["COL"]) == ([BUDGET], [])


def test_a_dollar_in_peru_is_the_us_dollar_on_a_regional_plan(tmp_path: Path) -> None:
    """One plan, two countries: only the Colombian row is refused; a 0 is 0 anywhere."""
    rows = [
        ["HEALTH", "Peru", "Lima", 500, BUDGET],
        ["HEALTH", "Colombia", "Arauca", 500, BUDGET],
        ["HEALTH", "Colombia", "", 500, 0],
    ]
    path = _plan(tmp_path / "plan.xlsx", rows, BARE[0])
    budgets, errors = _budgets(path, ["PER", "COL"])
    assert errors == [_refusal(3, "Colombia")]
    loaded = load_plan(_plan(tmp_path / "ok.xlsx", rows[::2], BARE[0]), PLACES, ["PER", "COL"])
    assert loaded.ok, loaded.errors
    assert [t.budget_usd for t in loaded.records[0].targets] == [BUDGET, 0.0]


def test_a_whole_country_budget_of_a_colombian_platform(tmp_path: Path) -> None:
    path = _plan(tmp_path / "plan.xlsx", [["HEALTH", "", "", 500, BUDGET]], BARE[1])
    assert _budgets(path, ["COL"]) == ([], [_refusal(2, "Colombia")])


def test_an_xls_dollar_format_is_judged_alike(tmp_path: Path) -> None:
    book = xlwt.Workbook()
    for title, cells in {**SHEETS, "targets": [HEADER, ["HEALTH", "", "", 500, BUDGET]]}.items():
        sheet = book.add_sheet(title)
        for r, row in enumerate(cells):
            for c, held in enumerate(row):
                dollar = title == "targets" and r and c == len(HEADER) - 1
                sheet.write(r, c, held, *([xlwt.easyxf(num_format_str=BARE[0])] if dollar else []))
    path = tmp_path / "plan.xls"
    book.save(str(path))
    assert _budgets(path, ["COL"]) == ([], [_refusal(2, "Colombia")])


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    sign=st.sampled_from(["$", '"$"', "\\$", "[$$]", '"$ "']),
    digits=st.sampled_from(["#,##0", "#,##0.00", "0", "#.##0"]),
    after=st.booleans(),
    budget=st.integers(1, 10**12),
)
def test_any_bare_dollar_format_of_a_colombian_budget_is_refused(
    tmp_path: Path, sign: str, digits: str, after: bool, budget: int
) -> None:
    code = f"{digits} {sign}" if after else f"{sign}{digits}"
    path = _plan(tmp_path / "plan.xlsx", [["HEALTH", "Colombia", "Arauca", 5, budget]], code)
    budgets, errors = _budgets(path, ["COL"])
    assert budgets == [] and len(errors) == 1 and "format the cell as US$" in errors[0], code


def test_a_budget_tagged_in_pesos_says_its_currency(tmp_path: Path) -> None:
    """`[$$-es-CO]` shows Colombian pesos: "is not a number" said nothing of why."""
    path = _plan(
        tmp_path / "plan.xlsx", [["HEALTH", "Colombia", "Arauca", 500, BUDGET]], "[$$-es-CO]#,##0"
    )
    assert _budgets(path, ["COL"]) == (
        [],
        ["2:'COP1500000000' is in another currency than the US dollar: convert it"],
    )
