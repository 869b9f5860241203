"""XLSX number cells shown as a percentage or in another currency than the US dollar
(`kipu.core.read.numformats`, `kipu.core.read.shown.Shown`): calamine reads the number (100
for `S/ 100.00`, 0.05 for `5%`), so 100 soles read as 100 dollars with no issue. Such a cell
is read as the text it shows, as in an XLS or ODS file and a CSV: `currency-not-usd` at a
Value (in USD) in soles; a dollar amount, or a number with words, reads as its number.

The style is found in any form the sheet may write it (quotes, spaces, a character
reference, cells without references, strict SpreadsheetML), in the columnar and the
cell-by-cell readings, and at 100,000 rows.
"""

from __future__ import annotations

import re
import sys
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import polars as pl
import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parents[1] / "validation"))
from fivew_factories import TODAY, make_reference, record  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent))
from number_format_cases import AFTER, BEFORE, FORMATS, ZERO_AND_HALF  # noqa: E402

from kipu.core.read import ReadError, marks, read_5w  # noqa: E402
from kipu.core.read.sheets import Workbook  # noqa: E402
from kipu.core.read.shown import Shown, digits_pattern, xlsx_shown_styles  # noqa: E402
from kipu.core.schema import COLUMN_BY_NAME  # noqa: E402
from kipu.core.validation import validate_file  # noqa: E402

CASH = {"cva": "Yes", "value_usd": 150, "delivery_mechanism": "Cash in hand"}
NAMES = list(record(**CASH))
VALUE = NAMES.index("value_usd")
REFERENCE = make_reference()
SOLES = "[$S/-280A] #,##0.00"
SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def activity(**overrides: Any) -> dict[str, Any]:
    return record(**{**CASH, **overrides})


def xlsx(path: Path, rows: list[dict[str, Any]], formats: dict[tuple[int, str], str]) -> Path:
    """The 5W header and `rows` in an XLSX written by openpyxl; `formats`: (sheet row, column
    name) → number format."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "5W"
    sheet.append([COLUMN_BY_NAME[n].label_en for n in NAMES])
    for values in rows:
        sheet.append([values.get(n) for n in NAMES])
    for (row, name), code in formats.items():
        sheet.cell(row=row, column=NAMES.index(name) + 1).number_format = code
    book.save(path)
    return path


def issues_at(path: Path, row: int, column: str) -> list[tuple[str, str | None]]:
    result = validate_file(path, REFERENCE, today=TODAY)
    label = result.columns[column]
    return [(i.code, i.value) for i in result.report.issues if (i.row, i.column) == (row, label)]


def edited(path: Path, change: Any, member: str = "xl/worksheets/sheet1.xml") -> Path:
    """The workbook with one member's XML rewritten by `change(bytes) -> bytes`."""
    out = path.with_name(f"edited-{path.name}")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as to:
        for info in source.infolist():
            data = source.read(info.filename)
            to.writestr(info.filename, change(data) if info.filename == member else data)
    return out


def value_cell(xml: bytes, row: int) -> re.Match[bytes]:
    ref = f"{openpyxl.utils.get_column_letter(VALUE + 1)}{row}".encode()
    found = re.search(rb'<c r="' + ref + rb'"[^>]*?(?:/>|>.*?</c>)', xml)
    assert found is not None
    return found


# --- every format, as the XLS tests read it ---------------------------------------------------


@pytest.mark.parametrize(("code", "issue", "shown"), FORMATS)
def test_a_number_shown_in_another_currency_is_never_dollars(
    tmp_path: Path, code: str, issue: str | None, shown: str | None
) -> None:
    path = xlsx(tmp_path / "c.xlsx", [activity(value_usd=100.0)], {(2, "value_usd"): code})
    found = issues_at(path, 2, "value_usd")
    if issue is None:
        assert found == []
        assert validate_file(path, REFERENCE, today=TODAY).rows["value_usd"].to_list() == [100]
    else:
        assert found == [(issue, shown)]


@SETTINGS
@given(
    before=st.sampled_from(sorted(BEFORE)),
    after=st.sampled_from(sorted(AFTER)),
    amount=st.sampled_from([100.0, 1500.5, 0.25]),
)
def test_any_currency_format_is_read_as_dollars_only_when_it_is(
    tmp_path: Path, before: str, after: str, amount: float
) -> None:
    """A format showing another currency, on either side of the digits, or a percentage:
    an issue at the cell; a dollar amount or a number with words: no currency issue."""
    code = f"{before}#,##0.00{after}"
    path = xlsx(tmp_path / "any.xlsx", [activity(value_usd=amount)], {(2, "value_usd"): code})
    found = {c for c, _ in issues_at(path, 2, "value_usd")}
    other = BEFORE[before] or AFTER[after]
    assert bool(found & {"currency-not-usd", "invalid-number"}) == other, (code, found)


@pytest.mark.parametrize(("code", "number", "read"), ZERO_AND_HALF)
def test_the_section_showing_the_number_decides(
    tmp_path: Path, code: str, number: float, read: str | None
) -> None:
    """A zero in Excel's accounting format shows a dash beside the `$` (no currency but the
    dollar); a condition (`[>=1]`) picks the section, not the number's sign."""
    path = xlsx(tmp_path / "z.xlsx", [activity(value_usd=number)], {(2, "value_usd"): code})
    book = Workbook(path)
    try:
        assert book.rows("5W")[1][VALUE] == (number if read is None else read)
    finally:
        book.close()


def test_a_percentage_is_read_as_shown_in_every_column(tmp_path: Path) -> None:
    rows = [activity(activity_description=0.05, total_monthly=0.5)]
    formats = {(2, "activity_description"): "0%", (2, "total_monthly"): "0.00%"}
    table = read_5w(xlsx(tmp_path / "p.xlsx", rows, formats))
    row = table.frame.filter(pl.col("row") == 2)
    assert row["activity_description"].item() == "5%"
    assert row["total_monthly"].item() == "50%"


def test_the_columnar_reading_gives_way_to_cells_read_as_shown(tmp_path: Path) -> None:
    """fastexcel reads the numbers too: a sheet with such cells is read cell by cell, and
    both readings of a sheet without them agree."""
    rows = [activity(value_usd=100.0), activity(value_usd=200.0)]
    path = xlsx(tmp_path / "s.xlsx", rows, {(3, "value_usd"): SOLES})
    book = Workbook(path, columns=True)
    try:
        assert book.columns("5W") is None
        assert book.rows("5W")[2][VALUE] == "S/ 200"
    finally:
        book.close()
    assert issues_at(path, 3, "value_usd") == [("currency-not-usd", "S/ 200")]
    assert issues_at(path, 2, "value_usd") == []


# --- the style attribute in every form ---------------------------------------------------------


def _restyle(form: bytes) -> Any:
    """A change of the sheet XML writing the Value (in USD) cell of row 2's style as `form`
    (`{s}` for its index)."""

    def change(xml: bytes) -> bytes:
        cell = value_cell(xml, 2)
        style = re.search(rb' s="(\d+)"', cell.group(0))
        assert style is not None
        tag = cell.group(0).replace(style.group(0), form.replace(b"{s}", style.group(1)))
        return xml[: cell.start()] + tag + xml[cell.end() :]

    return change


@pytest.mark.parametrize(
    "form", [b" s = '{s}'", b' s="0{s}"', b' s="&#{c};"', b'\ts="{s}"', b'\ns\t=\t"{s}"']
)
def test_the_style_is_found_in_any_form(tmp_path: Path, form: bytes) -> None:
    path = xlsx(tmp_path / "f.xlsx", [activity(value_usd=100.0)], {(2, "value_usd"): SOLES})
    index = next(iter(xlsx_shown_styles(path)))
    form = form.replace(b"{c}", str(ord(str(index))).encode())  # one digit: s="&#49;"
    assert issues_at(edited(path, _restyle(form)), 2, "value_usd") == [
        ("currency-not-usd", "S/ 100")
    ]


def test_cells_without_references_are_read_as_shown(tmp_path: Path) -> None:
    path = xlsx(tmp_path / "r.xlsx", [activity(value_usd=100.0)], {(2, "value_usd"): SOLES})

    def unreferenced(xml: bytes) -> bytes:
        return re.sub(rb' r="[A-Z]+\d+"', b"", xml)

    book = Workbook(edited(path, unreferenced))
    try:  # openpyxl leaves empty cells out: counted from the start, the cells move left
        row = book.rows("5W")[1]
        assert row.count("S/ 100") == 1 and 100.0 not in row
    finally:
        book.close()


def test_strict_spreadsheetml_styles_are_read(tmp_path: Path) -> None:
    path = xlsx(tmp_path / "n.xlsx", [activity(value_usd=100.0)], {(2, "value_usd"): SOLES})
    strict = b"http://purl.oclc.org/ooxml/spreadsheetml/main"

    def change(xml: bytes) -> bytes:
        return xml.replace(b"http://schemas.openxmlformats.org/spreadsheetml/2006/main", strict)

    assert xlsx_shown_styles(edited(path, change, "xl/styles.xml")) != {}


@pytest.mark.parametrize(
    ("cell", "read"),
    [
        # A formula's saved result is shown as its format says.
        ('<c r="{ref}" s="{s}"><f>40+60</f><v>100</v></c>', "S/ 100"),
        # A text, an error, a boolean: their own value, whatever the style.
        ('<c r="{ref}" s="{s}" t="inlineStr"><is><t>100</t></is></c>', "100"),
        ('<c r="{ref}" s="{s}" t="e"><v>#REF!</v></c>', "#REF!"),
        ('<c r="{ref}" s="{s}" t="b"><v>1</v></c>', True),
        ('<c r="{ref}" s="{s}" t="n"><v>100</v></c>', "S/ 100"),
        ('<c r="{ref}" s="{s}"/>', ""),
    ],
)
def test_only_number_cells_are_read_as_shown(tmp_path: Path, cell: str, read: object) -> None:
    path = xlsx(tmp_path / "k.xlsx", [activity(value_usd=100.0)], {(2, "value_usd"): SOLES})
    index = next(iter(xlsx_shown_styles(path)))
    ref = f"{openpyxl.utils.get_column_letter(VALUE + 1)}2"

    def change(xml: bytes) -> bytes:
        found = value_cell(xml, 2)
        return xml[: found.start()] + cell.format(ref=ref, s=index).encode() + xml[found.end() :]

    def calculated(xml: bytes) -> bytes:  # as a spreadsheet program saves it (openpyxl's flag)
        return xml.replace(b' fullCalcOnLoad="1"', b"")

    path = edited(edited(path, calculated, "xl/workbook.xml"), change)
    book = Workbook(path)
    try:
        assert book.rows("5W")[1][VALUE] == read
    finally:
        book.close()


def test_a_formula_without_its_value_shows_nothing(tmp_path: Path) -> None:
    """A formula of a workbook recalculated on load has no value: its mark, no text."""
    path = xlsx(tmp_path / "u.xlsx", [activity(value_usd="=40+60")], {(2, "value_usd"): SOLES})
    book = Workbook(path)
    try:
        assert book.rows("5W")[1][VALUE] in ("", None)
        kinds = {k for r, c, k, _ in book.marks("5W") if (r, c) == (2, VALUE)}
        assert kinds == {marks.FORMULA_NO_VALUE}
    finally:
        book.close()


# --- at real size -----------------------------------------------------------------------------


@pytest.mark.parametrize("every_cell", [False, True])
def test_cells_read_as_shown_among_100_000_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, every_cell: bool
) -> None:
    """At real size, past the scan's 1 MB chunks and polars' chunk sizes, parsing only the
    hinted cells or every one: each styled cell is found at its place, and no other."""
    monkeypatch.setattr(marks, "SCAN_EVERY_CELL", every_cell)
    path = tmp_path / "large.xlsx"
    with xlsxwriter.Workbook(str(path), {"constant_memory": True}) as book:
        soles, percent = (
            book.add_format({"num_format": SOLES}),
            book.add_format({"num_format": "0%"}),
        )
        dollars = book.add_format({"num_format": '"US$" #,##0.00'})
        sheet = book.add_worksheet("5W")
        for row in range(100_000):
            sheet.write_string(row, 0, f"Activity {row}")
            style = soles if row % 7 == 3 else percent if row == 99_999 else dollars
            sheet.write_number(row, 1, row, style)
            sheet.write_number(row, 2, row)
    shown = Shown(xlsx_shown_styles(path))
    assert marks.xlsx_marks(path, "xl/worksheets/sheet1.xml", False, None, shown) == []
    expected = {(r + 1, 1): f"S/ {r}" for r in range(100_000) if r % 7 == 3}
    assert shown.texts == {**expected, (100_000, 1): "9999900%"}


# --- the workbook's styles -------------------------------------------------------------------


def _normal_in_soles(xml: bytes) -> bytes:
    """styles.xml with the Normal style (cellXfs[0]) formatted in soles."""
    xml = xml.replace(b"<fonts", b'<numFmts count="1"><numFmt numFmtId="164" formatCode="'
                      + SOLES.encode() + b'"/></numFmts><fonts', 1)  # fmt: skip
    start = xml.index(b"<xf ", xml.index(b"<cellXfs"))
    return xml[:start] + re.sub(rb'numFmtId="\d+"', b'numFmtId="164"', xml[start:], count=1)


def test_a_cell_without_a_style_has_the_normal_style(tmp_path: Path) -> None:
    """A cell with no `s` attribute is of style 0 (ECMA-376): the Normal style in soles
    shows every such number in soles."""
    path = xlsx(tmp_path / "n.xlsx", [activity(value_usd=100.0)], {})
    path = edited(path, _normal_in_soles, "xl/styles.xml")
    assert b' s="' not in value_cell(zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml"), 2)[0]
    assert issues_at(path, 2, "value_usd") == [("currency-not-usd", "S/ 100")]


def test_the_styles_are_found_by_the_workbook_relationship(tmp_path: Path) -> None:
    path = xlsx(tmp_path / "m.xlsx", [activity(value_usd=100.0)], {(2, "value_usd"): SOLES})
    moved = tmp_path / "moved.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(moved, "w") as target:
        for info in source.infolist():
            data, name = source.read(info.filename), info.filename
            if name == "xl/styles.xml":
                name = "xl/theStyles.xml"
            if name in ("xl/_rels/workbook.xml.rels", "[Content_Types].xml"):
                data = data.replace(b"styles.xml", b"theStyles.xml")
            target.writestr(name, data)
    assert issues_at(moved, 2, "value_usd") == [("currency-not-usd", "S/ 100")]


@pytest.mark.parametrize(
    "damage",
    [
        lambda xml: xml.replace(b"<fonts", b'<fonts a="1" a="2"', 1),  # not well-formed
        lambda xml: xml.replace(b"<fonts", b"<x:fonts", 1).replace(b"</fonts>", b"</x:fonts>"),
    ],
)
def test_styles_that_cannot_be_read_refuse_the_sheet(tmp_path: Path, damage: Any) -> None:
    """Without its styles no cell's format is known, and calamine may read the file
    without complaint: the sheet is refused, not read in dollars."""
    path = xlsx(tmp_path / "d.xlsx", [activity(value_usd=100.0)], {(2, "value_usd"): SOLES})
    with pytest.raises(ReadError, match="could not be checked"):
        read_5w(edited(path, damage, "xl/styles.xml"))


@settings(max_examples=200, deadline=None)
@given(
    numbers=st.sets(st.integers(0, 70_000), min_size=1, max_size=40), other=st.integers(0, 99_999)
)
def test_the_style_numbers_pattern_matches_exactly_them(numbers: set[int], other: int) -> None:
    pattern = re.compile(f"(?:{digits_pattern(sorted(map(str, numbers)))})$")
    for number in [*numbers, other]:
        assert bool(pattern.match(str(number))) == (number in numbers)
