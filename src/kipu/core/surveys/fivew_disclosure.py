"""The disclosure rule on public 5W data cut finer than the department.

An activity row placed in an admin2 unit (a province) counts people in a small place. The
same threshold as everywhere (`disclosure.primary`: a count between 1 and k-1) applies to its
people counts (total and new beneficiaries, population types, age and sex groups). Such a
row is *merged* into its department (its admin2 is left out) rather than having cells
suppressed: the open data publishes the sums per month, department and sector beside the
rows, so suppressing cells inside rows would need complements across every row of the
department (minutes of computation for one month of the demonstration, measured), while
merging keeps every number and loses only the province of the small rows. A count is
published only at department level, where the rule does not apply.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import polars as pl

from kipu.core.schema import AGE_SEX_GROUPS, POPULATION_TYPES
from kipu.core.surveys.disclosure import DEFAULT_K

PEOPLE = ("total_monthly", "new_beneficiaries", *POPULATION_TYPES, *AGE_SEX_GROUPS)
FINER = ("admin2",)  # columns finer than the department, left out of merged rows


def small_rows(frame: pl.DataFrame, k: int = DEFAULT_K) -> pl.Expr:
    """Rows placed finer than the department with a people count between 1 and k-1: the
    primary cells of `disclosure.primary`, row by row."""
    if k < 1:
        raise ValueError(f"the threshold k must be at least 1, not {k}")
    present = [c for c in PEOPLE if c in frame.columns]
    small = pl.any_horizontal([(pl.col(c) > 0) & (pl.col(c) < k) for c in present])
    return pl.col("admin2").is_not_null() & small.fill_null(False)


def protect_activities(
    frame: pl.DataFrame, k: int = DEFAULT_K, keep: pl.Expr | None = None
) -> pl.DataFrame:
    """`frame` (activity rows) with every small row merged into its department, except the
    rows `keep` selects (a caller's own remit, which they may read in full)."""
    if frame.is_empty() or "admin2" not in frame.columns:
        return frame
    merge = small_rows(frame, k) if keep is None else small_rows(frame, k) & ~keep
    return frame.with_columns(
        pl.when(merge).then(None).otherwise(pl.col(c)).alias(c) for c in FINER if c in frame.columns
    )


def protect_slices(slices: Iterable[pl.DataFrame], k: int = DEFAULT_K) -> Iterator[pl.DataFrame]:
    """`protect_activities` over a stream of slices (each row is judged alone)."""
    for frame in slices:
        yield protect_activities(frame, k)
