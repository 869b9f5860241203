"""A number its format shows divided (`#,##0,`: 12000 shows "12") is read whole, with a
`divided-number` warning at its cell.

Excel divides what a cell shows by a thousand per `,` after the digits (`0,,` by a million),
LibreOffice by a style's display factor. The cell holds 12000, which formulas and R4V's
scripts use, and that is read; but the partner sees 12, and if 12 people were meant, 12,000
were counted without a word. A format that shows the scale (`#,##0,"K"`, `0.0,, "M"`) is
meant as the whole number: no warning; nor for 0, nor outside the number columns.

XLSX (both readings), XLS, ODS; formats and values generated; 100,000 rows.
"""

from __future__ import annotations

import re
import sys
import zipfile
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
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

from kipu.core.read import fivew, read_5w  # noqa: E402
from kipu.core.read.marks import DIVIDED_FORMAT  # noqa: E402
from kipu.core.read.numformats import divided, sections  # noqa: E402
from kipu.core.validation import validate_file  # noqa: E402

DIVIDED = "divided-number"
COUNT = "quantity_output"
EN = (
    "The cell shows “12” (its number format shows thousands or millions) but holds 12000: "
    "12000 was read. If 12 was meant, type 12 in a cell without that format."
)
ES = (
    "La celda muestra “12” (su formato de número muestra miles o millones) pero contiene "
    "12000: se leyó 12000. Si quiso decir 12, escriba 12 en una celda sin ese formato."
)
# Formats that show the scale they divide by: the whole number is meant.
SCALED = ['#,##0,"K"', '0.0,, "M"', '#,##0,, "millones"', '#,##0," mil"', '"MM "0.0,,']


@pytest.fixture(params=[True, False], ids=["columns", "cells"])
def reading(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> bool:
    monkeypatch.setattr(fivew, "COLUMNAR", request.param)
    return bool(request.param)


def xlsx(path: Path, held: dict[str, object], formats: dict[str, str]) -> Path:
    """One Peruvian activity with the values `held`, its cells formatted `formats`."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "5W"
    sheet.append(LABELS)
    values = activity("PER", **held)
    sheet.append([values.get(n) for n in NAMES])
    for name, code in formats.items():
        sheet.cell(row=2, column=NAMES.index(name) + 1).number_format = code
    book.save(path)
    return path


def divided_issues(path: Path, lang: str = "en") -> list[tuple[int | None, str, str | None, str]]:
    """(row, column name, value, message) of the `divided-number` issues."""
    result = validate_file(path, REFERENCE, today=TODAY, lang=lang)
    names = {label: name for name, label in result.columns.items()}
    return [
        (i.row, names.get(i.column or "", ""), i.value, i.message)
        for i in result.report.issues
        if i.code == DIVIDED
    ]


def _plain(number: float) -> str:
    return str(int(number)) if number.is_integer() else repr(number)


def test_a_count_shown_divided_is_read_whole_with_a_warning(tmp_path: Path, reading: bool) -> None:
    path = xlsx(tmp_path / "k.xlsx", {COUNT: 12_000}, {COUNT: "#,##0,"})
    assert divided_issues(path) == [(2, COUNT, "12000", EN)]
    assert divided_issues(path, "es") == [(2, COUNT, "12000", ES)]
    assert validate_file(path, REFERENCE, today=TODAY).rows[COUNT].to_list() == [12_000]


@pytest.mark.parametrize(
    ("code", "held", "shows"),
    [
        ("#,##0,", 12_500, "13"),  # rounded as Excel rounds, half away from zero
        ("0,,", 3_000_000, "3"),
        ("#,##0.0,,", 1_250_000, "1.3"),
        ("0.00,", 1_234, "1.23"),
        ('#,##0, "personas"', 12_000, "12"),  # a word that is no scale
        ("#,##0,_);(#,##0,)", 12_000, "12"),
        ("#,##0,", 400, "0"),  # 400 people shown as none
        ("#,##0,.00", 12_000, "12.00"),  # a comma right before the point divides too
        ("0,.0", 12_000, "12.0"),
        ("#,##0,,.0", 12_000_000, "12.0"),
        ("#,##0,.00,", 12_000_000, "12.00"),
        ('"$"#,##0,', 12_000, "12"),
    ],
)
def test_every_dividing_format_is_said(
    tmp_path: Path, reading: bool, code: str, held: int, shows: str
) -> None:
    path = xlsx(tmp_path / "d.xlsx", {COUNT: held}, {COUNT: code})
    assert [(r, c, v) for r, c, v, _ in divided_issues(path)] == [(2, COUNT, str(held))]
    assert f"shows “{shows}”" in divided_issues(path)[0][3]


@pytest.mark.parametrize(
    "code", [*SCALED, "#,##0", "0.0", "General", "#,##0,;-#,##0;0", "0.0E+00,", '#,##0,.0 "M"']
)
def test_a_format_that_shows_its_scale_or_none_says_nothing(
    tmp_path: Path, reading: bool, code: str
) -> None:
    """A format showing "12K" shows the scale: 12,000 is meant. The last format divides
    positive numbers only, and the count is 0."""
    path = xlsx(tmp_path / "s.xlsx", {COUNT: 12_000, "value_usd": 0}, {COUNT: code})
    if code.startswith("#,##0,;"):
        path = xlsx(tmp_path / "s.xlsx", {COUNT: 0}, {COUNT: code})
    assert divided_issues(path) == []


def test_a_zero_and_a_text_column_say_nothing(tmp_path: Path, reading: bool) -> None:
    formats = {COUNT: "#,##0,", "total_monthly": "#,##0,", "activity_name": "#,##0,"}
    path = xlsx(tmp_path / "z.xlsx", {COUNT: 0, "activity_name": 12_000}, formats)
    # total_monthly holds 15: shown "0", it is said; the zero count and the name are not.
    assert [(r, c) for r, c, *_ in divided_issues(path)] == [(2, "total_monthly")]


def test_an_amount_shown_divided_is_said_too(tmp_path: Path, reading: bool) -> None:
    path = xlsx(tmp_path / "a.xlsx", {"value_usd": 25_000}, {"value_usd": "#,##0,"})
    assert [(r, c, v) for r, c, v, _ in divided_issues(path)] == [(2, "value_usd", "25000")]


def test_a_merged_count_is_said_on_every_row_it_covers(tmp_path: Path, reading: bool) -> None:
    path = xlsx(tmp_path / "m.xlsx", {COUNT: 12_000}, {COUNT: "#,##0,"})
    book = openpyxl.load_workbook(path)
    sheet = book.active
    sheet.append([activity("PER").get(n) for n in NAMES])
    sheet.cell(row=3, column=NAMES.index(COUNT) + 1).value = None
    column = NAMES.index(COUNT) + 1
    sheet.merge_cells(start_row=2, start_column=column, end_row=3, end_column=column)
    book.save(path)
    found = divided_issues(path)
    assert [(r, c, v) for r, c, v, _ in found] == [(2, COUNT, "12000"), (3, COUNT, "12000")]
    assert found[0][3] == found[1][3] == EN


# --- generated formats and values --------------------------------------------------------------

_INTEGER = st.sampled_from(["#,##0", "0", "#", "##0"])
_WORDS = st.sampled_from(["", ' "personas"', "_)", "\\ ", ' "pers."'])
_SCALE = st.sampled_from(['"K"', ' "M"', ' "millones"', '" mil"', ' "MM"', '"k"'])


@st.composite
def _dividing(draw: st.DrawFn) -> str:
    """A format of one to three sections (`pos;neg;zero`) or with a condition, each of which
    may divide (one or two commas after the digits, one right before the decimal point:
    `#,##0,.00`), with or without decimals, words, or a scale word."""

    def section(negative: bool) -> str:
        decimals = draw(st.sampled_from(["", ".0", ".00"]))
        before = "," * draw(st.integers(0, 1)) if decimals else ""
        commas = before + "," * draw(st.integers(0, 2))
        words = draw(_SCALE) if commas and draw(st.integers(0, 3)) == 0 else draw(_WORDS)
        number = f"{draw(_INTEGER)}{before}{decimals}{commas[len(before) :]}"
        return f"{'-' if negative else ''}{number}{words}"

    shape = draw(st.sampled_from(["one", "two", "three", "condition"]))
    if shape == "condition":
        return f"[<{draw(st.sampled_from([1000, 100000]))}]{section(False)};{section(False)}"
    parts = [section(False)]
    if shape in ("two", "three"):
        parts.append(section(True))
    if shape == "three":
        parts.append(section(False))
    return ";".join(parts)


def _section(code: str, value: float) -> str:
    """The section of `code` that shows `value`, by the test's own reading of the format."""
    parts = code.split(";")
    if code.startswith("[<"):
        limit = float(re.match(r"\[<(\d+)\]", code).group(1))  # type: ignore[union-attr]
        return parts[0][code.index("]") + 1 :] if value < limit else parts[1]
    if value < 0 and len(parts) > 1:
        return parts[1]
    if value == 0 and len(parts) > 2:
        return parts[2]
    return parts[0]


def _expected(code: str, value: float) -> str | None:
    """The number the cell shows, when its section divides it without a scale word."""
    section = _section(code, value)
    found = re.fullmatch(r"-?((?:[#0]|,(?=[#0]))+)(,*)(\.0+)?(,*)(.*)", section)
    assert found is not None, section
    commas, words = len(found.group(2)) + len(found.group(4)), found.group(5)
    if value == 0 or not commas or any(w in words for w in ('"K"', '"M"', "mil", "MM", '"k"')):
        return None
    decimals = len(found.group(3) or ".") - 1
    number = (Decimal(repr(abs(value))) / 1000**commas).quantize(
        Decimal(1).scaleb(-decimals), ROUND_HALF_UP
    )
    text = str(number)
    return f"-{text}" if value < 0 and text.strip("0.") else text


_VALUES = st.one_of(
    st.sampled_from([0.0, 12_000.0, -12_000.0, 12_500.0, 999.0, 1_500_000.0, 2_345.678]),
    st.integers(-(10**9), 10**9).map(float),
    st.decimals(-(10**7), 10**7, places=2).map(float),
)


@SETTINGS
@given(code=_dividing(), value=_VALUES)
def test_any_dividing_format_shows_what_excel_shows(code: str, value: float) -> None:
    assert divided(value, sections(code)) == _expected(code, value), code


@SETTINGS
@given(code=_dividing(), value=_VALUES)
def test_any_dividing_format_is_said_at_its_cell(
    tmp_path: Path, reading: bool, code: str, value: float
) -> None:
    path = xlsx(tmp_path / "g.xlsx", {COUNT: value}, {COUNT: code})
    shows = _expected(code, value)
    found = [(r, c, v, m) for r, c, v, m in divided_issues(path)]
    if shows is None:
        assert found == [], code
    else:
        assert [(r, c, v) for r, c, v, _ in found] == [(2, COUNT, _plain(value))], code
        assert found[0][3].startswith(f"The cell shows “{shows}”"), code


# --- XLS and ODS -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "said"), [("#,##0,", True), ("0.0,,", True), ('#,##0,"K"', False), ("#,##0", False)]
)
def test_an_xls_count_shown_divided_is_said(tmp_path: Path, code: str, said: bool) -> None:
    book = xlwt.Workbook()
    sheet = book.add_sheet("5W")
    for c, label in enumerate(LABELS):
        sheet.write(0, c, label)
    values = activity("PER", **{COUNT: 12_000})
    for c, name in enumerate(NAMES):
        if (held := values.get(name)) is not None:
            styles = [xlwt.easyxf(num_format_str=code)] if name == COUNT else []
            sheet.write(1, c, held, *styles)
    path = tmp_path / "d.xls"
    book.save(str(path))
    found = divided_issues(path)
    shows = "0.0" if code == "0.0,," else "12"
    assert [(r, c, v) for r, c, v, _ in found] == ([(2, COUNT, "12000")] if said else [])
    if said:
        assert found[0][3].startswith(f"The cell shows “{shows}”")


_ODS_NAMES = (
    b'xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0" '
    b'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" office:version="1.2"'
)
_ODS_STYLES = (
    "<office:automatic-styles>"
    '<number:number-style style:name="N1"><number:number number:decimal-places="0" '
    'number:min-integer-digits="1" number:grouping="true" number:display-factor="{factor}"/>'
    "{words}</number:number-style>"
    '<style:style style:name="ce1" style:family="table-cell" style:data-style-name="N1"/>'
    "</office:automatic-styles>"
)


@pytest.mark.parametrize(
    ("factor", "shown", "words", "said"),
    [
        ("1000", "12", "", True),
        ("1000000", "0", "", True),  # 12,000 shown as a million's 0
        ("1000", "12 K", "<number:text> K</number:text>", False),
        ("1000", "12 personas", "<number:text> personas</number:text>", True),
        ("1", "12000", "", False),
        ("1000", "12,000", "", False),  # the cell shows its own value (another style)
    ],
)
def test_an_ods_count_shown_by_a_display_factor_is_said(
    tmp_path: Path, factor: str, shown: str, words: str, said: bool
) -> None:
    """LibreOffice writes `#,##0,` as a number style with `number:display-factor`."""
    from test_ods_quirks import cell, one_row

    count = cell(' table:style-name="ce1" office:value-type="float" office:value="12000"', shown)
    path = one_row(tmp_path, {COUNT: count})
    styles = _ODS_STYLES.format(factor=factor, words=words)

    with zipfile.ZipFile(path) as archive:
        members = {n: archive.read(n) for n in archive.namelist()}
    content = members["content.xml"].replace(b'office:version="1.2"', _ODS_NAMES, 1)
    members["content.xml"] = content.replace(
        b"<office:body>", styles.encode() + b"<office:body>", 1
    )
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    found = divided_issues(path)
    assert [(r, c, v) for r, c, v, _ in found] == ([(2, COUNT, "12000")] if said else [])
    if said:
        assert found[0][3].startswith(f"The cell shows “{shown.split()[0]}”")


# --- real size -------------------------------------------------------------------------------


def repeated_counts(folder: Path, code: str, counts: tuple[int, int], rows: int) -> Path:
    """A workbook of `rows` rows whose counts take turns between `counts`, formatted `code`
    (xlsxwriter's shared strings, as Excel writes them: `_repeated`)."""
    small = folder / "small.xlsx"
    book = xlsxwriter.Workbook(str(small))
    sheet = book.add_worksheet("5W")
    formatted = book.add_format({"num_format": code})
    sheet.write_row(0, 0, LABELS)
    for r, held in enumerate(counts, start=1):
        values = activity("PER", **{COUNT: held})
        for c, name in enumerate(NAMES):
            sheet.write(r, c, values.get(name), formatted if name == COUNT else None)
    book.close()
    return _repeated(small, rows)


def test_100000_rows_of_counts_shown_in_thousands(tmp_path: Path) -> None:
    """Every row's count is said, and the sheet is still read column by column: a dividing
    format changes no value read."""
    path = repeated_counts(tmp_path, "#,##0,", (12_000, 7_000), 100_000)
    table = read_5w(path)
    assert table.source == "columns"
    assert table.marks.filter(table.marks["kind"] == DIVIDED_FORMAT).height == 100_000
    result = validate_file(path, REFERENCE, today=TODAY)
    assert result.report.rows_read == 100_000
    issues = result.report.row_issues
    said = issues.filter(issues["code"] == DIVIDED)
    assert said.height == 100_000
    assert sorted(set(said["value"].to_list())) == ["12000", "7000"]
    assert result.rows[COUNT].sum() == 50_000 * 19_000
