"""What kinds of cells an XLSX sheet holds, counted in its XML: the proof the columnar reading
needs (`kipu.core.read.columns`).

The columnar reading takes every cell as text from fastexcel, which writes a number cell's
value as digits and cannot say whether "43" was the number 43 or the text "43". The sheet's
XML can: a cell with `t="s"`, `t="inlineStr"` or `t="str"` is text. The census counts, while
the marks scan streams the sheet (`kipu.core.read.cell_scan.CellScan`), with regular expressions
over whole chunks (`survey`: polars, in Rust, outside the GIL), per chunk:

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

from kipu.core.read.chunks import has_hidden
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
    # by `survey`, as `odd_refs`), a second `r` or `t`.
    r'| =|= |\t=|=\t|\n=|=\n|\r=|=\'|t="[^"]*&|" r="|t="[^"]*"[^>]* t="'
    # A prefixed value or inline string in an unprefixed cell (`<x:is>`, `<x:v>`); an end tag
    # with a space before `>` (`</c >`: the head's cells are found with `</c>`).
    r"|:is[\s/>]|:v[\s/>]|</[^>]*\s>"
)
# A `<` in an attribute value (`a="<row"`, `a="></row><"`), quoted values skipped whole: not
# XML, yet calamine reads it, and no search of the text can tell its tags (a chunk cut at a
# `</row>` in a value split a cell, and its error was lost). The scan refuses the sheet.
TANGLED = r"""<[A-Za-z_][^<>"']*(?:(?:"[^"<]*"|'[^'<]*')[^<>"']*)*=\s*(?:"[^"]*<|'[^']*<)"""
# What every tangled chunk holds (and a text such as `x="y` too): searched first, as TANGLED
# costs twice as much and is rarely needed.
_MAYBE_TANGLED = r"""=\s*"[^"]*<|=\s*'[^']*<"""
# What a hidden row's tag (or a hidden column's) holds: `hidden="1"` (a row hidden by hand,
# by an autofilter, in a collapsed group), or a height of zero (`ht="0"`). A hint only: the
# chunk's row tags are then read (`hidden.hidden_rows`). `hidden` is rare in a sheet's XML,
# and one regex more over the chunks is all a sheet without hidden rows costs.
HIDING_HINT = r"""hidden|ht\s*=\s*["']\s*\+?0*\.?0*\s*["']"""
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

    def add(self, batch: list[bytes], surveyed: pl.DataFrame) -> None:
        """Count a batch of chunks (chunks end at a row end, so no cell is cut), with their
        `survey` (one row per chunk, `counting=True`): a chunk that is not UTF-8 fails the
        census (calamine then decides what it is)."""
        for chunk in batch:
            self._chunks += 1
            # A CDATA section or a processing instruction may hold what the patterns count
            # (`<?x <c r="B7" t="s">?>`): the cell-by-cell reading, as for a comment (UNTAKEN).
            if has_hidden(chunk, comments=False):
                self.odd += 1
            if self._chunks == 1:
                self._keep_head(chunk)
            elif not self.head_complete and b"<row" in chunk:
                self._head_cut = True  # rows of the head may be in this chunk: not kept
        if not surveyed["utf8"].all():
            self.failed = True
        if self.failed:
            return
        # A text cell STRING_CELL does not see, an untaken form, an inline string whose cell
        # is not of type inlineStr (or the other way), a reference that is not plain.
        self.odd += int(surveyed.select(pl.sum_horizontal(ODD_FLAGS).sum()).item())
        for letter, count in surveyed["letters"].explode().drop_nulls().value_counts().iter_rows():
            self.columns[letter] = self.columns.get(letter, 0) + count

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


def _texts(batch: list[bytes]) -> pl.Series:
    """The chunks as polars strings, null for one that is not UTF-8 (polars refuses the
    whole cast then, even a non-strict one)."""
    try:
        return pl.Series("text", batch, dtype=pl.Binary).cast(pl.Utf8)
    except pl.exceptions.PolarsError:
        return pl.Series("text", [_decoded(chunk) for chunk in batch], dtype=pl.Utf8)


def _decoded(chunk: bytes) -> str | None:
    try:
        return chunk.decode()
    except UnicodeDecodeError:
        return None


ODD_FLAGS = ["unusual", "tangled", "untaken", "inline_mismatch", "odd_refs"]


def survey(
    batch: list[bytes], counting: bool, hints: tuple[str, ...], styles: str | None = None
) -> pl.DataFrame:
    """One row per chunk of `batch`: `utf8`, `unusual` (a cell tag of UNUSUAL_CELL, true
    for a chunk that is not UTF-8), `hinted` (a match of one of `hints`), `rare` (of one
    but the first, or not UTF-8), `styled` (a
    match of `styles`, the hint of the cells shown otherwise: `shown.Shown`), `tangled`
    (TANGLED, looked for only in a chunk that may hold it), `hiding` (HIDING_HINT: a row
    tag may hide its row); with `counting`, what
    `Census.add` counts: `untaken` (UNTAKEN or FINE_NUMBER), `inline_mismatch` (`<is>`
    elements that are not the inline text cells), `odd_refs` (text cells whose reference
    does not start with capitals), `letters` (each text cell's column letters).

    Every pattern of every chunk of the batch in one polars call (two with `counting`),
    which runs the patterns in parallel: the scan runs beside Python work (Django's set-up),
    and each return from Rust waits for the GIL, up to the 5 ms switch interval. With one
    call per pattern and chunk, the scan of a 100,000-row sheet took 1.2 s alone and 1.7 s
    beside a Python loop; with one per two chunks, 0.7 s and 1.1 s (0.8 s of CPU).
    """
    text = pl.col("text")
    flags = [
        text.is_not_null().alias("utf8"),
        text.str.contains(UNUSUAL_CELL).fill_null(True).alias("unusual"),
        pl.any_horizontal(text.str.contains(h).fill_null(False) for h in hints).alias("hinted"),
        pl.any_horizontal(text.str.contains(h).fill_null(True) for h in hints[1:]).alias("rare")
        if len(hints) > 1
        else pl.lit(True).alias("rare"),
        (text.str.contains(styles).fill_null(False) if styles else pl.lit(False)).alias("styled"),
        text.str.contains(_MAYBE_TANGLED).fill_null(False).alias("tangled"),
        text.str.contains(HIDING_HINT).fill_null(True).alias("hiding"),
    ]
    counts = [
        text.str.contains(f"{UNTAKEN}|{FINE_NUMBER}").fill_null(False).alias("untaken"),
        text.str.count_matches(INLINE).fill_null(0).alias("inline"),
        text.str.extract_all(STRING_CELL).alias("tags"),
    ]
    chunks = pl.DataFrame([_texts(batch)])
    found = chunks.select(*flags, *(counts if counting else []))
    if found["tangled"].any():
        tangled = chunks.select(text.str.contains(TANGLED).fill_null(False)).to_series()
        found = found.with_columns(tangled.alias("tangled"))
    if not counting:
        return found
    tag = pl.element()
    return found.with_columns(
        pl.col("tags").list.eval(tag.str.extract(r'^<c\s+r="([A-Z]{1,3})\d')).alias("letters"),
        pl.col("tags").list.eval(tag.str.contains('t="inlineStr"', literal=True)).list.sum()
        .alias("inline_tags"),
    ).with_columns(
        # An inline text cell without its `<is>` too (`t="inlineStr"><v>`: read empty).
        (pl.col("inline") != pl.col("inline_tags").fill_null(0)).alias("inline_mismatch"),
        pl.col("letters").list.eval(tag.is_null()).list.sum().fill_null(0).alias("odd_refs"),
    )  # fmt: skip
