"""Invariants of the figure engine on random small frames (hypothesis)."""

from __future__ import annotations

import polars as pl
from figures_factories import LIBERTAD, LIMA, NATIONAL, activity, frame, reference_data
from hypothesis import given, settings
from hypothesis import strategies as st

from kipu.core.figures import FigureOptions, compute_figures

CONSOLIDATED = ["consolidated_total", "consolidated_in_destination", "consolidated_women",
                "consolidated_cva"]  # fmt: skip
MONTHS = ["2019-11", "2019-12", "2020-01", "2020-02"]
REFERENCE = reference_data()
FAST = settings(max_examples=40, deadline=None)


@st.composite
def consistent_row(draw: st.DrawFn) -> dict:
    """A row whose population types and age/sex groups both add up to its new people."""
    agd = draw(st.lists(st.integers(0, 12), min_size=6, max_size=6))
    new = sum(agd)
    cuts = sorted(draw(st.lists(st.integers(0, new), min_size=4, max_size=4)))
    pop = [b - a for a, b in zip([0, *cuts], [*cuts, new], strict=True)]
    return activity(
        admin1=draw(st.sampled_from([LIMA, LIBERTAD, NATIONAL])),
        month=draw(st.sampled_from(MONTHS)),
        sector=draw(st.sampled_from(["EDU", "FOOD", "HEA", "PRO"])),
        cva=draw(st.booleans()),
        new_beneficiaries=new,
        total_monthly=new + draw(st.integers(0, 5)),
        pop=pop,
        agd=agd,
    )


rows_strategy = st.lists(consistent_row(), min_size=1, max_size=10)


def figures_of(rows: list[dict], model: str) -> pl.DataFrame:
    return compute_figures(frame(*rows), REFERENCE, FigureOptions(model=model)).rows


def intersector(rows: pl.DataFrame) -> pl.DataFrame:
    return rows.filter(pl.col("sector") == "Intersector", pl.col("admin1").is_not_null())


@FAST
@given(rows_strategy, st.sampled_from(["sum", "max-sector", "max-agd", "max-cell"]))
def test_cumulative_values_never_decrease_and_country_is_sum_of_admin1(
    rows: list[dict], model: str
) -> None:
    result = figures_of(rows, model).with_columns(year=pl.col("month").str.slice(0, 4))
    series = ["admin1", "sector", "year"]
    steps = result.sort([*series, "month"]).with_columns(
        [(pl.col(c) - pl.col(c).shift(1).over(series)).alias(c) for c in CONSOLIDATED]
    )
    assert all((steps[c].drop_nulls() >= 0).all() for c in CONSOLIDATED)
    admin1 = (
        result.filter(pl.col("admin1").is_not_null())
        .group_by("month", "sector")
        .agg(pl.col(["monthly_total", "new", *CONSOLIDATED]).sum())
    )
    country = result.filter(pl.col("admin1").is_null()).select(admin1.columns)
    assert country.fill_null(0).sort("month", "sector").equals(admin1.sort("month", "sector"))


@FAST
@given(rows_strategy)
def test_max_models_stay_under_the_sum_and_over_the_largest_sector(rows: list[dict]) -> None:
    keys = ["admin1", "month"]
    summed = figures_of(rows, "sum")
    total = intersector(summed).select(*keys, total=pl.col("new"))
    largest = (
        summed.filter(pl.col("sector") != "Intersector", pl.col("admin1").is_not_null())
        .group_by(keys)
        .agg(largest=pl.col("new").max())
    )
    for model in ("max-sector", "max-agd", "max-cell"):
        joined = intersector(figures_of(rows, model)).join(total, on=keys).join(largest, on=keys)
        if model == "max-cell":
            # each sector's cells may round up by at most 2 people per population type (4 halves)
            assert (joined["new"] <= joined["total"] + 2 * 5 * 4).all()
        else:
            assert (joined["new"] <= joined["total"]).all()
            assert (joined["new"] >= joined["largest"]).all()


@FAST
@given(rows_strategy, st.randoms(use_true_random=False))
def test_results_do_not_depend_on_row_order(rows: list[dict], random) -> None:  # noqa: ANN001
    shuffled = list(rows)
    random.shuffle(shuffled)
    for model in ("max-sector", "max-cell"):
        assert figures_of(rows, model).equals(figures_of(shuffled, model))
