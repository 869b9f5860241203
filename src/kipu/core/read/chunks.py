"""A worksheet's XML in chunks that each end at the end of a row, for the scans of
`kipu.core.read.marks` (and the census in it): every cell is whole in one chunk.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import IO

# A namespace prefix as XML allows it (letters of any script, digits, `-`, `.`: `x-y:c`),
# for the patterns of the scans.
PREFIX = rb"""(?:[^\s<>/:="'!?]+:)?"""
_ROW_END = re.compile(rb"</" + PREFIX + rb"row\s*>")
# What may hold a `</row>` that ends no row (a chunk cut there cuts a cell in two, and the
# cell's error mark was lost): the rest of the sheet is then one chunk. Excel never writes
# these in a sheet.
_HIDING = (b"<!--", b"<![CDATA[")
# One MB: as fast as larger ones, and the scan runs beside fastexcel's reading, whose peak it
# adds to (2 MB chunks cost 20 MB more of it on a 100,000-row sheet). Tests make it smaller.
CHUNK = 1 << 20
_SPACE = (b" ", b"\t", b"\n", b"\r")  # XML's white space


def row_chunks(handle: IO[bytes]) -> Iterator[bytes]:
    """Chunks of about CHUNK bytes that each end at the end of a row, so no cell is cut in
    two; from a comment, a CDATA section or a processing instruction on, one chunk (each
    may hold a `</row>` that is no row's end)."""
    carry = b""
    declaration = True  # the data start with `<?xml …?>`, not a hiding place
    while True:
        block = handle.read(CHUNK)
        if not block:
            break
        data = carry + block
        if _hiding(data, declaration):
            yield data + handle.read()
            return
        end = _row_end(data)
        if end < 0:
            carry = data
            continue
        yield data[:end]
        carry, declaration = data[end:], False
    if carry:
        yield carry


def _hiding(data: bytes, declaration: bool) -> bool:
    # `<` is everywhere in XML: a search for `<!--` stops at each one (0.2 s for 100,000
    # rows), one for `!` or `?` (searched for first) rarely.
    start = data.find(b"?>") + 2 if declaration and b"<?" in data[:8] else 0
    if data.find(b"!", start) >= 0 and any(marker in data for marker in _HIDING):
        return True
    return data.find(b"?", start) >= 0 and data.find(b"<?", start) >= 0


def _row_end(data: bytes) -> int:
    """The position after the last row end tag (`</row>`, or `</x:row >` as XML allows it),
    or -1."""
    cut = len(data)
    while (cut := data.rfind(b"</row>", 0, cut)) >= 0:
        if _ends_a_row(data, cut):
            return cut + len(b"</row>")
    tail = max(0, len(data) - (1 << 20))
    ends = [m.end() for m in _ROW_END.finditer(data, tail)]
    return ends[-1] if ends else -1


def _ends_a_row(data: bytes, at: int) -> bool:
    """Whether the `</row>` at `at` stands between tags, not in an attribute value
    (`a="</row>"`: not XML, and the scan refuses such a sheet, but not after a cut there
    split the cell in two)."""
    before, after = data[at - 1 : at], data[at + 6 : at + 7]
    return before in (b">", *_SPACE) and after in (b"", b"<", *_SPACE)
