"""A worksheet's XML in chunks that each end at the end of a row, for the scans of
`kipu.core.read.marks` (and the census in it): every cell is whole in one chunk.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from typing import IO

# A namespace prefix as XML allows it (letters of any script, digits, `-`, `.`: `x-y:c`),
# for the patterns of the scans.
PREFIX = rb"""(?:[^\s<>/:="'!?]+:)?"""
_ROW_END = re.compile(rb"</" + PREFIX + rb"row\s*>")
# What may hold a `</row>` that ends no row (a chunk cut there cuts a cell in two, and the
# cell's error mark was lost), each with what closes it. Excel never writes these in a sheet;
# a chunk holding one is parsed whole (`marks._cells`).
_HIDING = {b"<!--": b"-->", b"<![CDATA[": b"]]>", b"<?": b"?>"}  # opener: closer
# One MB: as fast as larger ones, and the scan runs beside fastexcel's reading, whose peak it
# adds to (2 MB chunks cost 20 MB more of it on a 100,000-row sheet). Tests make it smaller.
CHUNK = 1 << 20
_SPACE = (b" ", b"\t", b"\n", b"\r")  # XML's white space


def row_chunks(handle: IO[bytes]) -> Iterator[bytes]:
    """Chunks of about CHUNK bytes that each end at the end of a row, so no cell is cut in
    two. A `</row>` in a comment, a CDATA section or a processing instruction ends no row:
    a chunk never ends inside one (it grows until the construct closes)."""
    carry = b""
    while True:
        block = handle.read(CHUNK)
        if not block:
            break
        data = carry + block
        end = _row_end(data, *_hidden(data))
        if end < 0:
            carry = data
            continue
        yield data[:end]
        carry = data[end:]
    if carry:
        yield carry


def _hidden(data: bytes) -> tuple[list[tuple[int, int]], int]:
    """The spans of the comments, CDATA sections and processing instructions of `data` (the
    XML declaration among them), and where one that does not close in `data` opens (else
    len(data))."""
    spans: list[tuple[int, int]] = []
    # `<` is everywhere in XML: a search for `<!--` stops at each one (0.2 s for 100,000
    # rows), one for `!` or `?` (searched for first) rarely.
    marks = {b"!": data.find(b"!") >= 0, b"?": data.find(b"?") >= 0}
    next_at = {opener: data.find(opener) for opener in _HIDING if marks[opener[1:2]]}
    while live := [(at, opener) for opener, at in next_at.items() if at >= 0]:
        begin, opener = min(live)
        close = data.find(_HIDING[opener], begin + len(opener))
        if close < 0:
            return spans, begin
        end = close + len(_HIDING[opener])
        spans.append((begin, end))
        for other, at in next_at.items():  # each opener is searched for forward only
            if 0 <= at < end:
                next_at[other] = data.find(other, end)
    return spans, len(data)


def _row_end(data: bytes, spans: list[tuple[int, int]], limit: int) -> int:
    """The position after the last row end tag (`</row>`, or `</x:row >` as XML allows it)
    before `limit` and outside `spans`, or -1."""
    starts = [begin for begin, _ in spans]

    def outside(at: int) -> bool:
        i = bisect.bisect_right(starts, at) - 1
        return i < 0 or spans[i][1] <= at

    cut = limit
    while (cut := data.rfind(b"</row>", 0, cut)) >= 0:
        if _ends_a_row(data, cut) and outside(cut):
            return cut + len(b"</row>")
    tail = max(0, limit - (1 << 20))
    ends = [m.end() for m in _ROW_END.finditer(data, tail, limit) if outside(m.start())]
    return ends[-1] if ends else -1


def _ends_a_row(data: bytes, at: int) -> bool:
    """Whether the `</row>` at `at` stands between tags, not in an attribute value
    (`a="</row>"`: not XML, and the scan refuses such a sheet, but not after a cut there
    split the cell in two)."""
    before, after = data[at - 1 : at], data[at + 6 : at + 7]
    return before in (b">", *_SPACE) and after in (b"", b"<", *_SPACE)
