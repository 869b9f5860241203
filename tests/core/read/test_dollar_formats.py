"""A number formatted with a `$` alone, in a row of a country whose own currency is written
`$`, is `dollar-format-ambiguous`: Excel's currency and accounting formats show the `$` of
the computer's locale, so a Colombian partner's 50,000 pesos formatted `$ 50.000` were read
as 50,000 US dollars without a word (the text "$ 50.000" was already an error there). A
format that names the US dollar (`US$`, `[$$-409]`, "$ English (United States)") is
dollars everywhere, and in Peru or Ecuador a `$` format is the US dollar, as before.

XLSX (both readings), XLS and ODS; formats generated in the forms Excel writes them; and
100,000 rows.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlsxwriter
import xlwt
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parents[1] / "validation"))
sys.path.insert(0, str(Path(__file__).parent))
from fivew_factories import TODAY, colombia_reference, record  # noqa: E402
from test_xlsx_formats import edited  # noqa: E402

from kipu.core.read import fivew  # noqa: E402
from kipu.core.schema import COLUMN_BY_NAME  # noqa: E402
from kipu.core.validation import validate_file  # noqa: E402

REFERENCE = colombia_reference()
PLACES = {
    "COL": {"country": "Colombia", "admin1": "Arauca", "admin2": "Arauca"},
    "PER": {"country": "Peru", "admin1": "Lima", "admin2": "Lima"},
    "ECU": {"country": "Ecuador", "admin1": "Pichincha", "admin2": "Quito"},
}
CASH = {"cva": "Yes", "delivery_mechanism": "Cash in hand"}
NAMES = list(record(**CASH, value_usd=1))
LABELS = [COLUMN_BY_NAME[n].label_en for n in NAMES]
AMBIGUOUS = "dollar-format-ambiguous"
FLAGGED = (
    "“50000”: the cell's format shows it with $, which in this country (COL) is also the sign "
    "of its own currency; format the cell as US$ (in Excel: $ English (United States)) if the "
    "amount is in US dollars, or convert it to dollars."
)
SETTINGS = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

# A `$` alone, as Excel writes its currency and accounting formats in en-US and es-CO, and
# as people type them.
BARE = [
    "$#,##0.00",
    '"$"#,##0.00',
    "\\$#,##0",
    '"$" #,##0',
    '"$"\\ #,##0',
    '#,##0 "$"',
    "#,##0.00\\ \\$",
    "[$$]#,##0",
    "[$$-]#,##0.00",
    "[$$-es-419] #,##0.00",  # Spanish (Latin America): no one country's dollar
    # Excel's built-in currency formats: openpyxl writes them as numFmtId 5 to 8, no text.
    '"$"#,##0_);("$"#,##0)',
    '"$"#,##0.00_);[Red]("$"#,##0.00)',
    # Words beside the $: still a $ alone.
    '"$"#,##0" por persona"',
    '"$ "#,##0" / mes"',
    '"$"#,##0"*"',
    "[$$-580A]#,##0",
    '"$"#,##0;[Red]\\-"$"#,##0',
    '_("$"* #,##0.00_);_("$"* \\(#,##0.00\\);_("$"* "-"??_);_(@_)',
    '_-"$"\\ * #,##0_-;\\-"$"\\ * #,##0_-;_-"$"\\ * "-"_-;_-@_-',
    '[<1000000]"$"#,##0;"S/ "#,##0',
    # Zeros that pad the amount (`$0050000`): still a `$` alone (a re-tester's).
    '"$"0000000',
    "[$$]00000000000",
]
# The US dollar by name, code or locale; no currency.
US_DOLLAR = [
    '"US$" #,##0.00',
    "[$$-409]#,##0.00",
    "[$$-0409] #,##0.00",
    "[$$-en-US]#,##0.00",
    "[$$-es-EC] #,##0.00",
    "[$$-300A] #,##0.00",
    "[$USD] 0",
    '"USD$" #,##0.00',
    '"$ USD" #,##0.00',
    "[$USD $-409] #,##0",
    '"$us" #,##0.00',
    '_-[$$-en-US]* #,##0.00_ ;_-[$$-en-US]* -#,##0.00 ;_-[$$-en-US]* "-"??_ ;_-@_ ',
    "#,##0.00",
    "General",
    '0 "personas"',
]


@pytest.fixture(params=[True, False], ids=["columns", "cells"])
def reading(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> bool:
    monkeypatch.setattr(fivew, "COLUMNAR", request.param)
    return bool(request.param)


def activity(country: str, amount: object = 50_000.0, **overrides: Any) -> dict[str, Any]:
    return record(**{**CASH, **PLACES[country], "value_usd": amount, **overrides})


def xlsx(path: Path, rows: list[dict[str, Any]], code: str) -> Path:
    """The 5W header and `rows`, every Value (in USD) cell formatted `code`."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "5W"
    sheet.append(LABELS)
    for values in rows:
        sheet.append([values.get(n) for n in NAMES])
    for r in range(2, len(rows) + 2):
        sheet.cell(row=r, column=NAMES.index("value_usd") + 1).number_format = code
    book.save(path)
    return path


def amount_issues(path: Path) -> dict[int, list[tuple[str, str | None, str]]]:
    """Row → (code, value, message) of the issues at Value (in USD)."""
    result = validate_file(path, REFERENCE, today=TODAY)
    label = result.columns["value_usd"]
    found: dict[int, list[tuple[str, str | None, str]]] = {}
    for issue in result.report.issues:
        if issue.column == label and issue.row is not None:
            found.setdefault(issue.row, []).append((issue.code, issue.value, issue.message))
    return found


def stored(path: Path) -> list[Any]:
    return validate_file(path, REFERENCE, today=TODAY).rows["value_usd"].to_list()


@pytest.mark.parametrize("code", BARE)
def test_a_dollar_format_is_no_dollar_where_the_dollar_sign_is_the_peso(
    tmp_path: Path, reading: bool, code: str
) -> None:
    rows = [activity("COL"), activity("PER"), activity("ECU")]
    path = xlsx(tmp_path / "bare.xlsx", rows, code)
    assert amount_issues(path) == {2: [(AMBIGUOUS, "50000", FLAGGED)]}
    result = validate_file(path, REFERENCE, today=TODAY)
    assert result.unstorable == [2]  # the amount cannot be stored: nor can its row
    assert result.rows["value_usd"].to_list()[1:] == [50_000, 50_000]


@pytest.mark.parametrize("code", US_DOLLAR)
def test_a_format_naming_the_us_dollar_is_dollars_everywhere(
    tmp_path: Path, reading: bool, code: str
) -> None:
    rows = [activity("COL"), activity("PER")]
    path = xlsx(tmp_path / "usd.xlsx", rows, code)
    assert amount_issues(path) == {}
    assert stored(path) == [50_000, 50_000]


def test_a_zero_is_zero_in_any_currency(tmp_path: Path, reading: bool) -> None:
    """Excel's accounting format shows 0 as `$ -`: nothing to convert."""
    path = xlsx(tmp_path / "zero.xlsx", [activity("COL", 0.0)], BARE[-3])
    assert AMBIGUOUS not in {c for found in amount_issues(path).values() for c, *_ in found}


@pytest.mark.parametrize(
    ("code", "typed", "flagged"),
    [
        ('"$"@', "50000", True),  # a number typed as text shows "$50000"
        ('"$"#,##0;"$"-#,##0;"$"0;"$"@', "50000", True),
        ('#,##0;-#,##0;0;"$"@', "50000", True),
        ('#,##0;-#,##0;0;"$"@', 50_000.0, False),  # a number: its own section, plain
        ('"$"@', 50_000.0, False),  # a format of text only shows a number as it is
        ("@", "50000", False),
        ('"US$"@', "50000", False),
    ],
)
def test_a_text_shown_with_a_dollar_is_judged_alike(
    tmp_path: Path, reading: bool, code: str, typed: object, flagged: bool
) -> None:
    path = xlsx(tmp_path / "text.xlsx", [activity("COL", typed), activity("PER", typed)], code)
    assert amount_issues(path) == ({2: [(AMBIGUOUS, "50000", FLAGGED)]} if flagged else {})
    assert stored(path) == [None if flagged else 50_000, 50_000]


def test_only_the_amount_is_judged_by_its_format(tmp_path: Path) -> None:
    """A count formatted `$` (a copied style) is a count: no currency to doubt."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(LABELS)
    sheet.append([activity("COL").get(n) for n in NAMES])
    sheet.cell(row=2, column=NAMES.index("quantity_output") + 1).number_format = '"$"#,##0'
    path = tmp_path / "count.xlsx"
    book.save(path)
    assert amount_issues(path) == {}


_SIGN = st.sampled_from(["$", '"$"', "\\$", "[$$]"])
_US = st.sampled_from(['"US$"', '"USD"', "[$$-409]", "[$$-en-US]", "[$USD]", '"U$S"'])
_GAP = st.sampled_from(["", " ", "\\ ", "* ", "\\ * "])
_DIGITS = st.sampled_from(["#,##0", "#,##0.00", "0", "#.##0"])


@st.composite
def _formats(draw: st.DrawFn, sign: st.SearchStrategy[str]) -> str:
    """A format with `sign` before or after the digits, Excel's padding around it, and maybe
    a negative section written alike."""

    def section(negative: bool) -> str:
        symbol, gap, digits = draw(sign), draw(_GAP), draw(_DIGITS)
        body = f"{symbol}{gap}{digits}" if draw(st.booleans()) else f"{digits}{gap}{symbol}"
        pad = draw(st.sampled_from(["", "_-", "_("]))
        return f"{pad}{'-' if negative else ''}{body}{'_-' if pad else ''}"

    parts = [section(False)]
    if draw(st.booleans()):
        parts.append(section(True))
    return ";".join(parts)


@SETTINGS
@given(
    code=_formats(_SIGN),
    amount=st.sampled_from([50_000.0, 12.5, 1_234_567.0]),
    country=st.sampled_from(["COL", "PER", "ECU"]),
)
def test_any_bare_dollar_format_is_judged_by_the_rows_country(
    tmp_path: Path, reading: bool, code: str, amount: float, country: str
) -> None:
    path = xlsx(tmp_path / "any.xlsx", [activity(country, amount)], code)
    found = amount_issues(path)
    if country == "COL":
        assert [c for c, *_ in found.get(2, [])] == [AMBIGUOUS], code
        assert stored(path) == [None]
    else:
        assert found == {}, code
        assert stored(path) == [amount]


@SETTINGS
@given(code=_formats(_US), country=st.sampled_from(["COL", "PER"]))
def test_any_us_dollar_format_is_dollars(
    tmp_path: Path, reading: bool, code: str, country: str
) -> None:
    path = xlsx(tmp_path / "us.xlsx", [activity(country)], code)
    assert amount_issues(path) == {}, code
    assert stored(path) == [50_000]


@pytest.mark.parametrize("code", ['"$"#,##0', "[$S/-280A] #,##0.00"])
def test_a_merged_amount_is_judged_on_every_row_it_covers(
    tmp_path: Path, reading: bool, code: str
) -> None:
    path = xlsx(tmp_path / "merged.xlsx", [activity("COL"), activity("COL")], code)
    book = openpyxl.load_workbook(path)
    column = NAMES.index("value_usd") + 1
    book.active.merge_cells(start_row=2, start_column=column, end_row=3, end_column=column)
    book.save(path)
    result = validate_file(path, REFERENCE, today=TODAY)
    assert result.unstorable == [2, 3]
    assert result.rows["value_usd"].to_list() == [None, None]


# --- XLS and ODS -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "amount", "flagged"),
    [(BARE[1], 50_000.0, True), (BARE[-3], 50_000.0, True), (US_DOLLAR[1], 50_000.0, False)]
    + [('"$"@', "50000", True), ("@", "50000", False)],  # a text shown with a $
)
def test_an_xls_dollar_format_is_judged_alike(
    tmp_path: Path, code: str, amount: object, flagged: bool
) -> None:
    book = xlwt.Workbook()
    sheet = book.add_sheet("5W")
    style = xlwt.easyxf(num_format_str=code)
    for c, label in enumerate(LABELS):
        sheet.write(0, c, label)
    for r, country in enumerate(["COL", "PER"], start=1):
        for c, name in enumerate(NAMES):
            held = activity(country, amount).get(name)
            if held is not None:
                sheet.write(r, c, held, *([style] if name == "value_usd" else []))
    path = tmp_path / "f.xls"
    book.save(str(path))
    assert amount_issues(path) == ({2: [(AMBIGUOUS, "50000", FLAGGED)]} if flagged else {})


@pytest.mark.parametrize(
    ("currency", "shown", "flagged"),
    [(None, "$50.000", True), (None, "$ 50,000.00", True), ("USD", "$50,000.00", False)]
    + [(None, "US$ 50,000", False), (None, "50000", False)]
    + [("$", "50000", True), (None, None, True)],  # a code that names no currency, or none
)
def test_an_ods_currency_without_its_code_is_judged_alike(
    tmp_path: Path, currency: str | None, shown: str | None, flagged: bool
) -> None:
    from test_ods_quirks import currency as currency_cell
    from test_ods_quirks import one_row, typed

    places = {n: typed(v) for n, v in PLACES["COL"].items()}
    path = one_row(tmp_path, {**places, "value_usd": currency_cell(currency, "50000", shown)})
    assert amount_issues(path) == ({2: [(AMBIGUOUS, "50000", FLAGGED)]} if flagged else {})


# --- real size -------------------------------------------------------------------------------


def _repeated(path: Path, rows: int) -> Path:
    """A workbook of `rows` rows: the two data rows of `path` (written by xlsxwriter, shared
    strings as Excel writes them) taking turns in the sheet's XML."""

    def template(xml: str, number: int) -> str:
        found = re.search(rf'<row r="{number}".*?</row>', xml, flags=re.S)
        assert found is not None
        cells = found.group().replace(f'<row r="{number}"', '<row r="{n}"')
        return re.sub(rf'(<c r="[A-Z]+){number}"', lambda m: m.group(1) + '{n}"', cells)

    def repeated(xml: str) -> str:
        turns = [template(xml, 3), template(xml, 2)]  # even rows: the first data row's
        body = "".join(turns[n % 2 == 0].replace("{n}", str(n)) for n in range(2, rows + 2))
        start, end = xml.index('<row r="2"'), xml.index("</sheetData>")
        xml = xml[:start] + body + xml[end:]
        return re.sub(r'(<dimension ref="A1:[A-Z]+)\d+"', lambda m: f'{m.group(1)}{rows + 1}"', xml)

    return edited(path, lambda data: repeated(data.decode()).encode())


def test_100000_rows_formatted_in_pesos(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every Colombian row of 100,000 is flagged, every Peruvian one stored, and the sheet is
    still read column by column (a `$` format reads as its number)."""
    from kipu.core.read.sheets import Workbook

    def cell_by_cell(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the sheet was read cell by cell")

    small = tmp_path / "small.xlsx"
    book = xlsxwriter.Workbook(str(small))
    sheet = book.add_worksheet("5W")
    money = book.add_format({"num_format": BARE[-2]})
    sheet.write_row(0, 0, LABELS)
    for r, country in ((1, "COL"), (2, "PER")):
        for c, name in enumerate(NAMES):
            held = activity(country).get(name)
            sheet.write(r, c, held, money if name == "value_usd" else None)
    book.close()
    path = _repeated(small, 100_000)
    monkeypatch.setattr(Workbook, "rows", cell_by_cell)
    result = validate_file(path, REFERENCE, today=TODAY)
    assert result.report.rows_read == 100_000
    issues = result.report.row_issues
    flagged = sorted(issues.filter(issues["code"] == AMBIGUOUS)["row"].to_list())
    assert flagged == list(range(2, 100_002, 2))
    assert result.unstorable == flagged
    assert result.rows["value_usd"].drop_nulls().to_list() == [50_000] * 50_000


def test_an_ods_number_shown_with_a_dollar_is_judged_alike(tmp_path: Path) -> None:
    """LibreOffice saves a number formatted `"$"#,##0` (quoted: text) as a float."""
    from test_ods_quirks import cell, one_row, typed

    places = {n: typed(v) for n, v in PLACES["COL"].items()}
    shown = cell(' office:value-type="float" office:value="50000"', "$50.000")
    path = one_row(tmp_path, {**places, "value_usd": shown})
    assert amount_issues(path) == {2: [(AMBIGUOUS, "50000", FLAGGED)]}


# --- the scan's quick reading of plain cells ----------------------------------------------------


_FORMS = [
    '<c r="{ref}" s="{s}"><v>{v}</v></c>',  # as Excel writes it
    '<c r="{ref}" s="{s}" t="n"><v>{v}</v></c>',
    '<c s="{s}" r="{ref}"><v>{v}</v></c>',  # attributes in another order
    '<c r="{ref}" s="{s}" t="s"><v>0</v></c>',  # a text: no amount
    '<c r="{ref}" s="{s}"/>',  # empty
    '<c r="{ref}"  s="{s}"><v>{v}</v></c>',  # two spaces
    '<c r="{ref}" s="0{s}"><v>{v}</v></c>',
    '<c r="{ref}" s="{s}" cm="1"><v>{v}</v></c>',  # a re-tester's: not plain
    # A cell in a comment is no cell (read once, the real one).
    '<!-- <c r="{ref}" s="{s}"><v>9</v></c> --><c r="{ref}" s="{s}"><v>{v}</v></c>',
]
# A row's own style, in the forms the hint search sees and one it does not (a form feed).
_ROW_STYLES = ["", ' s="{s}" customFormat="1"', '\x0cs="{s}" customFormat="1"']


@SETTINGS
@given(
    forms=st.lists(st.sampled_from(range(len(_FORMS))), min_size=1, max_size=40),
    row_style=st.sampled_from(_ROW_STYLES),
)
def test_the_quick_reading_reads_what_the_cell_by_cell_scan_reads(
    tmp_path: Path, forms: list[int], row_style: str
) -> None:
    """Chunks whose styled cells are all written plainly are read at once (`read_plain`),
    others cell by cell: both find the same cells, whatever mix a chunk holds."""
    from kipu.core.read import marks
    from kipu.core.read.shown import Shown, xlsx_shown_styles

    book = xlsxwriter.Workbook(str(tmp_path / "p.xlsx"))
    sheet = book.add_worksheet("5W")
    style = book.add_format({"num_format": '"$"#,##0'})
    sheet.write_number(0, 0, 1, style)
    book.close()
    styles = xlsx_shown_styles(tmp_path / "p.xlsx")
    (index,) = styles

    def row(n: int, form: int) -> str:
        cell = _FORMS[form].format(ref=f"B{n}", s=index, v=n * 1000)
        return f'<row r="{n}"{row_style.format(s=index)}>{cell}</row>'

    xml = "".join(row(n, form) for n, form in enumerate(forms, start=1))

    def rows_replaced(data: bytes) -> bytes:
        text = data.decode()
        start, end = text.index("<sheetData>") + 11, text.index("</sheetData>")
        return (text[:start] + xml + text[end:]).encode()

    path = edited(tmp_path / "p.xlsx", rows_replaced)
    found = []
    for quick in (True, False):
        shown = Shown(styles)
        if not quick:
            shown._plain = None
        marks.xlsx_marks(path, "xl/worksheets/sheet1.xml", False, None, shown)
        found.append(sorted(shown.dollars))
    expected = [(n, 1) for n, form in enumerate(forms, start=1) if form not in (3, 4)]
    assert found[0] == found[1] == expected
