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

STORED_ON = "stored_on"  # the slug of the platform storing a row (`ReferenceData.store_plans`)


def per_row_plan(reference: ReferenceData, of_plan: Callable[[Plan], pl.Expr]) -> pl.Expr:
    """`of_plan(plan)` evaluated with the plan each row was checked against: its storing
    platform's (`STORED_ON`, `ReferenceData.store_plans`) or else the platform's plans, of the
    row's own year (`plan_year_for`); the default plan for rows without a month. A local
    platform with a plan of its own counted its national platform's rows with its own plan's
    codes: rows of indicators it lacks dropped out of people reached without a word."""
    found = _by_year(reference.plans, reference.plan, of_plan)
    for store, plans in sorted(reference.store_plans.items()):
        if plans:
            latest = plans[max(plans)]
            own = _by_year(plans, latest, of_plan)
            found = pl.when(pl.col(STORED_ON) == store).then(own).otherwise(found)
    return found


def _by_year(plans: dict[int, Plan], default: Plan, of_plan: Callable[[Plan], pl.Expr]) -> pl.Expr:
    """`of_plan` of the plan of each row's year among `plans` (`default` without a month)."""
    year = pl.col("month").str.slice(0, 4).cast(pl.Int64, strict=False)
    years = sorted(plans)
    # The plan year of each row: the latest plan year not after it, else the first.
    chosen: pl.Expr = pl.lit(years[0] if years else None, pl.Int64)
    for plan_year in years:
        chosen = pl.when(year >= plan_year).then(pl.lit(plan_year)).otherwise(chosen)
    found = of_plan(default)
    for plan_year, plan in sorted(plans.items()):
        this_year = year.is_not_null() & (chosen == plan_year)
        found = pl.when(this_year).then(of_plan(plan)).otherwise(found)
    return found


def listed_indicator(reference: ReferenceData) -> pl.Expr:
    """Whether a row's indicator is one of the plan it is counted with (`per_row_plan`)."""

    def of_plan(plan: Plan) -> pl.Expr:
        return pl.col("indicator").is_in([i.code for i in plan.indicators])

    return per_row_plan(reference, of_plan)


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
