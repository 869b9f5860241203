"""A column of many different unknown values (a column shifted by one: every activity's
description under "indicator") is reported at every cell, and suggestions ("did you mean")
are looked for its most frequent values only (`resolve.SUGGESTED`, `text.suggestions_up_to`).
Each suggestion compares the value with every candidate: 100,000 different indicators took
84 s to validate; 50,000 different texts under Month 18 s, under a yes/no column 14 s.
"""

from __future__ import annotations

import polars as pl
import pytest
from fivew_factories import record

from kipu.core.read.values import suggest_yes_no
from kipu.core.reference import ReferenceData
from kipu.core.validation import resolve, validate_rows

# Column → (the k-th misspelling, each with a suggestion of its own; the issue).
MISSPELT = {
    "country": (lambda k: f"Peruu{k}", "unknown-country"),
    "admin1": (lambda k: f"Limaa{k}", "unknown-admin1"),
    "admin2": (lambda k: f"Limaa{k}", "unknown-admin2"),
    "appealing_org": (lambda k: f"UNHCRR{k}", "unknown-organization"),
    "sector": (lambda k: f"Healthh{k}", "unknown-sector"),
    "indicator": (
        lambda k: f"Number of people receiving primary health caree{k}",
        "unknown-indicator",
    ),
    # Read by read_months and the yes/no map, not by `apply`: bounded all the same.
    "month": (lambda k: f"Marzo{'abcdefghi'[k]} 2025", "invalid-month"),
    "rmrp_activity": (lambda k: f"Yess{'abcdefghi'[k]}", "invalid-yes-no"),
}
DISTINCT = 9
BOUND = 4


@pytest.mark.parametrize("column", sorted(MISSPELT))
def test_every_unknown_value_is_reported_and_the_most_frequent_are_suggested(
    reference: ReferenceData, monkeypatch: pytest.MonkeyPatch, column: str
) -> None:
    monkeypatch.setattr(resolve, "SUGGESTED", BOUND)
    spelt, code = MISSPELT[column]
    # Value k is in DISTINCT - k rows: the most frequent are the first.
    values = [spelt(k) for k in range(DISTINCT) for _ in range(DISTINCT - k)]
    result = validate_rows([record(**{column: v}) for v in values], reference)
    issues = result.report.row_issues.filter(pl.col("code") == code)
    assert issues.height == len(values)  # every cell, suggested or not
    suggested = issues.group_by("value").agg(pl.col("suggestion").is_not_null().all())
    found = dict(suggested.iter_rows())
    assert found == {spelt(k): k < BOUND for k in range(DISTINCT)}


@pytest.mark.parametrize("column", sorted(MISSPELT))
def test_without_a_bound_every_value_is_suggested(reference: ReferenceData, column: str) -> None:
    """The test above is not vacuous: each of its values has a suggestion of its own."""
    spelt, code = MISSPELT[column]
    result = validate_rows([record(**{column: spelt(k)}) for k in range(DISTINCT)], reference)
    issues = result.report.row_issues.filter(pl.col("code") == code)
    assert issues["suggestion"].null_count() == 0 and issues.height == DISTINCT


@pytest.mark.slow
def test_a_shifted_column_at_real_size(reference: ReferenceData) -> None:
    """100,000 rows whose indicator cells hold 50,000 different activity descriptions (a
    column shifted by one; 84 s before the bound): every cell is reported, at most SUGGESTED
    values carry a suggestion, and they are the most frequent."""
    spelt, code = MISSPELT["indicator"]
    records = [record(indicator=spelt(i % 50_000)) for i in range(99_000)]
    records += [record(indicator=spelt("x")) for _ in range(1_000)]  # the most frequent
    result = validate_rows(records, reference)
    issues = result.report.row_issues.filter(pl.col("code") == code)
    assert issues.height == 100_000
    suggested = issues.filter(pl.col("suggestion").is_not_null())["value"].unique()
    assert 0 < suggested.len() <= resolve.SUGGESTED and spelt("x") in suggested.to_list()


@pytest.mark.parametrize(
    ("text", "suggested"),
    [
        # Words that hold "si" or "no" are not a yes or a no (a tester's 13,413 descriptions
        # were "did you mean: No" for the "no" of "venezolanos").
        ("Asistencia", None),
        ("Sistema", None),
        ("Sin datos", None),
        ("Noviembre", None),
        ("Orientación a venezolanos", None),
        # Misspelt yeses and noes are.
        ("Yess", "Sí"),
        ("sii", "Sí"),
        ("Noo", "No"),
        ("nope", "No"),
        ("verdadro", "Sí"),
    ],
)
def test_yes_no_suggestions_are_for_misspelt_yeses_and_noes(
    text: str, suggested: str | None
) -> None:
    assert suggest_yes_no(text, "es") == suggested
