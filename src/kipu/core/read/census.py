"""What kinds of cells an XLSX sheet holds, counted in its XML: the proof the columnar reading
needs (`kipu.core.read.columns`).

The columnar reading takes every cell as text from fastexcel, which writes a number cell's
value as digits and cannot say whether "43" was the number 43 or the text "43". The sheet's
XML can: a cell with `t="s"`, `t="inlineStr"` or `t="str"` is text. The census counts, while
the marks scan streams the sheet (`kipu.core.read.marks.CellScan`), in whole-chunk
regular-expression passes (polars, in Rust, outside the GIL):

- `columns`: text cells holding a value (`<c r="B7" … t="s|inlineStr|str">`), per column
  letter. Per column, not in all: a total lets two wrong cells cancel out (the text "2.500"
  in a number column counted, a boolean in a text column not), and a value read 1000 times
  too small passed the proof;
- `odd`: what the columnar reading does not take on: a merged range, a number whose nine
  decimals could read as an integer (2.0000000001, 1E-10: fastexcel writes nine decimals)
  or that is not a number (NaN), a text cell without a value (counted, yet nothing to
  fastexcel: with a boolean in the same column, the counts agreed), a text cell the pattern
  does not place (attributes in another order, a namespace prefix, single quotes), an
  escaped character (`_x000D_`, which calamine decodes in a formula's
  text result and fastexcel does not).

It keeps the XML of the first rows (`head`), so the kind of each header cell is known too.
Everything else is caught by a column's count disagreeing with what fastexcel read: a
boolean, an ISO date, a duration, a number typed as text, in any column, and the sheet is
then read cell by cell (never the other way).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import polars as pl

from kipu.core.read.package import column_number

# A text cell with a value (not self-closing), whatever other attributes it has.
STRING_CELL = r'<c r="[A-Z]+\d+"[^>]*\st="(?:s|inlineStr|str)"[^>/]*>'
# Any text cell with a value, however its tag is written: more of them than of STRING_CELL
# is a text cell the census cannot place in its column.
ANY_STRING_CELL = r't="(?:s|inlineStr|str)"[^>/]*>'
# A text cell without a value (fastexcel reads nothing, yet it is counted): an empty one, a
# formula never computed.
EMPTY_STRING_CELL = (
    r't="(?:s|inlineStr|str)"[^>/]*>\s*(?:<f[^>]*/>|<f[^>]*>[^<]*</f>)?\s*'
    r"(?:</c>|<is\s*/>|<is>\s*</is>|<v\s*/>|<v></v>)"
)
# A number fastexcel's nine decimals could show as an integer (2.0000000001, 1E-10), or
# that is not a number to it (NaN, inf).
FINE_NUMBER = r"<v>-?\d*\.\d{9}|<v>-?\d+(?:\.\d+)?[eE]|<v>\s*[+-]?(?i:inf|nan)"
# A text attribute in single quotes (not placed by STRING_CELL), an escaped character.
UNTAKEN = r"t='|_x[0-9A-Fa-f]{4}_"
_STRING = re.compile(STRING_CELL.encode())
_CELL = re.compile(rb'<c r="([A-Z]+)(\d+)"([^>]*?)(?:/>|>(.*?)</c>)', re.S)
_KIND = re.compile(rb'\st="(\w+)"')
_VALUE = re.compile(rb"<v>([^<]*)</v>")
_ROW_START = re.compile(rb"<row\b[^>]*\br=\"(\d+)\"")


@dataclass
class Census:
    """Counts of one sheet's XML (see the module doc); `head` is its first `head_rows` rows."""

    head_rows: int
    columns: dict[str, int] = field(default_factory=dict)  # column letters → text cells
    odd: int = 0
    head: bytes = b""
    head_complete: bool = False
    failed: bool = False
    _chunks: int = field(default=0, repr=False)
    _head_cut: bool = field(default=False, repr=False)

    def add(self, chunk: bytes, text: pl.Series | None) -> None:
        """Count one chunk (chunks end at a row end, so no cell is cut); `text` is the chunk
        as a polars string, None when it is not UTF-8 (calamine then decides what it is)."""
        self._chunks += 1
        if self._chunks == 1:
            self._keep_head(chunk)
        elif not self.head_complete and b"<row" in chunk:
            self._head_cut = True  # rows of the head may be in this chunk: not kept
        if text is None:
            self.failed = True
        if self.failed or text is None:
            return
        # One pass per pattern: an alternation of both is many times slower.
        placed = self._count_columns(text)
        self.odd += placed != int(text.str.count_matches(ANY_STRING_CELL)[0] or 0)
        self.odd += int(text.str.count_matches(EMPTY_STRING_CELL)[0] or 0)
        self.odd += int(text.str.count_matches(FINE_NUMBER)[0] or 0)
        self.odd += b"mergeCell" in chunk
        self.odd += bool(text.str.contains(UNTAKEN)[0])

    def _count_columns(self, text: pl.Series) -> int:
        """Add the chunk's text cells to `columns`; how many there were."""
        letters = (
            text.str.extract_all(STRING_CELL).explode().drop_nulls().str.extract(r'^<c r="([A-Z]+)')
        )
        for letter, count in letters.value_counts().iter_rows():
            self.columns[letter] = self.columns.get(letter, 0) + count
        return letters.len()

    def finish(self) -> None:
        """After the last chunk: a first chunk that holds every row holds the whole head."""
        if self._chunks and not self._head_cut:
            self.head_complete = True

    def _keep_head(self, chunk: bytes) -> None:
        for found in _ROW_START.finditer(chunk):
            if int(found.group(1)) > self.head_rows:
                self.head, self.head_complete = chunk[: found.start()], True
                return
        self.head = chunk  # the whole first chunk: complete only if it is the whole sheet

    def head_cells(self) -> dict[tuple[int, int], tuple[str, bytes]]:
        """(row 1-based, col 0-based) → (kind, value XML) of the head's cells.

        Kinds: "s" text with a value (the `STRING_CELL` pattern), "n" a number with a value, "e" an
        error, "?" anything else (a cell without a value, a formula never computed…).
        """
        found: dict[tuple[int, int], tuple[str, bytes]] = {}
        for match in _CELL.finditer(self.head):
            letters, row, attributes, body = match.groups()
            place = (int(row), column_number(letters.decode()) - 1)
            if place[0] > self.head_rows:
                break
            kind = _KIND.search(attributes)
            value = _VALUE.search(body or b"")
            if _STRING.match(match.group(0)):
                found[place] = ("s", b"")
            elif kind is not None and kind.group(1) == b"e":
                found[place] = ("e", b"")
            elif (kind is None or kind.group(1) == b"n") and value is not None:
                found[place] = ("n", value.group(1))
            else:
                found[place] = ("?", b"")
        return found
