"""Readers: tables for loaders, guarded reading of uploads, formula detection."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from kipu.core.limits import Limits
from kipu.core.readers import (
    FormulaScan,
    ReadError,
    check_upload,
    column_letters,
    column_number,
    decode_text,
    formula_cells,
    read_csv_checked,
    read_sheets,
    read_table,
    sniff_delimiter,
)


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
    table = read_table(_workbook(tmp_path / "a.xlsx"))
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
        read_csv_checked(path, Limits(max_rows=10))
    assert error.value.code == "file-too-large"


def test_formula_cells(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "f.xlsx")
    assert formula_cells(path, "Data") == {(3, 1)}
    assert formula_cells(path, "Nope") == set()


def test_formula_scan_in_child_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _workbook(tmp_path / "f.xlsx")
    monkeypatch.setattr(FormulaScan, "PARALLEL_FROM_BYTES", 0)
    scan = FormulaScan(path)
    assert scan.cells("Data") == {(3, 1)}
    scan.close()
