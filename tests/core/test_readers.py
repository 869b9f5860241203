"""Readers: tables for loaders, guarded reading of uploads, formula detection."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kipu.core.limits import Limits
from kipu.core.read import ReadError, read_sheets, read_table
from kipu.core.read.cell_scan import CellScan
from kipu.core.read.marks import FORMULA_NO_VALUE
from kipu.core.read.package import check_upload, column_letters, column_number
from kipu.core.read.textfile import decode_text, read_text_frame, read_text_rows, sniff_delimiter


def _workbook(path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Data"
    sheet.append(["name", "count"])
    sheet.append(["Lima", 3])
    sheet.append(["Tumbes", "=1+2"])
    book.save(path)
    return path


def test_read_table_from_workbook_and_csv(tmp_path: Path) -> None:
    with pytest.raises(ReadError) as refused:  # openpyxl wrote a formula with no value
        read_table(_workbook(tmp_path / "a.xlsx"))
    assert "B3" in refused.value.message and "formula" in refused.value.message
    book = openpyxl.load_workbook(tmp_path / "a.xlsx")
    book["Data"]["B3"] = 3
    book.save(tmp_path / "a.xlsx")
    table = read_table(tmp_path / "a.xlsx")
    assert table.header == ["name", "count"] and table.row_numbers == [2, 3]
    assert table.records[0] == {"name": "Lima", "count": "3"}
    (tmp_path / "a.csv").write_text("name;count\n\nJunín;4\n", encoding="utf-8")
    table = read_table(tmp_path / "a.csv")
    assert table.records == [{"name": "Junín", "count": "4"}] and table.row_numbers == [3]


def test_read_sheets_keeps_hidden_flag(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "h.xlsx")
    book = openpyxl.load_workbook(path)
    book.create_sheet("Secret").sheet_state = "hidden"
    book.save(path)
    assert [(s.name, s.hidden) for s in read_sheets(path)] == [("Data", False), ("Secret", True)]


def test_columns() -> None:
    assert [column_number(x) for x in ("A", "Z", "AA", "XFD")] == [1, 26, 27, 16384]
    assert [column_letters(i) for i in (0, 25, 26, 16383)] == ["A", "Z", "AA", "XFD"]


def test_decoding_and_delimiters() -> None:
    assert decode_text("Junín".encode("cp1252"), "x.csv") == "Junín"
    assert decode_text("\ufeffJunín".encode(), "x.csv") == "Junín"
    with pytest.raises(ReadError):
        decode_text(b"a\x00b", "x.csv")
    assert sniff_delimiter("a;b;c\n1;2;3\n") == ";"
    assert sniff_delimiter("a\tb\tc\n1\t2\t3\n") == "\t"


def test_check_upload(tmp_path: Path) -> None:
    assert check_upload(_workbook(tmp_path / "a.xlsx")) == "zip"
    (tmp_path / "a.csv").write_text("a,b\n", encoding="utf-8")
    assert check_upload(tmp_path / "a.csv") == "text"
    with pytest.raises(ReadError) as error:
        check_upload(tmp_path / "a.csv", Limits(max_bytes=2))
    assert error.value.code == "file-too-large"


def test_csv_row_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_text("a\n" * 50, encoding="utf-8")
    with pytest.raises(ReadError) as error:
        read_text_rows(path, Limits(max_rows=10))
    assert error.value.code == "file-too-large"


def test_cell_scan_finds_formulas(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "f.xlsx")
    scan = CellScan(path)
    assert scan.marks("Data") == [(3, 1, FORMULA_NO_VALUE, None)]
    with pytest.raises(ReadError, match="“Nope” could not be checked"):  # not scanned: refused
        scan.marks("Nope")


# --- CSV read with polars: the same cells as the csv module --------------------------------

CSV_CASES = {
    "simple": b"a,b,c\n1,2,3\n",
    "blank lines": b"a,b,c\n\n1,2,3\n\n\n4,5,6\n",
    "short rows": b"a,b,c\n1\n1,2\n",
    "title line": b"Report\na,b,c\n1,2,3\n",
    "title line and BOM": b"\xef\xbb\xbfReport\na;b;c\n1;2;3\n",
    "longer row late": b"a,b\n" + b"1,2\n" * 300 + b"1,2,3\n",
    "quoted newline": b'a,b\n"x\ny",2\n3,4\n',
    "doubled quotes": b'a,b\n"he said ""hi""",2\n',
    "crlf": b"a,b\r\n1,2\r\n",
    "lone cr": b"a,b\r1,2\r3,4\r",
    "cr in quoted cell": b'a,b\n"x\ry",2\n',
    "quote mid cell": b'a,b\nfoo "x,y" bar,2\n',
    "text after closing quote": b'a,b\n"x"y,2\n',
    "space after closing quote": b'a,b\n"x,y" ,2\n',
    "quoted then more quotes": b'h1,h2\n"\'"a"""""","b"\n',
    "trailing delimiter": b"a,b,\n1,2,\n",
    "tab": b'a\tb\n1\t"2\t3"\n',
    "windows-1252": "a;b\nJun\xedn;2\n".encode("cp1252"),
}


def _csv_module_cells(path: Path, width: int) -> list[list[str]]:
    return [[*row, *[""] * (width - len(row))] for row in read_text_rows(path)]


def test_a_quote_that_never_closes_is_refused_by_both_readers(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(b'a,b\n1,2\n"x,2\n3,4\n')
    for read in (read_text_rows, read_text_frame):
        with pytest.raises(ReadError) as refused:
            read(path)
        assert refused.value.key == "unclosed-quote" and refused.value.params["line"] == 3


def _polars_cells(path: Path) -> tuple[list[list[str]], int]:
    cells = read_text_frame(path).cells
    return [["" if v is None else v for v in row] for row in cells.iter_rows()], cells.width


@pytest.mark.parametrize("name", sorted(CSV_CASES))
def test_csv_frame_has_the_csv_module_cells(tmp_path: Path, name: str) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(CSV_CASES[name])
    cells, width = _polars_cells(path)
    assert cells == _csv_module_cells(path, width)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.sampled_from(["", "h1,h2,h3\n", "\ufeffh1;h2\n", "title\n"]),
    st.lists(
        st.sampled_from(["a", " ", ",", ";", '"', '""', "\n", "\r\n", "\r", "é", "\t", "1"]),
        max_size=60,
    ),
)
def test_csv_frame_agrees_on_any_text(tmp_path: Path, head: str, pieces: list[str]) -> None:
    path = tmp_path / "fuzz.csv"
    path.write_bytes((head + "".join(pieces)).encode("utf-8"))
    if not path.read_bytes().strip(b"\r\n"):
        return  # nothing but line ends: no cells either way
    try:
        expected = _csv_module_cells(path, 0)
    except ReadError as refused:  # a quote that never closes: refused by both readers alike
        with pytest.raises(ReadError) as also:
            read_text_frame(path)
        assert also.value.key == refused.key == "unclosed-quote"
        return
    cells, width = _polars_cells(path)
    assert cells == [[*row, *[""] * (width - len(row))] for row in expected]


def test_csv_frame_limits(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_text("a\n" * 50, encoding="utf-8")
    with pytest.raises(ReadError) as error:
        read_text_frame(path, Limits(max_rows=10))
    assert error.value.code == "file-too-large"
    path.write_text(",".join("x" * 12) + "\n", encoding="utf-8")
    with pytest.raises(ReadError) as error:
        read_text_frame(path, Limits(max_columns=5))
    assert error.value.code == "file-too-large"
    path.write_bytes(b"a,b\n\x01\x02\x03\x04\x05\x06,\x07\n")
    with pytest.raises(ReadError) as error:
        read_text_frame(path)
    assert error.value.code == "unreadable-file"


def test_sniff_delimiter_reads_the_first_lines_only() -> None:
    text = "a;b;c\n" * 20 + "a,b,c,d,e,f\n" * 100_000
    assert sniff_delimiter(text) == ";"
    assert sniff_delimiter("a;b\r\n" * 19 + "a;b\r" + "\nx,y,z,w" * 50_000) == ";"


@pytest.mark.parametrize(("own", "refused"), [("Tumbes", True), ("Lima", False), (None, False)])
def test_a_reference_table_refuses_a_covered_cell_holding_its_own_value(
    tmp_path: Path, own: str | None, refused: bool
) -> None:
    """A merged range shows its first cell's value over the cells it covers; a covered cell
    holding another value (XLS writers and LibreOffice keep them) is refused by name, not
    read as the hidden value."""
    import xlwt

    book = xlwt.Workbook()
    sheet = book.add_sheet("places")
    for c, label in enumerate(["admin1", "pcode"]):
        sheet.write(0, c, label)
    sheet.write(1, 0, "Lima")
    sheet.write(1, 1, "PE15")
    if own is not None:
        sheet.write(2, 0, own)
    sheet.write(2, 1, "PE15")
    sheet._Worksheet__merged_ranges.append((1, 2, 0, 0))  # A2:A3
    path = tmp_path / "places.xls"
    book.save(str(path))
    if refused:
        with pytest.raises(ReadError, match="cell A3 is covered by the merged cells A2:A3"):
            read_table(path)
    else:
        assert [r["admin1"] for r in read_table(path).records] == ["Lima", "Lima"]
