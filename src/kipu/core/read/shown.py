"""The number cells of an XLSX sheet whose format shows them otherwise than their number
(`kipu.core.read.numformats`), found by the cell scan (`kipu.core.read.marks`): a
percentage, an amount in soles (read as the text shown), an amount shown with a `$` alone
(marked `DOLLAR_FORMAT`), a number shown divided by a thousand (`#,##0,`: marked
`DIVIDED_FORMAT`), a number shown as nothing (`;;;`: marked `HIDING_FORMAT`). And the
workbook's styles that show some number so (`xlsx_shown_styles`)."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator
from pathlib import Path

from kipu.core.read.chunks import REFERENCE, VALUE, has_hidden, tag_attributes
from kipu.core.read.numformats import (
    Section,
    divided,
    divides,
    held_under,
    hidden,
    hides,
    may_show_more,
    sections,
    shown,
    shows_bare_dollar,
    shows_more,
    shows_text,
    shows_text_with_bare_dollar,
    text_shown,
)
from kipu.core.read.package import column_number, styles_member

_TEXT_KINDS = (b"s", b"str", b"inlineStr")  # a shared string, a formula's text, an inline one
# What a number cell of a style shows (`Shown._judge`): the text read instead of its number,
# whether it shows a `$` alone, the number it shows divided by its format, what it shows in
# place of its digits when its number is read all the same (`numformats.hidden`), the number
# it holds when it is read as a text alone (`numformats.held_under`).
_Judged = tuple[str | None, bool, str | None, str | None, str | None]


class Shown:
    """The number cells of the styles `numformats.xlsx_shown_styles` found (a percentage, an
    amount in soles), with the text each shows (`texts`, by (row 1-based, col 0-based)):
    calamine reads the number (0.05 for `5%`, 100 for `S/ 100.00`); and the cells shown
    with a `$` alone (`dollars`), or divided by a thousand per `,` after their digits
    (`divided`), which read as their number. A cell without a style
    attribute is of style 0 (ECMA-376 §18.3.1.4): when that style is one of them (the
    workbook's Normal style formatted in soles), every cell is parsed."""

    def __init__(self, styles: dict[int, list[Section]]) -> None:
        self.styles, self.texts = styles, dict[tuple[int, int], str]()
        self._texts = {index for index, parts in styles.items() if shows_text(parts)}
        # Styles whose text section shows a `$` alone: a text cell's place is kept too.
        self._text_dollars = {
            index for index, parts in styles.items() if shows_text_with_bare_dollar(parts)
        }
        self.dollars: list[tuple[int, int]] = []  # the cells shown with a `$` alone
        # The number cells shown divided by their format (`numformats.divided`), with the
        # number shown: (row, col, `12` for 12000 formatted `#,##0,`).
        self.divided: list[tuple[int, int, str]] = []
        self._dividing = {index for index, parts in styles.items() if divides(parts)}
        # The cells whose format shows nothing of their number (`;;;`), or a text alone that
        # reads as another number: it is read, and marked `HIDING_FORMAT` with that text.
        self.hidden: list[tuple[int, int, str]] = []
        self._hiding = {index for index, parts in styles.items() if hides(parts)}
        # The number cells read as the text alone their format shows (`"n/a"`), with the
        # number they hold: marked `TEXT_FORMAT`.
        self.over: list[tuple[int, int, str]] = []
        # The styles that show a text cell as another text, or as nothing (`text_shown`).
        self._text_shown = {
            index: shown
            for index, parts in styles.items()
            if (shown := text_shown(parts)) is not None
        }
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
        # A cell of the styles as written by Excel, openpyxl, xlsxwriter (`read_plain`).
        # With style 0, every cell is a hint: any style is matched, those of `styles` read.
        style = rb'(?: s="([0-9]+)")?' if 0 in styles else rb' s="(0*' + numbers.encode() + rb')"'
        self._plain: re.Pattern[bytes] | None = re.compile(
            rb'<c r="([A-Z]{1,3})([0-9]+)"'
            + style
            + rb'(?: t="([a-zA-Z]+)")?(?:/>|><v>([^<]*)</v></c>)'
        )
        # A row tag's style, before which `starts` sees the same white space (`\s` also took
        # a form feed, which `starts` does not: a cell written otherwise went uncounted).
        self._rows = re.compile(
            rb"<(?:[\w.-]+:)?row[ \t\r\n](?:[^>\"']|\"[^\"]*\"|'[^']*')*?[ \t\r\n]"
            + attribute.encode()
        )
        if 0 in styles:
            self._rows = re.compile(rb"(?!)")  # the hint is a cell's: no row tag holds one
        self._columns: dict[bytes, int] = {}
        # Whether a style shows a `$` alone, by sign (`read_plain`); conditions decide by value.
        self._bare: dict[tuple[int, int], bool] = {}
        self._known: dict[tuple[int, bytes], _Judged] = {}  # `_judge`, by style and value
        self._conditional = {
            index for index, parts in styles.items() if any(p.condition for p in parts)
        }

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
        if not style.isdigit() or int(style) not in self.styles:
            return
        place = place or self._place(attrs)
        if place is None:
            return
        if attrs.get(b"t", b"n") != b"n":
            if int(style) in self._text_dollars and attrs.get(b"t") in _TEXT_KINDS:
                self.dollars.append(place)  # a text cell shown with a `$` alone
            if int(style) in self._text_shown and attrs.get(b"t") in _TEXT_KINDS:
                self.hidden.append((*place, self._text_shown[int(style)]))  # not its text
            return
        if (value := VALUE.search(body)) is not None:
            self._keep(place, int(style), value.group(1))

    def read_plain(self, chunk: bytes) -> bool:
        """Read the chunk's cells of the styles at once when each is written as Excel and
        the usual libraries write it (`<c r="B2" s="3"><v>5</v></c>`), and say so; False,
        having read nothing, when one is not (then `read` reads them one by one): every
        hint of the styles (`starts`) must be such a cell's or a row tag's. Parsing each
        cell took 6.7 µs: a million cells of a `$` style cost 7 s."""
        if self._plain is None:  # tests: the cell-by-cell reading alone
            return False
        if has_hidden(chunk):  # a comment or CDATA may hold what looks like a cell
            return False
        cells = self._plain_cells(chunk)
        if cells is None:
            return False  # a cell written otherwise
        columns, styles, texts, bare = self._columns, self.styles, self._texts, self._bare
        for letters, row, style_text, kind, value in cells:
            if kind in _TEXT_KINDS and int(style_text or b"0") in self._text_dollars:
                self.dollars.append((int(row), self._column(letters)))
            if kind in _TEXT_KINDS and self._text_shown:  # not its text (`text_shown`)
                other = self._text_shown.get(int(style_text or b"0"))
                if other is not None:
                    self.hidden.append((int(row), self._column(letters), other))
            if not value or kind not in (b"", b"n"):
                continue
            try:
                number = float(value)
            except ValueError:
                continue
            if (col := columns.get(letters)) is None:
                col = self._column(letters)
            style = int(style_text or b"0")
            if style not in styles:
                continue
            odd = style in texts or style in self._conditional or style in self._dividing
            odd = odd or style in self._hiding
            if odd or not math.isfinite(number):
                self._keep((int(row), col), style, value)
                continue
            key = (style, (number > 0) - (number < 0))
            if (known := bare.get(key)) is None:
                known = bare[key] = shows_bare_dollar(number, styles[style])
            if known:
                self.dollars.append((int(row), col))
        return True

    def _plain_cells(self, chunk: bytes) -> list[tuple[bytes, ...]] | None:
        """The groups of `_plain` of every cell the chunk's hints are in; None when a hint is
        neither in such a cell nor in a row tag. Matched from each hint back to its tag's
        `<`, not searched for over the chunk: a search tried every cell of the sheet (0.8 s
        for 100,000 rows of 27 columns), a hint is in a styled cell only."""
        assert self._plain is not None
        if not self._spaced:  # style 0: every cell is a hint
            hints = sum(1 for _ in self.starts(chunk))
            cells = self._plain.findall(chunk)
            return cells if hints == len(cells) + len(self._rows.findall(chunk)) else None
        found, plain, rows, attribute = [], self._plain.match, self._rows.match, self._attribute
        for at in self.starts(chunk):
            begin = chunk.rfind(b"<", 0, at)  # a `<` in a value: the sheet is refused before
            cell = plain(chunk, begin) if begin >= 0 else None
            if cell is not None and cell.start(3) == at + 3:  # ` s="` then this cell's style
                found.append(cell.groups(b""))  # as `findall` gives them
                continue
            row = rows(chunk, begin) if begin >= 0 else None
            hint = attribute.match(chunk, at)
            if row is None or hint is None or row.end() != hint.end():
                return None
        return found

    def _column(self, letters: bytes) -> int:
        if (col := self._columns.get(letters)) is None:
            col = self._columns[letters] = column_number(letters.decode()) - 1
        return col

    def _place(self, attrs: dict[bytes, bytes]) -> tuple[int, int] | None:
        """(row, col) of a cell by its `r="B7"` reference (calamine reads `r="b7"` too)."""
        where = REFERENCE.fullmatch(attrs.get(b"r", b""))
        return (
            None if where is None else (int(where.group(2)), self._column(where.group(1).upper()))
        )

    def _keep(self, place: tuple[int, int], style: int, value: bytes) -> None:
        if (known := self._known.get((style, value))) is None:
            known = self._known[(style, value)] = self._judge(style, value)
        text, dollar, number, nothing, held = known
        if text is not None:
            self.texts[place] = text
            if held is not None:
                self.over.append((*place, held))
            return
        if nothing is not None:
            self.hidden.append((*place, nothing))
        if dollar:
            self.dollars.append(place)
        if number is not None:
            self.divided.append((*place, number))

    def _judge(self, style: int, value: bytes) -> _Judged:
        """The text a number cell of the style shows (`shown`) when it is read as that text;
        else whether it shows the number with a `$` alone, and the number it shows when its
        format divides it (`divided`). Kept by (style, value): a column of codes formatted
        `000000` holds a few hundred values over 100,000 rows."""
        try:
            number = float(value)
        except ValueError:
            return None, False, None, None, None
        if not math.isfinite(number):
            return None, False, None, None, None
        parts = self.styles[style]
        text = shown(number, parts) if style in self._texts else None
        if text is not None:
            held = held_under(number, parts) if style in self._hiding else None
            return text, False, None, None, held
        shrunk = divided(number, parts) if style in self._dividing else None
        nothing = hidden(number, parts) if style in self._hiding else None
        return None, shows_bare_dollar(number, parts), shrunk, nothing, None

    def clear(self) -> None:
        self.texts.clear()
        self.dollars.clear()
        self.divided.clear()
        self.hidden.clear()
        self.over.clear()


# Built-in formats (ECMA-376 §18.8.30) that show more than digits: 9 and 10 are percentages;
# 5 to 8, 42 and 44 show the currency of the reading machine's locale, the `$` of their en-US
# text (the peso on a Colombian computer), as openpyxl and xlsxwriter write them (a bare
# `numFmtId`, no numFmt); Excel writes them out in full.
_BUILT_IN = {
    5: "$#,##0_);($#,##0)",
    6: "$#,##0_);[Red]($#,##0)",
    7: "$#,##0.00_);($#,##0.00)",
    8: "$#,##0.00_);[Red]($#,##0.00)",
    9: "0%",
    10: "0.00%",
    42: '_($* #,##0_);_($* (#,##0);_($* "-"_);_(@_)',
    44: '_($* #,##0.00_);_($* (#,##0.00);_($* "-"??_);_(@_)',
}


def xlsx_shown_styles(path: Path) -> dict[int, list[Section]]:
    """Cell style index (a cell's `s="…"`, 0-based in `cellXfs`) → the sections of its
    number format, for the styles some of whose sections show a percentage, another
    currency than the dollar, a `$` alone (`shows_bare_dollar`), or no digits (`hides`).
    Empty for a workbook without such styles (most, and those without styles). The
    styles are the part the workbook's relationships name, as Excel finds them (calamine
    reads `xl/styles.xml` only). Raises ValueError for styles that
    cannot be read (a damaged member, XML that is not well-formed), which calamine may read
    without complaint: the sheets are then refused (`cell_scan.CellScan`), as no cell's format
    is known."""
    try:
        with zipfile.ZipFile(path) as archive:
            data = archive.read(styles_member(archive))
    except KeyError:
        return {}
    except (OSError, zipfile.BadZipFile, RuntimeError, EOFError) as error:
        raise ValueError(f"styles unreadable: {error}") from None
    try:
        root = ET.fromstring(data)
    except ET.ParseError as error:
        raise ValueError(f"styles unreadable: {error}") from None
    codes: dict[int, str] = dict(_BUILT_IN)
    for element in _named(root, "numFmt"):
        number, code = _style_number(element.get("numFmtId")), element.get("formatCode")
        if number is not None and code is not None:
            codes[number] = code
    found: dict[int, list[Section]] = {}
    for group in _named(root, "cellXfs"):
        for index, xf in enumerate(e for e in group if _local(e.tag) == "xf"):
            code = codes.get(_style_number(xf.get("numFmtId", "0")) or 0, "")
            if not may_show_more(code):
                continue
            if shows_more(parts := sections(code)):
                found[index] = parts
        break  # the first cellXfs, as calamine reads it
    return found


def _named(root: ET.Element, name: str) -> list[ET.Element]:
    """The elements of a local name in any namespace: transitional and strict SpreadsheetML
    (`http://purl.oclc.org/ooxml/spreadsheetml/main`) name them alike."""
    return [element for element in root.iter() if _local(element.tag) == name]


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _style_number(text: str | None) -> int | None:
    text = (text or "").strip()
    return int(text) if text.isdigit() and len(text) < 10 else None


def digits_pattern(words: list[str]) -> str:
    """A regular expression matching exactly `words` (digits), as a trie: each alternation
    is between different first characters, so matching never backtracks far."""
    if not words:
        return "-"  # no style: never a style number
    groups: dict[str, list[str]] = {}
    for word in words:
        groups.setdefault(word[:1], []).append(word[1:])
    branches = []
    for first, rests in sorted(groups.items()):
        tails = [r for r in rests if r]
        tail = digits_pattern(tails) if tails else ""
        if tails and "" in rests:
            tail = f"(?:{tail})?"
        branches.append(re.escape(first) + tail)
    return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
