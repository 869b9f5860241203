"""What a cell was, beyond its value: the marks a reader puts on cells.

Calamine gives a cell's value only: an Excel error (`#N/A`) and a formula that was never
computed both come back empty, and a formula's cached result looks like a typed value. This
module finds those cells in the file itself so no later stage can lose them:

- `error`: an Excel error value (detail: the error, such as `#REF!`), in any format;
- `formula`: a formula with a computed value (the value was read);
- `formula-no-value`: a formula whose value was never computed (written by a script and
  never opened in a spreadsheet program), so the file holds no value for the cell;
- `merged`: a cell covered by a merged range, given the value of the range's first cell
  (detail: the range, such as `A4:A6`); set by the sheet reader;
- `merged-across`: a data cell covered by a range merged from another column, left empty
  as the spreadsheet shows it (detail: the range);
- `unreadable-value`: a value written with a character reference, a CDATA section or other
  markup in it, or twice (`<v>1&#x35;</v>`, `<v><![CDATA[15]]></v>`): calamine reads it
  blank, cut short (1 for 15) or as the last of two, so the value is unknown (`_coded`);
  so is a shared string's index that is not plain digits (`966 `: read as the first
  string) and a number, boolean or date cell's blank value (`<v></v>`: read 0) (`_misread`);
- `dollar-format`: a number its format shows with a `$` alone (XLSX and XLS), which is
  the peso where the file was formatted in Colombia or Mexico; its value is read;
- `divided-format`: a number its format shows divided by a thousand per `,` after its
  digits, with no word saying so (`#,##0,`: 12000 shows `12`; detail: the number shown),
  in XLSX, XLS and ODS (LibreOffice's display factor); its value is read;
- `hiding-format`: a number its format shows as nothing (`;;;`, `0;;` for a negative), in
  XLSX, XLS and ODS: the cell looks empty in the spreadsheet; its value is read;
- `text-format`: a number its format shows as a text alone (`"n/a"`), read as that text;
  detail: the number held.

Beside the marks, a sheet's hidden rows and columns (`Hidden`): read as data like the others
(an autofilter hides rows that are still data), and reported, as a partner may have hidden
rows meaning to delete them. XLSX rows are found by the same scan (`hidden_rows`: a row tag
with `hidden="1"` or a height of zero), its columns in the sheet's `<cols>`.

Marks are a small frame (`row` 1-based as the user sees it, `col` 0-based, `kind`,
`detail`); most files have none. For XLSX the sheet XML is streamed and only the chunks
holding a formula or an error are parsed, in a thread that runs while calamine parses (zlib
and calamine both leave the GIL while they work: `kipu.core.read.cell_scan`). ODS files
are scanned for errors, formulas without a value and merged ranges, which calamine does not
report for them (`kipu.core.read.ods`), and XLS files for errors, with xlrd
(`kipu.core.read.book_marks`).
"""

from __future__ import annotations

import heapq
import itertools
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import polars as pl

from kipu.core.read.census import Census, survey
from kipu.core.read.chunks import CELL_TAG as _CELL_TAG
from kipu.core.read.chunks import PREFIX as _P
from kipu.core.read.chunks import (
    REFERENCE,
    VALUE,
    blank_hidden,
    has_hidden,
    row_chunks,
    tag_attributes,
)
from kipu.core.read.chunks import TAG_ATTRIBUTES as _TAG_ATTRIBUTES
from kipu.core.read.formulas import plain_formula_marks
from kipu.core.read.hidden import Hidden
from kipu.core.read.package import column_letters, column_number, xml_unescape
from kipu.core.read.shown import Shown

ERROR = "error"
FORMULA = "formula"
FORMULA_NO_VALUE = "formula-no-value"
MERGED = "merged"
MERGED_ACROSS = "merged-across"
UNREADABLE_VALUE = "unreadable-value"
# A number shown with a `$` alone by its format (`numformats.shows_bare_dollar`): the peso
# in Colombia. Read as its number; validation decides by the row's country.
DOLLAR_FORMAT = "dollar-format"
# A number shown divided by its format (`numformats.divided`, ODS's display factor): 12000
# formatted `#,##0,` shows `12` (the detail). Read as its number; a warning at the cell.
DIVIDED_FORMAT = "divided-format"
# A number its format shows as nothing (`;;;`, `0;;` for a negative, `numformats.hidden`):
# the cell looks empty in the spreadsheet; or as a text alone that reads as another number
# (detail: that text); its value is read.
HIDING_FORMAT = "hiding-format"
# A number its format shows as a text alone (`"n/a"`, `0;-`), read as that text (as a CSV's
# would be): the number held is the detail (`numformats.held_under`).
TEXT_FORMAT = "text-format"
# Cells whose value is unknown, though the file holds one: read as empty, reported at the cell.
UNREAD_VALUES = (FORMULA_NO_VALUE, UNREADABLE_VALUE)
MARK_SCHEMA = {"row": pl.Int64, "col": pl.Int64, "kind": pl.Utf8, "detail": pl.Utf8}
# Every error value Excel (365 included) and LibreOffice write in a cell.
EXCEL_ERRORS = frozenset(
    {
        "#N/A",
        "#REF!",
        "#VALUE!",
        "#DIV/0!",
        "#NUM!",
        "#NAME?",
        "#NULL!",
        "#SPILL!",
        "#CALC!",
        "#FIELD!",
        "#BLOCKED!",
        "#CONNECT!",
        "#BUSY!",
        "#UNKNOWN!",
        "#GETTING_DATA",
        "#PYTHON!",
        "Err:502",
        "Err:504",
        "Err:508",
        "Err:509",
        "Err:510",
        "Err:511",
        "Err:512",
        "Err:522",
        "Err:523",
        # Spanish, Portuguese and French Excel write their own names in CSV exports.
        "#¡DIV/0!",
        "#¿NOMBRE?",
        "#¡NULO!",
        "#¡NUM!",
        "#¡REF!",
        "#¡VALOR!",
        "#¡DESBORDAMIENTO!",
        "#¡CALC!",
        "#N/D",
        "#NOME?",
        "#NULO!",
        "#NÚM!",
        "#VALOR!",
        "#DESPEJAR!",
        "#NOM?",
        "#NUL!",
        "#NOMBRE!",
        "#VALEUR!",
        "#PROPAGATION!",
    }
)

Mark = tuple[int, int, str, str | None]
Range = tuple[tuple[int, int], tuple[int, int]]  # 0-based (row, col) of first and last cells
# Any namespace prefix (`chunks.PREFIX`: `x-y:c`, `é:c`) and end tags with spaces before `>`
# (`</c >`): calamine reads both, and a cell the patterns missed lost its error mark (its
# end found at the next cell's, or none). Attribute values may hold `>` (XML allows it):
# quoted values are skipped whole. A name ends at XML's white space, `/` or `>` (`<c-x>` is
# another element, and `\b` took it for a cell that swallowed the next one).
_CELL = re.compile(
    rb"<"
    + _P
    + rb"""c(?=[ \t\r\n/>])((?:[^>"']|"[^"]*"|'[^']*')*?)(?:/>|>(.*?)</"""
    + _P
    + rb"c\s*>)",
    re.S,
)
_FORMULA = re.compile(rb"<" + _P + rb"f(?=[ \t\r\n/>])")
# A document type declaration may define entities (`&e;` read as anything) and hold tags
# and `</row>` in its quoted values: Excel never writes one; the sheet is refused.
_DOCTYPE = re.compile(rb"<!doctype|<!entity", re.I)
# A placeholder of `chunks.blank_hidden`, left out of an error's text.
_BLANKED = re.compile(rb"<[!?] *>")
_V_TAG = re.compile(rb"<" + _P + rb"v[ \t\r\n/>]")
_IS_TAG = re.compile(rb"<" + _P + rb"is[ \t\r\n/>]")
# A cell's start inside a cell's body. The cell patterns end at the first `</c>`, the inner
# cell's, and calamine reads such a cell otherwise: `<c t="e"><f>1/0<c><v>15</v></c></f>
# <v>#DIV/0!</v></c>` read 15 as the error's text (the cell's value, with no issue).
_NESTED_CELL = re.compile(rb"<" + _P + rb"c[ \t\r\n/>]")
_ROW_OR_CELL = re.compile(
    rb"<" + _P + rb"row(?=[ \t\r\n/>])(?P<row>" + _TAG_ATTRIBUTES + rb")/?>"
    rb"|<" + _P + rb"c(?=[ \t\r\n/>])(?P<cell>" + _TAG_ATTRIBUTES + rb")"
    rb"(?:/>|>(?P<body>.*?)</" + _P + rb"c\s*>)",
    re.S,
)
# Whatever may hold a formula or an error cell: the literal forms, and a type written in a
# form the literal misses (`t = "e"`, `t='e'`, `t="&#101;"`: calamine reads them all).
_HINTS = (b"<f", b":f>", b":f ", b":f/", b":f\t", b":f\n", b":f\r", b't="e"', b"t='", b"t =",
          b"t= ", b"t=\t", b"t=\n", b"t=\r", b"t\t=", b"t\n=", b"t\r=", b't="&',
          # A value element with attributes, which `_CODED_HINT` does not see.
          b"<v ", b"<v\t", b"<v\n", b"<v\r", b":v ", b":v\t", b":v\n", b":v\r")  # fmt: skip
# What the chunks are searched for (`census.survey`): apart, as one pattern cost polars four
# times as much (0.14 s against 0.07 s for 120 MB), and the coded values' hint is only the
# end of their tag (with the prefix, 0.35 s). `</v><v`, a second value, matches it too.
_CODED_HINT = rb"v>[^<&]*(?:&|<[^/])"
# A value calamine misreads with no sign (`_misread`): a blank value, or a shared string's
# index that is not plain digits. Anchored on `t="s"`, 0.03 s over 120 MB of XML.
# An index of 20 digits or more may not fit 64 bits (calamine then reads index 0). An
# inline text beside a value or another inline text, or an inline text cell with a value
# (calamine reads it empty, or the other), as literals: a pattern for what follows each
# `</is>` or `</v>` (white space, then any tag) cost 0.2 s of CPU over 120 MB of inline
# texts, these nothing, and white space then `<v` or `<i` after `</is>` 0.014 s (an
# indenting script's). The census finds the others, whose `<is>` do not match the inline
# text cells (`_scan`).
_MISREAD_HINT = (
    rb'<v>\s*</v>|t="s"[^>]*>\s*<v>\d*(?:[^\d<]|\d{20})'
    rb'|</v><is|</is><v|</is><is|"inlineStr"><v|</is>[ \t\r\n]+<[vi]'
)
_HINT_BYTES = re.compile(b"|".join([*(re.escape(h) for h in _HINTS), _CODED_HINT, _MISREAD_HINT]))
# A formula's and an error's usual forms: in a chunk with no other hint (`census.survey`'s
# `rare`), found with `bytes.find`. Python's search for the whole alternation stops at every
# `<`, `:` and `t`: 1.4 s over the 84 MB of 100,000 rows with two formulas each.
_COMMON_HINTS = (b"<f", b't="e"')
_HINT_PATTERNS = (
    "|".join(re.escape(h.decode()) for h in _COMMON_HINTS),
    "|".join(re.escape(h.decode()) for h in _HINTS if h not in _COMMON_HINTS),
    _CODED_HINT.decode(),
    _MISREAD_HINT.decode(),
)
SCAN_EVERY_CELL = False  # tests: parse every cell of a hinted chunk (`_cells`)
# Chunks surveyed in one polars call (`census.survey`): 2 MB of XML (4 MB were no faster,
# and their strings add to the peak of fastexcel's reading, which the scan runs beside).
_BATCH = 2


def empty_marks() -> pl.DataFrame:
    return pl.DataFrame(schema=MARK_SCHEMA)


def marks_frame(marks: list[Mark]) -> pl.DataFrame:
    return pl.DataFrame(marks, schema=MARK_SCHEMA, orient="row") if marks else empty_marks()


def range_name(first: tuple[int, int], last: tuple[int, int]) -> str:
    """'A4:A6' for 0-based (row, col) corners."""
    return f"{column_letters(first[1])}{first[0] + 1}:{column_letters(last[1])}{last[0] + 1}"


# --- XLSX ------------------------------------------------------------------------------------


def xlsx_marks(
    path: Path, member: str, untrusted: bool, census: Census | None = None,
    shown: Shown | None = None, hidden: Hidden | None = None,
) -> list[Mark]:  # fmt: skip
    """Error and formula cells of one worksheet member. With `untrusted` (the workbook asks
    to be recalculated on load) every formula counts as having no value. With `census`,
    the sheet's cells are counted in the same pass (`kipu.core.read.census`); with
    `shown`, the texts of its styles' cells are kept in it (none for a cell marked); with
    `hidden`, the rows and columns the sheet hides are put in it.

    The whole sheet is scanned (the upload's decompressed size is limited already). Cells
    are placed by their `r="B7"` reference; a writer may leave references out (the format
    allows it), and then every row and cell is counted from the start instead. Raises
    ValueError for XML the scan cannot read (`CellScan.marks` then refuses the sheet).
    """
    found: list[Mark] = []
    with zipfile.ZipFile(path) as archive:
        with archive.open(member) as handle:
            if _wide(handle.read(16)):  # calamine reads such a sheet as empty
                raise ValueError("XML in UTF-16 or UTF-32")
        with archive.open(member) as handle:
            placed = _scan(row_chunks(handle), untrusted, census, found, shown, hidden)
        if placed:
            if census is not None:
                census.finish()
            return found
        if census is not None:
            census.failed = True
        if shown is not None:
            shown.clear()
        if hidden is not None:
            hidden.rows.clear()
        with archive.open(member) as handle:  # again, every cell counted from the start
            return _positioned(row_chunks(handle), untrusted, shown, hidden)


def _scan(
    chunks: Iterator[bytes], untrusted: bool, census: Census | None, found: list[Mark],
    shown: Shown | None, hidden: Hidden | None = None,
) -> bool:  # fmt: skip
    """Add the marks of the chunks' cells to `found`, and count them in `census`; False as
    soon as a cell without a reference is found (then nothing found is of use). The rows
    and columns the sheet hides go to `hidden`."""
    styles = None if shown is None else shown.hint
    first = True
    while batch := list(itertools.islice(chunks, _BATCH)):
        surveyed = survey(batch, census is not None, _HINT_PATTERNS, styles)
        if census is not None:
            census.add(batch, surveyed)
        # `<is>` elements that are not the inline text cells' (the census's count, when it
        # counts): the chunk is parsed whole, for the cells calamine reads as one text or
        # none (`_misread`: `</is> <is>`, `t="inlineStr" s="1"><v>`).
        loose = surveyed["inline_mismatch"] if census is not None else [False] * len(batch)
        flags = zip(
            batch,
            *(surveyed[n] for n in ("unusual", "hinted", "rare", "styled", "tangled", "hiding")),
            loose,
            strict=True,
        )
        for chunk, unusual, hinted, rare, styled, tangled, hiding, mismatched in flags:
            unusual = unusual or mismatched
            if tangled:  # `CellScan.marks` refuses the sheet
                raise ValueError("a < in an attribute value: not XML")
            if b"!" in chunk and _DOCTYPE.search(chunk):
                raise ValueError("a document type declaration")
            if _unplaced(chunk, unusual):  # anywhere: a writer may drop them part-way
                return False
            if hidden is not None and first:  # `<cols>` comes before the rows
                hidden.read_head(chunk)
            first = False
            if hidden is not None:
                hidden.read_rows(chunk, hiding)
            if styled and not (unusual or hinted or SCAN_EVERY_CELL) and shown is not None:
                styled = not shown.read_plain(chunk)  # every styled cell read, or none
            if hinted and not (unusual or rare or styled or SCAN_EVERY_CELL or has_hidden(chunk)):
                plain = plain_formula_marks(chunk, untrusted, FORMULA, FORMULA_NO_VALUE)
                if plain is not None:
                    found += plain
                    hinted = False
            if unusual or hinted or styled:  # `t = "e"` is an error cell too
                hints = _hint_starts(chunk, rare) if hinted and not unusual else []
                for match in _cells(chunk, unusual, hints, shown if styled else None):
                    _add(match.group(1), match.group(2) or b"", untrusted, None, found, shown)
    return True


def _add(
    attributes: bytes, body: bytes, untrusted: bool, place: tuple[int, int] | None,
    found: list[Mark], shown: Shown | None,
) -> None:  # fmt: skip
    """Add a cell's mark to `found`, or what it shows to `shown` when it has no mark but a
    formula's (a formula without a value, an error: nothing is shown but the mark)."""
    mark = _cell_mark(attributes, body, untrusted, place)
    if mark is not None:
        found.append(mark)
    if shown is not None and (mark is None or mark[2] == FORMULA):
        shown.read(attributes, body, place)


def _hint_starts(chunk: bytes, rare: bool) -> list[int]:
    """Where the chunk's hints (`_HINTS`, `_CODED_HINT`) start, in order; `rare`: it may
    hold others than `_COMMON_HINTS` (searched for with the whole pattern then)."""
    if rare:
        return [m.start() for m in _HINT_BYTES.finditer(chunk)]
    found = []
    for hint in _COMMON_HINTS:  # neither can overlap the other
        at = chunk.find(hint)
        while at >= 0:
            found.append(at)
            at = chunk.find(hint, at + len(hint))
    return sorted(found)


def _cells(
    chunk: bytes, whole: bool, hints: list[int], shown: Shown | None
) -> Iterator[re.Match[bytes]]:
    """The chunk's cells that may hold a formula or an error (at `hints`: `_hint_starts`),
    or be of a style of `shown`. Every cell, when its tags are
    not all canonical (`whole`) or it may hide tags (a comment, a CDATA section, a
    processing instruction); else the cell around each hint, found from the last `<c` and a
    space before it (every `<c` then starts an element: a `<` in an attribute value has
    the sheet refused). Parsing every cell in Python took 5 s for 100,000 rows with one
    formula each; `SCAN_EVERY_CELL` (tests) compares the two."""
    hiding = has_hidden(chunk)  # a document type declaration is refused before (`_scan`)
    if whole or SCAN_EVERY_CELL or hiding:
        yield from _CELL.finditer(blank_hidden(chunk) if hiding else chunk)
        return
    floor = 0  # no cell starts between here and the hint that is not yet parsed
    for hint in heapq.merge(hints, shown.starts(chunk) if shown is not None else ()):
        if hint < floor:
            continue
        start = _cell_start(chunk, floor, hint + 2)  # a hint may be the cell's `<c`
        cell = _CELL.match(chunk, start) if start >= 0 else None
        if cell is not None and cell.end() > hint:
            floor = cell.end()
            yield cell
        else:  # not in a cell (rules after the rows): the search back stops here from now on
            floor = hint


def _cell_start(chunk: bytes, floor: int, before: int) -> int:
    """The position of the last `<c` and a space, `/` or `>` in chunk[floor:before], or -1."""
    at = before
    while (at := chunk.rfind(b"<c", floor, at)) >= 0:
        if chunk[at + 2 : at + 3] in (b" ", b"\t", b"\n", b"\r", b"/", b">"):
            return at
    return -1


def _unplaced(chunk: bytes, unusual: bool) -> bool:
    """Whether the chunk holds a cell without a reference, parsed only when it holds a cell
    tag of `census.UNUSUAL_CELL` (`unusual`): every writer seen
    puts the reference first."""
    return unusual and any(
        b"r" not in tag_attributes(m.group(1)) for m in _CELL_TAG.finditer(chunk)
    )


def _positioned(
    chunks: Iterator[bytes], untrusted: bool, shown: Shown | None, hidden: Hidden | None = None
) -> list[Mark]:
    """`xlsx_marks` for sheets whose cells (or rows) carry no reference: counted in order."""
    found: list[Mark] = []
    row, col = 0, -1
    for chunk in chunks:
        if b"!" in chunk and _DOCTYPE.search(chunk):
            raise ValueError("a document type declaration")
        for match in _ROW_OR_CELL.finditer(blank_hidden(chunk)):
            if match.group("row") is not None:
                attrs = tag_attributes(match.group("row"))
                number = attrs.get(b"r", b"")
                row, col = (int(number) if number.isdigit() else row + 1), -1
                if hidden is not None and hidden.hides_row(attrs):
                    hidden.rows.append((row, row))
                continue
            attributes, body = match.group("cell"), match.group("body") or b""
            where = REFERENCE.fullmatch(tag_attributes(attributes).get(b"r", b""))
            col = column_number(where.group(1).decode().upper()) - 1 if where else col + 1
            _add(attributes, body, untrusted, (row, col), found, shown)
    return found


def _cell_mark(
    attributes: bytes, body: bytes, untrusted: bool, place: tuple[int, int] | None = None
) -> Mark | None:
    if b"c" in body and _NESTED_CELL.search(body):  # `CellScan.marks` refuses the sheet
        raise ValueError("a cell inside a cell: not SpreadsheetML")
    has_formula = _FORMULA.search(body) is not None
    coded = _coded(body)
    if not (has_formula or coded) and _misread(attributes, body):
        coded = b"?"  # an unreadable value, whatever its type
    # Only an error's type ends in e (`t="e"`), and a type written with a reference holds an
    # &: the other cells of a chunk with formulas need no parsing (a third of the scan of
    # 100,000 rows with a formula each went to parsing their attributes).
    maybe_error = b'e"' in attributes or b"e'" in attributes or b"&" in attributes
    if not (has_formula or coded or maybe_error):
        return None
    attrs = tag_attributes(attributes)
    kind = attrs.get(b"t", b"n")
    if kind != b"e" and not has_formula and not coded:
        return None
    if coded == b"?" and kind == b"e":
        coded = None  # an error's text is its own (`#N/A` for a blank one)
    if place is None:
        where = REFERENCE.fullmatch(attrs.get(b"r", b""))
        if where is None:
            return None  # not reached: such sheets are read by `_positioned`
        place = (int(where.group(2)), column_number(where.group(1).decode().upper()) - 1)
    row, col = place
    value = VALUE.search(body)
    text = xml_unescape(value.group(1).decode("utf-8", "replace")) if value else ""
    if kind == b"e":
        if coded == b"<" and len(_V_TAG.findall(body)) > 1:  # calamine reads the last
            return (row, col, UNREADABLE_VALUE, None)
        if value is not None and b"<" in value.group(1):
            text = xml_unescape(_BLANKED.sub(b"", value.group(1)).decode("utf-8", "replace"))
        return (row, col, ERROR, text or "#N/A")
    # A formula's text result (`t="str"`) is read with its references decoded; nothing else.
    if coded is not None and (kind != b"str" or coded != b"&"):
        return (row, col, UNREADABLE_VALUE, None)
    if not has_formula:
        return None
    if untrusted or (not text and kind != b"str"):
        return (row, col, FORMULA_NO_VALUE, None)
    return (row, col, FORMULA, None)


def _wide(head: bytes) -> bool:
    """Whether XML starts in UTF-16 or UTF-32 (with or without a byte order mark, after a
    UTF-8 one or white space): not ASCII-compatible, so no pattern of the scan matches in it.
    UTF-8 XML holds no NUL byte."""
    return head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head


def _coded(body: bytes) -> bytes | None:
    """How a cell's value is written when calamine may misread it: b"<" with markup in it (a
    CDATA section, a comment, a processing instruction, an element) or a second value element,
    b"&" with a reference, None when plain. calamine reads only the text before the first
    markup or reference (a number cell's `1&#x35;` read 1, `1<?x?>2` 1, `&#49;5` blank), a
    CDATA section not at all, and the last of two values (`<v>15</v><v>7</v>` read 7). A
    plain cell (`<v>15</v>`: two `<`) is not searched."""
    if b"&" not in body and body.count(b"<") <= 2:
        return None
    if len(_V_TAG.findall(body)) > 1:
        return b"<"
    value = VALUE.search(body)
    raw = value.group(1) if value is not None else b""
    if b"<" in raw:
        return b"<"
    return b"&" if b"&" in raw else None


def _misread(attributes: bytes, body: bytes) -> bool:
    """Whether calamine reads the cell's value as another with no sign: a shared string's
    index that is not plain digits (`<v>966 </v>`, `+3`, `1.0`) or past 64 bits (the first
    shared string's text, a header label), a number, boolean or date cell's blank value
    (`<v></v>`, `<v> </v>`: 0), an inline text cell with a value (read empty), a cell with
    two inline texts or a text and a value (read as one). No spreadsheet program writes
    these; a script may. The cell's type is parsed only for a value that is not plain digits."""
    inline = len(_IS_TAG.findall(body)) if b"is" in body else 0
    if inline > 1 or (inline and _V_TAG.search(body)):
        return True  # two texts, or a text and a value: calamine reads one, or none
    if b"v" not in body:
        return False
    value = VALUE.search(body)
    if value is None:
        return False
    raw = value.group(1)
    plain = raw.isdigit() and (len(raw) < 20 or int(raw) < 2**64)
    if plain and b"inlineStr" not in attributes:
        return False
    kind = tag_attributes(attributes).get(b"t", b"n")
    if kind in (b"n", b"b", b"d"):  # a blank boolean or date is read 0 too
        return not raw.strip()
    return (kind == b"s" and not plain) or kind == b"inlineStr"
