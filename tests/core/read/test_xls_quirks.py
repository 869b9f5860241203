"""XLS cells that calamine reads otherwise than the spreadsheet shows them
(`kipu.core.read.book_marks`): every value is read as shown, or its cell carries a mark and
the validation an issue at it.

- A formula of a workbook that no spreadsheet program calculated (no RECALCID record:
  xlwt, which pandas used for .xls, and Apache POI) holds a placeholder, not its value
  (xlwt an empty text: a count read 0): `formula-no-value`, as in an XLSX to be
  recalculated on load. A workbook Excel or LibreOffice saved keeps its formulas' values.
- A number shown in another currency than the US dollar (`[$S/-280A] #,##0.00`,
  `#,##0.00 "€"`) or as a percentage is read as the text it shows (`S/ 100`, `5%`), and gets
  the issue that text gets in a CSV; a dollar amount is read as its number.
- A covered cell of a merged range that holds its own value is `unreadable-value`.
"""

from __future__ import annotations

import struct
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import xlwt
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parents[1] / "validation"))
from fivew_factories import TODAY, make_reference, record  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent))
from number_format_cases import AFTER, BEFORE, FORMATS  # noqa: E402

from kipu.core.read import marks, read_5w  # noqa: E402
from kipu.core.read.book_marks import xls_marks  # noqa: E402
from kipu.core.schema import COLUMN_BY_NAME  # noqa: E402
from kipu.core.validation import validate_file  # noqa: E402

CASH = {"cva": "Yes", "value_usd": 150, "delivery_mechanism": "Cash in hand"}
NAMES = list(record(**CASH))
REFERENCE = make_reference()
SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
# The RECALCID record LibreOffice writes (sc/source/filter/xcl97/xcl97rec.cxx); Excel writes
# its own engine's number.
RECALCID = struct.pack("<HH", 0x01C1, 8) + bytes([0xC1, 0x01, 0, 0, 0x54, 0x8D, 0x01, 0])


class Calculated(xlwt.Workbook):  # type: ignore[misc]
    """A workbook as a spreadsheet program saves it: its globals hold a RECALCID record
    (added where xlwt adds its USESELFS record, before the stream positions are counted)."""

    def _Workbook__useselfs_rec(self) -> bytes:
        return xlwt.BIFFRecords.UseSelfsRecord().get() + RECALCID


def xls(
    path: Path,
    rows: list[dict[str, Any]],
    *,
    calculated: bool = False,
    styles: dict[tuple[int, str], Any] | None = None,
    then: Callable[[Any], None] | None = None,
) -> Path:
    """The 5W header and `rows` (column → value; xlwt.Formula for a formula) in an XLS."""
    book = Calculated() if calculated else xlwt.Workbook()
    sheet = book.add_sheet("5W")
    for c, name in enumerate(NAMES):
        sheet.write(0, c, COLUMN_BY_NAME[name].label_en)
    for r, values in enumerate(rows, start=1):
        for c, name in enumerate(NAMES):
            if values.get(name) is None:
                continue
            style = (styles or {}).get((r, name))
            if style is None:
                sheet.write(r, c, values[name])
            else:
                sheet.write(r, c, values[name], style)
    if then is not None:
        then(sheet)
    book.save(str(path))
    return path


def activity(**overrides: Any) -> dict[str, Any]:
    return record(**{**CASH, **overrides})


def marked(table: Any) -> dict[tuple[int, str], str]:
    return {(r, c): k for r, c, k in table.marks.select("row", "column", "kind").iter_rows()}


def value(table: Any, number: int, column: str) -> Any:
    return table.frame.filter(pl.col("row") == number)[column].item()


def issues(path: Path) -> dict[tuple[int | None, str | None], list[tuple[str, str | None]]]:
    result = validate_file(path, REFERENCE, today=TODAY)
    names = {label: name for name, label in result.columns.items()}
    found: dict[tuple[int | None, str | None], list[tuple[str, str | None]]] = {}
    for issue in result.report.issues:
        where = (issue.row, names.get(issue.column or "", issue.column))
        found.setdefault(where, []).append((issue.code, issue.value))
    return found


# --- formulas ----------------------------------------------------------------------------------


def test_a_formula_xlwt_wrote_has_no_value(tmp_path: Path) -> None:
    path = xls(
        tmp_path / "xlwt.xls",
        [activity(quantity_output=xlwt.Formula("2+3"), activity_name=xlwt.Formula('"A"&"b"'))],
    )
    table = read_5w(path)
    assert marked(table) == {
        (2, "quantity_output"): marks.FORMULA_NO_VALUE,
        (2, "activity_name"): marks.FORMULA_NO_VALUE,
    }
    assert value(table, 2, "quantity_output") is None
    found = issues(path)
    assert found[(2, "quantity_output")] == [("formula-without-value", None)]
    assert found[(2, "activity_name")] == [("formula-without-value", None)]


@pytest.fixture
def cached_five(monkeypatch: pytest.MonkeyPatch) -> None:
    """xlwt writes 5 as every formula's saved result (as Apache POI writes 0): a number."""

    def record_with_result(
        self: Any, row: int, col: int, xf: int, rpn: bytes, flags: int = 0
    ) -> None:
        self._rec_data = struct.pack("<3HdHL", row, col, xf, 5.0, flags & 3, 0) + rpn

    monkeypatch.setattr(xlwt.BIFFRecords.FormulaRecord, "__init__", record_with_result)


@pytest.mark.usefixtures("cached_five")
@pytest.mark.parametrize("calculated", [True, False])
def test_a_saved_result_is_read_only_when_a_program_calculated_it(
    tmp_path: Path, calculated: bool
) -> None:
    path = xls(
        tmp_path / "five.xls",
        [activity(quantity_output=xlwt.Formula("2+3"))],
        calculated=calculated,
    )
    table = read_5w(path)
    if calculated:  # read, with the formula's warning, as in an XLSX
        assert marked(table) == {(2, "quantity_output"): marks.FORMULA}
        assert value(table, 2, "quantity_output") == "5"
        assert issues(path)[(2, "quantity_output")] == [("formula-cell", None)]
    else:  # Excel recalculates such a workbook on opening it: 5 is no value it showed
        assert marked(table) == {(2, "quantity_output"): marks.FORMULA_NO_VALUE}


@SETTINGS
@given(
    cells=st.sets(st.tuples(st.integers(1, 4), st.sampled_from(NAMES[3:])), min_size=1, max_size=6),
    calculated=st.booleans(),
)
def test_every_formula_is_marked(
    tmp_path: Path, cells: set[tuple[int, str]], calculated: bool
) -> None:
    rows = [activity(activity_name=f"A{i}") for i in range(4)]
    for r, name in cells:
        rows[r - 1][name] = xlwt.Formula("1+1")
    path = xls(tmp_path / "many.xls", rows, calculated=calculated)
    kind = marks.FORMULA if calculated else marks.FORMULA_NO_VALUE
    found = {(r, c, k) for r, c, k, _ in xls_marks(path, "5W").marks}
    assert found == {(r + 1, NAMES.index(n), kind) for r, n in cells}


def test_an_error_cell_is_still_an_error(tmp_path: Path) -> None:
    error = lambda sheet: sheet.row(1).set_cell_error(NAMES.index("new_beneficiaries"), 7)  # noqa: E731
    path = xls(tmp_path / "error.xls", [activity(new_beneficiaries=None)], then=error)
    assert marked(read_5w(path)) == {(2, "new_beneficiaries"): marks.ERROR}


# --- currencies and percentages ----------------------------------------------------------------


@pytest.mark.parametrize(("code", "issue", "shown"), FORMATS)
def test_a_number_shown_in_another_currency_is_never_dollars(
    tmp_path: Path, code: str, issue: str | None, shown: str | None
) -> None:
    style = xlwt.easyxf(num_format_str=code)
    path = xls(tmp_path / "c.xls", [activity(value_usd=100.0)], styles={(1, "value_usd"): style})
    found = issues(path).get((2, "value_usd"), [])
    if issue is None:
        assert found == []
        assert validate_file(path, REFERENCE, today=TODAY).rows["value_usd"].to_list() == [100]
    else:
        assert found == [(issue, shown)]


def test_a_percentage_is_read_as_shown_in_every_column(tmp_path: Path) -> None:
    style = xlwt.easyxf(num_format_str="0%")
    rows = [activity(activity_description=0.05, total_monthly=0.5)]
    styles = {(1, "activity_description"): style, (1, "total_monthly"): style}
    table = read_5w(xls(tmp_path / "p.xls", rows, styles=styles))
    assert value(table, 2, "activity_description") == "5%"
    assert value(table, 2, "total_monthly") == "50%"


@SETTINGS
@given(
    before=st.sampled_from(sorted(BEFORE)),
    after=st.sampled_from(sorted(AFTER)),
    amount=st.sampled_from([100.0, 1500.5, 0.25]),
)
def test_any_currency_format_is_read_as_dollars_only_when_it_is(
    tmp_path: Path, before: str, after: str, amount: float
) -> None:
    """A format showing another currency than the dollar, on either side of the digits, or
    a percentage: an issue at the cell (`"S/" 0.00 "pers."` too: `S/ 100 pers.` is no
    number); a dollar amount or a number with words is read as the number."""
    code = f"{before}#,##0.00{after}"
    style = xlwt.easyxf(num_format_str=code)
    path = xls(tmp_path / "any.xls", [activity(value_usd=amount)], styles={(1, "value_usd"): style})
    found = {c for c, _ in issues(path).get((2, "value_usd"), [])}
    other = BEFORE[before] or AFTER[after]
    assert bool(found & {"currency-not-usd", "invalid-number"}) == other, (code, found)


# --- covered cells -----------------------------------------------------------------------------


def merge(first_row: int, last_row: int, first: str, last: str) -> Callable[[Any], None]:
    def add(sheet: Any) -> None:
        sheet._Worksheet__merged_ranges.append(
            (first_row, last_row, NAMES.index(first), NAMES.index(last))
        )

    return add


@pytest.mark.parametrize(
    ("second", "kind", "read"),
    [
        ("Tumbes", marks.UNREADABLE_VALUE, None),  # shown: Lima; held: Tumbes
        ("Lima", marks.MERGED, "Lima"),
        (None, marks.MERGED, "Lima"),
    ],
)
def test_a_covered_cell_holding_its_own_value_is_unknown(
    tmp_path: Path, second: str | None, kind: str, read: str | None
) -> None:
    rows = [activity(), activity(admin1=second, activity_name="Second")]
    table = read_5w(xls(tmp_path / "down.xls", rows, then=merge(1, 2, "admin1", "admin1")))
    assert marked(table) == {(3, "admin1"): kind}
    assert value(table, 3, "admin1") == read


def test_a_value_held_under_a_range_from_another_column_is_unknown(tmp_path: Path) -> None:
    path = xls(
        tmp_path / "across.xls",
        [activity(new_beneficiaries=10), activity(new_beneficiaries=None)],
        then=lambda s: (
            merge(1, 1, "total_monthly", "new_beneficiaries")(s),
            merge(2, 2, "total_monthly", "new_beneficiaries")(s),
        ),
    )
    table = read_5w(path)
    assert marked(table) == {
        (2, "new_beneficiaries"): marks.UNREADABLE_VALUE,
        (3, "new_beneficiaries"): marks.MERGED_ACROSS,
    }
    assert issues(path)[(2, "new_beneficiaries")] == [("unreadable-value", None)]
