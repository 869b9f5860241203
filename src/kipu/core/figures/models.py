"""Intersector models: people reached by all sectors together, without double counting.

Step 3 of the R4V methodology (shared spec "people-reached", section 3). Every model takes the
step-2 sector frame — one row per (country, admin1, month, sector) with `new`, `new_cva`, the
population types and the age/sex groups of the month — and returns one row per
(country, admin1, month) with the same value columns. The engine sums admin1 rows for the country
level, so a model never sees more than one admin1 at a time.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import polars as pl

from kipu.core.schema import AGE_SEX_GROUPS, POPULATION_TYPES

KEYS = ("country", "admin1", "month")
VALUE_COLUMNS = ("new", "new_cva", *POPULATION_TYPES, *AGE_SEX_GROUPS)
# max-cell splits population types into these four groups only; other_* become 0 (spec).
CELL_GROUPS = ("girls", "boys", "women", "men")
GROUP_HOWS = ("max", "sum", "as-is")

MODELS: dict[str, str] = {
    "sum": "Sum over sectors (upper bound: double counts people served by several sectors).",
    "max-sector": "Whole row of the sector with the most new people (R4V 2021 'maxsector').",
    "max-agd": "Max of each age/sex group over sectors; no population types (R4V 2021).",
    "max-cell": "Max of each population type x age/sex cell over sectors (R4V 2022; default).",
    "grouped": "Configured groups of sectors, each by max (as max-cell) or sum, then summed.",
}

# Columns a model does not define: they are null in its Intersector rows.
UNDEFINED_COLUMNS: dict[str, tuple[str, ...]] = {"max-agd": POPULATION_TYPES}

ModelFunction = Callable[[pl.LazyFrame], pl.LazyFrame]


def _int(expr: pl.Expr, name: str) -> pl.Expr:
    return expr.cast(pl.Int64).alias(name)


def sum_model(sectors: pl.LazyFrame) -> pl.LazyFrame:
    """Every column summed over sectors."""
    return sectors.group_by(KEYS).agg(pl.col(list(VALUE_COLUMNS)).sum())


def max_sector_model(sectors: pl.LazyFrame) -> pl.LazyFrame:
    """The whole row of the sector with the largest `new`; ties go to the first sector name."""
    order = pl.col("new"), pl.col("sector_name")
    taken = [*POPULATION_TYPES, *AGE_SEX_GROUPS, "new"]
    return sectors.group_by(KEYS).agg(
        *[pl.col(c).sort_by(order, descending=[True, False]).first() for c in taken],
        pl.col("new_cva").max(),
    )


def max_agd_model(sectors: pl.LazyFrame) -> pl.LazyFrame:
    """Each age/sex group = max over sectors, `new` = their sum; population types undefined."""
    return (
        sectors.group_by(KEYS)
        .agg(pl.col(list(AGE_SEX_GROUPS)).max(), pl.col("new_cva").max())
        .with_columns(
            _int(pl.sum_horizontal(AGE_SEX_GROUPS), "new"),
            *[pl.lit(None, pl.Int64).alias(p) for p in POPULATION_TYPES],
        )
    )


def _cell(population: str, group: str) -> str:
    return f"cell_{population}_{group}"


def _whole(population: str) -> str:
    """A sector's people of a population type, as it reported them (not split)."""
    return f"{population}__in_sector"


def _proportion(population: str, group: str) -> str:
    return f"share_{population}_{group}"


def _wide_proportions(proportions: pl.DataFrame) -> pl.LazyFrame:
    """The proportions table, one row per (admin1, sector) with a share per cell.

    Shares are normalised within each population type so that a table written in percent, or
    whose shares do not add up exactly, still splits the whole population type.
    """
    unknown = set(proportions["population_type"].unique().to_list()) - set(POPULATION_TYPES)
    if unknown:
        raise ValueError(f"unknown population types in proportions: {sorted(unknown)}")
    table = proportions.lazy().with_columns(pl.col(list(CELL_GROUPS)).cast(pl.Float64).fill_null(0))
    total = pl.sum_horizontal(CELL_GROUPS)
    table = table.with_columns(
        [pl.when(total > 0).then(pl.col(g) / total).alias(g) for g in CELL_GROUPS]
    )
    wide = None
    for population in POPULATION_TYPES:
        part = table.filter(pl.col("population_type") == population).select(
            "admin1",
            "sector",
            *[pl.col(g).alias(_proportion(population, g)) for g in CELL_GROUPS],
        )
        wide = (
            part
            if wide is None
            else wide.join(part, on=["admin1", "sector"], how="full", coalesce=True)
        )
    assert wide is not None
    return wide.unique(subset=["admin1", "sector"], keep="first")


def _with_cells(sectors: pl.LazyFrame, proportions: pl.DataFrame | None) -> pl.LazyFrame:
    """Each sector row split into population x age/sex cells (rounded half away from zero).

    Shares come from the proportions table when it has the (admin1, sector, population type),
    else from the sector's own age/sex figures of that admin1-month. When neither exists (no
    age/sex data at all) the population type cannot be split: its cells are 0, and its
    people count in the population type only (`max_cell_model`), so the "check AGD
    breakdown" flag shows them instead of people silently disappearing.
    """
    if proportions is not None:
        sectors = sectors.join(_wide_proportions(proportions), on=["admin1", "sector"], how="left")
    own_total = pl.sum_horizontal(CELL_GROUPS)
    cells: list[pl.Expr] = []
    for population in POPULATION_TYPES:
        count = pl.col(population).cast(pl.Float64)
        has_table = pl.lit(False)
        if proportions is not None:
            has_table = pl.col(_proportion(population, CELL_GROUPS[0])).is_not_null()
        for group in CELL_GROUPS:
            # count * group / total (not count * share) keeps exact halves exact in floating point
            value = pl.when(own_total > 0).then(count * pl.col(group) / own_total).otherwise(0.0)
            if proportions is not None:
                shared = count * pl.col(_proportion(population, group))
                value = pl.when(has_table).then(shared).otherwise(value)
            # A share from the table is a decimal (0.29): 50 * 0.29 is 14.499999999999998 in
            # floating point, so the product is first rounded to 9 decimals, which no true
            # value within 1e-9 of a half can be here (own shares: a denominator below 1e6).
            rounded = value.round(9).round(0, mode="half_away_from_zero")
            cells.append(_int(rounded, _cell(population, group)))
    return sectors.with_columns(cells)


def max_cell_model(sectors: pl.LazyFrame, proportions: pl.DataFrame | None = None) -> pl.LazyFrame:
    """Max of each population x age/sex cell over sectors, then summed back up (R4V 2022).

    A population type is the larger of the sum of its cells' maxima and the most people one
    sector reported in it, so the Intersector never counts fewer people of a type than one
    sector did: cells rounded to whole people can lose them (one person of each of three
    types, one girl, one boy and one woman: nine cells of a third, each rounded to 0, made an
    Intersector of 0 beside the sector's 3, a tester's), and a population type with no
    age/sex split has no cells at all (10 people of one sector with no split beside 4 girls
    and boys of another make 10, not 14 nor 4). Where cells lost people, the age/sex groups
    add up to less than the total, and the "check AGD breakdown" flag says so.
    """
    cell_columns = [_cell(p, g) for p in POPULATION_TYPES for g in CELL_GROUPS]
    in_sector = [_int(pl.col(p).fill_null(0), _whole(p)) for p in POPULATION_TYPES]
    maxima = (
        _with_cells(sectors, proportions)
        .with_columns(in_sector)
        .group_by(KEYS)
        .agg(
            pl.col([*cell_columns, *(_whole(p) for p in POPULATION_TYPES)]).max(),
            pl.col("new_cva").max(),
        )
    )
    populations = [
        _int(
            pl.max_horizontal(pl.sum_horizontal([_cell(p, g) for g in CELL_GROUPS]), _whole(p)),
            p,
        )
        for p in POPULATION_TYPES
    ]
    groups = [
        _int(pl.sum_horizontal([_cell(p, g) for p in POPULATION_TYPES]), g) for g in CELL_GROUPS
    ]
    others = [pl.lit(0, pl.Int64).alias(g) for g in AGE_SEX_GROUPS if g not in CELL_GROUPS]
    return (
        maxima.with_columns(*populations, *groups, *others)
        .with_columns(_int(pl.sum_horizontal(POPULATION_TYPES), "new"))
        .select(*KEYS, *VALUE_COLUMNS)
    )


def check_groups(groups: Sequence[Mapping[str, Any]] | None) -> None:
    """Raise ValueError unless `groups` is a valid configuration for the grouped model."""
    if not groups:
        raise ValueError("the grouped model needs groups: [{'name', 'sectors', 'how'}]")
    seen: set[str] = set()
    for group in groups:
        how = group.get("how", "sum")
        if how not in GROUP_HOWS:
            raise ValueError(f"group {group.get('name')!r}: how must be one of {GROUP_HOWS}")
        codes = set(group.get("sectors") or [])
        if codes & seen:
            raise ValueError(f"sectors in more than one group: {sorted(codes & seen)}")
        seen |= codes


def grouped_model(
    sectors: pl.LazyFrame,
    groups: Sequence[Mapping[str, Any]],
    proportions: pl.DataFrame | None = None,
) -> pl.LazyFrame:
    """Σ over configured groups; each group by max (as max-cell) or sum ("as-is" = sum).

    Sectors in no group are added as they are, so no reported person drops out of the
    intersector because the configuration forgot a sector.
    """
    check_groups(groups)
    parts = []
    grouped: list[str] = []
    for group in groups:
        codes = list(group.get("sectors") or [])
        grouped += codes
        subset = sectors.filter(pl.col("sector").is_in(codes))
        if group.get("how", "sum") == "max":
            parts.append(max_cell_model(subset, proportions))
        else:
            parts.append(sum_model(subset))
    parts.append(sum_model(sectors.filter(~pl.col("sector").is_in(grouped))))
    columns = [*KEYS, *VALUE_COLUMNS]
    return sum_model(pl.concat([p.select(columns) for p in parts]))


def proportion_sectors(
    model: str, groups: Sequence[Mapping[str, Any]] | None = None
) -> list[str] | None:
    """The sectors whose people `model` splits with proportions: None for every sector
    (max-cell), the sectors of the "max" groups (grouped), [] for models that use none."""
    if model == "max-cell":
        return None
    if model == "grouped":
        maxed = [g for g in groups or [] if g.get("how", "sum") == "max"]
        return [code for group in maxed for code in group.get("sectors") or []]
    return []


MISSING_KEYS = ("country", "admin1", "sector", "sector_name", "population_type")


def missing_proportions(
    sectors: pl.LazyFrame,
    proportions: pl.DataFrame | None,
    model: str,
    groups: Sequence[Mapping[str, Any]] | None = None,
) -> pl.DataFrame:
    """Every admin1 × sector × population type whose people max-cell had to split without
    proportions, although a proportions table is loaded: one row per (country, admin1, sector,
    sector_name, population_type) with `people`, the new people of that type in scope.

    Kipu splits them with the sector's own age/sex shares (`_with_cells`); R4V's 2022 script
    (`max` without `na.rm`) leaves such an admin1 out of the Intersector instead. A row of
    the table whose shares are all 0 counts as missing, as in `_wide_proportions`. Empty when
    no table is loaded or the model uses none.
    """
    schema = {**dict.fromkeys(MISSING_KEYS, pl.Utf8), "people": pl.Int64}
    split = proportion_sectors(model, groups)
    if proportions is None or split == []:
        return pl.DataFrame(schema=schema)
    if split is not None:
        sectors = sectors.filter(pl.col("sector").is_in(split))
    known = (
        proportions.lazy()
        .filter(pl.sum_horizontal(pl.col(list(CELL_GROUPS)).cast(pl.Float64).fill_null(0)) > 0)
        .select(pl.col("admin1", "sector", "population_type").cast(pl.Utf8))
        .unique()
    )
    return (
        sectors.unpivot(
            on=list(POPULATION_TYPES),
            index=["country", "admin1", "sector", "sector_name"],
            variable_name="population_type",
            value_name="people",
        )
        .group_by(MISSING_KEYS)
        .agg(pl.col("people").sum().cast(pl.Int64))
        .filter(pl.col("people") > 0)
        .join(known, on=["admin1", "sector", "population_type"], how="anti")
        .sort(MISSING_KEYS)
        .collect()
        .cast(schema)  # type: ignore[arg-type]
    )


def intersector(
    sectors: pl.LazyFrame,
    model: str,
    proportions: pl.DataFrame | None = None,
    groups: Sequence[Mapping[str, Any]] | None = None,
) -> pl.LazyFrame:
    """The Intersector monthly new figures per (country, admin1, month) under `model`."""
    if model == "max-cell":
        result = max_cell_model(sectors, proportions)
    elif model == "grouped":
        result = grouped_model(sectors, groups or [], proportions)
    elif model in MODELS:
        result = {"sum": sum_model, "max-sector": max_sector_model, "max-agd": max_agd_model}[
            model
        ](sectors)
    else:
        raise ValueError(f"unknown model {model!r}; choose one of {sorted(MODELS)}")
    return result.select(*KEYS, *[pl.col(c).cast(pl.Int64) for c in VALUE_COLUMNS])
