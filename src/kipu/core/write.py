"""One rule for every cell Kipu writes into a file people open (CSV, XLSX, annotated copies):
every writer goes through `neutralise` or `neutralise_frame` (CSV), `XlsxText` or `as_text`
(XLSX).

- In CSV, text a spreadsheet would run as a formula (starting with = + - @, a tab or a
  carriage return) gets a leading apostrophe (OWASP's advice against CSV/formula injection);
  numbers are left alone, so negative numbers stay numbers. Kipu's readers take such an
  apostrophe off again (`kipu.core.read.textfile`), so an export read back is what was stored.
  A decimal number is written as its digits (`csv_number`): no exponent, no ".0" on a whole
  one, and a fourth decimal on a number of three below 1,000, which a reader could take for
  thousands (12.345 is written 12.3450).
- In XLSX, text is written as text (`XlsxText`, `as_text`): never a formula, and exactly the
  text, with Excel's quote prefix when it starts as a formula would (a cell edited later
  stays text). An apostrophe there would be part of the value.
- Characters XML cannot hold (control characters) are each written as the replacement
  character "\ufffd": openpyxl refuses them and Excel calls such a file corrupt, and a
  character removed without a mark changed the text with no word (a tester's "ctl\x01char"
  exported as "ctlchar"); read back, the mark is `replaced-character`.
- Text longer than an Excel cell holds (32,767 characters) is cut with a visible marker
  saying how long it was, never silently.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import polars as pl

EXCEL_CELL_CHARACTERS = 32_767
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_CUT = "… [cut: {length:,} characters]"


def neutralise(value: object) -> object:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe; so does text
    that already starts with apostrophes before such a character, so `unneutralise` gives
    back every text exactly ("'-" is written "''-"). A float is written by `csv_number`."""
    if isinstance(value, str) and value.lstrip("'").startswith(_FORMULA_STARTS):
        return "'" + value
    if isinstance(value, float):
        return csv_number(value)
    return value


def csv_number(value: float) -> str:
    """A float as a CSV cell that reads back as that number, in Kipu's reader and in a
    spreadsheet: its shortest digits (Python's `repr`) in positional notation ("1e-07" is
    no number to many readers: 0.0000001), "5246" for 5246.0, and a fourth decimal on a
    number of three decimals below 1,000: "12.345" may be twelve thousand three hundred
    forty-five with a `.` grouping thousands (Kipu's reader asks which, `ambiguous-number`:
    a tester's export of amounts could not be imported back), "12.3450" is not."""
    if not math.isfinite(value):
        return repr(value)
    if value == 0:
        return "0"
    text = format(Decimal(repr(value)), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    whole, _, decimals = text.partition(".")
    if len(decimals) == 3 and len(whole.lstrip("-")) <= 3:
        text += "0"
    return text


# `neutralise` as one regular expression, for frames.
FORMULA_START = r"^'*[=+\-@\t\r]"
# What `neutralise` writes: an apostrophe, then the text it was given.
NEUTRALISED = r"^'('*[=+\-@\t\r])"


def unneutralise(text: str) -> str:
    """A CSV cell as it was before `neutralise` (or another OWASP-style writer) wrote it."""
    return text[1:] if text[:1] == "'" and text.lstrip("'").startswith(_FORMULA_STARTS) else text


def unneutralise_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """`unneutralise` on every text column of a frame. Only columns holding a cell that starts
    with an apostrophe are searched with the pattern: a literal test of every column is a
    tenth of the cost (a 100,000-row, 27-column CSV: 0.18 s for the pattern on all)."""
    text = [name for name, dtype in frame.schema.items() if dtype == pl.Utf8]
    if not text:
        return frame
    marked = frame.select(pl.col(text).str.starts_with("'").any()).row(0, named=True)
    quoted = [name for name in text if marked[name]]
    return frame.with_columns(pl.col(n).str.replace(NEUTRALISED, "$1") for n in quoted)


def neutralise_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """`neutralise` on every text and float column of a frame (floats by `csv_number`)."""
    text = [name for name, dtype in frame.schema.items() if dtype == pl.Utf8]
    floats = [name for name, dtype in frame.schema.items() if dtype.is_float()]
    return frame.with_columns(
        *(
            pl.when(pl.col(n).str.contains(FORMULA_START))
            .then(pl.lit("'") + pl.col(n))
            .otherwise(pl.col(n))
            .alias(n)
            for n in text
        ),
        *(pl.col(n).map_elements(csv_number, return_dtype=pl.Utf8).alias(n) for n in floats),
    )


def formula_like(value: object) -> bool:
    """Whether a value is text a spreadsheet would run as a formula."""
    return isinstance(value, str) and value.startswith(_FORMULA_STARTS)


def excel_cell(value: object) -> object:
    """A value as an XLSX cell may hold it: legal characters, at most 32,767 characters
    (longer text is cut and says so). Written as text by `XlsxText` or `as_text`."""
    if not isinstance(value, str):
        return value
    value = _ILLEGAL.sub("\ufffd", value)
    if len(value) > EXCEL_CELL_CHARACTERS:
        marker = _CUT.format(length=len(value))
        value = value[: EXCEL_CELL_CHARACTERS - len(marker)] + marker
    return value


def is_cut(value: object) -> bool:
    """Whether `excel_cell` had to cut this text."""
    return isinstance(value, str) and len(value) > EXCEL_CELL_CHARACTERS


class XlsxText:
    """Writes cells into an xlsxwriter workbook as `excel_cell` holds them: text with
    `write_string` (never a formula, whatever the workbook's options), quote-prefixed when it
    starts as a formula would; numbers as numbers; an empty text as no cell."""

    def __init__(self, book: Any) -> None:
        self._book = book
        self._formats: dict[tuple[bool, bool], Any] = {}

    def write(self, page: Any, row: int, column: int, value: object, *, bold: bool = False) -> None:
        value = excel_cell(value)
        if value == "":  # a blank cell, as the empty value was given (not a text cell of "")
            return
        if isinstance(value, str):
            page.write_string(row, column, value, self._format(bold, formula_like(value)))
        else:
            page.write(row, column, value, self._format(bold, False))

    def _format(self, bold: bool, quoted: bool) -> Any:
        if not (bold or quoted):
            return None
        if (bold, quoted) not in self._formats:
            properties = {"bold": bold, "quote_prefix": quoted}
            self._formats[bold, quoted] = self._book.add_format(properties)
        return self._formats[bold, quoted]


def as_text(cells: Iterable[Any]) -> None:
    """openpyxl cells holding text that starts as a formula would: text (openpyxl takes "=…"
    for a formula), quote-prefixed."""
    for cell in cells:
        if formula_like(cell.value):
            cell.data_type = "s"
            cell.quotePrefix = True
