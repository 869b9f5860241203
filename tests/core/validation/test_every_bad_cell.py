"""Every cell whose value does not resolve carries an issue at that cell, whatever the rest
of its row holds: a rule that looks at a cell only under a condition on another cell (the
delivery mechanism only when CVA is Yes) let a value be dropped without a word."""

from __future__ import annotations

from typing import Any

from fivew_factories import TODAY, make_reference, record
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kipu.core.validation import validate_rows

# A value no column of its kind accepts, per column that is checked against something.
JUNK = {
    "country": ["120", "Atlantis"],
    "admin1": ["120", "Narnia"],
    "admin2": ["120", "Nowhere"],
    "appealing_org": ["120", "No such org"],
    "implementing_partner": ["120", "No such org"],
    "month": ["120", "March"],
    "sector": ["120", "Gardening"],
    "indicator": ["120", "Number of unicorns"],
    "delivery_mechanism": ["120", "Bitcoin", "Yes"],
    "implementation": ["120", "maybe"],
    "rmrp_activity": ["120", "maybe"],
    "cva": ["120", "maybe"],
    "value_usd": ["abc", "-5", "Bitcoin"],
    "quantity_output": ["abc", "-5", "1.5"],
    "total_monthly": ["abc", "-5", "Lima"],
    "new_beneficiaries": ["abc", "-5"],
    "in_destination": ["abc", "-1"],
    "girls": ["abc", "2.5"],
    "other_above_18": ["abc", "Cash"],
}
# The cells other rules look at, in each of their states.
CONDITIONS: dict[str, list[Any]] = {
    "cva": ["Yes", "No", None, "maybe"],
    "implementation": ["Yes", "No", None, "maybe"],
    "implementing_partner": [None, "UNICEF", "nobody"],
    "value_usd": [None, 0, 150, "abc"],
    "delivery_mechanism": [None, "Tarjeta prepago", "Bitcoin"],
    "admin1": ["Lima", None, "Narnia", "Tumbes"],
    "admin2": ["Lima", None, "Nowhere"],
    "sector": ["Health", None, "Gardening", "Multipurpose Cash Assistance (MPC)"],
    "total_monthly": [15, None, 0, "abc"],
    "new_beneficiaries": [10, None, 0],
}


@st.composite
def rows(draw: st.DrawFn) -> tuple[dict[str, Any], str, str]:
    row = record()
    for name, states in CONDITIONS.items():
        if draw(st.booleans()):
            row[name] = draw(st.sampled_from(states))
    column = draw(st.sampled_from(sorted(JUNK)))
    junk = draw(st.sampled_from(JUNK[column]))
    row[column] = junk
    return row, column, junk


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(rows(), min_size=1, max_size=40))
def test_a_bad_value_always_has_its_issue(cases: list[tuple[dict[str, Any], str, str]]) -> None:
    # Rows of a file are judged one by one (a repeated row adds an issue, takes none away).
    result = validate_rows([row for row, _, _ in cases], make_reference(), today=TODAY)
    found = {(i.row, i.column) for i in result.report.issues}
    for number, (row, column, junk) in enumerate(cases, start=1):
        assert (number, column) in found, f"{column}={junk!r} in {row}: no issue at its cell"


def test_a_mechanism_not_in_the_list_whatever_cva_holds() -> None:
    """The case that showed the kind: CVA left empty, a count shifted into the mechanism."""
    cases = [record(cva=cva, delivery_mechanism="120") for cva in (None, "No", "maybe", "Yes")]
    result = validate_rows(cases, make_reference(), today=TODAY)
    flagged = {i.row for i in result.report.issues if i.code == "cva-mechanism-invalid"}
    assert flagged == {1, 2, 3, 4}
