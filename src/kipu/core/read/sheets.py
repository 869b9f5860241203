"""Workbooks (XLSX, XLSM, XLS, ODS) and text files as sheets of cells.

`Workbook` reads a checked upload sheet by sheet with calamine, each sheet once, and knows
each sheet's marks (`kipu.core.read.marks`) and merged ranges. Cells that hold an Excel error
are given the error's text (`#N/A`), as the spreadsheet shows it, instead of calamine's empty
value, so no later stage reads them as blank; ODS and XLS cells that calamine reads otherwise
than they show are given the text they show (`kipu.core.read.book_marks`: `S/ 100.00` for an
amount in soles, a text's line breaks, which calamine drops), and so are XLSX number cells
shown as a percentage or in another currency (`kipu.core.read.shown.Shown`). A covered cell
of a merged range that holds a value of its own is marked `unreadable-value`
(`fill_merged`).

`read_table` is the reading of reference files (organisations, plans, places): the first
visible sheet as records keyed by its header row, merged cells filled down, and a refusal
naming the cell for an Excel error or a formula without a value.
"""

from __future__ import annotations

import math
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from kipu.core.limits import DEFAULT_LIMITS, Limits
from kipu.core.read.book_marks import Found, xls_marks
from kipu.core.read.cell_scan import CellScan
from kipu.core.read.columns import ColumnSheet
from kipu.core.read.errors import ReadError, reason, too_large, unreadable
from kipu.core.read.hidden import Hidden, ods_table_name
from kipu.core.read.marks import (
    DOLLAR_FORMAT,
    ERROR,
    EXCEL_ERRORS,
    FORMULA_NO_VALUE,
    MERGED,
    MERGED_ACROSS,
    UNREADABLE_VALUE,
    Mark,
    range_name,
)
from kipu.core.read.ods_scan import OdsScan
from kipu.core.read.package import (
    OLE_MAGIC,
    WORKBOOK_SUFFIXES,
    ZIP_MAGIC,
    column_letters,
    dates_of_1904,
    ods_null_date_offset,
)
from kipu.core.read.textfile import read_text_rows

Range = tuple[tuple[int, int], tuple[int, int]]  # 0-based (row, col) of first and last cells
# A 1904 workbook's date serial is this many days less than the same date's in 1900's system.
_DAYS_1904 = 1462


_Sheet = TypeVar("_Sheet")  # what an ODS reading gives a sheet (`Found`, `Hidden`)


@dataclass
class RawSheet:
    """One sheet (or a text file) as rows of cell values, exactly as read."""

    name: str
    rows: list[list[object]]
    hidden: bool = False
    marks: list[Mark] = field(default_factory=list)
    merged: list[Range] = field(default_factory=list)
    hidden_rows: list[tuple[int, int]] = field(default_factory=list)  # `Hidden.rows`


@dataclass
class Table:
    """A sheet with a header row: each record maps header label to cell, with its row number."""

    source: str
    sheet: str
    header: list[str]
    records: list[dict[str, object]] = field(default_factory=list)
    row_numbers: list[int] = field(default_factory=list)
    # (row number, header label) of the number cells shown with a `$` alone (`DOLLAR_FORMAT`):
    # the peso where the file was formatted in Colombia, which a loader of amounts judges.
    dollars: set[tuple[int, str]] = field(default_factory=set)
    # Columns (0-based) holding a value under no header label (a blank header cell, or
    # past the header's last label): no record keeps them, and loaders name them unread.
    unlabelled: list[int] = field(default_factory=list)
    # (row number, header label) → the merged range whose value the cell was given (filled
    # down): a loader of figures says so, as a figure copied to each row adds up again.
    merged: dict[tuple[int, str], str] = field(default_factory=dict)
    # The same for the cells a merged range covers in another column than its own: empty,
    # as the spreadsheet shows them, where the range's value stands for them too.
    covered: dict[tuple[int, str], str] = field(default_factory=dict)
    # The records' row numbers the sheet hides (by hand, a filter, a collapsed group): read
    # all the same, as in a 5W file, and named by the loaders.
    hidden_rows: list[int] = field(default_factory=list)


class Workbook:
    """A checked workbook whose sheets are parsed on demand, each once.

    Limits are checked again on what is read: a sheet's declared dimension may be missing or
    wrong. Marks of XLSX sheets are found by a `CellScan` started here, so it runs while
    calamine parses.
    """

    def __init__(
        self, path: Path, limits: Limits = DEFAULT_LIMITS, *, columns: bool = False
    ) -> None:
        from python_calamine import CalamineWorkbook

        self.path, self.limits = path, limits
        self._cache: dict[str, list[list[object]]] = {}
        self._merged: dict[str, list[Range]] = {}
        self._xls: dict[str, Found] = {}
        self._format = _zip_format(path)
        # Columns (kipu.core.read.columns) are read from XLSX only, with the census.
        self.columnar = columns and self._format == "xlsx"
        self._scan = (
            CellScan(path, limits, census=self.columnar) if self._format == "xlsx" else None
        )
        self._reader: object | None = None
        # ODS: its marks and hidden rows, read from content.xml while calamine parses it.
        self._ods = OdsScan(path, limits) if self._format == "ods" else None
        try:
            self._book = CalamineWorkbook.from_path(str(path))
            self.sheets = [
                (meta.name, str(meta.visible).lower().rsplit(".", 1)[-1] != "visible")
                for meta in self._book.sheets_metadata
                if "chart" not in str(meta.typ).lower()
            ]
        except Exception as error:  # calamine raises several unrelated types for broken files
            self.close()
            raise unreadable("unreadable-spreadsheet", path.name, reason=reason(error)) from None

    def rows(self, name: str) -> list[list[object]]:
        """The sheet's cells as the spreadsheet shows them (`_as_shown`): Excel error cells
        hold the error's text."""
        if name not in self._cache:
            try:
                sheet = self._book.get_sheet_by_name(name)
                # From A1, as `to_python` gives the cells (`total_width` is the last column's
                # index, one less than the width).
                height, width = (sheet.end[0] + 1, sheet.end[1] + 1) if sheet.end else (0, 0)
                if height > self.limits.max_rows or width > self.limits.max_columns:
                    raise too_large(
                        "sheet-size", self.path.name, sheet=name, rows=height, columns=width
                    )
                rows: list[list[object]] = list(sheet.to_python(skip_empty_area=False))  # type: ignore[arg-type]
                self._merged[name] = _ranges(sheet)
            except ReadError:
                raise
            except Exception as error:
                raise unreadable(
                    "unreadable-spreadsheet", self.path.name, reason=reason(error)
                ) from None
            self._cache[name] = self._as_shown(name, rows)
        return self._cache[name]

    def head(self, name: str, count: int) -> list[list[object]]:
        """The sheet's first `count` rows as `rows` gives them (a copy), without the rest
        made Python objects: enough to tell whether a sheet has a 5W header."""
        if name in self._cache:
            return [list(r) for r in self._cache[name][:count]]
        try:
            sheet = self._book.get_sheet_by_name(name)
            rows: list[list[object]] = list(sheet.to_python(skip_empty_area=False, nrows=count))  # type: ignore[arg-type]
            self._merged[name] = _ranges(sheet)
        except Exception as error:
            raise unreadable(
                "unreadable-spreadsheet", self.path.name, reason=reason(error)
            ) from None
        found = self._found(name)
        texts = {(r, c): t for (r, c), t in found.texts.items() if r <= count}
        places = [(r, c) for r, c, _, _ in found.marks if r <= count] + list(texts)
        height = max((r for r, _ in places), default=0)
        width = max([len(rows[0]) if rows else 0, *(c + 1 for _, c in places)])
        rows = [row + [""] * (width - len(row)) for row in rows]
        rows += [[""] * width for _ in range(height - len(rows))]
        for (row, col), text in texts.items():
            rows[row - 1][col] = text
        for row, col, kind, detail in self.marks(name):
            if kind == ERROR and row <= len(rows) and col < len(rows[row - 1]):
                rows[row - 1][col] = detail
        return rows

    def _as_shown(self, name: str, rows: list[list[object]]) -> list[list[object]]:
        """The cells with an error's text for an error cell, and the texts of
        `book_marks.Found.texts` for the cells calamine reads otherwise than they show (a
        currency amount, a text it reads blank). The rows cover every cell an ODS or XLS
        reading marked: calamine leaves a cell it reads blank out of the sheet's size, and
        its mark out of the table with it."""
        found = self._found(name)
        if found.beyond is not None:
            down, across = found.beyond
            raise too_large("sheet-size", self.path.name, sheet=name, rows=down, columns=across)
        places = [(r, c) for r, c, _, _ in found.marks] + list(found.texts)
        height = max((r for r, _ in places), default=0)
        width = max((c + 1 for _, c in places), default=0)
        if height > self.limits.max_rows or width > self.limits.max_columns:
            raise too_large("sheet-size", self.path.name, sheet=name, rows=height, columns=width)
        if height > len(rows) or (rows and width > len(rows[0])):
            width = max(width, *map(len, rows)) if rows else width
            rows = [row + [""] * (width - len(row)) for row in rows]
            rows += [[""] * width for _ in range(height - len(rows))]
        for (row, col), text in found.texts.items():
            rows[row - 1][col] = text
        for row, col, kind, detail in self.marks(name):
            if kind == ERROR and row - 1 < len(rows) and col < len(rows[row - 1]):
                rows[row - 1][col] = detail
        return rows

    def columns(self, name: str) -> ColumnSheet | None:
        """The sheet read column by column, or None when that reading does not apply (see
        `kipu.core.read.columns`): read it with `rows` then."""
        if not self.columnar or self._scan is None:
            return None
        if self._reader is None:
            import fastexcel

            try:
                self._reader = fastexcel.read_excel(str(self.path))
            except Exception:  # noqa: BLE001 - calamine, reading cell by cell, says why
                self.columnar = False
                return None
        scan = self._scan
        # A sheet with cells read as the text they show is read cell by cell (no census).
        census = lambda: None if scan.texts(name) else scan.census(name)  # noqa: E731
        return ColumnSheet.load(self._reader, self.path, name, self.limits, census, self.marks)

    def marks(self, name: str) -> list[Mark]:
        """Formula and error cells of the sheet (see `kipu.core.read.marks`)."""
        if self._scan is not None:
            return self._scan.marks(name)
        return self._found(name).marks

    def hidden(self, name: str) -> Hidden:
        """The rows and columns the sheet hides (`kipu.core.read.hidden`): read as data all
        the same."""
        if self._scan is not None:
            return self._scan.hidden(name)
        if self._ods is not None:
            return self._ods_sheet(name, self._ods.hidden()) or Hidden()
        return self._found(name).hidden

    def serial_offset(self, name: str) -> int:
        """The days to add to the sheet's date serials for Excel's 1900 system, which months
        are read by: 1,462 in a workbook counting from 1904 (`package.dates_of_1904`, XLS's
        `datemode`), the distance of an ODS file's null date from 1899-12-30."""
        if self._format == "xlsx":
            return _DAYS_1904 if dates_of_1904(self.path) else 0
        if self._format == "xls":
            return _DAYS_1904 if self._found(name).dates_of_1904 else 0
        return ods_null_date_offset(self.path) if self._format == "ods" else 0

    def merged(self, name: str) -> list[Range]:
        """The sheet's merged ranges (after `rows(name)` or `head(name, …)`)."""
        if self._format == "ods":
            return self._found(name).merged
        return self._merged.get(name, [])

    def _ods_sheet(self, name: str, tables: dict[str, _Sheet]) -> _Sheet | None:
        """Calamine's sheet `name` in an ODS reading by table name (`ods_marks`,
        `ods_scan.ods_hidden`): itself, or as expat reports it (`hidden.ods_table_name`: a tab is a
        space) when no other sheet may be meant. Raises ReadError (`unchecked-sheet`) when
        another sheet's name reads the same: whose marks they are is not known."""
        if name in tables:
            return tables[name]
        named = ods_table_name(name)
        if named not in tables:
            return None
        if any(ods_table_name(other) == named for other, _ in self.sheets if other != name):
            raise unreadable("unchecked-sheet", self.path.name, sheet=name)
        return tables[named]

    def _found(self, name: str) -> Found:
        """What the sheet's cells are beyond calamine's values, in an ODS or XLS file."""
        if self._ods is not None:
            found = self._ods_sheet(name, self._ods.marks()) or Found()
            if found.clash:
                raise unreadable("unchecked-sheet", self.path.name, sheet=name)
            return found
        if self._format == "xls":
            if name not in self._xls:
                self._xls[name] = xls_marks(self.path, name)
            return self._xls[name]
        if self._scan is not None:  # XLSX: its marks are the scan's (`marks`)
            return Found(texts=self._scan.texts(name))
        return Found()

    def close(self) -> None:
        for scan in (self._scan, self._ods):
            if scan is not None:
                scan.wait()  # the file may be deleted next


def _zip_format(path: Path) -> str:
    """'xlsx', 'ods', 'xls' (an OLE file) or '' (a zip of something else, XLSB)."""
    with path.open("rb") as handle:
        if handle.read(8).startswith(OLE_MAGIC):
            return "xls"
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError):
        return ""
    if "xl/workbook.xml" in names:
        return "xlsx"
    return "ods" if "content.xml" in names else ""


def _ranges(sheet: object) -> list[Range]:
    try:
        found = getattr(sheet, "merged_cell_ranges", None) or []
    except Exception:  # noqa: BLE001 - formats without merged ranges (XLS in some versions)
        return []
    return [((int(a[0]), int(a[1])), (int(b[0]), int(b[1]))) for a, b in found]


def fill_merged(rows: list[list[object]], ranges: list[Range], *, across: bool) -> list[Mark]:
    """Give every cell a merged range covers the value of the range's first cell.

    Down only (`across=False`, data rows: a department merged over three activities applies
    to each), or down and across (header rows: a group label over its fields). Returns a
    `merged` mark for each cell given a value and, in data rows, a `merged-across` mark for
    each cell a range covers in another column: it stays empty, as the spreadsheet shows it,
    and the mark says why. A covered cell that holds a value of its own (LibreOffice keeps
    them when asked, programs writing XLS and XLSX may) shows the range's value, not its
    own: an `unreadable-value` mark, unless it is the range's value in the range's column.
    """
    marks: list[Mark] = []
    for (r0, c0), (r1, c1) in ranges:
        if r0 >= len(rows) or c0 >= len(rows[r0]):
            continue
        value = rows[r0][c0]
        name = range_name((r0, c0), (r1, c1))
        for r in range(r0, min(r1, len(rows) - 1) + 1):
            for c in range(c0, min(c1, len(rows[r]) - 1) + 1):  # a span of 10**11: no hang
                if (r, c) == (r0, c0):
                    continue
                own = rows[r][c]
                if own not in (None, ""):
                    hidden = c != c0 or not _same(own, value)
                    marks.append((r + 1, c, UNREADABLE_VALUE if hidden else MERGED, name))
                    continue
                if c == c0 or across:
                    if value not in (None, ""):
                        rows[r][c] = value
                        marks.append((r + 1, c, MERGED, name))
                else:
                    marks.append((r + 1, c, MERGED_ACROSS, name))
    return marks


def _same(one: object, other: object) -> bool:
    """Whether two cells hold the same value (texts compared trimmed; TRUE is not 1)."""
    if isinstance(one, str) and isinstance(other, str):
        return one.strip() == other.strip()
    if isinstance(one, bool) or isinstance(other, bool):
        return one is other
    return one == other


# --- reference files -------------------------------------------------------------------------


def read_sheets(path: Path | str, *, strict_utf8: bool = False) -> list[RawSheet]:
    """All sheets of a workbook, or the single sheet of a text file."""
    path = Path(path)
    try:
        head = path.open("rb").read(8)
    except OSError as error:
        raise unreadable("cannot-open", path.name, reason=error.strerror) from None
    if head.startswith((ZIP_MAGIC, OLE_MAGIC)) or path.suffix.lower() in WORKBOOK_SUFFIXES:
        book = Workbook(path, DEFAULT_LIMITS)
        try:
            sheets = []
            for name, hidden in book.sheets:
                rows = [list(r) for r in book.rows(name)]
                found = RawSheet(name, rows, hidden, book.marks(name), book.merged(name))
                found.hidden_rows = book.hidden(name).rows
                sheets.append(found)
            return sheets
        finally:
            book.close()
    cells: list[list[object]] = [list(r) for r in read_text_rows(path, strict_utf8=strict_utf8)]
    return [RawSheet(path.stem, cells)]


def cell_text(value: object) -> str:
    """A cell as trimmed text; floats that are whole numbers lose their '.0'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _record_value(value: object) -> object:
    """A cell of a `Table` record: its text (`cell_text`), or a number cell that is not
    whole as its float: as text, 862.377 would read as a thousands separator."""
    if isinstance(value, float) and math.isfinite(value) and not value.is_integer():
        return value
    return cell_text(value)


def read_table(path: Path | str, *, sheet: str | None = None, strict_utf8: bool = True) -> Table:
    """The first visible sheet (or `sheet`) of a file as records keyed by its header row:
    each cell's text, or the float of a number cell that is not whole (`_record_value`).

    The header is the first non-empty row; blank rows after it are skipped; row numbers are
    those a spreadsheet shows (1-based, header included). Merged cells are filled down.
    Raises ReadError naming the first cell that holds an Excel error, a formula without
    a value, or a value of its own under a merged range: a reference file is loaded whole
    or not at all.
    """
    path = Path(path)
    chosen = _choose_sheet(read_sheets(path, strict_utf8=strict_utf8), sheet, path.name)
    _refuse_unreadable_cells(chosen, path.name)
    filled = fill_merged(chosen.rows, chosen.merged, across=False)
    for down, across, kind, detail in filled:
        if kind == UNREADABLE_VALUE:  # what the file holds there is not what it shows
            cell = f"{column_letters(across)}{down}"
            raise unreadable("cell-covered", path.name, cell=cell, range=detail)
    numbered = [(i + 1, [_record_value(c) for c in row]) for i, row in enumerate(chosen.rows)]
    numbered = [(n, row) for n, row in numbered if any(c != "" for c in row)]
    if not numbered:
        raise unreadable("empty", path.name)
    header = [cell_text(c) for c in numbered[0][1]]
    while header and not header[-1]:
        header.pop()
    table = Table(source=path.name, sheet=chosen.name, header=header)
    table.unlabelled = sorted(
        {
            col
            for _, row in numbered[1:]
            for col, value in enumerate(row)
            if value != "" and (col >= len(header) or not header[col])
        }
    )
    for number, row in numbered[1:]:
        padded = row + [""] * (len(header) - len(row))
        table.records.append(dict(zip(header, padded, strict=False)))
        table.row_numbers.append(number)
    table.dollars = {
        (row, header[col])
        for row, col, kind, _ in chosen.marks
        if kind == DOLLAR_FORMAT and col < len(header) and header[col]
    }
    table.hidden_rows = _hidden(table.row_numbers, chosen.hidden_rows)
    table.merged = {
        (row, header[col]): detail
        for row, col, kind, detail in filled
        if kind == MERGED and col < len(header) and header[col] and detail is not None
    }
    table.covered = {
        (row, header[col]): detail
        for row, col, kind, detail in filled
        if kind == MERGED_ACROSS and col < len(header) and header[col] and detail is not None
    }
    return table


def _hidden(numbers: list[int], ranges: list[tuple[int, int]]) -> list[int]:
    """The row numbers within the hidden ranges (`Hidden.rows`, one per hidden row mostly): a
    filter hiding 40,000 rows of a 50,000-row list was a test of every row against every
    range."""
    if not ranges or not numbers:
        return []
    last = numbers[-1]
    hidden = {n for a, b in ranges if a <= last for n in range(a, min(b, last) + 1)}
    return [n for n in numbers if n in hidden]


def _refuse_unreadable_cells(sheet: RawSheet, name: str) -> None:
    for row, col, kind, _ in sorted(sheet.marks):
        if kind == FORMULA_NO_VALUE:
            raise unreadable("cell-formula", name, cell=f"{column_letters(col)}{row}")
        if kind == UNREADABLE_VALUE:
            raise unreadable("cell-unreadable", name, cell=f"{column_letters(col)}{row}")
    for number, cells in enumerate(sheet.rows, start=1):
        for col, value in enumerate(cells):
            if isinstance(value, str) and value.strip() in EXCEL_ERRORS:
                cell = f"{column_letters(col)}{number}"
                raise unreadable("cell-error", name, cell=cell, error=value.strip())


def _choose_sheet(sheets: list[RawSheet], wanted: str | None, name: str) -> RawSheet:
    if wanted is not None:
        for candidate in sheets:
            if candidate.name == wanted:
                return candidate
        raise unreadable("no-sheet-named", name, sheet=wanted)
    visible = [s for s in sheets if not s.hidden] or sheets
    if not visible:
        raise unreadable("no-sheet", name)
    return visible[0]
