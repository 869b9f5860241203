"""The marks (`kipu.core.read.marks`) of the other workbook formats: XLS error cells, read with
xlrd; ODS formulas without a value and merged ranges, parsed from content.xml, and ODS files
whose values calamine misreads, refused.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

from kipu.core.read.errors import unreadable
from kipu.core.read.marks import ERROR, FORMULA_NO_VALUE, Mark, Range

# --- XLS -------------------------------------------------------------------------------------


def xls_marks(path: Path, sheet: str) -> list[Mark]:
    """Error cells of one sheet of an XLS (Excel 97-2003) file, which calamine reads as empty.

    Read with xlrd, which keeps each cell's type; a formula's value is always saved in this
    format by the programs that write it, so only errors are marked.
    """
    import xlrd

    try:
        book = xlrd.open_workbook(str(path), on_demand=True)
        try:
            found = book.sheet_by_name(sheet)
            return [
                (row + 1, col, ERROR, xlrd.error_text_from_code.get(found.cell_value(row, col)))
                for col in range(found.ncols)
                for row, kind in enumerate(found.col_types(col))
                if kind == xlrd.XL_CELL_ERROR
            ]
        finally:
            book.release_resources()
    except Exception:  # noqa: BLE001 - calamine, which read the same file, reports broken ones
        return []


# --- ODS -------------------------------------------------------------------------------------

_ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_ODS_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_ODS_VALUE_KIND = "{urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0}value-type"


def ods_marks(
    path: Path,
) -> tuple[dict[str, list[Mark]], dict[str, list[tuple[tuple[int, int], tuple[int, int]]]]]:
    """Formulas without a value, and merged ranges, per sheet of an ODS file.

    Parsed only when content.xml holds a formula or a merged cell at all. Raises ReadError for
    a file with coded values (`_ODS_CODED`), which calamine misreads without complaint.
    """
    import xml.etree.ElementTree as ET

    marks: dict[str, list[Mark]] = {}
    merged: dict[str, list[Range]] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            content = archive.read("content.xml")
    except (KeyError, zipfile.BadZipFile, OSError):
        return marks, merged
    if (b"&" in content or b"<![" in content) and _ODS_CODED.search(content):
        raise unreadable("coded-values", path.name)
    hints = (b"table:formula", b"-spanned", b'value-type="error"')
    if not any(hint in content for hint in hints):
        return marks, merged
    try:
        root = ET.fromstring(content)
    except ET.ParseError:
        return marks, merged
    for table in root.iter(f"{_ODS_TABLE}table"):
        name = table.get(f"{_ODS_TABLE}name", "")
        sheet_marks, sheet_merged = _ods_table(table)
        marks[name], merged[name] = sheet_marks, sheet_merged
    return marks, merged


# A CDATA section (calamine reads its text blank), or a reference in a value attribute
# (`office:boolean-value="tru&#101;"` read FALSE). LibreOffice writes neither; it may write
# a text's `office:string-value` with references, which calamine reads right.
_ODS_CODED = re.compile(rb"""<!\[CDATA\[|office:(?!string-)[\w-]*value\s*=\s*(?:"[^"]*&|'[^']*&)""")


def _ods_table(table: Any) -> tuple[list[Mark], list[Range]]:
    marks: list[Mark] = []
    merged: list[Range] = []
    row = 0
    for element in table.iter(f"{_ODS_TABLE}table-row"):
        repeat = int(element.get(f"{_ODS_TABLE}number-rows-repeated", "1"))
        col = 0
        for cell in element:
            if cell.tag not in (f"{_ODS_TABLE}table-cell", f"{_ODS_TABLE}covered-table-cell"):
                continue
            span = min(int(cell.get(f"{_ODS_TABLE}number-columns-repeated", "1")), 16384)
            down = int(cell.get(f"{_ODS_TABLE}number-rows-spanned", "1"))
            across = int(cell.get(f"{_ODS_TABLE}number-columns-spanned", "1"))
            if down > 1 or across > 1:
                merged.append(((row, col), (row + down - 1, col + across - 1)))
            marks.extend(_ods_cell_marks(cell, row, col, span))
            col += span
        row += min(repeat, 1_048_576)
    return marks, merged


def _ods_cell_marks(cell: Any, row: int, col: int, span: int) -> list[Mark]:
    """An error value (LibreOffice writes its text in text:p, and an empty string value
    that calamine reads), or a formula with no value at all."""
    if cell.get(_ODS_VALUE_KIND) == "error":
        text = "".join(cell.itertext()).strip() or "#N/A"
        return [(row + 1, col + i, ERROR, text) for i in range(span)]
    has_value = cell.get(f"{_ODS_OFFICE}value-type") is not None or len(list(cell)) > 0
    if cell.get(f"{_ODS_TABLE}formula") and not has_value:
        return [(row + 1, col + i, FORMULA_NO_VALUE, None) for i in range(span)]
    return []
