"""Month and yes/no cells as partners type them. A tester's: "2019-12-32" and "2019-10-01/
2019-11-30" read as 2019-12 and 2019-10 (whatever followed the month was dropped), "2019.1"
(what Excel writes to a CSV for the number 2019.10, October) as January, and "-1" as Yes
(punctuation is folded away). Whatever the text: the month it names, or an issue."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kipu.core.read.months import AMBIGUOUS_DATE, INVALID_MONTH, read_months
from kipu.core.read.values import parse_yes_no


def _exists(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


@settings(max_examples=400, deadline=None)
@given(
    year=st.integers(2018, 2030),
    month=st.integers(0, 13),
    day=st.integers(0, 40),
    separator=st.sampled_from(["-", "/", ".", " ", ""]),
    after=st.sampled_from(["", "/2019-11-30", " - 2019-11", " 11", "-01-05", "T10:00:00"]),
)
def test_a_year_first_date_is_its_month_or_an_issue(
    year: int, month: int, day: int, separator: str, after: str
) -> None:
    text = f"{year}{separator}{month:02d}{separator}{day:02d}{after}"
    reading = read_months([text])[text]
    whole_date = _exists(year, month, day) and after in ("", "T10:00:00")
    if reading.month is not None:
        assert whole_date, (text, reading)
        assert reading.month == f"{year}-{month:02d}"
    else:
        assert reading.code in (INVALID_MONTH, AMBIGUOUS_DATE)
        if separator and whole_date:  # a date that exists, written plainly, is read
            raise AssertionError((text, reading))


@pytest.mark.parametrize(
    ("text", "submission", "month", "code"),
    [
        ("2019.1", None, None, AMBIGUOUS_DATE),
        ("2019.1", "2019-10", "2019-10", None),
        ("2019.1", "2019-01", "2019-01", None),
        ("2019.1", "2019-05", None, AMBIGUOUS_DATE),
        ("2019.10", None, "2019-10", None),
        ("2019.01", None, "2019-01", None),
        ("2019-10", None, "2019-10", None),
        ("201910", None, "2019-10", None),
    ],
)
def test_year_dot_one_is_january_or_october(
    text: str, submission: str | None, month: str | None, code: str | None
) -> None:
    reading = read_months([text], submission)[text]
    assert (reading.month, reading.code) == (month, code)


@settings(max_examples=300, deadline=None)
@given(text=st.from_regex(r"\A[ ]?[-+(]?[ ]?(1|0|1\.0|2|-1|10|01|١)[)]?[ .]?\Z", fullmatch=True))
def test_a_number_is_a_yes_or_a_no_only_as_1_or_0(text: str) -> None:
    answer = parse_yes_no(text)
    if text.strip() == "1":
        assert answer is True
    elif text.strip() == "0":
        assert answer is False
    else:
        assert answer is None, text


@pytest.mark.parametrize(
    ("text", "answer"),
    [("Sí", True), ("yes.", True), ("X", True), ("No", False), ("NO.", False), ("ok", True)],
)
def test_words_stay_yes_or_no(text: str, answer: bool) -> None:
    assert parse_yes_no(text) is answer


@settings(max_examples=300, deadline=None)
@given(
    day=st.integers(1, 33),
    month=st.integers(1, 12),
    year=st.integers(2018, 2030),
    form=st.sampled_from(["{d:02d}/{m:02d}/{y}", "{m:02d}/{d:02d}/{y}", "{d} de {name} de {y}"]),
    submission=st.sampled_from([None, "2019-11"]),
)
def test_a_day_that_does_not_exist_names_no_month(
    day: int, month: int, year: int, form: str, submission: str | None
) -> None:
    """A tester's: 31/11/2019, 02/31/2019 and "32 de noviembre de 2019" read as November."""
    names = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
             "septiembre", "octubre", "noviembre", "diciembre"]  # fmt: skip
    text = form.format(d=day, m=month, y=year, name=names[month - 1])
    reading = read_months([text], submission)[text]
    if reading.month is not None:
        y, m = map(int, reading.month.split("-"))
        assert (
            _exists(y, m, day)
            or (form.startswith("{m") and _exists(y, m, month))
            or (form.startswith("{d:") and _exists(y, m, month))
        ), (text, reading)
    if not _exists(year, month, day) and form.startswith("{d}"):
        assert reading.month is None, (text, reading)


@pytest.mark.parametrize("text", ["2019,1", " 2019,1 "])
def test_year_comma_one_is_january_or_october_too(text: str) -> None:
    assert read_months([text])[text].code == AMBIGUOUS_DATE
    assert read_months([text], "2019-10")[text].month == "2019-10"
