"""Hostile and broken files: each gives one clear file-level issue, never an exception."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from fivew_factories import TODAY, codes, record, write_csv, write_xlsx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kipu.core.limits import Limits
from kipu.core.validation import validate_file, validate_rows


def check(path: Path, reference, code: str, limits: Limits | None = None) -> str:
    result = validate_file(path, reference, limits=limits, today=TODAY)
    assert codes(result) == [code]
    assert not result.report.valid and result.rows.is_empty()
    return result.report.issues[0].message


def test_not_a_spreadsheet(tmp_path: Path, reference) -> None:
    path = tmp_path / "report.xlsx"
    path.write_bytes(b"%PDF-1.4 not a workbook at all")
    assert "not a spreadsheet" in check(path, reference, "unreadable-file")


def test_empty_file(tmp_path: Path, reference) -> None:
    (tmp_path / "empty.csv").write_bytes(b"")
    check(tmp_path / "empty.csv", reference, "unreadable-file")


def test_truncated_zip(tmp_path: Path, reference) -> None:
    whole = write_xlsx(tmp_path / "whole.xlsx", [record()]).read_bytes()
    path = tmp_path / "truncated.xlsx"
    path.write_bytes(whole[: len(whole) // 2])
    check(path, reference, "unreadable-file")


def test_corrupt_zip_member(tmp_path: Path, reference) -> None:
    path = tmp_path / "corrupt.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<<< not xml")
    check(path, reference, "unreadable-file")


def test_password_protected(tmp_path: Path, reference) -> None:
    # An encrypted OOXML file is an OLE compound file holding an "EncryptedPackage" stream.
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    directory = "EncryptedPackage".encode("utf-16-le") + b"\x00" * 94
    path = tmp_path / "secret.xlsx"
    path.write_bytes(header + directory + b"\x00" * 1024)
    assert "password" in check(path, reference, "unreadable-file")


def test_zip_bomb(tmp_path: Path, reference) -> None:
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            chunk = b" " * (1 << 20)
            for _ in range(40):
                member.write(chunk)
    assert path.stat().st_size < 200_000
    limits = Limits(max_decompressed_bytes=30 * 1024 * 1024)
    check(path, reference, "file-too-large", limits)
    ratio = Limits(ratio_floor_bytes=1024 * 1024)  # 40 MB of spaces: a ratio beyond 1,000
    assert "zip bomb" in check(path, reference, "file-too-large", ratio)


def test_absurd_dimension(tmp_path: Path, reference) -> None:
    source = write_xlsx(tmp_path / "ok.xlsx", [record()])
    path = tmp_path / "huge.xlsx"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(path, "w") as new:
        for item in old.infolist():
            data = old.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                text = data.decode()
                start = text.index("<dimension")
                end = text.index("/>", start) + 2
                data = (text[:start] + '<dimension ref="A1:XFD1048576"/>' + text[end:]).encode()
            new.writestr(item, data)
    assert "1,048,576 rows" in check(path, reference, "file-too-large")


def test_rows_beyond_limit(tmp_path: Path, reference) -> None:
    path = write_xlsx(tmp_path / "rows.xlsx", [record(activity_name=str(i)) for i in range(30)])
    check(path, reference, "file-too-large", Limits(max_rows=10))
    csv_path = write_csv(tmp_path / "rows.csv", [record(activity_name=str(i)) for i in range(30)])
    check(csv_path, reference, "file-too-large", Limits(max_rows=10))


def test_bytes_and_columns_beyond_limit(tmp_path: Path, reference) -> None:
    path = write_csv(tmp_path / "ok.csv", [record()])
    check(path, reference, "file-too-large", Limits(max_bytes=100))
    check(path, reference, "file-too-large", Limits(max_columns=10))


@pytest.mark.parametrize("junk", [bytes(range(256)) * 40, b"\x89PNG\r\n\x1a\n" + b"\x07" * 900])
def test_binary_junk_named_csv(tmp_path: Path, reference, junk: bytes) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes(junk)
    assert "binary" in check(path, reference, "unreadable-file")


def test_text_that_is_not_5w(tmp_path: Path, reference) -> None:
    path = tmp_path / "notes.csv"
    path.write_text("just,some\nnotes,here\n", encoding="utf-8")
    check(path, reference, "no-5w-sheet")


def test_missing_file(tmp_path: Path, reference) -> None:
    check(tmp_path / "absent.xlsx", reference, "unreadable-file")


def test_ods_is_read(tmp_path: Path, reference) -> None:
    # A minimal ODS with a 5W header but no data rows: readable, so the issue is no-rows.
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="5W"><table:table-row>'
        + "".join(
            f'<table:table-cell office:value-type="string"><text:p>{label}'
            "</text:p></table:table-cell>"
            for label in ("Country", "Admin1", "Appealing_org", "Month", "Subsector", "Indicator")
        )
        + "</table:table-row></table:table></office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content)
        archive.writestr(
            "META-INF/manifest.xml",
            (
                '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
                '<manifest:file-entry manifest:full-path="/" manifest:media-type='
                '"application/vnd.oasis.opendocument.spreadsheet"/></manifest:manifest>'
            ),
        )
    path = tmp_path / "5w.ods"
    path.write_bytes(buffer.getvalue())
    assert codes(validate_file(path, reference)) == ["no-rows"]


@pytest.mark.parametrize("where", [10, 70_000, 300_000])
@pytest.mark.parametrize("encoding", ["utf-8", "cp1252"])
def test_a_nul_anywhere_in_a_text_file_refuses_it(
    tmp_path: Path, reference, where: int, encoding: str
) -> None:
    """A NUL past the file's first 64 KB was read into a cell, and the import ended in a
    traceback on PostgreSQL (a tester): a text file holding one is binary, wherever it is."""
    rows = [record(activity_description="x" * 1000) for _ in range(400)]
    path = write_csv(tmp_path / "in.csv", rows)
    data = path.read_bytes()
    if encoding == "cp1252":
        data = data.replace(b"Lima", "Lima Niño".encode("cp1252"), 1)
    at = min(where, len(data) - 10)
    at = data.index(b"x", at)
    path.write_bytes(data[:at] + b"\x00" + data[at:])
    assert "binary" in check(path, reference, "unreadable-file")


def test_a_nul_in_a_cell_shows(tmp_path: Path, reference) -> None:
    """An XLSX's `_x0000_` (calamine reads a NUL) became a traceback on PostgreSQL, which
    cannot store it; dropped, "2_x0000_35" read 235 (a re-tester). It is the replacement
    character: it shows, and is no digit."""
    rows = [record(activity_name="Kits_x0000_ de higiene", women="2_x0000_35")]
    result = validate_file(write_xlsx(tmp_path / "in.xlsx", rows), reference, today=TODAY)
    assert result.rows["activity_name"].to_list() == ["Kits\ufffd de higiene"]
    assert "invalid-number" in codes(result)
    # A free text is stored as read: it says so at its cell (it said nothing).
    replaced = [i for i in result.report.issues if i.code == "replaced-character"]
    assert [(i.row, i.column) for i in replaced] == [(2, "Activity Name")]  # the file's label


_FREE_TEXT = ("activity_name", "activity_description")


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    text=st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30),
    odd=st.sampled_from(
        [
            "\x00",
            "\x01",
            "\x08",
            "\x1b",
            "\x1f",
            "\x7f",
            "\x85",
            "\x9f",
            "\ufffe",
            "\uffff",
            "\ufffd",
            "",
        ]
    ),  # fmt: skip
    at=st.integers(0, 30),
    column=st.sampled_from(_FREE_TEXT),
    rows=st.integers(1, 3),
)
def test_a_replaced_character_in_a_free_text_is_flagged_at_its_cell(
    reference, text: str, odd: str, at: int, column: str, rows: int
) -> None:
    """Every kind of text with a NUL, another control character or a replacement character
    anywhere, in either free text, in a row among others: the warning names that cell, and
    only it; the text is stored with the character shown."""
    text = "".join(c for c in text if c.isprintable() or c in " ")  # no other odd one
    written = text[:at] + odd + text[at:]
    records = [record(activity_name=f"Kits {n}") for n in range(rows)]
    records[-1] = record(**{column: "Kits " + written})
    result = validate_rows(records, reference, today=TODAY)
    found = [(i.row, i.column) for i in result.report.issues if i.code == "replaced-character"]
    assert found == ([(rows, column)] if odd else [])
    assert ("\ufffd" in result.rows[column][-1]) == bool(odd)


def test_a_replaced_character_past_polars_chunks(reference) -> None:
    """At 100,000 rows: the one cell, in the last rows."""
    records = [record(activity_description=f"Kits {n}") for n in range(100_000)]
    records[99_998] = record(activity_description="Kits\x00 de higiene")
    result = validate_rows(records, reference, today=TODAY)
    found = [(i.row, i.column) for i in result.report.issues if i.code == "replaced-character"]
    assert found == [(99_999, "activity_description")]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-32"])
def test_a_nul_in_a_wide_text_file_refuses_it(tmp_path: Path, reference, encoding: str) -> None:
    """A UTF-16 or UTF-32 file with a NUL was read without it (a re-tester); a UTF-8 one is
    refused."""
    path = write_csv(tmp_path / "in.csv", [record(activity_name="x\x00y")])
    path.write_bytes(path.read_text(encoding="utf-8").encode(encoding))
    assert "binary" in check(path, reference, "unreadable-file")


@pytest.mark.parametrize("brk", ["\x0b", "\x0c"])
def test_a_vertical_tab_or_a_form_feed_is_a_line_break(reference, brk: str) -> None:
    """Word's Shift+Enter (a vertical tab) and page break (a form feed), pasted into Excel."""
    result = validate_rows([record(activity_description=f"Kits{brk}de higiene")], reference,
                           today=TODAY)  # fmt: skip
    assert result.rows["activity_description"].item() == "Kits\nde higiene"
    assert codes(result) == []
