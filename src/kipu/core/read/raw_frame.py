"""The raw frame of a 5W table, built from its cells: one text column per canonical column
and, for cells that were numbers in the workbook, a parallel `<name>__num` Float64 column, so
"1.234" typed as text and 1.234 stored as a number are not confused. Text is trimmed, and
invisible characters (zero-width spaces, a BOM inside a cell) are removed; non-breaking and
other Unicode spaces become plain spaces, a NUL and other control characters the replacement
character "\ufffd" (a vertical tab or a form feed a line break).
Zero-width joiners and non-joiners are kept between two characters outside ASCII, where they
are part of the text (`_JOINERS`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time
from itertools import repeat

import polars as pl

from kipu.core.schema import COLUMNS

NUM_SUFFIX = "__num"
_SAMPLE = 200  # cells looked at before guessing that a column holds text only
_INVISIBLE = ["\u200b", "\u2060", "\ufeff", "\u00ad", "\u200e", "\u200f"]
# The zero-width non-joiner and joiner spell Persian and Urdu words (می‌خواهم), Indic
# conjuncts and emoji sequences (👨‍👩‍👧): removed, a name changed with no word. Between two
# characters outside ASCII they are kept; beside ASCII, a space or an end (a code, a
# number, "Lima\u200d") they join nothing and are removed, as other invisible characters.
_JOINERS = ["\u200c", "\u200d"]
# A digit of any script joins nothing either: "۱\u200c۲" is 12.
_LOOSE_JOINER_BEFORE = r"(^|[\x00-\x7f\p{Nd}])[\x{200c}\x{200d}]+"
_LOOSE_JOINER_AFTER = r"[\x{200c}\x{200d}]+($|[\x00-\x7f\p{Nd}])"
_SPACES = ["\u00a0", "\u2007", "\u2009", "\u202f", "\u2002", "\u2003", "\u205f", "\u3000"]
# NUL: no one types it, and PostgreSQL cannot store it (an import of a cell holding one, an
# XLSX's `_x0000_` or a JSON row's "\u0000", ended in a traceback there). Dropped, "2_x0000_35"
# read 235: it becomes the replacement character, which shows, and is no digit.
_NUL, REPLACEMENT = "\x00", "\ufffd"
# The other control characters no one types either (XLSX cannot hold them: an export wrote
# "ctl\x01char" as "ctlchar", a tester's): shown, as a NUL. A vertical tab is the line break
# Word's Shift+Enter pastes into Excel, a form feed its page break: a line break.
# The C1 controls (U+0080-U+009F: Windows quotes read as Latin-1) and the noncharacters
# U+FFFE and U+FFFF (an XLSX export wrote them `_xFFFE_`, read back as those letters) too.
_CONTROLS = [
    chr(c) for c in (*range(0x01, 0x09), *range(0x0E, 0x20), *range(0x7F, 0xA0), 0xFFFE, 0xFFFF)
]
_BREAKS = ["\x0b", "\x0c"]
Pair = tuple[pl.Series | None, pl.Series | None]  # a column as text, and its number cells


# Whole numbers above this are not all floats: an integer of a JSON row beyond it (an id in a
# text column, 12345678901234567890) is kept as its digits, not rounded to a float.
_EXACT = 2**53


def column_series(values: Sequence[object]) -> Pair:
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
        return pl.Series([text_of(v) for v in values], dtype=pl.Utf8), None
    inexact = int in types and any(type(v) is int and abs(v) > _EXACT for v in values)
    if not inexact and types <= {float, int, str} and counts[str] == values.count(""):
        return None, pl.Series(values, dtype=pl.Float64, strict=False)  # numbers and blanks
    kinds: type | tuple[type, ...] = (float, int) if int in types else float
    mask = list(map(isinstance, values, repeat(kinds)))
    if bool in types or inexact:  # bool is an int, but TRUE in a cell is a Yes, not a 1
        mask = [
            m and type(v) is not bool and not (type(v) is int and abs(v) > _EXACT)
            for m, v in zip(mask, values, strict=True)
        ]
    number = pl.Series(values, dtype=pl.Float64, strict=False)
    number = number.zip_with(pl.Series(mask, dtype=pl.Boolean), pl.Series([None], dtype=pl.Float64))
    text = pl.Series([None if m else text_of(v) for m, v in zip(mask, values, strict=True)])
    return text.cast(pl.Utf8), number


def text_of(value: object) -> str | None:
    """A non-number cell as text: dates as ISO (2019-11-01), booleans as TRUE/FALSE."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


def _as_text(number: pl.Expr) -> pl.Expr:
    """A number cell of a text column as its digits (1000000000000000, not 1e15): exact for
    whole numbers up to 2**53, where every whole number is a float."""
    whole = number == number.floor()
    return (
        pl.when(whole & (number.abs() <= _EXACT))
        .then(number.cast(pl.Int64, strict=False).cast(pl.Utf8))
        .otherwise(number.cast(pl.Utf8))
    )


def clean_text(expr: pl.Expr, special: bool = True) -> pl.Expr:
    """Invisible characters removed, Unicode spaces made plain, trimmed; blank is null.

    `special=False` when the column holds none of those characters (`with_special`): the
    replacements would change nothing, and they cost most of the cleaning."""
    if special:
        expr = expr.str.replace_many(
            [*_INVISIBLE, *_SPACES, _NUL, *_CONTROLS, *_BREAKS],
            [*[""] * len(_INVISIBLE), *[" "] * len(_SPACES), REPLACEMENT,
             *[REPLACEMENT] * len(_CONTROLS), *["\n"] * len(_BREAKS)],
        )  # fmt: skip
        # After the spaces are plain: a joiner beside a no-break space joins nothing.
        expr = expr.str.replace_all(_LOOSE_JOINER_BEFORE, "${1}")
        expr = expr.str.replace_all(_LOOSE_JOINER_AFTER, "${1}")
    return expr.str.strip_chars().replace("", None)


def with_special(frame: pl.DataFrame, names: Sequence[str]) -> set[str]:
    """The text columns of `names` where a cell holds an invisible character or a Unicode
    space: one pass over all of them (polars runs the columns in parallel)."""
    if not names:
        return set()
    found = frame.select(
        pl.col(list(names))
        .str.contains_any([*_INVISIBLE, *_JOINERS, *_SPACES, _NUL, *_CONTROLS, *_BREAKS])
        .any()
    )
    return {name for name, special in found.row(0, named=True).items() if special}


def build_frame(
    columns: Mapping[str, Sequence[object]], row_numbers: Sequence[int]
) -> pl.DataFrame:
    """The raw frame from canonical column → cell values; absent columns are all null."""
    return frame_from_series({n: column_series(v) for n, v in columns.items()}, row_numbers)


def frame_from_series(columns: Mapping[str, Pair], row_numbers: Sequence[int]) -> pl.DataFrame:
    """`build_frame` from columns already converted by `column_series` (or read as text).

    Number cells also appear as text ("12", not "12.0") so messages and code look-ups see
    what the user typed.
    """
    height = len(row_numbers)
    data: list[pl.Series] = [pl.Series("row", row_numbers, dtype=pl.Int64)]
    numeric: list[str] = []
    for column in COLUMNS:
        text, number = columns.get(column.name, (None, None))
        # An absent column as a constant: a list of 100,000 Nones cost 0.09 s per file.
        if text is None:
            text = pl.repeat(None, height, dtype=pl.Utf8, eager=True)
        data.append(text)
        data[-1] = data[-1].alias(column.name)
        if number is not None:
            numeric.append(column.name)
            data.append(number.alias(column.name + NUM_SUFFIX))
    frame = pl.DataFrame(data)
    special = with_special(frame, [column.name for column in COLUMNS])
    exprs: list[pl.Expr] = []
    for column in COLUMNS:
        name = column.name
        cleaned = clean_text(pl.col(name), name in special)
        if name in numeric:
            cleaned = pl.coalesce(_as_text(pl.col(name + NUM_SUFFIX)), cleaned)
        exprs.append(cleaned.alias(name))
    return frame.with_columns(exprs)
