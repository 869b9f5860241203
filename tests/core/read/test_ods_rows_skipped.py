"""The ODS reading reads the cells of a row only where a chunk of content.xml holding the row
may hold a cell to read (`ods._hints`; reading every cell of 100,000 rows took 10 s for one
odd cell). Whatever the odd cells, wherever they are (at a chunk's edge, in a row larger than
a chunk, in a second sheet, repeated, merged), what it finds is what reading every row finds:
generated, and compared with the reading of every row."""

from __future__ import annotations

import sys
import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent))
from test_ods_quirks import _FLOAT, cell, row  # noqa: E402

from kipu.core.limits import DEFAULT_LIMITS  # noqa: E402
from kipu.core.read import ods as ods_reading  # noqa: E402
from quirk_files import _MANIFEST, _ODS_NS  # noqa: E402

PLAIN = row()  # a valid activity's cells, as LibreOffice writes them
# Cells the reading marks or reads otherwise, of every kind `_ods_reading` tells apart.
ODD = [
    cell(_FLOAT.format(v=1), "VERDADERO"),  # LibreOffice's boolean: read as its text
    cell(_FLOAT.format(v=12), "n/a"),  # a number shown as a text alone
    cell(_FLOAT.format(v=15), ""),  # shown as nothing
    cell(_FLOAT.format(v=45), "00045"),  # leading zeros: a code
    cell(' office:value-type="float" office:value="0" table:formula="of:=1/0"', "#DIV/0!"),
    cell(' office:value-type="float" table:formula="of:=[.A1]"', ""),  # no value
    cell(' office:value-type="string" calcext:value-type="error"', "#N/A"),
    cell("", "no value type"),
    cell(' office:value-type="string"', "1<text:line-break/>5"),
    cell(' office:value-type="percentage" office:value="0.05"', "5%"),
    cell(' office:value-type="currency" office:currency="PEN" office:value="100"', "S/ 100.00"),
    cell(' table:number-columns-spanned="2" office:value-type="string"', "merged")
    + "<table:covered-table-cell/>",
]
# A row past a chunk's size, its text holding what a chunk ends after (`table-row>`): the
# row is then cut in two chunks.
LARGE = cell(' office:value-type="string"', "x" * (1 << 20) + " table-row> y")


def content(rows: list[list[str]], repeats: dict[int, int], second: bool) -> bytes:
    """content.xml of a sheet of `rows` (row i repeated `repeats[i]` times) and, with
    `second`, a second sheet of the same rows."""

    def table(name: str) -> str:
        body = "".join(
            f'<table:table-row table:number-rows-repeated="{repeats.get(i, 1)}">'
            f"{''.join(r)}</table:table-row>"
            for i, r in enumerate(rows)
        )
        return f'<table:table table:name="{name}">{body}</table:table>'

    tables = table("5W") + (table("Lists") if second else "")
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODS_NS}>'
        f"<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body>"
        "</office:document-content>"
    ).encode()


def every_row(xml: bytes) -> dict[str, object]:
    """What reading every row of `xml` finds, by sheet (each row's start looked for)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ods_reading, "_hints", lambda content, spans: [True] * len(spans))
        return found(xml)


def found(xml: bytes) -> dict[str, object]:
    """What `ods_marks` finds in an ODS file of content.xml `xml`, by sheet."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "5w.ods"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
            archive.writestr("content.xml", xml)
            archive.writestr("META-INF/manifest.xml", _MANIFEST)
        tables = ods_reading.ods_marks(path, DEFAULT_LIMITS)
    return {
        name: (sorted(f.marks, key=repr), f.texts, sorted(f.merged), f.beyond)
        for name, f in tables.items()
    }


@settings(max_examples=15, deadline=None)
@given(
    rows=st.integers(1_000, 2_500),  # 2 to 5 chunks of 1 MB (a row is 2.2 kB)
    odd=st.lists(
        st.tuples(st.floats(0, 1), st.integers(0, len(PLAIN) - 2), st.sampled_from(ODD)),
        min_size=1,
        max_size=4,
    ),
    large=st.one_of(st.none(), st.floats(0, 1)),
    repeated=st.one_of(st.none(), st.floats(0, 1)),
    second=st.booleans(),
)
@example(rows=1_000, odd=[(0.5, 2, ODD[0])], large=0.5, repeated=None, second=False)
@example(rows=1_000, odd=[(0.5, 2, ODD[0])], large=0.5, repeated=0.2, second=True)
def test_what_is_found_is_what_reading_every_row_finds(
    rows: int, odd: list[tuple[float, int, str]], large: float | None,
    repeated: float | None, second: bool,
) -> None:  # fmt: skip
    sheet = [list(PLAIN) for _ in range(rows)]
    if large is not None:  # the first odd cell in a row larger than a chunk, before its end
        odd[0] = (large, *odd[0][1:])
        sheet[int(large * (rows - 1))][-1] = LARGE
    for where, col, xml in odd:
        sheet[int(where * (rows - 1))][col] = xml
    repeats = {} if repeated is None else {int(repeated * (rows - 1)): 3}
    xml = content(sheet, repeats, second)
    got = found(xml)
    assert got == every_row(xml)
    marks, texts, merged, _ = got["5W"]
    assert marks or texts or merged  # the odd cells were found at all (not both skipped)


def test_only_the_rows_of_a_chunk_that_may_hold_a_cell_to_read_are_read() -> None:
    """3,000 plain rows (six chunks) and a LibreOffice boolean in the last: its chunk's rows
    are read, the others only counted, most from their text without being parsed
    (`ods_rows`); a sheet of plain rows is not parsed at all."""
    sheet = [list(PLAIN) for _ in range(3_000)]
    assert found(content(sheet, {}, second=False)) == {}
    sheet[-1][3] = ODD[0]
    xml = content(sheet, {}, second=False)
    calls: list[bool] = []
    counted: list[int] = []
    with pytest.MonkeyPatch.context() as patch:
        original, skip = ods_reading._TableRows.add, ods_reading._TableRows.skip

        def add(self: object, element: object, read: bool = True) -> None:
            calls.append(read)
            original(self, element, read)  # type: ignore[arg-type]

        def counting(self: object, rows: int) -> bool:
            done = skip(self, rows)  # type: ignore[arg-type]
            counted.append(rows if done else 0)
            return done

        patch.setattr(ods_reading._TableRows, "add", add)
        patch.setattr(ods_reading._TableRows, "skip", counting)
        skipped = found(xml)
    assert len(calls) + sum(counted) == 3_000 and sum(counted) > 1_500
    assert 0 < sum(calls) < 1_000 and calls[-1]
    assert skipped == every_row(xml) == {"5W": ([], {(3_000, 3): "VERDADERO"}, [], None)}


def test_display_factors_read_every_row() -> None:
    """With a display factor (`#,##0,`: 12000 shown 12) every number cell may show its value
    divided: no row is skipped, and the divided cell deep in the sheet is marked."""
    shown = cell(_FLOAT.format(v=12000), "12")
    sheet = [list(PLAIN) for _ in range(3_000)]
    sheet[2_500][5] = shown
    style = (
        b'<office:automatic-styles><number:number-style style:name="N1" xmlns:number="urn:oasis'
        b':names:tc:opendocument:xmlns:datastyle:1.0" xmlns:style="urn:oasis:names:tc:opendocument'
        b':xmlns:style:1.0"><number:number number:display-factor="1000"/></number:number-style>'
        b"</office:automatic-styles>"
    )
    xml = content(sheet, {}, second=False).replace(b"<office:body>", style + b"<office:body>")
    assert found(xml) == every_row(xml)
    marks, _, _, _ = found(xml)["5W"]
    assert [(r, c, k) for r, c, k, _ in marks] == [(2_501, 5, "divided-format")]


# --- any cell, in any markup: a cell that is not plain is never skipped -----------------------

OTHER_TEXT = 'xmlns:tx="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
# Each attribute a cell may have, by kind (at most one of each kind in a cell).
ATTRIBUTE_KINDS = [
    [f"office:value-type={{q}}{t}{{q}}" for t in
     ("string", "float", "date", "time", "boolean", "percentage", "currency", "void",
      "floatx", "float ", "strings", "")],
    [f"office:value={{q}}{v}{{q}}" for v in ("15", "0", "1", "5", "12000", "0.05", "abc")],
    [f"calcext:value-type={{q}}{t}{{q}}" for t in ("string", "float", "error", "date")],
    ["office:date-value={q}2024-01-15{q}", "table:date-value={q}2024-01-15{q}",
     "office:boolean-value={q}true{q}", "office:string-value={q}S{q}",
     "office:time-value={q}PT1H{q}", "office:currency={q}PEN{q}"],
    ["table:formula={q}of:=1{q}", "table:number-columns-spanned={q}2{q}",
     "table:number-rows-spanned={q}2{q}", "table:number-columns-repeated={q}3{q}"],
    ["table:style-name={q}ce1{q}", "table:style-name={q}a>b{q}", "value-type={q}float{q}",
     "table:value={q}5{q}", "table:content-validation-name={q}v1{q}"],
]  # fmt: skip
TEXTS = [
    "Cusco", "15", "0701", "#N/A", " Err:502 ", "TRUE", "n/a", "", " 5 ", "5 M", "$ 5",
    "1,234.5", "-5", "&amp;x", "&#67;usco", "PE15", "2024-01-15", "1E+05", "0", "0.5",
    "0E0", "0.00E00", "1E5", "2E-05", "\u20035",
]  # fmt: skip
PARTS = [
    *(f"<{{p}}:p>{t}</{{p}}:p>" for t in TEXTS),
    "<{p}:p>#N<text:span>/A</text:span></{p}:p>",
    "<{p}:p>a<text:line-break/>b</{p}:p>",
    "<{p}:p>1<text:s/>5</{p}:p>",
    "<{p}:p>Lima<text:s/></{p}:p>",
    '<{p}:p>1<text:s text:c="2"/>5</{p}:p>',
    "<{p}:p>1<text:s></text:s>5</{p}:p>",
    "<{p}:p/>",
    "<office:annotation><text:p>note</text:p></office:annotation>",
    "<text:soft-page-break/>",
    "<!-- c -->",
    "<?pi x?>",
    " ",
    "<table:table-row><table:table-cell><text:p>in</text:p></table:table-cell></table:table-row>",
]


@st.composite
def any_cell(draw: st.DrawFn) -> str:
    """A cell in any of the forms a writer (or a hostile file) may give it."""
    attributes = []
    for kind in ATTRIBUTE_KINDS:
        chosen = draw(st.one_of(st.none(), st.sampled_from(kind)))
        if chosen is not None:
            attributes.append(chosen.format(q=draw(st.sampled_from(['"', "'"]))))
    attributes = draw(st.permutations(attributes))
    prefix = draw(st.sampled_from(["text", "text", "tx"]))
    inside = "".join(draw(st.lists(st.sampled_from(PARTS), max_size=3))).format(p=prefix)
    tag = draw(
        st.sampled_from(["table:table-cell", "table:table-cell", "table:covered-table-cell"])
    )
    opened = f"<{tag}{''.join(' ' + a for a in attributes)}"
    if not inside and draw(st.booleans()):
        return opened + "/>"
    return f"{opened}>{inside}</{tag}>"


# A file's namespaces as LibreOffice writes them, or with a prefix the search reads
# (`text:`) bound to another namespace, declared twice, or a document type giving cells an
# attribute their tags do not show.
PROLOGUES = {
    "plain": "",
    "text elsewhere": 'xmlns:text="urn:other"',
    "table twice": 'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"',
    "doctype": "<!DOCTYPE office:document-content [<!ATTLIST table:table-cell "
    'office:value-type CDATA "percentage">]>',
}


def placed(sheet: list[list[str]], odd: str, where: int, prologue: str) -> bytes:
    """content.xml of `sheet` with `odd` at row `where`'s fourth cell, in `prologue`'s
    namespaces (`PROLOGUES`: declared on its row)."""
    rows = [list(r) for r in sheet]
    rows[where][3] = odd
    xml = content(rows, {}, second=False).replace(b"<office:document-content ", (
        f"<office:document-content {OTHER_TEXT} ".encode()))  # fmt: skip
    if prologue.startswith("<!DOCTYPE"):
        return xml.replace(b"?>", b"?>" + prologue.encode(), 1)
    at = xml.rfind(b"<table:table-row ", 0, xml.find(odd.encode()))
    return xml[:at] + f"<table:table-row {prologue} ".encode() + xml[at + 17 :]


def outcome(xml: bytes, every: bool) -> object:
    """What the reading finds (sheets with nothing found left out), or the error raised."""
    try:
        got = every_row(xml) if every else found(xml)
    except Exception as error:  # noqa: BLE001 - the same refusal either way is the point
        return type(error).__name__, str(error)
    return {k: v for k, v in got.items() if v != ([], {}, [], None)}


@settings(max_examples=300, deadline=None)
@given(
    odd=any_cell(),
    where=st.integers(0, 11),
    chunk=st.integers(300, 6_000),
    prologue=st.sampled_from(list(PROLOGUES.values())),
)
@example(  # the helper's: a comment before the text of a cell without a value type
    odd="<table:table-cell><office:annotation><text:p>note</text:p></office:annotation>"
    "<text:p>Cusco</text:p></table:table-cell>",
    where=5,
    chunk=2_000,
    prologue="",
)
@example(odd='<table:table-cell calcext:value-type="error"><text:p>x</text:p>'
         "</table:table-cell>", where=5, chunk=2_000, prologue="")  # fmt: skip
@example(odd='<table:table-cell office:value-type="string" table:style-name="a>b">'
         "<text:p>a<text:line-break/>b</text:p></table:table-cell>", where=5, chunk=2_000,
         prologue="")  # fmt: skip
@example(odd='<table:table-cell value-type="float" office:value="1"><text:p>TRUE</text:p>'
         "</table:table-cell>", where=5, chunk=2_000, prologue="")  # fmt: skip
@example(odd='<table:table-cell office:value-type="string"><text:p>#N<text:span>/A'
         "</text:span></text:p></table:table-cell>", where=5, chunk=2_000, prologue="")  # fmt: skip
@example(odd='<table:table-cell office:value-type="float " office:value="5"><text:p>5</text:p>'
         "</table:table-cell>", where=5, chunk=2_000, prologue="")  # fmt: skip
@example(odd='<table:table-cell office:value-type="date" table:date-value="2024-01-15">'
         "<text:p>15/01/2024</text:p></table:table-cell>", where=5, chunk=2_000,
         prologue="")  # fmt: skip
@example(odd='<table:table-cell office:value-type="float" office:value="15" '
         'table:style-name="ce1"><text:p>15</text:p></table:table-cell>', where=5, chunk=2_000,
         prologue=PROLOGUES["text elsewhere"])  # fmt: skip
@example(odd='<table:table-cell office:value-type="float" office:value="0"><text:p>0.00E00'
         "</text:p></table:table-cell>", where=5, chunk=2_000, prologue="")  # fmt: skip
@example(odd='<table:table-cell office:value-type="float" office:value="5"><text:p>5.E5'
         "</text:p></table:table-cell>", where=5, chunk=2_000, prologue="")  # fmt: skip
@example(
    odd='<table:table-cell table:style-name="ce7" office:value-type="float" '
    'office:value="15"><text:p/></table:table-cell>',
    where=5,
    chunk=2_000,
    prologue="",
)  # a number shown as nothing (`;;;`), fmt: skip
@example(
    odd='<table:table-cell table:number-columns-repeated="' + "0" * 5_000 + '1"/>',
    where=5,
    chunk=2_000,
    prologue="",
)  # Python's int() refuses 4,300 digits, fmt: skip
def test_any_cell_in_any_markup_is_found_as_reading_every_row_finds_it(
    odd: str, where: int, chunk: int, prologue: str
) -> None:
    """A cell is skipped only when it is proven plain (`ods._PLAIN_CELL`): searching for
    each odd form instead missed some (a comment before the text, `calcext:value-type`
    alone, a quoted `>`, another prefix, an error's text cut by a span, `"float "`), and
    an Admin1 written after a comment was read blank. Chunks of a few rows (`chunk` bytes)
    put the cell at a chunk's edge as often as inside one."""
    sheet = [list(PLAIN) for _ in range(12)]
    xml = placed(sheet, odd, where, prologue)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ods_reading, "_HINT_CHUNK", chunk)
        assert outcome(xml, every=False) == outcome(xml, every=True)


def test_a_comment_before_an_admin1_keeps_its_text(tmp_path: Path) -> None:
    """End to end, in 3,000 rows (several chunks): the cell is read as it shows."""
    from test_ods_quirks import NAMES, ods, read_5w, value

    admin1 = (
        "<table:table-cell><office:annotation><text:p>check</text:p></office:annotation>"
        "<text:p>Cusco</text:p></table:table-cell>"
    )
    rows = [row() for _ in range(3_000)]
    rows[2_500][NAMES.index("admin1")] = admin1
    table = read_5w(ods(tmp_path / "5w.ods", rows))
    assert value(table, 2_502, "admin1") == "Cusco"


@pytest.mark.parametrize(
    ("declaration", "codec"),
    [("cp437", None), ("ISO-8859-1", "latin-1"), ("UTF-16", "utf-16"), ("utf-8", None)],
)
@pytest.mark.parametrize(
    "odd",
    [
        '<table:table-cell office:value-type="float" office:value="5"><text:p>\u20035'
        "</text:p></table:table-cell>",  # an em space before a 5: "ΓÇâ5" in cp437
        '<table:table-cell office:value-type="string"><text:p>\u00a0#N/A</text:p>'
        "</table:table-cell>",
        "<table:table-cell><text:p>Cusco</text:p></table:table-cell>",
    ],
)
@pytest.mark.parametrize("spaces", [1, 5_000])
def test_content_in_another_encoding_is_read_as_declared(
    declaration: str, codec: str | None, odd: str, spaces: int
) -> None:
    """The search reads content.xml as UTF-8; expat as its declaration says. Declared in
    another encoding (written in it, or UTF-8 declared otherwise), every row is read; a
    declaration may hold any white space before its encoding."""
    xml = placed([list(PLAIN) for _ in range(12)], odd, 5, "")
    named = f'{" " * spaces}encoding="{declaration}"'.encode()
    xml = xml.replace(b' encoding="UTF-8"', named)
    xml = xml.decode().encode(codec, "xmlcharrefreplace") if codec else xml
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ods_reading, "_HINT_CHUNK", 2_000)
        assert outcome(xml, every=False) == outcome(xml, every=True)


def test_an_expat_that_defers_events_reads_every_row(monkeypatch: pytest.MonkeyPatch) -> None:
    """This machine's expat gives a tag's event in the feed that ends it (`_timely`); one
    that defers it (2.6 without `flush`) would put a row in a later chunk: every row is then
    read."""
    assert ods_reading._timely()
    sheet = [list(PLAIN) for _ in range(3_000)]
    sheet[-1][3] = ODD[0]
    monkeypatch.setattr(ods_reading, "_timely", lambda: False)
    calls: list[bool] = []
    original = ods_reading._TableRows.add

    def add(self: object, element: object, read: bool = True) -> None:
        calls.append(read)
        original(self, element, read)  # type: ignore[arg-type]

    monkeypatch.setattr(ods_reading._TableRows, "add", add)
    assert found(content(sheet, {}, second=False)) == {
        "5W": ([], {(3_000, 3): "VERDADERO"}, [], None)
    }
    assert len(calls) == 3_000 and all(calls)


@pytest.mark.parametrize("rows", [True, False])
@pytest.mark.parametrize("count", ["0" * 5_000 + "2", "\u00b2", "9" * 30, " 2 "])
def test_a_repeat_written_in_any_digits_is_counted_never_a_crash(rows: bool, count: str) -> None:
    """Python's `int()` refuses 4,300 digits and more (a repeat of 2 with 5,000 leading
    zeros crashed the reading), and `"²".isdigit()` is true: a repeat is 1 unless plain
    digits above it, at most 2**40 (`hidden.ods_repeat`), in the marks and in the hidden
    rows alike."""
    from kipu.core.read.ods_scan import ods_hidden

    sheet = [list(PLAIN) for _ in range(12)]
    sheet[5][3] = ODD[0] if rows else ODD[0].replace(
        "<table:table-cell", f'<table:table-cell table:number-columns-repeated="{count}"'
    )  # fmt: skip
    sheet[7][3] = ODD[0]
    xml = content(sheet, {5: count} if rows else {}, second=False)
    xml = xml.replace(b'-repeated="1">', b'-repeated="1" table:visibility="collapse">', 1)
    got = outcome(xml, every=False)
    assert got == outcome(xml, every=True)
    texts, beyond = got["5W"][1], got["5W"][3]
    assert texts or beyond  # read (the boolean's text), or past the limits: never a crash
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "5w.ods"
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("content.xml", xml)
        assert list(ods_hidden(path)["5W"].rows) == [(1, 1)]


# --- any rows, in any markup: rows are counted from their text only when proven plain -------

# A row's start tag in the forms a writer (or a hostile file) may give it: LibreOffice's,
# repeats in any digits, other attributes, orders, quotes and spaces, another prefix.
ROW_TAGS = [
    "<table:table-row>",
    '<table:table-row table:style-name="ro1">',
    '<table:table-row table:style-name="ro1" table:number-rows-repeated="{n}">',
    '<table:table-row table:number-rows-repeated="{n}">',
    '<table:table-row table:number-rows-repeated="{n}" table:style-name="ro1">',
    '<table:table-row table:style-name="ro1" table:default-cell-style-name="Default">',
    "<table:table-row table:number-rows-repeated='{n}'>",
    '<table:table-row table:number-rows-repeated = "{n}">',
    '<table:table-row\ttable:number-rows-repeated="{n}"\n>',
    '<table:table-row\u00a0table:number-rows-repeated="{n}">',
    '<table:table-row table:number-rows-repeated="{n}" table:number-rows-repeated="2">',
    '<table:table-row table:number-rows-repeated="+{n}">',
    '<table:table-row table:number-rows-repeated="&#5{n};">',
    '<table:table-row table:visibility="collapse" table:number-rows-repeated="{n}">',
    '<table:table-row table:style-name="ro1" table:visibility="filter">',
    '<table:table-row table:style-name="r&amp;o">',
    '<tx:table-row xmlns:tx="urn:oasis:names:tc:opendocument:xmlns:table:1.0">',
]
REPEATS = ["1", "1", "1", "1", "1", "2", "0", "007", "1048570", "9" * 20]
# What a writer may put between two rows.
BETWEEN = [
    "", "", "\n ", "\u00a0", "<text:soft-page-break/>", "<!-- </table:table-row> -->",
    "<?pi <table:table-row>?>", "<![CDATA[x]]>",
    "<table:table-row-group><table:table-row><table:table-cell/></table:table-row>"
    "</table:table-row-group>",
    "<table:table-header-rows><table:table-row><table:table-cell/></table:table-row>"
    "</table:table-header-rows>",
    "x]]>",
]  # fmt: skip
_STRING = '<table:table-cell{a} office:value-type="string"><text:p>{t}</text:p></table:table-cell>'
# Cells that look plain and are not XML, or not as LibreOffice writes them (U+E000 stands
# for a byte that is not UTF-8).
LOOKALIKES = [
    _STRING.format(a="", t="a]]>b"),
    _STRING.format(a=' table:style-name="a" table:style-name="b"', t="x"),
    _STRING.format(a="\u00a0", t="x"),
    _STRING.format(a="", t="\ufffe"),
    _STRING.format(a="", t="\x0b"),
    _STRING.format(a="", t="\ue000"),
    _STRING.format(a="", t="&#67;usco"),
    _STRING.format(a="", t="Lima<text:s/>"),
    _STRING.format(a="", t='Lima<text:s text:c="2"/>'),
    '<table:table-cell table:number-columns-repeated="3" table:style-name="ce1"/>',
    '<table:table-cell office:value="5" office:value-type="float"><text:p>5</text:p>'
    "</table:table-cell>",
]


@st.composite
def any_rows(draw: st.DrawFn) -> str:
    """A sheet's rows: 30 rows of plain cells, each its start tag and what comes before it
    drawn, and two LibreOffice booleans, whose marks say where each row was counted."""
    rows = []
    odd = draw(st.sets(st.integers(0, 29), min_size=1, max_size=2)) | {29}
    for index in range(30):
        # Mostly LibreOffice's forms, so that many chunks are counted from their text.
        tag = draw(st.sampled_from(ROW_TAGS[:4] * 12 + ROW_TAGS))
        tag = tag.format(n=draw(st.sampled_from(REPEATS)))
        cells = list(PLAIN)
        if draw(st.integers(0, 29)) == 0:  # one row in 30: most chunks are counted
            cells[5] = draw(st.sampled_from(LOOKALIKES))
        if index in odd:
            cells[3] = ODD[0]
        end = "</tx:table-row>" if tag.startswith("<tx:") else "</table:table-row>"
        between = draw(st.sampled_from(BETWEEN)) if draw(st.integers(0, 29)) == 0 else ""
        rows.append(between + tag + "".join(cells) + end)
    return "".join(rows)


TEXT_NS = 'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
FAKE_ROWS = "".join(f"<table:table-row>{''.join(PLAIN)}</table:table-row>" for _ in range(5))
# How content.xml opens: LibreOffice's declaration and root; a byte order mark; a PI that
# starts the file and holds what looks like rows (no declaration: it hides them from expat);
# `text:` declared on the table (in scope for every row), only on the last row (unbound
# in the rows before: expat refuses the file), or only inside another attribute's value.
OPENINGS = {
    "libreoffice": '<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content {ns}>',
    "bom": '\ufeff<?xml version="1.0"?><office:document-content {ns}>',
    "pi first": f"<?xml-stylesheet {FAKE_ROWS} ?><office:document-content {{ns}}>",
    "text on the table": "<office:document-content {ns}>",
    "text on the last row": "<office:document-content {ns}>",
    "declaration in a value": "<office:document-content {ns} note=' {text}'>",
}


def opened(body: str, opening: str) -> bytes:
    """content.xml of a 5W sheet of `body` (its rows), opened as `OPENINGS[opening]` says."""
    ns, table = f"{_ODS_NS} {OTHER_TEXT}", '<table:table table:name="5W">'
    if opening.startswith("text on") or opening == "declaration in a value":
        ns = ns.replace(TEXT_NS, "")
        if opening == "declaration in a value":
            pass  # `text:` unbound, its declaration written in another attribute's value
        elif opening == "text on the table":
            table = f'<table:table table:name="5W" {TEXT_NS}>'
        else:
            at = body.rfind("<table:table-row")
            body = f"{body[:at]}<table:table-row {TEXT_NS}{body[at + 16 :]}"
    return (
        OPENINGS[opening].format(ns=ns, text=TEXT_NS) + "<office:body><office:spreadsheet>"
        f"{table}{body}</table:table></office:spreadsheet></office:body></office:document-content>"
    ).encode()


@settings(max_examples=150, deadline=None)
@given(body=any_rows(), chunk=st.integers(300, 8_000), opening=st.sampled_from(list(OPENINGS)))
@example(  # a comment hiding a row end at a chunk's edge
    body=(
        "<!-- " + "</table:table-row>" + "x" * 3_000 + " -->"
        + "".join(f"<table:table-row>{''.join(PLAIN)}</table:table-row>" for _ in range(29))
        + f"<table:table-row>{''.join(PLAIN[:3] + [ODD[0]] + PLAIN[4:])}</table:table-row>"
    ),
    chunk=1_000,
    opening="libreoffice",
)  # fmt: skip
@example(  # the helper's: a PI starting the file, past 200 bytes, was taken for the declaration
    body="".join(f"<table:table-row>{''.join(PLAIN)}</table:table-row>" for _ in range(4))
    + f"<table:table-row>{''.join(PLAIN[:3] + [ODD[0]] + PLAIN[4:])}</table:table-row>"
    + "".join(f"<table:table-row>{''.join(PLAIN)}</table:table-row>" for _ in range(5)),
    chunk=2_000,
    opening="pi first",
)
@example(  # the helper's: rows counted with `text:` unbound, which expat refuses
    body="".join(f"<table:table-row>{''.join(PLAIN)}</table:table-row>" for _ in range(22))
    + f"<table:table-row>{''.join(PLAIN[:3] + [ODD[0]] + PLAIN[4:])}</table:table-row>",
    chunk=1_500,
    opening="text on the last row",
)
def test_rows_counted_from_their_text_are_the_rows_expat_counts(
    body: str, chunk: int, opening: str
) -> None:
    """A chunk's rows are counted from its text (`ods_rows`) only when it holds nothing but
    whole rows of plain cells as LibreOffice writes them: whatever the rows' tags and what
    is between them (repeats in any digits, a no-break space expat refuses, a duplicate
    attribute, a comment or a PI that hides a row end, row groups), whatever cells look
    plain and are not (`LOOKALIKES`), however the file opens (`OPENINGS`), the marks fall
    on the rows where reading every row puts them, or the file is refused alike, at the
    same place. A peso amount was read as dollars when a PI opening the file was taken for
    its declaration."""
    xml = opened(body, opening).replace("\ue000".encode(), b"\xff")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ods_reading, "_HINT_CHUNK", chunk)
        assert outcome(xml, every=False) == outcome(xml, every=True)
        assert hidden_outcome(xml, counting=True) == hidden_outcome(xml, counting=False)


def hidden_outcome(xml: bytes, counting: bool) -> object:
    """The hidden rows and columns of each sheet of content.xml `xml` (`content_hidden`),
    rows counted from their text or all parsed, or the error raised."""
    from kipu.core.read.hidden import content_hidden

    counted = ods_reading.counted_rows if counting else None
    try:
        found = content_hidden(xml, "5w.ods", counted)
    except Exception as error:  # noqa: BLE001 - the same refusal either way is the point
        return type(error).__name__, str(error)
    return {name: (h.rows, h.columns) for name, h in found.items()}


def test_plain_rows_past_calamines_last_are_parsed_not_counted() -> None:
    """Rows counted from their text that would pass calamine's 1,048,576th row are parsed
    instead, so a value past it is refused as before (`_TableRows.skip`)."""
    sheet = [list(PLAIN) for _ in range(3_000)]
    sheet[10][3] = ODD[0]
    xml = content(sheet, {1_500: 1_048_000}, second=False)
    got = outcome(xml, every=False)
    assert got == outcome(xml, every=True)
    assert got["5W"][3] is not None  # a row with a value past the cap: refused
