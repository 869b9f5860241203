"""What a cell was, beyond its value: the marks a reader puts on cells.

Calamine gives a cell's value only: an Excel error (`#N/A`) and a formula that was never
computed both come back empty, and a formula's cached result looks like a typed value. This
module finds those cells in the file itself so no later stage can lose them:

- `error`: an Excel error value (detail: the error, such as `#REF!`), in any format;
- `formula`: a formula with a computed value (the value was read);
- `formula-no-value`: a formula whose value was never computed (written by a script and
  never opened in a spreadsheet program), so the file holds no value for the cell;
- `merged`: a cell covered by a merged range, given the value of the range's first cell
  (detail: the range, such as `A4:A6`); set by the sheet reader.

Marks are a small frame (`row` 1-based as the user sees it, `col` 0-based, `kind`,
`detail`); most files have none. For XLSX the sheet XML is streamed and only the chunks
holding a formula or an error are parsed, in a thread that runs while calamine parses (zlib
and calamine both leave the GIL while they work). ODS files are scanned for formulas without
a value and merged ranges, which calamine does not report for them.
"""

from __future__ import annotations

import re
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import polars as pl

from kipu.core.limits import DEFAULT_LIMITS, Limits
from kipu.core.read.package import (
    column_letters,
    column_number,
    recalculated_on_load,
    sheet_members,
    xml_unescape,
)

ERROR = "error"
FORMULA = "formula"
FORMULA_NO_VALUE = "formula-no-value"
MERGED = "merged"
MARK_SCHEMA = {"row": pl.Int64, "col": pl.Int64, "kind": pl.Utf8, "detail": pl.Utf8}
# Every error value Excel (365 included) and LibreOffice write in a cell.
EXCEL_ERRORS = frozenset(
    {
        "#N/A",
        "#REF!",
        "#VALUE!",
        "#DIV/0!",
        "#NUM!",
        "#NAME?",
        "#NULL!",
        "#SPILL!",
        "#CALC!",
        "#FIELD!",
        "#BLOCKED!",
        "#CONNECT!",
        "#BUSY!",
        "#UNKNOWN!",
        "#GETTING_DATA",
        "#PYTHON!",
        "Err:502",
        "Err:504",
        "Err:508",
        "Err:509",
        "Err:510",
        "Err:511",
        "Err:512",
        "Err:522",
        "Err:523",
    }
)

Mark = tuple[int, int, str, str | None]
_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_ATTR = re.compile(rb'([\w:]+)="([^"]*)"')
_REF = re.compile(rb"([A-Z]{1,3})(\d+)")
_FORMULA = re.compile(rb"<(?:\w+:)?f\b")
_VALUE = re.compile(rb"<(?:\w+:)?v>(.*?)</(?:\w+:)?v>", re.S)
_PREFIXED_ROW_END = re.compile(rb"</\w+:row>")
_HINTS = (b"<f", b":f>", b":f ", b't="e"')


def empty_marks() -> pl.DataFrame:
    return pl.DataFrame(schema=MARK_SCHEMA)


def marks_frame(marks: list[Mark]) -> pl.DataFrame:
    return pl.DataFrame(marks, schema=MARK_SCHEMA, orient="row") if marks else empty_marks()


def range_name(first: tuple[int, int], last: tuple[int, int]) -> str:
    """'A4:A6' for 0-based (row, col) corners."""
    return f"{column_letters(first[1])}{first[0] + 1}:{column_letters(last[1])}{last[0] + 1}"


# --- XLSX ------------------------------------------------------------------------------------


def xlsx_marks(path: Path, member: str, limits: Limits, untrusted: bool) -> list[Mark]:
    """Error and formula cells of one worksheet member. With `untrusted` (the workbook asks
    to be recalculated on load) every formula counts as having no value."""
    found: list[Mark] = []
    with zipfile.ZipFile(path) as archive, archive.open(member) as handle:
        for chunk in _chunks(handle, limits.formula_scan_bytes):
            if any(hint in chunk for hint in _HINTS):
                for match in _CELL.finditer(chunk):
                    mark = _cell_mark(match.group(1), match.group(2) or b"", untrusted)
                    if mark is not None:
                        found.append(mark)
    return found


def _cell_mark(attributes: bytes, body: bytes, untrusted: bool) -> Mark | None:
    attrs = dict(_ATTR.findall(attributes))
    kind = attrs.get(b"t", b"n")
    has_formula = _FORMULA.search(body) is not None
    if kind != b"e" and not has_formula:
        return None
    where = _REF.fullmatch(attrs.get(b"r", b""))
    if where is None:
        return None  # cells without a reference are placed by `_positioned` (rare writers)
    row, col = int(where.group(2)), column_number(where.group(1).decode()) - 1
    value = _VALUE.search(body)
    text = xml_unescape(value.group(1).decode("utf-8", "replace")) if value else ""
    if kind == b"e":
        return (row, col, ERROR, text or "#N/A")
    if untrusted or (not text and kind != b"str"):
        return (row, col, FORMULA_NO_VALUE, None)
    return (row, col, FORMULA, None)


def _chunks(handle: IO[bytes], budget: int, size: int = 1 << 23) -> Iterator[bytes]:
    """Chunks that each end at the end of a row, so no cell is cut in two."""
    carry = b""
    read = 0
    while read < budget:
        block = handle.read(size)
        if not block:
            break
        read += len(block)
        data = carry + block
        end = _row_end(data)
        if end < 0:
            carry = data
            continue
        yield data[:end]
        carry = data[end:]
    if carry:
        yield carry


def _row_end(data: bytes) -> int:
    """The position after the last row end tag (`</row>` or a prefixed `</x:row>`), or -1."""
    cut = data.rfind(b"</row>")
    if cut >= 0:
        return cut + len(b"</row>")
    tail = max(0, len(data) - (1 << 20))
    ends = [m.end() for m in _PREFIXED_ROW_END.finditer(data, tail)]
    return ends[-1] if ends else -1


class CellScan:
    """The marks of every worksheet of an XLSX/XLSM file, found in a background thread.

    Started before calamine parses the workbook; `marks(sheet)` waits for the scan. A scan
    that fails (a member that is not valid XML, say) gives no marks rather than an error:
    calamine, which parses the same XML, reports a broken file.
    """

    def __init__(self, path: Path, limits: Limits = DEFAULT_LIMITS) -> None:
        self.path, self.limits = path, limits
        self._found: dict[str, list[Mark]] = {}
        self._thread = threading.Thread(target=self._run, name="kipu-cell-scan", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            untrusted = recalculated_on_load(self.path)
            for name, member in sheet_members(self.path).items():
                self._found[name] = xlsx_marks(self.path, member, self.limits, untrusted)
        except Exception:  # noqa: BLE001 - calamine reports broken files; marks stay empty
            pass

    def marks(self, sheet: str) -> list[Mark]:
        self._thread.join()
        return self._found.get(sheet, [])


# --- ODS -------------------------------------------------------------------------------------

_ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_ODS_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"


def ods_marks(
    path: Path,
) -> tuple[dict[str, list[Mark]], dict[str, list[tuple[tuple[int, int], tuple[int, int]]]]]:
    """Formulas without a value, and merged ranges, per sheet of an ODS file.

    Parsed only when content.xml holds a formula or a merged cell at all.
    """
    import xml.etree.ElementTree as ET

    marks: dict[str, list[Mark]] = {}
    merged: dict[str, list[tuple[tuple[int, int], tuple[int, int]]]] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            content = archive.read("content.xml")
    except (KeyError, zipfile.BadZipFile, OSError):
        return marks, merged
    if b"table:formula" not in content and b"-spanned" not in content:
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


def _ods_table(table: object) -> tuple[list[Mark], list[tuple[tuple[int, int], tuple[int, int]]]]:
    marks: list[Mark] = []
    merged = []
    row = 0
    for element in table.iter():  # type: ignore[attr-defined]
        if element.tag != f"{_ODS_TABLE}table-row":
            continue
        repeat = int(element.get(f"{_ODS_TABLE}number-rows-repeated", "1"))
        col = 0
        for cell in element:
            if cell.tag not in (f"{_ODS_TABLE}table-cell", f"{_ODS_TABLE}covered-table-cell"):
                continue
            span = int(cell.get(f"{_ODS_TABLE}number-columns-repeated", "1"))
            rows_spanned = int(cell.get(f"{_ODS_TABLE}number-rows-spanned", "1"))
            cols_spanned = int(cell.get(f"{_ODS_TABLE}number-columns-spanned", "1"))
            if rows_spanned > 1 or cols_spanned > 1:
                merged.append(((row, col), (row + rows_spanned - 1, col + cols_spanned - 1)))
            has_value = cell.get(f"{_ODS_OFFICE}value-type") is not None or len(list(cell)) > 0
            if cell.get(f"{_ODS_TABLE}formula") and not has_value:
                marks.extend((row + 1, col + i, FORMULA_NO_VALUE, None) for i in range(span))
            col += min(span, 16384)
        row += min(repeat, 1_048_576)
    return marks, merged
