"""What an uploaded file is, checked against `Limits` before any parser allocates for it.

An upload is an XLSX/XLSM zip, an ODS zip, an XLS OLE file or text. Calamine builds a whole
sheet in memory, so the zip container is inspected with zipfile first (sizes, compression
ratios, the dimensions each sheet declares) and an OLE file for password protection. A file
that fails a check raises `ReadError` (`unreadable-file`, `file-too-large`).
"""

from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as ET
import zipfile
from datetime import date
from pathlib import Path

from kipu.core.limits import DEFAULT_LIMITS, Limits
from kipu.core.read.errors import ReadError, reason, too_large, unreadable

WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"}
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"
_DIMENSION = re.compile(rb'<dimension\s+ref="\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?"')
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")


def column_number(letters: str) -> int:
    """1-based column number of 'A', 'Z', 'AA', 'XFD'."""
    number = 0
    for char in letters:
        number = number * 26 + ord(char) - 64
    return number


def column_letters(index: int) -> str:
    """Letters of a 0-based column index."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def check_upload(path: Path, limits: Limits = DEFAULT_LIMITS) -> str:
    """'zip', 'ole' or 'text' for a file within limits; else ReadError."""
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError as error:
        raise unreadable("cannot-open", path.name, reason=error.strerror) from None
    if size > limits.max_bytes:
        raise too_large("bytes", path.name, size=size, limit=limits.max_bytes)
    if size == 0:
        raise unreadable("empty", path.name)
    if head.startswith(ZIP_MAGIC):
        check_zip(path, limits)
        return "zip"
    if head.startswith(OLE_MAGIC):
        if _ENCRYPTED in path.read_bytes():
            raise unreadable("password", path.name)
        return "ole"
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        raise unreadable("not-spreadsheet", path.name)
    return "text"


def check_zip(path: Path, limits: Limits) -> None:
    """Reject corrupt zips, zip bombs and sheets declaring absurd dimensions, before parsing."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            total = sum(m.file_size for m in members)
            if total > limits.max_decompressed_bytes:
                raise too_large(
                    "decompressed", path.name, size=total, limit=limits.max_decompressed_bytes
                )
            for member in members:
                ratio = member.file_size / max(member.compress_size, 1)
                if (
                    member.file_size > limits.ratio_floor_bytes
                    and ratio > limits.max_compression_ratio
                ):
                    raise too_large("zip-bomb", path.name, member=member.filename, ratio=ratio)
            for member in members:
                name = member.filename
                if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                    _check_dimension(archive, name, path.name, limits)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError) as error:
        raise unreadable("corrupt", path.name, reason=reason(error)) from None


def _check_dimension(archive: zipfile.ZipFile, member: str, name: str, limits: Limits) -> None:
    with archive.open(member) as handle:
        head = handle.read(4096)
    found = _DIMENSION.search(head)
    if not found:
        return
    last_col, last_row = found.group(3) or found.group(1), found.group(4) or found.group(2)
    rows, columns = int(last_row), column_number(last_col.decode())
    if rows > limits.max_rows or columns > limits.max_columns:
        raise too_large(
            "dimension",
            name,
            rows=rows,
            columns=columns,
            max_rows=limits.max_rows,
            max_columns=limits.max_columns,
        )


def sheet_members(path: Path) -> dict[str, str]:
    """Sheet name → worksheet XML member of an XLSX/XLSM file ({} when not such a file).

    Parsed as XML, not matched with patterns: a name may be written with character
    references (`A&#241;o`) and attributes in single quotes, and a sheet whose member is not
    found loses its error cells (`kipu.core.read.marks`). Expat (2.4 and later) refuses
    entity expansion bombs and never fetches external entities.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            workbook = ET.fromstring(archive.read("xl/workbook.xml"))
            rels = ET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, zipfile.BadZipFile, OSError, ET.ParseError):
        return {}
    targets = {
        element.get("Id"): element.get("Target", "")
        for element in rels.iter()
        if _local(element.tag) == "Relationship"
    }
    found: dict[str, str] = {}
    for element in workbook.iter():
        if _local(element.tag) != "sheet":
            continue
        rel = next((v for k, v in element.attrib.items() if _local(k) == "id"), "")
        target = targets.get(rel, "")
        if target:
            member = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            # The first of two sheets of one name, as calamine reads it.
            found.setdefault(element.get("name", ""), posixpath.normpath(member))
    return found


def styles_member(archive: zipfile.ZipFile) -> str:
    """The workbook's styles part, as its relationships name it (`xl/styles.xml` when they
    name none, or cannot be read). Raises nothing."""
    try:
        rels = ET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, zipfile.BadZipFile, OSError, ET.ParseError, RuntimeError, EOFError):
        return "xl/styles.xml"
    for element in rels.iter():
        kind, target = element.get("Type", ""), element.get("Target", "")
        if _local(element.tag) == "Relationship" and kind.endswith("/styles") and target:
            member = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            return posixpath.normpath(member)
    return "xl/styles.xml"


def _local(name: str) -> str:
    """An element or attribute name without its namespace (`{uri}sheet` → `sheet`)."""
    return name.rsplit("}", 1)[-1]


def recalculated_on_load(path: Path) -> bool:
    """Whether the workbook asks to be recalculated when opened (`fullCalcOnLoad`).

    openpyxl, pandas and xlsxwriter write it: their formulas carry no computed value, or a
    placeholder 0 (xlsxwriter), until a spreadsheet program opens the file and saves it
    again, which drops the flag. Such cached values must not be read as data.
    """
    return _workbook_flag(path, "calcPr", "fullCalcOnLoad")


def dates_of_1904(path: Path) -> bool:
    """Whether the workbook counts dates from 1904 (`<workbookPr date1904="1"/>`, old Mac
    Excel's): its date serials are 1,462 days less than the same dates' in 1900's system."""
    return _workbook_flag(path, "workbookPr", "date1904")


def _workbook_flag(path: Path, element_name: str, attribute: str) -> bool:
    """Whether xl/workbook.xml sets `attribute` of its `element_name` ("1" or "true");
    False when it cannot be read (calamine, which reads the same file, reports that)."""
    try:
        with zipfile.ZipFile(path) as archive:
            workbook = ET.fromstring(archive.read("xl/workbook.xml"))
    except (KeyError, zipfile.BadZipFile, OSError, ET.ParseError):
        return False
    return any(
        _local(element.tag) == element_name and element.get(attribute) in ("1", "true")
        for element in workbook.iter()
    )


_NULL_DATE = re.compile(rb"""null-date\b[^>]*?date-value\s*=\s*["'](\d{4})-(\d\d)-(\d\d)""")


def ods_null_date_offset(path: Path) -> int:
    """The days from an ODS file's null date (`<table:null-date table:date-value="…"/>`,
    ODF 1.3 part 3 §9.4.2: day 0 of its date serials; 1899-12-30 by default, LibreOffice's
    and Excel's) to 1899-12-30: 1,462 for a file saved from a 1904 workbook, whose plain
    numbers in the month column were read 4 years early (a re-tester)."""
    try:
        with zipfile.ZipFile(path) as archive, archive.open("content.xml") as content:
            head = content.read(1 << 20)  # the calculation settings come before the tables
    except (KeyError, zipfile.BadZipFile, OSError):
        return 0
    found = _NULL_DATE.search(head)
    if found is None:
        return 0
    try:
        day = date(*(int(part) for part in found.groups()))
    except ValueError:
        return 0
    return (day - date(1899, 12, 30)).days


_ENTITY = re.compile(r"&(?:#(\d+)|#[xX]([0-9a-fA-F]+)|(lt|gt|quot|apos|amp));")
_NAMED = {"lt": "<", "gt": ">", "quot": '"', "apos": "'", "amp": "&"}


def xml_unescape(text: str) -> str:
    """XML's five named entities and character references (`&#241;`, `&#xF1;`) decoded."""
    return _ENTITY.sub(_entity, text) if "&" in text else text


def _entity(found: re.Match[str]) -> str:
    decimal, hexadecimal, name = found.groups()
    if name:
        return _NAMED[name]
    code = int(decimal) if decimal else int(hexadecimal, 16)
    return chr(code) if 0 < code <= 0x10FFFF else found.group(0)


__all__ = [
    "OLE_MAGIC",
    "WORKBOOK_SUFFIXES",
    "ZIP_MAGIC",
    "ReadError",
    "check_upload",
    "check_zip",
    "column_letters",
    "column_number",
    "recalculated_on_load",
    "sheet_members",
]
