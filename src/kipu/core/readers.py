"""Read spreadsheets (XLSX, XLSM, XLS, ODS) and CSV files into plain rows of cells.

Readers return data; a file that cannot be read at all raises `ReadError` with a stable code
(`unreadable-file`, `file-too-large`) that callers turn into one issue or one message.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import pickle
import re
import signal
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kipu.core.limits import DEFAULT_LIMITS, Limits

WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"}
CSV_SUFFIXES = {".csv", ".tsv", ".txt"}
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"


class ReadError(Exception):
    """The file cannot be read at all. `code` is a validation code, `message` says why."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class RawSheet:
    """One sheet (or a CSV file) as rows of cell values, exactly as read."""

    name: str
    rows: list[list[object]]
    hidden: bool = False
    formulas: set[tuple[int, int]] = field(default_factory=set)  # (row 1-based, col 0-based)


@dataclass
class Table:
    """A sheet with a header row: each record maps header label to cell, with its row number."""

    source: str
    sheet: str
    header: list[str]
    records: list[dict[str, object]] = field(default_factory=list)
    row_numbers: list[int] = field(default_factory=list)


def read_sheets(path: Path | str, *, strict_utf8: bool = False) -> list[RawSheet]:
    """All sheets of a workbook, or the single sheet of a CSV file."""
    path = Path(path)
    try:
        head = path.open("rb").read(8)
    except OSError as error:
        raise ReadError(
            "unreadable-file", f"{path.name}: cannot open ({error.strerror})."
        ) from None
    suffix = path.suffix.lower()
    if head.startswith(_ZIP_MAGIC) or head.startswith(_OLE_MAGIC) or suffix in WORKBOOK_SUFFIXES:
        return read_workbook(path)
    return [read_csv(path, strict_utf8=strict_utf8)]


def read_workbook(path: Path) -> list[RawSheet]:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheets = []
        for meta in workbook.sheets_metadata:
            rows = workbook.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
            hidden = str(meta.visible).lower().rsplit(".", 1)[-1] != "visible"
            sheets.append(RawSheet(meta.name, [list(r) for r in rows], hidden=hidden))
    except Exception as error:  # calamine raises several unrelated types for broken files
        raise ReadError(
            "unreadable-file",
            f"{path.name}: not a readable spreadsheet ({type(error).__name__}: {error}).",
        ) from None
    return sheets


def decode_text(data: bytes, name: str, *, strict_utf8: bool = False) -> str:
    """UTF-8 (with or without BOM); otherwise Windows-1252, unless `strict_utf8`."""
    if b"\x00" in data[:65536]:
        raise ReadError("unreadable-file", f"{name}: binary data, not a text (CSV) file.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        if strict_utf8:
            raise ReadError(
                "unreadable-file",
                f"{name}: not UTF-8 text (byte 0x{data[error.start]:02X} at position "
                f"{error.start}); save it as 'CSV UTF-8'.",
            ) from None
    return data.decode("cp1252", errors="replace")


def sniff_delimiter(text: str) -> str:
    """The delimiter among , ; and tab that splits the first lines most consistently."""
    sample = "\n".join(_first_lines(text, 20))
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        counts = {d: sample.count(d) for d in (",", ";", "\t")}
        return max(counts, key=lambda d: counts[d])


def _first_lines(text: str, count: int) -> list[str]:
    """`text.splitlines()[:count]` without splitting all of a large text."""
    size = 65536
    while True:
        lines = text[:size].splitlines()
        if len(lines) > count or size >= len(text):
            return lines[:count]
        size *= 8


def read_csv(path: Path, *, strict_utf8: bool = False) -> RawSheet:
    text = decode_text(path.read_bytes(), path.name, strict_utf8=strict_utf8)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
    try:
        rows: list[list[object]] = [list(row) for row in reader]
    except csv.Error as error:
        raise ReadError("unreadable-file", f"{path.name}: broken CSV ({error}).") from None
    return RawSheet(path.stem, rows)


def cell_text(value: object) -> str:
    """A cell as trimmed text; floats that are whole numbers lose their '.0'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_table(path: Path | str, *, sheet: str | None = None, strict_utf8: bool = True) -> Table:
    """The first visible sheet (or `sheet`) of a file as records keyed by its header row.

    The header is the first non-empty row; blank rows after it are skipped; row numbers are
    those a spreadsheet shows (1-based, header included).
    """
    path = Path(path)
    sheets = read_sheets(path, strict_utf8=strict_utf8)
    chosen = _choose_sheet(sheets, sheet, path.name)
    numbered = [(i + 1, [cell_text(c) for c in row]) for i, row in enumerate(chosen.rows)]
    numbered = [(n, row) for n, row in numbered if any(row)]
    if not numbered:
        raise ReadError("unreadable-file", f"{path.name}: the file is empty.")
    _, header = numbered[0]
    while header and not header[-1]:
        header.pop()
    table = Table(source=path.name, sheet=chosen.name, header=header)
    for number, row in numbered[1:]:
        padded = row + [""] * (len(header) - len(row))
        table.records.append(dict(zip(header, padded, strict=False)))
        table.row_numbers.append(number)
    return table


def _choose_sheet(sheets: list[RawSheet], wanted: str | None, name: str) -> RawSheet:
    if wanted is not None:
        for candidate in sheets:
            if candidate.name == wanted:
                return candidate
        raise ReadError("unreadable-file", f"{name}: no sheet named {wanted!r}.")
    visible = [s for s in sheets if not s.hidden] or sheets
    if not visible:
        raise ReadError("unreadable-file", f"{name}: the workbook has no sheet.")
    return visible[0]


# --- Guarded reading of uploads ------------------------------------------------------------
# Everything below checks a file against `Limits` before any parser allocates for it: calamine
# builds a whole sheet in memory, so the zip container is inspected with zipfile first.

_DIMENSION = re.compile(rb'<dimension\s+ref="\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?"')
_FORMULA_CELL = re.compile(rb'<c\s+r="([A-Z]{1,3})(\d+)"[^>]*>\s*<f[\s>/]')
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")


def _too_large(name: str, what: str) -> ReadError:
    return ReadError("file-too-large", f"{name}: {what}")


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
        raise ReadError(
            "unreadable-file", f"{path.name}: cannot open ({error.strerror})."
        ) from None
    if size > limits.max_bytes:
        raise _too_large(path.name, f"{size:,} bytes, more than the limit of {limits.max_bytes:,}.")
    if size == 0:
        raise ReadError("unreadable-file", f"{path.name}: the file is empty.")
    if head.startswith(_ZIP_MAGIC):
        check_zip(path, limits)
        return "zip"
    if head.startswith(_OLE_MAGIC):
        if _ENCRYPTED in path.read_bytes():
            raise ReadError(
                "unreadable-file",
                f"{path.name}: the workbook is password-protected; remove the password and "
                "upload it again.",
            )
        return "ole"
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        raise ReadError(
            "unreadable-file", f"{path.name}: not a spreadsheet (not an Excel or ODS file)."
        )
    return "text"


def check_zip(path: Path, limits: Limits) -> None:
    """Reject corrupt zips, zip bombs and sheets declaring absurd dimensions, before parsing."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            total = sum(m.file_size for m in members)
            if total > limits.max_decompressed_bytes:
                raise _too_large(
                    path.name,
                    f"{total:,} bytes once decompressed, more than the limit of "
                    f"{limits.max_decompressed_bytes:,}.",
                )
            for member in members:
                ratio = member.file_size / max(member.compress_size, 1)
                if (
                    member.file_size > limits.ratio_floor_bytes
                    and ratio > limits.max_compression_ratio
                ):
                    raise _too_large(
                        path.name, f"{member.filename} expands {ratio:,.0f} times (zip bomb?)."
                    )
            for member in members:
                if member.filename.startswith("xl/worksheets/") and member.filename.endswith(
                    ".xml"
                ):
                    _check_dimension(archive, member.filename, path.name, limits)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError) as error:
        raise ReadError(
            "unreadable-file", f"{path.name}: corrupt or truncated file ({error})."
        ) from None


def _check_dimension(archive: zipfile.ZipFile, member: str, name: str, limits: Limits) -> None:
    with archive.open(member) as handle:
        head = handle.read(4096)
    found = _DIMENSION.search(head)
    if not found:
        return
    last_col, last_row = found.group(3) or found.group(1), found.group(4) or found.group(2)
    rows, columns = int(last_row), column_number(last_col.decode())
    if rows > limits.max_rows or columns > limits.max_columns:
        raise _too_large(
            name,
            f"a sheet declares {rows:,} rows × {columns:,} columns "
            f"(limits {limits.max_rows:,} × {limits.max_columns:,}).",
        )


def sheet_members(path: Path) -> dict[str, str]:
    """Sheet name → worksheet XML member of an XLSX/XLSM file ({} when not such a file)."""
    try:
        with zipfile.ZipFile(path) as archive:
            workbook = archive.read("xl/workbook.xml").decode("utf-8", "replace")
            rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    except (KeyError, zipfile.BadZipFile, OSError):
        return {}
    targets = {
        m.group(1): m.group(2)
        for m in re.finditer(r'<Relationship[^>]*?Id="([^"]+)"[^>]*?Target="([^"]+)"', rels)
    }
    targets.update(
        {
            m.group(2): m.group(1)
            for m in re.finditer(r'<Relationship[^>]*?Target="([^"]+)"[^>]*?Id="([^"]+)"', rels)
        }
    )
    found = {}
    for match in re.finditer(r"<(?:\w+:)?sheet\b([^>]*)/?>", workbook):
        attrs = dict(re.findall(r'([\w:]+)="([^"]*)"', match.group(1)))
        rel = next((v for k, v in attrs.items() if k.endswith(":id")), "")
        target = targets.get(rel, "")
        if target:
            member = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            found[_xml_unescape(attrs.get("name", ""))] = member
    return found


def _xml_unescape(text: str) -> str:
    return (
        text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", '"')
        .replace("&apos;", "'")
        .replace("&amp;", "&")
    )


def formula_cells(path: Path, sheet: str, limits: Limits = DEFAULT_LIMITS) -> set[tuple[int, int]]:
    """(row 1-based, column 0-based) of the cells holding a formula, for XLSX/XLSM sheets.

    Calamine returns formulas' cached values only, so the sheet XML is scanned for <f>
    elements. The scan streams the XML (cheap next to parsing it) and stops after
    `limits.formula_scan_bytes`; ODS and XLS files are not scanned.
    """
    member = sheet_members(path).get(sheet)
    if not member:
        return set()
    found: set[tuple[int, int]] = set()
    with zipfile.ZipFile(path) as archive, archive.open(member) as handle:
        for chunk in _chunks(handle, limits.formula_scan_bytes):
            if b"<f>" in chunk or b"<f " in chunk or b"<f/" in chunk:
                for match in _FORMULA_CELL.finditer(chunk):
                    found.add((int(match.group(2)), column_number(match.group(1).decode()) - 1))
    return found


def _chunks(handle: Any, budget: int, size: int = 1 << 23) -> Iterator[bytes]:
    """Chunks that each end on a cell boundary, so no <c …><f> pair is cut in two."""
    carry = b""
    read = 0
    while read < budget:
        block = handle.read(size)
        if not block:
            break
        read += len(block)
        data = carry + block
        cut = data.rfind(b"</c>")
        if cut < 0:
            carry = data
            continue
        yield data[: cut + 4]
        carry = data[cut + 4 :]
    if carry:
        yield carry


class Workbook:
    """A checked workbook whose sheets are parsed on demand, each once."""

    def __init__(self, path: Path, limits: Limits = DEFAULT_LIMITS) -> None:
        from python_calamine import CalamineWorkbook

        self.path = path
        self.limits = limits
        self._cache: dict[str, list[list[object]]] = {}
        try:
            self._book = CalamineWorkbook.from_path(str(path))
            self.sheets = [
                (meta.name, str(meta.visible).lower().rsplit(".", 1)[-1] != "visible")
                for meta in self._book.sheets_metadata
                if "chart" not in str(meta.typ).lower()
            ]
        except Exception as error:  # calamine raises several unrelated types for broken files
            raise _unreadable(path, error) from None

    def rows(self, name: str) -> list[list[object]]:
        if name not in self._cache:
            try:
                sheet = self._book.get_sheet_by_name(name)
                height, width = sheet.end[0] + 1 if sheet.end else 0, sheet.total_width
                if height > self.limits.max_rows or width > self.limits.max_columns:
                    raise _too_large(
                        self.path.name, f"sheet {name!r} has {height:,} rows × {width:,} columns."
                    )
                self._cache[name] = list(sheet.to_python(skip_empty_area=False))  # type: ignore[arg-type]
            except ReadError:
                raise
            except Exception as error:
                raise _unreadable(self.path, error) from None
        return self._cache[name]


def _unreadable(path: Path, error: Exception) -> ReadError:
    return ReadError(
        "unreadable-file",
        f"{path.name}: not a readable spreadsheet ({type(error).__name__}: {error}).",
    )


def read_csv_checked(path: Path, limits: Limits = DEFAULT_LIMITS) -> RawSheet:
    """A CSV file within limits, refusing binary data whatever its name."""
    data = path.read_bytes()
    lines = data.count(b"\n") + 1
    if lines > limits.max_rows + 1:
        raise _too_large(path.name, f"{lines:,} lines, more than the limit of {limits.max_rows:,}.")
    text = decode_text(data, path.name)
    sample = text[:65536]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\r\n")
    if controls > len(sample) // 100 or sample.count("\ufffd") > len(sample) // 20:
        raise ReadError("unreadable-file", f"{path.name}: binary data, not a text (CSV) file.")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
    try:
        rows: list[list[object]] = list(reader)  # type: ignore[arg-type]
    except csv.Error as error:
        raise ReadError("unreadable-file", f"{path.name}: broken CSV ({error}).") from None
    widest = max((len(r) for r in rows), default=0)
    if widest > limits.max_columns:
        raise _too_large(
            path.name, f"{widest:,} columns, more than the limit of {limits.max_columns}."
        )
    return RawSheet(path.stem, rows)


class FormulaScan:
    """Formula cells of every sheet of an XLSX/XLSM, found while calamine parses.

    Calamine holds the GIL while it parses, so a thread would not overlap with it; a large
    workbook is scanned in a forked child on another core instead (forked before the parse,
    while the parent is still small; the child only runs zipfile and re, and leaves with
    os._exit). Small workbooks, systems without fork or a second core, and any failure of
    the child fall back to scanning inline.
    """

    PARALLEL_FROM_BYTES = 8 * 1024 * 1024

    def __init__(self, path: Path, limits: Limits = DEFAULT_LIMITS) -> None:
        self.path, self.limits = path, limits
        self._pid = 0
        self._read_fd = -1
        members = sheet_members(path)
        try:
            with zipfile.ZipFile(path) as archive:
                size = sum(archive.getinfo(m).file_size for m in members.values())
        except (KeyError, zipfile.BadZipFile, OSError):
            size = 0
        if size >= self.PARALLEL_FROM_BYTES and hasattr(os, "fork") and (os.cpu_count() or 1) > 1:
            self._fork()

    def _fork(self) -> None:
        read_fd, write_fd = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            os.close(read_fd)
            os.close(write_fd)
            return
        if pid == 0:  # the child: scan, send, leave without running any parent code
            status = 1
            try:
                os.close(read_fd)
                data = pickle.dumps(all_formula_cells(str(self.path), self.limits))
                with os.fdopen(write_fd, "wb") as out:
                    out.write(data)
                status = 0
            finally:
                os._exit(status)
        os.close(write_fd)
        self._pid, self._read_fd = pid, read_fd

    def cells(self, sheet: str) -> set[tuple[int, int]]:
        if self._pid:
            try:
                with os.fdopen(self._read_fd, "rb") as handle:
                    data = handle.read()
                self._read_fd = -1
                found: dict[str, set[tuple[int, int]]] = pickle.loads(data)
                return found.get(sheet, set())
            except Exception:  # noqa: BLE001 - the inline scan below is the fallback
                pass
            finally:
                self.close()
        return formula_cells(self.path, sheet, self.limits)

    def close(self) -> None:
        if self._read_fd >= 0:
            os.close(self._read_fd)
            self._read_fd = -1
        if self._pid:
            with contextlib.suppress(OSError):
                os.kill(self._pid, signal.SIGKILL)
            with contextlib.suppress(OSError):
                os.waitpid(self._pid, 0)
            self._pid = 0


def all_formula_cells(path: str, limits: Limits) -> dict[str, set[tuple[int, int]]]:
    return {name: formula_cells(Path(path), name, limits) for name in sheet_members(Path(path))}
