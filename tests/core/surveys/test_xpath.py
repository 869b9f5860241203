"""`relevant` and `constraint` expressions as ODK Collect evaluates them: XPath 1.0 §3.4
comparisons as JavaRosa applies them (an unanswered question is the empty text, an empty or
non-numeric number NaN), `mod` truncating (§3.5), `div` by zero Infinity or NaN."""

from __future__ import annotations

import math

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kipu.core.surveys.xpath import NUMBER, TEXT, compile_expression

OPS = ("=", "!=", "<", "<=", ">", ">=")


def _eval(expression: str, frame: pl.DataFrame, kinds: dict[str, str]) -> list[bool]:
    def resolve(name: str | None) -> tuple[pl.Expr, str]:
        name = name or "a"
        return pl.col(name), kinds[name]

    found = frame.with_columns(compile_expression(expression, resolve).alias("_found"))
    return found["_found"].to_list()


def _number(value: object) -> float:
    """XPath number(): NaN for an empty or non-numeric value."""
    if isinstance(value, float):
        return value
    try:
        text = str(value).strip()
        return float(text) if text and text.replace(".", "", 1).lstrip("-").isdigit() else math.nan
    except ValueError:
        return math.nan


def _expected(op: str, a: float | None, b: object) -> bool:
    """JavaRosa's XPathEqExpr and XPathCmpExpr, written out: `a` a number question (None:
    unanswered, the text ""), `b` a literal (float or str)."""
    left: object = "" if a is None else a
    if op in ("=", "!="):
        if isinstance(left, float) or isinstance(b, float):
            x, y = _number(left), _number(b)
            equal = not math.isnan(x) and not math.isnan(y) and (x == y or abs(x - y) < 1e-12)
        else:
            equal = str(left) == str(b)
        return equal if op == "=" else not equal
    x, y = _number(left), _number(b)
    if math.isnan(x) or math.isnan(y):
        return False
    return {"<": x < y, "<=": x <= y, ">": x > y, ">=": x >= y}[op]


def _literal(value: object) -> str:
    return f"'{value}'" if isinstance(value, str) else repr(value)


numbers = st.one_of(st.none(), st.integers(-50, 50).map(float), st.floats(-100, 100))
literals = st.one_of(
    st.integers(-50, 50).map(float), st.sampled_from(["", "5", "abc", " 7 ", "-3.5", "x1"])
)


@given(a=st.lists(numbers, min_size=1, max_size=6), op=st.sampled_from(OPS), b=literals)
def test_comparisons_follow_xpath_in_both_orders(a: list[float | None], op: str, b: object) -> None:
    frame = pl.DataFrame({"a": a}, schema={"a": pl.Float64})
    mirror = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}.get(op, op)
    expected = [_expected(op, value, b) for value in a]
    assert _eval(f". {op} {_literal(b)}", frame, {"a": NUMBER}) == expected
    assert _eval(f"{_literal(b)} {mirror} .", frame, {"a": NUMBER}) == expected


def test_answered_is_not_empty_on_a_number_question() -> None:
    frame = pl.DataFrame({"a": [30.0, None, 0.0]})
    kinds = {"a": NUMBER}
    assert _eval(". != ''", frame, kinds) == [True, False, True]
    assert _eval(". = ''", frame, kinds) == [False, True, False]
    assert _eval(". != 5", frame, kinds) == [True, True, True]  # NaN != 5
    assert _eval(". < 5 or . >= 5", frame, kinds) == [True, False, True]  # NaN < x false
    assert _eval("${a} = ${a}", frame, kinds) == [True, True, True]  # "" = "" when empty
    assert _eval("${a} + 0 = ${a} + 0", frame, kinds) == [True, False, True]  # NaN = NaN


def test_text_answers_compare_as_numbers_only_against_numbers() -> None:
    frame = pl.DataFrame({"t": ["1", "01", "", None, "abc"]})
    kinds = {"t": TEXT}
    assert _eval("${t} = 1", frame, kinds) == [True, True, False, False, False]
    assert _eval("${t} = '1'", frame, kinds) == [True, False, False, False, False]
    assert _eval("${t} != 1", frame, kinds) == [False, False, True, True, True]


@given(
    a=st.floats(allow_nan=False, allow_infinity=True, width=64),
    b=st.floats(allow_nan=False, allow_infinity=True, width=64),
)
def test_mod_truncates_like_fmod(a: float, b: float) -> None:
    """Java's % on doubles (JavaRosa's `mod`) is C's fmod: exact, sign of the dividend."""
    try:
        expected = math.fmod(a, b)
    except ValueError:  # x mod 0, ±Infinity mod y
        expected = math.nan
    frame = pl.DataFrame({"a": [a], "b": [b], "c": [expected]})
    kinds = {"a": NUMBER, "b": NUMBER, "c": NUMBER}
    if math.isnan(expected):
        assert _eval("string-length(${a} mod ${b}) = 3", frame, kinds) == [True]  # "NaN"
    else:
        assert _eval("${a} mod ${b} = ${c}", frame, kinds) == [True]
        sign = math.copysign(1, a) == math.copysign(1, expected) or expected == 0
        assert sign


@pytest.mark.parametrize(
    ("expression", "value"),
    [
        ("-5 mod 3 = -2", True),
        ("5 mod -3 = 2", True),
        ("-5 mod -3 = -2", True),
        ("5.5 mod 2 = 1.5", True),
        ("1 div 0 > 1000000", True),  # Infinity
        ("-1 div 0 < -1000000", True),
        ("0 div 0 = 0 div 0", False),  # NaN
        ("0 div 0 != 0 div 0", True),
        ("string-length(1 div 0) = 8", True),  # "Infinity"
        ("5 mod 0 = 5 mod 0", False),
    ],
)
def test_arithmetic_literals(expression: str, value: bool) -> None:
    frame = pl.DataFrame({"a": [1.0, 2.0]})
    assert _eval(expression, frame, {"a": NUMBER}) == [value, value]
