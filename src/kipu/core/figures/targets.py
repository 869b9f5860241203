"""The plan's targets as progress sets them beside people reached (`partners.progress`), and
the targets of a local platform's area.

A local platform (`ReferenceData.admin1_scope`: some admin1 units of its country) counts the
people reached in its units only, so its targets are those of its units: the plan's targets
of other units are not its, and its country-level target (people in need, people targeted,
budget, each on its own) is the sum of its units' targets when every one of its units has
one; otherwise it is not known and reads null (never 0, and never the whole country's
target, which set Tumbes' 18,900 people beside Peru's 180,000). docs/figures.md, "Targets of
a local platform".
"""

from __future__ import annotations

import polars as pl

from kipu.core.figures.notes import Note, note
from kipu.core.reference import ReferenceData, Target

INTERSECTOR = "Intersector"
VALUES = ("people_in_need", "people_targeted", "budget_usd")
VALUE_NAMES = {
    "people_in_need": {"en": "people in need", "es": "personas con necesidades"},
    "people_targeted": {"en": "people targeted", "es": "personas meta"},
    "budget_usd": {"en": "budget", "es": "presupuesto"},
}
SCHEMA = {
    "country": pl.Utf8, "admin1": pl.Utf8, "_sector": pl.Utf8, "people_in_need": pl.Int64,
    "people_targeted": pl.Int64, "budget_usd": pl.Float64,
}  # fmt: skip


def plan_targets(reference: ReferenceData) -> pl.DataFrame:
    """Every target of the default plan keyed like figure rows: (country, admin1 "" for the
    country level, _sector "Intersector" for the plan's intersector target, the three
    values)."""
    only_country = reference.countries[0] if len(reference.countries) == 1 else None
    records = []
    for target in reference.plan.targets:
        place = reference.gazetteer.get(target.admin1) if target.admin1 else None
        sector = target.sector_code if target.sector_code not in ("", INTERSECTOR) else INTERSECTOR
        records.append(
            {
                "country": place.country if place else only_country,
                # A regional plan names a country's whole-country target by its national unit.
                "admin1": "" if place is not None and place.national else target.admin1,
                "_sector": sector,
                **{name: getattr(target, name) for name in VALUES},
            }
        )
    return pl.DataFrame(records, schema=SCHEMA)


def scoped_targets(reference: ReferenceData) -> pl.LazyFrame:
    """The targets progress uses: `plan_targets`, or on a local platform those of its units
    and its country-level targets summed from them (module docstring)."""
    every = plan_targets(reference)
    if not reference.admin1_scope:
        return every.lazy()
    units = every.filter(pl.col("admin1").is_in(list(reference.admin1_scope)))
    return pl.concat([units, _area_level(units, len(set(reference.admin1_scope)))]).lazy()


def _area_level(units: pl.DataFrame, count: int) -> pl.DataFrame:
    """Per (country, sector) with a unit target: each value summed over the units when all
    `count` of them give it, else null."""
    known = [
        pl.when(pl.col(name).is_not_null().sum() == count).then(pl.col(name).sum()).alias(name)
        for name in VALUES
    ]
    return (
        units.group_by("country", "_sector", maintain_order=True)
        .agg(known)
        .with_columns(admin1=pl.lit(""))
        .select(list(SCHEMA))
        .cast(SCHEMA)  # type: ignore[arg-type]
    )


def unknown_area_targets(reference: ReferenceData) -> Note | None:
    """The note naming, on a local platform, each sector and value of which the plan gives a
    target (for some of its units, or for the whole country) that its area's country-level
    target cannot be summed from: it reads null, and said nothing of why."""
    if not reference.admin1_scope:
        return None
    every = plan_targets(reference)
    area = scoped_targets(reference).filter(pl.col("admin1") == "").collect()
    given = every.filter(
        pl.col("admin1").is_in(list(reference.admin1_scope)) | (pl.col("admin1") == "")
    )
    names = {s.code: s for plan in reference.every_plan() for s in plan.sectors}
    missing: dict[str, list[str]] = {"en": [], "es": []}
    count = 0
    for sector in sorted(set(given["_sector"].to_list())):
        rows = given.filter(pl.col("_sector") == sector)
        known = area.filter(pl.col("_sector") == sector)
        lacking = [
            name
            for name in VALUES
            if rows[name].is_not_null().any() and (known.is_empty() or known[name].is_null().all())
        ]
        if not lacking:
            continue
        count += 1
        for lang in ("en", "es"):
            found = names.get(sector)
            label = found.label(lang) if found else sector
            values = ", ".join(VALUE_NAMES[name][lang] for name in lacking)
            missing[lang].append(f"{label} ({values})")
    if not count:
        return None
    units = ", ".join(_unit_name(reference, p) for p in sorted(set(reference.admin1_scope)))
    sectors = {lang: "; ".join(found) for lang, found in missing.items()}
    return note("area_targets_unknown", count, units=units, sectors=sectors)


def _unit_name(reference: ReferenceData, pcode: str) -> str:
    found = reference.gazetteer.get(pcode)
    return f"{found.name} ({pcode})" if found else pcode


def area_targets(reference: ReferenceData) -> list[Target]:
    """The targets `scoped_targets` gives, as the plan lists them (`Target`, admin1 "" for the
    country level): what the API's plan of a local platform lists, so that a reader of it
    finds the targets its figures set progress beside, never the whole country's. A value
    that cannot be summed is None. The intersector target keeps the plan's sector code for it
    ("" or "Intersector")."""
    frame = scoped_targets(reference).collect()
    codes = {t.sector_code for t in reference.plan.targets}
    intersector = INTERSECTOR if INTERSECTOR in codes else ""
    return [
        Target(
            sector_code=intersector if row["_sector"] == INTERSECTOR else row["_sector"],
            admin1=row["admin1"],
            people_in_need=row["people_in_need"],
            people_targeted=row["people_targeted"],
            budget_usd=row["budget_usd"],
        )
        for row in frame.iter_rows(named=True)
    ]
