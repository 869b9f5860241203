"""Number cells as partners type them: signs, brackets, currency signs and codes, separators,
exponents, in any order. A tester's: "$" alone (or "()", "USD") crashed the validation
(`IndexError`: the empty text is `in "+-"`), and "$-5", "(5) USD", "-1,500" or "$ 2e12" were
stored negative or huge, because a reading that carried a warning (`currency-sign`,
`number-read-as`) was not judged for its sign and size. Whatever the text: no crash, and a
value is stored only if it is a count or an amount."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent))
from fivew_factories import TODAY, make_reference, record  # noqa: E402

from kipu.core.validation import validate_rows  # noqa: E402
from kipu.core.validation.numbers import MAX_NUMBER  # noqa: E402

REFERENCE = make_reference()
SIGNS = ["", "-", "+", "- ", "−"]  # the last a minus sign (U+2212)
CURRENCIES = ["", "$", "US$", "USD", "S/", "€", "PEN", "usd"]
BODIES = ["", "5", "0", "1,500", "1.500", "1,500.50", "1.500,50", "2e12", "1 500", "12.5", ".5"]


def _text(draw: st.DrawFn) -> str:
    sign, currency, body = (
        draw(st.sampled_from(SIGNS)),
        draw(st.sampled_from(CURRENCIES)),
        (draw(st.sampled_from(BODIES))),
    )
    spaced = draw(st.sampled_from(["", " "]))
    number = f"{sign}{body}"
    if draw(st.booleans()):
        number = f"({number})"
    return draw(
        st.sampled_from(
            [
                f"{currency}{spaced}{number}",
                f"{number}{spaced}{currency}",
                f"{sign}{currency}{body}",
            ]
        )
    )


@st.composite
def number_texts(draw: st.DrawFn) -> str:
    return _text(draw)


AMOUNT_ROW = {"sector": "MPC", "indicator": "MPC01", "cva": "Yes", "delivery_mechanism": "Voucher"}


@settings(max_examples=60, deadline=None)  # 0.25 s each: a validation per example
@given(text=number_texts(), column=st.sampled_from(["value_usd", "quantity_output"]))
def test_a_number_text_is_stored_only_as_a_count_or_an_amount(text: str, column: str) -> None:
    row = record(**(AMOUNT_ROW if column == "value_usd" else {}), **{column: text})
    result = validate_rows([row], REFERENCE, today=TODAY)
    stored = result.rows[column].to_list()
    at_cell = [i for i in result.report.issues if i.column == column]
    errors = [i for i in at_cell if i.severity == "error"]
    if stored and stored[0] is not None and not errors:
        assert 0 <= stored[0] < MAX_NUMBER, (text, stored, [i.code for i in at_cell])
        assert math.copysign(1.0, stored[0]) == 1.0, (text, stored)  # never -0


@pytest.mark.parametrize("text", ["$", "USD", "US$", "€", "S/", "()", "( )", "(-)", "+"])
def test_a_sign_without_a_number_is_an_invalid_number(text: str) -> None:
    row = record(**AMOUNT_ROW, value_usd=text)
    result = validate_rows([row], REFERENCE, today=TODAY)
    assert [i.code for i in result.report.issues if i.severity == "error"] in (
        ["invalid-number"],
        ["currency-not-usd"],
    ), [(i.code, i.message) for i in result.report.issues]


@pytest.mark.parametrize(
    "text", ["$-5", "(5) USD", "-1,500", "$ 2e12", "US$ (1,500.50)", "-$5", "2,000,000,000,000"]
)
def test_a_warned_reading_is_judged_for_its_sign_and_size(text: str) -> None:
    row = record(**AMOUNT_ROW, value_usd=text)
    result = validate_rows([row], REFERENCE, today=TODAY)
    assert "invalid-number" in [i.code for i in result.report.issues]
    assert result.rows["value_usd"].to_list() == [None] or result.unstorable


@pytest.mark.parametrize("value", ["-0", "(0)", "-0.00", "$-0", "- 0 USD", -0.0])
def test_minus_zero_is_stored_as_zero(value: object) -> None:
    """-0 is zero: stored and printed as 0, never as "-0.0"."""
    row = record(**AMOUNT_ROW, value_usd=value, quantity_output=value)
    result = validate_rows([row], REFERENCE, today=TODAY)
    counted = not (isinstance(value, str) and ("$" in value or "USD" in value))
    for column in ("value_usd", "quantity_output") if counted else ("value_usd",):
        stored = result.rows[column].to_list()
        assert stored == [0] and str(stored[0]) in ("0", "0.0"), (column, stored)
