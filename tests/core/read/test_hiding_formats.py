"""A number its format shows as nothing (`;;;`, `0;;` for a negative) is read, with a
`hidden-value` warning at its cell; one its format shows as a text alone (`"n/a"`) is read
as that text (`"n/a"` and `"-"` as empty, with `number-read-as`).

A tester's: a count formatted `;;;` looks empty in Excel, and was read as 15 with no word.
The cell holds the number, which formulas and R4V's scripts use, so it is read; but the
partner sees an empty cell, and may have hidden it meaning to delete it. A format that shows
a text in place of the number (`"n/a"`, `[>100]"many";0`) showed "n/a" and was read as 15:
such a cell now reads as its text, as a CSV's would (`invalid-number` in a count column).
A zero shown as nothing (`0;-0;;@`) is a zero: no warning.

XLSX (both readings), XLS, ODS; formats and values generated; 100,000 rows.
"""

from __future__ import annotations

import sys
from pathlib import Path

import openpyxl
import pytest
import xlwt
from hypothesis import given
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parents[1] / "validation"))
sys.path.insert(0, str(Path(__file__).parent))
from test_divided_formats import repeated_counts, xlsx  # noqa: E402
from test_dollar_formats import LABELS, NAMES, REFERENCE, SETTINGS, TODAY, activity  # noqa: E402

from kipu.core.read import fivew, read_5w  # noqa: E402
from kipu.core.read.marks import HIDING_FORMAT  # noqa: E402
from kipu.core.read.numformats import hidden, sections, shown  # noqa: E402
from kipu.core.validation import validate_file  # noqa: E402

HIDDEN = "hidden-value"
OTHER = "shown-other-value"
TEXT = "number-shown-as-text"
COUNT = "quantity_output"
EN = (
    "“Quantity of output” holds 12, which its number format hides: the cell looks empty. "
    "12 was read; if the cell is meant to be empty, delete its value."
)
ES = (
    "“Quantity of output” contiene 12, que su formato de número oculta: la celda se ve vacía. "
    "Se leyó 12; si la celda debe estar vacía, borre su valor."
)


@pytest.fixture(params=[True, False], ids=["columns", "cells"])
def reading(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> bool:
    monkeypatch.setattr(fivew, "COLUMNAR", request.param)
    return bool(request.param)


def issues(path: Path, lang: str = "en") -> list[tuple[int | None, str, str | None, str]]:
    """(row, code, column name, value) of the issues, and the rows read."""
    result = validate_file(path, REFERENCE, today=TODAY, lang=lang)
    names = {label: name for name, label in result.columns.items()}
    return [(i.row, i.code, names.get(i.column or "", ""), i.value) for i in result.report.issues]


def messages(path: Path, lang: str) -> list[str]:
    result = validate_file(path, REFERENCE, today=TODAY, lang=lang)
    return [i.message for i in result.report.issues if i.code == HIDDEN]


def test_a_count_its_format_hides_is_read_with_a_warning(tmp_path: Path, reading: bool) -> None:
    path = xlsx(tmp_path / "h.xlsx", {COUNT: 12}, {COUNT: ";;;"})
    assert issues(path) == [(2, HIDDEN, COUNT, "12")]
    assert messages(path, "en") == [EN] and messages(path, "es") == [ES]
    assert validate_file(path, REFERENCE, today=TODAY).rows[COUNT].to_list() == [12]


@pytest.mark.parametrize(
    ("code", "held", "expected"),
    [
        (";;;", 12, [HIDDEN]),
        (";", 12, [HIDDEN]),
        ("0;;", 12, []),  # positive numbers are shown
        ("0;;;@", 12, []),
        ('[>100]"many";;0', 12, [HIDDEN]),  # the second section: empty
        (";;;", 0, []),  # a zero shown as nothing is a zero
        ("0;-0;;@", 0, []),
        ('_-* #,##0_-;-* #,##0_-;_-* "-"_-;_-@_-', 0, []),  # accounting: 0 shows "-"
        # The text shown is read ("n/a" is empty), and the number held said.
        ('"n/a"', 12, ["number-read-as", TEXT]),
        ('"-"', 12, ["number-read-as", TEXT]),
        ("0;-", -12, ["number-read-as", TEXT]),
        # A helper's: a text alone that reads as another number was read as that number.
        ('0;"0"', -12, ["invalid-number", "shown-other-value"]),  # -12 passed as 0
        ('"5"', 12, ["shown-other-value"]),
        ('"12"', 12, []),  # a re-tester's: it shows the number it holds
        ('"12"', 13, ["shown-other-value"]),
        ('[>999]"1000";0', 1500, ["shown-other-value"]),
        ("[h]:mm", 12, ["invalid-number"]),  # an elapsed time, no hidden number
        ("[mm]:ss", 12, ["invalid-number"]),
        ("[DBNum1]General", 12, []),  # another script's numerals
        ("[DBNum1]", 12, []),
        ("   ", 12, [HIDDEN]),  # spaces alone show nothing; only an empty code is General
        # A re-tester's: an invisible character alone shows nothing (it read 0).
        ('"\u200b"', 12, [HIDDEN]),
        ('"\u00ad"', 12, [HIDDEN]),
        ('0;"\u200b"', 12, []),
        ('[>100]"many";0', 150, ["invalid-number", TEXT]),
        ('[>100]"many";0', 12, []),
        ("General", 12, []),
        ("@", 12, []),
        ("yyyy-mm", 12, ["invalid-number"]),  # a date, as before
        ('0;;"zero"', 12, []),
    ],
)
def test_each_form(
    tmp_path: Path, reading: bool, code: str, held: int, expected: list[str]
) -> None:
    path = xlsx(tmp_path / "f.xlsx", {COUNT: held}, {COUNT: code})
    assert sorted(c for _, c, _, _ in issues(path)) == expected, code
    count = validate_file(path, REFERENCE, today=TODAY).rows[COUNT].to_list()
    if expected in ([], [HIDDEN], ["shown-other-value"]):
        assert count == [held]


def test_a_code_in_a_text_column_and_an_amount_are_said_too(tmp_path: Path, reading: bool) -> None:
    formats = {"activity_name": ";;;", "value_usd": ";;;"}
    path = xlsx(tmp_path / "t.xlsx", {"activity_name": 4521, "value_usd": 300}, formats)
    assert sorted(issues(path)) == [
        (2, HIDDEN, "activity_name", "4521"),
        (2, HIDDEN, "value_usd", "300"),
    ]


@pytest.mark.parametrize(
    ("code", "said"),
    [
        (";;;", HIDDEN), ("0;-0;0;", HIDDEN), ('0;-0;0;"\u200b"', HIDDEN),
        ('0;-0;0;"-"', OTHER), (';;;"n/a"', OTHER), ('0;0;0;"Callao"', OTHER),
        ("0;-0;;@", None), (";;", None), ('@;@;@;"x"', OTHER),
    ],
)  # fmt: skip
def test_a_text_its_format_hides_is_said(
    tmp_path: Path, reading: bool, code: str, said: str | None
) -> None:
    """A tester's: a text cell formatted `;;;` looks empty, as a number does, and was read
    with no word; one formatted `;;;"n/a"` shows "n/a". The fourth section is the text's:
    one with no `@` shows its own text in place of the cell's."""
    path = xlsx(tmp_path / "t.xlsx", {"activity_name": "Alpha"}, {"activity_name": code})
    expected = [(2, said, "activity_name", "Alpha")] if said else []
    assert issues(path) == expected, code
    assert validate_file(path, REFERENCE, today=TODAY).rows["activity_name"].to_list() == ["Alpha"]


def test_an_xls_text_its_format_hides_is_said(tmp_path: Path) -> None:
    book = xlwt.Workbook()
    sheet = book.add_sheet("5W")
    for c, label in enumerate(LABELS):
        sheet.write(0, c, label)
    values = activity("PER", activity_name="Alpha")
    for c, name in enumerate(NAMES):
        if (held := values.get(name)) is not None:
            styles = [xlwt.easyxf(num_format_str=";;;")] if name == "activity_name" else []
            sheet.write(1, c, held, *styles)
    path = tmp_path / "t.xls"
    book.save(str(path))
    assert issues(path) == [(2, HIDDEN, "activity_name", "Alpha")]


def test_a_merged_count_is_said_on_every_row_it_covers(tmp_path: Path, reading: bool) -> None:
    path = xlsx(tmp_path / "m.xlsx", {COUNT: 12}, {COUNT: ";;;"})
    book = openpyxl.load_workbook(path)
    sheet = book.active
    sheet.append([activity("PER").get(n) for n in NAMES])
    column = NAMES.index(COUNT) + 1
    sheet.cell(row=3, column=column).value = None
    sheet.merge_cells(start_row=2, start_column=column, end_row=3, end_column=column)
    book.save(path)
    said = [(r, c, v) for r, code, c, v in issues(path) if code == HIDDEN]
    assert said == [(2, COUNT, "12"), (3, COUNT, "12")]


# --- generated formats and values --------------------------------------------------------------

# Sections: digits (with signs and brackets too), General, a date, a text alone, empty. A
# sign alone is shown as written, quoted or not (a re-tester's `0;-` was said to look empty).
_SECTIONS = ["0", "#,##0", "General", "0.0", "(0)", "-0", '"n/a"', '"-"', "-", "\\-", ""]
_SECTIONS += ["yyyy", '"0"', '"5"']
_NUMBER_TEXTS = ('"0"', '"5"')  # read as numbers: the number held is read, and said
_DIGITS = ("0", "#,##0", "General", "(0)", "-0")
_TEXTS = {'"n/a"': "n/a", '"-"': "-", "-": "-", "\\-": "-"}  # what Excel shows


def _chosen(code: str, value: float) -> str:
    """The section of `code` that shows `value`, by the test's own reading (no conditions:
    by sign, the fourth section and `@` for text)."""
    if not code:
        return "General"  # the code of General (`numFmtId` 0)
    parts = [p for p in code.split(";") if "@" not in p][:3] or ["General"]
    if value < 0 and len(parts) > 1:
        return parts[1]
    if value == 0 and len(parts) > 2:
        return parts[2]
    return parts[0]


_FORMATS = st.lists(st.sampled_from(_SECTIONS), min_size=1, max_size=3).map(";".join)
# (In a sheet, a format with a date part anywhere makes its numbers dates: left out there.)
_VALUES = st.sampled_from([0.0, 12.0, -12.0, 3.5, 150.0, -0.5])


@SETTINGS
@given(code=_FORMATS, value=_VALUES)
def test_any_format_hides_what_excel_hides(code: str, value: float) -> None:
    section = _chosen(code, value)
    parts = sections(code)
    alone = section.strip('"')
    hides = value != 0 and (section == "" or section in _NUMBER_TEXTS)
    assert hidden(value, parts) == (alone if hides else None), code
    if value != 0 and section in _TEXTS:
        assert shown(value, parts) == _TEXTS[section], code
    elif (value != 0 and section in _NUMBER_TEXTS) or section in _DIGITS:
        assert shown(value, parts) is None, code  # the number, its own sign kept


@SETTINGS
@given(code=_FORMATS.filter(lambda c: "yyyy" not in c), value=st.sampled_from([0, 12, 150]))
def test_any_format_is_read_as_shown_at_its_cell(
    tmp_path: Path, reading: bool, code: str, value: int
) -> None:
    path = xlsx(tmp_path / "g.xlsx", {COUNT: value}, {COUNT: code})
    section = _chosen(code, value)
    found = [(c, v) for _, c, n, v in issues(path) if n == COUNT]
    if value and section == "":
        assert found == [(HIDDEN, str(value))], code
    elif value and section in _NUMBER_TEXTS:
        assert found == [("shown-other-value", str(value))], code
    elif value and section in _TEXTS:  # "n/a", "-": read as empty, and said
        assert sorted(c for c, _ in found) == ["number-read-as", TEXT], code
        assert dict(found)[TEXT] == _TEXTS[section], code
    else:
        assert found == [], code


def test_a_number_shown_as_a_text_says_the_number_it_holds(tmp_path: Path, reading: bool) -> None:
    """A count of 12 formatted `"n/a"` read as n/a (empty), and nothing said that the cell
    holds 12, which formulas and R4V's scripts read."""
    path = xlsx(tmp_path / "n.xlsx", {COUNT: 12}, {COUNT: '"n/a"'})
    for lang, said in (("en", "holds the number 12"), ("es", "contiene el número 12")):
        result = validate_file(path, REFERENCE, today=TODAY, lang=lang)
        [message] = [i.message for i in result.report.issues if i.code == TEXT]
        assert said in message and "“n/a”" in message, message


# --- XLS ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "said"),
    [
        (";;;", [(2, HIDDEN, COUNT, "12")]),
        ("0;;", []),
        ("#,##0", []),
        ('"n/a"', [(2, "number-read-as", COUNT, "n/a"), (2, TEXT, COUNT, "n/a")]),
    ],
)
def test_an_xls_count_its_format_hides_is_said(tmp_path: Path, code: str, said: list) -> None:
    book = xlwt.Workbook()
    sheet = book.add_sheet("5W")
    for c, label in enumerate(LABELS):
        sheet.write(0, c, label)
    values = activity("PER", **{COUNT: 12})
    for c, name in enumerate(NAMES):
        if (held := values.get(name)) is not None:
            styles = [xlwt.easyxf(num_format_str=code)] if name == COUNT else []
            sheet.write(1, c, held, *styles)
    path = tmp_path / "h.xls"
    book.save(str(path))
    assert sorted(issues(path)) == said


# --- real size -------------------------------------------------------------------------------


def test_100000_rows_with_a_hidden_column(tmp_path: Path) -> None:
    """A column formatted `;;;` in every row, zeros in half of them: each other row's count
    is said, and the sheet is still read column by column."""
    path = repeated_counts(tmp_path, ";;;", (12, 0), 100_000)
    table = read_5w(path)
    assert table.source == "columns"
    assert table.marks.filter(table.marks["kind"] == HIDING_FORMAT).height == 50_000
    result = validate_file(path, REFERENCE, today=TODAY)
    issues = result.report.row_issues
    said = issues.filter(issues["code"] == HIDDEN)
    assert said.height == 50_000 and set(said["value"].to_list()) == {"12"}
    assert result.rows[COUNT].sum() == 50_000 * 12


# --- ODS ---------------------------------------------------------------------------------------

_FLOAT = ' office:value-type="float" office:value="{}"'
_STYLED = ' table:style-name="ce1" office:value-type="float" office:value="{}"'


@pytest.mark.parametrize(
    ("attributes", "held", "text", "expected"),
    [
        (_FLOAT, 12, "", [(HIDDEN, "12")]),  # an empty paragraph: LibreOffice's `;;;`
        (_FLOAT, 12, "  ", [(HIDDEN, "12")]),
        (_STYLED, 12, None, [(HIDDEN, "12")]),  # a styled cell with no paragraph
        (_STYLED, -3.5, None, [(HIDDEN, "-3.5"), ("invalid-number", "-3.5")]),  # and refused
        (_FLOAT, 12, None, []),  # a program that writes no text for numbers
        (_FLOAT, 0, "", []),  # a zero shown as nothing is a zero
        (_STYLED, 0, None, []),
        (_FLOAT, 12, "n/a", [("number-read-as", "n/a"), (TEXT, "n/a")]),  # the text, read
        (_FLOAT, 12, "many", [("invalid-number", "many"), (TEXT, "many")]),
        (_FLOAT, 12, "12", []),
        (_FLOAT, 12, "\u200b", [(HIDDEN, "12")]),  # an invisible character shows nothing
    ],
)
def test_an_ods_count_shown_as_nothing_or_as_a_text(
    tmp_path: Path, attributes: str, held: float, text: str | None, expected: list[object]
) -> None:
    from test_ods_quirks import cell, one_row
    from test_ods_quirks import issues as ods_issues

    count = cell(attributes.format(held), text)
    path = one_row(tmp_path, {COUNT: count})
    found = ods_issues(path).get((2, COUNT), [])
    assert sorted(found) == sorted(expected)


def test_an_ods_self_closing_styled_count_is_found(tmp_path: Path) -> None:
    """LibreOffice writes a cell with no text as an empty element: the search for cells to
    parse (`ods._may_hold`) finds it too, in a file of plain numbers otherwise."""
    from test_ods_quirks import issues as ods_issues
    from test_ods_quirks import one_row

    count = f"<table:table-cell{_STYLED.format(12)}/>"
    assert ods_issues(one_row(tmp_path, {COUNT: count})).get((2, COUNT)) == [(HIDDEN, "12")]
