"""The number cells of an XLSX sheet whose format shows them otherwise than their number
(`kipu.core.read.numformats`), found by the cell scan (`kipu.core.read.marks`): a
percentage, an amount in soles (read as the text shown), an amount shown with a `$` alone
(marked `DOLLAR_FORMAT`)."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator

from kipu.core.read.chunks import REFERENCE, VALUE, tag_attributes
from kipu.core.read.numformats import (
    Section,
    digits_pattern,
    shown,
    shows_bare_dollar,
    shows_text,
)
from kipu.core.read.package import column_number


class Shown:
    """The number cells of the styles `numformats.xlsx_shown_styles` found (a percentage, an
    amount in soles), with the text each shows (`texts`, by (row 1-based, col 0-based)):
    calamine reads the number (0.05 for `5%`, 100 for `S/ 100.00`); and the cells shown
    with a `$` alone (`dollars`), which read as their number. A cell without a style
    attribute is of style 0 (ECMA-376 §18.3.1.4): when that style is one of them (the
    workbook's Normal style formatted in soles), every cell is parsed."""

    def __init__(self, styles: dict[int, list[Section]]) -> None:
        self.styles, self.texts = styles, dict[tuple[int, int], str]()
        self._texts = {index for index, parts in styles.items() if shows_text(parts)}
        self.dollars: list[tuple[int, int]] = []  # the cells shown with a `$` alone
        # The style attribute in any quote and spacing, or written with a reference; the
        # numbers as a trie (`1(?:2|5)?`): an alternation of thousands of styles took 50 s
        # for 100,000 rows.
        numbers = digits_pattern(sorted(map(str, styles)))
        attribute = rf"""s\s*=\s*["'](?:0*{numbers}["']|[^"'&]*&)"""
        self.hint = rf"\s{attribute}"  # for polars (`census.survey`)
        if 0 in styles:
            self.hint = attribute = r"<(?:[\w.-]+:)?c[\s/>]"  # every cell
        # Python's re finds a pattern that starts with a literal far faster than one that
        # starts with `\s` (0.08 s against 7 s over 73 MB): the space is checked per match.
        self._attribute = re.compile(attribute.encode())
        self._spaced = 0 not in styles

    def starts(self, chunk: bytes) -> Iterator[int]:
        """Where the chunk's hints of the styles are (`hint`), in order."""
        for found in self._attribute.finditer(chunk):
            at = found.start()
            if not self._spaced or chunk[at - 1 : at] in (b" ", b"\t", b"\n", b"\r"):
                yield at

    def read(self, attributes: bytes, body: bytes, place: tuple[int, int] | None) -> None:
        """Keep the text the cell shows, if it is a number cell of one of the styles."""
        if b"s" not in attributes and 0 not in self.styles:
            return
        attrs = tag_attributes(attributes)
        style = attrs.get(b"s", b"0")
        if not style.isdigit() or int(style) not in self.styles or attrs.get(b"t", b"n") != b"n":
            return
        value = VALUE.search(body)
        try:
            number = float(value.group(1)) if value is not None else math.nan
        except ValueError:
            return
        where = REFERENCE.fullmatch(attrs.get(b"r", b""))
        if place is None and where is not None:
            place = (int(where.group(2)), column_number(where.group(1).decode().upper()) - 1)
        if place is None or not math.isfinite(number):
            return
        parts = self.styles[int(style)]
        text = shown(number, parts) if int(style) in self._texts else None
        if text is not None:
            self.texts[place] = text
        elif shows_bare_dollar(number, parts):
            self.dollars.append(place)

    def clear(self) -> None:
        self.texts.clear()
        self.dollars.clear()
