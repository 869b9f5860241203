"""A sheet's XML in chunks (kipu.core.read.chunks): every chunk but the last ends at a real row
end, never inside a comment, a CDATA section or a processing instruction (whose `</row>`
ends no row), and the chunks stay about CHUNK bytes even after one of those (the rest of the
sheet was one chunk: its whole XML in memory, parsed cell by cell, 6 s for 100,000 rows)."""

from __future__ import annotations

import io
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kipu.core.read import chunks

HIDING = ["<!--{}-->", "<![CDATA[{}]]>", "<?pi {}?>", "<!-- <?x {} -->", "<?x <!-- {} ?>"]
INSIDE = ["</row>", "</row> <row>", "x", "</x:row >", "-- ]] ?", "</row>" + " " * 500]


@st.composite
def sheets(draw: st.DrawFn) -> tuple[bytes, list[tuple[int, int]]]:
    """A sheet's XML and the spans of its hiding constructs."""
    parts, spans = ['<?xml version="1.0"?><worksheet><sheetData>'], []
    for number in range(1, draw(st.integers(1, 60)) + 1):
        cells = []
        for col in range(draw(st.integers(0, 4))):
            value = "7" * draw(st.integers(1, 30))
            if draw(st.integers(0, 5)) == 0:
                hidden = draw(st.sampled_from(HIDING)).format(draw(st.sampled_from(INSIDE)))
                value += hidden
            cells.append(f'<c r="{"ABCDE"[col]}{number}"><v>{value}</v></c>')
        parts.append(f'<row r="{number}">{"".join(cells)}</row>')
    parts.append("</sheetData></worksheet>")
    xml = "".join(parts).encode()
    for hidden in re.finditer(rb"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>", xml, re.S):
        spans.append(hidden.span())
    return xml, spans


@settings(max_examples=200, deadline=None)
@given(sheet=sheets(), size=st.integers(16, 400))
def test_chunks_end_at_row_ends_outside_hidden_text(
    sheet: tuple[bytes, list[tuple[int, int]]], size: int
) -> None:
    xml, spans = sheet
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(chunks, "CHUNK", size)
        found = list(chunks.row_chunks(io.BytesIO(xml)))
    assert b"".join(found) == xml
    at = 0
    for chunk in found[:-1]:
        at += len(chunk)
        assert re.search(rb"</(?:x:)?row\s*>$", chunk), chunk[-40:]
        assert not any(begin < at < end for begin, end in spans), (at, spans)


def test_a_comment_near_the_start_leaves_the_rest_in_chunks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(chunks, "CHUNK", 1000)
    rows = "".join(f'<row r="{i}"><c r="A{i}"><v>{i}</v></c></row>' for i in range(2, 2000))
    xml = f'<?xml version="1.0"?><sheetData><row r="1"><!-- </row> --></row>{rows}</sheetData>'
    found = list(chunks.row_chunks(io.BytesIO(xml.encode())))
    assert max(map(len, found)) < 2 * 1000 and len(found) > 50


def test_an_unclosed_comment_holds_the_rest(monkeypatch: pytest.MonkeyPatch) -> None:
    """Not XML (calamine refuses it), but no cut inside it either."""
    monkeypatch.setattr(chunks, "CHUNK", 100)
    rows = "".join(f'<row r="{i}"><c r="A{i}"><v>{i}</v></c></row>' for i in range(1, 200))
    xml = f"<sheetData>{rows[:500]}<!-- {rows[500:]}</sheetData>".encode()
    found = list(chunks.row_chunks(io.BytesIO(xml)))
    assert b"".join(found) == xml and b"<!--" in found[-1] and found[-1].startswith(b"<row")


def test_a_construct_closing_at_the_end_of_a_block_is_not_searched_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Its `<?` was taken for a new processing instruction, which hid the next comment."""
    first = b'<?xml version="1.0"?><sheetData><row r="1"><c r="A1"><v>1</v></c>'
    comment = b"<!-- x <? -->"
    size = len(first) + len(comment)  # the first comment ends the first block
    monkeypatch.setattr(chunks, "CHUNK", size)
    rest = b'</row><!-- ?> </row><c r="B1"> --><row r="2"><c r="A2"><v>2</v></c></row></sheetData>'
    xml = first + comment + rest
    found = list(chunks.row_chunks(io.BytesIO(xml)))
    assert b"".join(found) == xml
    assert all(not c.endswith(b"?> </row>") for c in found), found


@pytest.mark.parametrize(
    "between",
    ["", "\n", "\u00a0", "&#10;", "<!-- x -->", "<?pi x?>"],
)
@pytest.mark.parametrize("row_end", ["</row>", "<extLst/></row>", '<c r="Z{n}" a="x>y"/></row>'])
def test_rows_as_writers_write_them_are_cut(
    monkeypatch: pytest.MonkeyPatch, between: str, row_end: str
) -> None:
    """Text, comments or processing instructions between rows, an element or a quoted `>`
    before a row's end: each row end is still found, so the chunks stay about CHUNK bytes
    (a form with none found was one chunk: the whole sheet in memory)."""
    monkeypatch.setattr(chunks, "CHUNK", 1000)
    rows = "".join(
        f'<row r="{n}"><c r="A{n}"><v>{n}</v></c>{row_end.format(n=n)}{between}'
        for n in range(1, 400)
    )
    xml = f'<?xml version="1.0"?><worksheet><sheetData>{rows}</sheetData></worksheet>'.encode()
    found = list(chunks.row_chunks(io.BytesIO(xml)))
    assert b"".join(found) == xml and max(map(len, found)) < 2000
