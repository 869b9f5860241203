"""What the plan of each row's own year says of it: whether its indicator counts people
reached, and the top-level sector its sector rolls up to.

A row is counted against the plan of its year: that year's, else the latest before, else the
first after (`kipu.core.reference.plan_year_for`); a row without a month, against the default
plan (`ReferenceData.plan`). A sector code may be an area in one year's plan and a sub-sector
in another's, so nothing here merges the plans' trees (merged, Child protection, an area in
2019 and a sub-sector of Protection in 2020, read 0 in the 2019 report, its people counted as
Protection's).
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from kipu.core.reference import Plan, ReferenceData


def per_row_plan(reference: ReferenceData, of_plan: Callable[[Plan], pl.Expr]) -> pl.Expr:
    """`of_plan(plan)` evaluated with the plan of each row's own year (`plan_year_for`), the
    default plan for rows without a month."""
    year = pl.col("month").str.slice(0, 4).cast(pl.Int64, strict=False)
    years = sorted(reference.plans)
    # The plan year of each row: the latest plan year not after it, else the first.
    chosen: pl.Expr = pl.lit(years[0] if years else None, pl.Int64)
    for plan_year in years:
        chosen = pl.when(year >= plan_year).then(pl.lit(plan_year)).otherwise(chosen)
    found = of_plan(reference.plan)
    for plan_year, plan in sorted(reference.plans.items()):
        this_year = year.is_not_null() & (chosen == plan_year)
        found = pl.when(this_year).then(of_plan(plan)).otherwise(found)
    return found


def counts_people_reached(reference: ReferenceData) -> pl.Expr:
    """Whether a row's indicator counts towards people reached, in its year's plan."""

    def of_plan(plan: Plan) -> pl.Expr:
        codes = [i.code for i in plan.indicators if i.kind.counts_people_reached]
        return pl.col("indicator").is_in(codes)

    return per_row_plan(reference, of_plan)


def top_sectors(plan: Plan) -> dict[str, str]:
    """Each sub-sector's top-level sector in `plan` (through every level: Case management
    under Child protection under Protection is Protection's); a cycle stops where it closes."""
    parents = {s.code: s.parent_code for s in plan.sectors if s.parent_code}
    found = {}
    for code in parents:
        top, seen = code, {code}
        while top in parents and parents[top] not in seen:
            top = parents[top]
            seen.add(top)
        found[code] = top
    return found


def rolled_up_sector(reference: ReferenceData) -> pl.Expr:
    """The `sector` column with each sub-sector replaced by its top-level sector, in its year's
    plan (FigureOptions.roll_up_subsectors)."""

    def of_plan(plan: Plan) -> pl.Expr:
        tops = top_sectors(plan)
        return pl.col("sector").replace(tops) if tops else pl.col("sector")

    return per_row_plan(reference, of_plan).alias("sector")
