"""Chunks of an ODS file's content.xml that expat need not parse: their rows are counted from
their text (`skipped_rows`), for `ods._ods_tables`, which must know every row's number to
place the marks of the rows it reads.

Parsing content.xml row by row cost about 5 s for 100,000 rows when a single cell had to be
read: expat built every row's elements only for them to be counted. A chunk is counted from
its text only when its text is proven to be nothing but complete rows of plain cells, as
LibreOffice writes them, with XML's white space only: what expat reads in it is then known
without parsing it. Anything else in it (an odd cell, a comment, a row tag with another
attribute, a character that is not UTF-8, a row cut by the chunk's edge) and it is parsed.
"""

from __future__ import annotations

import re

from kipu.core.read.hidden import ods_repeat

# XML's white space (§2.3): Unicode's (a no-break space) is none, and expat refuses a tag
# holding it, which the parse of the chunk would say.
_WS = "[ \\t\\r\\n]"
_NAME = '"[^"<&]*"'  # a style's or a validation's name, no reference in it
# Attributes of a cell as LibreOffice writes them, each at most once and in this order: two
# of one name make expat refuse the file.
_CELL_ATTRIBUTES = (
    f"(?:{_WS}+table:style-name={_NAME})?"
    f"(?:{_WS}+table:content-validation-name={_NAME})?"
    f'(?:{_WS}+table:number-columns-repeated="[0-9]{{1,5}}")?'
)
_TEXT = "(?:[^<&]|&(?:amp|lt|gt|quot|apos);)*"  # no markup, no character reference
_SPACED_TEXT = "(?:[^<&]|&(?:amp|lt|gt|quot|apos);|<text:s/>)*"  # `ods._SPACED_TEXT`
_NUMBER = "[-+]?(?:[1-9][0-9.,]*|0(?:[.,][0-9]*)?)(?:[eE][-+]?[0-9]+)?"


def _cell(kind: str, value: str, text: str, empty: bool) -> str:
    held = f'{_WS}+{value}="[-+0-9.eE:T]+"' if value else ""
    paragraph = f"<text:p>{text}</text:p>"
    return (
        f'<table:table-cell{_CELL_ATTRIBUTES}{_WS}+office:value-type="{kind}"{held}'
        f'(?:{_WS}+calcext:value-type="{kind}")?{_WS}*>'
        f"(?:{'<text:p/>|' if empty else ''}{paragraph})</table:table-cell>"
    )


# A cell `ods._PLAIN_CELL` proves plain, written strictly as LibreOffice writes it.
_PLAIN = "|".join(
    [
        f"<table:(?:covered-)?table-cell{_CELL_ATTRIBUTES}{_WS}*/>",
        _cell("string", "", _SPACED_TEXT, empty=True),
        _cell("date", "office:date-value", _TEXT, empty=True),
        _cell("float", "office:value", _NUMBER, empty=False),
    ]
)
_STYLED_ROW = f"<table:table-row(?:{_WS}+table:style-name={_NAME})?"
_REPEATED = f'{_WS}+table:number-rows-repeated="[0-9]{{1,7}}"'
ROW_START = f"{_STYLED_ROW}(?:{_REPEATED})?(?:{_WS}+table:default-cell-style-name={_NAME})?{_WS}*>"
ROW_END = "</table:table-row>"
# A chunk of complete rows of plain cells, white space between them.
_ROWS = f"^{_WS}*(?:{ROW_START}(?:{_WS}|{_PLAIN})*{ROW_END}{_WS}*)+$"
# A row tag's repeat, up to its number (a text cannot hold a tag: its `<` is `&lt;`).
_REPEATED_ROW = _STYLED_ROW + _REPEATED
_DIGITS = re.compile(r'"([0-9]+)"$')
# What may hide rows from expat, or show it rows that are no rows (a comment, a CDATA
# section, a processing instruction, a document type), and a text's `]]>`, which expat
# refuses: then no chunk is counted from its text. A chunk ends after a row tag's `>`, so
# none of them is cut between two chunks.
_HIDING = "<[!?]|]]>"
_BATCH = 8
# The XML declaration (`<?xml` and white space), as `chunks` reads it; a byte order mark.
_DECLARATION = re.compile(rb"(?:\xef\xbb\xbf)?<\?xml[ \t\r\n][^<>]*?\?>")
# An attribute of a start tag: its name (a declaration written in another's value is none).
_ATTRIBUTE = re.compile(rb"""([^\s=/<>"']+)[ \t\r\n]*=[ \t\r\n]*(?:"[^"]*"|'[^']*')""")
# The root element's start tag, its attributes (quoted values skipped whole).
_ROOT = re.compile(
    rb"""[ \t\r\n]*<office:document-content((?:[ \t\r\n]+[^\s=/<>"']+[ \t\r\n]*="""
    rb"""[ \t\r\n]*(?:"[^"]*"|'[^']*'))*)[ \t\r\n]*>"""
)


def skipped_rows(content: bytes, spans: list[tuple[int, int]], hinted: list[bool]) -> list[int]:
    """Per chunk of content.xml (`spans`, as `ods._hint_spans` cuts it): the rows expat
    would count in it (repeats added, as `hidden.ods_repeat` counts them), or -1 when it
    must be parsed. Only a chunk no cell of which is to be read (not `hinted`) is counted,
    and only after a chunk that ends a row: the chunk's rows are then whole.

    content.xml must be UTF-8 with ODF's prefixes as the hints proved it (`ods._hints`
    hints every chunk otherwise), declared on its root element. Nothing is counted when
    content.xml holds a comment, a CDATA section or a processing instruction (one that
    starts the file too: `<?xml-stylesheet …?>` is no XML declaration)."""
    import polars as pl

    rows = [-1] * len(spans)
    declared = _DECLARATION.match(content)  # a PI `<?xml-stylesheet …?>` is no declaration
    after = declared.end() if declared else 0
    if all(hinted) or len(spans) < 3 or not _root_declares(content, after):
        return rows
    for at in range(0, len(spans), _BATCH):
        chosen = range(at, min(at + _BATCH, len(spans)))
        # "replace": a chunk that is not UTF-8 holds U+FFFD, and is parsed.
        parts = [content[max(spans[i][0], after) : spans[i][1]] for i in chosen]
        texts = pl.Series([part.decode("utf-8", "replace") for part in parts], dtype=pl.Utf8)
        found = pl.DataFrame({"text": texts}).select(
            pl.col("text").str.contains(_HIDING).alias("hiding"),
            pl.col("text").str.contains(_ROWS).alias("rows"),
            pl.col("text").str.contains("\ufffd", literal=True).alias("replaced"),
            pl.col("text").str.count_matches(ROW_START).alias("starts"),
            pl.col("text").str.extract_all(_REPEATED_ROW).alias("repeated"),
        )
        if found["hiding"].any():
            return [-1] * len(spans)
        columns = ("rows", "replaced", "starts", "repeated")
        for i, whole, replaced, starts, repeated in zip(
            chosen, *(found[c] for c in columns), strict=True
        ):
            if whole and not replaced and not hinted[i] and _after_row_end(content, spans[i][0]):
                rows[i] = _counted(starts, repeated.to_list())
    return rows


def _root_declares(content: bytes, after: int) -> bool:
    """Whether the root element, right after the XML declaration, declares the prefixes the
    counted text is written with: a prefix declared further in (on a row) is unbound in the
    rows before, and expat refuses the file."""
    root = _ROOT.match(content, after)
    names = {found.group(1) for found in _ATTRIBUTE.finditer(root.group(1) if root else b"")}
    return all(b"xmlns:" + p in names for p in (b"table", b"office", b"text", b"calcext"))


def _after_row_end(content: bytes, start: int) -> bool:
    return content.endswith(ROW_END.encode(), 0, start)


def _counted(starts: int, repeated: list[str]) -> int:
    """The rows of `starts` row tags, `repeated` those of them with a repeat (up to its
    number), repeats counted as `hidden.ods_repeat` counts them."""
    repeats = [ods_repeat(_DIGITS.search(tag).group(1)) for tag in repeated]  # type: ignore[union-attr]
    return starts - len(repeats) + sum(repeats)
