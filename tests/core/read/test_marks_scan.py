"""The marks scan of an XLSX sheet (kipu.core.read.marks) parses, in a chunk whose cell tags are
all canonical, only the cells around each hint of a formula or an error (`marks._cells`): it
must find exactly the marks that parsing every cell of the chunk finds, whatever the forms,
places and chunk sizes. Parsing every cell took 5 s for 100,000 rows with one formula each.
"""

from __future__ import annotations

import re
import sys
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent))
from test_census_proof import NS, SHEET, _base, _edit  # noqa: E402

from kipu.core.read import ReadError, cell_scan, chunks, marks, read_5w  # noqa: E402

ROWS = 120
# Forms of cells, and whether each is a mark (an error, or a formula).
FORMS = {
    "error": ('<c r="{ref}" t="e"><v>#REF!</v></c>', True),
    "error-spaced-type": ('<c r="{ref}" t = "e"><v>#DIV/0!</v></c>', True),
    "error-referenced-type": ('<c r="{ref}" t="&#101;"><v>#N/A</v></c>', True),
    "error-self-closing": ('<c r="{ref}" t="e"/>', True),
    "error-styled": ('<c r="{ref}" s="0" t="e"><v>#NAME?</v></c>', True),
    "error-end-tags-spaced": ('<c r="{ref}" t="e"><v>#NUM!</v ></c >', True),
    "formula": ('<c r="{ref}"><f>R2+S2</f><v>12</v></c>', True),
    "formula-without-value": ('<c r="{ref}"><f>R2+S2</f></c>', True),
    "formula-text": ('<c r="{ref}" t="str"><f>"a"&amp;"b"</f><v>ab</v></c>', True),
    "formula-shared": ('<c r="{ref}"><f t="shared" si="0"/><v>3</v></c>', True),
    "formula-prefixed": (f'<c r="{{ref}}"><x:f xmlns:x="{NS}">1+1</x:f><v>2</v></c>', True),
    "formula-error": ('<c r="{ref}" t="e"><f>1/0</f><v>#DIV/0!</v></c>', True),
    # A third tester's: what a look back for `<c r="` from the hint missed.
    "error-newline-before-r": ('<c\nr="{ref}" t="e"><v>#REF!</v></c>', True),
    "formula-tab-before-r": ('<c\tr="{ref}"><f>1/0</f></c>', True),
    # A fourth's: an element whose name starts with c (`\b` took `<c-x>` for a cell).
    "element-c-x-before": ('<c-x>hi</c-x><c r="{ref}" t="e"><v>#REF!</v></c>', True),
    "element-c.x-before": ('<c.x/><c r="{ref}"><f>1+1</f><v>2</v></c>', True),
    # A hint in a text (quotes need no escape there), in a value, in another attribute.
    "hint-in-text": ('<c r="{ref}" t="inlineStr"><is><t>t="e" t=\'x\'</t></is></c>', False),
    "hint-in-attribute": ('<c r="{ref}" cm="t=&quot;e&quot;"><v>4</v></c>', False),
    "plain-number": ('<c r="{ref}"><v>7</v></c>', False),
    # A value calamine misreads (test_coded_values), and references it reads right.
    "number-reference": ('<c r="{ref}"><v>1&#x35;</v></c>', True),
    "number-cdata": ('<c r="{ref}"><v><![CDATA[15]]></v></c>', True),
    "number-processing-instruction": ('<c r="{ref}"><v>1<?x?>2</v></c>', True),
    "number-two-values": ('<c r="{ref}"><v>15</v><v>7</v></c>', True),
    "inline-reference": ('<c r="{ref}" t="inlineStr"><is><t>a &amp; b</t></is></c>', False),
    "text-value-reference": ('<c r="{ref}" t="str"><v>a &amp; b</v></c>', False),
}
COLUMNS = "ABCDFGHIJKLMPQRSTUVWXYZ"


def _placed(forms: dict[str, object], most: int) -> st.SearchStrategy[list[tuple[str, str, int]]]:
    """Up to `most` (form, column, row) of `forms`, one a cell."""
    return st.lists(
        st.tuples(
            st.sampled_from(sorted(forms)),
            st.sampled_from(COLUMNS),
            st.sampled_from(range(2, ROWS + 2)),
        ),
        min_size=1,
        max_size=most,
        unique_by=lambda c: (c[1], c[2]),
    )


def _put(xml: bytes, form: str, ref: str) -> bytes:
    cell = FORMS[form][0].format(ref=ref).encode()
    return re.sub(rf'<c r="{ref}"[^>]*?(?:/>|>.*?</c>)'.encode(), cell, xml, count=1)


def _both_scans(path: Path, monkeypatch: pytest.MonkeyPatch) -> list[marks.Mark]:
    targeted = marks.xlsx_marks(path, SHEET, untrusted=False)
    with monkeypatch.context() as patch:
        patch.setattr(marks, "SCAN_EVERY_CELL", True)
        every = marks.xlsx_marks(path, SHEET, untrusted=False)
    assert targeted == every
    return targeted


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _base(tmp_path_factory.mktemp("marks") / "base.xlsx", ROWS)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(cells=_placed(FORMS, 12), chunk=st.sampled_from([1 << 20, 8 << 10, 600]))
def test_the_cells_around_the_hints_are_every_cell_with_a_mark(
    base: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    cells: list[tuple[str, str, int]],
    chunk: int,
) -> None:
    monkeypatch.setattr(chunks, "CHUNK", chunk)

    def change(xml: bytes) -> bytes:
        for form, column, row in cells:
            xml = _put(xml, form, f"{column}{row}")
        return xml

    found = _both_scans(_edit(base, tmp_path / "marks.xlsx", SHEET, change), monkeypatch)
    expected = sorted((row, column) for form, column, row in cells if FORMS[form][1])
    assert sorted((row, marks.column_letters(col)) for row, col, _, _ in found) == expected


def test_formulas_after_the_rows(
    base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Conditional formats and validations after the rows hold hints (`<formula>`): read
    once, not once per hint (40,000 rules took 22 s), and no cell is found there."""
    rules = "".join(
        f'<conditionalFormatting sqref="Q{i}"><cfRule type="expression" priority="{i}">'
        f"<formula>Q{i}&gt;0</formula></cfRule></conditionalFormatting>"
        for i in range(2, 2000)
    )

    def change(xml: bytes) -> bytes:
        xml = _put(xml, "error", f"Q{ROWS}")
        return xml.replace(b"</sheetData>", b"</sheetData>" + rules.encode(), 1)

    found = _both_scans(_edit(base, tmp_path / "rules.xlsx", SHEET, change), monkeypatch)
    assert [(row, kind) for row, _, kind, _ in found] == [(ROWS, marks.ERROR)]


@pytest.mark.slow
def test_a_row_of_formulas_in_every_row_of_a_large_sheet(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At real size, past the 1 MB chunks and polars' chunk sizes: a formula and an error
    in each of 100,000 rows."""
    path = _base(tmp_path / "large.xlsx", 100_000)

    def change(xml: bytes) -> bytes:
        xml = re.sub(
            rb'<c r="Q(\d+)"><v>[^<]*</v></c>', rb'<c r="Q\1"><f>R\1+S\1</f><v>12</v></c>', xml
        )
        return re.sub(rb'<c r="T(\d+)"><v>[^<]*</v></c>', rb'<c r="T\1" t="e"><v>#N/A</v></c>', xml)

    found = _both_scans(_edit(path, tmp_path / "formulas.xlsx", SHEET, change), monkeypatch)
    kinds = [kind for _, _, kind, _ in found]
    assert kinds.count(marks.FORMULA) == kinds.count(marks.ERROR) == 100_000


@pytest.mark.parametrize(
    "value", ['"</row>"', "'</row>'", '" </row> "', '"></row><"', "'<c r=\"A1\"/>'", '"<row"']
)
@pytest.mark.parametrize("cut", [True, False])
def test_a_tag_in_an_attribute_value_is_refused(
    base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str, cut: bool
) -> None:
    """Not XML, yet calamine reads it, and no search of the text can tell its tags: a chunk
    cut after the `</row>` of `a="</row>"` split the cell, and its error was lost by every
    scan. The sheet is refused, by name, as one whose cells could not be checked."""
    cell = f'<c r="Q60" t="e" a={value}><v>#REF!</v></c>'
    path = _edit(base, tmp_path / "cut.xlsx", SHEET, lambda x: _put_raw(x, "Q60", cell))
    if cut:  # the first block ends just after the `</row>` in the value
        xml = zipfile.ZipFile(path).read(SHEET)
        monkeypatch.setattr(chunks, "CHUNK", xml.find(b"<", xml.find(b'r="Q60"') + 20) + 9)
    with pytest.raises(ReadError, match="could not be checked"):
        cell_scan.CellScan(path).marks("5W")
    with pytest.raises(ReadError, match="could not be checked"):
        read_5w(path)


def _put_raw(xml: bytes, ref: str, cell: str) -> bytes:
    return re.sub(rf'<c r="{ref}"[^>]*?(?:/>|>.*?</c>)'.encode(), cell.encode(), xml, count=1)


@pytest.mark.parametrize(
    ("encoding", "before"),
    [("utf-16", ""), ("utf-16-le", ""), ("utf-16-be", ""), ("utf-32", ""), ("utf-32-be", ""),
     ("utf-16-le", " "), ("utf-16-le", "\ufeff")],
)  # fmt: skip
def test_a_sheet_in_utf16_is_refused_by_name(
    base: Path, tmp_path: Path, encoding: str, before: str
) -> None:
    """Valid XML, which calamine reads as an empty sheet: the file was said to have no 5W
    sheet, and no pattern of the scan could have found an error cell in it."""

    def wide(xml: bytes) -> bytes:
        text = xml.decode().replace('encoding="UTF-8"', f'encoding="{encoding.upper()}"', 1)
        if before == "\ufeff":  # a UTF-8 byte order mark, then UTF-16
            return before.encode() + text.encode(encoding)
        return (before + text).encode(encoding)

    path = _edit(base, tmp_path / "wide.xlsx", SHEET, wide)
    with pytest.raises(ReadError, match="“5W” could not be checked"):
        read_5w(path)


# A fifth tester's: tags in hidden text (a comment, a processing instruction, a CDATA
# section) were taken for cells when a chunk holding one was parsed whole.
HIDDEN_TAGS = [
    ('<!-- <c r="P60"> --><c r="Q60" t="e"><v>#REF!</v></c>', marks.ERROR, "#REF!"),
    ('<?x <c r="P60">?><c r="Q60" t="e"><v>#REF!</v></c>', marks.ERROR, "#REF!"),
    ('<![CDATA[<c r="P60">]]><c r="Q60" t="e"><v>#REF!</v></c>', marks.ERROR, "#REF!"),
    ('<!-- <c r="P60"> --><c r="Q60"><f>1/0</f></c>', marks.FORMULA_NO_VALUE, None),
    ('<c r="Q60"><!-- </c> --><f>1+1</f></c>', marks.FORMULA_NO_VALUE, None),
    ('<c r="Q60"><?x </c>?><v>1&#x35;</v></c>', marks.UNREADABLE_VALUE, None),
    ('<c r="Q60" t="e"><!-- </c> --><v>#REF!</v></c>', marks.ERROR, "#REF!"),
    ('<c r="Q60" t="e"><v>#REF!<!--x--></v></c>', marks.ERROR, "#REF!"),
]


@pytest.mark.parametrize(("cell", "kind", "detail"), HIDDEN_TAGS)
@pytest.mark.parametrize("references", [True, False])
def test_tags_in_hidden_text_are_no_cells(
    base: Path, tmp_path: Path, cell: str, kind: str, detail: str | None, references: bool
) -> None:
    """As the same cell without the hidden text (no reference: cells counted in order)."""

    def scanned(put: str, name: str) -> list[tuple[int, int, str, str | None]]:
        def change(xml: bytes) -> bytes:
            xml = _put_raw(xml, "Q60", put)
            return xml if references else re.sub(rb' r="[A-Z]+\d+"', b"", xml)

        path = _edit(base, tmp_path / name, SHEET, change)
        return marks.xlsx_marks(path, SHEET, untrusted=False)

    plain = re.sub(r"<!--.*?-->|<\?.*?\?>|<!\[CDATA\[.*?\]\]>", "", cell)
    found = scanned(cell, "hidden.xlsx")
    assert found == scanned(plain, "plain.xlsx")
    assert [(r, k, d) for r, _, k, d in found] == [(60, kind, detail)]


@pytest.mark.parametrize(
    "declaration",
    [
        '<!DOCTYPE worksheet [<!ENTITY e "<!--">]>',
        "<!doctype x [ </row> ]>",
    ],
)
def test_a_document_type_declaration_is_refused(
    base: Path, tmp_path: Path, declaration: str
) -> None:
    """It may define entities (`&e;` read as anything) and hold `</row>` in its values, where
    a chunk was cut inside a cell: no spreadsheet program writes one."""

    def change(xml: bytes) -> bytes:
        if "ENTITY" in declaration:  # in the prolog, as XML allows it
            return xml.replace(b"<worksheet", declaration.encode() + b"<worksheet", 1)
        return _put_raw(xml, "Q60", f'<c r="Q60" t="e">{declaration}<v>#REF!</v></c>')

    path = _edit(base, tmp_path / "doctype.xlsx", SHEET, change)
    with pytest.raises(ReadError, match="could not be checked"):
        read_5w(path)


def test_a_row_end_inside_a_cell_cuts_no_chunk(
    base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not XML, yet fastexcel reads it: a chunk cut there lost the cell's error."""
    cell = '<c r="Q60" t="e"></row>' + " " * 3000 + "<v>#REF!</v></c>"
    path = _edit(base, tmp_path / "stray.xlsx", SHEET, lambda x: _put_raw(x, "Q60", cell))
    xml = zipfile.ZipFile(path).read(SHEET)
    monkeypatch.setattr(chunks, "CHUNK", xml.find(b'r="Q60"') + 200)  # cut after the </row>
    found = marks.xlsx_marks(path, SHEET, untrusted=False)
    assert [(r, k, d) for r, _, k, d in found] == [(60, marks.ERROR, "#REF!")]


# A sixth tester's: a lower-case reference (calamine places r="q60" at Q60), and a `</row>`
# inside a cell after text or in a formula's text (the chunk was cut there).
IN_CELL_ROW_ENDS = [
    '<c r="q60" t="e"><v>#REF!</v></c>',
    '<c r="Q60" t="e"><f>1/0<row></row>' + " " * 2000 + "</f><v>#REF!</v></c>",
    '<c r="Q60" t="e">?></row>' + " " * 2000 + "<v>#REF!</v></c>",
    '<c r="Q60" t="e">--></row>' + " " * 2000 + "<v>#REF!</v></c>",
    # A seventh's: rows inside a formula's text (well-formed), then the next row's start.
    '<c r="Q60" t="e"><f>1/0<row></row><row>' + " " * 2000 + "</row></f><v>#REF!</v></c>",
]


@pytest.mark.parametrize("cell", IN_CELL_ROW_ENDS)
def test_an_error_cell_however_its_row_end_is_faked(
    base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cell: str
) -> None:
    path = _edit(base, tmp_path / "faked.xlsx", SHEET, lambda x: _put_raw(x, "Q60", cell))
    xml = zipfile.ZipFile(path).read(SHEET)
    monkeypatch.setattr(chunks, "CHUNK", xml.lower().find(b'r="q60"') + 200)  # cut after it
    found = marks.xlsx_marks(path, SHEET, untrusted=False)
    assert [(r, marks.column_letters(c), k, d) for r, c, k, d in found] == [
        (60, "Q", marks.ERROR, "#REF!")
    ]


def test_a_quoted_gt_in_a_sheet_without_references(base: Path, tmp_path: Path) -> None:
    """`a="x>y"` is XML: the tag pattern stopped at its `>` and swallowed the next cell."""

    def change(xml: bytes, extra: str) -> bytes:
        xml = _put_raw(xml, "Q60", f'<c r="Q60" {extra} t="e"><v>#REF!</v></c>')
        return re.sub(rb' r="[A-Z]+\d+"', b"", xml)

    quoted = _edit(base, tmp_path / "gt.xlsx", SHEET, lambda x: change(x, 'a="x>y"'))
    plain = _edit(base, tmp_path / "plain.xlsx", SHEET, lambda x: change(x, 'a="xy"'))
    found = marks.xlsx_marks(quoted, SHEET, untrusted=False)
    assert found == marks.xlsx_marks(plain, SHEET, untrusted=False)
    assert [(r, k) for r, _, k, _ in found] == [(60, marks.ERROR)]


def test_a_processing_instruction_named_xml_at_a_chunk_start(
    base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`<?xml-stylesheet …?>` is no XML declaration: its tags were taken for cells."""
    pi = '<?xml-stylesheet <c r="P61" t="e"><v>#REF!</v></c>?>'
    path = _edit(
        base,
        tmp_path / "pi.xlsx",
        SHEET,
        lambda x: x.replace(b'<row r="61"', pi.encode() + b'<row r="61"', 1),
    )
    xml = zipfile.ZipFile(path).read(SHEET)
    monkeypatch.setattr(chunks, "CHUNK", xml.find(pi.encode()) + 10)  # a chunk starts with it
    assert marks.xlsx_marks(path, SHEET, untrusted=False) == []


# The seventh tester's: a cell inside a cell's formula text. Every cell pattern ends at the
# first `</c>`, the inner cell's: `t="e"` with `<f>1/0<c><v>15</v></c></f>` read 15 as the
# error's text, which became the cell's value with no issue (calamine read it as empty).
# A generator of the kind: the outer cell's type, where the inner cell sits, its tag.
INNER_CELLS = ["<c>{v}</c>", '<c r="{ref}">{v}</c>', "<c/>", "<c\n>{v}</c >",
               f'<x:c xmlns:x="{NS}">{{v}}</x:c>', '<c t="e">{v}</c>']  # fmt: skip
OUTER_CELLS = {
    "formula": '<c r="{ref}"{t}><f>1/0{inner}</f><v>{value}</v></c>',
    "formula-after": '<c r="{ref}"{t}><f>SUM(1){inner}</f></c>',
    "value": '<c r="{ref}"{t}><v>{value}{inner}</v></c>',
    "value-first": '<c r="{ref}"{t}><v>{inner}{value}</v></c>',
}


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    outer=st.sampled_from(sorted(OUTER_CELLS)),
    t=st.sampled_from(["", ' t="e"', ' t="str"', ' t="n"']),
    inner=st.sampled_from(INNER_CELLS),
    column=st.sampled_from(COLUMNS),
    row=st.sampled_from(range(2, ROWS + 2)),
    chunk=st.sampled_from([1 << 20, 8 << 10, 600]),
    every=st.booleans(),
)
def test_a_cell_inside_a_cell_refuses_the_sheet(
    base: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    outer: str,
    t: str,
    inner: str,
    column: str,
    row: int,
    chunk: int,
    every: bool,
) -> None:
    """Well-formed XML no writer makes, read otherwise by calamine than by any pattern of
    the scan: the sheet is refused as one whose cells could not be checked."""
    monkeypatch.setattr(chunks, "CHUNK", chunk)
    monkeypatch.setattr(marks, "SCAN_EVERY_CELL", every)
    ref = f"{column}{row}"
    value = "#DIV/0!" if t == ' t="e"' else "9"
    cell = OUTER_CELLS[outer].format(
        ref=ref, t=t, value=value, inner=inner.format(ref=ref, v="<v>15</v>")
    )
    path = _edit(base, tmp_path / "nested.xlsx", SHEET, lambda x: _put_raw(x, ref, cell))
    with pytest.raises(ReadError, match="could not be checked|not a readable spreadsheet"):
        read_5w(path)


def test_an_error_cell_with_two_values_has_no_value(base: Path, tmp_path: Path) -> None:
    """calamine reads the last value, the scan the first: neither is the cell's."""
    cell = '<c r="Q60" t="e"><v>#N/A</v><v>#REF!</v></c>'
    path = _edit(base, tmp_path / "two.xlsx", SHEET, lambda x: _put_raw(x, "Q60", cell))
    found = marks.xlsx_marks(path, SHEET, untrusted=False)
    assert [(r, k) for r, _, k, _ in found] == [(60, marks.UNREADABLE_VALUE)]
    table = read_5w(path)
    name = {i: n for n, i in table.header.columns.items()}[16]  # column Q
    assert table.frame.filter(table.frame["row"] == 60)[name].to_list() == [None]
    assert (60, name, marks.UNREADABLE_VALUE) in table.marks.select("row", "column", "kind").rows()


# Formula cells as Excel and the usual libraries write them, read a chunk at once
# (`kipu.core.read.formulas`): 100,000 rows with fourteen formulas each took 7 s cell by cell.
PLAIN_FORMULAS = {
    "formula": '<c r="{ref}"><f>R2+S2</f><v>12</v></c>',
    "styled": '<c r="{ref}" s="3"><f>SUM(U2:Y2)</f><v>7.5</v></c>',
    "without-value": '<c r="{ref}"><f>R2+S2</f></c>',
    "empty-value": '<c r="{ref}"><f>R2+S2</f><v></v></c>',
    "value-self-closing": '<c r="{ref}"><f>R2+S2</f><v/></c>',
    "shared": '<c r="{ref}"><f t="shared" si="0"/><v>3</v></c>',
    "shared-anchor": '<c r="{ref}"><f t="shared" ref="R2:R9" si="1">R2+1</f><v>3</v></c>',
    "text": '<c r="{ref}" t="str"><f>"a"&amp;"b"</f><v>ab</v></c>',
    "text-empty": '<c r="{ref}" t="str"><f>""</f><v></v></c>',
    "boolean": '<c r="{ref}" t="b"><f>1&gt;0</f><v>1</v></c>',
    "compared": '<c r="{ref}"><f>IF(R2&lt;0,0,R2)</f><v>4</v></c>',
    "spaced-value": '<c r="{ref}"><f>R2</f><v> 4</v></c>',
    # Not plain: the chunk is parsed cell by cell, the marks the same.
    "error": '<c r="{ref}" t="e"><f>1/0</f><v>#DIV/0!</v></c>',
    "coded-value": '<c r="{ref}"><f>R2</f><v>1&#x35;</v></c>',
    "date-typed": '<c r="{ref}" t="d"><f>TODAY()</f><v>2024-01-01</v></c>',
    # A re-tester's: an attribute written twice, which calamine reads by its last.
    "type-twice": '<c r="{ref}" t="str" t="n"><f>SUM(U2:Y2)</f></c>',
    "type-twice-reversed": '<c r="{ref}" t="n" t="str"><f>SUM(U2:Y2)</f><v></v></c>',
}


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    cells=_placed(PLAIN_FORMULAS, 40),
    chunk=st.sampled_from([1 << 20, 8 << 10, 600]),
    untrusted=st.booleans(),
)
def test_formula_cells_read_a_chunk_at_once_give_the_marks_of_every_cell(
    base: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    cells: list[tuple[str, str, int]],
    chunk: int,
    untrusted: bool,
) -> None:
    monkeypatch.setattr(chunks, "CHUNK", chunk)

    def change(xml: bytes) -> bytes:
        for form, column, row in cells:
            ref = f"{column}{row}"
            cell = PLAIN_FORMULAS[form].format(ref=ref).encode()
            xml = re.sub(rf'<c r="{ref}"[^>]*?(?:/>|>.*?</c>)'.encode(), cell, xml, count=1)
        return xml

    path = _edit(base, tmp_path / "formulas.xlsx", SHEET, change)
    at_once = marks.xlsx_marks(path, SHEET, untrusted=untrusted)
    with monkeypatch.context() as patch:
        patch.setattr(marks, "SCAN_EVERY_CELL", True)
        every = marks.xlsx_marks(path, SHEET, untrusted=untrusted)
    assert at_once == every
    assert sorted((r, marks.column_letters(c)) for r, c, _, _ in at_once) == sorted(
        (row, column) for _, column, row in cells
    )


def test_a_chunk_of_plain_formulas_is_read_at_once(
    base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The chunk-at-once reading is the one taken for Excel's formulas (not only agreed with)."""
    taken: list[int] = []
    original = marks.plain_formula_marks

    def counted(*args: object) -> list[marks.Mark] | None:
        found = original(*args)  # type: ignore[arg-type]
        taken.append(-1 if found is None else len(found))
        return found

    monkeypatch.setattr(marks, "plain_formula_marks", counted)
    cell = PLAIN_FORMULAS["styled"]

    def change(xml: bytes) -> bytes:
        for row in range(2, ROWS + 2):
            ref = f"R{row}"
            xml = re.sub(
                rf'<c r="{ref}"[^>]*?(?:/>|>.*?</c>)'.encode(),
                cell.format(ref=ref).encode(),
                xml,
                count=1,
            )
        return xml

    path = _edit(base, tmp_path / "sums.xlsx", SHEET, change)
    found = marks.xlsx_marks(path, SHEET, untrusted=False)
    assert [k for _, _, k, _ in found] == [marks.FORMULA] * ROWS
    assert taken and -1 not in taken and sum(taken) == ROWS
