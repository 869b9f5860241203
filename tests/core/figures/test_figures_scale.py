"""At real size (100,000 rows in several chunks): the distinct organisation places and the
monthly CVA sums are what a plain reading of the rows gives (nulls in `cva` and in the
organisations, the same organisation in both roles)."""

from __future__ import annotations

import numpy as np
import polars as pl
from figures_factories import reference_data

from kipu.core.figures.engine import BREAKDOWN, KEYS, sector_monthly
from kipu.core.figures.partners import PLACE_KEYS, organisation_places

ROWS = 100_000


def _rows(seed: int) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    orgs = np.array([f"ORG{i}" for i in range(40)], dtype=object)

    def pick(values: list[str], nulls: float = 0.0) -> list[str | None]:
        chosen = rng.choice(np.array(values, dtype=object), ROWS)
        return [None if r < nulls else v for v, r in zip(chosen, rng.random(ROWS), strict=True)]

    cva = rng.choice(np.array([True, False, None], dtype=object), ROWS)
    parts = {
        "country": pick(["PER", "COL"]),
        "admin1": pick(["PE15", "PE13", "CO05"]),
        "admin2": pick(["PE1501", "PE1301"], nulls=0.3),
        "sector": pick(["EDU", "HEA", "PRO"]),
        "month": pick(["2019-11", "2019-12"]),
        "appealing_org": pick(list(orgs), nulls=0.05),
        "implementing_partner": pick(list(orgs[:10]), nulls=0.6),  # often the same as appealing
        "cva": list(cva),
        "total_monthly": rng.integers(0, 500, ROWS),
        "new_beneficiaries": rng.integers(0, 300, ROWS),
        **{c: rng.integers(0, 50, ROWS) for c in BREAKDOWN},
    }
    frame = pl.DataFrame(parts, schema_overrides={"cva": pl.Boolean})
    return pl.concat([frame.slice(i, 25_000) for i in range(0, ROWS, 25_000)], rechunk=False)


def test_organisation_places_at_real_size() -> None:
    rows = _rows(1)
    found = organisation_places(rows).with_columns(pl.exclude("appealing").cast(pl.Utf8))
    expected = set()
    for row in rows.iter_rows(named=True):
        place = tuple(row[k] for k in PLACE_KEYS)
        for column, flag in (("appealing_org", True), ("implementing_partner", False)):
            if row[column] is not None:
                expected.add((*place, row[column], flag))
    assert found.height == len(expected)
    assert set(found.select(*PLACE_KEYS, "organisation", "appealing").iter_rows()) == expected


def test_monthly_cva_sums_at_real_size() -> None:
    rows = _rows(2)
    found = sector_monthly(rows.lazy(), reference_data()).collect()
    expected: dict[tuple[object, ...], list[int]] = {}
    for row in rows.iter_rows(named=True):
        sums = expected.setdefault(tuple(row[k] for k in (*KEYS, "sector")), [0, 0, 0, 0])
        sums[0] += row["total_monthly"]
        sums[2] += row["new_beneficiaries"]
        if row["cva"]:  # a null cva is not CVA
            sums[1] += row["total_monthly"]
            sums[3] += row["new_beneficiaries"]
    columns = [*KEYS, "sector", "monthly_total", "monthly_cva", "new", "new_cva"]
    got = {r[:4]: list(r[4:]) for r in found.select(columns).iter_rows()}
    assert got == expected
