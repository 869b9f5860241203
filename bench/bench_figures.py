"""Benchmark of the figure engine on synthetic 5W data.

Run: .venv/bin/python -m bench.bench_figures [--sizes 10000,100000,1000000,10000000]

A seeded generator builds an ACTIVITY_FRAME shaped like the regional response (17 countries ×
25 admin1 × 12 months × 20 sectors, a few hundred organisations) and a matching ReferenceData.
It times compute_figures for one country-year under each model and for the whole region-year,
at several sizes, with the peak RSS of the process; and compares the engine's max-cell people
reached with a straightforward pandas implementation of the same rules (checking they agree).
"""

from __future__ import annotations

import argparse
import resource
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import polars as pl

from kipu.core.figures import MODELS, FigureOptions, compute_figures
from kipu.core.figures.engine import _scope, people_reached
from kipu.core.frame import ACTIVITY_FRAME
from kipu.core.gazetteer import Gazetteer, Location
from kipu.core.reference import Indicator, Organisation, Plan, ReferenceData, Sector, Target
from kipu.core.schema import AGE_SEX_GROUPS, POPULATION_TYPES

COUNTRIES, ADMIN1, ADMIN2, MONTHS, SECTORS, ORGANISATIONS = 17, 25, 4, 12, 20, 400
YEAR = 2021
CELLS = ("girls", "boys", "women", "men")


def _codes(prefix: str, count: int) -> list[str]:
    return [f"{prefix}{i:02d}" for i in range(count)]


def reference_data() -> ReferenceData:
    """Countries C00…, admin1 C00A00 (A00 is the national pseudo-unit), admin2 C00A01B0…"""
    locations = []
    for country in _codes("C", COUNTRIES):
        locations.append(Location(country, 0, country, f"Country {country}", country))
        for admin1 in _codes("A", ADMIN1):
            pcode = f"{country}{admin1}"
            locations.append(
                Location(pcode, 1, admin1, f"Unit {pcode}", country, country,
                         national=admin1 == "A00")
            )  # fmt: skip
            for b in range(ADMIN2):
                locations.append(Location(f"{pcode}B{b}", 2, str(b), f"District {b}", country,
                                          pcode))  # fmt: skip
    sectors = [Sector(code, f"Sector {code}") for code in _codes("S", SECTORS)]
    indicators = [Indicator(f"{s.code}P", "people", s.code, "PiN") for s in sectors]
    indicators += [Indicator(f"{s.code}O", "outputs", s.code, "Other") for s in sectors]
    targets = [Target(s.code, f"C00A{a:02d}", 100_000, 50_000) for s in sectors for a in range(25)]
    plan = Plan("RMRP", YEAR, sectors=sectors, indicators=indicators, targets=targets)
    organisations = [Organisation(f"ORG{i}", f"Org {i}") for i in range(ORGANISATIONS)]
    return ReferenceData("Region", _codes("C", COUNTRIES), organisations, plan,
                         Gazetteer(locations))  # fmt: skip


def _code(prefix: str, column: str) -> pl.Expr:
    return pl.lit(prefix) + pl.col(column).cast(pl.Utf8).str.zfill(2)


def activity_frame(rows: int, seed: int = 7) -> pl.DataFrame:
    """`rows` synthetic, internally consistent 5W rows (breakdowns add up to new people)."""
    rng = np.random.default_rng(seed)
    agd = rng.integers(0, 40, (rows, 4))
    new = agd.sum(axis=1)
    pop = np.floor(rng.dirichlet(np.ones(5), rows) * new[:, None]).astype(np.int64)
    pop[:, 0] += new - pop.sum(axis=1)
    cva = rng.random(rows) < 0.15
    raw = pl.DataFrame(
        {
            "row": np.arange(rows),
            "c": rng.integers(0, COUNTRIES, rows),
            "a": rng.integers(0, ADMIN1, rows),
            "b": rng.integers(0, ADMIN2, rows),
            "s": rng.integers(0, SECTORS, rows),
            "m": rng.integers(1, MONTHS + 1, rows),
            "o": rng.integers(0, ORGANISATIONS, rows),
            "i": rng.integers(0, ORGANISATIONS * 2, rows),  # half the rows: no partner
            "people": rng.random(rows) < 0.8,
            "rmrp_activity": rng.random(rows) < 0.95,
            "cva": cva,
            "value_usd": np.where(cva, rng.random(rows) * 1000, np.nan),
            "quantity_output": rng.integers(0, 10, rows),
            "total_monthly": new + rng.integers(0, 20, rows),
            "new_beneficiaries": new,
            **{p: pop[:, n] for n, p in enumerate(POPULATION_TYPES)},
            **{g: agd[:, n] for n, g in enumerate(CELLS)},
            "other_under_18": np.zeros(rows, dtype=np.int64),
            "other_above_18": np.zeros(rows, dtype=np.int64),
        }
    )
    admin1 = _code("C", "c") + _code("A", "a")
    frame = raw.with_columns(
        country=_code("C", "c"),
        admin1=admin1,
        admin2=pl.when(pl.col("a") > 0).then(admin1 + "B" + pl.col("b").cast(pl.Utf8)),
        appealing_org=pl.lit("ORG") + pl.col("o").cast(pl.Utf8),
        implementing_partner=pl.when(pl.col("i") < ORGANISATIONS).then(
            pl.lit("ORG") + pl.col("i").cast(pl.Utf8)
        ),
        month=pl.lit(f"{YEAR}-") + pl.col("m").cast(pl.Utf8).str.zfill(2),
        sector=_code("S", "s"),
        indicator=_code("S", "s")
        + pl.when(pl.col("people")).then(pl.lit("P")).otherwise(pl.lit("O")),
        value_usd=pl.col("value_usd").fill_nan(None),
        delivery_mechanism=pl.when(pl.col("cva")).then(pl.lit("Voucher")),
    )
    missing = [
        pl.lit(None, t).alias(c) for c, t in ACTIVITY_FRAME.items() if c not in frame.columns
    ]
    return frame.with_columns(missing).select(list(ACTIVITY_FRAME)).cast(ACTIVITY_FRAME)  # type: ignore[arg-type]


def pandas_max_cell(frame: pd.DataFrame, reference: ReferenceData) -> pd.DataFrame:
    """The max-cell rules written plainly in pandas: Intersector consolidated per admin1/country."""
    codes = [i.code for i in reference.plan.indicators if i.kind.counts_people_reached]
    people = frame[frame["indicator"].isin(codes)]
    keys = ["country", "admin1", "month"]
    sectors = people.groupby([*keys, "sector"], as_index=False)[
        ["new_beneficiaries", *POPULATION_TYPES, *AGE_SEX_GROUPS]
    ].sum()
    total = sectors[list(CELLS)].sum(axis=1)
    cells = {}
    for population in POPULATION_TYPES:
        for group in CELLS:
            exact = (sectors[population] * sectors[group] / total.where(total > 0)).fillna(0)
            cells[f"{population}_{group}"] = np.floor(exact + 0.5)
    cell_frame = pd.concat([sectors[keys], pd.DataFrame(cells)], axis=1)
    maxima = cell_frame.groupby(keys, as_index=False).max(numeric_only=True)
    # A population type: the larger of its cells' maxima and the most one sector reported.
    most = sectors.groupby(keys, as_index=False)[list(POPULATION_TYPES)].max()
    maxima = maxima.merge(most, on=keys)
    maxima["new"] = sum(
        np.maximum(maxima[[f"{p}_{g}" for g in CELLS]].sum(axis=1), maxima[p])
        for p in POPULATION_TYPES
    )
    admin1 = maxima[[*keys, "new"]]
    country = admin1.groupby(["country", "month"], as_index=False)["new"].sum()
    country["admin1"] = None
    both = pd.concat([admin1, country]).sort_values(["country", "admin1", "month"])
    both["consolidated_total"] = both.groupby(["country", "admin1"], dropna=False)["new"].cumsum()
    return both


def timed(function: Callable[[], Any], repeat: int = 3) -> tuple[float, Any]:
    """Best wall time of `repeat` runs (the machine is shared), and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
    return best, result


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def country_year(
    frame: pl.DataFrame, reference: ReferenceData, repeat: int
) -> list[tuple[str, float]]:
    groups = [{"name": "basic", "sectors": ["S00", "S01", "S02", "S03"], "how": "max"},
              {"name": "protection", "sectors": ["S04"], "how": "as-is"}]  # fmt: skip
    results = []
    for model in MODELS:
        options = FigureOptions(model=model, countries=["C03"], date_from=f"{YEAR}-01",
                                date_to=f"{YEAR}-12", groups=groups)  # fmt: skip
        seconds, _ = timed(lambda o=options: compute_figures(frame, reference, o), repeat)
        results.append((model, seconds))
    return results


def compare_with_pandas(frame: pl.DataFrame, reference: ReferenceData) -> tuple[float, float]:
    """(polars people-reached seconds, pandas seconds) for max-cell, after checking agreement."""
    options = FigureOptions()
    scoped = _scope(frame, options, reference).collect()
    polars_seconds, (rows, _) = timed(lambda: people_reached(scoped, reference, options))
    needed = ["country", "admin1", "month", "sector", "indicator", "new_beneficiaries",
              *POPULATION_TYPES, *AGE_SEX_GROUPS]  # fmt: skip
    pandas_frame = pd.DataFrame({c: frame[c].to_numpy() for c in needed})
    pandas_seconds, expected = timed(lambda: pandas_max_cell(pandas_frame, reference), repeat=1)
    ours = rows.filter(pl.col("sector") == "Intersector", pl.col("admin1").is_null())
    theirs = expected[expected["admin1"].isna()].sort_values(["country", "month"])
    assert ours.sort("country", "month")["consolidated_total"].to_list() == [
        int(v) for v in theirs["consolidated_total"]
    ], "pandas and polars disagree"
    return polars_seconds, pandas_seconds


def line(size: int, scenario: str, seconds: float, extra: str = "") -> None:
    print(f"{size:>10,} {scenario:<28} {seconds:>8.3f} {peak_rss_mb():>12.0f}{extra}")


def run_size(size: int, reference: ReferenceData) -> None:
    """Every scenario on `size` rows (a single run each above a million rows)."""
    frame = activity_frame(size)
    repeat = 3 if size <= 1_000_000 else 1
    for model, seconds in country_year(frame, reference, repeat):
        line(size, f"country-year {model}", seconds)
    region = FigureOptions(date_from=f"{YEAR}-01", date_to=f"{YEAR}-12")
    seconds, figures = timed(lambda: compute_figures(frame, reference, region), repeat)
    line(size, "region-year max-cell", seconds)
    seconds, _ = timed(lambda: figures.presence, 1)
    line(size, "region-year presence (lazy)", seconds)
    if size <= 1_000_000:
        ours, theirs = compare_with_pandas(frame, reference)
        line(size, "people reached: polars", ours)
        line(size, "people reached: pandas", theirs, f"  pandas/polars {theirs / ours:.1f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000,10000000")
    sizes = [int(s) for s in parser.parse_args().sizes.split(",")]
    reference = reference_data()
    print(f"{'rows':>10} {'scenario':<28} {'seconds':>8} {'peak RSS MB':>12}")
    for size in sizes:
        run_size(size, reference)


if __name__ == "__main__":
    main()
