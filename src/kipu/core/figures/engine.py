"""People reached from 5W rows: steps 1, 2, 4, 5 and 6 of the R4V methodology, and orchestration.

Input is an activity frame (kipu.core.frame.ACTIVITY_FRAME) of resolved rows; output is a
`Figures` value. Everything is vectorised polars: the 5W rows are aggregated once to one row per
(country, admin1, month, sector) and every later step works on that small frame.

Decisions where the methodology is silent (documented in docs and tests):
- Months with no data: a series (country, admin1, sector) is listed for every month from its first
  month with data in the plan year up to the end of the period (or of the plan year), so the
  cumulative value is carried forward with monthly values of 0. Months before a series' first
  data are not listed. The end of the period is `date_to`, else the last month in the data.
- A period lies within one plan year (`check_one_plan_year`): the running sums restart each
  year, so a period across years has no one figure. A bound not given is taken within the
  plan year of the other (`_bounded`).
- `date_from` later than the start of a plan year: cumulation starts at `date_from` (the figure
  is "people reached from date_from to the month").
- Scope filters (period, countries, admin1, sectors, rmrp_only) apply to every figure, partners
  and coverage included; only people-reached figures are restricted to people-reached indicators.
- Rows whose country, admin1, month or sector could not be resolved (null) are left out and
  counted in `Figures.notes`.
- The country-level row of a platform restricted to some admin1 units sums those units only.
- Max-cell where a loaded proportions table has no shares for an admin1 × sector × population
  type: split with the sector's own age/sex shares (R4V's 2022 script drops the admin1), and
  listed in `Figures.proportions_missing` and one of `Figures.notes` (docs/figures.md).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import polars as pl

from kipu.core.figures import partners
from kipu.core.figures.models import (
    KEYS,
    MODELS,
    UNDEFINED_COLUMNS,
    VALUE_COLUMNS,
    check_groups,
    intersector,
    missing_proportions,
)
from kipu.core.figures.notes import (
    POPULATION_ES,
    Note,
    note,
    partial_year,
    plan_of_another_year,
    unlisted_indicators,
    unnamed_partners,
    unreported_months,
    unreported_note,
)
from kipu.core.figures.output import (
    CHECK_AGD,
    CHECK_CVA,
    CHECK_POPULATION,
    CHECK_SECTORS,
    INTERSECTOR,
    ROW_COLUMNS,
    Figures,
)
from kipu.core.figures.periods import check_one_plan_year, plan_year_end, plan_year_start
from kipu.core.figures.plans import STORED_ON, counts_people_reached, rolled_up_sector
from kipu.core.figures.targets import unknown_area_targets
from kipu.core.reference import ReferenceData
from kipu.core.schema import AGE_SEX_GROUPS, BENEFICIARY_COLUMNS, POPULATION_TYPES

MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
COUNTRY_LEVEL = ""  # admin1 of country-level rows while computing; null in the result
MONTHLY_COLUMNS = ("monthly_total", "monthly_cva", *VALUE_COLUMNS)
SERIES = ("country", "admin1", "sector", "sector_name", "plan_year")
BREAKDOWN = (*POPULATION_TYPES, *AGE_SEX_GROUPS)
LEVEL_COLUMNS = ("admin1", "admin1_name", "national")
INPUT_COLUMNS = (
    "country", "admin1", "admin2", "appealing_org", "implementing_partner", "implementation",
    "month", "sector", "indicator", "rmrp_activity", "cva", "value_usd", "delivery_mechanism",
    *BENEFICIARY_COLUMNS, STORED_ON,
)  # fmt: skip


def consolidated(column: str) -> str:
    """The cumulative column of a monthly value column ("new" → "consolidated_total")."""
    return {"new": "consolidated_total", "new_cva": "consolidated_cva"}.get(
        column, f"consolidated_{column}"
    )


@dataclass(frozen=True)
class FigureOptions:
    """What to compute: model, period and scope. Months are "YYYY-MM", bounds included.

    `proportions`: optional polars frame (admin1, sector, population_type, girls, boys, women,
    men) of age/sex shares within each population type, used by max-cell and grouped.
    `groups`: for the grouped model, [{"name", "sectors": [codes], "how": "max"|"sum"|"as-is"}].
    `roll_up_subsectors`: count sub-sectors (plan `parent_code`) as their parent sector.
    `disclosure_k`: partners and coverage count places from `partners.places_shown`.
    `counted_months`: the months the rows were drawn from when not every month of the period
    (the published ones): a month outside them left no row because it was not counted, and
    is not said to be a month nobody reported in (`notes.unreported_months`).
    """

    model: str = "max-cell"
    date_from: str | None = None
    date_to: str | None = None
    countries: Sequence[str] | None = None
    admin1: Sequence[str] | None = None
    sectors: Sequence[str] | None = None
    rmrp_only: bool = False
    proportions: pl.DataFrame | None = None
    groups: Sequence[Mapping[str, Any]] | None = None
    plan_year_start_month: int = 1
    roll_up_subsectors: bool = False
    disclosure_k: int | None = None  # published figures: places as the open data shows them
    counted_months: Collection[str] | None = None

    def __post_init__(self) -> None:
        if self.model not in MODELS:
            raise ValueError(f"unknown model {self.model!r}; choose one of {sorted(MODELS)}")
        for month in (self.date_from, self.date_to):
            if month is not None and not MONTH.match(month):
                raise ValueError(f"month {month!r} is not YYYY-MM")
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValueError("date_from is after date_to")
        if not 1 <= self.plan_year_start_month <= 12:
            raise ValueError("plan_year_start_month must be 1-12")
        if self.date_from and self.date_to:
            check_one_plan_year(self.date_from, self.date_to, self.plan_year_start_month)
        if self.model == "grouped":
            check_groups(self.groups)


def month_index(month: pl.Expr) -> pl.Expr:
    """Months as consecutive integers (year × 12 + month − 1) for ranges and ordering."""
    return month.str.slice(0, 4).cast(pl.Int32) * 12 + month.str.slice(5, 2).cast(pl.Int32) - 1


def month_text(index: pl.Expr) -> pl.Expr:
    return pl.format("{}-{}", index // 12, (index % 12 + 1).cast(pl.Utf8).str.zfill(2))


def _scope(frame: pl.DataFrame, options: FigureOptions, reference: ReferenceData) -> pl.LazyFrame:
    """The rows inside the options' period and scope, with resolvable keys only."""
    lazy = frame.lazy().select([c for c in INPUT_COLUMNS if c in frame.columns])
    if STORED_ON not in frame.columns:  # rows of a file, or of one store: the platform's plans
        lazy = lazy.with_columns(pl.lit(None, pl.Utf8).alias(STORED_ON))
    conditions = [pl.col(c).is_not_null() for c in ("country", "admin1", "month", "sector")]
    if options.date_from:
        conditions.append(pl.col("month") >= options.date_from)
    if options.date_to:
        conditions.append(pl.col("month") <= options.date_to)
    for column, allowed in (
        ("country", options.countries),
        ("admin1", options.admin1),
        ("sector", options.sectors),
    ):
        if allowed is not None:
            conditions.append(pl.col(column).is_in(list(allowed)))
    if options.rmrp_only:
        conditions.append(pl.col("rmrp_activity").fill_null(False))
    if options.roll_up_subsectors:
        lazy = lazy.with_columns(rolled_up_sector(reference))
    return lazy.filter(pl.all_horizontal(conditions)).with_columns(
        pl.col(list(BENEFICIARY_COLUMNS)).fill_null(0), pl.col("cva").fill_null(False)
    )


def _sector_names(reference: ReferenceData) -> pl.LazyFrame:
    # Every plan rows are counted with; the default plan's names win (`every_plan`).
    names = {s.code: s.name for plan in reference.every_plan() for s in plan.sectors}
    return pl.LazyFrame(
        {"sector": list(names), "sector_name": list(names.values())},
        schema={"sector": pl.Utf8, "sector_name": pl.Utf8},
    )


def sector_monthly(people: pl.LazyFrame, reference: ReferenceData) -> pl.LazyFrame:
    """Steps 1 and 2: one row per (country, admin1, month, sector) of monthly sums."""
    # CVA parts as 0 outside CVA rows rather than a filter inside the aggregation: plain sums
    # take polars' fast grouped path (a third less time over a million rows).
    cva = pl.col("cva")
    return (
        people.group_by(*KEYS, "sector")
        .agg(
            pl.col("total_monthly").sum().alias("monthly_total"),
            pl.when(cva).then(pl.col("total_monthly")).otherwise(0).sum().alias("monthly_cva"),
            pl.col("new_beneficiaries").sum().alias("new"),
            pl.when(cva).then(pl.col("new_beneficiaries")).otherwise(0).sum().alias("new_cva"),
            pl.col(list(BREAKDOWN)).sum(),
        )
        .join(_sector_names(reference), on="sector", how="left")
        .with_columns(pl.col("sector_name").fill_null(pl.col("sector")))
    )


def _monthly_rows(sectors: pl.LazyFrame, options: FigureOptions) -> pl.LazyFrame:
    """Sector and Intersector monthly rows for every admin1 and for the country level."""
    totals = sectors.group_by(KEYS).agg(pl.col("monthly_total", "monthly_cva").sum())
    inter = (
        intersector(sectors, options.model, options.proportions, options.groups)
        .join(totals, on=list(KEYS), how="left")
        .with_columns(sector=pl.lit(INTERSECTOR), sector_name=pl.lit(INTERSECTOR))
    )
    columns = [*KEYS, "sector", "sector_name", *MONTHLY_COLUMNS]
    admin1 = pl.concat([sectors.select(columns), inter.select(columns)])
    country = admin1.group_by("country", "month", "sector", "sector_name").agg(
        pl.col(list(MONTHLY_COLUMNS)).sum()
    )
    country = country.with_columns(admin1=pl.lit(COUNTRY_LEVEL)).select(columns)
    return pl.concat([admin1, country])


def _cumulate(monthly: pl.LazyFrame, end_index: int, start_month: int) -> pl.LazyFrame:
    """Step 4: fill each series' months up to the period end, then running sums per plan year."""
    offset = start_month - 1
    monthly = monthly.with_columns(month_index=month_index(pl.col("month"))).with_columns(
        plan_year=(pl.col("month_index") - offset) // 12
    )
    grid = (
        monthly.group_by(SERIES)
        .agg(pl.col("month_index").min().alias("first"))
        .with_columns(
            last=pl.min_horizontal(pl.col("plan_year") * 12 + offset + 11, pl.lit(end_index))
        )
        .with_row_index("series")  # one integer key: cheaper windows than five strings
        .with_columns(month_index=pl.int_ranges("first", pl.col("last") + 1))
        .explode("month_index")
        .drop("first", "last")
    )
    joined = grid.join(
        monthly.drop("month", "plan_year", "sector_name"),
        on=["country", "admin1", "sector", "month_index"],
        how="left",
    ).with_columns(
        pl.col(list(MONTHLY_COLUMNS)).fill_null(0), month=month_text(pl.col("month_index"))
    )
    running = [pl.col(c).cum_sum().over("series").alias(consolidated(c)) for c in VALUE_COLUMNS]
    return joined.sort("series", "month_index").with_columns(running).drop("series")


def _undefine(rows: pl.LazyFrame, model: str) -> pl.LazyFrame:
    """Null the columns the model does not define, on Intersector rows only."""
    columns = UNDEFINED_COLUMNS.get(model, ())
    names = [*columns, *[consolidated(c) for c in columns]]
    if not names:
        return rows
    inter = pl.col("sector") == INTERSECTOR
    return rows.with_columns([pl.when(~inter).then(pl.col(c)).alias(c) for c in names])


def _checks(rows: pl.LazyFrame) -> pl.LazyFrame:
    """Step 5: the flags of the consolidated report, as a list of strings per row: R4V's three
    and Kipu's fourth, "Intersector above the sum of sectors" (`_above_sectors`)."""
    total = pl.col("consolidated_total")
    populations = [consolidated(c) for c in POPULATION_TYPES]
    groups = [consolidated(c) for c in AGE_SEX_GROUPS]
    defined = pl.col(populations[0]).is_not_null()
    flags = pl.concat_list(
        pl.when(defined & (pl.sum_horizontal(populations) != total)).then(pl.lit(CHECK_POPULATION)),
        pl.when(pl.sum_horizontal(groups) != total).then(pl.lit(CHECK_AGD)),
        pl.when(pl.col("consolidated_cva") > total).then(pl.lit(CHECK_CVA)),
        pl.when(_above_sectors()).then(pl.lit(CHECK_SECTORS)),
    )
    return rows.with_columns(checks=flags.list.drop_nulls())


def _above_sectors() -> pl.Expr:
    """True on an Intersector row whose people (`new` of the month or `consolidated_total`)
    are more than the sum of the same place-month's sector rows: people no sector counted.

    No model should give more than the sum, but max-cell rounds each population × age/sex
    cell half away from zero (as R4V does: 1 in destination and 1 in transit, 1 girl and 1
    boy, are four half-people rounded up to 4 people of a sector that reached 2), and a sector
    whose age/sex groups add up to more than its people lifts max-agd. The figure is R4V's;
    the flag says it is above what the sectors reached. Generic: every model, every level
    (admin1 and country) and plan-year month."""
    place_month = ["country", "admin1", "month"]
    inter = pl.col("sector") == INTERSECTOR
    above = [
        pl.col(column) > pl.when(~inter).then(pl.col(column)).otherwise(0).sum().over(place_month)
        for column in ("new", "consolidated_total")
    ]
    return inter & pl.any_horizontal(above)


def _place_names(reference: ReferenceData, pcodes: list[str]) -> pl.LazyFrame:
    gazetteer = reference.gazetteer
    found = [(p, gazetteer.get(p)) for p in pcodes]
    return pl.LazyFrame(
        {
            "admin1": pcodes,
            "admin1_name": [loc.name if loc else p for p, loc in found],
            "national": [bool(loc and loc.national) for _, loc in found],
        },
        schema={"admin1": pl.Utf8, "admin1_name": pl.Utf8, "national": pl.Boolean},
    )


def _country_names(reference: ReferenceData, countries: list[str]) -> pl.LazyFrame:
    known = {loc.country: loc.name for loc in reference.gazetteer.countries()}
    return pl.LazyFrame(
        {"country": countries, "country_name": [known.get(c, c) for c in countries]},
        schema={"country": pl.Utf8, "country_name": pl.Utf8},
    )


def _label(rows: pl.DataFrame, reference: ReferenceData) -> pl.DataFrame:
    """Step 6: names, the country level as null admin1, R4V's column order and row order."""
    places = _place_names(reference, rows["admin1"].unique().sort().to_list())
    countries = _country_names(reference, rows["country"].unique().sort().to_list())
    country_level = pl.col("admin1") == COUNTRY_LEVEL
    return (
        rows.lazy()
        .join(places, on="admin1", how="left")
        .join(countries, on="country", how="left")
        .with_columns(
            (pl.col("sector") == INTERSECTOR).alias("_inter"),
            pl.col("admin1").alias("_admin1"),  # "" sorts the country level first
            *[pl.when(~country_level).then(pl.col(c)).alias(c) for c in LEVEL_COLUMNS],
        )
        .sort(["country", "_admin1", "month", "_inter", "sector_name"])
        .with_columns(
            sector_code=pl.when(~pl.col("_inter")).then(pl.col("sector")),
            sector=pl.col("sector_name"),
        )
        .select(ROW_COLUMNS)
        .collect()
    )


def _end_index(scoped: pl.DataFrame, options: FigureOptions) -> int | None:
    end = options.date_to or scoped["month"].max()
    if end is None:
        return None
    return int(str(end)[:4]) * 12 + int(str(end)[5:7]) - 1


def people_reached(
    scoped: pl.DataFrame, reference: ReferenceData, options: FigureOptions
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Steps 1-6: the consolidated-report rows of the scoped 5W rows, and the cells max-cell
    split without proportions (`models.missing_proportions`)."""
    people = scoped.lazy().filter(counts_people_reached(reference))
    sectors = sector_monthly(people, reference).collect().lazy()
    missing = missing_proportions(sectors, options.proportions, options.model, options.groups)
    missing = _label_missing(missing, reference)
    end_index = _end_index(scoped, options)
    if end_index is None or sectors.select(pl.len()).collect().item() == 0:
        return pl.DataFrame(schema=_row_schema()), missing
    monthly = _monthly_rows(sectors, options).collect().lazy()
    rows = _cumulate(monthly, end_index, options.plan_year_start_month)
    rows = _checks(_undefine(rows, options.model))
    return _label(rows.collect(), reference), missing


def _label_missing(missing: pl.DataFrame, reference: ReferenceData) -> pl.DataFrame:
    """`missing_proportions` with place names, in the layout of `Figures.proportions_missing`."""
    places = _place_names(reference, missing["admin1"].unique().sort().to_list())
    countries = _country_names(reference, missing["country"].unique().sort().to_list())
    return (
        missing.lazy()
        .join(places, on="admin1", how="left")
        .join(countries, on="country", how="left")
        .select(
            "country",
            "country_name",
            "admin1",
            "admin1_name",
            pl.col("sector").alias("sector_code"),
            pl.col("sector_name").alias("sector"),
            "population_type",
            "people",
        )
        # a lazy left join does not keep the left order: sort again for a stable listing
        .sort("country", "admin1", "sector_code", "population_type")
        .collect()
    )


def missing_note(missing: pl.DataFrame, spanish: Mapping[str, str] | None = None) -> Note | None:
    """The note listing every admin1 × sector × population type split without proportions
    (`spanish`: sector code → Spanish name, for its Spanish form)."""
    if missing.is_empty():
        return None
    rows = list(missing.iter_rows(named=True))
    cells = {
        "en": "; ".join(
            f"{r['country_name']} / {r['admin1_name']} / {r['sector']} / "
            f"{r['population_type'].replace('_', ' ')} ({r['people']} people)"
            for r in rows
        ),
        "es": "; ".join(
            f"{r['country_name']} / {r['admin1_name']} / "
            f"{(spanish or {}).get(r['sector_code']) or r['sector']} / "
            f"{POPULATION_ES.get(r['population_type'], r['population_type'])} "
            f"({r['people']} personas)"
            for r in rows
        ),
    }
    return note("proportions_missing", missing.height, cells=cells)


def _row_schema() -> dict[str, pl.DataType | type[pl.DataType]]:
    text = ("country", "country_name", "admin1", "admin1_name", "month", "sector", "sector_code")
    schema: dict[str, pl.DataType | type[pl.DataType]] = {}
    for column in ROW_COLUMNS:
        if column in text:
            schema[column] = pl.Utf8
        elif column == "national":
            schema[column] = pl.Boolean
        elif column == "checks":
            schema[column] = pl.List(pl.Utf8)
        else:
            schema[column] = pl.Int64
    return schema


def _bounded(scoped: pl.LazyFrame, options: FigureOptions) -> FigureOptions:
    """The options with a bound not given taken from the months of the rows in scope, within
    the plan year of the other bound: the last month with rows (of the year `date_from`
    starts, when given), then the first month with rows of that year. Without it, rows of
    several years made a period whose people reached were those of its last year only."""
    if options.date_from and options.date_to:
        return options
    start_month = options.plan_year_start_month
    months = scoped.select(pl.col("month").unique()).collect()["month"].sort()
    end = options.date_to
    if end is None and options.date_from:
        # Without rows in its year, that year (empty): never a later year's rows instead.
        last = plan_year_end(options.date_from, start_month)
        inside = months.filter((months >= options.date_from) & (months <= last))
        end = inside[-1] if len(inside) else last
    elif end is None:
        end = months[-1] if len(months) else None
    if end is None:
        return options  # no rows, no bound: nothing to bound
    start = options.date_from
    if start is None:
        inside = months.filter((months >= plan_year_start(end, start_month)) & (months <= end))
        start = inside[0] if len(inside) else end
    return replace(options, date_from=start, date_to=end)


def _other_years(
    frame: pl.DataFrame, asked: FigureOptions, bounded: FigureOptions, reference: ReferenceData
) -> Note | None:
    """The note naming the rows in scope that `_bounded` left out, in other plan years."""
    months = _scope(frame, asked, reference).select("month").collect()["month"]
    outside = months.filter((months < bounded.date_from) | (months > bounded.date_to))
    if outside.is_empty():
        return None
    first, last = str(outside.min()), str(outside.max())
    start, end = bounded.date_from, bounded.date_to
    return note("other_years", outside.len(), first=first, last=last, start=start, end=end)


def _rmrp_unanswered(
    frame: pl.DataFrame, options: FigureOptions, reference: ReferenceData
) -> Note | None:
    """RMRP-only figures leave out the rows whose RMRP cell is empty (neither yes nor no):
    the note counts them, as the figures went down without a word."""
    if not options.rmrp_only or "rmrp_activity" not in frame.columns:
        return None
    every = _scope(frame, replace(options, rmrp_only=False), reference)
    unanswered = every.filter(pl.col("rmrp_activity").is_null()).select(pl.len()).collect()
    count = int(unanswered.item())
    return note("rmrp_unanswered", count) if count else None


def compute_figures(
    frame: pl.DataFrame, reference: ReferenceData, options: FigureOptions | None = None
) -> Figures:
    """Every figure of the methodology for the 5W rows of `frame` (an ACTIVITY_FRAME).

    People reached (steps 1-6) use people-reached indicators only; partners, coverage,
    presence and CVA values use every row in scope.
    """
    asked = options or FigureOptions()
    options = _bounded(_scope(frame, asked, reference), asked)
    scoped = _scope(frame, options, reference).collect()
    rows, missing = people_reached(scoped, reference, options)
    notes: list[str] = []
    if options is not asked and (other := _other_years(frame, asked, options, reference)):
        notes.append(other)
    unresolved = frame.height - frame.drop_nulls(["country", "admin1", "month", "sector"]).height
    if unresolved:
        notes.append(note("unresolved", unresolved))
    if said := _rmrp_unanswered(frame, options, reference):
        notes.append(said)
    spanish = {s.code: s.name_es for plan in reference.every_plan() for s in plan.sectors}
    if said := missing_note(missing, spanish):
        notes.append(said)
    if said := unnamed_partners(scoped):
        notes.append(said)
    if said := unlisted_indicators(scoped, reference):
        notes.append(said)
    months = scoped["month"]
    end = options.date_to or months.max()
    progress = partners.progress(rows, reference, end)  # type: ignore[arg-type]
    if said := partial_year(options.date_from, options.plan_year_start_month, progress):
        notes.append(said)
    start_month, plan_year = options.plan_year_start_month, reference.plan.year
    if said := plan_of_another_year(end, start_month, plan_year, progress):  # type: ignore[arg-type]
        notes.append(said)
    if said := unknown_area_targets(reference):
        notes.append(said)
    unreported = unreported_months(months, options.date_from or months.min(), end)  # type: ignore[arg-type]
    if options.counted_months is not None:
        unreported = [m for m in unreported if m in options.counted_months]
    if said := unreported_note(unreported):
        notes.append(said)
    placed = partners.places_shown(scoped, options.disclosure_k)
    organisations = partners.organisation_places(placed)
    units = partners.coverage_units(placed, reference)
    return Figures(
        model=options.model,
        date_from=options.date_from or months.min(),  # type: ignore[arg-type]
        date_to=end,  # type: ignore[arg-type]
        rows=rows,
        partners=partners.partners_summary(organisations, reference),
        coverage=partners.coverage_summary(units),
        progress=progress,
        cva=partners.cva_values(scoped, reference),
        notes=notes,
        proportions_missing=missing,
        organisations=organisations,
        units=units,
        reference=reference,
        unreported=unreported,
    )
