"""A column of many different unknown values (a column shifted by one: every activity's
description under "indicator") is reported at every cell, and suggestions ("did you mean")
are looked for its most frequent values only (`resolve.SUGGESTED`). Each suggestion compares
the value with every candidate: 100,000 different indicators took 84 s to validate.
"""

from __future__ import annotations

import polars as pl
import pytest
from fivew_factories import record

from kipu.core.reference import ReferenceData
from kipu.core.validation import resolve, validate_rows

# Column → (a misspelling with a suggestion, the issue).
MISSPELT = {
    "country": ("Peruu", "unknown-country"),
    "admin1": ("Limaa", "unknown-admin1"),
    "admin2": ("Limaa", "unknown-admin2"),
    "appealing_org": ("UNHCRR", "unknown-organization"),
    "sector": ("Healthh", "unknown-sector"),
    "indicator": ("Number of people receiving primary health caree", "unknown-indicator"),
}
DISTINCT = 9
BOUND = 4


@pytest.mark.parametrize("column", sorted(MISSPELT))
def test_every_unknown_value_is_reported_and_the_most_frequent_are_suggested(
    reference: ReferenceData, monkeypatch: pytest.MonkeyPatch, column: str
) -> None:
    monkeypatch.setattr(resolve, "SUGGESTED", BOUND)
    text, code = MISSPELT[column]
    # Value k is in DISTINCT - k rows: the most frequent are the first.
    values = [f"{text}{k}" for k in range(DISTINCT) for _ in range(DISTINCT - k)]
    result = validate_rows([record(**{column: v}) for v in values], reference)
    issues = result.report.row_issues.filter(pl.col("code") == code)
    assert issues.height == len(values)  # every cell, suggested or not
    suggested = issues.group_by("value").agg(pl.col("suggestion").is_not_null().all())
    found = dict(suggested.iter_rows())
    assert found == {f"{text}{k}": k < BOUND for k in range(DISTINCT)}


def test_without_a_bound_every_value_is_suggested(reference: ReferenceData) -> None:
    """The test above is not vacuous: each of its values has a suggestion of its own."""
    text, code = MISSPELT["indicator"]
    result = validate_rows([record(indicator=f"{text}{k}") for k in range(DISTINCT)], reference)
    issues = result.report.row_issues.filter(pl.col("code") == code)
    assert issues["suggestion"].null_count() == 0 and issues.height == DISTINCT
