"""Write the user's workbook back with every problem shown where it is.

Bad cells are filled (red for errors, yellow for warnings) and carry a comment with the
messages; an "Errors" sheet lists every issue, so the partner fixes the file they know
instead of reading a separate report. CSV, ODS and XLS inputs become a new XLSX holding the
5W sheet as read.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from kipu.core.limits import DEFAULT_LIMITS, Limits
from kipu.core.readers import Workbook as SourceBook
from kipu.core.readers import read_csv_checked
from kipu.core.validation.issues import ERROR, Issue, Report
from kipu.core.workbook_package import check_upload

ERROR_FILL = PatternFill("solid", start_color="FFC7CE", end_color="FFC7CE")
WARNING_FILL = PatternFill("solid", start_color="FFEB9C", end_color="FFEB9C")
ERRORS_SHEET = "Errors"
_HEADINGS = {
    "en": ("Severity", "Code", "Sheet", "Row", "Column", "Value", "Message", "Suggestion"),
    "es": ("Gravedad", "Código", "Hoja", "Fila", "Columna", "Valor", "Mensaje", "Sugerencia"),
}


def annotate_workbook(
    source_path: Path | str,
    report: Report,
    out_path: Path | str,
    *,
    lang: str = "en",
    limits: Limits = DEFAULT_LIMITS,
) -> Path:
    """The annotated copy of `source_path` at `out_path` (an .xlsx, or .xlsm for macros)."""
    source, out = Path(source_path), Path(out_path)
    book, sheet = _open(source, report, limits)
    if sheet is not None:
        _mark_cells(sheet, report.issues, limits.max_comments)
    _errors_sheet(book, report.issues, lang)
    book.save(out)
    return out


def _open(source: Path, report: Report, limits: Limits) -> tuple[Workbook, Worksheet | None]:
    suffix = source.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        book = load_workbook(source, keep_vba=suffix == ".xlsm")
        name = report.sheet if report.sheet in book.sheetnames else None
        return book, book[name] if name else None
    book = Workbook()
    sheet = book.active
    sheet.title = (report.sheet or "5W")[:31]
    for row in _source_rows(source, report.sheet, limits):
        sheet.append([None if cell == "" else cell for cell in row])
    return book, sheet


def _source_rows(source: Path, sheet: str | None, limits: Limits) -> list[list[object]]:
    kind = check_upload(source, limits)
    if kind == "text":
        return read_csv_checked(source, limits).rows
    book = SourceBook(source, limits)
    names = [name for name, _ in book.sheets]
    return book.rows(sheet if sheet in names else names[0]) if names else []


def _mark_cells(sheet: Worksheet, issues: list[Issue], max_comments: int) -> None:
    by_cell: dict[tuple[int, int], list[Issue]] = defaultdict(list)
    for issue in issues:
        if issue.row:
            by_cell[(issue.row, (issue.col_index or 0) + 1)].append(issue)
    for count, ((row, column), found) in enumerate(sorted(by_cell.items())):
        cell = sheet.cell(row=row, column=column)
        cell.fill = ERROR_FILL if any(i.severity == ERROR for i in found) else WARNING_FILL
        if count < max_comments:
            text = "\n".join(f"[{i.code}] {i.message}" for i in found)
            cell.comment = Comment(text, "Kipu", width=320, height=40 + 30 * len(found))


def _errors_sheet(book: Workbook, issues: list[Issue], lang: str) -> None:
    name = ERRORS_SHEET
    while name in book.sheetnames:
        name = f"{name}_"
    sheet = book.create_sheet(name, 0)
    sheet.append(list(_HEADINGS.get(lang, _HEADINGS["en"])))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for issue in issues:
        sheet.append(
            [
                issue.severity,
                issue.code,
                issue.sheet,
                issue.row,
                issue.column,
                issue.value,
                issue.message,
                issue.suggestion,
            ]
        )
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    for letter, width in zip("ABCDEFGH", (9, 28, 12, 7, 28, 24, 70, 30), strict=True):
        sheet.column_dimensions[letter].width = width
