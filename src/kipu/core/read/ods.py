"""ODS files, parsed from content.xml: the marks (`kipu.core.read.marks`) calamine does not
give, and the cells whose value it reads otherwise than the spreadsheet shows it, with the
text to read instead (`book_marks.Found`). Errors (LibreOffice's
`calcext:value-type="error"`, or an error's text shown over another value, as Excel's ODS
export writes them), formulas without a value, merged ranges, text calamine reads blank or
joined (a cell without a value type; `text:line-break`, `text:tab`), numbers without their
value, currency and percentage cells, numbers shown with a code's letters, a scale word or
as LibreOffice's booleans. ODS files whose values calamine misreads are refused.

content.xml is parsed only when a cheap search finds such a cell (`_may_hold`), and then as
a stream, each row dropped once read (`_ods_tables`).
"""

from __future__ import annotations

import contextlib
import functools
import math
import re
import zipfile
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from kipu.core.limits import DEFAULT_LIMITS, Limits
from kipu.core.read.book_marks import Found
from kipu.core.read.errors import unreadable
from kipu.core.read.hidden import fed_events, ods_parsed, ods_repeat
from kipu.core.read.marks import (
    DIVIDED_FORMAT,
    DOLLAR_FORMAT,
    ERROR,
    EXCEL_ERRORS,
    FORMULA,
    FORMULA_NO_VALUE,
    HIDING_FORMAT,
    TEXT_FORMAT,
    UNREADABLE_VALUE,
)
from kipu.core.read.numformats import (
    DOLLARS,
    visible,
)
from kipu.core.read.ods_rows import skipped_rows
from kipu.core.read.values import NOT_USD, bare_dollar, read_number, scale_readings

_ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_ODS_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_ODS_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_ODS_VALUE_KIND = "{urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0}value-type"
_ODS_CELLS = (f"{_ODS_TABLE}table-cell", f"{_ODS_TABLE}covered-table-cell")
_ODS_ROW, _ODS_TABLE_TAG = f"{_ODS_TABLE}table-row", f"{_ODS_TABLE}table"
# The attribute holding the value of each value type (ODF 1.3 part 3, §19.389, table 14). A
# `string` cell's value is its text when it has no `office:string-value`; `void` has none.
_VALUE_OF = {
    "float": f"{_ODS_OFFICE}value",
    "percentage": f"{_ODS_OFFICE}value",
    "currency": f"{_ODS_OFFICE}value",
    "date": f"{_ODS_OFFICE}date-value",
    "time": f"{_ODS_OFFICE}time-value",
    "boolean": f"{_ODS_OFFICE}boolean-value",
}
_PARAGRAPH = f"{_ODS_TEXT}p"
_LAYOUT = {f"{_ODS_TEXT}line-break": "\n", f"{_ODS_TEXT}tab": "\t"}
_WHITE = re.compile(r"[ \t\r\n]+")
# A sheet's marked cells beyond this many are refused (`Found.beyond`): a row repeated a
# million times over 300 such cells is a few bytes of XML.
_MOST_FOUND = 2_000_000
# calamine keeps a sheet's first 1,048,576 rows and drops the rest without a word: a row
# with a value past them is refused (`_TableRows.add`), its values would be lost.
_CALAMINE_ROWS = 1 << 20


def ods_marks(path: Path, limits: Limits = DEFAULT_LIMITS) -> dict[str, Found]:
    """What each sheet of an ODS file holds beyond calamine's values (`Found`), by name:
    `content_marks` of its content.xml and styles.xml ({} when it cannot be opened:
    calamine, which read it, reports broken files)."""
    found = ods_content(path)
    return {} if found is None else content_marks(*found, path.name, limits)


def ods_content(path: Path) -> tuple[bytes, bytes] | None:
    """An ODS file's content.xml and styles.xml (b"" without it), or None when the file or
    its content.xml cannot be read."""
    styles = b""  # LibreOffice writes a cell's number format in content.xml; others may not
    try:
        with zipfile.ZipFile(path) as archive:
            content = archive.read("content.xml")
            with contextlib.suppress(KeyError):
                styles = archive.read("styles.xml")
    except (KeyError, zipfile.BadZipFile, OSError):
        return None
    return content, styles


def content_marks(
    content: bytes, styles: bytes, name: str, limits: Limits = DEFAULT_LIMITS
) -> dict[str, Found]:
    """`ods_marks` of a file named `name` (for its errors) from its content.xml and
    styles.xml.

    Parsed only when content.xml may hold such a cell (`_may_hold`). Raises ReadError for a
    file with coded values (`_ODS_CODED`), which calamine misreads without complaint, and
    for content.xml expat refuses for more than the characters `hidden.ods_parsed`
    blanks (`parser`): its marks would be lost without a word (a PEN amount read as USD).
    """
    if (b"&" in content or b"<![" in content) and _ODS_CODED.search(content):
        raise unreadable("coded-values", name)
    factors = tuple(sorted(_display_factors(content) | _display_factors(styles)))
    return ods_parsed(content, name, lambda xml: _marks(xml, name, limits, factors))


def _marks(
    content: bytes, name: str, limits: Limits, factors: tuple[Decimal, ...]
) -> dict[str, Found]:
    """`ods_marks` of content.xml: parsed where a chunk may hold a cell to read (`_hints`),
    everywhere with display factors. Raises ParseError, and ReadError for a document type
    or ODF's namespaces bound otherwise (`_bound_otherwise`), judged on the bytes expat
    parses: with forbidden characters blanked (`hidden.ods_parsed`), `<t:table-row\x0b
    xmlns:t="…">` declares `t:` to expat, and calamine dropped the row."""
    if b"<!DOCTYPE" in content:  # it may give elements attributes their tags do not show
        raise unreadable("document-type", name)
    if _bound_otherwise(content):
        raise unreadable("odf-prefixes", name)
    spans = _hint_spans(content)
    hinted = _hints(content, spans)
    if not factors and not any(hinted) and not _past_calamine(content):
        return {}
    if factors:  # every number cell may show its value divided: every row is read
        hinted = [True] * len(spans)
    return _ods_tables(content, limits, (spans, hinted), factors)


def _ods_tables(
    content: bytes, limits: Limits, hints: tuple[list[tuple[int, int]], list[bool]],
    factors: tuple[Decimal, ...],
) -> dict[str, Found]:  # fmt: skip
    """Each table's `Found` (`_TableRows`), by name, from content.xml parsed as a stream: a
    row is dropped once read (the whole tree of 100,000 rows took 1.8 GB, of 400,000 rows
    9 GB). A table's rows are those read since the previous table ended (a table inside a
    cell, which no spreadsheet program writes, would count among its table's rows).

    `hints`: the chunks of content.xml (`_hint_spans`) and whether each may hold a cell to
    read (`_hints`). The cells of a row are read only when a chunk from its start tag to its
    end tag may hold one: reading every cell of 100,000 rows took 10 s for one odd cell."""
    import xml.etree.ElementTree as ET

    spans, hinted = hints
    if not _timely():
        hinted = [True] * len(spans)
    counted = skipped_rows(content, spans, hinted)
    try:
        return _parsed_tables(content, limits, (spans, hinted), counted, factors)
    except ET.ParseError:
        if max(counted, default=-1) < 0:
            raise
        # Parsed whole, for expat's line and column in the file, which the user is told.
        return _parsed_tables(content, limits, (spans, hinted), [-1] * len(spans), factors)


def _parsed_tables(
    content: bytes, limits: Limits, hints: tuple[list[tuple[int, int]], list[bool]],
    counted: list[int], factors: tuple[Decimal, ...],
) -> dict[str, Found]:  # fmt: skip
    """`_ods_tables`, the chunks of `counted` rows (not -1: `ods_rows.skipped_rows`)
    counted instead of parsed. Raises ParseError."""
    import xml.etree.ElementTree as ET

    found: dict[str, Found] = {}
    table = _TableRows(limits, factors)
    spans, hinted = hints
    parser: Any = ET.XMLPullParser(events=("start", "end"))
    view = memoryview(content)
    starts: list[int] = []  # the chunk each open row started in (a cell may hold rows)
    for index, (start, end) in enumerate(spans):
        # Rows of plain cells only, whole in the chunk: counted, not parsed (`ods_rows`).
        if counted[index] >= 0 and not starts and table.skip(counted[index]):
            continue
        for event, element in fed_events(parser, view, start, end):
            if element.tag == _ODS_ROW:
                if event == "start":
                    starts.append(index)
                    continue
                # The chunk before too, should an event come a feed late.
                first = max(0, min(starts.pop() if starts else 0, index - 1))
                table.add(element, read=any(hinted[first : index + 1]))
                element.clear()
            elif event == "end" and element.tag == _ODS_TABLE_TAG:
                name = element.get(f"{_ODS_TABLE}name", "")
                # Two names calamine tells apart may be one to expat ("A\tB", "A B").
                found[name] = Found(clash=True) if name in found else table.found
                element.clear()
                table = _TableRows(limits, factors)
    parser.close()
    return found


def counted_rows(content: bytes) -> tuple[list[tuple[int, int]], list[int]]:
    """content.xml's chunks (`_hint_spans`) and the rows counted from each one's text
    (`ods_rows.skipped_rows`; -1: to parse), for a reading that needs every row's number
    and no cell's (`hidden.content_hidden`). No chunk is counted when the text may not be
    read as expat reads it (`_utf8`, `_prefixes_named`, `_timely`)."""
    spans = _hint_spans(content)
    proven = _timely() and _utf8(content) and _prefixes_named(content)
    return spans, skipped_rows(content, spans, [not proven] * len(spans))


@functools.cache
def _timely() -> bool:
    """Whether this Python's expat gives each tag's event in the feed that ends the tag, so
    a row's chunks are known: tried on a start tag fed in two parts. expat 2.6 (and 2.5
    where a distribution backported its fix) defers parsing a large token until the input
    has doubled, unless told not to (`flush`, Python 3.11.9): its version does not say."""
    import xml.etree.ElementTree as ET

    parser: Any = ET.XMLPullParser(events=("start",))
    for part in (b"<r><a b='" + b"x" * 20_000, b"'/>"):
        parser.feed(part)
        if hasattr(parser, "flush"):
            parser.flush()
    return any(element.tag == "a" for _, element in parser.read_events())


_DISPLAY_FACTOR = re.compile(rb"""display-factor\s*=\s*["']\s*([0-9.eE+]{1,30})\s*["']""")


def _display_factors(xml: bytes) -> set[Decimal]:
    """The display factors above 1 of the number styles in `xml` (content.xml's automatic
    styles, styles.xml's): LibreOffice's `#,##0,` is `<number:number
    number:display-factor="1000">`, which shows 12000 as 12."""
    found = set()  # the pattern starts with a literal: found as fast as a substring
    for match in _DISPLAY_FACTOR.finditer(xml):
        with contextlib.suppress(InvalidOperation, ValueError):
            factor = Decimal(match.group(1).decode())
            if factor.is_finite() and factor > 1:
                found.add(factor)
    return found


# A CDATA section (calamine reads its text blank), or a reference in a value attribute
# (`office:boolean-value="tru&#101;"` read FALSE). LibreOffice writes neither; it may write
# a text's `office:string-value` with references, which calamine reads right.
_ODS_CODED = re.compile(rb"""<!\[CDATA\[|office:(?!string-)[\w-]*value\s*=\s*(?:"[^"]*&|'[^']*&)""")


_ERROR_TEXT = "|".join(re.escape(e) for e in sorted(EXCEL_ERRORS, key=len)[::-1])
# A cell the reading of every row would find nothing in, as LibreOffice writes most cells: an
# empty one, a string, a date with its value, or a float with its value showing a number's
# characters only (no leading zero: "0701" is `_padded`), in one paragraph without markup,
# with no attribute but these. Anything else in a cell (a comment, a span, a formula, a
# merge, another value type or prefix, a quoted `>`) makes the cell not plain: searching
# for each odd form missed some (a comment before the text, `calcext:value-type` alone,
# `#N<text:span>/A</text:span>`), and such a cell's text was read blank.
_OTHER = (
    r'(?:\s+(?:table:(?:style-name|content-validation-name)="[^"<&]*"'
    r'|table:number-columns-repeated="[0-9]+"))*'
)
_TEXT = r"(?:[^<&]|&(?:amp|lt|gt|quot|apos);)*"  # no markup, no character reference
# A text's spaces as LibreOffice writes one it keeps (a trailing one, or one after another),
# which the reading of the cell finds nothing in: plain in a string cell.
_SPACED_TEXT = r"(?:[^<&]|&(?:amp|lt|gt|quot|apos);|<text:s/>)*"
_PLAIN_NUMBER = r"[-+]?(?:[1-9][0-9.,]*|0(?:[.,][0-9]*)?)(?:[eE][-+]?[0-9]+)?"


def _typed(kind: str, value: str, text: str, empty: bool = True) -> str:
    """A plain cell of `kind`: its value attribute `value` (or none), its text `text`, or
    with `empty` an empty paragraph (a number's shows nothing: `_shows_no_digit`)."""
    held = f'{_OTHER}\\s+{value}="[-+0-9.eE:T]+"' if value else ""
    paragraph = f"<text:p>\\s*{text}\\s*</text:p>"
    return (
        f'<table:table-cell{_OTHER}\\s+office:value-type="{kind}"{held}{_OTHER}'
        f'(?:\\s+calcext:value-type="{kind}"{_OTHER})?\\s*>'
        f"\\s*(?:{'<text:p/>|' if empty else ''}{paragraph})\\s*</table:table-cell>"
    )


_PLAIN_CELL = "|".join(
    [
        f"<table:(?:covered-)?table-cell{_OTHER}\\s*/>",
        _typed("string", "", _SPACED_TEXT),
        _typed("date", "office:date-value", _TEXT),
        _typed("float", "office:value", _PLAIN_NUMBER, empty=False),
    ]
)
_CELL_NAME = _ODS_CELLS[0].rpartition("}")[2]  # what is left of a cell not plain, any prefix
# An error's text shown in a cell (`_cell_reading`), in any of them.
_ERROR_SHOWN = r">\s*(?:" + _ERROR_TEXT + r")\s*<"
# The namespaces `_PLAIN_CELL`'s prefixes must name (a file may bind `table:` to another).
_PREFIXES = {
    b"table": b"urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    b"office": b"urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    b"text": b"urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    b"calcext": b"urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0",
}
_HINT_CHUNK, _HINT_BATCH = 1 << 20, 8


def _hint_spans(content: bytes) -> list[tuple[int, int]]:
    """content.xml cut in chunks of about 1 MB, each ending after a row's tag
    (`table-row>`): (start, end) byte offsets. A cell cut in two (`table-row>` in its text
    or in an attribute) is plain in neither part."""
    spans, start = [], 0
    while start < len(content):
        end = content.find(b"table-row>", start + _HINT_CHUNK)
        end = len(content) if end < 0 else end + len(b"table-row>")
        spans.append((start, end))
        start = end
    return spans


def _hinted_batch(batch: list[str]) -> list[bool]:
    """Per chunk: whether it may hold a cell with a mark or a text to read: a cell that is
    not plain (`_PLAIN_CELL`: `table-cell` is left once the plain ones are taken out, in any
    prefix), or an error's text."""
    import polars as pl

    texts = pl.Series(batch, dtype=pl.Utf8)
    odd = texts.str.replace_all(_PLAIN_CELL, "").str.contains(_CELL_NAME, literal=True)
    return (odd | texts.str.contains(_ERROR_SHOWN)).to_list()


def _hints(content: bytes, spans: list[tuple[int, int]]) -> list[bool]:
    """`_hinted_batch` of the chunks of `spans`, run by polars eight chunks at a time; every
    chunk when content.xml may not be UTF-8, which the search reads it as (`_utf8`), or
    the search's prefixes may name other namespaces (`_prefixes_named`). Parsing
    content.xml costs ten times as much as this search."""
    if not (_utf8(content) and _prefixes_named(content)):
        return [True] * len(spans)
    found: list[bool] = []
    for at in range(0, len(spans), _HINT_BATCH):
        batch = [content[a:b].decode("utf-8", "replace") for a, b in spans[at : at + _HINT_BATCH]]
        found += _hinted_batch(batch)
    return found


def _utf8(content: bytes) -> bool:
    """Whether content.xml is UTF-8 as expat reads it: no other encoding declared (a
    UTF-8 text declared `cp437` reads an em space before a 5 as a code, "ΓÇâ5"), and not
    UTF-16 (whose `table-cell` the search would never find)."""
    start = 3 if content.startswith(b"\xef\xbb\xbf") else 0  # UTF-8's byte order mark
    if not content.startswith(b"<", start) or content.startswith(b"<\0", start):
        return False
    if not content.startswith(b"<?xml", start):
        return True
    end = content.find(b"?>", start)  # the declaration may hold any white space
    declared = _ENCODING.match(content, start, end) if end >= 0 else None
    return end >= 0 and (declared is None or declared.group(1).lower() in (b"utf-8", b"utf8"))


# The encoding an XML declaration names (`<?xml version="1.0" encoding="UTF-8"?>`).
_ENCODING = re.compile(rb"""<\?xml\s[^>]*?encoding\s*=\s*["']([^"']*)["']""")


def _prefixes_named(content: bytes) -> bool:
    """Whether `table:`, `office:`, `text:` and `calcext:` can only name ODF's namespaces:
    each declared at most once, as ODF's, and no document type (which may give elements
    attributes their tags do not show)."""
    values = _declared(content)
    return b"<!DOCTYPE" not in content and all(
        values.get(p, [n]) == [n] for p, n in _PREFIXES.items()
    )


def _bound_otherwise(content: bytes) -> bool:
    """Whether content.xml may bind ODF's table, office or calcext namespace otherwise than
    LibreOffice does: to another prefix or as the default namespace (`<t:table-row>`), or
    `table:` (`office:`, `calcext:`) to another namespace. calamine reads names as written,
    expat by namespace: a row one counts and the other does not put every mark after it a
    row off (a PEN amount read as 100, another row's 150 read as the amount), and a value
    type one sees and the other does not reads a PEN amount as 100 without a mark. A
    paragraph's prefix moves nothing: it is read by namespace (`_paragraph`)."""
    canonical = {_PREFIXES[p]: p for p in _STRICT}
    for prefix, names in _declared(content).items():
        for name in names:
            if b"&" in name or canonical.get(name, prefix) != prefix:
                return True
            if prefix in _STRICT and name != _PREFIXES[prefix]:
                return True
    return False


_STRICT = (b"table", b"office", b"calcext")


def _declared(content: bytes) -> dict[bytes, list[bytes]]:
    """The names each prefix is declared for in content.xml's tags (b"": the default
    namespace), as written; not a text or an attribute's value that looks like one. One
    pass: 0.1 s a 225 MB content.xml; each tag holding `xmlns` after its `<` is read once
    (a text or a value holds no raw `<`), so a text of a million `xmlns` costs no more."""
    values: dict[bytes, list[bytes]] = {}
    tag, declarations, searched = -1, {}, 0
    at = content.find(b"xmlns")
    while at >= 0:
        start = content.rfind(b"<", searched, at)
        searched = at
        if start >= 0 and start != tag:
            tag, declarations = start, _tag_declarations(content, start)
        if at in declarations:
            prefix, name = declarations[at]
            values.setdefault(prefix, []).append(name)
        at = content.find(b"xmlns", at + 1)
    return values


def _tag_declarations(content: bytes, start: int) -> dict[int, tuple[bytes, bytes]]:
    """The namespace declarations among the attributes of the start tag at `start`: where
    each one's name starts → (its prefix, b"" for the default namespace; the name declared,
    as written). {} when `start` opens no start tag."""
    found: dict[int, tuple[bytes, bytes]] = {}
    name = _TAG_NAME.match(content, start)
    at = name.end() if name else -1
    while at >= 0 and (attribute := _TAG_ATTRIBUTE.match(content, at)):
        written = attribute.group(1)
        if written == b"xmlns" or written.startswith(b"xmlns:"):
            found[attribute.start(1)] = (written[6:], attribute.group(2)[1:-1])
        at = attribute.end()
    return found


_TAG_NAME = re.compile(rb"<[^\s<>/!?]+")
# An attribute after a tag's name or another attribute: its name and its quoted value.
_TAG_ATTRIBUTE = re.compile(rb"""[ \t\r\n]+([^\s=/<>"']+)[ \t\r\n]*=[ \t\r\n]*("[^"]*"|'[^']*')""")


def _may_hold(content: bytes) -> bool:
    """Whether content.xml may hold a cell with a mark or a text to read (`_hints`)."""
    return any(_hints(content, _hint_spans(content)))


class _TableRows:
    """One sheet's `Found`, row by row: marks and texts of repeated rows and cells repeated
    with them, within the limits (`Found.beyond` says where the first one past them is, and
    no row after it is read). `factors`: the workbook's display factors (`_display_factors`)."""

    def __init__(self, limits: Limits, factors: tuple[Decimal, ...] = ()) -> None:
        self.found, self.limits, self.factors, self.row = Found(), limits, factors, 0

    def skip(self, rows: int) -> bool:
        """Count `rows` rows no cell of which is read (`ods_rows.skipped_rows`); False, and
        nothing counted, when they may pass calamine's last row (a row with a value past it
        is refused: `add`)."""
        if self.row + rows > _CALAMINE_ROWS:
            return False
        self.row += rows
        return True

    def add(self, element: Any, read: bool = True) -> None:
        """Count the row (its repeats), and read its cells unless `read` is false (no cell
        of it may carry a mark or a text: `_hints`)."""
        found, row, limits = self.found, self.row, self.limits
        if found.beyond is not None:
            return
        repeat = ods_repeat(element.get(f"{_ODS_TABLE}number-rows-repeated"))
        self.row += repeat
        if self.row > _CALAMINE_ROWS and _holds(element):
            found.beyond = (self.row, 1)  # calamine dropped it (`_CALAMINE_ROWS`)
            return
        if not read:
            return
        for col, span, kind, detail, text in _ods_row(element, row, found, self.factors):
            rows = range(row, min(row + repeat, limits.max_rows))
            cols = range(col, min(col + span, limits.max_columns))
            many = len(found.marks) + len(found.texts) + len(rows) * len(cols) > _MOST_FOUND
            if len(rows) < repeat or len(cols) < span or many:
                found.beyond = (row + repeat, col + span)
                return
            for r in rows:
                for c in cols:
                    if kind is not None:
                        found.marks.append((r + 1, c, kind, detail))
                    if text is not None:
                        found.texts[(r + 1, c)] = text


def _past_calamine(content: bytes) -> bool:
    """Whether content.xml may hold more rows than calamine keeps (`_CALAMINE_ROWS`): then
    it is parsed, each row counted, for `_TableRows.add` to refuse a row with a value past
    them. Rows as calamine counts them: its tag as written (`table:table-row`, not a group's
    `table:table-rows`), repeats added. LibreOffice writes its sheet's last empty row
    repeated to 1,048,576 rows exactly."""
    # A comment or a PI may hold `<table:table` and cut a sheet's count in two: then one
    # count of the whole file, as calamine's rows could be any sheet's.
    hiding = b"<!--" in content or content.find(b"<?", 5) >= 0
    tables = () if hiding else (m.start() for m in _TABLE_START.finditer(content))
    starts = [0, *tables, len(content)]
    for start, end in zip(starts, starts[1:], strict=False):  # each sheet's own rows
        rows = content.count(b"<table:table-row", start, end)
        rows -= content.count(b"<table:table-rows", start, end)
        rows -= content.count(b"<table:table-row-group", start, end)
        for repeat in _ROWS_REPEATED.finditer(content, start, end):
            written = repeat.group(1) or repeat.group(2) or b""
            number = written.strip().removeprefix(b"+").lstrip(b"0")
            if b"&" in number or len(number) > 12:  # `&#49;048576`: calamine decodes it
                return True
            rows += int(number or b"0") - 1 if number.isdigit() or not number else 0
            if rows > _CALAMINE_ROWS:
                return True
    return False


_TABLE_START = re.compile(rb"<table:table[\s/>]")
_ROWS_REPEATED = re.compile(rb"""rows-repeated\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def _holds(row: Any) -> bool:
    """Whether a row has a cell calamine keeps: a value, a formula or a text (a comment is
    not a cell's text)."""
    return any(
        c.get(f"{_ODS_OFFICE}value-type") or c.get(f"{_ODS_TABLE}formula") or _ods_text(c)
        for c in row
        if c.tag in _ODS_CELLS
    )


_Reading = tuple[int, int, str | None, str | None, str | None]  # col, span, kind, detail, text


def _ods_row(
    element: Any, row: int, found: Found, factors: tuple[Decimal, ...] = ()
) -> list[_Reading]:
    """The cells of one row that carry a mark or a text to read; its merged ranges are added
    to `found`."""
    readings: list[_Reading] = []
    col = 0
    for cell in element:
        if cell.tag not in _ODS_CELLS:
            continue
        span = min(ods_repeat(cell.get(f"{_ODS_TABLE}number-columns-repeated")), 16384)
        # Within a sheet's largest size (a span of 10**11 is written in a few bytes).
        down = min(ods_repeat(cell.get(f"{_ODS_TABLE}number-rows-spanned")), _CALAMINE_ROWS)
        across = min(ods_repeat(cell.get(f"{_ODS_TABLE}number-columns-spanned")), 16_384)
        if down > 1 or across > 1:
            found.merged.append(((row, col), (row + down - 1, col + across - 1)))
        kind, detail, text = _ods_reading(cell, factors)
        if kind is not None or text is not None:
            readings.append((col, span, kind, detail, text))
        col += span
    return readings


def _ods_reading(
    cell: Any, factors: tuple[Decimal, ...] = ()
) -> tuple[str | None, str | None, str | None]:
    """A cell's mark (kind, detail) and the text to read in it instead of calamine's value
    (None when calamine reads it right). `factors`: the workbook's display factors, by
    which a number cell may show its value divided (`_divided`). A formula's saved result
    read as it is gets the formula's mark, as in an XLSX."""
    kind, detail, text = _cell_reading(cell, factors)
    if kind is None and text is None and cell.get(f"{_ODS_TABLE}formula"):
        return FORMULA, None, None
    return kind, detail, text


def _cell_reading(
    cell: Any, factors: tuple[Decimal, ...]
) -> tuple[str | None, str | None, str | None]:
    kind = cell.get(f"{_ODS_OFFICE}value-type")
    shown = _ods_text(cell)
    if cell.get(_ODS_VALUE_KIND) == "error" or shown.strip() in EXCEL_ERRORS:
        # LibreOffice's error (an empty string value, which calamine reads), or Excel's ODS
        # export: the error's text shown over a 0 or an empty string.
        return ERROR, shown.strip() or "#N/A", None
    value = cell.get(_VALUE_OF[kind]) if kind in _VALUE_OF else None
    if cell.get(f"{_ODS_TABLE}formula") and (kind in _VALUE_OF or kind is None) and value is None:
        # LibreOffice saves a formula whose result is "" (`=IF(…;"";…)`) with no value type
        # and an empty paragraph (it was refused as never computed); a script may write the
        # same of a formula it never computed: read as empty, with the formula's warning.
        if kind is None and not shown and cell.find(_PARAGRAPH) is not None:
            return FORMULA, None, None
        return FORMULA_NO_VALUE, None, None
    if kind == "float" and value is not None and shown.strip().upper() in _BOOLEAN_TEXTS:
        # LibreOffice's TRUE is a 1 shown so (a boolean format): read as Excel's TRUE is, not
        # as a count of 1 (a tester's `=S3>0` in a count column was read 1, with no issue).
        return None, None, shown.strip()
    if kind in _NUMBERS and value is not None and _shows_no_digit(cell, shown, value):
        # A format of a text alone (`"n/a"`): read as that text, as an XLSX's; of nothing
        # (`;;;`): read, and marked, as the cell looks empty (`numformats.hidden`).
        if not visible(shown):
            return HIDING_FORMAT, None, None
        return TEXT_FORMAT, _held(value), shown.strip()  # the text read, the number said
    if kind in ("float", "currency") and value is not None and _scaled(shown, value):
        return None, None, shown.strip()  # "5 M" of a 5: which 5 is meant is not known
    if kind == "float" and value is not None and (padded := _padded(shown, value)):
        return None, None, padded  # "010101": a code as its writer saw it
    if kind in ("currency", "percentage") and value is not None:
        text = _amount_text(cell, kind, value, shown)
        code = (cell.get(f"{_ODS_OFFICE}currency") or "").strip()
        if text is None and kind == "currency" and code in ("", "$"):
            # No currency code (or `$`): the dollar of the locale it was written in, unless
            # the text shown names one (`US$ 100`) or none (`100`).
            unknown = code == "$" or not shown.strip() or bare_dollar(shown)
            return (DOLLAR_FORMAT if unknown else None), None, None
        return None, None, text
    if kind == "float" and value is not None and "$" in shown and bare_dollar(shown):
        return DOLLAR_FORMAT, None, None  # a `"$"` written in the format is its text
    floated = kind == "float" and factors and value is not None
    number = _divided(shown.strip(), value.strip(), factors) if floated and value else None
    if number is not None:
        return DIVIDED_FORMAT, number, None  # "12" of a 12000: its style's factor
    if kind is None:  # LibreOffice reads such a cell as text (its default cell type)
        text = cell.get(f"{_ODS_OFFICE}string-value", shown)
        return None, None, text if text.strip() else None
    if kind == "string":
        laid_out = cell.get(f"{_ODS_OFFICE}string-value") is None and _laid_out(cell)
        return None, None, shown if laid_out else None
    if value is None and shown.strip():  # a number without its value, `void` or unknown
        return UNREADABLE_VALUE, None, None
    return None, None, None


_NUMBERS = ("float", "currency", "percentage")


def _shows_no_digit(cell: Any, shown: str, value: str) -> bool:
    """Whether a number cell other than 0 shows none of its digits: a text alone, or nothing
    in a paragraph or a styled cell. A cell with neither (no paragraph, no style) is a
    program's that writes no text for numbers: its value is what it shows."""
    if any(c.isdigit() for c in shown):
        return False
    try:
        number = float(value)
    except ValueError:
        return False
    if number == 0 or not math.isfinite(number):
        return False
    written = cell.find(_PARAGRAPH) is not None or cell.get(f"{_ODS_TABLE}style-name")
    return bool(shown.strip()) or bool(written)


def _held(value: str) -> str:
    """`office:value` as the number's digits ("12" for "12", "3.5" for "3.50")."""
    try:
        return format(Decimal(value.strip()).normalize(), "f")
    except (InvalidOperation, ValueError):
        return value.strip()


def _scaled(shown: str, value: str) -> bool:
    """Whether a number cell shows its own value with a word that scales it ("5 M" of a 5,
    or of a 5.4 rounded: `values.scale_readings`). A format that divides the number it shows
    (LibreOffice's display factor, a thousand or more: "5 M" of a 5,000,000) shows a number
    far from it: the value is then what is meant, and read."""
    if not any(c.isalpha() for c in shown):
        return False
    try:
        number = abs(float(value))
    except ValueError:
        return False
    if number == 0 or not math.isfinite(number):
        return False
    return any(number < 100 * max(abs(r), 0.5) for r in scale_readings(shown))


# A number as a cell shows it: digits with separators between them, maybe a sign before.
_SHOWN_NUMBER = re.compile(r"[-\u2212]?\d(?:[\d.,\s\u00a0\u202f'’]*\d)?")


@functools.lru_cache(maxsize=4096)
def _divided(shown: str, value: str, factors: tuple[Decimal, ...]) -> str | None:
    """The number a float cell shows when it is its value divided by a display factor of
    the workbook ("12" of a 12000 whose style's factor is 1000: `numformats.divided` for
    XLSX), with no word that scales it ("12 K", "5 millones": the scale is seen); None
    for any other cell, and for 0. Told by the digits shown: those of the value itself,
    rounded to some decimals, are no division (12000 shown "12.000")."""
    found = _SHOWN_NUMBER.search(shown)
    if found is None or scale_readings(shown) or _EXPONENT.search(shown):
        return None
    try:
        held = abs(Decimal(value))
    except InvalidOperation:
        return None
    if not held.is_finite() or held == 0:
        return None
    digits = re.sub(r"\D", "", found.group()).lstrip("0")
    decimals = min(len(re.sub(r"\D", "", found.group())), 30)
    for factor in (Decimal(1), *factors):
        for places in range(decimals + 1):
            try:
                number = (held / factor).quantize(Decimal(1).scaleb(-places), context=_WIDE)
            except InvalidOperation:  # past 400 digits (1E500): no text shows it divided
                return None
            if re.sub(r"\D", "", str(number)).lstrip("0") == digits:
                return None if factor == 1 else found.group()
    return None


_WIDE = Context(prec=400, rounding=ROUND_HALF_UP)
_EXPONENT = re.compile(r"\d[eE][+-]?\d")  # "1.2E+04": scientific, no division


def _padded(shown: str, value: str) -> str | None:
    """The text to read in a number cell showing its whole value as part of a code, as
    `numformats.shown` reads such an XLSX cell: with leading zeros ("00045" of a 45:
    `number:min-integer-digits`), or after a code's letters ("PE07", "PE15", "R4V-1234": a
    format's text); words after the digits are left out ("007 personas" reads "007"). None
    for any other cell (a `$` before the digits is judged as a dollar: `bare_dollar`)."""
    found = _PADDED.fullmatch(shown.strip())
    if found is None or _SCIENTIFIC.fullmatch(shown.strip()):  # "0.00E00", "5.E5": no code
        return None
    before, digits = found.group(1) or "", found.group(2)
    try:
        if float(value) != int(digits):
            return None
    except ValueError:
        return None
    if not before.strip() or before.strip().upper() in DOLLARS:  # "USD 0050000": an amount
        return digits if digits.startswith("0") and len(digits) > 1 else None
    return f"{before}{digits}"


# A number in scientific notation as a format shows it ("0.00E00", "5.E5", "-1.5e3").
_SCIENTIFIC = re.compile(r"[-+\u2212]?[0-9][0-9.,]*[eE][-+]?[0-9]+")
# What LibreOffice shows of a boolean (a number in a boolean format) in its languages.
_BOOLEAN_TEXTS = frozenset(
    {"TRUE", "FALSE", "VERDADERO", "FALSO", "VERDADEIRO", "VRAI", "FAUX", "WAHR", "FALSCH"}
    | {"VERO", "WAAR", "ONWAAR"}
)
# A code's letters (or none), its digits, words after them.
_PADDED = re.compile(r"((?:[^\W_]|[ ./-])*?[^\W\d_][ ./-]?)?([0-9]+)(\D*)")


def _ods_text(cell: Any) -> str:
    """The text a cell shows, as ODF defines it (1.3 part 3, §6.1): its paragraphs one per
    line, `text:line-break` a line break, `text:tab` a tab, `text:s` its spaces, each run of
    white space in the XML one space. Only paragraphs are the cell's text, as LibreOffice
    reads it: an annotation (a comment) is not."""
    paragraphs = [p for p in cell if p.tag == _PARAGRAPH]
    if len(paragraphs) == 1 and not len(paragraphs[0]):  # most cells: no markup to read
        return _WHITE.sub(" ", paragraphs[0].text or "")
    return "\n".join(map(_paragraph, paragraphs))


def _paragraph(element: Any) -> str:
    """A paragraph's text (`_ods_text`), walked with a stack: spans nested a thousand deep,
    which calamine reads, exceeded Python's recursion limit."""
    parts = [_WHITE.sub(" ", element.text or "")]
    stack = [(element, iter(element))]
    while stack:
        node, children = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            if stack:  # a span's end: its tail follows it
                parts.append(_WHITE.sub(" ", node.tail or ""))
            continue
        if child.tag in _LAYOUT:
            parts.append(_LAYOUT[child.tag])
        elif child.tag == f"{_ODS_TEXT}s":
            parts.append(" " * min(ods_repeat(child.get(f"{_ODS_TEXT}c")), 32_767))
        elif child.tag != f"{_ODS_TEXT}note":  # a footnote's body is not the cell's text
            parts.append(_WHITE.sub(" ", child.text or ""))
            stack.append((child, iter(child)))
            continue
        parts.append(_WHITE.sub(" ", child.tail or ""))
    return "".join(parts)


def _laid_out(cell: Any) -> bool:
    """Whether a paragraph of the cell holds a line break or a tab, which calamine drops."""
    return any(node.tag in _LAYOUT for p in cell if p.tag == _PARAGRAPH for node in p.iter())


def _amount_text(cell: Any, kind: str, value: str, shown: str) -> str | None:
    """The text to read in a percentage or currency cell: the percentage as shown (`5%`, not
    0.05), an amount in another currency than the US dollar as shown (`S/ 100.00`, which
    values read like a CSV's), or with its ISO code (`PEN 100`) when the text shown does
    not name it; None for a US dollar amount, read as its number."""
    if kind == "percentage":
        return shown.strip() if "%" in shown else f"{_hundred_times(value)}%"
    code = (cell.get(f"{_ODS_OFFICE}currency") or "").strip().upper()
    if code in DOLLARS:
        return None
    reading = read_number(shown, set(), set(), amount=True) if shown.strip() else None
    if reading is not None and (reading.code == NOT_USD or reading.value is None):
        return shown.strip()
    return f"{code} {value.strip()}" if code else None


def _hundred_times(value: str) -> str:
    """`office:value` times 100, exactly (0.07 is 7, not 7.000000000000001)."""
    try:
        return format((Decimal(value.strip()) * 100).normalize(), "f")
    except (InvalidOperation, ValueError):
        return value.strip()
