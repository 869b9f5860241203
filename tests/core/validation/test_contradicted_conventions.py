"""A file's conventions proven by one cell and contradicted by the rest (a tester's, at 100,000
rows): one late "06/15/2019" among rows of "01/06/2019" (the 1st of each month, day first) put
every row in January; one "1500,000" in a file that groups thousands with commas read 1500;
a month read years before the platform's plans ("42019", April 2019, as the serial of
2015-01-14) said nothing. Each was in a file found valid."""

from __future__ import annotations

import calendar
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent))
from fivew_factories import TODAY, make_reference, record  # noqa: E402

from kipu.core.read.months import AMBIGUOUS_DATE, read_months  # noqa: E402
from kipu.core.read.values import AMBIGUOUS, decimal_evidence, read_number  # noqa: E402
from kipu.core.validation import validate_rows  # noqa: E402

REFERENCE = make_reference()


def _first_of(month: int, year: int, day_first: bool) -> str:
    return f"01/{month:02d}/{year}" if day_first else f"{month:02d}/01/{year}"


@settings(max_examples=120, deadline=None)
@given(
    months=st.sets(st.integers(2, 12), min_size=3, max_size=11),
    year=st.integers(2019, 2026),
    day_first=st.booleans(),
    proof=st.tuples(st.integers(1, 12), st.integers(13, 28)),
    same_order=st.booleans(),
)
def test_the_first_of_each_month_and_one_date_that_proves_an_order(
    months: set[int], year: int, day_first: bool, proof: tuple[int, int], same_order: bool
) -> None:
    """The 1st of each month, in one order, and one date that proves an order. Its own: the
    months are read by it. The other: read by that one, they would fall on several days of
    January, so they are ambiguous."""
    firsts = [_first_of(m, year, day_first) for m in sorted(months)]
    month, day = proof
    proves_day_first = day_first == same_order
    stray = f"{day}/{month:02d}/{year}" if proves_day_first else f"{month:02d}/{day}/{year}"
    readings = read_months([*firsts, stray])
    assert readings[stray].month == f"{year}-{month:02d}"  # it can be read one way only
    if same_order:
        assert [readings[t].month for t in firsts] == [f"{year}-{m:02d}" for m in sorted(months)]
        return
    assert {readings[t].code for t in firsts} == {AMBIGUOUS_DATE}
    for text, m in zip(firsts, sorted(months), strict=True):
        assert f"{year}-{m:02d}" in (readings[text].detail or "")


@pytest.mark.parametrize(
    "texts",
    [
        # Activity dates on several days: the proof of the order holds.
        ["03/05/2019", "07/02/2019", "06/15/2019"],
        ["05/03/2019", "02/07/2019", "15/06/2019"],
    ],
)
def test_dates_on_several_days_either_way_follow_the_order_proven(texts: list[str]) -> None:
    readings = read_months(texts)
    assert all(r.code is None for r in readings.values()), readings


@pytest.mark.parametrize("stray", ["05/06/2021", "07/09/2021"])
def test_another_ambiguous_date_does_not_let_the_stray_proof_decide(stray: str) -> None:
    """A re-tester's: one more date not on the 1st either way let "06/15/2021" put every
    "01/MM/2021" row in January again."""
    firsts = [_first_of(m, 2021, True) for m in range(2, 13)]
    readings = read_months([*firsts, "06/15/2021", stray])
    assert {readings[t].code for t in [*firsts, stray]} == {AMBIGUOUS_DATE}


def test_two_partners_orders_joined_are_ambiguous() -> None:
    """An IM team's file joining a day-first partner's 1sts and a month-first partner's."""
    firsts = [_first_of(m, 2021, d) for m in range(2, 13) for d in (True, False)]
    readings = read_months([*firsts, "06/15/2021"])
    assert {readings[t].code for t in firsts} == {AMBIGUOUS_DATE}


@settings(max_examples=60, deadline=None)
@given(
    days=st.sets(st.integers(1, 28), min_size=23, max_size=28),  # a month of activities
    month=st.integers(1, 12),
    day_first=st.booleans(),
)
def test_activity_dates_of_one_month_keep_the_order_they_prove(
    days: set[int], month: int, day_first: bool
) -> None:
    """A re-tester's: a January file of activity dates ("05/01/2021" beside "15/01/2021")
    read, the other way, as the 1st of each month: 204 of 600 rows were flagged."""
    texts = [
        f"{d:02d}/{month:02d}/2021" if day_first else f"{month:02d}/{d:02d}/2021" for d in days
    ]
    readings = read_months(texts)
    valid = [d for d in days if d <= calendar.monthrange(2021, month)[1]]
    assert all(
        readings[t].month == f"2021-{month:02d}"
        for t, d in zip(texts, days, strict=True)
        if d in valid
    ), readings


@pytest.mark.parametrize(
    ("strays", "rows"),
    [
        (["01/16/2021"], 299),  # a slip in a June file: a proof in January itself
        (["06/15/2021", "6/15/2021"], 300),  # one date written two ways
        (["06/15/2021", "06/20/2021", "07/02/2021"], 1000),
    ],
)
def test_rows_weigh_the_proof_against_the_first_of_the_month(strays: list[str], rows: int) -> None:
    """A re-tester's: a June file of 299 rows of "01/06/2021" and one slip "01/16/2021"
    (which proves month first, in January) was found valid, every row in January."""
    readings = read_months(["01/06/2021", *strays], counts={"01/06/2021": rows})
    assert readings["01/06/2021"].code == AMBIGUOUS_DATE


def test_a_date_that_does_not_exist_proves_no_order() -> None:
    readings = read_months(["01/06/2021", "01/60/2021"], "2021-06")
    assert readings["01/06/2021"].month == "2021-06"
    assert readings["01/60/2021"].code == "invalid-month"


def test_a_december_report_with_early_january_activities_keeps_its_order() -> None:
    """A re-tester's: 3, 9, 14, 18, 22 and 28 December and 5, 7, 8, 11 January, day first."""
    texts = [f"{d:02d}/12/2020" for d in (3, 9, 14, 18, 22, 28)]
    texts += [f"{d:02d}/01/2021" for d in (5, 7, 8, 11)]
    readings = read_months(texts)
    assert [r.month for r in readings.values()] == ["2020-12"] * 6 + ["2021-01"] * 4


def test_the_submitted_month_settles_what_a_contradicted_proof_left_open() -> None:
    firsts = [_first_of(m, 2019, True) for m in (2, 3, 4)]
    readings = read_months([*firsts, "06/15/2019"], "2019-03")
    assert [readings[t].month for t in firsts] == ["2019-02", "2019-03", "2019-04"]


def test_a_contradicted_order_is_an_issue_at_each_cell_not_a_valid_file() -> None:
    rows = [record(month=_first_of(m, 2025, True), activity_name=f"A{m}") for m in (2, 3)]
    rows.append(record(month="03/15/2025", activity_name="B"))
    result = validate_rows(rows, REFERENCE, today=TODAY)
    dates = [(i.row, i.code) for i in result.report.issues if i.column == "month"]
    assert dates == [(1, AMBIGUOUS_DATE), (2, AMBIGUOUS_DATE)]


# More than three digits, a separator, three digits: a decimal, unless the file groups with it.
LOOSE = st.tuples(st.integers(1000, 9_999_999), st.integers(0, 999))


@settings(max_examples=100, deadline=None)
@given(parts=LOOSE, mark=st.sampled_from([",", "."]))
def test_a_loose_separator_of_the_other_convention_is_ambiguous(
    parts: tuple[int, int], mark: str
) -> None:
    whole, fraction = parts
    text = f"{whole}{mark}{fraction:03d}"
    other = "." if mark == "," else ","
    grouped = f"5{mark}382{other}50"  # "5,382.50": the file groups with `mark`
    evidence = decimal_evidence([grouped, text])
    assert evidence == {other}
    reading = read_number(text, set(), evidence)
    assert reading.value is None and reading.code == AMBIGUOUS, reading
    assert reading.suggestion == str(whole * 1000 + fraction)
    # Its own convention (the file writes decimals with `mark`), or none: a decimal.
    decimal = f"{whole}.{fraction:03d}"
    assert read_number(text, {mark}, {mark}).value == float(decimal)
    assert read_number(text, set(), set()).value == float(decimal)


def test_a_loose_separator_is_evidence_only_where_nothing_else_is() -> None:
    assert decimal_evidence(["1500,000", "1,500"]) == {","}
    assert decimal_evidence(["1500,000", "1,500.50"]) == {"."}
    assert read_number("1,500", {"."}, {"."}).value == 1500  # not ambiguous beside it


def test_a_loose_separator_is_an_issue_in_a_file_found_valid_before() -> None:
    amount = {"sector": "MPC", "indicator": "MPC01", "cva": "Yes", "delivery_mechanism": "Voucher"}
    rows = [
        record(**amount, value_usd="5,382.50", activity_name="A"),
        record(quantity_output="1500,000", activity_name="B"),
    ]
    result = validate_rows(rows, REFERENCE, today=TODAY)
    found = [(i.row, i.column, i.code) for i in result.report.issues if i.severity == "error"]
    assert found == [(2, "quantity_output", AMBIGUOUS)]


@pytest.mark.parametrize(
    ("month", "flagged"),
    [
        ("42019", True),
        ("19/06/01", True),
        ("2024-12", True),
        ("2025-01", False),
        ("2026-03", False),
    ],
)
def test_a_month_before_the_first_plan_is_an_issue(month: str, flagged: bool) -> None:
    reference = make_reference()
    reference.plans = {2025: reference.plan}
    result = validate_rows([record(month=month)], reference, today=TODAY.replace(year=2026))
    issues = [i for i in result.report.issues if i.column == "month"]
    assert [(i.code, i.severity) for i in issues] == (
        [("month-before-plans", "warning")] if flagged else []
    )
    if flagged:
        assert "first plan (2025)" in issues[0].message


def test_without_plans_by_year_no_month_is_before_them() -> None:
    result = validate_rows([record(month="2019-06")], REFERENCE, today=TODAY)
    assert not [i for i in result.report.issues if i.column == "month"]


@settings(max_examples=100, deadline=None)
@given(
    groups=st.lists(st.integers(0, 999), min_size=1, max_size=3),
    head=st.integers(1, 999),
    decimals=st.integers(0, 999),
    decimal=st.sampled_from([",", "."]),
)
def test_both_marks_and_three_decimals_against_the_file_are_ambiguous(
    groups: list[int], head: int, decimals: int, decimal: str
) -> None:
    """ "1,000.000" in a file writing "12,50": 1000 with three decimals, or both marks
    grouping (1,000,000); read 1000 without an issue before (a tester's)."""
    group = "," if decimal == "." else "."
    text = f"{head}" + "".join(f"{group}{g:03d}" for g in groups) + f"{decimal}{decimals:03d}"
    digits = f"{head}" + "".join(f"{g:03d}" for g in groups)
    other = {group}  # the file writes decimals with the other mark ("12,50")
    reading = read_number(text, other, other, amount=True)
    assert reading.value is None and reading.code == AMBIGUOUS, (text, reading)
    assert reading.suggestion == str(int(digits) * 1000 + decimals)
    consistent = read_number(text, {decimal}, {decimal}, amount=True)
    assert consistent.value == float(f"{digits}.{decimals:03d}")
    assert decimal_evidence([f"12{group}50", text]) == {group}
