"""A number shown with leading zeros (`00000`: 45 shows "00045") is read as the digits shown.

Excel drops the leading zeros of a code typed as a number; a careful writer gives the cell a
format that shows them again (the UBIGEO 010101 typed as 10101, formatted `000000`). Before,
Kipu read the number: a registry id "00045" was stored as "45" without a word, and a place
code came back with a "zeros restored" warning although the cell showed it whole. Now the
text shown is read: a code is what its writer saw, and a number column reads "005" as 5.

XLSX (both readings), XLS, ODS, reference tables; formats generated; 100,000 rows.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlwt
from hypothesis import given
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parents[1] / "validation"))
sys.path.insert(0, str(Path(__file__).parent))
from test_dollar_formats import (  # noqa: E402
    LABELS,
    NAMES,
    REFERENCE,
    SETTINGS,
    TODAY,
    _repeated,
    activity,
)

from kipu.core.read import fivew, read_table  # noqa: E402
from kipu.core.read.numformats import sections, shown  # noqa: E402
from kipu.core.validation import validate_file  # noqa: E402

RESTORED = "code-zeros-restored"
# Callao, department 07 and province 0701, typed as the numbers 7 and 701.
CALLAO = {"admin1": 7, "admin2": 701}
PADDED = {"admin1": "00", "admin2": "0000"}


@pytest.fixture(params=[True, False], ids=["columns", "cells"])
def reading(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> bool:
    monkeypatch.setattr(fivew, "COLUMNAR", request.param)
    return bool(request.param)


@st.composite
def _padded_formats(draw: st.DrawFn) -> tuple[str, int]:
    """A format showing at least `zeros` digits of a whole number, as Excel writes them:
    `#` before the zeros, words after, a negative section; and that number of zeros."""
    zeros = draw(st.integers(2, 9))
    lead = draw(st.sampled_from(["", "#", "##"]))
    words = draw(st.sampled_from(["", ' "personas"', "_)", ";-" + "0" * zeros, ";[Red]-0"]))
    return f"{lead}{'0' * zeros}{words}", zeros


@SETTINGS
@given(written=_padded_formats(), value=st.integers(0, 10**9))
def test_a_whole_number_shows_its_leading_zeros(written: tuple[str, int], value: int) -> None:
    code, zeros = written
    digits = str(value)
    expected = digits.zfill(zeros) if len(digits) < zeros else None
    assert shown(float(value), sections(code)) == expected, code


@SETTINGS
@given(
    written=_padded_formats(),
    inside=st.sampled_from([".0", ".00", ",000", "-00", "E+00", '"/"00']),
    value=st.integers(0, 10**9),
)
def test_digits_that_are_not_one_run_show_the_number(
    written: tuple[str, int], inside: str, value: int
) -> None:
    """Decimals, grouping, a dash, an exponent or text inside the digits: a number's format,
    not a code's (`0000.00` shows `0007.00`, `000-000` shows `000-007`)."""
    code, zeros = written
    digits, rest = code[: code.index("0") + zeros], code[code.index("0") + zeros :]
    assert shown(float(value), sections(f"{digits}{inside}{rest}")) is None, code


@pytest.mark.parametrize(
    ("code", "value"),
    [
        ("00000", -45),  # a negative number is no code
        ("00000", 45.5),  # shown rounded: the number is read
        ("0", 5),
        ("#,##0", 5),
        ("0.00", 5),
        ("00000,", 45),  # divided by a thousand: shows 00000, holds 45
        ("00/00/0000", 45),  # text between the zeros: not one number
        ("mm:ss.00", 0),  # a time
        ("yyyy-mm-dd hh:mm:ss.000", 45000),
        ("0.00E+00", 5),
        ("000000", 123456),  # as many digits as zeros: nothing to pad
    ],
)
def test_other_formats_show_the_number(code: str, value: float) -> None:
    assert shown(float(value), sections(code)) is None


@pytest.mark.parametrize(
    ("code", "value", "expected"),
    [
        # Text that is part of the code is kept: before it, or digits after it.
        ('"ORG"000', 7, "ORG007"),
        ('"ID"000', 7, "ID007"),
        ('"ID-"000', 7, "ID-007"),
        ('"PE"00', 7, "PE07"),
        ('"0"0000', 45, "00045"),  # a "force a leading zero" trick
        ("\\00000", 45, "00045"),
        ('0000"00"', 701, "070100"),
        # A code's text is kept whether zeros pad the number or it fills them (a re-tester's:
        # "PE"00 read 10 as 10, a registry id R4V-1234 as 1234).
        ('"PE"00', 10, "PE10"),
        ('"PE"000000', 100101, "PE100101"),
        ('"R4V-"000', 1234, "R4V-1234"),
        ('"R4V-"0', 1234, "R4V-1234"),
        ('0"00"', 7, "700"),
        ('"PE"00', -3, None),  # no code is negative, or not whole
        ('"PE"00', 2.5, None),
        # Words after a count, and a dollar named before an amount, are not.
        ('000 "personas"', 7, "007"),
        ('"US$ "0000000', 50000, "0050000"),
        # Padded, but not one run of digits: the number is read.
        ("000-000", 701, None),
        ("00-00", 701, None),
        ("00.00", 7, None),
        (".00", 7, None),
        ("00E+00", 7, None),
        ("000,000", 7, None),
        ("#,#00", 7, None),
        # A `$` alone decides by the row's country (`dollar-format-ambiguous`).
        ('"$"0000000', 50000, None),
        ("[$$]000000", 50000, None),
    ],
)
def test_the_text_around_a_padded_number(code: str, value: float, expected: str | None) -> None:
    assert shown(float(value), sections(code)) == expected, code


def _fivew(path: Path, formats: dict[str, str], places: dict[str, Any] = CALLAO) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(LABELS)
    values = activity("PER", **places)
    sheet.append([values.get(n) for n in NAMES])
    for name, code in formats.items():
        sheet.cell(row=2, column=NAMES.index(name) + 1).number_format = code
    book.save(path)
    return path


def _places(path: Path) -> tuple[list[tuple[str, str | None]], list[dict[str, Any]]]:
    result = validate_file(path, REFERENCE, today=TODAY)
    places = result.rows.select("admin1", "admin2").to_dicts()
    return [(i.code, i.value) for i in result.report.issues], places


def test_a_code_formatted_with_its_zeros_is_read_as_shown(tmp_path: Path, reading: bool) -> None:
    issues, places = _places(_fivew(tmp_path / "padded.xlsx", PADDED))
    assert issues == []
    assert places == [{"admin1": "PE07", "admin2": "PE0701"}]


def test_a_code_without_its_zeros_is_still_restored_with_a_warning(
    tmp_path: Path, reading: bool
) -> None:
    issues, places = _places(_fivew(tmp_path / "general.xlsx", {}))
    assert issues == [(RESTORED, "7"), (RESTORED, "701")]
    assert places == [{"admin1": "PE07", "admin2": "PE0701"}]


def test_a_count_formatted_with_zeros_is_its_number(tmp_path: Path, reading: bool) -> None:
    """`000` on a count shows 012: the count is 12, no issue."""
    counts = {n: "000" for n in ("quantity_output", "total_monthly", "new_beneficiaries")}
    path = _fivew(tmp_path / "counts.xlsx", {**PADDED, **counts})
    result = validate_file(path, REFERENCE, today=TODAY)
    assert [i.code for i in result.report.issues] == []
    row = result.rows.to_dicts()[0]
    assert (row["quantity_output"], row["total_monthly"], row["new_beneficiaries"]) == (12, 15, 10)


def test_an_xls_code_formatted_with_its_zeros_is_read_as_shown(tmp_path: Path) -> None:
    book = xlwt.Workbook()
    sheet = book.add_sheet("5W")
    for c, label in enumerate(LABELS):
        sheet.write(0, c, label)
    values = activity("PER", **CALLAO)
    for c, name in enumerate(NAMES):
        if (held := values.get(name)) is not None:
            styles = [xlwt.easyxf(num_format_str=PADDED[name])] if name in PADDED else []
            sheet.write(1, c, held, *styles)
    path = tmp_path / "padded.xls"
    book.save(str(path))
    assert _places(path) == ([], [{"admin1": "PE07", "admin2": "PE0701"}])


@pytest.mark.parametrize(
    ("admin2", "expected"),
    [
        ("0701", []),
        ("PE0701", []),  # a code's letters before its digits
        ("0701 prov.", []),  # words after them: the digits
        ("701", [(RESTORED, "701")]),  # shown without its zeros
    ],
)
def test_an_ods_code_shown_with_its_zeros_is_read_as_shown(
    tmp_path: Path, admin2: str, expected: list[tuple[str, str]]
) -> None:
    from test_ods_quirks import cell, one_row

    places = {
        "admin1": cell(' office:value-type="float" office:value="7"', "07"),
        "admin2": cell(' office:value-type="float" office:value="701"', admin2),
    }
    path = one_row(tmp_path, places)
    assert _places(path) == (expected, [{"admin1": "PE07", "admin2": "PE0701"}])


@pytest.mark.parametrize("suffix", ["xlsx", "xls"])
def test_a_registry_id_formatted_with_its_zeros_keeps_them(tmp_path: Path, suffix: str) -> None:
    """An organisations file whose ids were typed as numbers, formatted `00000`."""
    from kipu.core.loaders.organisations import load_organisations

    rows = [["Organization ID", "Organization Name"], [45, "Alpha"], [123456, "Beta"]]
    path = tmp_path / f"orgs.{suffix}"
    if suffix == "xlsx":
        book = openpyxl.Workbook()
        for row in rows:
            book.active.append(row)
        for r in (2, 3):
            book.active.cell(row=r, column=1).number_format = "00000"
        book.save(path)
    else:
        xls = xlwt.Workbook()
        sheet = xls.add_sheet("orgs")
        for r, row in enumerate(rows):
            for c, held in enumerate(row):
                styles = [xlwt.easyxf(num_format_str="00000")] if r and not c else []
                sheet.write(r, c, held, *styles)
        xls.save(str(path))
    assert [r["Organization ID"] for r in read_table(path).records] == ["00045", "123456"]
    loaded = load_organisations(path)
    assert [(o.name, o.external_id) for o in loaded.records] == [
        ("Alpha", "00045"),
        ("Beta", "123456"),
    ]


def test_100000_rows_of_codes_formatted_with_their_zeros(tmp_path: Path) -> None:
    """Every row's place is read as shown, none with a warning; the sheet still reads."""
    import xlsxwriter

    small = tmp_path / "small.xlsx"
    book = xlsxwriter.Workbook(str(small))
    sheet = book.add_worksheet("5W")
    formats = {n: book.add_format({"num_format": code}) for n, code in PADDED.items()}
    sheet.write_row(0, 0, LABELS)
    for r in (1, 2):
        values = activity("PER", **CALLAO)
        for c, name in enumerate(NAMES):
            sheet.write(r, c, values.get(name), formats.get(name))
    book.close()
    result = validate_file(_repeated(small, 100_000), REFERENCE, today=TODAY)
    assert result.report.rows_read == 100_000
    codes = set(result.report.row_issues["code"].to_list())
    assert codes == {"duplicate-row"}  # the same row again and again; no code restored
    assert result.rows["admin2"].unique().to_list() == ["PE0701"]
    assert result.rows.height == 100_000


@SETTINGS
@given(prefix=st.sampled_from(["PE", "R4V-", "ORG", "ID ", "CO"]), value=st.integers(0, 10**8))
def test_a_registry_id_formatted_with_a_prefix_is_read_as_shown(
    tmp_path: Path, prefix: str, value: int
) -> None:
    """`"R4V-"000`: every id shows its prefix, however many digits it has (an id of four
    digits read as 1234 and matched another organisation's)."""
    from kipu.core.loaders.organisations import load_organisations

    book = openpyxl.Workbook()
    book.active.append(["Organization ID", "Organization Name"])
    book.active.append([value, "Alpha"])
    book.active.cell(row=2, column=1).number_format = f'"{prefix}"000'
    book.save(tmp_path / "orgs.xlsx")
    [record] = load_organisations(tmp_path / "orgs.xlsx").records
    assert record.external_id == f"{prefix}{value:03d}"


@pytest.mark.parametrize(
    ("text", "value", "read"),
    [
        ("00045", "45", "00045"),
        ("PE07", "7", "PE07"),
        ("PE15", "15", "PE15"),  # the digits fill the format: still the code (a re-tester's)
        ("R4V-1234", "1234", "R4V-1234"),
        ("ORG100", "100", "ORG100"),
        ("007 personas", "7", "007"),
        ("15 personas", "15", None),  # a count with a word: its number
        ("$0050000", "50000", None),  # a `$`: judged as a dollar
        ("USD 0050000", "50000", "0050000"),
        ("PE15", "16", None),  # not the cell's value: not this rule's
    ],
)
def test_an_ods_number_shown_as_a_code_is_read_as_shown(
    text: str, value: str, read: str | None
) -> None:
    from kipu.core.read.ods import _padded

    assert _padded(text, value) == read
