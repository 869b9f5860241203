"""The formula cells of a chunk of sheet XML read at once, when each is written as Excel and
the usual libraries write it: `<c r="S7" s="3"><f>SUM(U7:Y7)</f><v>15</v></c>`. The marks
scan (`kipu.core.read.marks`) parsed each formula cell alone, about 5 µs each: 100,000 rows
with fourteen formulas each (a 5W whose totals and breakdowns are sums) took 7 s of it.

The marks given are those `marks._cell_mark` gives such a cell: a formula with a value, or
without one (none cached, or a workbook recalculated on load). Anything else in the chunk
(an error cell, a value with a reference or markup, a cell written otherwise) and the chunk
is left to the cell-by-cell parsing: every `<f` of the chunk must be one of these cells.
"""

from __future__ import annotations

import re

from kipu.core.read.package import column_number

# Attribute values without `&` or `<` (a type written with a reference is read elsewhere);
# the formula's text without markup (XML escapes its `<`); the value plain digits or text.
_PLAIN_FORMULA = re.compile(
    rb'<c r="([A-Z]{1,3})([0-9]+)"((?: [A-Za-z]+="[^"&<]*")*)>'
    rb"<f(?: [^<>]*)?(?:/>|>[^<]*</f>)(?:<v>([^<&]*)</v>|<v/>)?</c>"
)
_TYPE = re.compile(rb' t="([^"]*)"')


def plain_formula_marks(
    chunk: bytes, untrusted: bool, formula: str, no_value: str
) -> list[tuple[int, int, str, None]] | None:
    """(row 1-based, col 0-based, `formula` or `no_value`, None) of each formula cell of the
    chunk, or None when one is not written as above, or the chunk holds an error cell
    (`t="e"`: its text is read cell by cell). `untrusted`: every formula is without value."""
    if b't="e"' in chunk:
        return None
    columns: dict[bytes, int] = {}
    marks = []
    # From each `<f` back to its cell's start: a search of the pattern over the chunk tried
    # every cell (1 s for 100,000 rows of 27 columns), a formula is in one cell of 13.
    at = chunk.find(b"<f")
    while at >= 0:
        start = chunk.rfind(b"<c ", 0, at)
        cell = _PLAIN_FORMULA.match(chunk, start) if start >= 0 else None
        if cell is None or cell.end() <= at:
            return None  # this `<f` is in no cell written so
        letters, row, attributes, value = cell.groups(b"")
        if b' r="' in attributes or attributes.count(b' t="') > 1:
            return None  # a reference or type written twice: calamine takes the last
        if (col := columns.get(letters)) is None:
            col = columns[letters] = column_number(letters.decode()) - 1
        kind = _TYPE.search(attributes)
        text_result = kind is not None and kind.group(1) == b"str"
        if kind is not None and kind.group(1) not in (b"n", b"str", b"b", b"s", b"inlineStr"):
            return None  # `t="d"`, or a type calamine reads otherwise
        empty = untrusted or (not value and not text_result)
        marks.append((int(row), col, no_value if empty else formula, None))
        at = chunk.find(b"<f", cell.end())
    return marks
