"""Read spreadsheets (XLSX, XLSM, XLS, ODS) and CSV files into plain rows of cells.

Readers return data; a file that cannot be read at all raises `ReadError` with a stable code
(`unreadable-file`, `file-too-large`) that callers turn into one issue or one message.
Checking an upload's package against the limits before it is read, and finding formula cells,
is `workbook_package`'s.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from kipu.core.limits import DEFAULT_LIMITS, Limits

WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"}
CSV_SUFFIXES = {".csv", ".tsv", ".txt"}
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"


class ReadError(Exception):
    """The file cannot be read at all. `code` is a validation code, `message` says why."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def too_large(name: str, what: str) -> ReadError:
    """The `file-too-large` error for file `name`, saying `what` is over the limit."""
    return ReadError("file-too-large", f"{name}: {what}")


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
    if head.startswith(ZIP_MAGIC) or head.startswith(OLE_MAGIC) or suffix in WORKBOOK_SUFFIXES:
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
# Readers for a file that `workbook_package.check_upload` has passed. They check `Limits` again
# on what they read: a sheet's declared dimension may be missing or wrong, and a CSV has none.


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
                    raise too_large(
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
        raise too_large(path.name, f"{lines:,} lines, more than the limit of {limits.max_rows:,}.")
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
        raise too_large(
            path.name, f"{widest:,} columns, more than the limit of {limits.max_columns}."
        )
    return RawSheet(path.stem, rows)
