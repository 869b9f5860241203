"""Rows and columns a 5W sheet hides are read as data (an autofilter hides rows that are still
data), and reported, as a partner may have hidden rows meaning to delete them: a `hidden-row`
warning at each hidden data row, a `hidden-column` one at the header cell of each hidden 5W
column that holds values. XLSX (both readings: hidden rows, autofiltered rows and rows of
zero height are all `hidden="1"` or `ht="0"` in its XML), ODS (`table:visibility`) and XLS."""

from __future__ import annotations

import random
import re
import sys
import zipfile
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import openpyxl
import pytest
import xlsxwriter
import xlwt

sys.path[:0] = [str(Path(__file__).parent), str(Path(__file__).parents[1] / "validation")]
from fivew_factories import TODAY, make_reference, record  # noqa: E402
from two_readings import LABELS, both, plain_row  # noqa: E402

from kipu.core.read import fivew, read_5w  # noqa: E402
from kipu.core.schema import COLUMN_BY_NAME  # noqa: E402
from kipu.core.validation import ValidationResult, validate_file  # noqa: E402
from quirk_files import _MANIFEST, _ODS_NS  # noqa: E402

REFERENCE = make_reference()
WIDTH = 27  # LABELS[:27], the columns of `plain_row`
FILLED = [c for c, v in enumerate(plain_row(0)) if v != ""]  # columns holding values


def _found(result: ValidationResult) -> tuple[list[int], list[tuple[int | None, int | None]]]:
    """The rows of the `hidden-row` issues, and (row, column) of the `hidden-column` ones."""
    rows, columns = [], []
    for issue in result.report.issues:
        if issue.code == "hidden-row":
            assert issue.severity == "warning" and issue.message.startswith(f"Row {issue.row} ")
            rows.append(issue.row)
        elif issue.code == "hidden-column":
            assert issue.severity == "warning" and issue.column in issue.message
            columns.append((issue.row, issue.col_index))
    return rows, columns


def _validated(path: Path, monkeypatch: pytest.MonkeyPatch, columnar: bool) -> Any:
    with monkeypatch.context() as patch:
        patch.setattr(fivew, "COLUMNAR", columnar)
        return _found(validate_file(path, REFERENCE, today=TODAY))


def _openpyxl(path: Path, rows: list[list[Any]], hidden: set[int], columns: set[int]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "5W"
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value not in (None, ""):
                sheet.cell(row=r, column=c, value=value)
    for r in hidden:
        sheet.row_dimensions[r].hidden = True
    for c in columns:
        sheet.column_dimensions[openpyxl.utils.get_column_letter(c + 1)].hidden = True
    book.save(path)
    return path


def _xlsxwriter(path: Path, rows: list[list[Any]], hidden: set[int], columns: set[int]) -> Path:
    with xlsxwriter.Workbook(str(path), {"constant_memory": True}) as book:
        sheet = book.add_worksheet("5W")
        for c in columns:
            sheet.set_column(c, c, None, None, {"hidden": True})
        for r in range(max([len(rows), *hidden])):
            if r + 1 in hidden:  # before the row's cells: constant memory writes row by row
                sheet.set_row(r, None, None, {"hidden": True})
            for c, value in enumerate(rows[r] if r < len(rows) else []):
                if value not in (None, ""):
                    sheet.write(r, c, value)
    return path


@pytest.mark.parametrize("seed", range(10))
def test_hidden_rows_and_columns_are_read_and_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    """Any rows (the header, data rows, a blank row, rows past the data) and any columns
    hidden: both readings read every row, and each hidden data row and hidden 5W column with
    values gets its warning, and nothing else does."""
    rng = random.Random(seed)
    count = rng.randint(25, 60)
    blank = rng.randint(3, count)  # a row left empty between activities
    rows = [
        LABELS[:WIDTH],
        *([""] * WIDTH if i + 2 == blank else plain_row(i) for i in range(count)),
    ]
    hidden = set(rng.sample(range(1, count + 10), rng.randint(0, 8))) | {blank}
    columns = set(rng.sample(range(WIDTH + 4), rng.randint(0, 4)))
    write = (_openpyxl, _xlsxwriter)[seed % 2]
    path = write(tmp_path / f"h{seed}.xlsx", rows, hidden, columns)
    table = both(path, monkeypatch)
    assert table.source == "columns"
    assert table.frame.height == count - 1  # every row is read, the blank one is none
    data = sorted(r for r in hidden if 2 <= r <= count + 1 and r != blank)
    held = sorted(c for c in columns if c in FILLED)
    assert table.hidden_rows.to_list() == data
    assert table.hidden_columns == held
    expected = (data, [(1, c) for c in held])
    assert _validated(path, monkeypatch, True) == expected
    assert _validated(path, monkeypatch, False) == expected


def _rewritten(path: Path, change: Any) -> Path:
    """`path` with its sheet's XML changed by `change`."""
    member = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(path) as archive:
        parts = {n: archive.read(n) for n in archive.namelist()}
    parts[member] = change(parts[member].decode()).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


@pytest.mark.parametrize(
    ("form", "columnar"),
    [
        ('hidden="true"', True),
        ('ht="0" customHeight="1"', True),  # a height of zero
        ('ht="0.0"', True),
        ("hidden = '1'", False),  # read cell by cell; found all the same
        ('x14ac:dyDescent="0.25" hidden="1"', True),  # other attributes before it
    ],
)
def test_every_form_of_a_hidden_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, form: str, columnar: bool
) -> None:
    rows = [LABELS[:WIDTH], *(plain_row(i) for i in range(30))]
    path = _openpyxl(tmp_path / "forms.xlsx", rows, set(), set())
    _rewritten(path, lambda xml: xml.replace('<row r="9"', f'<row r="9" {form}'))
    _rewritten(path, lambda xml: xml.replace('<row r="1" ', '<row r="1" hidden="1" '))
    table = both(path, monkeypatch)
    assert table.source == ("columns" if columnar else "cells")
    assert table.hidden_rows.to_list() == [9]
    assert _validated(path, monkeypatch, True) == ([9], [])


def test_rows_hidden_by_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`<sheetFormatPr zeroHeight="1">` hides every row without a height of its own (Excel's
    "hide every unused row"): rows 1 to 5 and 9 have theirs, so rows 6 to 8 and 10 to 31
    are hidden. They went without a word; a row without its number is its cells' row."""
    rows = [LABELS[:WIDTH], *(plain_row(i) for i in range(30))]
    path = _openpyxl(tmp_path / "default.xlsx", rows, set(), set())

    def change(xml: str) -> str:
        xml = re.sub(
            r"<sheetFormatPr[^>]*/>", '<sheetFormatPr defaultRowHeight="15" zeroHeight="1"/>', xml
        )
        for r in (1, 2, 3, 4, 5, 9):
            xml = xml.replace(f'<row r="{r}"', f'<row r="{r}" ht="15" customHeight="1"', 1)
        xml = re.sub(r'<row r="30".*?</row>', "", xml, count=1, flags=re.S)  # a gap
        return xml.replace('<row r="31"', "<row", 1)  # no number: its cells' (not 30)

    _rewritten(path, change)
    assert '<sheetFormatPr defaultRowHeight="15" zeroHeight="1"/>' in _sheet_xml(path)
    table = both(path, monkeypatch)
    expected = [6, 7, 8, *range(10, 30), 31]
    assert table.hidden_rows.to_list() == expected
    assert _validated(path, monkeypatch, True)[0] == expected


def _sheet_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read("xl/worksheets/sheet1.xml").decode()


def test_rows_not_hidden_say_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`hidden="0"`, a height that is not zero, `hidden` as a cell's text: no warning."""
    rows = [LABELS[:WIDTH], *(plain_row(i) for i in range(30))]
    rows[5][8] = "hidden rows"
    path = _openpyxl(tmp_path / "shown.xlsx", rows, set(), set())
    _rewritten(path, lambda xml: xml.replace('<row r="9"', '<row r="9" hidden="0" ht="0.5"'))
    table = both(path, monkeypatch)
    assert table.hidden_rows.is_empty() and not table.hidden_columns
    assert _validated(path, monkeypatch, True) == ([], [])


def test_autofiltered_rows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Rows an autofilter hides are still data: read, each with its warning."""
    rows = [LABELS[:WIDTH], *(plain_row(i) for i in range(20))]
    rows[3][1] = rows[7][1] = "Callao"
    with xlsxwriter.Workbook(str(tmp_path / "filter.xlsx")) as book:
        sheet = book.add_worksheet("5W")
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value != "":
                    sheet.write(r, c, value)
        sheet.autofilter(0, 0, len(rows) - 1, WIDTH - 1)
        sheet.filter_column(1, "x == Lima")
        for r in (3, 7):  # xlsxwriter leaves hiding the rows to its caller, as Excel does
            sheet.set_row(r, options={"hidden": True})
    table = both(tmp_path / "filter.xlsx", monkeypatch)
    assert table.frame.height == 20 and table.hidden_rows.to_list() == [4, 8]
    assert _validated(tmp_path / "filter.xlsx", monkeypatch, False) == ([4, 8], [])


def test_messages_in_spanish(tmp_path: Path) -> None:
    rows = [LABELS[:WIDTH], *(plain_row(i) for i in range(5))]
    path = _openpyxl(tmp_path / "es.xlsx", rows, {4}, {16})
    result = validate_file(path, REFERENCE, today=TODAY, lang="es")
    found = {i.code: i for i in result.report.issues if i.code.startswith("hidden-")}
    assert found["hidden-row"].message == (
        "La fila 4 está oculta en la hoja: se leyó como datos. Elimínela si no debe reportarse."
    )
    label = LABELS[16]
    assert found["hidden-column"].message == (
        f"La columna “{label}” está oculta en la hoja: sus valores se leyeron. Elimine la "
        "columna si no deben reportarse."
    )
    assert (found["hidden-column"].row, found["hidden-column"].column) == (1, label)
    marked = result.rows.filter(result.rows["issue_codes"].list.contains("hidden-row"))
    assert marked["row"].to_list() == [4]


# --- ODS and XLS ------------------------------------------------------------------------------

NAMES = list(record())


def _ods_cell(value: Any) -> str:
    if value is None:
        return "<table:table-cell/>"
    if isinstance(value, int | float):
        return (
            f'<table:table-cell office:value-type="float" office:value="{value}">'
            f"<text:p>{value}</text:p></table:table-cell>"
        )
    return (
        f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}</text:p>'
        "</table:table-cell>"
    )


def test_ods_hidden_and_filtered_rows_and_columns(tmp_path: Path) -> None:
    """`table:visibility` `collapse` (hidden) and `filter` (filtered out), rows repeated."""
    header = "".join(_ods_cell(COLUMN_BY_NAME[n].label_en) for n in NAMES)
    data = [
        ("", record(activity_name="A")),  # row 2
        (' table:visibility="collapse"', record(activity_name="B")),  # row 3
        (' table:visibility="filter" table:number-rows-repeated="2"', record(activity_name="C")),
        ("", record(activity_name="E")),  # row 6
    ]
    body = "".join(
        f"<table:table-row{attributes}>{''.join(_ods_cell(r[n]) for n in NAMES)}</table:table-row>"
        for attributes, r in data
    )
    empty = '<table:table-row table:visibility="collapse" table:number-rows-repeated="1000">'
    body += f'{empty}<table:table-cell table:number-columns-repeated="40"/></table:table-row>'
    women = NAMES.index("women")
    columns = (
        f'<table:table-column table:number-columns-repeated="{women}"/>'
        '<table:table-column table:visibility="collapse"/>'
        f'<table:table-column table:number-columns-repeated="{len(NAMES) - women - 1}"/>'
        '<table:table-column table:visibility="collapse" table:number-columns-repeated="40"/>'
    )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODS_NS}>'
        '<office:body><office:spreadsheet><table:table table:name="5W">'
        f"{columns}<table:table-row>{header}</table:table-row>{body}"
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    path = tmp_path / "hidden.ods"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet"
        )
        archive.writestr("content.xml", content)
        archive.writestr("META-INF/manifest.xml", _MANIFEST)
    table = read_5w(path)
    assert table.frame.height == 5
    assert table.hidden_rows.to_list() == [3, 4, 5] and table.hidden_columns == [women]
    result = validate_file(path, REFERENCE, today=TODAY)
    assert _found(result) == ([3, 4, 5], [(1, women)])


def test_xls_hidden_rows_and_columns(tmp_path: Path) -> None:
    book = xlwt.Workbook()
    sheet = book.add_sheet("5W")
    rows = [[COLUMN_BY_NAME[n].label_en for n in NAMES]]
    rows += [[record(activity_name=str(i))[n] for n in NAMES] for i in range(6)]
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                sheet.write(r, c, value)
    for r in (0, 3, 6, 12):  # the header, rows 4 and 7, and an empty row 13
        sheet.row(r).hidden = True
    # Row 5 of height zero without the hidden flag (as xlwt writes it): hidden all the same.
    sheet.row(4).height, sheet.row(4).height_mismatch = 0, True
    women, men = NAMES.index("women"), NAMES.index("men")
    for c in (women, len(NAMES) + 3):
        sheet.col(c).hidden = True
    sheet.col(men).width = 0  # a width of zero hides the column too
    book.save(str(tmp_path / "hidden.xls"))
    table = read_5w(tmp_path / "hidden.xls")
    assert table.frame.height == 6
    assert table.hidden_rows.to_list() == [4, 5, 7]
    assert sorted(table.hidden_columns) == sorted([women, men])
    result = validate_file(tmp_path / "hidden.xls", REFERENCE, today=TODAY)
    assert _found(result) == ([4, 5, 7], sorted([(1, women), (1, men)]))


# --- size ---------------------------------------------------------------------------------------


def test_a_few_hidden_rows_among_100_000(tmp_path: Path) -> None:
    """The columnar reading still reads the sheet; the warnings are the hidden rows'."""
    names = ["country", "admin1", "appealing_org", "month", "sector", "indicator", "total_monthly"]
    values = plain_row(0)
    row = [values[0], values[1], values[2], values[5], values[6], values[7], 10]
    hidden = {2, 17, 16_385, 16_386, 70_000, 100_001}
    path = tmp_path / "big.xlsx"
    with xlsxwriter.Workbook(str(path), {"constant_memory": True}) as book:
        sheet = book.add_worksheet("5W")
        sheet.write_row(0, 0, [COLUMN_BY_NAME[n].label_en for n in names])
        for r in range(1, 100_001):
            if r + 1 in hidden:
                sheet.set_row(r, None, None, {"hidden": True})
            sheet.write_row(r, 0, row)
    table = read_5w(path)
    assert table.source == "columns" and table.frame.height == 100_000
    assert table.hidden_rows.to_list() == sorted(hidden)
    result = validate_file(path, REFERENCE, today=TODAY)
    assert _found(result)[0] == sorted(hidden)
    assert result.report.summary["issues_by_code"].get("hidden-row") == len(hidden)


def test_no_row_of_a_csv_is_hidden(tmp_path: Path) -> None:
    path = tmp_path / "5w.csv"
    path.write_text(",".join(LABELS[:WIDTH]) + "\n" + ",".join(map(str, plain_row(0))) + "\n")
    table = read_5w(path)
    assert table.hidden_rows.is_empty() and table.hidden_columns == []
    assert re.search("hidden", str(_found(validate_file(path, REFERENCE, today=TODAY)))) is None
