"""The columnar reading's proof (kipu.core.read.census) cannot be fooled: cells that are not
what fastexcel's text says, written as other programs write them, anywhere in the sheet and in
any combination, give the cell-by-cell reading's table (`both`), never a quietly changed value.

The kinds come from a tester's files: a number typed as text ("2.500", which the validation
reads as 2500) in a number column once passed because a boolean in a text column cancelled it
out in a sheet-wide count, and the value was read as 2.5.
"""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent))
from two_readings import LABELS, both, plain_row  # noqa: E402

from kipu.core.limits import DEFAULT_LIMITS  # noqa: E402
from kipu.core.read import ReadError, cell_scan, chunks, fivew, read_5w  # noqa: E402

SHEET = "xl/worksheets/sheet1.xml"
NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

ROWS = 80  # beyond the head rows, so the census proves the body
# Cells as other programs write them, by column: (column letter, cell XML with {ref}).
# Counted as text cells, but not a text value of a text column:
COUNTED = {
    "number-as-text": ("Q", '<c r="{ref}" t="inlineStr"><is><t>2.500</t></is></c>'),
    "shared-number-as-text": ("R", '<c r="{ref}" t="str"><f>"8"</f><v>8</v></c>'),
    "empty-inline": ("I", '<c r="{ref}" t="inlineStr"></c>'),
    "formula-without-value": ("I", '<c r="{ref}" t="str"><f>"x"</f></c>'),
}
# Text values of fastexcel that the census does not count as text cells:
UNCOUNTED = {
    "boolean": ("B", '<c r="{ref}" t="b"><v>1</v></c>'),
    "iso-date": ("F", '<c r="{ref}" t="d"><v>2024-03-01T00:00:00</v></c>'),
    "not-a-number": ("I", '<c r="{ref}"><v>NaN</v></c>'),
    "type-first": ("B", '<c t="inlineStr" r="{ref}"><is><t>Lima</t></is></c>'),
    "single-quotes": ("B", "<c r='{ref}' t='inlineStr'><is><t>Lima</t></is></c>"),
    "escaped-return": ("I", '<c r="{ref}" t="str"><f>"a"</f><v>Kits_x000D_</v></c>'),
}
# Cells the census cannot read as it reads the others (a second tester's files): each alone
# once read "2.500" as 2.5, a 9-decimal number as an integer, or cancelled a boolean out.
UNREADABLE = {
    "spaced-type": ("Q", '<c r="{ref}" t = "inlineStr"><is><t>2.500</t></is></c>'),
    "broken-type": ("Q", '<c r="{ref}" t=\n"inlineStr"><is><t>2.500</t></is></c>'),
    "inline-without-type": ("Q", '<c r="{ref}"><is><t>2.500</t></is></c>'),
    "inline-as-number": ("Q", '<c r="{ref}" t="n"><is><t>2.500</t></is></c>'),
    "lower-case-type": ("Q", '<c r="{ref}" t="inlinestr"><is><t>2.500</t></is></c>'),
    "referenced-type": ("Q", '<c r="{ref}" t="&#105;nlineStr"><is><t>2.500</t></is></c>'),
    "slash-in-attribute": ("Q", '<c r="{ref}" t="inlineStr" cm="a/b"><is><t>2.500</t></is></c>'),
    "style-after-type": ("Q", '<c r="{ref}" t="inlineStr" s="0"><is><t>2.500</t></is></c>'),
    "inline-with-v": ("I", '<c r="{ref}" t="inlineStr"><v>x</v></c>'),
    "inline-and-v": ("I", '<c r="{ref}" t="inlineStr"><is><t>x</t></is><v>y</v></c>'),
    "repeated-reference": ("B", '<c r="{ref}" r="{ref}" t="inlineStr"><is><t>Lima</t></is></c>'),
    "commented-cell": ("B", '<!-- <c r="{ref}" t="s"> --><c r="{ref}"><v>1</v></c>'),
    "plus-fine": ("Q", '<c r="{ref}"><v>+2.0000000001</v></c>'),
    "plus-exponent": ("Q", '<c r="{ref}"><v>+1e-10</v></c>'),
    "value-attribute": ("Q", '<c r="{ref}"><v xml:space="preserve">1e-10</v></c>'),
    "spaced-date": ("F", '<c r="{ref}" t="d"><v>2024-03-01 00:00:00</v></c>'),
    # A third tester's: attributes XML allows that the patterns did not.
    "bracket-in-attribute": ("Q", '<c r="{ref}" cm=">" t="str"><v>2.500</v></c>'),
    "line-between-attributes": ("Q", '<c r="{ref}"\nt="str"><v>2.500</v></c>'),
    "hyphen-in-name": ("Q", '<c r="{ref}" x-y="1" t="str"><v>2.500</v></c>'),
    "prefixed-inline": ("Q", f'<c r="{{ref}}"><x:is xmlns:x="{NS}"><x:t>2.500</x:t></x:is></c>'),
    "prefixed-value": ("Q", f'<c r="{{ref}}"><x:v xmlns:x="{NS}">2.0000000001</x:v></c>'),
    "eight-digits": ("Q", '<c r="{ref}"><v>100000000</v></c>'),
}
KINDS = {**COUNTED, **UNCOUNTED, **UNREADABLE}


def _base(path: Path, rows: int) -> Path:
    """An xlsxwriter file (inline strings, every cell with its reference) of `rows` rows.

    Written once a test run for each size, shared by the run's workers (xdist's run id):
    100,000 rows take xlsxwriter 16 s, and four tests start from them."""
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID", f"pid{os.getpid()}")
    # In pytest's run folder (`pytest-of-user/pytest-N`, which pytest removes in time).
    root = next((p for p in path.parents if p.parent.name.startswith("pytest-of-")), None)
    kept = (root or Path(tempfile.gettempdir())) / f"kipu-test-base-{run}" / f"{rows}.xlsx"
    if not kept.exists():
        kept.parent.mkdir(exist_ok=True)
        fresh = kept.with_name(f"{rows}-{os.getpid()}.xlsx")
        with xlsxwriter.Workbook(str(fresh), {"constant_memory": True}) as book:
            sheet = book.add_worksheet("5W")
            for r, row in enumerate([LABELS[:27], *(plain_row(i) for i in range(rows))]):
                for c, value in enumerate(row):
                    if value != "":
                        sheet.write(r, c, value)
        os.replace(fresh, kept)  # whole or not there: another worker may be reading it
    shutil.copyfile(kept, path)
    return path


def _edit(path: Path, out: Path, member: str, change: object) -> Path:
    """A copy of `path` with one member rewritten by `change(bytes) -> bytes`."""
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as to:
        for info in source.infolist():
            data = source.read(info.filename)
            to.writestr(info.filename, change(data) if info.filename == member else data)  # type: ignore[operator]
    return out


def _put(xml: bytes, kind: str, row: int) -> bytes:
    """The sheet XML with the cell of `kind`'s column in sheet row `row` written as `kind`."""
    letter, cell = KINDS[kind]
    ref = f"{letter}{row}"
    found = re.search(rf'<c r="{ref}"[^>]*?(?:/>|>.*?</c>)'.encode(), xml)
    assert found is not None, ref
    return xml[: found.start()] + cell.format(ref=ref).encode() + xml[found.end() :]


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _base(tmp_path_factory.mktemp("census") / "base.xlsx", ROWS)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    cells=st.lists(
        st.tuples(st.sampled_from(sorted(KINDS)), st.integers(2, ROWS + 1)),
        min_size=1,
        max_size=3,
        unique_by=lambda c: (KINDS[c[0]][0], c[1]),
    )
)
def test_no_mix_of_cells_fools_the_census(
    base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cells: list[tuple[str, int]]
) -> None:
    def change(xml: bytes) -> bytes:
        for kind, row in cells:
            xml = _put(xml, kind, row)
        return xml

    path = _edit(base, tmp_path / "mixed.xlsx", SHEET, change)
    assert both(path, monkeypatch).source == "cells"


SMALL_ROWS = 400  # about 380 KB of XML: with 64 KB chunks, seven chunks in four surveys


@pytest.fixture(scope="module")
def larger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _base(tmp_path_factory.mktemp("census") / "larger.xlsx", SMALL_ROWS)


def test_a_plain_sheet_in_small_chunks_is_still_read_by_columns(
    larger: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The generator below is not vacuous: the census proves a plain sheet across chunks
    and surveys (the head whole in the first chunk)."""
    monkeypatch.setattr(chunks, "CHUNK", 64 << 10)
    assert both(larger, monkeypatch).source == "columns"


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    cells=st.lists(
        # Rows drawn evenly (integers lean to the ends of their range: the first chunk).
        st.tuples(st.sampled_from(sorted(KINDS)), st.sampled_from(range(2, SMALL_ROWS + 2))),
        min_size=1,
        max_size=3,
        unique_by=lambda c: (KINDS[c[0]][0], c[1]),
    )
)
def test_no_mix_of_cells_fools_the_census_across_chunks(
    larger: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cells: list[tuple[str, int]]
) -> None:
    """The scan surveys chunks two at a time in one polars call (`census.survey`); what it
    counts per chunk (an inline string in a cell of another type) stays per chunk, and
    cells in different chunks and surveys cannot cancel out."""
    monkeypatch.setattr(chunks, "CHUNK", 64 << 10)

    def change(xml: bytes) -> bytes:
        for kind, row in cells:
            xml = _put(xml, kind, row)
        return xml

    path = _edit(larger, tmp_path / "mixed.xlsx", SHEET, change)
    assert both(path, monkeypatch).source == "cells"


@pytest.mark.parametrize("kind", sorted(UNREADABLE))
def test_each_cell_the_census_cannot_read_in_a_later_chunk(
    larger: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    """In the second chunk of the second survey (chunks of 64 KB, about 60 rows each)."""
    monkeypatch.setattr(chunks, "CHUNK", 64 << 10)
    path = _edit(larger, tmp_path / "one.xlsx", SHEET, lambda x: _put(x, kind, 230))
    assert both(path, monkeypatch).source == "cells"


def test_error_cells_in_every_chunk_and_survey(
    larger: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each chunk's cells are parsed when that chunk holds an error or a formula (the survey
    answers per chunk): one error cell in each of the seven chunks."""
    monkeypatch.setattr(chunks, "CHUNK", 64 << 10)
    rows = [30, 100, 170, 230, 300, 370, 401]

    def change(xml: bytes) -> bytes:
        for row in rows:
            found = re.search(rf'<c r="Q{row}">.*?</c>'.encode(), xml)
            assert found is not None
            cell = f'<c r="Q{row}" t="e"><v>#REF!</v></c>'.encode()
            xml = xml[: found.start()] + cell + xml[found.end() :]
        return xml

    table = both(_edit(larger, tmp_path / "errors.xlsx", SHEET, change), monkeypatch)
    assert table.marks.filter(pl.col("kind") == "error")["row"].to_list() == rows


@pytest.mark.parametrize("counted", sorted(COUNTED))
@pytest.mark.parametrize("uncounted", sorted(UNCOUNTED))
def test_each_pair_that_once_cancelled_out(
    base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, counted: str, uncounted: str
) -> None:
    path = _edit(
        base, tmp_path / "pair.xlsx", SHEET, lambda x: _put(_put(x, counted, 61), uncounted, 72)
    )
    assert both(path, monkeypatch).source == "cells"


@pytest.mark.parametrize("kind", sorted(UNREADABLE))
def test_each_cell_the_census_cannot_read(
    base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    path = _edit(base, tmp_path / "one.xlsx", SHEET, lambda x: _put(x, kind, 66))
    assert both(path, monkeypatch).source == "cells"


@pytest.mark.parametrize(
    "cell",
    [
        "<c r='Q40' t='e'><v>#REF!</v></c>",
        '<c r="Q40" t = "e"><v>#REF!</v></c>',
        '<c r="Q40" t="e"><v xml:space="preserve">#REF!</v></c>',
        '<c\tr="Q40"\tt="e"><v>#REF!</v></c>',
        # A third tester's: end tags with a space (XML allows it), an attribute ending in t.
        '<c r="Q40" t="e"><v>#REF!</v ></c >',
        '<c r="Q40" x-t="n" t="e"><v>#REF!</v></c>',
        '<c r="P40"><v>3</v></c ><c r="Q40" t="e"><v>#REF!</v></c>',
    ],
)
def test_error_cells_however_their_tags_are_written(
    base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cell: str
) -> None:
    """Both readings read these as blank, with no mark (validated as 0)."""
    pattern = rb'<c r="P40">.*?</c><c r="Q40">.*?</c>' if "P40" in cell else rb'<c r="Q40">.*?</c>'
    path = _edit(base, tmp_path / "e.xlsx", SHEET, lambda x: re.sub(pattern, cell.encode(), x))
    table = both(path, monkeypatch)
    assert table.frame.filter(pl.col("row") == 40)["delivery_mechanism"].to_list() == ["#REF!"]
    assert ("error", "#REF!") in table.marks.select("kind", "detail").rows()


def _prefixed(xml: bytes, prefix: bytes) -> bytes:
    """The sheet with its data elements written with a namespace prefix (`<x-y:c>`)."""
    for tag in (b"sheetData", b"row", b"c", b"v", b"is", b"t"):
        xml = re.sub(rb"<(/?)" + tag + rb"(?=[\s/>])", rb"<\1" + prefix + b":" + tag, xml)
    return xml.replace(b"<worksheet ", b"<worksheet xmlns:" + prefix + f'="{NS}" '.encode(), 1)


@pytest.mark.parametrize("prefix", ["x", "x-y", "x.y", "é", "x_1"])
def test_error_cells_of_a_sheet_written_with_any_namespace_prefix(
    larger: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, prefix: str
) -> None:
    """calamine reads a prefix of any XML name (`x-y:`, `é:`); the scan missed all but
    letters, digits and `_`, and the error cells read blank with no mark. Chunks of 64 KB:
    the chunks end at the prefixed row ends."""
    monkeypatch.setattr(chunks, "CHUNK", 64 << 10)
    rows = [40, 230, 380]

    def change(xml: bytes) -> bytes:
        for row in rows:
            xml = re.sub(
                rf'<c r="Q{row}">.*?</c>'.encode(),
                rf'<c r="Q{row}" t="e"><v>#REF!</v></c>'.encode(),
                xml,
            )
        return _prefixed(xml, prefix.encode())

    table = both(_edit(larger, tmp_path / "prefixed.xlsx", SHEET, change), monkeypatch)
    assert table.marks.filter(pl.col("kind") == "error")["row"].to_list() == rows


@pytest.mark.parametrize("hiding", ["<!--</row>-->", "<![CDATA[</row>]]>", "<?kipu </row>?>"])
@pytest.mark.parametrize("row", [70, 230])
def test_an_error_cell_holding_a_row_end_in_a_comment(
    larger: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hiding: str, row: int
) -> None:
    """A `</row>` in a comment, a CDATA section or a processing instruction is no row's end:
    a chunk cut there cut the cell in two, and its error mark was lost. The spaces after it
    are more than a chunk, so the cut would fall inside the cell."""
    monkeypatch.setattr(chunks, "CHUNK", 64 << 10)
    padding = " " * (80 << 10)
    cell = f'<c r="Q{row}" t="e">{hiding}{padding}<v>#REF!</v></c>'.encode()
    path = _edit(
        larger, tmp_path / "hiding.xlsx", SHEET,
        lambda x: re.sub(rf'<c r="Q{row}">.*?</c>'.encode(), cell, x),
    )  # fmt: skip
    table = both(path, monkeypatch)
    assert table.marks.filter(pl.col("kind") == "error")["row"].to_list() == [row]


@pytest.mark.slow
def test_a_pair_a_hundred_thousand_rows_apart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past the scan's 1 MB chunks and polars' chunk sizes: the two cells in different chunks."""
    path = _base(tmp_path / "large.xlsx", 100_000)

    def change(xml: bytes) -> bytes:
        return _put(_put(xml, "number-as-text", 70), "boolean", 99_990)

    table = both(_edit(path, tmp_path / "pair.xlsx", SHEET, change), monkeypatch)
    assert table.source == "cells" and table.frame.height == 100_000
    assert table.frame.filter(pl.col("row") == 70)["delivery_mechanism"].to_list() == ["2.500"]


@pytest.mark.parametrize("written", ['numFmtId="{}"', "numFmtId='{}'", 'numFmtId = "{}"'])
@pytest.mark.parametrize("number_format", [27, 31, 36, 50, 57])
def test_east_asian_date_formats_are_dates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, number_format: int, written: str
) -> None:
    """Excel's built-in formats 27-36 and 50-58 are dates (calamine reads them so); fastexcel
    reads a serial number (45352)."""
    path = tmp_path / f"f{number_format}.xlsx"
    with xlsxwriter.Workbook(str(path)) as book:
        sheet = book.add_worksheet("5W")
        dated = book.add_format({"num_format": number_format})
        for r, row in enumerate([LABELS[:27], *(plain_row(i) for i in range(ROWS))]):
            for c, value in enumerate(row):
                if c == 5 and r:
                    sheet.write_number(r, c, 45352, dated)  # 2024-03-01
                elif value != "":
                    sheet.write(r, c, value)
    old = f'numFmtId="{number_format}"'.encode()
    path = _edit(path, tmp_path / "styled.xlsx", "xl/styles.xml",
                 lambda x: x.replace(old, written.format(number_format).encode()))  # fmt: skip
    table = both(path, monkeypatch)
    assert set(table.frame["implementing_partner"].to_list()) == {"2024-03-01"}


@pytest.mark.parametrize(
    ("member", "old", "new"),
    [
        ("xl/workbook.xml", b'name="5W"', b'name="A&#241;o 5W"'),
        ("xl/workbook.xml", b'name="5W"', b'name="A&#xF1;o 5W"'),
        ("xl/workbook.xml", b'<sheet name="5W" sheetId="1" r:id="rId1"/>',
         b"<sheet name='5W' sheetId='1' r:id='rId1'/>"),
        ("xl/_rels/workbook.xml.rels", b'Id="rId1" Type="', b"Id='rId1' Type=\""),
        ("xl/_rels/workbook.xml.rels", b'Target="worksheets/', b'Target="/xl/worksheets/'),
    ],
)  # fmt: skip
def test_error_cells_of_sheets_however_their_names_are_written(
    base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, member: str, old: bytes,
    new: bytes,
) -> None:  # fmt: skip
    """An error cell (#REF!) is never read as a blank (which the validation read as 0)."""
    error = b'<c r="Q40" t="e"><v>#REF!</v></c>'
    with_error = _edit(
        base, tmp_path / "e.xlsx", SHEET, lambda x: re.sub(rb'<c r="Q40">.*?</c>', error, x)
    )
    path = _edit(with_error, tmp_path / "named.xlsx", member, lambda x: x.replace(old, new, 1))
    table = both(path, monkeypatch)
    assert table.frame.filter(pl.col("row") == 40)["delivery_mechanism"].to_list() == ["#REF!"]
    assert ("error", "#REF!") in table.marks.select("kind", "detail").rows()


@pytest.mark.parametrize("columnar", [True, False])
def test_a_sheet_the_scan_cannot_find_is_refused(
    base: Path, monkeypatch: pytest.MonkeyPatch, columnar: bool
) -> None:
    """Without its marks a sheet's error cells would read as empty: refused, by name."""
    monkeypatch.setattr(cell_scan, "sheet_members", lambda path: {})
    monkeypatch.setattr(fivew, "COLUMNAR", columnar)
    with pytest.raises(ReadError, match="“5W” could not be checked for Excel errors"):
        read_5w(base)


def test_cells_without_references_late_in_a_large_sheet(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The format lets a writer leave references out, part-way too: past the first 1 MB of
    XML, an error cell without a reference keeps its error."""
    path = _base(tmp_path / "late.xlsx", 20_000)
    late = 19_000

    def change(xml: bytes) -> bytes:
        start = xml.index(f'<row r="{late}"'.encode())
        tail = re.sub(rb'<c r="[A-D]\d+"', b"<c", xml[start:])  # A-D: no gap before them
        body = re.sub(
            rb'<c( t="inlineStr")?><is><t>UNHCR</t></is></c>',
            b'<c t="e"><v>#DIV/0!</v></c>',
            tail,
            count=1,
        )
        return xml[:start] + body

    table = both(_edit(path, tmp_path / "unplaced.xlsx", SHEET, change), monkeypatch)
    row = table.frame.filter(pl.col("row") == late)
    assert row["admin2"].to_list() == ["#DIV/0!"]
    assert (late, "error", "#DIV/0!") in table.marks.select("row", "kind", "detail").rows()


@pytest.mark.parametrize("columnar", [True, False])
def test_the_column_limit_is_the_same_to_both_readings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, columnar: bool
) -> None:
    """python-calamine's `total_width` is the last column's index: the cell-by-cell reading let
    one column more through than the columnar one."""
    limits = dataclasses.replace(DEFAULT_LIMITS, max_columns=28)
    monkeypatch.setattr(fivew, "COLUMNAR", columnar)
    for width, refused in ((28, False), (29, True)):
        path = tmp_path / f"w{width}-{columnar}.xlsx"
        with xlsxwriter.Workbook(str(path)) as book:
            sheet = book.add_worksheet("5W")
            for r, row in enumerate([LABELS[:27], *(plain_row(i) for i in range(ROWS))]):
                for c, value in enumerate([*row, *(["x"] * (width - 27))]):
                    if value != "":
                        sheet.write(r, c, value)
        if refused:
            with pytest.raises(ReadError, match=f"{width} columns"):
                read_5w(path, limits=limits)
        else:
            assert read_5w(path, limits=limits).frame.height == ROWS


@pytest.mark.parametrize("member", [SHEET, "xl/sharedStrings.xml"])
def test_a_declared_encoding_other_than_utf8(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, member: str
) -> None:
    """fastexcel decodes by the declaration, python-calamine reads UTF-8 ("AtenciÃ³n")."""
    path = tmp_path / "shared.xlsx"
    with xlsxwriter.Workbook(str(path)) as book:  # shared strings
        sheet = book.add_worksheet("5W")
        for r, row in enumerate([LABELS[:27], *(plain_row(i) for i in range(ROWS))]):
            for c, value in enumerate(row):
                if value != "":
                    sheet.write(r, c, "Atención médica" if (r and c == 9) else value)
    path = _edit(path, tmp_path / "latin.xlsx", member,
                 lambda x: x.replace(b'encoding="UTF-8"', b'encoding="ISO-8859-1"', 1))  # fmt: skip
    table = both(path, monkeypatch)
    assert set(table.frame["activity_name"].to_list()) == {"Atención médica"}


@pytest.mark.parametrize("at", [45, 230])
def test_a_sheet_that_is_not_utf8_is_scanned_and_refused_as_unreadable(
    larger: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, at: int
) -> None:
    """Latin-1 bytes in the sheet XML, in the first chunk or a later one: the scan still
    finds the error cells and proves nothing, and the file is refused for what it is (calamine
    reads UTF-8 only), not as a sheet the scan could not read."""
    monkeypatch.setattr(chunks, "CHUNK", 64 << 10)

    def change(xml: bytes) -> bytes:
        xml = xml.replace(b'encoding="UTF-8"', b'encoding="ISO-8859-1"', 1)
        xml = re.sub(rb'<c r="Q300">.*?</c>', b'<c r="Q300" t="e"><v>#N/A</v></c>', xml)
        cell = f'<c r="J{at}" t="inlineStr"><is><t>Atenci\xf3n</t></is></c>'.encode("latin-1")
        return re.sub(rf'<c r="J{at}"[^>]*>.*?</c>'.encode(), cell, xml)

    path = _edit(larger, tmp_path / "latin.xlsx", SHEET, change)
    scan = cell_scan.CellScan(path, census=True)
    assert (300, 16, "error", "#N/A") in scan.marks("5W")
    assert scan.census("5W") is None
    with pytest.raises(ReadError, match="not a readable spreadsheet"):
        read_5w(path)


@pytest.mark.parametrize("code", ["[hhh]:mm", "[sss]", '"x"[h]:mm'])
def test_every_duration_format(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: str) -> None:
    path = tmp_path / "d.xlsx"
    with xlsxwriter.Workbook(str(path)) as book:
        sheet = book.add_worksheet("5W")
        lasting = book.add_format({"num_format": code})
        for r, row in enumerate([LABELS[:27], *(plain_row(i) for i in range(ROWS))]):
            for c, value in enumerate(row):
                if c == 16 and r:
                    sheet.write_number(r, c, 45352, lasting)
                elif value != "":
                    sheet.write(r, c, value)
    both(path, monkeypatch)


def test_of_two_sheets_of_one_name_the_first_is_scanned(base: Path, tmp_path: Path) -> None:
    from kipu.core.read.package import sheet_members

    second = b'<sheet name="5W" sheetId="2" r:id="rId9"/></sheets>'
    path = _edit(base, tmp_path / "twice.xlsx", "xl/workbook.xml",
                 lambda x: x.replace(b"</sheets>", second))  # fmt: skip
    other = b'<Relationship Id="rId9" Type="x" Target="worksheets/other.xml"/></Relationships>'
    path = _edit(path, tmp_path / "twice2.xlsx", "xl/_rels/workbook.xml.rels",
                 lambda x: x.replace(b"</Relationships>", other))  # fmt: skip
    assert sheet_members(path)["5W"] == SHEET


@pytest.mark.parametrize(
    "hidden", ['<?x <c r="I50" t="inlineStr">?>', '<![CDATA[<c r="I50" t="inlineStr">]]>']
)
def test_hidden_text_sends_the_sheet_to_the_cell_by_cell_reading(
    base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hidden: str
) -> None:
    """The census counts text cells with patterns, which see the tag in the hidden text: a
    number in a text column (one text cell fewer) and such a tag (one more) cancelled out.
    As for a comment, the sheet is read cell by cell."""
    number = b'<c r="I50"><v>7</v></c>'

    def change(xml: bytes) -> bytes:
        xml = re.sub(rb'<c r="I50"[^>]*>.*?</c>', number + hidden.encode(), xml, count=1)
        return xml

    table = both(_edit(base, tmp_path / "hidden.xlsx", SHEET, change), monkeypatch)
    assert table.source == "cells"


def test_a_sheet_with_a_byte_order_mark_is_still_read_by_columns(
    base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """.NET writers put one before the XML declaration, which is no hidden text."""
    path = _edit(base, tmp_path / "bom.xlsx", SHEET, lambda xml: b"\xef\xbb\xbf" + xml)
    assert both(path, monkeypatch).source == "columns"
