"""Kipu reads an ODS file's marks (`ods.ods_marks`) and hidden rows (`ods_scan.ods_hidden`)
from content.xml, calamine its values: where the two read the file otherwise, every mark
after the difference lands on another row, or all of them are lost. Cases a tester found:
repeats written "0" or "+2", characters XML forbids (a vertical tab pasted from Word),
spans nested past Python's recursion limit, a display factor with a value of 500 digits."""

from __future__ import annotations

import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from test_ods_quirks import NAMES, cell, issues, ods, read_5w, row, value  # noqa: E402

ERROR = cell(' office:value-type="string" calcext:value-type="error"', "#N/A")
PEN = cell(' office:value-type="currency" office:currency="PEN" office:value="100"', "S/ 100.00")


@pytest.mark.parametrize(("repeat", "copies"), [("0", 0), ("+2", 2), ("00003", 3)])
def test_a_repeat_counts_the_rows_calamine_reads(tmp_path: Path, repeat: str, copies: int) -> None:
    """A row repeated "0" is dropped and "+2" is two rows, as calamine reads them: the error
    two rows below is marked where calamine reads "#N/A" (it was marked a row off, on a
    valid row, and the error's own row passed)."""
    rows = [row(activity_name=n) for n in "ABCD"]
    rows[2][NAMES.index("quantity_output")] = ERROR
    path = ods(tmp_path / "5w.ods", rows, {1: repeat})
    table = read_5w(path)
    names = dict(zip(table.frame["row"].to_list(), table.frame["activity_name"], strict=True))
    assert list(names.values()) == ["A", *["B"] * copies, "C", "D"]
    errors = [where for where, found in issues(path).items() if ("excel-error", "#N/A") in found]
    assert errors == [(3 + copies, "quantity_output")]
    assert names[3 + copies] == "C" and value(table, 3 + copies, "quantity_output") == "#N/A"


@pytest.mark.parametrize("written", ["\x0b", "\x01", "&#11;", "&#x1F;"])
def test_a_character_xml_forbids_loses_no_mark(tmp_path: Path, written: str) -> None:
    """One vertical tab in a description (raw, as odfpy and pandas write it, or as a
    reference), which expat refuses and calamine reads: a PEN amount 2,500 rows further was
    read as 100 US dollars, with no issue, and a hidden row was not said."""
    rows = [row(activity_name=f"A{i}") for i in range(3_000)]
    rows[5][NAMES.index("activity_description")] = cell(
        ' office:value-type="string"', f"Consult{written}ations"
    )
    rows[2_500][NAMES.index("value_usd")] = PEN
    path = ods(tmp_path / "5w.ods", rows)
    hide(path, data_row=10)
    found = issues(path)
    assert found[(2_502, "value_usd")] == [("currency-not-usd", "S/ 100.00")]
    assert ("hidden-row", None) in found[(11, None)]


def test_what_expat_refuses_otherwise_is_said(tmp_path: Path) -> None:
    """A duplicate attribute: calamine reads the file, expat refuses it; the file is refused
    saying where, never read without its marks."""
    rows = [row() for _ in range(3)]
    rows[1][NAMES.index("value_usd")] = PEN.replace(
        "<table:table-cell", '<table:table-cell table:style-name="a" table:style-name="b"'
    )
    found = issues(ods(tmp_path / "5w.ods", rows))
    assert list(found) == [(None, None)] and found[(None, None)][0][0] == "unreadable-file"


@pytest.mark.parametrize("depth", [1_200, 5_000])
def test_spans_nested_deeper_than_the_recursion_limit_are_read(tmp_path: Path, depth: int) -> None:
    text = "<text:span>" * depth + "Cusco" + "</text:span>" * depth
    path = ods(tmp_path / "5w.ods", [row({"admin1": cell(' office:value-type="string"', text)})])
    assert value(read_5w(path), 2, "admin1") == "Cusco"


def test_a_display_factor_and_a_value_of_500_digits_is_no_crash(tmp_path: Path) -> None:
    """`ods._divided` rounds within 400 digits: 1E500 raised InvalidOperation out of the
    reading. calamine reads it as infinity: an invalid number, said at its cell."""
    huge = cell(' office:value-type="float" office:value="1E500"', "1E+500")
    path = ods(tmp_path / "5w.ods", [row({"quantity_output": huge})])
    style = (
        b'<office:automatic-styles><number:number-style style:name="N1" xmlns:number="urn:oasis'
        b':names:tc:opendocument:xmlns:datastyle:1.0" xmlns:style="urn:oasis:names:tc:opendocument'
        b':xmlns:style:1.0"><number:number number:display-factor="1000"/></number:number-style>'
        b"</office:automatic-styles>"
    )
    rewrite(path, lambda xml: xml.replace(b"<office:body>", style + b"<office:body>"))
    assert issues(path)[(2, "quantity_output")][0][0] == "invalid-number"


@pytest.mark.parametrize("how", ["collapse", "&#99;ollapse", "\u00a0filter", "filter "])
def test_a_row_hidden_in_any_writing_is_said_alone_or_not(tmp_path: Path, how: str) -> None:
    """The quick search deciding whether content.xml is parsed for hidden rows reads the
    value as the parse does (references decoded, white space stripped): a row hidden so
    was said only when another row was hidden plainly."""
    path = ods(tmp_path / "5w.ods", [row(activity_name=f"A{i}") for i in range(20)])
    hide(path, data_row=10, how=how)
    assert ("hidden-row", None) in issues(path)[(11, None)]


def hide(path: Path, data_row: int, how: str = "collapse") -> None:
    """Hide the sheet's row `data_row + 1` (`table:visibility="collapse"`)."""

    def hidden(xml: bytes) -> bytes:
        at = -1
        for _ in range(data_row + 1):
            at = xml.find(b"<table:table-row", at + 1)
        tag = f'<table:table-row table:visibility="{how}"'.encode()
        return xml[:at] + tag + xml[at + len(b"<table:table-row") :]

    rewrite(path, hidden)


def rewrite(path: Path, change: object) -> None:
    with zipfile.ZipFile(path) as archive:
        files = {n: archive.read(n) for n in archive.namelist()}
    files["content.xml"] = change(files["content.xml"])  # type: ignore[operator]
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)


def test_a_span_of_ten_to_the_eleven_columns_is_read_at_once(tmp_path: Path) -> None:
    """`number-columns-spanned="99999999999"`: the merged cells were filled one by one (a
    hang); a span is within a sheet's largest size, and filled within the row."""
    merged = cell(' table:number-columns-spanned="99999999999" office:value-type="string"', "x")
    path = ods(tmp_path / "5w.ods", [row({"activity_description": merged})])
    assert value(read_5w(path), 2, "activity_description") == "x"


@pytest.mark.parametrize("name", ["5W\x0b", "5W\t1", "5W\r\n2"])
def test_a_sheet_name_expat_reads_otherwise_keeps_its_marks(tmp_path: Path, name: str) -> None:
    """expat makes a tab or a line break in a name a space, and a character XML forbids is
    blanked for it: the marks were filed under that name, not calamine's, and lost."""
    rows = [row() for _ in range(3)]
    rows[1][NAMES.index("value_usd")] = PEN
    path = ods(tmp_path / "5w.ods", rows)
    rewrite(path, lambda xml: xml.replace(b'table:name="5W"', f'table:name="{name}"'.encode()))
    assert issues(path)[(3, "value_usd")] == [("currency-not-usd", "S/ 100.00")]


def test_a_raw_u_ffff_loses_no_mark(tmp_path: Path) -> None:
    """odfpy and pandas write a U+FFFF as its bytes, which XML forbids and calamine reads."""
    rows = [row() for _ in range(3)]
    rows[0][NAMES.index("activity_description")] = cell(' office:value-type="string"', "a\uffffb")
    rows[1][NAMES.index("value_usd")] = PEN
    assert issues(ods(tmp_path / "5w.ods", rows))[(3, "value_usd")][0][0] == "currency-not-usd"


def test_a_row_past_calamines_last_is_refused(tmp_path: Path) -> None:
    """calamine keeps 1,048,576 rows and drops the rest without a word: a valid row past
    them is refused with the sheet's size, never lost; empty rows past them (LibreOffice
    repeats its last empty row to the end) are not."""
    empty = ["<table:table-cell/>"]
    rows = [row(), empty, row(activity_name="after")]
    found = issues(ods(tmp_path / "past.ods", rows, {1: str(1 << 20)}))
    assert list(found) == [(None, None)] and found[(None, None)][0][0] == "file-too-large"
    rows = [row(), empty]
    assert not issues(ods(tmp_path / "empty.ods", rows, {1: str(1 << 20)}))


@pytest.mark.parametrize(("last", "past"), [((1 << 20) - 2, False), ((1 << 20) - 1, True)])
def test_a_sheet_of_libreoffices_size_is_not_parsed_for_its_rows(last: int, past: bool) -> None:
    """LibreOffice repeats a sheet's last empty row to 1,048,576 rows exactly: such a sheet
    is not parsed to count them (`ods._past_calamine`); one row more is."""
    from kipu.core.read import ods as ods_reading

    body = (
        '<table:table-row><table:table-cell office:value-type="string"><text:p>a</text:p>'
        "</table:table-cell></table:table-row><table:table-rows><table:table-row>"
        f"<table:table-cell/></table:table-row></table:table-rows><table:table-row "
        f'table:number-rows-repeated="{last}"><table:table-cell/></table:table-row>'
    )
    assert ods_reading._past_calamine(body.encode()) == past


def test_two_sheets_whose_names_read_the_same_to_expat_never_share_marks(tmp_path: Path) -> None:
    """Sheets "5W\\t1" and "5W 1" are one name to expat: the second's errors were given to
    the first (a valid row read as #N/A). Neither is given the other's marks: a sheet whose
    marks cannot be told apart is refused, never read without them."""
    from kipu.core.read.errors import ReadError
    from kipu.core.read.sheets import Workbook

    path = ods(tmp_path / "5w.ods", [row()])
    second = (
        '<table:table table:name="5W 1"><table:table-row>'
        '<table:table-cell office:value-type="string" calcext:value-type="error">'
        "<text:p>#N/A</text:p></table:table-cell></table:table-row></table:table>"
    )
    rewrite(path, lambda xml: xml.replace(b'table:name="5W"', b'table:name="5W\t1"').replace(
        b"</office:spreadsheet>", second.encode() + b"</office:spreadsheet>"))  # fmt: skip
    book = Workbook(path)
    with pytest.raises(ReadError, match="could not be checked"):
        book.rows("5W\t1")


def test_a_sheet_past_calamines_rows_is_told_apart_from_a_second_sheet(tmp_path: Path) -> None:
    """Each sheet's rows are counted on their own (`ods._past_calamine`): two sheets of
    LibreOffice's size are not parsed to count them, and a comment past the last row
    calamine keeps is no value of it (`ods._holds`)."""
    from kipu.core.read import ods as ods_reading

    def sheet(extra: str = "") -> str:
        return (
            '<table:table table:name="S"><table:table-row><table:table-cell '
            'office:value-type="string"><text:p>a</text:p></table:table-cell></table:table-row>'
            f'<table:table-row table:number-rows-repeated="{(1 << 20) - 1}"><table:table-cell/>'
            f"</table:table-row>{extra}</table:table>"
        )

    assert not ods_reading._past_calamine((sheet() + sheet()).encode())
    assert ods_reading._past_calamine(sheet('<table:table-row number-rows-repeated="2"/>').encode())
    half = (
        '<table:table-row table:number-rows-repeated="600000"><table:table-cell/></table:table-row>'
    )
    for hiding in ("<!--<table:table>-->", "<?x <table:table ?>"):  # a sheet cut in two
        cut = f'<table:table table:name="S">{half}{hiding}{half}</table:table>'
        assert ods_reading._past_calamine(cut.encode())
    referenced = sheet().replace(f'"{(1 << 20) - 1}"', '"&#49;048576"')
    assert ods_reading._past_calamine(referenced.encode())  # calamine decodes it
    noted = "<table:table-cell><office:annotation><text:p>n</text:p></office:annotation>"
    rows = [row(), ["<table:table-cell/>"], [noted + "</table:table-cell>"]]
    path = ods(tmp_path / "5w.ods", rows, {1: str(1 << 20)})
    assert not issues(path)


TABLE_NS = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
# A row written in a form calamine (which reads names as written) and expat (which reads
# namespaces) count differently: the helper's, round 2.
_OTHER_ROW = f'<t:table-row xmlns:t="{TABLE_NS}" '
ROW_FORMS = {
    "another prefix": lambda s: (
        s.replace("<table:table-row ", _OTHER_ROW)
        .replace("</table:table-row>", "</t:table-row>")
        .replace("table:table-cell", "t:table-cell")
    ),
    "another prefix, row tag only": lambda s: s.replace("<table:table-row ", _OTHER_ROW).replace(
        "</table:table-row>", "</t:table-row>"
    ),
    "the default namespace": lambda s: s.replace(
        "<table:table-row ", f'<table-row xmlns="{TABLE_NS}" '
    ).replace("</table:table-row>", "</table-row>"),
    "table: bound elsewhere": lambda s: s.replace(
        "<table:table-row ", '<table:table-row xmlns:table="urn:other" '
    ),
}


@pytest.mark.parametrize("form", list(ROW_FORMS))
def test_a_row_named_otherwise_than_table_is_refused(tmp_path: Path, form: str) -> None:
    """One row written with another prefix for ODF's table namespace (or `table:` bound to
    another): calamine dropped or added it, expat did not, and every mark after it fell a
    row off: a PEN amount was read as 100 US dollars and another row's 150 read as the
    amount. Such a file is refused, saying why."""
    from kipu.core.read.errors import ReadError

    rows = [row() for _ in range(5)]
    rows[3][NAMES.index("value_usd")] = PEN
    path = ods(tmp_path / "5w.ods", rows)
    with zipfile.ZipFile(path) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    xml = members["content.xml"].decode()
    second = xml.index("<table:table-row ", xml.index("<table:table-row ") + 1)
    end = xml.index("</table:table-row>", second) + len("</table:table-row>")
    members["content.xml"] = (xml[:second] + ROW_FORMS[form](xml[second:end]) + xml[end:]).encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    with pytest.raises(ReadError, match="other prefixes than “table:”"):
        read_5w(path)


OFFICE_NS = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"


@pytest.mark.parametrize(
    "amount",
    [  # the tester's, round 3: a value type calamine sees and expat does not, or the reverse
        '<table:table-cell xmlns:office="urn:x" office:value-type="currency" '
        'office:currency="PEN" office:value="100"/>',
        f'<table:table-cell xmlns:o="{OFFICE_NS}" o:value-type="float" o:value="100">'
        "<text:p>50</text:p></table:table-cell>",
    ],
)
def test_a_value_type_named_otherwise_than_office_is_refused(tmp_path: Path, amount: str) -> None:
    """`office:` bound to another namespace on a cell: calamine read the PEN amount as 100
    (it reads names as written), expat saw no value type and marked nothing. Refused."""
    from kipu.core.read.errors import ReadError

    path = ods(tmp_path / "5w.ods", [row({"value_usd": amount})])
    with pytest.raises(ReadError, match="other prefixes than “table:”"):
        read_5w(path)


@pytest.mark.parametrize(
    "text",
    [
        "see xmlns:table=&quot;urn:x&quot; in the spec",
        "xmlns:table=",
        'xmlns:t="urn:oasis:names:tc:opendocument:xmlns:table:1.0"',
        'xmlns="urn:oasis:names:tc:opendocument:xmlns:table:1.0"',
        'xmlns:x="a&amp;b"',
        'xmlns:t="x" ' * 20_000,  # each tag is read once, not once per `xmlns` in it
    ],
)
def test_a_text_that_mentions_a_declaration_is_read(tmp_path: Path, text: str) -> None:
    """A description that quotes a namespace declaration (odfpy leaves its quotes raw) is
    text, not a declaration: the file is read, its PEN amount as shown."""
    rows = [row({"value_usd": PEN})]
    rows[0][NAMES.index("activity_description")] = cell(' office:value-type="string"', text)
    table = read_5w(ods(tmp_path / "5w.ods", rows))
    assert value(table, 2, "value_usd") == "S/ 100.00"


def _rewritten(path: Path, change: Callable[[bytes], bytes]) -> Path:
    with zipfile.ZipFile(path) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    members["content.xml"] = change(members["content.xml"])
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def _second_row_as_t(separator: bytes, declared: bool = True) -> Callable[[bytes], bytes]:
    """The second data row written `<t:table-row>`, `t:` bound (after `separator`) to ODF's
    table namespace on it when `declared`."""
    binding = separator + f'xmlns:t="{TABLE_NS}"'.encode() if declared else b""

    def change(xml: bytes) -> bytes:
        start = xml.index(b"<table:table-row ", xml.index(b"<table:table-row ") + 1)
        end = xml.index(b"</table:table-row>", start) + len(b"</table:table-row>")
        row = xml[start:end].replace(b"<table:table-row", b"<t:table-row" + binding, 1)
        row = row.replace(b"</table:table-row>", b"</t:table-row>")
        return xml[:start] + row + xml[end:]

    return change


@pytest.mark.parametrize("separator", [b"\x0b", b"\x01", b"\x0c"])
def test_a_declaration_behind_a_forbidden_character_is_refused(
    tmp_path: Path, separator: bytes
) -> None:
    """The tester's, round 4: `<t:table-row\\x0bxmlns:t="…table:1.0">`. The declaration is
    no attribute to a search of the bytes as written; expat refuses them, reads them with
    the character made a space (`hidden.ods_parsed`), and so counted a row calamine drops:
    the PEN amount was read as 100. Refused."""
    from kipu.core.read.errors import ReadError

    rows = [row() for _ in range(5)]
    rows[3][NAMES.index("value_usd")] = PEN
    path = _rewritten(ods(tmp_path / "5w.ods", rows), _second_row_as_t(b" " + separator))
    # Refused for the character in a tag (`hidden._in_markup`), or for the declaration.
    with pytest.raises(ReadError, match="could not be read|other prefixes than “table:”"):
        read_5w(path)


@pytest.mark.parametrize(
    "attributes",
    [  # the tester's, round 4: defaults a document type gives, which expat applies
        f'office:document-content xmlns:t CDATA "{TABLE_NS}"',
        f'table:table-cell xmlns:o CDATA "{OFFICE_NS}"',
        'table:table-cell office:currency CDATA "PEN"',
    ],
)
def test_a_document_type_is_refused(tmp_path: Path, attributes: str) -> None:
    """A document type's default attributes are seen by expat and not by calamine: a row
    `<t:table-row>` counted by one only, a value type or a currency given to every cell.
    Refused, whatever it declares."""
    from kipu.core.read.errors import ReadError

    rows = [row() for _ in range(5)]
    rows[3][NAMES.index("value_usd")] = PEN
    doctype = f"<!DOCTYPE office:document-content [<!ATTLIST {attributes}>]>".encode()
    path = ods(tmp_path / "5w.ods", rows)
    path = _rewritten(path, lambda xml: _second_row_as_t(b"", False)(
        xml.replace(b"?>", b"?>" + doctype, 1)))  # fmt: skip
    with pytest.raises(ReadError, match="document type"):
        read_5w(path)


@pytest.mark.parametrize("character", [b"\x0b", b"\x00", b"\x01", "\ufffe".encode()])
@pytest.mark.parametrize("closed", [False, True])
def test_a_forbidden_character_in_a_row_tag_is_refused(
    tmp_path: Path, character: bytes, closed: bool
) -> None:
    """The tester's, round 5 (older than this session): `<table:table-row\\x0b …>` is
    another element to calamine, which dropped the row; expat, reading the character as a
    space, counted it, and every mark after it fell a row off: the PEN amount was read as
    100. A forbidden character in a tag is refused; in a text it is still a space."""
    from kipu.core.read.errors import ReadError

    rows = [row(value_usd=150), row({"value_usd": PEN}), row(value_usd=222)]
    path = ods(tmp_path / "5w.ods", rows)

    def change(xml: bytes) -> bytes:
        first = xml.index(b"<table:table-row ", xml.index(b"<table:table-row ") + 1)
        if closed:  # an empty row of its own before the first data row
            return xml[:first] + b"<table:table-row" + character + b"/>" + xml[first:]
        tag = b"<table:table-row" + character + b" "
        return xml[:first] + tag + xml[first + len(b"<table:table-row ") :]

    with pytest.raises(ReadError, match="could not be read"):
        read_5w(_rewritten(path, change))
