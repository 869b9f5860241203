"""Partners, coverage, operational presence, progress and CVA values (methodology section 7).

These use every 5W row in scope, whatever the indicator type. Organisations are matched by their
key (the registry id), never by spelling: an organisation that appears as appealing organisation
in one row and as implementing partner in another counts once in the union.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from kipu.core.figures.targets import scoped_targets
from kipu.core.reference import ReferenceData
from kipu.core.text import normalise

INTERSECTOR = "Intersector"
PLACE_KEYS = ("country", "admin1", "admin2", "sector", "month")
KINDS = ("appealing", "implementing", "union")


def organisation_places(scoped: pl.DataFrame) -> pl.DataFrame:
    """Distinct (country, admin1, admin2, sector, month, organisation, appealing) of the rows.

    `appealing` is True for the appealing organisation of a row, False for its implementing
    partner. Keys are categorical: distinct counts over a million rows group on integers.
    """
    base = (
        scoped.lazy()
        .select(*PLACE_KEYS, "appealing_org", "implementing_partner")
        .with_columns(pl.all().cast(pl.Categorical))
    )
    # The two roles' parts are disjoint (by `appealing`): each is made distinct on its own, and
    # both at once (collect_all), rather than the whole made distinct twice.
    parts = [
        base.select(*PLACE_KEYS, pl.col(column).alias("organisation"))
        .drop_nulls("organisation")
        .unique()
        .with_columns(appealing=pl.lit(flag))
        for column, flag in (("appealing_org", True), ("implementing_partner", False))
    ]
    return pl.concat(pl.collect_all(parts))


def places_shown(scoped: pl.DataFrame, disclosure_k: int | None) -> pl.DataFrame:
    """The rows whose places partners and coverage count: `scoped` itself, or with
    `disclosure_k`, the rows as the open data shows them (`protect_activities`: a row with a
    count from 1 to k-1 keeps its department, not its province), so that published counts
    and lists of provinces name no province the open data withholds (partners by province
    named 54 of the 93 withheld in a demo month)."""
    if disclosure_k is None:
        return scoped
    # Imported here: the disclosure module brings numpy, which plain figures never need.
    from kipu.core.surveys.fivew_disclosure import protect_activities

    return protect_activities(scoped, disclosure_k)


def count_partners(organisations: pl.DataFrame | pl.LazyFrame, by: list[str]) -> pl.LazyFrame:
    """Appealing, implementing and union counts of distinct organisations per `by` group."""
    # Distinct (group, organisation, role) first: then the role counts are plain sums, which
    # is much cheaper than filtered distinct counts over a million rows.
    distinct = organisations.lazy().select(*by, "organisation", "appealing").unique()
    counts = [
        pl.col("appealing").sum().cast(pl.UInt32).alias("appealing"),
        (~pl.col("appealing")).sum().cast(pl.UInt32).alias("implementing"),
        pl.col("organisation").n_unique().cast(pl.UInt32).alias("union"),
    ]
    if not by:
        return distinct.select(counts)
    return distinct.group_by(by).agg(counts).with_columns(pl.col(by).cast(pl.Utf8)).sort(by)


def _names(pairs: dict[str, str], key: str, name: str) -> pl.LazyFrame:
    return pl.LazyFrame(
        {key: list(pairs), name: list(pairs.values())}, schema={key: pl.Utf8, name: pl.Utf8}
    )


def sector_names(reference: ReferenceData) -> pl.LazyFrame:
    """Sector code → name, from every plan rows are counted with (the default plan's win)."""
    names = {s.code: s.name for plan in reference.every_plan() for s in plan.sectors}
    return _names(names, "sector", "sector_name")


def place_names(reference: ReferenceData, column: str) -> pl.LazyFrame:
    names = {p: loc.name for p, loc in reference.gazetteer.locations.items()}
    return _names(names, column, f"{column}_name")


def organisation_names(reference: ReferenceData) -> pl.LazyFrame:
    names = {o.key: o.acronym or o.name for o in reference.organisations}
    return _names(names, "organisation", "organisation_name")


def partners_summary(organisations: pl.DataFrame, reference: ReferenceData) -> dict[str, Any]:
    """The three counts for the whole scope, and per country, month, sector, admin1, admin2."""
    total = count_partners(organisations, []).collect().to_dicts()[0]
    # Joins keep the counts' sorted order: the same data gives the same output, line for line.
    by_sector = count_partners(organisations, ["country", "sector"]).join(
        sector_names(reference), on="sector", how="left", maintain_order="left"
    )
    by_admin1 = count_partners(organisations, ["country", "admin1"]).join(
        place_names(reference, "admin1"), on="admin1", how="left", maintain_order="left"
    )
    by_admin2 = count_partners(
        organisations.filter(pl.col("admin2").is_not_null()), ["country", "admin1", "admin2"]
    ).join(place_names(reference, "admin2"), on="admin2", how="left", maintain_order="left")
    return {
        **total,
        "by_country": count_partners(organisations, ["country"]).collect(),
        "by_month": count_partners(organisations, ["country", "month"]).collect(),
        "by_sector": by_sector.collect(),
        "by_admin1": by_admin1.collect(),
        "by_admin2": by_admin2.collect(),
    }


def national_units(reference: ReferenceData) -> list[str]:
    """The country-level units, which coverage never counts: each country's national pseudo
    admin1 (PE00, AW00: flag `national`), and an admin1 unit whose P-code the national unit
    has as an alias — a country-level row of R4V's admin1 list with a code of its own ("AW01
    Aruba" for a country without admin1 units), stored as a unit before the list was reloaded
    (docs/reference-data.md, "Country-level rows")."""
    places = reference.gazetteer.locations.values()
    claimed = {
        (loc.country, normalise(alias)) for loc in places if loc.national for alias in loc.aliases
    }
    return [
        loc.pcode
        for loc in places
        if loc.national or (loc.level == 1 and (loc.country, normalise(loc.pcode)) in claimed)
    ]


def coverage_units(scoped: pl.DataFrame, reference: ReferenceData) -> pl.DataFrame:
    """Distinct (country, sector, admin1, admin2) with a row (methodology section 7: admin1 and
    admin2 units with at least one row); rows of country-level units (`national_units`)
    excluded."""
    return (
        scoped.lazy()
        .filter(~pl.col("admin1").is_in(national_units(reference)))
        .select("country", "sector", "admin1", "admin2")
        .unique()
        .collect()
    )


def count_units(units: pl.DataFrame | pl.LazyFrame, by: list[str]) -> pl.LazyFrame:
    counts = [
        pl.col("admin1").n_unique().alias("admin1"),
        pl.col("admin2").drop_nulls().n_unique().alias("admin2"),
    ]
    lazy = units.lazy()
    return lazy.select(counts) if not by else lazy.group_by(by).agg(counts).sort(by)


def coverage_summary(units: pl.DataFrame) -> dict[str, Any]:
    """Counts of admin1 and admin2 units reached, overall, per country and per sector."""
    total = count_units(units, []).collect().to_dicts()[0]
    return {
        **total,
        "admin1_units": sorted(units["admin1"].unique().to_list()),
        "admin2_units": sorted(units["admin2"].drop_nulls().unique().to_list()),
        "by_country": count_units(units, ["country"]).collect(),
        "by_sector": count_units(units, ["country", "sector"]).collect(),
    }


def presence(organisations: pl.DataFrame, reference: ReferenceData) -> pl.DataFrame:
    """Operational presence: one row per (country, organisation, admin1, sector).

    `as_appealing` / `as_implementing` say in which role the organisation worked there;
    `months` is the number of months it reported there.
    """
    keys = ["country", "organisation", "admin1", "sector"]
    return (
        organisations.lazy()
        .group_by(keys)
        .agg(
            pl.col("appealing").any().alias("as_appealing"),
            (~pl.col("appealing")).any().alias("as_implementing"),
            pl.col("month").n_unique().alias("months"),
        )
        .with_columns(pl.col(keys).cast(pl.Utf8))
        .join(organisation_names(reference), on="organisation", how="left")
        .join(place_names(reference, "admin1"), on="admin1", how="left")
        .join(sector_names(reference), on="sector", how="left")
        .sort("country", "organisation", "admin1", "sector")
        .select(
            "country",
            "organisation",
            "organisation_name",
            "admin1",
            "admin1_name",
            "sector",
            "sector_name",
            "as_appealing",
            "as_implementing",
            "months",
        )  # fmt: skip
        .collect()
    )


def _percent(part: str, whole: str) -> pl.Expr:
    """The share in percent, to one decimal, unless that makes it read as nothing or as the
    whole when it is neither (90 of 480,000 read 0.0, as no one reached): then unrounded."""
    share = pl.col(part) * 100.0 / pl.col(whole)
    rounded = share.round(1)
    misleading = ((rounded == 0) & (share != 0)) | ((rounded == 100) & (share != 100))
    return pl.when(pl.col(whole) > 0).then(pl.when(misleading).then(share).otherwise(rounded))


def progress(rows: pl.DataFrame, reference: ReferenceData, month: str | None) -> pl.DataFrame:
    """People reached by the end of the period against the plan's people in need and targeted.

    One row per (country, admin1 | country level, sector | Intersector) having either figures at
    `month` or a target; `reached` is null where no row was reported (a target alone), and
    so are its percentages. Percentages are null when the plan gives no denominator. A plan target
    for the whole country (admin1 "") applies to the single country of the reference data; a
    local platform's targets are its area's (`targets.scoped_targets`).
    """
    reached = (
        rows.lazy()
        .filter(pl.col("month") == (month or ""))
        .select(
            "country",
            pl.col("admin1").fill_null(""),
            pl.col("sector_code").fill_null(INTERSECTOR).alias("_sector"),
            pl.col("consolidated_total").alias("reached"),
        )
    )
    names = pl.concat(
        [sector_names(reference), _names({INTERSECTOR: INTERSECTOR}, "sector", "sector_name")]
    )
    keys = ["country", "admin1", "_sector"]
    return (
        reached.join(scoped_targets(reference), on=keys, how="full", coalesce=True)
        .join(
            names.rename({"sector": "_sector", "sector_name": "sector"}), on="_sector", how="left"
        )
        .join(place_names(reference, "admin1"), on="admin1", how="left")
        .with_columns(  # `reached` null: no row (0 read as none reached, "none reported")
            pl.when(pl.col("admin1") != "").then(pl.col("admin1")).alias("admin1"),
            pl.when(pl.col("_sector") != INTERSECTOR).then(pl.col("_sector")).alias("sector_code"),
            pl.col("sector").fill_null(pl.col("_sector")),
        )
        .with_columns(
            pct_of_need=_percent("reached", "people_in_need"),
            pct_of_targeted=_percent("reached", "people_targeted"),
        )
        .sort("country", "admin1", "_sector", nulls_last=False)
        .select(
            "country",
            "admin1",
            "admin1_name",
            "sector_code",
            "sector",
            "reached",
            "people_in_need",
            "people_targeted",
            "pct_of_need",
            "pct_of_targeted",
            "budget_usd",
        )  # fmt: skip
        .collect()
    )


def cva_values(scoped: pl.DataFrame, reference: ReferenceData) -> pl.DataFrame:
    """CVA transfer value in USD per (country, sector, delivery mechanism)."""
    return (
        scoped.lazy()
        .filter(pl.col("cva"))
        .group_by("country", "sector", "delivery_mechanism")
        # To the cent: a parallel float sum differs in its last digits from run to run.
        .agg(
            pl.col("value_usd").fill_null(0).sum().round(2).alias("value_usd"),
            pl.len().alias("rows"),
        )
        .join(sector_names(reference), on="sector", how="left")
        .sort("country", "sector", "delivery_mechanism", nulls_last=True)
        .select("country", "sector", "sector_name", "delivery_mechanism", "value_usd", "rows")
        .collect()
    )
