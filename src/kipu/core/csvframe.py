"""Read a CSV upload into a polars frame of text cells, with polars' CSV reader.

The checks, the encoding (UTF-8 with or without BOM, else Windows-1252) and the delimiter are
those of `readers.read_csv_checked`, and so are the cells: column i of the frame holds cell i
of every record, null where a record is shorter or the cell is empty, with records numbered
as the csv module numbers them (blank lines included). The csv module takes about 30 s for a
million 5W rows; polars takes about a second.

Polars refuses what it would parse differently from the csv module (a quote in the middle of
a field, lone carriage returns, a record longer than the widest record of the file's first
lines): such a file is read with the csv module instead, slowly but with the same result.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from kipu.core.limits import DEFAULT_LIMITS, Limits
from kipu.core.readers import ReadError, decode_text, sniff_delimiter

_BOM = codecs.BOM_UTF8
_HEAD_BYTES = 1 << 20  # at least 262,144 characters: the binary check looks at 65,536
_HEAD_LINES = 100  # lines whose widest record sets the frame's width (more than HEAD_ROWS)
_SAMPLE_CHARS = 65536


@dataclass
class TextFrame:
    """A CSV file (or a sheet) as a frame of text cells; column names mean nothing."""

    name: str
    cells: pl.DataFrame


def read_csv_frame(path: Path, limits: Limits = DEFAULT_LIMITS) -> TextFrame:
    """A CSV file within limits as text cells, refusing binary data whatever its name."""
    data = path.read_bytes()
    lines = data.count(b"\n") + 1
    if lines > limits.max_rows + 1:
        raise ReadError(
            "file-too-large",
            f"{path.name}: {lines:,} lines, more than the limit of {limits.max_rows:,}.",
        )
    payload, head = _utf8(data, path.name)
    del data  # `payload` is the same bytes when the file is UTF-8 already
    sample = head[:_SAMPLE_CHARS]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\r\n")
    if controls > len(sample) // 100 or sample.count("\ufffd") > len(sample) // 20:
        raise ReadError("unreadable-file", f"{path.name}: binary data, not a text (CSV) file.")
    delimiter = sniff_delimiter(head)
    cells = _with_polars(payload, _head_widths(head, delimiter), delimiter)
    if cells is None:
        cells = _with_csv_module(payload, delimiter, path.name)
    if cells.width > limits.max_columns:
        raise ReadError(
            "file-too-large",
            f"{path.name}: {cells.width:,} columns, more than the limit of {limits.max_columns}.",
        )
    return TextFrame(path.stem, cells)


def _utf8(data: bytes, name: str) -> tuple[bytes, str]:
    """The file as UTF-8 bytes (BOM kept), and its first characters (at least 20 lines)."""
    if b"\x00" in data[:65536] or not _is_utf8(data):
        text = decode_text(data, name)  # binary data raises; anything else is Windows-1252
        return text.encode("utf-8"), text
    start = len(_BOM) if data.startswith(_BOM) else 0
    size = _HEAD_BYTES
    while True:  # a truncated last character is dropped by "ignore": the data is valid UTF-8
        head = data[start : start + size].decode("utf-8", "ignore")
        if start + size >= len(data) or len(head.splitlines()) > _HEAD_LINES:
            break
        size *= 4
    return data, head


def _is_utf8(data: bytes) -> bool:
    """Whether `data` decodes as UTF-8, decoded piecewise so the text is never all in memory."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    step = 1 << 22
    try:
        for start in range(0, len(data), step):
            decoder.decode(view[start : start + step])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _head_widths(head: str, delimiter: str) -> tuple[int, int]:
    """Cells in the first record, and in the widest record of the first lines."""
    reader = csv.reader(io.StringIO(head, newline=""), delimiter=delimiter)
    widths = []
    try:
        for row in reader:
            widths.append(len(row))
            if len(widths) > _HEAD_LINES:
                break
    except csv.Error:
        pass  # the head may end inside a quoted cell; polars or the csv module will tell
    return (widths[0], max(widths)) if widths else (0, 0)


def _with_polars(payload: bytes, widths: tuple[int, int], delimiter: str) -> pl.DataFrame | None:
    """The cells, or None where polars would not read them as the csv module does.

    Polars takes the number of columns from the first record (and drops a BOM): when the
    first record is narrower than later ones (a title line above the header), a record of
    empty cells as wide as the widest is put before the data, and dropped.
    """
    first, widest = widths
    if widest == 0 or payload.count(b"\r") != payload.count(b"\r\n"):
        return None  # polars ends records on "\n" only; the csv module on a lone "\r" too
    if not _regular_quotes(payload, delimiter.encode()):
        return None
    source = payload
    if first < widest:
        body = payload[len(_BOM) :] if payload.startswith(_BOM) else payload
        source = delimiter.encode() * (widest - 1) + b"\n" + body
    try:
        cells = pl.read_csv(
            io.BytesIO(source),
            has_header=False,
            infer_schema=False,
            separator=delimiter,
            quote_char='"',
            truncate_ragged_lines=False,
            raise_if_empty=False,
        )
    except (pl.exceptions.PolarsError, pl.exceptions.PanicException, ValueError):
        return None
    if cells.width != widest:  # it read the first record otherwise than the csv module did
        return None
    return cells.slice(1) if source is not payload else cells


def _regular_quotes(data: bytes, delimiter: bytes) -> bool:
    """Whether every quoted cell closes, and closes right before a delimiter or a line end.

    Only quote characters are visited (none in most files). A quote inside an unquoted cell
    is a plain character for both parsers; text after a closing quote is not (the csv module
    keeps it, polars does not always).
    """
    find, end = data.find, len(data)
    starts = (delimiter, b"\n")
    first = len(_BOM) if data.startswith(_BOM) else 0
    position = find(b'"')
    while position >= 0:
        if position != first and data[position - 1 : position] not in starts:
            position = find(b'"', position + 1)
            continue
        close = find(b'"', position + 1)
        while close >= 0 and data[close + 1 : close + 2] == b'"':
            close = find(b'"', close + 2)
        if close < 0:
            return False
        after = data[close + 1 : close + 3]
        if not (close + 1 == end or after[:1] in starts or after == b"\r\n"):
            return False
        position = find(b'"', close + 1)
    return True


def _with_csv_module(payload: bytes, delimiter: str, name: str) -> pl.DataFrame:
    text = payload.decode("utf-8-sig")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        rows = list(reader)
    except csv.Error as error:
        raise ReadError("unreadable-file", f"{name}: broken CSV ({error}).") from None
    width = max((len(r) for r in rows), default=0)
    columns = [[row[i] if i < len(row) else None for row in rows] for i in range(width)]
    return pl.DataFrame(
        [pl.Series(f"column_{i + 1}", c, dtype=pl.Utf8) for i, c in enumerate(columns)]
    )
