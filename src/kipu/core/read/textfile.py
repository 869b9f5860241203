"""Text files (CSV, TSV, Excel's "Unicode text") as rows of text cells.

Encodings: UTF-8 with or without BOM; UTF-16 (Excel's "Unicode text" export: UTF-16 with a
BOM, tab-separated) and UTF-32, with a BOM or recognised by their zero bytes; otherwise
Windows-1252, the encoding of Excel's plain "CSV" on Spanish and English Windows. The
delimiter is the one among `,` `;` and tab that splits the first lines most consistently.

`read_text_frame` reads with polars' CSV reader (a million 5W rows in about a second; the
csv module takes 30 s): column i holds cell i of every record, null where a record is shorter
or the cell is empty, records numbered as the csv module numbers them (blank lines
included). Polars refuses what it would parse differently from the csv module (a quote in
the middle of a field, lone carriage returns, a record longer than the widest of the file's
first lines): such a file is read with the csv module instead, slowly but with the same
cells. `read_text_rows` is the csv module's reading, for small files and for checks.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from kipu.core.limits import DEFAULT_LIMITS, Limits
from kipu.core.read.errors import too_large, unreadable
from kipu.core.write import unneutralise, unneutralise_frame

_BOM = codecs.BOM_UTF8
_HEAD_BYTES = 1 << 20  # at least 262,144 characters: the binary check looks at 65,536
_HEAD_LINES = 100  # lines whose widest record sets the frame's width
_SAMPLE_CHARS = 65536
_WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass
class TextFrame:
    """A text file as a frame of text cells; column names mean nothing."""

    name: str
    cells: pl.DataFrame
    encoding: str = "utf-8"


def wide_encoding(data: bytes) -> str | None:
    """'utf-16'/'utf-32' (with BOM), 'utf-16-le'/'utf-16-be' (without), or None.

    Without a BOM, text in UTF-16 has a zero byte in every other position for Latin script:
    at odd positions for little-endian, even ones for big-endian.
    """
    for bom, encoding in _WIDE_BOMS:
        if data.startswith(bom):
            return encoding
    sample = data[:4096]
    if len(sample) < 4:
        return None
    odd, even = sample[1::2], sample[0::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def decode_text(data: bytes, name: str, *, strict_utf8: bool = False) -> str:
    """The text of a file: UTF-8 (with or without BOM), UTF-16/32; otherwise Windows-1252,
    unless `strict_utf8`. Raises ReadError for binary data."""
    wide = wide_encoding(data)
    if wide is not None:
        try:
            text = data.decode(wide).lstrip("\ufeff")
        except UnicodeDecodeError:
            raise unreadable("binary", name) from None
        if "\x00" in text:  # as in a UTF-8 file (below): a NUL is no text
            raise unreadable("binary", name)
        return text
    if b"\x00" in data:  # anywhere: one past the first 64 KB reached PostgreSQL, which
        raise unreadable("binary", name)  # refuses it with a traceback
    try:
        text = data.decode("utf-8-sig")
        if not strict_utf8 and not data.startswith(b"\xef\xbb\xbf"):
            _refuse_unclear(data, name)
        return text
    except UnicodeDecodeError as error:
        if strict_utf8:
            raise unreadable(
                "not-utf8", name, byte=f"{data[error.start]:02X}", position=error.start
            ) from None
        bad = error.start
    if _UTF8_LETTER.search(data):  # UTF-8 beside other bytes: one part would read wrong
        raise unreadable("mixed-encoding", name, line=_line(data, bad), byte=f"{data[bad]:02X}")
    # A binary file (a PNG named .csv) is refused as such, not as a Mac one.
    _check_binary(data[:65536].decode("latin1"), name)
    _refuse_other_encoding(data, name)
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as error:  # 0x81, 0x8D, 0x8F, 0x90, 0x9D: read as "�" before
        at = error.start
        raise unreadable("not-cp1252", name, line=_line(data, at), byte=f"{data[at]:02X}") from None


# A UTF-8 letter of the field's languages: Latin letters (U+00A0-U+023F, two bytes), general
# punctuation and currency signs (U+2000-U+206F, U+20A0-U+20CF, three bytes). Windows-1252
# text holds such bytes only as mojibake ("Ã±" is "ñ" in UTF-8): a file that is not UTF-8 but
# holds one mixes two encodings (a description pasted from another file), and decoding it
# whole as Windows-1252 turned every "Niños" of its UTF-8 part into "NiÃ±os" with no issue.
# Other pairs are ordinary Spanish text: "Ú»" (0xDA 0xBB) would be an Arabic letter.
_UTF8_LETTER = re.compile(
    rb"[\xc2-\xc8][\x80-\xbf]"
    rb"|\xe2\x80[\x80-\xbf]|\xe2\x81[\x80-\xaf]|\xe2\x82[\xa0-\xbf]|\xe2\x83[\x80-\x8f]"
)


# Two bytes that are a Windows-1252 capital letter and a punctuation mark ("Ú»", "É…", "Ó”",
# "Ñ" and a no-break space) and also one UTF-8 character no 5W text holds (U+0240-U+02AF,
# Latin Extended-B's end and IPA; U+0350-U+037F; U+0400-U+07FF, Cyrillic to Arabic). A
# Windows-1252 file whose every other byte is ASCII decodes as UTF-8 then: "PERÚ»" read
# "PERۻ". UTF-8 text does hold modifier letters (ʼ), combining accents (decomposed "ñ") and
# Greek (μg): "Ê", "Ë", "Ì", "Í", "Î" and "Ï" before punctuation stay read as UTF-8.
# Three bytes too: a lower-case accented letter and two marks ("á–¡", "â–¡", "é”…") are the
# UTF-8 of a character of another script or a symbol (U+0800-U+1FFF, U+2100-U+EFFF: "ᖡ"
# and "□" were read, a hypothesis run's); not general punctuation and currency signs
# (`_UTF8_LETTER`), nor U+F000-U+FFFF (EF: "ï" and two marks), where a BOM inside a cell is.
_FOREIGN_PAIR = re.compile(
    rb"\xc9[\x80-\xbf]|\xca[\x80-\xaf]|\xcd[\x90-\xbf]|[\xd0-\xdf][\x80-\xbf]"
    rb"|[\xe0\xe1\xe3-\xee][\x80-\xbf][\x80-\xbf]|\xe2[\x84-\xbf][\x80-\xbf]"
)


def _refuse_unclear(data: bytes, name: str) -> None:
    """Raise ReadError when UTF-8 `data` may as well be Windows-1252: it holds such a pair
    and no UTF-8 Latin letter or punctuation (`_UTF8_LETTER`), and reads as Windows-1252."""
    found = None if data.isascii() else _FOREIGN_PAIR.search(data)
    if found is None or _UTF8_LETTER.search(data):
        return
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        return
    piece = _around(data, found)  # the pair, and around it
    raise unreadable(
        "unclear-encoding", name, line=_line(data, found.start()),
        utf8=piece.decode("utf-8", "replace").strip("\ufffd"), cp1252=piece.decode("cp1252"),
    )  # fmt: skip


# Signs of a file written on a Mac (Mac Roman, as Excel for Mac saves a plain CSV): its
# Spanish letters are Windows-1252's dashes, quotes and rare letters beside an ASCII letter
# (á 87, é 8E, ó 97, ú 9C, ñ 96, ü 9F, ã 8B, õ 9B, â 89, à 88, ä 8A, ö 9A: "Atenci—n",
# "Perœ"); its capitals Á Í Ó Ú (E7 EA EE F2) Windows' ç ê î ò beside a capital and not
# before a lower-case letter ("JUNêN"; Windows' "Mês" is not one) or starting a word ("çrea");
# É Ñ Ü (83 84 86) Windows' ƒ „ † beside a letter; Ã Ô (CC EF) Windows' Ì ï between capitals
# ("SÌO"); its dashes and quotes (D0-D5) Windows' Ð Ñ Ò Ó Ô Õ after a lower-case letter
# ("partnerÕs") or a dash alone between spaces; ¿ (C0) Windows' À starting a word; ¡ (A1)
# after a capital or a digit ("N¡ 2"); º (BC) after a digit; € (DB) after a digit. An
# apostrophe (92, Mac's í) counts only inside a word and not before an English contraction's
# end ("don’t", "partner’s", "I’m", and "O’Higgins" before a capital, are Windows'); a dash
# (96, 97: Mac's ñ, ó) only inside a lower-case word. Not 99 (Mac's ô, Windows' ™: "Nut™").
# Each branch starts at the sign's byte, its neighbours looked at around it: a search can
# then skip to the bytes (a search of 35 MB of English text took 8 s otherwise).
_MAC_SIGN = re.compile(
    rb"[\x87\x8e\x9c\x9f\x8b\x9b\x89\x88\x8a\x9a\x83\x84\x86](?:(?<=[A-Za-z].)|(?=[A-Za-z]))"
    rb"|\x92(?<=[A-Za-z].)(?!(?:s|t|re|ve|ll|d|m)(?![A-Za-z]))(?=[a-z])"
    rb"|[\x96\x97](?<=[a-z].)(?=[a-z])"
    rb"|[\xe7\xea\xee\xf2](?:(?<=[A-Z].)(?![a-z])|(?=[A-Z])|(?<![A-Za-z\x80-\xff].)(?=[a-z]))"
    rb"|\xc0(?<![A-Za-z\x80-\xff].)(?=[A-Za-z])"
    rb"|[\xcc\xef](?<=[A-Z].)(?=[A-Z])"
    rb"|[\xd0-\xd5](?<=[a-z].)|[\xd0\xd1](?<= .)(?= )"
    rb"|\xa1(?<=[A-Z0-9].)|\xbc(?<=[0-9].)(?![0-9])|\xdb(?<=[0-9].)"
)
# Signs of a file Excel saved as "CSV (MS-DOS)" (code page 850, or 437: the same Spanish
# letters): ó ú ñ Ñ é (A2 A3 A4 A5 82) are Windows' ¢ £ ¤ ¥ ‚ beside a letter ("Atenci¢n",
# "ni¤os"); í (A1) Windows' ¡ inside a lower-case word ("Jun¡n"). Not á (A0), Windows'
# no-break space, which text holds between words. Its capitals Ó Í Á Ú (E0 D6 B5 E9) are
# Windows' à Ö µ é between capitals or ending a word of them ("ATENCIàN", "JUNÖN", "PERé")
# or starting one ("µREA"): an all-capitals file was read garbled, and found valid.
# MS-DOS's letters é ó ñ Ñ beside a letter ("Atenci¢n", "ni¤os", "A¥O"), ú after or before
# a lower-case one ("Per£"; Windows' "£Lima" is not one), í inside a lower-case word ("Jun¡n").
_DOS_LETTER = re.compile(
    rb"[\x82\xa2\xa4\xa5](?:(?<=[A-Za-z].)|(?=[A-Za-z]))|\xa3(?:(?<=[a-z].)|(?=[a-z]))"
    rb"|\xa1(?<=[a-z].)(?=[a-z])"
)
_DOS_LETTER_BYTES = (b"\x82", b"\xa1", b"\xa2", b"\xa3", b"\xa4", b"\xa5")
_DOS_SIGN = re.compile(
    rb"[\x82\xa2-\xa5](?:(?<=[A-Za-z].)|(?=[A-Za-z]))|\xa1(?<=[a-z].)(?=[a-z])"
    rb"|[\xe0\xd6\xb5\xe9](?:(?<=[A-Z].)(?![a-z])|(?<![A-Za-z\x80-\xff].)(?=[A-Z]))"
)
# Signs of Windows-1252: its lower-case Spanish and Portuguese letters beside a lower-case
# ASCII letter (á E1, é E9, í ED, ó F3, ú FA, ñ F1, ü FC, ã E3, õ F5, â E2, ô F4, à E0), which
# are Mac Roman's rare signs (· È Ì Û ˙ Ò ¸ „ ı ‚ Ô ‡), and its ç ê î ò inside a lower-case
# word ("referência"), Mac's capitals. Not beside a capital alone: MS-DOS's "Ú" is Windows'
# "é", and "PERÚ" read "PERé" took the MS-DOS check off. A file with both is Windows-1252:
# "Región de O’Higgins" is.
_WINDOWS_PATTERN = (
    rb"[\xe1-\xe3\xed\xf1\xf3-\xf5\xfa\xfc](?:(?<=[a-z].)|(?=[a-z]))"
    # à and é after a lower-case letter only: starting a word they are MS-DOS's Ó and Ú
    # ("Óscar", "Útiles" read "àscar", "étiles"), as Windows' "él", "época" start one.
    rb"|[\xe0\xe9](?<=[a-z].)"
    rb"|[\xe7\xea\xee\xf2](?<=[a-z].)(?=[a-z])"
    # "Sí" in a file of capitals ("PERÚ", "JUNÍN"): í ending a word after a capital.
    rb"|\xed(?<=[A-Z].)(?![A-Za-z])"
)
_WINDOWS_SIGN = re.compile(_WINDOWS_PATTERN)
# ü (FC) and ú (FA) are MS-DOS's ³ and · too, which stand beside letters ("m³", "l·l"):
# the Windows signs without them (`_refuse_other_encoding`).
_DOS_SYMBOLS = b"\xfa\xfc"
_WINDOWS_LETTER = re.compile(_WINDOWS_PATTERN.replace(b"\\xfa\\xfc", b"", 1))


def _refuse_other_encoding(data: bytes, name: str) -> None:
    """Raise ReadError when non-UTF-8 `data` shows signs of Mac Roman (`_MAC_SIGN`) or of
    MS-DOS's code page 850 (`_DOS_SIGN`) and none of Windows-1252 (`_WINDOWS_SIGN`), or holds
    Latin-9's euro sign (`_LATIN9_EURO`, whatever else it holds): read as
    Windows-1252, it garbled names without an issue ("Atención" read "Atenci—n" or
    "Atenci¢n"), and an implementing partner so garbled was not counted. Decided for the
    whole file, which one program wrote: a Windows file whose English words alone hold a
    dash between letters ("education—health") and no accented letter is refused too, showing
    both readings, rather than a Mac file read garbled."""
    windows = _WINDOWS_SIGN.search(data)
    # ü and ú are MS-DOS's ³ and · ("m³", "l·l"): alone, they do not prove Windows-1252 (a
    # file saved as "CSV (MS-DOS)" with "10 m³" beside "Atención" read "mü" and "Atenci¢n").
    # Another Windows letter does; else an MS-DOS lower-case letter ("Atenci¢n") refuses the
    # file (not its capitals' signs: a Windows "JÖRG" or "5 µM" beside "Perú" was refused).
    # Its bytes are looked for first: a regular expression scan of 13 MB took 0.5 s.
    if windows is not None and data[windows.start()] in _DOS_SYMBOLS:
        maybe = any(byte in data for byte in _DOS_LETTER_BYTES)
        dos = _DOS_LETTER.search(data) if maybe else None
        if dos is not None and not _WINDOWS_LETTER.search(data, windows.start()):
            _refuse(data, name, "dos-encoding", dos)
    if windows is None:
        kinds = (("mac-encoding", _MAC_SIGN), ("dos-encoding", _DOS_SIGN))
        signs = [(found.start(), key, found) for key, sign in kinds if (found := sign.search(data))]
        if signs:
            _, key, found = min(signs, key=lambda sign: sign[0])  # the first in the file
            _refuse(data, name, key, found)
    # ISO-8859-15 (Latin-9) writes its accented letters as Windows-1252 does, and "€" as
    # A4, Windows' "¤": "5 €" read "5 ¤" in a file found valid. No 5W text holds "¤".
    if (found := _LATIN9_EURO.search(data)) is not None:
        # Beside a letter, A4 is MS-DOS's "ñ" ("ni¤os"), in a file whose "Ú" (E9) read as a
        # Windows letter; a euro sign stands beside digits and spaces.
        dos = _DOS_SIGN.match(data, found.start())
        _refuse(data, name, "dos-encoding" if dos else "latin9-encoding", dos or found)


_LATIN9_EURO = re.compile(rb"\xa4")
_OTHER_CODECS = {"mac-encoding": "mac_roman", "dos-encoding": "cp850"}


def _refuse(data: bytes, name: str, key: str, found: re.Match[bytes]) -> None:
    piece = _around(data, found)
    other = piece.decode(_OTHER_CODECS.get(key, "iso8859_15"), "replace")
    raise unreadable(
        key, name, line=_line(data, found.start()), cp1252=piece.decode("cp1252", "replace"),
        other=other,
    )  # fmt: skip


def _around(data: bytes, found: re.Match[bytes]) -> bytes:
    """What a message quotes of a match: it and up to 24 bytes either side, within its line."""
    start = max(data.rfind(b"\n", 0, found.start()) + 1, found.start() - 24)
    end = data.find(b"\n", found.end()) % (len(data) + 1)  # -1: to the end
    return data[start : min(end, found.end() + 24)].rstrip(b"\r")


def _line(data: bytes, at: int) -> int:
    return data.count(b"\n", 0, at) + 1


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


def _check_binary(sample: str, name: str) -> None:
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\r\n")
    if controls > len(sample) // 100 or sample.count("\ufffd") > len(sample) // 20:
        raise unreadable("binary", name)


def _check_lines(data: bytes, name: str, limits: Limits) -> None:
    lines = data.count(b"\n") + 1  # in UTF-16/32 too: a line end is one 0x0A byte there
    if lines > limits.max_rows + 1:
        raise too_large("lines", name, size=lines, limit=limits.max_rows)


# Excel's "sep=;" first line names the delimiter, and Excel hides it: rows are numbered as
# Excel shows them only without it (every issue's row was one too high).
_SEP_BYTES = re.compile(rb"\A(\xef\xbb\xbf)?sep=([^\r\n])\r?\n", re.I)
_SEP_TEXT = re.compile(r"\A\ufeff?sep=([^\r\n])\r?\n", re.I)


def read_text_rows(
    path: Path, limits: Limits = DEFAULT_LIMITS, *, strict_utf8: bool = False
) -> list[list[str]]:
    """A text file within limits as rows of cells (the csv module), refusing binary data."""
    data = path.read_bytes()
    _check_lines(data, path.name, limits)
    text = decode_text(data, path.name, strict_utf8=strict_utf8)
    _check_binary(text[:_SAMPLE_CHARS], path.name)
    sep = _SEP_TEXT.match(text)
    text = text[sep.end() :] if sep else text
    delimiter = sep.group(1) if sep else sniff_delimiter(text)
    _refuse_unclosed_quote(text.encode("utf-8"), delimiter, path.name)
    rows = [[unneutralise(cell) for cell in row] for row in _csv_rows(text, delimiter, path.name)]
    widest = max((len(r) for r in rows), default=0)
    if widest > limits.max_columns:
        raise too_large("columns", path.name, size=widest, limit=limits.max_columns)
    return rows


def _csv_rows(text: str, delimiter: str, name: str) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return list(reader)
    except csv.Error as error:
        raise unreadable("broken-csv", name, reason=str(error)) from None


def read_text_frame(path: Path, limits: Limits = DEFAULT_LIMITS) -> TextFrame:
    """A text file within limits as text cells, refusing binary data whatever its name."""
    data = path.read_bytes()
    _check_lines(data, path.name, limits)
    payload, head, encoding = _utf8(data, path.name)
    del data  # `payload` is the same bytes when the file is UTF-8 already
    _check_binary(head[:_SAMPLE_CHARS], path.name)
    sep = _SEP_BYTES.match(payload)
    if sep:
        payload, head = (sep.group(1) or b"") + payload[sep.end() :], _SEP_TEXT.sub("", head, 1)
    delimiter = sep.group(2).decode() if sep else sniff_delimiter(head)
    _refuse_unclosed_quote(payload, delimiter, path.name)
    cells = _with_polars(payload, _head_widths(head, delimiter), delimiter)
    if cells is None:
        cells = _with_csv_module(payload, delimiter, path.name)
    if cells.width > limits.max_columns:
        raise too_large("columns", path.name, size=cells.width, limit=limits.max_columns)
    # An export's "'-" or "'+51 999" (`kipu.core.write.neutralise`) read back as written.
    return TextFrame(path.stem, unneutralise_frame(cells), encoding)


def _utf8(data: bytes, name: str) -> tuple[bytes, str, str]:
    """The file as UTF-8 bytes (BOM kept), its first characters, and its encoding."""
    wide = wide_encoding(data)
    if wide is not None or b"\x00" in data or not _is_utf8(data):
        text = decode_text(data, name)  # binary data raises
        return text.encode("utf-8"), text, wide or "windows-1252"
    start = len(_BOM) if data.startswith(_BOM) else 0
    if not start:
        _refuse_unclear(data, name)
    size = _HEAD_BYTES
    while True:  # a truncated last character is dropped by "ignore": the data is valid UTF-8
        head = data[start : start + size].decode("utf-8", "ignore")
        if start + size >= len(data) or len(head.splitlines()) > _HEAD_LINES:
            break
        size *= 4
    return data, head, "utf-8"


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
    """Whether every quoted cell closes right before a delimiter or a line end (polars then
    reads the cells as the csv module does; otherwise the csv module reads them)."""
    return _quotes(data, delimiter) is None


def _quotes(data: bytes, delimiter: bytes) -> int | None:
    """None when quoting is regular; else the position of the first irregular quote, negated
    (-1 - position) for a quoted cell that never closes.

    Only quote characters are visited (none in most files). A quote inside an unquoted cell
    is a plain character for both parsers; text after a closing quote is not (the csv module
    keeps it, polars does not always).
    """
    find, end = data.find, len(data)
    starts = (delimiter, b"\n", b"\r")
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
            return -1 - position
        after = data[close + 1 : close + 3]
        if not (close + 1 == end or after[:1] in starts[:2] or after == b"\r\n"):
            return close
        position = find(b'"', close + 1)
    return None


def _refuse_unclosed_quote(data: bytes, delimiter: str, name: str) -> None:
    """A quoted cell that never closes would swallow every later line into one cell: the
    rows after it would vanish without a word. Such a file is refused, naming the line."""
    found = _quotes(data, delimiter.encode())
    if found is not None and found < 0:
        position = -1 - found
        line = data.count(b"\n", 0, position) + 1
        raise unreadable("unclosed-quote", name, line=line)


def _with_csv_module(payload: bytes, delimiter: str, name: str) -> pl.DataFrame:
    rows = _csv_rows(payload.decode("utf-8-sig"), delimiter, name)
    width = max((len(r) for r in rows), default=0)
    columns = [[row[i] if i < len(row) else None for row in rows] for i in range(width)]
    return pl.DataFrame(
        [pl.Series(f"column_{i + 1}", c, dtype=pl.Utf8) for i, c in enumerate(columns)]
    )
