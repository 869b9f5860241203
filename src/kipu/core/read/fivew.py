"""The 5W table of a file: the sheet, its header, and a raw frame that keeps what each cell was
(`kipu.core.read.raw_frame`: text, and the numbers of number cells beside it).

Beside it, `marks` says what a cell was when its value alone would mislead
(`kipu.core.read.marks`): an Excel error, a formula with or without a computed value, a cell
given its value by a merged range, a number shown with a `$` alone. `hidden_rows` and
`hidden_columns` say which of its rows and 5W columns the sheet hides: they are read as
data like the others, and validation says so at each.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path

import polars as pl

from kipu.core.limits import DEFAULT_LIMITS, Limits
from kipu.core.read.columns import give_back, table_columns
from kipu.core.read.errors import NoFiveWSheet, ReadError, SeveralFiveWSheets, unreadable
from kipu.core.read.header import (
    HEAD_ROWS,
    Header,
    activityinfo_header,
    find_header,
    mapping_lookup,
)
from kipu.core.read.hidden import Hidden
from kipu.core.read.marks import (
    ERROR,
    EXCEL_ERRORS,
    FORMULA_NO_VALUE,
    MARK_SCHEMA,
    UNREAD_VALUES,
    UNREADABLE_VALUE,
    Mark,
    empty_marks,
    marks_frame,
)
from kipu.core.read.package import check_upload, column_letters
from kipu.core.read.raw_frame import (
    NUM_SUFFIX,
    Pair,
    build_frame,
    clean_text,
    column_series,
    frame_from_series,
    text_of,
    with_special,
)
from kipu.core.read.sheets import Workbook, fill_merged
from kipu.core.read.textfile import read_text_frame
from kipu.core.schema import COLUMNS, COUNT_COLUMNS

# XLSX sheets are read column by column when that reading is proven to give what the cell by
# cell reading gives (kipu.core.read.columns); tests switch it off to compare both.
COLUMNAR = True
# Rows with nothing but these filled are template placeholders (pre-filled org and month).
PREFILLED = ("appealing_org", "month", "country")
TABLE_MARKS = {"row": pl.Int64, "column": pl.Utf8, "kind": pl.Utf8, "detail": pl.Utf8}


@dataclass
class FiveWTable:
    sheet: str
    hidden: bool
    header: Header
    frame: pl.DataFrame  # "row" + one Utf8 column per canonical column (+ "__num" columns)
    extra: pl.DataFrame  # "row" + the unknown columns, as text
    marks: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=TABLE_MARKS))
    source: str = "cells"  # "columns" when read column by column (kipu.core.read.columns)
    # The rows of `frame` the sheet hides (a row hidden and empty is no row of it), and the
    # 5W columns (their index) it hides that hold a value in one.
    hidden_rows: pl.Series = field(default_factory=lambda: pl.Series("row", [], dtype=pl.Int64))
    hidden_columns: list[int] = field(default_factory=list)


class _Pending:
    """A 5W table being read in a thread (`prefetch`), for `read_5w` to take."""

    def __init__(self, path: Path) -> None:
        self.path, self.key = path, _key(path)
        self.table: FiveWTable | None = None
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="kipu prefetch", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            self.table = _read_5w(self.path, DEFAULT_LIMITS, None)
        except BaseException as error:  # noqa: BLE001 - handed to the caller of read_5w
            self.error = error

    def result(self) -> FiveWTable:
        self.thread.join()
        if self.error is not None:
            raise self.error
        assert self.table is not None
        return self.table


_PENDING: dict[Path, _Pending] = {}


def _key(path: Path) -> tuple[int, int] | None:
    try:
        found = path.stat()
    except OSError:
        return None
    return found.st_mtime_ns, found.st_size


def prefetch(path: Path | str) -> None:
    """Start reading the 5W table of `path` in a thread, now, so a command can set itself up
    (Django, reference data) while the file is read; `read_5w` of the same unchanged file,
    with the default limits and no column mapping, takes the result (or its error)."""
    path = Path(path).resolve()
    _PENDING[path] = _Pending(path)


def read_5w(
    path: Path | str,
    *,
    limits: Limits = DEFAULT_LIMITS,
    column_mapping: dict[str, str] | None = None,
) -> FiveWTable:
    """The 5W table of a file. Raises ReadError (unreadable, too large, or
    SeveralFiveWSheets: another sheet has a 5W header and rows) or NoFiveWSheet."""
    pending = _PENDING.pop(Path(path).resolve(), None)
    if pending is not None:
        if limits is DEFAULT_LIMITS and not column_mapping and pending.key == _key(pending.path):
            return pending.result()
        pending.thread.join()  # another reading was asked for: this one is dropped
    return _read_5w(Path(path), limits, column_mapping)


def _read_5w(path: Path, limits: Limits, column_mapping: dict[str, str] | None) -> FiveWTable:
    kind = check_upload(path, limits)
    saved = mapping_lookup(column_mapping)
    if kind == "text":
        sheet = read_text_frame(path, limits)
        head = [list(row) for row in sheet.cells.head(HEAD_ROWS).iter_rows()]
        header = find_header(head, saved)
        if header is None:
            raise NoFiveWSheet(path.name, None, activityinfo_header(head))
        return table_from_text(sheet.name, header, sheet.cells)
    book = Workbook(path, limits, columns=COLUMNAR)
    heads: list[list[list[object]]] = []  # first rows of the sheets without a 5W header
    try:
        ordered = [s for _, s in sorted(enumerate(book.sheets), key=lambda s: (s[1][1], s[0]))]
        for position, (name, hidden) in enumerate(ordered):  # visible first
            found = _sheet_table(book, name, hidden, saved)
            if isinstance(found, list):
                heads.append(found)
                continue
            _refuse_unread_labels(path, found, book.marks(name))
            return _the_table_with_rows(path, book, found, ordered[position + 1 :], saved)
    finally:
        book.close()
    sheets = [name for name, _ in book.sheets]
    raise NoFiveWSheet(path.name, sheets, next(filter(None, map(activityinfo_header, heads)), None))


def _sheet_table(
    book: Workbook, name: str, hidden: bool, saved: dict[str, str]
) -> FiveWTable | list[list[object]]:
    """The sheet's 5W table, column by column when that reading applies, else cell by cell;
    its first rows when it has no 5W header."""
    found = _columnar_table(book, name, hidden, saved)
    if isinstance(found, FiveWTable):
        return _serials_of_1900(_with_hidden(found, book.hidden(name)), book, name)
    if found is not None:
        return found
    rows = book.rows(name)
    merged = book.merged(name)
    head = [list(r) for r in rows[:HEAD_ROWS]]
    fill_merged(head, [m for m in merged if m[0][0] < HEAD_ROWS], across=True)
    header = find_header(head, saved)
    if header is None:
        return head
    rows[: header.data_start] = head[: header.data_start]
    body_ranges = [m for m in merged if m[0][0] >= header.data_start]
    marks = book.marks(name) + fill_merged(rows, body_ranges, across=False)
    table = _with_hidden(build_table(name, hidden, header, rows, marks), book.hidden(name))
    return _serials_of_1900(table, book, name)


def _serials_of_1900(table: FiveWTable, book: Workbook, name: str) -> FiveWTable:
    """`table` with the month column's plain numbers, in a workbook counting dates from
    another day (1904, an ODS null date: `Workbook.serial_offset`), as 1900's serials, which
    months are read by (`months.month_from_serial`): 44500 is 2025-11-01 in a 1904 workbook,
    and was read 2021-10 (a tester). calamine reads date cells right."""
    number = f"month{NUM_SUFFIX}"
    offset = book.serial_offset(name) if number in table.frame.columns else 0
    if not offset:
        return table
    value = pl.col(number)
    serial = value.is_between(20_000 - offset, 80_000 - offset, closed="left")
    shifted = value + offset
    text = pl.when(shifted == shifted.floor()).then(shifted.cast(pl.Int64).cast(pl.Utf8))
    table.frame = table.frame.with_columns(
        pl.when(serial)
        .then(text.otherwise(shifted.cast(pl.Utf8)))
        .otherwise(pl.col("month"))
        .alias("month"),
        pl.when(serial).then(shifted).otherwise(value).alias(number),
    )
    return table


def _with_hidden(table: FiveWTable, hidden: Hidden) -> FiveWTable:
    """`table` with the rows and 5W columns holding data that the sheet hides (`Hidden`)."""
    rows = table.frame["row"]
    if hidden.rows and rows.len():
        low, high = int(rows.min()), int(rows.max())  # type: ignore[arg-type]
        ranges = [(max(a, low), min(b, high)) for a, b in hidden.rows if a <= high and b >= low]
        if ranges:
            spans = pl.DataFrame(ranges, schema=["a", "b"], orient="row")
            found = spans.select(pl.int_ranges("a", pl.col("b") + 1).explode()).to_series()
            table.hidden_rows = rows.filter(rows.is_in(found.implode()))
    if hidden.columns and rows.len():
        frame = table.frame
        for name, index in table.header.columns.items():
            if not any(a <= index <= b for a, b in hidden.columns):
                continue
            held = [c for c in (name, f"{name}{NUM_SUFFIX}") if c in frame.columns]
            if any(frame[c].null_count() < frame.height for c in held):
                table.hidden_columns.append(index)
        table.hidden_columns.sort()
    return table


def _the_table_with_rows(
    path: Path,
    book: Workbook,
    table: FiveWTable,
    rest: Sequence[tuple[str, bool]],
    saved: dict[str, str],
) -> FiveWTable:
    """`table`, or the one other sheet with a 5W header and rows when `table` has none (an
    empty template's sheet before the partner's own). Raise SeveralFiveWSheets when a sheet
    after `table`'s (`rest`, hidden or not) also has a 5W header, by the detection that chose
    that one, and rows: read alone, the table would leave them out. Their first rows are
    looked at (`Workbook.head`); a sheet with a 5W header is read as its table would be, to
    count its rows. Lists, instructions, a copy
    of the header without rows leave the file as it is; so does a table without a column of
    counts (quantity, people): a template's lists (Country, Admin1, Sector, Indicator) name
    three 5W columns, and rows of activities always count something."""
    others: list[tuple[str, bool, int]] = []
    tables: list[FiveWTable] = []
    for name, hidden in rest:
        head = book.head(name, HEAD_ROWS)
        fill_merged(head, [m for m in book.merged(name) if m[0][0] < HEAD_ROWS], across=True)
        header = find_header(head, saved)
        if header is None or not any(c in header.columns for c in COUNT_COLUMNS):
            continue
        other = _sheet_table(book, name, hidden, saved)
        if isinstance(other, FiveWTable) and other.frame.height:
            others.append((name, hidden, other.frame.height))
            tables.append(other)
    if not others:
        return table
    if not table.frame.height and len(tables) == 1:
        _refuse_unread_labels(path, tables[0], book.marks(tables[0].sheet))
        return tables[0]
    raise SeveralFiveWSheets(path.name, table.sheet, table.frame.height, others)


def _refuse_unread_labels(path: Path, table: FiveWTable, marks: list[Mark]) -> None:
    """Raise ReadError when a cell of the header rows could not be read and its column's
    values would be set aside as an unknown column's, with a warning only: a value calamine
    misreads (`UNREADABLE_VALUE`, which no spreadsheet program writes), or a formula never
    computed (a label `="Country"` written by a script) over a column of data whose label
    read blank. A formula's label read as a 5W column's, or over an empty column, is kept."""
    header = table.header
    first = min(header.row, header.group_row or header.row)
    for row, col, kind, _ in sorted(marks):
        if not first <= row <= header.data_start:
            continue
        unlabelled = f"({column_letters(col)})" in table.extra.columns  # blank, with data
        if kind == UNREADABLE_VALUE or (kind == FORMULA_NO_VALUE and unlabelled):
            cell = f"{column_letters(col)}{row}"
            raise unreadable("label-unreadable", path.name, sheet=table.sheet, cell=cell)


def _columnar_table(
    book: Workbook, name: str, hidden: bool, saved: dict[str, str]
) -> FiveWTable | list[list[object]] | None:
    """The sheet's table read column by column; its first rows when the sheet has no 5W
    header; None when the columnar reading does not apply (the sheet is then read cell by
    cell)."""
    sheet = book.columns(name)
    head = sheet.head_rows() if sheet is not None else None
    if sheet is None or head is None:
        return None
    header = find_header(head, saved)
    if header is None:
        return head
    columns = table_columns(sheet, header.data_start)
    if columns is None:
        return None
    shape = (columns.width, columns.height)
    table = _assemble(
        name, hidden, header, shape, columns.pair, columns.text, marks_frame(sheet.marks)
    )
    table.source = "columns"
    del sheet, columns  # fastexcel's texts: the table holds its own
    give_back()
    return table


def build_table(
    sheet: str, hidden: bool, header: Header, rows: list[list[object]], marks: list[Mark]
) -> FiveWTable:
    body = rows[header.data_start :]
    width = max(len(r) for r in rows) if rows else 0
    if any(len(r) < width for r in body):  # ragged rows; calamine rows are rectangular
        body = [r if len(r) >= width else [*r, *([""] * (width - len(r)))] for r in body]
    transposed = _Columns(body)
    return _assemble(
        sheet,
        hidden,
        header,
        (width, len(body)),
        lambda i: column_series(transposed[i]),
        lambda i: pl.Series([text_of(v) for v in transposed[i]], dtype=pl.Utf8),
        marks_frame(marks),
    )


def table_from_text(sheet: str, header: Header, cells: pl.DataFrame) -> FiveWTable:
    """`build_table` for a frame whose column i holds cell i of every row as text (a CSV)."""
    body = cells.slice(header.data_start)
    return _assemble(
        sheet,
        False,
        header,
        (cells.width, body.height),
        lambda i: (body.to_series(i), None),
        body.to_series,
        empty_marks(),
    )


def _assemble(
    sheet: str,
    hidden: bool,
    header: Header,
    shape: tuple[int, int],
    cells: Callable[[int], Pair],
    text: Callable[[int], pl.Series],
    sheet_marks: pl.DataFrame,
) -> FiveWTable:
    width, height = shape
    numbers = range(header.data_start + 1, header.data_start + 1 + height)
    frame = frame_from_series({n: cells(i) for n, i in header.columns.items()}, numbers)
    marks = _table_marks(header, sheet_marks, frame)
    frame = _without_unread_values(frame, marks)
    extras = _extra_labels(header, width)
    extra = pl.DataFrame(
        [pl.Series("row", numbers, dtype=pl.Int64)] + [text(i).alias(label) for i, label in extras]
    )
    special = with_special(extra, [label for _, label in extras])
    extra = extra.with_columns(
        clean_text(pl.col(label), label in special).alias(label) for _, label in extras
    )
    keep = _activity_rows(frame, marks)
    frame, extra = frame.filter(keep), extra.filter(keep)
    marks = marks.filter(pl.col("row").is_in(frame["row"].implode()))
    # A column without a header is reported only when it holds data: trailing empty columns
    # are common in Excel files and mean nothing.
    kept = ["row"]
    for index, label in extras:
        if index in header.unknown or extra[label].null_count() < extra.height:
            header.unknown.setdefault(index, label)
            kept.append(label)
    return FiveWTable(sheet, hidden, header, frame, extra.select(kept), marks)


def _table_marks(header: Header, sheet_marks: pl.DataFrame, frame: pl.DataFrame) -> pl.DataFrame:
    """The marks of the 5W columns' data cells: the sheet's, and Excel errors found as text
    (CSV and ODS files, and cells that were typed as the error's text). An error cell's
    mark is kept whatever its text: its text is the cell's value, and one that is no error
    Excel writes (a scan that read the cell otherwise than calamine) is still an error."""
    by_index = {i: n for n, i in header.columns.items()}
    first = header.data_start + 1
    found = sheet_marks.filter(pl.col("row") >= first, pl.col("col").is_in(list(by_index))).select(
        "row",
        pl.col("col").replace_strict(by_index, return_dtype=pl.Utf8).alias("column"),
        "kind",
        "detail",
    )
    names = list(header.columns)
    holding = frame.select(pl.col(names).is_in(list(EXCEL_ERRORS)).any()).row(0) if names else ()
    errors = [  # one pass finds the columns holding an error's text; few do
        frame.filter(pl.col(name).is_in(list(EXCEL_ERRORS))).select(
            "row",
            pl.lit(name).alias("column"),
            pl.lit(ERROR).alias("kind"),
            pl.col(name).alias("detail"),
        )
        for name, held in zip(names, holding, strict=True)
        if held
    ]
    return pl.concat([found, *errors]).unique(["row", "column", "kind"], maintain_order=True)


def _without_unread_values(frame: pl.DataFrame, marks: pl.DataFrame) -> pl.DataFrame:
    """Cells whose value is unknown hold none: a formula that was never computed (xlsxwriter
    writes 0), a value calamine reads cut short (`marks.UNREADABLE_VALUE`)."""
    unread = marks.filter(pl.col("kind").is_in(UNREAD_VALUES))
    if unread.is_empty():
        return frame
    exprs = []
    for (column,), group in unread.group_by("column"):
        rows = group["row"].implode()
        blank = pl.col("row").is_in(rows)
        exprs.append(pl.when(blank).then(None).otherwise(pl.col(column)).alias(str(column)))
        numeric = f"{column}{NUM_SUFFIX}"
        if numeric in frame.columns:
            exprs.append(pl.when(blank).then(None).otherwise(pl.col(numeric)).alias(numeric))
    return frame.with_columns(exprs)


class _Columns:
    """Column i of the rows, extracted on demand (only mapped and unknown columns are)."""

    def __init__(self, rows: list[list[object]]) -> None:
        self.rows = rows

    def __getitem__(self, index: int) -> list[object]:
        return list(map(itemgetter(index), self.rows))


def _extra_labels(header: Header, width: int) -> list[tuple[int, str]]:
    """Unique labels of the columns that are not 5W columns, blank headers named by letter."""
    seen: set[str] = set()
    found = []
    for index in range(width):
        if index in header.labels:
            continue
        label = header.unknown.get(index) or f"({column_letters(index)})"
        if label in seen:
            label = f"{label} ({column_letters(index)})"
        seen.add(label)
        found.append((index, label))
    return found


def _activity_rows(frame: pl.DataFrame, marks: pl.DataFrame) -> pl.Series:
    """Rows that hold an activity: not blank, not a placeholder with only org/month filled.

    A cell with a formula that was never computed, or a value that could not be read, counts
    as filled: its value is unknown, not absent, and the row must stay to say so.
    """
    content = [c.name for c in COLUMNS if c.name not in PREFILLED]
    unread = marks.filter(pl.col("kind").is_in(UNREAD_VALUES), pl.col("column").is_in(content))
    filled = pl.any_horizontal(pl.col(content).is_not_null())
    return frame.select(filled | pl.col("row").is_in(unread["row"].implode())).to_series()


__all__ = [
    "MARK_SCHEMA",
    "NUM_SUFFIX",
    "FiveWTable",
    "Header",
    "NoFiveWSheet",
    "ReadError",
    "build_frame",
    "column_series",
    "find_header",
    "prefetch",
    "read_5w",
]
