"""The columnar reading of XLSX sheets (kipu.core.read.columns) gives exactly what the cell by
cell reading gives, or is not used: both readings of every quirk file and of generated files
are compared table for table (frame, unknown columns, marks, header)."""

from __future__ import annotations

import random
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlsxwriter
from polars.testing import assert_frame_equal

from quirk_files import GENERATORS, Profile, write_case

sys.path[:0] = [str(Path(__file__).parent), str(Path(__file__).parents[1] / "validation")]
from fivew_factories import TODAY, make_reference  # noqa: E402
from two_readings import LABELS, both, plain_row  # noqa: E402

from kipu.core import demo_regional  # noqa: E402
from kipu.core.read import fivew, read_5w  # noqa: E402
from kipu.core.validation import validate_file  # noqa: E402

PROFILE = Profile(  # the names make_reference() knows, as in test_quirks.py
    country=("Peru", "PER"),
    places=(("Lima", "PE15"), ("Callao", "PE07"), ("Tumbes", "PE24")),
    place_codes=(("7", "PE07"), ("15", "PE15"), ("24", "PE24")),
    organisation=("UNHCR", "ORG001"),
    sector=("Health", "HEA"),
    indicator=("Number of people receiving primary health care", "HE01"),
    hash_indicators=(
        ("# of people reached with health messages", "HE05"),
        ("# de personas alcanzadas con mensajes de salud", "HE05"),
    ),
    year=2024,
)


@pytest.mark.parametrize("kind", sorted(GENERATORS))
def test_every_quirk_file_reads_the_same(
    tmp_path: Path, kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for seed in range(6):
        case = GENERATORS[kind](random.Random(f"{kind}-{seed}"), PROFILE)
        if "xlsx" in case.formats:
            both(write_case(case, tmp_path / f"{kind}-{seed}", "xlsx"), monkeypatch)


def _xlsxwriter(path: Path, rows: list[list[Any]], constant: bool = True) -> Path:
    with xlsxwriter.Workbook(str(path), {"constant_memory": constant}) as book:
        sheet = book.add_worksheet("5W")
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is not None and value != "":
                    sheet.write(r, c, value)
    return path


def _openpyxl(path: Path, rows: list[list[Any]], start: str = "A1") -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    first = openpyxl.utils.cell.coordinate_from_string(start)
    col0 = openpyxl.utils.column_index_from_string(first[0])
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None and value != "":
                sheet.cell(row=first[1] + r, column=col0 + c, value=value)
    book.save(path)
    return path


def test_plain_files_are_read_column_by_column(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [LABELS[:27], *(plain_row(i) for i in range(300))]
    for path in (
        _xlsxwriter(tmp_path / "inline.xlsx", rows),  # inline strings
        _xlsxwriter(tmp_path / "shared.xlsx", rows, constant=False),  # shared strings
        _openpyxl(tmp_path / "openpyxl.xlsx", rows),
        demo_regional.write_export(tmp_path / "r4v.xlsx", 2_000),
    ):
        assert both(path, monkeypatch).source == "columns", path.name


@pytest.mark.parametrize(
    ("name", "change", "columnar"),
    [
        # Real dates in the month column, and in an unknown column.
        ("dates", lambda r, i: r.__setitem__(5, datetime(2024, 3, 1)), True),
        ("date-objects", lambda r, i: r.append(date(2024, 3, 1 + i % 20)), True),
        # A number typed as text among numbers, and codes that keep their leading zeros.
        ("number-as-text", lambda r, i: r.__setitem__(16, "10" if i == 7 else 10), False),
        ("leading-zeros", lambda r, i: r.append(f"{i:04d}"), False),
        ("numeric-codes", lambda r, i: r.append(str(1000 + i)), False),
        # Decimals (fastexcel writes nine), tiny fractions, booleans, times, huge numbers.
        ("decimals", lambda r, i: r.__setitem__(13, 12.5 + i), True),
        ("small", lambda r, i: r.append((i % 7 + 1) / 4000), True),
        ("millions", lambda r, i: r.__setitem__(13, 4_500_000.25 + i), False),
        ("fine", lambda r, i: r.__setitem__(16, 10 + (1e-10 if i == 3 else 0)), False),
        ("booleans", lambda r, i: r.__setitem__(10, i % 2 == 0), False),
        # xlsxwriter writes a datetime without a format: a number (45352.4375) to both.
        ("times", lambda r, i: r.__setitem__(5, datetime(2024, 3, 1, 10, 30)), (False, True)),
        ("huge", lambda r, i: r.append(1e17 + i * 1e3), False),  # written 1E+17
        ("negative-zero", lambda r, i: r.__setitem__(20, -0.0), True),
        ("numbers-extra", lambda r, i: r.append(i * 7), True),
        ("text-extra", lambda r, i: r.append(f"  note {i}\u00a0"), True),
    ],
)
def test_what_each_reading_takes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, change: Any, columnar: Any
) -> None:
    rows = [[*LABELS[:27], "Extra"]]
    for i in range(60):  # beyond the head rows, so the census proves the body
        row = plain_row(i)
        change(row, i)
        rows.append(row)
    expected = columnar if isinstance(columnar, tuple) else (columnar, columnar)
    paths = (_openpyxl(tmp_path / f"{name}.xlsx", rows),
             _xlsxwriter(tmp_path / f"{name}w.xlsx", rows))  # fmt: skip
    for path, by_columns in zip(paths, expected, strict=True):
        source = both(path, monkeypatch).source
        assert source == ("columns" if by_columns else "cells"), path.name


def test_sheets_that_do_not_start_at_a1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [LABELS[:27], *(plain_row(i) for i in range(60))]
    assert both(_openpyxl(tmp_path / "a3.xlsx", rows, "A3"), monkeypatch).source == "columns"
    assert both(_openpyxl(tmp_path / "c1.xlsx", rows, "C1"), monkeypatch).source == "cells"


def test_texts_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tricky = ["  spaces  ", "line\nbreak", "tab\there", "a_x000D_b", "&<>\"'", "Ñandú €", "",
              "\u200bzero width", "#N/A", "=1+1", "1,500", "1.500", "3e5", "TRUE"]  # fmt: skip
    rows = [[*LABELS[:27], "Extra"]]
    for i in range(80):
        row = plain_row(i)
        row.append(tricky[i % len(tricky)])
        row[9] = tricky[(i + 3) % len(tricky)]
        rows.append(row)
    for path in (_openpyxl(tmp_path / "t.xlsx", rows), _xlsxwriter(tmp_path / "w.xlsx", rows)):
        both(path, monkeypatch)


def test_the_validation_is_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for kind in ("excel-errors", "formulas", "numbers", "typed-values"):
        case = GENERATORS[kind](random.Random(f"{kind}-v"), PROFILE)
        path = write_case(case, tmp_path / kind, "xlsx")
        columnar = validate_file(path, make_reference(), month=case.month, today=TODAY)
        with monkeypatch.context() as patch:
            patch.setattr(fivew, "COLUMNAR", False)
            cells = validate_file(path, make_reference(), month=case.month, today=TODAY)
        assert columnar.report.to_dict() == cells.report.to_dict()
        assert_frame_equal(columnar.rows, cells.rows)


def test_a_prefetched_file_is_read_once_and_as_it_is_now(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`prefetch` reads in a thread while a command sets itself up; `read_5w` takes that table,
    unless the file changed since or other options are asked for; errors reach the caller."""
    from kipu.core.read import ReadError, prefetch

    path = _xlsxwriter(tmp_path / "p.xlsx", [LABELS[:27], *(plain_row(i) for i in range(80))])
    calls: list[Path] = []
    real = fivew._read_5w
    monkeypatch.setattr(fivew, "_read_5w", lambda p, *a: calls.append(p) or real(p, *a))
    prefetch(path)
    first = read_5w(path)
    assert first.frame.height == 80 and len(calls) == 1
    assert read_5w(path).frame.equals(first.frame) and len(calls) == 2  # taken once only
    prefetch(path)
    _xlsxwriter(path, [LABELS[:27], *(plain_row(i) for i in range(3))])  # changed meanwhile
    assert read_5w(path).frame.height == 3
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not a zip")
    prefetch(broken)
    with pytest.raises(ReadError):
        read_5w(broken)
