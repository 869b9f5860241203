"""Write the user's workbook back with every problem shown where it is.

Bad cells are filled (red for errors, yellow for warnings) and carry a comment with the
messages; an "Errors" sheet lists every issue, so the partner fixes the file they know
instead of reading a separate report. CSV, ODS and XLS inputs become a new XLSX holding the
5W sheet as read. A cell inside a merged range is marked on the range's first cell (the only
one a spreadsheet shows). This never raises for what the file holds: a file that cannot be
opened again gives a workbook with its Errors sheet only.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import MergedCell
from openpyxl.comments import Comment
from openpyxl.formatting.formatting import ConditionalFormattingList
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidationList
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.worksheet import Worksheet

from kipu.core.limits import DEFAULT_LIMITS, Limits
from kipu.core.read.package import check_upload, recalculated_on_load
from kipu.core.read.sheets import Workbook as SourceBook
from kipu.core.read.textfile import read_text_rows
from kipu.core.validation.issues import ERROR, Report
from kipu.core.write import as_text, excel_cell

log = logging.getLogger(__name__)
ERROR_FILL = PatternFill("solid", start_color="FFC7CE", end_color="FFC7CE")
WARNING_FILL = PatternFill("solid", start_color="FFEB9C", end_color="FFEB9C")
ERRORS_SHEET = {"en": "Errors", "es": "Errores"}
_HEADINGS = {
    "en": ("Severity", "Code", "Sheet", "Row", "Column", "Value", "Message", "Suggestion"),
    "es": ("Gravedad", "Código", "Hoja", "Fila", "Columna", "Valor", "Mensaje", "Sugerencia"),
}
_SEVERITY = {"es": {"error": "error", "warning": "advertencia"}}


def annotate_workbook(
    source_path: Path | str,
    report: Report,
    out_path: Path | str,
    *,
    lang: str = "en",
    limits: Limits = DEFAULT_LIMITS,
    keep_rows: frozenset[int] | None = None,
) -> Path:
    """The annotated copy of `source_path` at `out_path`, an .xlsx: the macros of an .xlsm
    upload are stripped, and every cell Kipu writes goes through `kipu.core.write.excel_cell`
    (formulas neutralised). The partner's formulas are written as the values they saved (a
    formula without a saved value, as an empty cell that its issue marks), their text that
    starts as a formula would is quote-prefixed, and links to other workbooks are dropped:
    the copy reaches the IM team, and a partner's `=HYPERLINK(…)` or DDE formula was
    sent back live."""
    source, out = Path(source_path), Path(out_path)
    try:
        book, sheet = _open(source, report, limits)
    except Exception as error:  # noqa: BLE001 - the Errors sheet alone is still an answer
        log.info("annotated workbook without the source sheet: %s", error)
        book, sheet = Workbook(), None
        book.remove(book.active)
    if keep_rows is not None:
        _only_rows(book, sheet, keep_rows, report.header_row or 1)
    if sheet is not None:
        _mark_cells(sheet, report, limits.max_comments)
    _errors_sheet(book, report, lang)
    book.save(out)
    return out


def _open(source: Path, report: Report, limits: Limits) -> tuple[Workbook, Worksheet | None]:
    suffix = source.suffix.lower()
    if suffix in (".xlsx", ".xlsm") and check_upload(source, limits) == "zip":
        # Macros, formulas and external links are never sent back (`annotate_workbook`).
        book = load_workbook(source, keep_vba=False, data_only=True, keep_links=False)
        if recalculated_on_load(source):
            _without_placeholders(book, source)
        for other in book.worksheets:
            _inert(other)
        name = report.sheet if report.sheet in book.sheetnames else None
        return book, book[name] if name else None
    rows = _source_rows(source, report.sheet, limits)
    book = Workbook()
    sheet = book.active
    sheet.title = _sheet_title(report.sheet or "5W")
    for row in rows:
        sheet.append([None if cell in ("", None) else excel_cell(cell) for cell in row])
    for cells in sheet.iter_rows():  # once: `sheet[sheet.max_row]` per row was quadratic
        as_text(cells)
    return book, sheet


# Links a partner's workbook keeps: the web and e-mail (and places in the workbook itself).
_SAFE_LINK = re.compile(r"(?i)(https?://|mailto:)")


def _inert(sheet: Worksheet) -> None:
    """A partner's sheet with nothing that runs when it is opened: its text that starts as a
    formula would is quote-prefixed, and its conditional formats and data validations (their
    formulas: `WEBSERVICE(…)`, a DDE `cmd|…` list) and links other than web and e-mail ones
    (`file:///…/calc.exe`) are dropped (a re-tester)."""
    sheet.conditional_formatting = ConditionalFormattingList()
    sheet.data_validations = DataValidationList()
    for cells in sheet.iter_rows():
        as_text(cells)
        for cell in cells:
            link = cell.hyperlink
            if link is not None and link.target and not _SAFE_LINK.match(link.target.strip()):
                cell.hyperlink = None


def _only_rows(
    book: Workbook, sheet: Worksheet | None, keep: frozenset[int], header_row: int
) -> None:
    """The 5W sheet only, with every data row outside `keep` emptied (values, comments,
    links), and no defined name, filter, table, chart, image or pivot table (each may hold
    any text of the file): what a reader whose remit is some rows may see of a file."""
    for other in list(book.worksheets):
        if other is not sheet:
            book.remove(other)
    book.defined_names.clear()
    if sheet is None:
        return
    sheet.defined_names.clear()
    # Each holds values of any row: the autofilter's and tables' filters, the caches of
    # charts and pivot tables (a re-tester found a hidden row's text in a chart's cache).
    sheet.auto_filter = AutoFilter()
    for table in list(sheet.tables):
        del sheet.tables[table]
    sheet._charts, sheet._images, sheet._pivots = [], [], []
    sheet.merged_cells.ranges = set()  # a range could carry a hidden row's value
    for row in sheet.iter_rows(min_row=header_row + 1):
        for cell in row:
            if cell.row not in keep and not isinstance(cell, MergedCell):
                cell.value, cell.comment, cell.hyperlink = None, None, None


def _without_placeholders(book: Workbook, source: Path) -> None:
    """Every formula cell of a workbook asking to be recalculated emptied: what it saved
    is a placeholder (xlsxwriter's 0, or anything), in any column and sheet; a column
    Kipu does not read kept its 12345 (a re-tester)."""
    formulas = load_workbook(source, keep_vba=False, keep_links=False)
    for sheet in formulas.worksheets:
        if sheet.title not in book.sheetnames:
            continue
        shown = book[sheet.title]
        for cells in sheet.iter_rows():
            for cell in cells:
                if cell.data_type == "f" and not isinstance(cell, MergedCell):
                    shown.cell(row=cell.row, column=cell.column).value = None


def _sheet_title(name: str) -> str:
    """A name openpyxl accepts for a sheet: at most 31 characters, none of []:*?/\\."""
    cleaned = "".join(c for c in name if c not in "[]:*?/\\")[:31]
    return cleaned or "5W"


def _source_rows(source: Path, sheet: str | None, limits: Limits) -> list[list[object]]:
    kind = check_upload(source, limits)
    if kind == "text":
        return [list(r) for r in read_text_rows(source, limits)]
    book = SourceBook(source, limits)
    try:
        names = [name for name, _ in book.sheets]
        return book.rows(sheet if sheet in names else names[0]) if names else []
    finally:
        book.close()


def _anchor(sheet: Worksheet, row: int, column: int) -> tuple[int, int]:
    """The cell a spreadsheet shows for (row, column): a merged range's first cell."""
    if not isinstance(sheet.cell(row=row, column=column), MergedCell):
        return row, column
    for merged in sheet.merged_cells.ranges:
        if merged.min_row <= row <= merged.max_row and merged.min_col <= column <= merged.max_col:
            return merged.min_row, merged.min_col
    return row, column


def _mark_cells(sheet: Worksheet, report: Report, max_comments: int) -> None:
    by_cell: dict[tuple[int, int], list[tuple[str, str, str]]] = defaultdict(list)
    for row, col_index, severity, code, text in report.issue_rows(
        "row", "col_index", "severity", "code", "message"
    ):
        if row:
            by_cell[_anchor(sheet, row, (col_index or 0) + 1)].append((severity, code, text))
    for count, ((row, column), found) in enumerate(sorted(by_cell.items())):
        cell = sheet.cell(row=row, column=column)
        cell.fill = ERROR_FILL if any(s == ERROR for s, _, _ in found) else WARNING_FILL
        if count < max_comments:
            text = "\n".join(f"[{code}] {message}" for _, code, message in found)
            height = min(40 + 30 * len(found), 600)
            cell.comment = Comment(str(excel_cell(text)), "Kipu", width=320, height=height)


def _errors_sheet(book: Workbook, report: Report, lang: str) -> None:
    name = ERRORS_SHEET.get(lang, ERRORS_SHEET["en"])
    while name in book.sheetnames:
        name = f"{name}_"
    sheet = book.create_sheet(name, 0)
    sheet.append(list(_HEADINGS.get(lang, _HEADINGS["en"])))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    severity = _SEVERITY.get(lang, {})
    fields = ("severity", "code", "sheet", "row", "column", "value", "message", "suggestion")
    for values in report.issue_rows(*fields):
        shown = (severity.get(values[0], values[0]), *values[1:])
        sheet.append([excel_cell(v) for v in shown])
    for cells in sheet.iter_rows(min_row=2):  # once (`_open`)
        as_text(cells)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    for letter, width in zip("ABCDEFGH", (9, 28, 12, 7, 28, 24, 70, 30), strict=True):
        sheet.column_dimensions[letter].width = width
    book.active = 0
