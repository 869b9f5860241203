"""The marks (`kipu.core.read.marks`) of XLS files, and the cells whose value calamine reads
otherwise than the spreadsheet shows it, with the text to read instead (`Found`, which the
ODS reading gives too: `kipu.core.read.ods`).

XLS, read with xlrd and the BIFF records it keeps: error cells; formulas of a workbook that
no spreadsheet program calculated (no RECALCID record: xlwt, Apache POI), which hold a
placeholder instead of their value; numbers shown in another currency than the US dollar
(`[$S/-280A] #,##0.00`) or as a percentage; whether it counts dates from 1904.

An XLS sheet's hidden rows and columns come with its marks (`Found.hidden`, from
`kipu.core.read.hidden`), read with the same formats.
"""

from __future__ import annotations

import io
import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kipu.core.read.hidden import Hidden, xls_hidden
from kipu.core.read.marks import (
    DIVIDED_FORMAT,
    DOLLAR_FORMAT,
    ERROR,
    FORMULA,
    FORMULA_NO_VALUE,
    HIDING_FORMAT,
    TEXT_FORMAT,
    Mark,
    Range,
)
from kipu.core.read.numformats import (
    Section,
    divided,
    held_under,
    hidden,
    may_show_more,
    sections,
    shown,
    shows_bare_dollar,
    shows_text_with_bare_dollar,
    text_shown,
)

Place = tuple[int, int]  # (row 1-based, col 0-based), as marks place cells


@dataclass
class Found:
    """What one sheet's cells are beyond calamine's values: `marks`, `merged` ranges (ODS;
    calamine gives the other formats'), and `texts`: the text to read in a cell instead of
    calamine's value (the currency amount `S/ 100.00` for 100, `1\\n5` for 15)."""

    marks: list[Mark] = field(default_factory=list)
    merged: list[Range] = field(default_factory=list)
    texts: dict[Place, str] = field(default_factory=dict)
    beyond: Place | None = None  # a marked cell past the limits, or past `_MOST_FOUND` of them
    hidden: Hidden = field(default_factory=Hidden)  # XLS: its hidden rows and columns
    dates_of_1904: bool = False  # XLS: the workbook counts dates from 1904 (`datemode`)
    clash: bool = False  # ODS: two tables read under this name (`ods._ods_tables`)


# --- XLS -------------------------------------------------------------------------------------

_BOF, _EOF, _FORMULA, _RECALCID = 0x0809, 0x000A, 0x0006, 0x01C1


def xls_marks(path: Path, sheet: str) -> Found:
    """Error cells (which calamine reads as empty), formulas without a computed value, and
    numbers shown in another currency or as a percentage, of one sheet of an XLS file, read
    with xlrd. Excel and LibreOffice calculate every formula before they save and write a
    RECALCID record; xlwt (pandas before 2.0) and Apache POI write neither the record nor the
    results (xlwt an empty text, POI 0), and Excel recalculates such a workbook on opening it:
    there every formula has no value, as in an XLSX flagged `fullCalcOnLoad`. BIFF5 and older
    files (no RECALCID yet) are trusted."""
    import xlrd

    book = _open_xls(path, formatting=True) or _open_xls(path, formatting=False)
    if book is None:  # calamine, which read the same file, reports broken ones
        return Found()
    try:
        index = book.sheet_names().index(sheet)
        cells, calculated = _formulas(book, index)
        formulas = set() if calculated else cells
        found = book.sheet_by_index(index)
        marks: list[Mark] = [(row + 1, col, FORMULA_NO_VALUE, None) for row, col in formulas]
        errors = {
            (row, col)
            for col in range(found.ncols)
            for row, kind in enumerate(found.col_types(col))
            if kind == xlrd.XL_CELL_ERROR and (row, col) not in formulas
        }
        marks += [
            (row + 1, col, ERROR, xlrd.error_text_from_code.get(found.cell_value(row, col)))
            for row, col in sorted(errors)
        ]
        # A calculated formula's saved result is read, with the formula's warning, as in an
        # XLSX (an error result is the error's).
        marks += [(row + 1, col, FORMULA, None) for row, col in sorted(cells - errors - formulas)]
        of_1904 = book.datemode == 1
        if not book.formatting_info:
            return Found(marks, [], {}, dates_of_1904=of_1904)
        texts, dollars = _xls_texts(book, found)
        return Found(marks + dollars, [], texts, hidden=xls_hidden(found), dates_of_1904=of_1904)
    except Exception:  # noqa: BLE001 - as above
        return Found()
    finally:
        book.release_resources()


def _open_xls(path: Path, *, formatting: bool) -> Any:
    """The workbook opened by xlrd, with the cells' formats if asked (xlrd may not read the
    formats of a file whose values it reads), or None."""
    import xlrd

    try:  # xlrd writes its warnings to stdout, which may be a command's JSON output
        return xlrd.open_workbook(
            str(path), on_demand=True, formatting_info=formatting, logfile=io.StringIO()
        )
    except Exception:  # noqa: BLE001 - any failure: the caller does without
        return None


def _formulas(book: Any, index: int) -> tuple[set[tuple[int, int]], bool]:
    """(row, col), 0-based, of the sheet's formulas, and whether a program calculated the
    workbook: a BIFF8 workbook whose globals hold a RECALCID record. xlrd reads only a
    formula's saved result; the FORMULA records are read from the workbook stream it keeps
    (`mem`, `base`, `_sh_abs_posn`: xlrd 2.0.1 is its last release). BIFF5 and older: none
    found, and trusted."""
    if book.biff_version != 80:
        return set(), True
    end = book.base + book.stream_len
    calculated = any(code == _RECALCID for code, _ in _records(book.mem, book.base, end))
    cells = {
        struct.unpack_from("<HH", book.mem, at)
        for code, at in _records(book.mem, book._sh_abs_posn[index], end)
        if code == _FORMULA
    }
    return cells, calculated


def _records(mem: Any, pos: int, end: int) -> Iterator[tuple[int, int]]:
    """(code, start of its data) of each record of the BIFF8 substream at `pos`, through its
    EOF; the records of substreams inside it (an embedded chart's) are left out."""
    depth = 0
    while pos + 4 <= end:
        code, size = struct.unpack_from("<HH", mem, pos)
        if code == _BOF:
            depth += 1
        elif code == _EOF:
            depth -= 1
            if depth <= 0:
                return
        elif depth == 1:
            yield code, pos + 4
        pos += 4 + size


def _xls_texts(book: Any, sheet: Any) -> tuple[dict[Place, str], list[Mark]]:
    """The number cells shown in another currency than the dollar, or as a percentage,
    with the text they show (near enough: `S/100`, `5%`); a `DOLLAR_FORMAT` mark for those
    shown with a `$` alone, a `DIVIDED_FORMAT` one for those shown divided (`#,##0,`), a
    `HIDING_FORMAT` one for those shown as nothing (`;;;`)."""
    import xlrd

    formats: dict[int, list[Section]] = {}
    for index, xf in enumerate(book.xf_list):
        code = book.format_map.get(xf.format_key)
        written = "" if code is None else code.format_str
        if may_show_more(written):
            formats[index] = sections(written)
    texts: dict[Place, str] = {}
    dollars: list[Mark] = []
    if not formats:
        return texts, dollars
    text_dollars = {xf for xf, parts in formats.items() if shows_text_with_bare_dollar(parts)}
    others = {xf: t for xf, parts in formats.items() if (t := text_shown(parts)) is not None}
    for row in range(sheet.nrows):
        for col, kind in enumerate(sheet.row_types(row)):
            if kind == xlrd.XL_CELL_TEXT and sheet.cell_xf_index(row, col) in text_dollars:
                dollars.append((row + 1, col, DOLLAR_FORMAT, None))  # "$"@: a text shown "$…"
            if kind == xlrd.XL_CELL_TEXT and others:  # ;;;: not its text (`text_shown`)
                other = others.get(sheet.cell_xf_index(row, col))
                if other is not None:
                    dollars.append((row + 1, col, HIDING_FORMAT, other or None))
            if kind == xlrd.XL_CELL_NUMBER and (xf := sheet.cell_xf_index(row, col)) in formats:
                value = sheet.cell_value(row, col)
                text = shown(value, formats[xf])
                if text is not None:
                    texts[(row + 1, col)] = text
                    if (held := held_under(value, formats[xf])) is not None:
                        dollars.append((row + 1, col, TEXT_FORMAT, held))  # `"n/a"` over 12
                    continue
                if shows_bare_dollar(value, formats[xf]):
                    dollars.append((row + 1, col, DOLLAR_FORMAT, None))
                if (number := divided(value, formats[xf])) is not None:
                    dollars.append((row + 1, col, DIVIDED_FORMAT, number))
                if (nothing := hidden(value, formats[xf])) is not None:
                    dollars.append((row + 1, col, HIDING_FORMAT, nothing or None))
    return texts, dollars
