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

# A cell start tag that does not begin `<c r="` (no reference, attributes in another order,
# spaces), or a prefixed one: the sheet is read cell by cell (`kipu.core.read.marks` looks
# for cells without a reference in such chunks).
UNUSUAL_CELL = r'<c(?:[/>]|\s[^r]|\sr[^=]|\sr=[^"])|:c[\s/>]'
# A text cell with a value (not self-closing), its type among its other attributes. Its
# column is the letters its reference starts with; a reference that does not start with
# capitals ($B$7, b7) makes the sheet odd.
_ATTRIBUTES = r'(?:\s+[\w:.-]+="[^"]*")*'
STRING_CELL = rf'<c\s+r="[^"]*"{_ATTRIBUTES}\s+t="(?:s|inlineStr|str)"{_ATTRIBUTES}\s*>'
# calamine reads any cell with an inline string as text, whatever its `t`: every `<is>` must
# be in a cell of type inlineStr.
INLINE = r"<is[\s/>]"
# A number fastexcel's nine decimals could show as an integer (2.0000000001, 1E-10), or
# that is not a number to it (NaN, inf), or written otherwise (+5, an attribute on <v>), or
# of eight digits or more (fastexcel gives nothing for a date-styled one past 95,051,805):
# one alternation after `<v`, which every value starts with.
FINE_NUMBER = r"<v(?:[\s/]|>[+\s]|>-?[\d.]*[eEiInN]|>-?\d*\.\d{9}|>-?\d{8})"
# What else sends a sheet to the cell-by-cell reading, in one pass: a text cell without a
# value (counted, yet nothing to fastexcel: with a boolean in its column the counts agreed),
# an inline text cell with a <v>, a boolean or ISO date cell (text to fastexcel, not counted),
# an escaped character, a comment (patterns would count cells in it), a merged range.
UNTAKEN = (
    r't="(?:s|inlineStr|str)"[^>/]*>\s*(?:<f[^>]*/>|<f[^>]*>[^<]*</f>)?\s*'
    r"(?:</c>|<is\s*/>|<is>\s*</is>|<v\s*/>|<v></v>)"
    r'|t="inlineStr"[^>]*>\s*<v|</is>\s*<v|t="[bd]"|_x[0-9A-Fa-f]{4}_|<!--|mergeCell'
    # An attribute the patterns cannot read, which calamine reads all the same: spaces around
    # `=`, single quotes, a type written with a character reference (a reference is checked
    # by `_count_columns`), a second `r` or `t`.
    r'| =|= |\t=|=\t|\n=|=\n|\r=|=\'|t="[^"]*&|" r="|t="[^"]*"[^>]* t="'
    # A prefixed value or inline string in an unprefixed cell (`<x:is>`, `<x:v>`).
    r"|:is[\s/>]|:v[\s/>]"
)
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

    def add(self, chunk: bytes, text: pl.Series | None, unusual: bool) -> None:
        """Count one chunk (chunks end at a row end, so no cell is cut); `text` is the chunk
        as a polars string, None when it is not UTF-8 (calamine then decides what it is);
        `unusual`: not every cell tag of it is canonical (`unusual_cells`, which the marks
        scan asks anyway)."""
        self._chunks += 1
        if self._chunks == 1:
            self._keep_head(chunk)
        elif not self.head_complete and b"<row" in chunk:
            self._head_cut = True  # rows of the head may be in this chunk: not kept
        if text is None:
            self.failed = True
        if self.failed or text is None:
            return
        # One pass per pattern: an alternation of the counted ones is many times slower.
        inline = self._count_columns(text)
        self.odd += unusual  # text cells STRING_CELL does not see
        self.odd += b"<is" in chunk and _count(text, INLINE) != inline
        self.odd += bool(text.str.contains(f"{UNTAKEN}|{FINE_NUMBER}")[0])

    def _count_columns(self, text: pl.Series) -> int:
        """Add the chunk's text cells to `columns`; how many of them are inline strings."""
        tags = text.str.extract_all(STRING_CELL).explode().drop_nulls()
        letters = tags.str.extract(r'^<c\s+r="([A-Z]{1,3})\d')
        self.odd += letters.null_count()  # a reference that is not a plain one
        for letter, count in letters.drop_nulls().value_counts().iter_rows():
            self.columns[letter] = self.columns.get(letter, 0) + count
        return int(tags.str.contains('t="inlineStr"', literal=True).sum())

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


def unusual_cells(text: pl.Series) -> bool:
    """Whether a chunk (as a polars string) holds a cell tag of UNUSUAL_CELL."""
    return bool(text.str.contains(UNUSUAL_CELL)[0])


def _count(text: pl.Series, pattern: str) -> int:
    return int(text.str.count_matches(pattern)[0] or 0)
