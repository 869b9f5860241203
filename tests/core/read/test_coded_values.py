"""A cell value written with a character reference or in a CDATA section (`<v>1&#x35;</v>`,
`<v><![CDATA[15]]></v>`) is XML calamine reads wrongly: blank, or only the text before the
reference (1 for 15), with no complaint. Both readings give such a cell no value and a
`unreadable-value` mark, so the validation reports it at its cell and the row is not stored;
a formula's text result (`t="str"`) is the one value calamine reads with its references
decoded, and keeps it.
"""

from __future__ import annotations

import re
import sys
import zipfile
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent))
from test_census_proof import NS, SHEET, _base, _edit  # noqa: E402
from test_marks_scan import _put_raw  # noqa: E402
from two_readings import LABELS, both, plain_row  # noqa: E402

from kipu.core.read import ReadError, chunks, marks, read_5w  # noqa: E402
from kipu.core.read.sheets import Workbook  # noqa: E402
from kipu.core.schema import COLUMNS  # noqa: E402

ROWS = 120
# Forms of a value, and whether the cell's value is unknown (calamine misreads it).
CODED = {
    "number-reference-after": ('<c r="{ref}"><v>1&#x35;</v></c>', True),
    "number-reference-first": ('<c r="{ref}"><v>&#49;5</v></c>', True),
    "number-named-entity": ('<c r="{ref}" t="n"><v>1&amp;</v></c>', True),
    "number-cdata": ('<c r="{ref}"><v><![CDATA[15]]></v></c>', True),
    "number-value-with-attribute": ('<c r="{ref}"><v xml:space="preserve">&#49;5</v></c>', True),
    "number-value-prefixed": (f'<c r="{{ref}}"><x:v xmlns:x="{NS}">&#49;5</x:v></c>', True),
    "number-formula-result": ('<c r="{ref}"><f>R2+S2</f><v>1&#50;</v></c>', True),
    "boolean-reference": ('<c r="{ref}" t="b"><v>&#49;</v></c>', True),
    "text-formula-cdata": ('<c r="{ref}" t="str"><f>"a"</f><v><![CDATA[Cash]]></v></c>', True),
    # A tester's: any markup in a value (calamine reads the text before it), two values
    # (calamine reads the last), a `/` in an attribute of the value.
    "number-processing-instruction": ('<c r="{ref}"><v>1<?x y?>2</v></c>', True),
    "number-element": ('<c r="{ref}"><v>1<x:b xmlns:x="urn:x"/>2</v></c>', True),
    "number-comment": ('<c r="{ref}"><v>1<!-- c -->5</v></c>', True),
    "number-two-values": ('<c r="{ref}"><v>15</v><v>7</v></c>', True),
    "text-formula-slash-attribute": (
        '<c r="{ref}" t="str"><f>"a"</f><v a="b/c"><![CDATA[Cash]]></v></c>',
        True,
    ),
    "text-formula-two-values": (
        '<c r="{ref}" t="str"><f>"a"</f><v>x</v><v><![CDATA[Cash]]></v></c>',
        True,
    ),
    # A blank number value, which calamine reads 0 (a tester's: a script's empty cells).
    "number-blank": ('<c r="{ref}"><v></v></c>', True),
    "number-typed-blank": ('<c r="{ref}" t="n"><v></v></c>', True),
    "number-spaces": ('<c r="{ref}"><v>  </v></c>', True),
    "number-blank-newline": ('<c r="{ref}"><v>\n</v></c>', True),
    "number-spaced": ('<c r="{ref}"><v> 15</v></c>', False),  # read 15
    "error-blank": ('<c r="{ref}" t="e"><v></v></c>', False),  # an error: `#N/A`
    # A blank boolean or date, which calamine reads 0 (a re-tester's).
    "boolean-blank": ('<c r="{ref}" t="b"><v></v></c>', True),
    "boolean-spaces": ('<c r="{ref}" t="b"><v> </v></c>', True),
    "date-blank": ('<c r="{ref}" t="d"><v></v></c>', True),
    # A helper's: an inline text beside a value or another (calamine reads one, or none).
    "two-inline-with-value": (
        '<c r="{ref}" t="inlineStr"><is><t>Alpha</t></is><v>38</v></c>',
        True,
    ),
    "two-inline-value-only": ('<c r="{ref}" t="inlineStr"><v>Alpha</v></c>', True),
    "number-and-inline": ('<c r="{ref}"><v>12</v><is><t>99</t></is></c>', True),
    "two-inline-twice": ('<c r="{ref}" t="inlineStr"><is><t>1</t></is><is><t>2</t></is></c>', True),
    # White space between them, as a script that indents its XML writes (read empty).
    "two-inline-spaced-value": (
        '<c r="{ref}" t="inlineStr"><is><t>Alpha</t></is>\n  <v>38</v></c>',
        True,
    ),
    "two-inline-spaced-twice": (
        '<c r="{ref}" t="inlineStr"><is><t>1</t></is> <is><t>2</t></is></c>',
        True,
    ),
    # What calamine reads right: a formula's text result, an inline string.
    "text-formula-reference": ('<c r="{ref}" t="str"><f>"a"</f><v>A &amp; B&#233;</v></c>', False),
    "inline-reference": ('<c r="{ref}" t="inlineStr"><is><t>A &amp; B&#233;</t></is></c>', False),
    "inline-cdata": ('<c r="{ref}" t="inlineStr"><is><t><![CDATA[A & B]]></t></is></c>', False),
}
NAMES = [c.name for c in COLUMNS][: len(LABELS[:27])]
LETTERS = [marks.column_letters(i) for i in range(27)]
NAME = dict(zip(LETTERS, NAMES, strict=True))  # as the base's header labels them
SKIPPED = {"E", "N", "O"}  # empty in every row of the base: nothing to replace


def _put(xml: bytes, form: str, ref: str) -> bytes:
    return _put_raw(xml, ref, CODED[form][0].format(ref=ref))


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _saved(_base(tmp_path_factory.mktemp("coded") / "base.xlsx", ROWS))


def _saved(path: Path) -> Path:
    """The workbook as a spreadsheet program saves it: formulas' values are to be trusted."""
    out = path.with_name(f"saved-{path.name}")
    return _edit(path, out, "xl/workbook.xml", lambda x: x.replace(b' fullCalcOnLoad="1"', b""))


def _marked(table: object) -> set[tuple[int, str]]:
    found = table.marks.filter(pl.col("kind") == marks.UNREADABLE_VALUE)  # type: ignore[attr-defined]
    return set(found.select("row", "column").iter_rows())


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    cells=st.lists(
        st.tuples(
            st.sampled_from(sorted(CODED)),
            st.sampled_from([x for x in LETTERS if x not in SKIPPED]),
            st.sampled_from(range(2, ROWS + 2)),
        ),
        min_size=1,
        max_size=8,
        unique_by=lambda c: (c[1], c[2]),
    ),
    chunk=st.sampled_from([1 << 20, 8 << 10, 600]),
)
def test_a_coded_value_is_unknown_in_both_readings(
    base: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    cells: list[tuple[str, str, int]],
    chunk: int,
) -> None:
    monkeypatch.setattr(chunks, "CHUNK", chunk)

    def change(xml: bytes) -> bytes:
        for form, letter, row in cells:
            xml = _put(xml, form, f"{letter}{row}")
        return xml

    table = both(_edit(base, tmp_path / "coded.xlsx", SHEET, change), monkeypatch)
    expected = {(row, NAME[letter]) for form, letter, row in cells if CODED[form][1]}
    assert _marked(table) == expected
    for row, column in expected:
        assert table.frame.filter(pl.col("row") == row)[column].to_list() == [None]


@pytest.mark.parametrize("form", sorted(CODED))
def test_each_form_in_a_count_and_a_text_column(
    base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, form: str
) -> None:
    def change(xml: bytes) -> bytes:
        return _put(_put(xml, form, "S40"), form, "J41")

    table = both(_edit(base, tmp_path / f"{form}.xlsx", SHEET, change), monkeypatch)
    unknown = CODED[form][1]
    assert _marked(table) == ({(40, NAME["S"]), (41, NAME["J"])} if unknown else set())
    if form.startswith(("text-formula-reference", "inline")):
        text = table.frame.filter(pl.col("row") == 41)[NAME["J"]].item()
        assert text.startswith("A & B"), text


# A re-tester's: the inline forms with white space, an attribute after the type, a prefix.
# The search's literals miss them; the census sees `<is>` elements that are not the inline
# text cells', and the chunk is parsed whole. The census counts in the reading of a 5W (not
# in `both`'s cell-by-cell one, which is a test's).
LOOSE_INLINE = {
    "spaced-value": '<c r="{ref}" t="inlineStr"> <v>5</v></c>',
    "styled-value": '<c r="{ref}" t="inlineStr" s="0"><v>5</v></c>',
    "spaced-twice": '<c r="{ref}" t="inlineStr"><is><t>A</t></is> <is><t>B</t></is></c>',
    "number-spaced-text": '<c r="{ref}"><v>12</v> <is><t>99</t></is></c>',
    "prefixed-twice": (
        f'<c r="{{ref}}" t="inlineStr"><x:is xmlns:x="{NS}"><x:t>A</x:t></x:is>'
        f'<x:is xmlns:x="{NS}"><x:t>B</x:t></x:is></c>'
    ),
}


@pytest.mark.parametrize("form", sorted(LOOSE_INLINE))
def test_an_inline_text_written_loosely_is_unknown(base: Path, tmp_path: Path, form: str) -> None:
    cell = LOOSE_INLINE[form]
    change = lambda xml: _put_raw(_put_raw(xml, "S40", cell.format(ref="S40")), "J41",  # noqa: E731
                                  cell.format(ref="J41"))  # fmt: skip
    table = read_5w(_edit(base, tmp_path / f"{form}.xlsx", SHEET, change))
    assert _marked(table) == {(40, NAME["S"]), (41, NAME["J"])}


def test_the_validation_reports_it_at_its_cell_and_the_row_is_not_stored(
    base: Path, tmp_path: Path
) -> None:
    from kipu.core.validation.cells import UNREAD

    assert marks.UNREADABLE_VALUE in UNREAD
    path = _edit(
        base, tmp_path / "v.xlsx", SHEET, lambda x: _put(x, "number-reference-after", "S40")
    )
    table = read_5w(path)
    assert _marked(table) == {(40, NAME["S"])}
    assert table.frame.filter(pl.col("row") == 40)[NAME["S"]].to_list() == [None]


def test_a_plain_table_refuses_it_by_cell(base: Path, tmp_path: Path) -> None:
    """Reference tables (plans, registries) are read whole or not at all."""
    from kipu.core.read.sheets import read_table

    path = _edit(base, tmp_path / "t.xlsx", SHEET, lambda x: _put(x, "number-cdata", "Q40"))
    with pytest.raises(ReadError, match="Q40 holds a value written with a character reference"):
        read_table(path)


@pytest.mark.slow
def test_one_coded_value_near_the_end_of_a_large_sheet(tmp_path: Path) -> None:
    """At real size, past the 1 MB chunks and polars' chunk sizes: the one coded cell of
    100,000 rows."""
    path = _saved(_base(tmp_path / "large.xlsx", 100_000))
    one = _edit(path, tmp_path / "one.xlsx", SHEET, lambda x: _put(x, "number-cdata", "S99990"))
    assert _marked(read_5w(one)) == {(99_990, NAME["S"])}
    # And with a CDATA value at row 2, after which the rest of the sheet was one chunk (its
    # whole XML in memory twice): the chunks stay about 1 MB and both cells are found.
    two = _edit(one, tmp_path / "two.xlsx", SHEET, lambda x: _put(x, "number-cdata", "S2"))
    with zipfile.ZipFile(two) as archive, archive.open(SHEET) as handle:
        assert max(map(len, chunks.row_chunks(handle))) < 2 * chunks.CHUNK
    assert _marked(read_5w(two)) == {(2, NAME["S"]), (99_990, NAME["S"])}


def test_every_count_coded(tmp_path: Path) -> None:
    """Every chunk hinted, each parsed around its hints: every coded count is found."""
    path = _saved(_base(tmp_path / "every.xlsx", 5_000))
    every = _edit(
        path, tmp_path / "coded.xlsx", SHEET, lambda x: re.sub(rb"<v>(\d)", rb"<v>&#x3\1;", x)
    )
    found = Workbook(every).marks("5W")
    counts = sum(1 for row in plain_row(0) if isinstance(row, int)) * 5_000
    assert len({(r, c) for r, c, k, _ in found if k == marks.UNREADABLE_VALUE}) == counts


@pytest.mark.parametrize(
    "cell",
    [
        '<c r="V1" t="str"><v><![CDATA[Refugees and Migrants IN TRANSIT]]></v></c>',
        '<c r="V1"><f>1+1</f></c>',  # a formula never computed
        '<c r="V1"><v>1&#x35;</v></c>',
    ],
)
@pytest.mark.parametrize("columnar", [True, False])
def test_a_label_that_cannot_be_read_refuses_the_file(
    base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cell: str, columnar: bool
) -> None:
    """Its label read blank, the column's values were set aside as an unknown column's, with
    a warning only, and the rows stored without them."""
    from kipu.core.read import fivew

    monkeypatch.setattr(fivew, "COLUMNAR", columnar)
    change = lambda xml: _put_raw(xml, "V1", cell)  # noqa: E731
    path = _edit(base, tmp_path / "label.xlsx", SHEET, change)
    with pytest.raises(ReadError, match="the label in cell V1 of sheet “5W” cannot be read"):
        read_5w(path)


@pytest.mark.parametrize(
    ("ref", "cell", "untrusted"),
    [
        # A script's label formula with its value, in a workbook to recalculate on opening
        # (xlsxwriter, openpyxl, pandas): every formula there counts as having no value.
        ("V1", '<c r="V1" t="str"><f>"x"</f><v>Refugees and Migrants IN TRANSIT</v></c>', True),
        ("AC1", '<c r="AC1"><f>TODAY()</f></c>', False),  # over an empty column
        ("AC1", '<c r="AC1"><f>TODAY()</f><v>45000</v></c>', True),
    ],
)
def test_a_formula_label_that_tells_its_column_is_kept(
    base: Path, tmp_path: Path, ref: str, cell: str, untrusted: bool
) -> None:
    def change(xml: bytes) -> bytes:
        if ref == "AC1":  # a cell after the last one of the header row
            return xml.replace(b"</row>", cell.encode() + b"</row>", 1)
        return _put_raw(xml, ref, cell)

    path = _edit(base, tmp_path / "label.xlsx", SHEET, change)
    if untrusted:
        flag = lambda xml: xml.replace(b"<calcPr", b'<calcPr fullCalcOnLoad="1"', 1)  # noqa: E731
        path = _edit(path, tmp_path / "flagged.xlsx", "xl/workbook.xml", flag)
    table = read_5w(path)
    assert table.frame.height == ROWS
    if ref == "V1":
        assert table.frame.filter(pl.col("row") == 40)[NAME["V"]].item() is not None


def _cell(value: object, kind: str = "string", attributes: str = "") -> str:
    if isinstance(value, int):
        kind, attributes = "float", f' office:value="{value}"'
    return (
        f'<table:table-cell office:value-type="{kind}"{attributes}><text:p>{value}</text:p>'
        "</table:table-cell>"
    )


def _ods(path: Path, special: str) -> Path:
    """A one-row ODS 5W file (as test_fivew_hostile's) whose RMRP activity cell is `special`."""
    import zipfile

    from quirk_files import _MANIFEST

    data = dict(zip(NAMES, plain_row(1), strict=True))
    cells = ["".join(_cell(c.label_en) for c in COLUMNS[: len(NAMES)])]
    cells.append("".join(special if n == "rmrp_activity" else _cell(v) for n, v in data.items()))
    namespaces = " ".join(
        f'xmlns:{p}="urn:oasis:names:tc:opendocument:xmlns:{p}:1.0"'
        for p in ("office", "table", "text")
    )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {namespaces}>'
        '<office:body><office:spreadsheet><table:table table:name="5W">'
        + "".join(f"<table:table-row>{c}</table:table-row>" for c in cells)
        + "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content)
        archive.writestr("META-INF/manifest.xml", _MANIFEST)
    return path


@pytest.mark.parametrize(
    ("special", "refused"),
    [
        (_cell("TRUE", "boolean", ' office:boolean-value="tru&#101;"'), True),  # read FALSE
        (_cell("<![CDATA[Yes]]>"), True),  # read blank
        (_cell("TRUE", "boolean", ' office:boolean-value="true"'), False),
        (_cell("Y&amp;es", "string", ' office:string-value="Y&amp;es"'), False),
    ],
)
def test_an_ods_file_with_coded_values_is_refused(
    tmp_path: Path, special: str, refused: bool
) -> None:
    path = _ods(tmp_path / "coded.ods", special)
    if refused:
        with pytest.raises(ReadError, match="character references or CDATA sections"):
            read_5w(path)
    else:
        assert read_5w(path).frame.height == 1
