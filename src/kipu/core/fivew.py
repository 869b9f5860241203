"""Find the 5W table in a file: the sheet, the header row, and which column is which.

A 5W header is recognised by its labels (every template variant of shared 5W standard, compared
accent-, case- and punctuation-insensitively), by an HXL hashtag row (under the labels or
instead of them), or by a saved column mapping for anything else. The result is a raw frame:
one text column per canonical column found, plus, for cells that were numbers in the
workbook, a parallel `<name>__num` Float64 column, so "1.234" typed as text and 1.234 stored
as a number are not confused.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from operator import itemgetter
from pathlib import Path

import polars as pl

from kipu.core.csvframe import read_csv_frame
from kipu.core.limits import DEFAULT_LIMITS, Limits
from kipu.core.readers import ReadError, Workbook
from kipu.core.schema import COLUMNS, REQUIRED_COLUMNS, match_hxl, match_label
from kipu.core.text import compact
from kipu.core.workbook_package import FormulaScan, check_upload, column_letters

HEAD_ROWS = 50  # the header must be within the first rows of a sheet
NUM_SUFFIX = "__num"
IGNORE = ""  # a saved mapping to "" means: this column is known and deliberately not imported
# Rows with nothing but these filled are template placeholders (pre-filled org and month).
PREFILLED = ("appealing_org", "month", "country")
_SAMPLE = 200  # cells looked at before guessing that a column holds text only


@dataclass
class Header:
    row: int  # the labels' row as the user sees it (1-based)
    data_start: int  # 0-based index of the first data row
    columns: dict[str, int] = field(default_factory=dict)  # canonical → 0-based index
    labels: dict[int, str] = field(default_factory=dict)  # index → label as written in the file
    unknown: dict[int, str] = field(default_factory=dict)  # index → label of unmapped columns
    duplicates: list[tuple[str, int]] = field(default_factory=list)  # canonical, second index

    @property
    def missing(self) -> list[str]:
        return [name for name in REQUIRED_COLUMNS if name not in self.columns]

    def label(self, name: str) -> str:
        index = self.columns.get(name)
        return self.labels.get(index, name) if index is not None else name


@dataclass
class FiveWTable:
    sheet: str
    hidden: bool
    header: Header
    frame: pl.DataFrame  # "row" + one Utf8 column per canonical column (+ "__num" columns)
    extra: pl.DataFrame  # "row" + the unknown columns, as text
    formulas: list[tuple[int, int]] = field(default_factory=list)  # (row, 0-based column)


class NoFiveWSheet(Exception):
    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _mapping_lookup(column_mapping: dict[str, str] | None) -> dict[str, str]:
    return {compact(k): (v or IGNORE) for k, v in (column_mapping or {}).items()}


def match_row(cells: Sequence[object], saved: dict[str, str]) -> tuple[dict[int, str], int]:
    """Index → canonical for the cells of one row, and how many of them were HXL tags."""
    found: dict[int, str] = {}
    hashtags = 0
    for index, cell in enumerate(cells):
        text = _cell(cell)
        if not text:
            continue
        key = compact(text)
        if key in saved:
            found[index] = saved[key]
        elif text.startswith("#"):
            hashtags += 1
            if name := match_hxl(text):
                found[index] = name
        elif name := match_label(text):
            found[index] = name
    return found, hashtags


def _score(found: dict[int, str]) -> int:
    return len({n for n in found.values() if n in REQUIRED_COLUMNS})


def find_header(rows: list[list[object]], saved: dict[str, str]) -> Header | None:
    """The header within the first rows, labels and HXL row merged; None when absent."""
    best: tuple[int, int] | None = None
    matches = [match_row(r, saved) for r in rows[:HEAD_ROWS]]
    for index, (found, _) in enumerate(matches):
        score = _score(found)
        if score >= 3 and (best is None or score > best[0]):
            best = (score, index)
    if best is None:
        return None
    index = best[1]
    found, hashtags = matches[index]
    label_index, data_start = index, index + 1
    merged = dict(found)
    if hashtags and index > 0 and any(_cell(c) for c in rows[index - 1]):
        label_index = index - 1  # HXL row under the labels: the labels are what users see
        merged = {**found, **matches[index - 1][0]}
    elif index + 1 < len(matches) and matches[index + 1][1]:
        data_start = index + 2  # labels with an HXL row under them
        merged = {**matches[index + 1][0], **found}
    return _build_header(rows, label_index, data_start, merged, hashtag_row=index)


def _build_header(
    rows: list[list[object]],
    label_index: int,
    data_start: int,
    merged: dict[int, str],
    hashtag_row: int,
) -> Header:
    header = Header(row=label_index + 1, data_start=data_start)
    label_cells = rows[label_index]
    tag_cells = rows[data_start - 1] if data_start - 1 != label_index else rows[hashtag_row]
    width = max(len(label_cells), len(tag_cells))
    for i in range(width):
        label = _cell(label_cells[i]) if i < len(label_cells) else ""
        tag = _cell(tag_cells[i]) if i < len(tag_cells) else ""
        shown = label or tag
        name = merged.get(i)
        if name is None:
            if shown:
                header.unknown[i] = shown
            continue
        header.labels[i] = shown
        if name == IGNORE:
            continue
        if name in header.columns:
            header.duplicates.append((name, i))
        else:
            header.columns[name] = i
    return header


def read_5w(
    path: Path | str,
    *,
    limits: Limits = DEFAULT_LIMITS,
    column_mapping: dict[str, str] | None = None,
) -> FiveWTable:
    """The 5W table of a file. Raises ReadError (unreadable, too large) or NoFiveWSheet."""
    path = Path(path)
    kind = check_upload(path, limits)
    saved = _mapping_lookup(column_mapping)
    if kind == "text":
        sheet = read_csv_frame(path, limits)
        head = [list(row) for row in sheet.cells.head(HEAD_ROWS).iter_rows()]
        header = find_header(head, saved)
        if header is None:
            raise NoFiveWSheet(f"no 5W header in {path.name}")
        return table_from_text(sheet.name, header, sheet.cells)
    book = Workbook(path, limits)
    scan = FormulaScan(path, limits) if kind == "zip" else None
    try:
        ordered = sorted(enumerate(book.sheets), key=lambda s: (s[1][1], s[0]))  # visible first
        for _, (name, hidden) in ordered:
            rows = book.rows(name)
            header = find_header(rows, saved)
            if header is not None:
                table = build_table(name, hidden, header, rows)
                if scan is not None:
                    table.formulas = sorted(scan.cells(name))
                return table
    finally:
        if scan is not None:
            scan.close()
    names = ", ".join(repr(name) for name, _ in book.sheets) or "no sheets"
    raise NoFiveWSheet(f"sheets: {names}")


_Pair = tuple[pl.Series | None, pl.Series | None]  # a column as text, and its number cells


def column_series(values: Sequence[object]) -> _Pair:
    """Cells as raw text and, where cells were numbers, those numbers (null elsewhere).

    Built with whole-column conversions only: a 100,000-row column costs milliseconds.
    """
    if set(map(type, values[:_SAMPLE])) <= {str}:
        try:  # most columns hold text only: polars checks the rest while it builds the Series
            return pl.Series(values, dtype=pl.Utf8), None
        except TypeError:
            pass
    counts = Counter(map(type, values))
    types = counts.keys()
    if not types & {float, int}:
        return pl.Series(values, dtype=pl.Utf8, strict=False), None
    if types <= {float, int, str} and (not counts[str] or counts[str] == values.count("")):
        return None, pl.Series(values, dtype=pl.Float64, strict=False)  # numbers and blanks
    kinds: type | tuple[type, ...] = (float, int) if int in types else float
    mask = list(map(isinstance, values, repeat(kinds)))
    if bool in types:  # bool is an int, but TRUE in a cell is a Yes, not a 1
        mask = [m and type(v) is not bool for m, v in zip(mask, values, strict=True)]
    number = pl.Series(values, dtype=pl.Float64, strict=False)
    number = number.zip_with(pl.Series(mask, dtype=pl.Boolean), pl.Series([None], dtype=pl.Float64))
    return pl.Series(values, dtype=pl.Utf8, strict=False), number


def _as_text(number: pl.Expr) -> pl.Expr:
    whole = number == number.floor()
    return (
        pl.when(whole)
        .then(number.cast(pl.Int64, strict=False).cast(pl.Utf8))
        .otherwise(number.cast(pl.Utf8))
    )


def build_frame(
    columns: Mapping[str, Sequence[object]], row_numbers: Sequence[int]
) -> pl.DataFrame:
    """The raw frame from canonical column → cell values; absent columns are all null.

    Text is trimmed and blank cells are null; number cells also appear as text ("12", not
    "12.0") so messages and code look-ups see what the user typed.
    """
    return frame_from_series({n: column_series(v) for n, v in columns.items()}, row_numbers)


def frame_from_series(columns: Mapping[str, _Pair], row_numbers: Sequence[int]) -> pl.DataFrame:
    """`build_frame` from columns already converted by `column_series` (or read as text)."""
    height = len(row_numbers)
    data: list[pl.Series] = [pl.Series("row", row_numbers, dtype=pl.Int64)]
    exprs: list[pl.Expr] = []
    for column in COLUMNS:
        name, numeric = column.name, column.name + NUM_SUFFIX
        text, number = columns.get(name, (None, None))
        if text is None:
            text = pl.Series([None] * height, dtype=pl.Utf8)
        data.append(text.alias(name))
        stripped = pl.col(name).str.strip_chars()
        blank_to_null = pl.when(stripped != "").then(stripped)
        if number is None:
            exprs.append(blank_to_null.alias(name))
            continue
        data.append(number.alias(numeric))
        exprs.append(pl.coalesce(_as_text(pl.col(numeric)), blank_to_null).alias(name))
    return pl.DataFrame(data).with_columns(exprs)


def build_table(sheet: str, hidden: bool, header: Header, rows: list[list[object]]) -> FiveWTable:
    body = rows[header.data_start :]
    width = max(len(r) for r in rows) if rows else 0
    if any(len(r) < width for r in body):  # ragged CSV lines; calamine rows are rectangular
        body = [r if len(r) >= width else [*r, *([""] * (width - len(r)))] for r in body]
    transposed = _Columns(body)
    return _assemble(
        sheet,
        hidden,
        header,
        (width, len(body)),
        lambda i: column_series(transposed[i]),
        lambda i: pl.Series(transposed[i], dtype=pl.Utf8, strict=False),
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
    )


def _assemble(
    sheet: str,
    hidden: bool,
    header: Header,
    shape: tuple[int, int],
    cells: Callable[[int], _Pair],
    text: Callable[[int], pl.Series],
) -> FiveWTable:
    width, height = shape
    numbers = range(header.data_start + 1, header.data_start + 1 + height)
    frame = frame_from_series({n: cells(i) for n, i in header.columns.items()}, numbers)
    extras = _extra_labels(header, width)
    extra = pl.DataFrame(
        [pl.Series("row", numbers, dtype=pl.Int64)] + [text(i).alias(label) for i, label in extras]
    ).with_columns(
        pl.when(pl.col(label).str.strip_chars() != "").then(pl.col(label).str.strip_chars())
        for _, label in extras
    )
    keep = _activity_rows(frame)
    frame, extra = frame.filter(keep), extra.filter(keep)
    # A column without a header is reported only when it holds data: trailing empty columns
    # are common in Excel files and mean nothing.
    kept = ["row"]
    for index, label in extras:
        if index in header.unknown or extra[label].null_count() < extra.height:
            header.unknown.setdefault(index, label)
            kept.append(label)
    return FiveWTable(sheet, hidden, header, frame, extra.select(kept))


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


def _activity_rows(frame: pl.DataFrame) -> pl.Series:
    """Rows that hold an activity: not blank, not a placeholder with only org/month filled."""
    content = [c.name for c in COLUMNS if c.name not in PREFILLED]
    return frame.select(pl.any_horizontal(pl.col(content).is_not_null())).to_series()


__all__ = [
    "FiveWTable",
    "Header",
    "NoFiveWSheet",
    "ReadError",
    "build_frame",
    "column_series",
    "find_header",
    "read_5w",
]
