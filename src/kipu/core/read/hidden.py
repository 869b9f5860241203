"""The rows and columns a sheet hides, which calamine does not say: read as data like the
others (an autofilter hides rows that are still data), and reported by the validation
(`hidden-row`, `hidden-column`), as a partner may have hidden rows meaning to delete them.

- XLSX: found by the cell scan (`kipu.core.read.marks`) in the chunks `census.survey` hints:
  a row tag with `hidden="1"` or a height of zero (`hidden_rows`); its columns in the
  sheet's `<cols>`, before the rows (`hidden_columns`);
- XLS: the hidden flag of the ROW and COLINFO records, as xlrd reads them with the formats
  (`xls_hidden`);
- ODS: `table:visibility` `collapse` (hidden) or `filter` (filtered out) on a row or a
  column, repeats counted (`content_hidden`).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from kipu.core.read.chunks import (
    CELL_TAG,
    PREFIX,
    REFERENCE,
    TAG_ATTRIBUTES,
    blank_hidden,
    has_hidden,
    tag_attributes,
)
from kipu.core.read.errors import reason, unreadable

_ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"

_ROW_TAG = re.compile(rb"<" + PREFIX + rb"row(?=[ \t\r\n/>])(" + TAG_ATTRIBUTES + rb")/?>")
_BARE_ROW_TAG = re.compile(rb"<row(?=[ \t\r\n/>])(" + TAG_ATTRIBUTES + rb")/?>")
_ROW_HINT = re.compile(rb"(?:hidden|ht)[ \t\r\n]*=")
# A row tag's attributes as Excel writes a hidden row's (`r="7" spans="1:5" hidden="1"`).
_PLAIN_HIDDEN = re.compile(rb' r="(\d+)"(?: [\w:]+="[^"&]*")*? hidden="1"(?: [\w:]+="[^"&]*")*\Z')
_COL_TAG = re.compile(rb"<" + PREFIX + rb"col(?=[ \t\r\n/>])(" + TAG_ATTRIBUTES + rb")/?>")
_NEXT_ROW_OR_CELL = re.compile(rb"<" + PREFIX + rb"(?:row|c)(?=[ \t\r\n/>])")
_SHEET_DATA = re.compile(rb"<" + PREFIX + rb"sheetData[ \t\r\n/>]")
# A row tag's attributes with a height that is not zero, no `&` (`r="7" ht="15" customHeight="1"`).
_PLAIN_SIZED = re.compile(
    rb'(?: [\w:]+="[^"&]*")*? ht="(?!0*\.?0*")[0-9.]+"(?: [\w:]+="[^"&]*")*\Z'
)
_FORMAT_TAG = re.compile(
    rb"<" + PREFIX + rb"sheetFormatPr(?=[ \t\r\n/>])(" + TAG_ATTRIBUTES + rb")/?>"
)


@dataclass
class Hidden:
    """The rows (1-based) and columns (0-based, as marks place cells) a sheet hides, as
    inclusive ranges (`(7, 7)`; an ODS row repeated hidden is one range)."""

    rows: list[tuple[int, int]] = field(default_factory=list)
    columns: list[tuple[int, int]] = field(default_factory=list)
    # `<sheetFormatPr zeroHeight="1">` (ECMA-376 §18.3.1.81): rows are hidden by default,
    # those without a height of their own too (Excel's "hide every unused row").
    by_default: bool = False

    def read_head(self, chunk: bytes) -> None:
        """The sheet's first chunk: its hidden columns, and whether rows are hidden by
        default."""
        self.columns = hidden_columns(chunk)
        start = _SHEET_DATA.search(chunk)
        head = chunk[: start.start()] if start is not None else chunk
        for match in _FORMAT_TAG.finditer(head):
            zero = tag_attributes(match.group(1)).get(b"zeroHeight", b"").strip().lower()
            self.by_default = zero in (b"1", b"true")

    def read_rows(self, chunk: bytes, hinted: bool) -> None:
        """The rows a chunk of the sheet hides; `hinted`: the chunk has a row attribute
        that may hide (`census.survey`), looked into only then, unless rows are hidden by
        default: then every row tag is read."""
        if self.by_default:
            self.rows.extend((r, r) for r in self._unsized(chunk))
        elif hinted:
            self.rows.extend((r, r) for r in hidden_rows(chunk))

    def hides_row(self, attrs: dict[bytes, bytes]) -> bool:
        """Whether a row tag's attributes hide its row (`_positioned` reading of `marks`)."""
        return hides(attrs, b"ht") or (self.by_default and not attrs.get(b"ht", b"").strip())

    def _unsized(self, chunk: bytes) -> Iterator[int]:
        text = blank_hidden(chunk) if has_hidden(chunk) else chunk
        # Unprefixed tags are found from their literal start, far faster (`_BARE_ROW_TAG`).
        tags = _ROW_TAG if b":row" in text else _BARE_ROW_TAG
        for match in tags.finditer(text):
            attributes = match.group(1)
            # A row of a height of its own as Excel writes it, read without parsing: parsing
            # every row tag took 1.3 s for 100,000 rows.
            if b"hidden" not in attributes and _PLAIN_SIZED.match(attributes):
                continue
            attrs = tag_attributes(attributes)
            if self.hides_row(attrs) and (number := _row_number(text, match, attrs)):
                yield number


def hidden_rows(chunk: bytes) -> Iterator[int]:
    """The numbers of the rows the chunk hides: a row tag with `hidden="1"` (or `true`), or
    a height of zero (`ht="0"`, which Excel shows as hidden). A row tag without its number
    (`r`) takes its first cell's; one without cells holds nothing to report."""
    text = blank_hidden(chunk) if has_hidden(chunk) else chunk
    floor = 0
    for hint in _ROW_HINT.finditer(text):  # a search for row tags took 0.9 s for 100,000 rows
        if hint.start() < floor:
            continue
        start = text.rfind(b"<", floor, hint.start())  # a `<` in a value: the sheet is refused
        match = _ROW_TAG.match(text, start) if start >= 0 else None
        if match is None or match.end() <= hint.start():
            continue  # not in a row tag: a text, a cell's or a column's attribute
        floor = match.end()
        attributes = match.group(1)
        plain = _PLAIN_HIDDEN.match(attributes)  # as Excel writes it: no parsing
        if plain is not None and attributes.count(b"hidden") == 1 and b"&" not in attributes:
            yield int(plain.group(1))
            continue
        attrs = tag_attributes(attributes)
        if not hides(attrs, b"ht"):
            continue
        if (number := _row_number(text, match, attrs)) is not None:
            yield number


def _row_number(text: bytes, match: re.Match[bytes], attrs: dict[bytes, bytes]) -> int | None:
    """A row tag's number (`r`), or without one its first cell's; None for a row without
    cells, which holds nothing to report."""
    number = attrs.get(b"r", b"").strip()
    if number.isdigit():
        return int(number)
    after = _NEXT_ROW_OR_CELL.search(text, match.end())
    if match.group(0).endswith(b"/>") or after is None or after.group(0)[-1:] != b"c":
        return None
    cell = CELL_TAG.match(text, after.start())
    where = REFERENCE.fullmatch(tag_attributes(cell.group(1)).get(b"r", b"")) if cell else None
    return None if where is None else int(where.group(2))


def hidden_columns(chunk: bytes) -> list[tuple[int, int]]:
    """The columns (0-based ranges) the sheet's `<cols>` hides, in its first chunk (before
    `<sheetData>`): `hidden="1"`, or a width of zero."""
    start = _SHEET_DATA.search(chunk)
    head = chunk[: start.start()] if start is not None else chunk
    if b"col" not in head:
        return []
    if has_hidden(head):
        head = blank_hidden(head)
    found: list[tuple[int, int]] = []
    for match in _COL_TAG.finditer(head):
        attrs = tag_attributes(match.group(1))
        low, high = attrs.get(b"min", b"").strip(), attrs.get(b"max", b"").strip()
        if hides(attrs, b"width") and low.isdigit():
            first = int(low)
            last = int(high) if high.isdigit() else first
            if 1 <= first <= last:
                found.append((first - 1, min(last, 16_384) - 1))
    return found


def hides(attrs: dict[bytes, bytes], size: bytes) -> bool:
    """Whether a row's or column's attributes hide it: `hidden` true, or its `size` (`ht`,
    `width`) zero."""
    if attrs.get(b"hidden", b"").strip().lower() in (b"1", b"true"):
        return True
    try:
        return float(attrs.get(size, b"").strip() or b"nan") == 0
    except ValueError:
        return False


def xls_hidden(sheet: Any) -> Hidden:
    """The rows and columns an XLS sheet hides (the hidden flag of its ROW records, which a
    row of height zero sets too, and of its COLINFO records), as xlrd reads them with the
    formats."""
    # A height or width of zero hides too (libraries write it without the flag: xlwt).
    rows = [
        (r + 1, r + 1)
        for r, info in sorted(sheet.rowinfo_map.items())
        if info.hidden or getattr(info, "height", None) == 0
    ]
    columns = [
        (c, c)
        for c, info in sorted(sheet.colinfo_map.items())
        if info.hidden or getattr(info, "width", None) == 0
    ]
    return Hidden(rows, columns)


_ODS_ROW, _ODS_COLUMN = f"{_ODS_TABLE}table-row", f"{_ODS_TABLE}table-column"
_ODS_REPEATED = {
    _ODS_ROW: f"{_ODS_TABLE}number-rows-repeated",
    _ODS_COLUMN: f"{_ODS_TABLE}number-columns-repeated",
}
_ODS_HIDDEN = ("collapse", "filter")
# Whether content.xml may hide a row or column, as the parse reads the value: stripped of
# any white space (a no-break space), references decoded (`&#99;ollapse`).
_ODS_HIDING = re.compile(rb"""visibility\s*=\s*["'][^"'<]*(?:collapse|filter|&)""")


# content.xml cut in chunks, and the rows counted from each one's text, -1 for a chunk to
# parse (`ods.counted_rows`).
Counted = tuple[list[tuple[int, int]], list[int]]


def content_hidden(
    content: bytes, name: str, counted: Callable[[bytes], Counted] | None = None
) -> dict[str, Hidden]:
    """The rows and columns each sheet of an ODS file hides, by name, from the content.xml
    of a file named `name` (for its errors): `table:visibility` `collapse` (hidden by hand,
    or in a collapsed group) or `filter` (filtered out by an autofilter) on a row or a
    column, repeats counted. Parsed only when content.xml holds one, the chunks `counted`
    gives rows for counted instead of parsed (`ods_scan.ods_hidden`).

    Raises ReadError (`parser`) when expat refuses content.xml for more than the control
    characters `ods_parsable` blanks: calamine may read what expat refuses, and its hidden
    rows would be lost without a word."""
    if b"visibility" not in content or not _ODS_HIDING.search(content):
        return {}
    return ods_parsed(content, name, lambda xml: _ods_hidden_tables(xml, counted))


def ods_parsed(content: bytes, name: str, parse: Callable[[bytes], _Parsed]) -> _Parsed:
    """`parse(content)`, or when expat refuses content.xml, `parse` of it with the
    characters XML forbids blanked (`ods_parsable`): calamine reads them. Raises ReadError
    (`parser`, with expat's line and column) when expat refuses it still: what `parse`
    finds would be lost without a word."""
    import xml.etree.ElementTree as ET

    try:
        return parse(content)
    except ET.ParseError as error:
        parsable = ods_parsable(content)
        try:
            if parsable is None:
                raise
            return parse(parsable)
        except ET.ParseError:
            raise unreadable("parser", name, reason=reason(error)) from error


_Parsed = TypeVar("_Parsed")


def _ods_hidden_tables(
    content: bytes, counted: Callable[[bytes], Counted] | None
) -> dict[str, Hidden]:
    """`content_hidden` of content.xml. Raises ParseError, with expat's line and column in
    the whole file (parsed again whole when chunks were counted)."""
    import xml.etree.ElementTree as ET

    chunks = None if counted is None else counted(content)
    try:
        return _hidden_tables(content, chunks)
    except ET.ParseError:
        if chunks is None or max(chunks[1], default=-1) < 0:
            raise
        return _hidden_tables(content, None)


def _hidden_tables(content: bytes, chunks: Counted | None) -> dict[str, Hidden]:
    """Each table's `Hidden`, from content.xml parsed as a stream, each row dropped once
    read (`ods._ods_tables`: 1.8 GB whole); the chunks of `chunks` with rows counted
    (not -1) are not parsed: their rows, none of them hidden, are counted (12 s for one
    hidden row in 100,000 when every row was parsed). Raises ParseError."""
    import xml.etree.ElementTree as ET

    spans, counted = chunks or ([(0, len(content))], [-1])
    parser: Any = ET.XMLPullParser(events=("start", "end"))
    reading = _HiddenTables()
    view, open_rows = memoryview(content), 0
    for (start, end), rows in zip(spans, counted, strict=True):
        if rows >= 0 and not open_rows:
            reading.at[_ODS_ROW] += rows
            continue
        for event, element in fed_events(parser, view, start, end):
            if element.tag == _ODS_ROW:
                open_rows += 1 if event == "start" else -1
            if event == "end":
                reading.end(element)
    parser.close()
    return reading.found


class _HiddenTables:
    """The hidden rows and columns of each table, element by element (`end`)."""

    def __init__(self) -> None:
        self.found: dict[str, Hidden] = {}
        self._next()

    def _next(self) -> None:
        self.table = Hidden()
        self.at = {_ODS_ROW: 1, _ODS_COLUMN: 0}  # the next row's number (1-based), column's
        self.lines = {_ODS_ROW: self.table.rows, _ODS_COLUMN: self.table.columns}

    def end(self, element: Any) -> None:
        if element.tag in self.at:
            tag = element.tag
            repeat = ods_repeat(element.get(_ODS_REPEATED[tag]))
            hides = (element.get(f"{_ODS_TABLE}visibility") or "").strip() in _ODS_HIDDEN
            if hides and repeat:  # repeated "0": dropped, as calamine drops it
                self.lines[tag].append((self.at[tag], self.at[tag] + repeat - 1))
            self.at[tag] += repeat
            element.clear()
        elif element.tag == f"{_ODS_TABLE}table":
            name = element.get(f"{_ODS_TABLE}name", "")
            # Two names calamine tells apart may be one to expat ("A\tB", "A B"): neither
            # sheet is given the other's hidden rows.
            self.found[name] = Hidden() if name in self.found else self.table
            element.clear()
            self._next()


def fed_events(parser: Any, view: memoryview, start: int, end: int) -> Iterator[tuple[str, Any]]:
    """The events of `view[start:end]` fed to an `XMLPullParser`, part by part, each part's
    as soon as it is fed (`flush`: expat 2.6 defers a large token's otherwise)."""
    for at in range(start, end, _FEED):
        parser.feed(view[at : min(at + _FEED, end)])
        if hasattr(parser, "flush"):
            parser.flush()
        yield from parser.read_events()


_FEED = 1 << 14  # bytes fed to expat at once, as iterparse does: 1 MB took four times as long


def ods_repeat(value: str | None) -> int:
    """An ODS repeat or span (`table:number-rows-repeated`, `text:c`) counted as calamine
    counts it, since its values are read: 1 without one, "0" none (the row or cell is
    dropped), "+2" two; at most 2**40 (a sheet holds far fewer; Python refuses `int` of
    4,300 digits or more, and `"²".isdigit()` is true). Anything else, which calamine
    refuses, counts 1."""
    number = "1" if value is None else value.removeprefix("+")
    if not (number.isascii() and number.isdigit()):
        return 1
    digits = number.lstrip("0")
    return 1 << 40 if len(digits) > 12 else int(digits or "0")


# The characters XML 1.0 forbids (§2.2), which a program may write raw or as references
# (odfpy and pandas write a vertical tab pasted from Word as it is, or a U+FFFF): expat
# refuses them, calamine reads them.
_FORBIDDEN = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]|\xef\xbf[\xbe\xbf]")
_REFERENCE = re.compile(rb"&#(?:x([0-9a-fA-F]{1,8})|([0-9]{1,8}));")


def ods_parsable(content: bytes) -> bytes | None:
    """content.xml with each character XML forbids, raw or referenced (`&#11;`), made a
    space, for expat to parse what calamine read; None when it holds none (expat refused
    it for another reason), or one raw in a tag (`_in_markup`): there it is no space to
    calamine, which read `<table:table-row\x0b …>` as another element and dropped the row
    expat would count. A text read from such a cell has a space for it."""
    if _in_markup(content):
        return None
    parsable = _FORBIDDEN.sub(b" ", content)
    if b"&#" in parsable:
        parsable = _REFERENCE.sub(_allowed_reference, parsable)
    return None if parsable == content else parsable


def _in_markup(content: bytes) -> bool:
    """Whether a raw character XML forbids stands in a start or end tag, outside its
    attributes' quoted values (in a text or a value it is a space to both readers). Each
    tag holding one is read once (a text or a value holds no raw `<`)."""
    tag, end, quoted, searched = -1, -1, [(0, 0)], 0
    for found in _FORBIDDEN.finditer(content):
        at = found.start()
        start = content.rfind(b"<", searched, at)
        searched = at
        if start >= 0 and start != tag:
            tag, end, quoted = start, start, [(0, 0)]
            if not content.startswith((b"<!", b"<?"), start):  # a comment's text, a PI's
                end = _TAG_SPAN.match(content, start).end()  # type: ignore[union-attr]
                quoted += [q.span() for q in _QUOTED.finditer(content, start, end)]
        if at < end:
            begun, finished = quoted[bisect.bisect_right(quoted, (at, len(content))) - 1]
            if not begun <= at < finished:
                return True
    return False


# A tag from its `<` to its `>` (or as far as it goes), quoted values skipped whole.
_TAG_SPAN = re.compile(rb"""<(?:[^"'>]|"[^"]*"|'[^']*')*>?""")
_QUOTED = re.compile(rb""""[^"]*"|'[^']*'""")


def ods_table_name(name: str) -> str:
    """A sheet's name as `content_hidden` and `ods.ods_marks` have it when calamine's differs:
    expat makes each tab or line break of an attribute a space (XML 1.0 §3.3.3), and
    `ods_parsable` each character XML forbids; calamine keeps them."""
    return _NAME_BLANKS.sub(" ", name.replace("\r\n", "\n"))


_NAME_BLANKS = re.compile("[\x00-\x1f\ufffe\uffff]")


def _allowed_reference(match: re.Match[bytes]) -> bytes:
    hexadecimal, decimal = match.groups()
    code = int(hexadecimal, 16) if hexadecimal else int(decimal)
    forbidden = (code < 0x20 and code not in (0x9, 0xA, 0xD)) or 0xD800 <= code < 0xE000
    forbidden = forbidden or code in (0xFFFE, 0xFFFF) or code > 0x10FFFF
    return b"&#32;" if forbidden else match.group(0)
