"""A number shown with a word that scales it (`#,##0 "M"`: 5 shows "5 M") is no number: 5
or 5,000,000 is the writer's to say, and "M" is a thousand in Spanish accounting, a million
in English. Before, the cell was read as its 5 (5 US dollars, 5 people) without a word. It
is read as the text it shows, which is `invalid-number` (a number with a word that scales
it), as "5 M" typed in a CSV is. A format that divides what it shows (`#,##0,,"M"`: 5,000,000
shows "5 M") holds the whole number, which is read. 0 is 0 at any scale.

XLSX (both readings), XLS, ODS and CSV; formats generated as Excel writes them.
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
    amount_issues,
    stored,
    xlsx,
)

from kipu.core.read import fivew  # noqa: E402
from kipu.core.read.values import SCALE_WORDS, read_number  # noqa: E402
from kipu.core.validation import validate_file  # noqa: E402

INVALID = "invalid-number"
NOT_USD = "currency-not-usd"
SCALE = "a number with a word that scales it (M, K, mil): write the whole number"
SCALED = [
    '#,##0 "M"',
    '#,##0.0" M"',
    "0\\K",
    '"$"#,##0 "M"',
    '0.0" millones"',
    '#,##0 "mil"',
    '#,##0" MM"',
    '[$$-409]#,##0.0 "M"',
    '"US$ "#,##0" mil"',
    '#,##0 "M";-#,##0 "M"',
    '0"k"',
    '"M "0',  # the word before: "M 5", no number either
    # A re-tester's: the scale word among other words, or a currency stuck to it.
    '#,##0 "M USD"',
    '#,##0 "USD M"',
    '#,##0 "mil USD"',
    '#,##0 "MMUSD"',
    '#,##0 "M de USD"',
    '#,##0 "millones de dólares"',
    '#,##0" (M)"',
    '#,##0" [M]"',
    '"MM$ "#,##0',
]
# The number as it is: a divided number, words that are no scale, no words.
WHOLE = ['#,##0,,"M"', '#,##0.0,, "M"', '#,##0," mil"', '0,"K"', '0 "personas"', "#,##0"]


@pytest.fixture(params=[True, False], ids=["columns", "cells"])
def reading(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> bool:
    monkeypatch.setattr(fivew, "COLUMNAR", request.param)
    return bool(request.param)


@pytest.mark.parametrize("code", SCALED)
def test_an_amount_shown_with_a_scale_word_is_no_number(
    tmp_path: Path, reading: bool, code: str
) -> None:
    path = xlsx(tmp_path / "scaled.xlsx", [activity("PER", 5.0), activity("ECU", 2.5)], code)
    found = amount_issues(path)
    assert sorted(found) == [2, 3], code
    for row in (2, 3):
        [(issue, value, message)] = found[row]
        assert issue == INVALID
        assert value is not None and ("5" in value)
        assert message.endswith(f"({SCALE}).") or "currency" in message, message
    assert stored(path) == [None, None]


@pytest.mark.parametrize("code", WHOLE)
def test_a_divided_number_or_plain_words_read_as_the_number(
    tmp_path: Path, reading: bool, code: str
) -> None:
    path = xlsx(tmp_path / "whole.xlsx", [activity("PER", 5_000_000.0)], code)
    assert amount_issues(path) == {}
    assert stored(path) == [5_000_000]


def test_zero_is_zero_at_any_scale(tmp_path: Path, reading: bool) -> None:
    path = xlsx(tmp_path / "zero.xlsx", [activity("PER", 0.0, cva="No")], SCALED[0])
    assert INVALID not in {c for found in amount_issues(path).values() for c, *_ in found}


def test_a_count_shown_with_a_scale_word_is_no_number(tmp_path: Path, reading: bool) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(LABELS)
    sheet.append([activity("PER").get(n) for n in NAMES])
    column = NAMES.index("quantity_output") + 1
    sheet.cell(row=2, column=column).number_format = '0 "K"'
    path = tmp_path / "count.xlsx"
    book.save(path)
    result = validate_file(path, REFERENCE, today=TODAY)
    label = result.columns["quantity_output"]
    assert [(i.code, i.row) for i in result.report.issues if i.column == label] == [(INVALID, 2)]
    assert result.unstorable == [2]


_WORD = st.sampled_from(sorted(w for w in SCALE_WORDS if " " not in w)).flatmap(
    lambda w: st.sampled_from([w, w.upper(), w.capitalize()])
)
_DIGITS = st.sampled_from(["#,##0", "#,##0.00", "0", "0.0", "#,##0.0"])


@st.composite
def _scaled_formats(draw: st.DrawFn) -> tuple[str, bool]:
    """A format with a scale word after (or before) the digits, quoted or escaped, with or
    without the commas that divide the number; and whether it divides it."""
    word, digits = draw(_WORD), draw(_DIGITS)
    divides = draw(st.booleans())
    gap = draw(st.sampled_from(["", " "]))
    written = draw(st.sampled_from([f'"{gap}{word}"', "".join(f"\\{c}" for c in gap + word)]))
    commas = "," * draw(st.integers(1, 2)) if divides else ""
    body = f"{digits}{commas}{written}"
    if draw(st.booleans()) and not divides:
        body = f'"{word}{gap}"{digits}'
    return body, divides


@SETTINGS
@given(written=_scaled_formats(), amount=st.sampled_from([5.0, 1_500_000.0, 2.5]))
def test_any_scale_format_is_read_as_what_it_shows(
    tmp_path: Path, reading: bool, written: tuple[str, bool], amount: float
) -> None:
    code, divides = written
    path = xlsx(tmp_path / "any.xlsx", [activity("PER", amount)], code)
    if divides:
        assert amount_issues(path) == {}, code
        assert stored(path) == [amount], code
    else:
        # "MN" is also Mexico's "moneda nacional": another currency, no number either
        assert [c for c, *_ in amount_issues(path).get(2, [])] in ([INVALID], [NOT_USD]), code
        assert stored(path) == [None], code


def test_100000_rows_every_scaled_one_flagged(tmp_path: Path) -> None:
    """Half of 100,000 amounts formatted `#,##0 "M"`: each is flagged at its row, none read as
    its number; the other half, plainly formatted, stored as they are."""
    import xlsxwriter

    small = tmp_path / "small.xlsx"
    book = xlsxwriter.Workbook(str(small))
    sheet = book.add_worksheet("5W")
    formats = [book.add_format({"num_format": SCALED[0]}), book.add_format({"num_format": "0"})]
    sheet.write_row(0, 0, LABELS)
    for r in (1, 2):
        for c, name in enumerate(NAMES):
            held = activity("PER", 5.0).get(name)
            sheet.write(r, c, held, formats[r - 1] if name == "value_usd" else None)
    book.close()
    result = validate_file(_repeated(small, 100_000), REFERENCE, today=TODAY)
    assert result.report.rows_read == 100_000
    issues = result.report.row_issues
    flagged = issues.filter(
        issues["code"] == INVALID, issues["column"] == LABELS[NAMES.index("value_usd")]
    )
    assert sorted(flagged["row"].to_list()) == list(range(2, 100_002, 2))
    assert result.rows["value_usd"].drop_nulls().to_list() == [5] * 50_000


# --- XLS, ODS, CSV ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "flagged"), [(SCALED[0], True), (SCALED[4], True), (WHOLE[0], False)]
)
def test_an_xls_scale_format_is_judged_alike(tmp_path: Path, code: str, flagged: bool) -> None:
    book = xlwt.Workbook()
    sheet = book.add_sheet("5W")
    style = xlwt.easyxf(num_format_str=code)
    for c, label in enumerate(LABELS):
        sheet.write(0, c, label)
    for c, name in enumerate(NAMES):
        held = activity("PER", 5.0).get(name)
        if held is not None:
            sheet.write(1, c, held, *([style] if name == "value_usd" else []))
    path = tmp_path / "f.xls"
    book.save(str(path))
    assert [c for c, *_ in amount_issues(path).get(2, [])] == ([INVALID] if flagged else [])
    assert stored(path) == [None if flagged else 5]


@pytest.mark.parametrize(
    ("kind", "value", "shown", "read"),
    [
        ("float", "5", "5 M", None),  # the cell's own 5, with a scale word
        ("float", "1.5", "1,5 millones", None),
        ("float", "5.4", "5 M", None),  # rounded as shown
        ("float", "1.456", "1,5 M", None),
        ("float", "5", "5 M USD", None),
        ("float", "5", "5 millones de USD", None),
        ("float", "5", "MM$ 5", None),
        ("currency", "5", "US$ 5 M", None),
        ("float", "5000000", "5 M", 5_000_000),  # a display factor: the number is whole
        ("float", "5", "5 personas", 5),
        ("float", "0", "0 M", 0),
    ],
)
def test_an_ods_number_shown_with_a_scale_word_is_judged_alike(
    tmp_path: Path, kind: str, value: str, shown: str, read: float | None
) -> None:
    from test_ods_quirks import cell, one_row, typed

    places = {n: typed(v) for n, v in activity("PER").items() if n in ("admin1", "admin2")}
    currency = ' office:currency="USD"' if kind == "currency" else ""
    amount = cell(f' office:value-type="{kind}"{currency} office:value="{value}"', shown)
    path = one_row(tmp_path, {**places, "value_usd": amount, "cva": typed("Yes" if read else "No")})
    assert stored(path) == [read]


@pytest.mark.parametrize(
    "text",
    ["5 M", "1,5 millones", "20k", "3 mil", "US$ 2 MM", "5 Mio.", "5 M USD", "MM$ 5", "5 (M)"],
)
def test_a_scaled_text_is_no_number_with_its_reason(text: str) -> None:
    reading = read_number(text, set(), set(), amount=True)
    assert (reading.value, reading.code, reading.detail) == (None, INVALID, "scale")


@pytest.mark.parametrize("text", ["5 personas", "5 kg", "Calle 5", "5 L", "5 m2", "5 Mbps"])
def test_other_words_are_no_scale(text: str) -> None:
    assert read_number(text, set(), set(), amount=True).detail != "scale"


def _csv(path: Path, amount: Any) -> Path:
    values = activity("PER", amount)
    path.write_text(
        ",".join(LABELS) + "\n" + ",".join(f'"{values.get(n) or ""}"' for n in NAMES) + "\n"
    )
    return path


def test_a_csv_amount_with_a_scale_word_says_why(tmp_path: Path) -> None:
    found = amount_issues(_csv(tmp_path / "f.csv", "1,5 M"))
    assert found == {2: [(INVALID, "1,5 M", f"“1,5 M” is not a valid number here ({SCALE}).")]}


def test_a_reference_target_shown_with_a_scale_word_is_refused(tmp_path: Path) -> None:
    """A plan's target formatted `#,##0 "M"` was 5 people; it is refused, saying why."""
    from kipu.core.loaders import reference_number
    from kipu.core.read import read_table

    book = openpyxl.Workbook()
    book.active.append(["indicator", "target"])
    book.active.append(["PRO-1", 5])
    book.active.cell(row=2, column=2).number_format = '#,##0 "M"'
    book.save(tmp_path / "targets.xlsx")
    [record] = read_table(tmp_path / "targets.xlsx").records
    assert reference_number(str(record["target"]), whole=True) == (
        None,
        "'5 M' is not a number: write the whole number, without M, K or mil",
    )
