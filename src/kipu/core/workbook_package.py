"""What an .xlsx package holds: sizes, declared dimensions, sheet names, formula cells.

An upload (an XLSX/XLSM zip, an XLS OLE file or CSV text) is checked here against `Limits`
before any parser allocates for it: calamine builds a whole sheet in memory, so the zip
container is inspected with zipfile first (sizes, compression ratios, the dimensions each
sheet declares), and an OLE file for password protection. Calamine returns formulas' cached
values only, so the sheet XML is also scanned here for formula cells. A file that fails a
check raises `readers.ReadError` (`unreadable-file`, `file-too-large`).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import re
import signal
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kipu.core.limits import DEFAULT_LIMITS, Limits
from kipu.core.readers import OLE_MAGIC, WORKBOOK_SUFFIXES, ZIP_MAGIC, ReadError, too_large

_DIMENSION = re.compile(rb'<dimension\s+ref="\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?"')
_FORMULA_CELL = re.compile(rb'<c\s+r="([A-Z]{1,3})(\d+)"[^>]*>\s*<f[\s>/]')
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
        raise ReadError(
            "unreadable-file", f"{path.name}: cannot open ({error.strerror})."
        ) from None
    if size > limits.max_bytes:
        raise too_large(path.name, f"{size:,} bytes, more than the limit of {limits.max_bytes:,}.")
    if size == 0:
        raise ReadError("unreadable-file", f"{path.name}: the file is empty.")
    if head.startswith(ZIP_MAGIC):
        check_zip(path, limits)
        return "zip"
    if head.startswith(OLE_MAGIC):
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
                raise too_large(
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
                    raise too_large(
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
        raise too_large(
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
