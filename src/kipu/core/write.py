"""One rule for every cell Kipu writes into a file people open (CSV, XLSX, annotated copies):
every writer goes through `neutralise`, `neutralise_frame` or `excel_cell`.

- Text a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage
  return) gets a leading apostrophe (OWASP's advice against CSV/formula injection); numbers
  are left alone, so negative numbers stay numbers.
- Characters XML cannot hold (control characters) are removed: openpyxl refuses them and
  Excel calls such a file corrupt.
- Text longer than an Excel cell holds (32,767 characters) is cut with a visible marker
  saying how long it was, never silently.
"""

from __future__ import annotations

import re

import polars as pl

EXCEL_CELL_CHARACTERS = 32_767
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_CUT = "… [cut: {length:,} characters]"


def neutralise(value: object) -> object:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


# `neutralise` as one regular expression, for frames.
FORMULA_START = r"^[=+\-@\t\r]"


def neutralise_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """`neutralise` on every text column of a frame (numbers stay numbers)."""
    text = [name for name, dtype in frame.schema.items() if dtype == pl.Utf8]
    return frame.with_columns(
        pl.when(pl.col(n).str.contains(FORMULA_START))
        .then(pl.lit("'") + pl.col(n))
        .otherwise(pl.col(n))
        .alias(n)
        for n in text
    )


def excel_cell(value: object) -> object:
    """A value as an XLSX cell may hold it: neutralised, legal characters, at most 32,767
    characters (longer text is cut and says so)."""
    value = neutralise(value)
    if not isinstance(value, str):
        return value
    value = _ILLEGAL.sub("", value)
    if len(value) > EXCEL_CELL_CHARACTERS:
        marker = _CUT.format(length=len(value))
        value = value[: EXCEL_CELL_CHARACTERS - len(marker)] + marker
    return value


def is_cut(value: object) -> bool:
    """Whether `excel_cell` had to cut this text."""
    return isinstance(value, str) and len(_ILLEGAL.sub("", value)) > EXCEL_CELL_CHARACTERS
