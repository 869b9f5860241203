"""A number cell of a reference workbook is the number it holds: 862.377 typed in a number
cell was read as the text "862.377" and refused as "could be 862377 or 862.377" (the text's
mark proves nothing, the cell's type does); a formula's 4.749999999999999 is Excel's 4.75.
A CSV's "862.377" is still refused as ambiguous: text proves no decimal mark."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kipu.core.gazetteer import Gazetteer, bundled_locations
from kipu.core.loaders.events import load_events
from kipu.core.loaders.plan import load_plan
from kipu.core.loaders.statistics import load_statistics
from kipu.core.reference import Organisation


@pytest.fixture(scope="module")
def peru() -> Gazetteer:
    return Gazetteer(bundled_locations("PE"))


def workbook(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def statistics(path: Path, value: Any) -> Any:
    rows = [
        ["series", "period_start", "period_end", "value"],
        ["rate", "2019-11-01", "2019-11-30", value],
    ]
    return load_statistics(workbook(path / "s.xlsx", {"Sheet": rows}))


def messages(found: list[Any]) -> str:
    return " | ".join(e.message for e in found)


@pytest.mark.parametrize(
    ("cell", "stored"),
    [
        (862.38, Decimal("862.38")),
        (1.5, Decimal("1.50")),
        (4.749999999999999, Decimal("4.75")),  # a formula's last place
        (0.1 + 0.2, Decimal("0.30")),
        (-4600.25, Decimal("-4600.25")),
        (1.25, Decimal("1.25")),
    ],
)
def test_a_number_cell_is_its_number(tmp_path: Path, cell: float, stored: Decimal) -> None:
    loaded = statistics(tmp_path, cell)
    assert loaded.ok, loaded.errors
    assert loaded.records[0].value == stored


@pytest.mark.parametrize("cell", [862.377, 1.234, 20.125])
def test_three_decimals_are_refused_as_decimals_not_as_a_thousands_separator(
    tmp_path: Path, cell: float
) -> None:
    loaded = statistics(tmp_path, cell)
    assert not loaded.ok
    assert f"'{cell!r}' has more than 2 decimals" in messages(loaded.errors)
    assert "thousands separator" not in messages(loaded.errors)


def test_a_csv_text_of_three_decimals_stays_ambiguous(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text("series,period_start,value\nrate,2019-11-30,862.377\n", encoding="utf-8")
    loaded = load_statistics(path)
    assert "'862.377' could be 862377 or 862.377" in messages(loaded.errors)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(cents=st.integers(-(10**9), 10**9))
def test_any_amount_of_cents_in_a_number_cell_is_read_exactly(tmp_path: Path, cents: int) -> None:
    loaded = statistics(tmp_path, cents / 100)
    assert loaded.ok, loaded.errors
    assert loaded.records[0].value == Decimal(cents) / 100


def test_attendance_in_a_number_cell(tmp_path: Path, peru: Gazetteer) -> None:
    rows = [["date", "title", "attendance"], ["2019-05-01", "A", 12.5], ["2019-05-02", "B", 1.234]]
    organisations = [Organisation(key="ORG901", name="Partner A", acronym="PA")]
    loaded = load_events(workbook(tmp_path / "e.xlsx", {"Sheet": rows}), organisations, peru, "PER")
    found = messages(loaded.errors)
    assert "'12.5' is not a whole number" in found and "'1.234' is not a whole number" in found
    assert "thousands separator" not in found


def test_a_budget_in_a_number_cell(tmp_path: Path, peru: Gazetteer) -> None:
    sheets = {
        "sectors": [["code", "name_en", "name_es"], ["HEALTH", "Health", "Salud"]],
        "indicators": [
            ["code", "indicator", "sector", "type"],
            ["H1", "Care", "Health", "PiN"],
        ],
        "targets": [
            ["sector", "admin1", "people_in_need", "people_targeted", "budget_usd"],
            ["HEALTH", "", 1000, 500, 1234567.89],
            ["HEALTH", "Lima", 10, 5, 1.234],
        ],
    }
    loaded = load_plan(workbook(tmp_path / "p.xlsx", sheets), peru, "PER")
    assert messages(loaded.errors).endswith("'1.234' has more than 2 decimals, which are not kept")
    sheets["targets"].pop()
    loaded = load_plan(workbook(tmp_path / "p.xlsx", sheets), peru, "PER")
    assert loaded.ok, loaded.errors
    (target,) = loaded.records[0].targets
    assert target.budget_usd == 1234567.89 and target.people_targeted == 500
