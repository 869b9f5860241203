"""A worksheet's XML in chunks that each end at the end of a row, for the scans of
`kipu.core.read.marks` (and the census in it): every cell is whole in one chunk.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from typing import IO

from kipu.core.read.package import xml_unescape

# A namespace prefix as XML allows it (letters of any script, digits, `-`, `.`: `x-y:c`),
# for the patterns of the scans.
PREFIX = rb"""(?:[^\s<>/:="'!?]+:)?"""
_ROW_END = re.compile(rb"</" + PREFIX + rb"row\s*>")
# A cell's start tag, and a whole cell (quoted attribute values skipped whole).
_CELL_START = re.compile(rb"<" + PREFIX + rb"c[ \t\r\n/>]")
_CELL_WHOLE = re.compile(
    rb"<"
    + PREFIX
    + rb"""c(?=[ \t\r\n/>])(?:[^>"']|"[^"]*"|'[^']*')*?(?:/>|>.*?</"""
    + PREFIX
    + rb"c\s*>)",
    re.S,
)
# The XML declaration: `<?xml` and white space (`<?xml-stylesheet …?>` is a processing
# instruction), no tag in it.
_DECLARATION = re.compile(rb"(?:\xef\xbb\xbf)?<\?xml[ \t\r\n][^<>]*\?>")
# What follows a row's end: the next row, or the end of the rows.
_AFTER_ROW_END = re.compile(
    rb"<" + PREFIX + rb"row[ \t\r\n/>]|</" + PREFIX + rb"sheetData[ \t\r\n>]"
)
# What may hold a `</row>` that ends no row (a chunk cut there cuts a cell in two, and the
# cell's error mark was lost), each with what closes it. Excel never writes these in a sheet;
# a chunk holding one is parsed whole (`marks._cells`).
_HIDING = {b"<!--": b"-->", b"<![CDATA[": b"]]>", b"<?": b"?>"}  # opener: closer
_LONGEST = max(map(len, _HIDING))
# One MB: as fast as larger ones, and the scan runs beside fastexcel's reading, whose peak it
# adds to (2 MB chunks cost 20 MB more of it on a 100,000-row sheet). Tests make it smaller.
CHUNK = 1 << 20


def row_chunks(handle: IO[bytes]) -> Iterator[bytes]:
    """Chunks of about CHUNK bytes that each end at the end of a row, so no cell is cut in
    two. A `</row>` in a comment, a CDATA section or a processing instruction ends no row:
    a chunk never ends inside one (it grows until the construct closes)."""
    buffer, hidden = bytearray(), _Hidden()
    while block := handle.read(CHUNK):
        buffer += block
        limit = hidden.update(buffer)
        end = _row_end(buffer, hidden.spans, limit)
        if end >= 0:
            with memoryview(buffer) as view:  # one copy, not two; released before the cut
                chunk = bytes(view[:end])
            del buffer[:end]
            hidden.cut(end)
            yield chunk
    if buffer:
        yield bytes(buffer)


class _Hidden:
    """The comments, CDATA sections and processing instructions (the XML declaration among
    them) of a buffer that grows at its end and is cut at its start: each byte is searched
    once (searching the whole buffer again at each block took 41 s for a 192 MB comment)."""

    def __init__(self) -> None:
        self.spans: list[tuple[int, int]] = []
        self.at = 0  # openers are searched for from here
        self.open: tuple[int, bytes] | None = None  # an opener whose closer is not read yet
        self.searched = 0  # where the search for that closer resumes

    def update(self, data: bytes | bytearray) -> int:
        """Take in what was added to `data`; where an unclosed construct opens, or len(data)."""
        if self.open is not None:
            begin, opener = self.open
            closer = _HIDING[opener]
            close = data.find(closer, self.searched)
            if close < 0:
                self.searched = max(self.searched, len(data) - len(closer) + 1)
                return begin
            self.spans.append((begin, close + len(closer)))
            self.at, self.open = close + len(closer), None
        # `<` is everywhere in XML: a search for `<!--` stops at each one (0.2 s for 100,000
        # rows), one for `!` or `?` (searched for first) rarely.
        marks = {mark: data.find(mark, self.at) >= 0 for mark in (b"!", b"?")}
        next_at = {o: data.find(o, self.at) for o in _HIDING if marks[o[1:2]]}
        while live := [(at, opener) for opener, at in next_at.items() if at >= 0]:
            begin, opener = min(live)
            closer = _HIDING[opener]
            close = data.find(closer, begin + len(opener))
            if close < 0:
                self.open, self.searched = (begin, opener), begin + len(opener)
                self.at = begin
                return begin
            end = close + len(closer)
            self.spans.append((begin, end))
            self.at = end  # never searched again: an opener in it is no opener
            for other, at in next_at.items():  # each opener is searched for forward only
                if 0 <= at < end:
                    next_at[other] = data.find(other, end)
        self.at = max(self.at, len(data) - _LONGEST + 1)  # an opener may be cut at the end
        return len(data)

    def cut(self, end: int) -> None:
        """The first `end` bytes left the buffer (`end` is outside every span)."""
        self.spans = [(b - end, e - end) for b, e in self.spans if e > end]
        self.at = max(0, self.at - end)
        self.searched = max(0, self.searched - end)
        if self.open is not None:
            self.open = (self.open[0] - end, self.open[1])


def declaration_end(chunk: bytes) -> int:
    """Where the XML declaration (`<?xml …?>`, after a UTF-8 byte order mark that .NET
    writers put) of a sheet's first chunk ends; 0 in other chunks."""
    found = _DECLARATION.match(chunk)
    return found.end() if found is not None else 0


def has_hidden(chunk: bytes, comments: bool = True) -> bool:
    """Whether the chunk holds a CDATA section or a processing instruction other than the XML
    declaration (and, with `comments`, a comment). `!` and `?` are searched for first: `<`
    is everywhere, and a search for `<?` stopped at each one (0.2 s for 100,000 rows)."""
    start = declaration_end(chunk)
    bang = chunk.find(b"!", start) >= 0
    if bang and (b"<![CDATA[" in chunk or (comments and b"<!--" in chunk)):
        return True
    return chunk.find(b"?", start) >= 0 and chunk.find(b"<?", start) >= 0


def blank_hidden(chunk: bytes) -> bytes:
    """The chunk with each comment, CDATA section and processing instruction made `<!` or
    `<?`, spaces and `>`: no tag in one is taken for a cell's (`<!-- <c r="P40"> -->` took
    the next cell's error), and a value holding one still shows markup (`marks._coded`)."""
    hidden = _Hidden()
    limit = hidden.update(chunk)
    spans = [*hidden.spans, *([(limit, len(chunk))] if limit < len(chunk) else [])]
    if not spans:
        return chunk
    parts, at = [], 0
    for begin, end in spans:
        parts += [chunk[at:begin], chunk[begin : begin + 2], b" " * (end - begin - 3), b">"]
        at = end
    return b"".join([*parts, chunk[at:]])


def _row_end(data: bytes | bytearray, spans: list[tuple[int, int]], limit: int) -> int:
    """The position after the last row end tag (`</row>`, or `</x:row >` as XML allows it)
    before `limit`, outside `spans` and outside any cell, that the next row (or the end of
    the rows) follows, or -1."""
    starts = [begin for begin, _ in spans]

    def outside(at: int) -> bool:
        i = bisect.bisect_right(starts, at) - 1
        return i < 0 or spans[i][1] <= at

    def ends_a_row(begin: int, end: int) -> bool:
        inside = _inside_a_cell(data, begin)
        return outside(begin) and not inside and _before_a_row(data, end, limit)

    cut = limit
    while (cut := data.rfind(b"</row>", 0, cut)) >= 0:
        if ends_a_row(cut, cut + len(b"</row>")):
            return cut + len(b"</row>")
    tail = max(0, limit - (1 << 20))
    ends = [m.end() for m in _ROW_END.finditer(data, tail, limit) if ends_a_row(*m.span())]
    return ends[-1] if ends else -1


def _inside_a_cell(data: bytes | bytearray, at: int) -> bool:
    """Whether `at` is inside a cell: the last cell start before it (within 64 KB) is not
    closed before it. A `</row>` there (`<c t="e"></row> <v>#REF!</v></c>`, or in a formula's
    text, `<f>1/0<row></row><row>…</f>`: fastexcel reads both) is no row's end."""
    last = None
    for reach in (1 << 12, 1 << 16):  # a row's last cell is mostly within a few hundred bytes
        for last in _CELL_START.finditer(data, max(0, at - reach), at):  # noqa: B007
            pass
        if last is not None or reach >= at:
            break
    if last is None:
        return False
    whole = _CELL_WHOLE.match(data, last.start())
    return whole is None or whole.end() > at


def _before_a_row(data: bytes | bytearray, at: int, limit: int) -> bool:
    """Whether what follows `at` (text and hidden text skipped) is the next row's start or the
    end of the rows: a `</row>` in a cell (`<c t="e"></row> <v>#REF!</v></c>`, or in a
    formula's text, `<f>1/0<row></row></f>`: fastexcel reads both) is no row's end."""
    while True:
        at = data.find(b"<", at, limit)  # text between rows: calamine skips it
        if at < 0:
            return False  # nothing more yet: cannot tell
        if data.startswith((b"<!--", b"<![CDATA[", b"<?"), at):  # skipped whole
            hidden = _Hidden()
            hidden.update(bytes(data[at:limit]))
            if not hidden.spans or hidden.spans[0][0] != 0:
                return False  # not closed before the limit: cannot tell yet
            at += hidden.spans[0][1]
            continue
        return _AFTER_ROW_END.match(data, at, limit) is not None


# --- a cell's parts, for the scans -------------------------------------------------------------

# An attribute as XML allows it: spaces around `=`, either quote (values are unescaped), any
# name (`x-t="e"` is not `t`).
_ATTRIBUTE = re.compile(rb"""([^\s=<>/"']+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
# calamine places `r="r2"` as R2: letters of either case.
REFERENCE = re.compile(rb"([A-Za-z]{1,3})(\d+)")
# A value's start tag: attributes quoted whole (`<x:v xmlns:x="http://…">`), a bare `/` only in
# `<v/>`, which holds nothing.
V_OPEN = rb"<" + PREFIX + rb"""v(?:[ \t\r\n](?:[^>"'/]|"[^"]*"|'[^']*')*)?>"""
VALUE = re.compile(V_OPEN + rb"(.*?)</" + PREFIX + rb"v\s*>", re.S)


def tag_attributes(tag: bytes) -> dict[bytes, bytes]:
    """A start tag's attributes (the last of a repeated name, as calamine takes it), with
    their values unescaped (`t="&#101;"` is `t="e"`)."""
    found: dict[bytes, bytes] = {}
    for name, double, single in _ATTRIBUTE.findall(tag):
        raw = double or single
        value = xml_unescape(raw.decode("utf-8", "replace")).encode() if b"&" in raw else raw
        found[name] = value
    return found


# A start tag's attributes, quoted values skipped whole (`a="x>y"` is XML).
TAG_ATTRIBUTES = rb"""(?:[^>"']|"[^"]*"|'[^']*')*?"""
# A cell's start tag, for cells without an r="…" attribute (self-closing or not).
CELL_TAG = re.compile(rb"<" + PREFIX + rb"c(?=[ \t\r\n/>])(" + TAG_ATTRIBUTES + rb")/?>")
