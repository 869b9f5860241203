"""XLSX sheets read column by column into Arrow (fastexcel), exactly as the cell-by-cell reading
(`kipu.core.read.sheets.Workbook.rows`) would read them, or not at all.

The cell-by-cell reading builds a Python object per cell (seconds for 100,000 rows); this
one has fastexcel read every cell as text, in Rust, and proves from the sheet's XML
(`kipu.core.read.census`) what each text was:

- a column whose values are all plain numbers ("43", "-7", "12.5") holds number cells only, a column
  whose values are all midnight dates ("2021-03-01 00:00:00") date cells only, and a column
  whose values are neither holds text cells only — provided, column by column, the number of
  text cells in the data rows, counted in the XML, is the number of values of a text column
  and none of a number or date column (a "43" typed as text, a date or a boolean in a text
  column, an empty text cell: that column's counts disagree);
- the header rows are given to `find_header` as the cell-by-cell reading gives them (text,
  numbers as floats, dates), from the kind of each head cell in the XML.

Anything else — a boolean, a merged range, a number of nine decimals or more (fastexcel
rounds to nine), a duration format, cells without references, a column mixing kinds, a sheet
not starting in column A — and `ColumnSheet.load` or `table_columns` answers None: the caller
reads the sheet cell by cell. tests/core/read/test_columns.py compares both readings over the
quirk corpus and generated files.
"""

from __future__ import annotations

import contextlib
import ctypes
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from kipu.core.limits import Limits
from kipu.core.read.census import Census
from kipu.core.read.errors import too_large
from kipu.core.read.header import HEAD_ROWS
from kipu.core.read.marks import ERROR, Mark
from kipu.core.read.package import column_number

# fastexcel writes a number cell as digits, with at most nine decimals; the census sends
# numbers of nine decimals or more elsewhere. A number of at most eight decimals below 2**22
# reads back as the very float the cell holds (a float's spacing there is below 1e-9): at or
# above a million, a number with decimals is left to the cell-by-cell reading.
_NUMBER = r"^-?\d+(?:\.\d{1,8})?$"
_LARGE_DECIMAL = r"^-?\d{7,}\."
_LEADING_ZERO = r"^-?0\d"  # never how fastexcel writes a number: a text cell
_MIDNIGHT = r"^(?:199\d|20\d\d|2100)-\d\d-\d\d 00:00:00$"
_DATETIME = r"^[+-]?\d{4,}-\d\d-\d\d \d\d:\d\d"  # +10113-09-19 for a serial of 3 million
_DURATION_FORMAT = re.compile(rb"\[(?:h+|m+|s+)\]", re.I)  # anywhere in the styles
_DURATION_BUILTIN = re.compile(rb'numFmtId\s*=\s*["\']0*(?:46|47)["\']')
# Built-in date formats of East Asian Excel: calamine reads their cells as dates, fastexcel
# as serial numbers (45352 for 2024-03-01).
_LOCALE_DATE_BUILTIN = re.compile(rb'numFmtId\s*=\s*["\']0*(?:2[7-9]|3[0-6]|5[0-8])["\']')
NUMBER, DATE, TEXT = "number", "date", "text"
Pair = tuple[pl.Series | None, pl.Series | None]


@dataclass
class ColumnSheet:
    """One sheet as fastexcel read it: every cell as text (None for empty and error cells),
    rows from the sheet's first row, columns from column A; with its census and marks."""

    name: str
    frame: pl.DataFrame
    census: Census
    marks: list[Mark]
    head: dict[tuple[int, int], tuple[str, bytes]]
    dates: bool  # no duration format: a date-like value of a number cell is a date

    @classmethod
    def load(
        cls, reader: object, path: Path, name: str, limits: Limits,
        census: Callable[[], Census | None], marks: Callable[[str], list[Mark]],
    ) -> ColumnSheet | None:  # fmt: skip
        """The sheet, or None when the columnar reading does not apply to it. Raises ReadError
        (too large) as the cell-by-cell reading would.

        `census` and `marks` wait for the scan of the sheet's XML: they are asked for after
        fastexcel has read the sheet and made its columns, because fastexcel leaves the GIL
        while it works and the scan's thread then runs beside it (asking first made the two
        run one after the other). A sheet the census refuses wastes the columns.
        """
        styles = _styles(path)
        if _LOCALE_DATE_BUILTIN.search(styles):
            return None
        try:
            sheet = reader.load_sheet(name, header_row=None, skip_rows=0, dtypes="string")  # type: ignore[attr-defined]
        except Exception:  # noqa: BLE001 - fastexcel refuses a sheet: read it cell by cell
            return None
        try:
            frame = sheet.to_polars()
        except Exception:  # noqa: BLE001 - as above
            return None
        del sheet  # calamine's cells: the largest allocation of a reading
        give_back()
        counted = census()
        if counted is None or counted.odd or not counted.head_complete:
            return None
        if _foreign_encoding(counted.head) or _foreign_encoding(_strings_start(path)):
            return None
        head = counted.head_cells()
        if frame.width and not any(c == 0 and k != "?" for (_, c), (k, _) in head.items()):
            return None  # fastexcel starts at the first used column; cells start at A
        if frame.height > limits.max_rows or frame.width > limits.max_columns:
            raise too_large(
                "sheet-size", path.name, sheet=name, rows=frame.height, columns=frame.width
            )
        frame.columns = [str(i) for i in range(frame.width)]
        durations = _DURATION_FORMAT.search(styles) or _DURATION_BUILTIN.search(styles)
        return cls(name, frame, counted, marks(name), head, not durations)

    def errors(self) -> dict[tuple[int, int], str]:
        """(row 1-based, col) → the error's text, as the cell-by-cell reading puts it."""
        return {(r, c): str(d) for r, c, kind, d in self.marks if kind == ERROR}

    def head_rows(self) -> list[list[object]] | None:
        """The first rows as `Workbook.rows` gives them, or None when one cannot be proven."""
        errors = self.errors()
        rows: list[list[object]] = []
        for number, values in enumerate(self.frame.head(HEAD_ROWS).rows(), start=1):
            cells: list[object] = []
            for col, value in enumerate(values):
                kind, _ = self.head.get((number, col), ("?", b""))
                if value is None:
                    cells.append(errors.get((number, col), ""))
                elif kind == "s":
                    cells.append(value)
                elif kind == "n" and (read := self._number_cell(value)) is not None:
                    cells.append(read)
                else:
                    return None
            rows.append(cells)
        return rows

    def _number_cell(self, text: str) -> float | date | None:
        if re.search(_NUMBER, text) and not re.search(_LARGE_DECIMAL, text):
            return float(text)
        if self.dates and re.fullmatch(_MIDNIGHT, text):
            return date.fromisoformat(text[:10])
        return None

    def strings_before(self, start: int) -> dict[int, int]:
        """Column → text cells in the rows above data row `start` (0-based), counted as the
        census counts them."""
        found: dict[int, int] = {}
        for (row, col), (kind, _) in self.head.items():
            if row <= start and kind == "s":
                found[col] = found.get(col, 0) + 1
        return found

    def texts_agree(self, start: int, kinds: dict[int, tuple[int, str]]) -> bool:
        """Whether each column's text cells from data row `start` on, counted in the XML, are
        its values when it reads as text, and none when it reads as numbers or dates."""
        counted = {column_number(letters) - 1: n for letters, n in self.census.columns.items()}
        above = self.strings_before(start)
        for col in set(counted) | set(kinds):
            values, kind = kinds.get(col, (0, TEXT))
            if counted.get(col, 0) - above.get(col, 0) != (values if kind == TEXT else 0):
                return False
        return True


def table_columns(sheet: ColumnSheet, start: int) -> Columns | None:
    """The data rows from `start` (0-based) as typed columns, or None when the census does not
    prove each column's kind (see the module doc)."""
    if start > HEAD_ROWS:
        return None
    body = sheet.frame.slice(start)
    kinds = _kinds(body, sheet.dates)
    if kinds is None:
        return None
    if not sheet.texts_agree(start, kinds):
        return None
    errors: dict[int, dict[int, str]] = {}
    for (row, col), detail in sheet.errors().items():
        if row > start:
            errors.setdefault(col, {})[row - start - 1] = detail
    return Columns(body, {i: kind for i, (_, kind) in kinds.items()}, errors)


def _kinds(body: pl.DataFrame, dates: bool) -> dict[int, tuple[int, str]] | None:
    """Column index → (values, kind), or None when a column mixes kinds. Two passes: how
    many values look like numbers, then only what each column's answer leaves to check."""
    names = body.columns
    if not names:
        return {}
    first = body.select(
        *(pl.col(n).count().alias(f"{n}:n") for n in names),
        *(pl.col(n).str.contains(_NUMBER).sum().alias(f"{n}:number") for n in names),
    ).row(0, named=True)
    counts = {n: (int(first[f"{n}:n"]), int(first[f"{n}:number"] or 0)) for n in names}
    if any(0 < numbers < n for n, numbers in counts.values()):
        return None  # numbers among other values: mixed
    numeric = [n for n, (count, numbers) in counts.items() if count and numbers == count]
    other = [n for n in names if n not in numeric]
    odd = pl.col(numeric).str.contains(_LEADING_ZERO) | pl.col(numeric).str.contains(_LARGE_DECIMAL)
    second = body.select(
        *([odd.sum().name.suffix(":odd")] if numeric else []),
        *([pl.col(other).str.contains(_DATETIME).sum().name.suffix(":datetime"),
           pl.col(other).str.contains(_MIDNIGHT).sum().name.suffix(":midnight")]
          if other else []),
    ).row(0, named=True)  # fmt: skip
    found: dict[int, tuple[int, str]] = {}
    for name, (count, _) in counts.items():
        if name in numeric:
            if second[f"{name}:odd"]:
                return None
            kind = NUMBER
        elif count and dates and second[f"{name}:midnight"] == count:
            kind = DATE
        elif not second[f"{name}:datetime"]:
            kind = TEXT
        else:
            return None
        found[int(name)] = (count, kind)
    return found


class Columns:
    """Typed columns of the data rows: what `kipu.core.read.fivew._assemble` asks for."""

    def __init__(
        self, body: pl.DataFrame, kinds: dict[int, str], errors: dict[int, dict[int, str]]
    ) -> None:
        self.body, self.kinds, self.errors = body, kinds, errors
        self.width, self.height = body.width, body.height

    def _with_errors(self, text: pl.Series, index: int) -> pl.Series:
        found = self.errors.get(index)
        if not found:
            return text
        values = text.to_list()
        for position, detail in found.items():
            values[position] = detail
        return pl.Series(values, dtype=pl.Utf8)

    def pair(self, index: int) -> Pair:
        """Column `index` as (text, numbers), as `raw_frame.column_series` makes it of cells."""
        values = self.body.to_series(index)
        kind = self.kinds[index]
        if kind == NUMBER:
            numbers = values.cast(pl.Float64)
            if index not in self.errors:
                return None, numbers
            blank = pl.Series([None] * self.height, dtype=pl.Utf8)
            return self._with_errors(blank, index), numbers
        if kind == DATE:
            values = values.str.slice(0, 10)
        return self._with_errors(values, index), None

    def text(self, index: int) -> pl.Series:
        """Column `index` as text, as `raw_frame.text_of` writes cells (numbers as floats)."""
        values = self.body.to_series(index)
        if self.kinds[index] == NUMBER:
            plain = values.str.contains(r"^-?\d{1,16}$") | values.is_null()
            if not plain.all():  # decimals, 1e16 and beyond: Python's own forms (1e-05, 1e+16)
                floats = [None if v is None else repr(float(v)) for v in values.to_list()]
                values = pl.Series(floats, dtype=pl.Utf8)
            else:
                values = values + ".0"
        elif self.kinds[index] == DATE:
            values = values.str.slice(0, 10)
        return self._with_errors(values, index)


def give_back() -> None:
    """Return freed memory to the system (glibc keeps the pages of calamine's millions of
    small cells otherwise, and the validation's allocations come on top of them)."""
    with contextlib.suppress(AttributeError, OSError):  # not glibc: nothing to do
        ctypes.CDLL(None).malloc_trim(0)


_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*\bencoding\s*=\s*["']([^"']*)["']""")


def _foreign_encoding(xml: bytes) -> bool:
    """Whether the XML declares an encoding other than UTF-8: fastexcel decodes by it and
    python-calamine reads UTF-8 (the two bundle different calamine versions)."""
    found = _ENCODING.match(xml.removeprefix(b"\xef\xbb\xbf")[:300])
    return found is not None and found.group(1).lower().replace(b"_", b"-") not in (
        b"utf-8",
        b"utf8",
    )


def _strings_start(path: Path) -> bytes:
    """The first bytes of the workbook's shared strings (b"" without them)."""
    try:
        with zipfile.ZipFile(path) as archive, archive.open("xl/sharedStrings.xml") as handle:
            return handle.read(300)
    except (KeyError, zipfile.BadZipFile, OSError):
        return b""


def _styles(path: Path) -> bytes:
    """The workbook's styles (b"" without them). A number cell of a duration format
    ([h]:mm) is a duration, never a date."""
    try:
        with zipfile.ZipFile(path) as archive:
            return archive.read("xl/styles.xml")
    except (KeyError, zipfile.BadZipFile, OSError):
        return b""
