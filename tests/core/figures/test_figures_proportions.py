"""Max-cell where the plan's proportions table has no shares (issue 13): Kipu counts those people
with the sector's own age/sex shares, where R4V's 2022 script leaves the admin1 out, and says
so — every admin1 × sector × population type concerned is listed."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import polars as pl
from figures_factories import LIBERTAD, LIMA, NATIONAL, activity, base_rows, compute, pick
from hypothesis import example, given, settings
from hypothesis import strategies as st

GROUPS = ("girls", "boys", "women", "men")
QUARTERS = (0.25, 0.25, 0.25, 0.25)


def table(*cells: tuple[str, str, str, tuple[float, float, float, float]]) -> pl.DataFrame:
    """A proportions frame from (admin1, sector, population type, (girls, boys, women, men))."""
    return pl.DataFrame(
        [
            {"admin1": a, "sector": s, "population_type": p, **dict(zip(GROUPS, v, strict=True))}
            for a, s, p, v in cells
        ]
    )


def listed(figures) -> list[tuple]:  # noqa: ANN001
    return figures.proportions_missing.select(
        "admin1_name", "sector", "population_type", "people"
    ).rows()


def test_cells_without_proportions_are_counted_and_listed() -> None:
    proportions = table((LIMA, "EDU", "in_destination", QUARTERS))
    figures = compute(*base_rows(), proportions=proportions)
    row = pick(figures, "2019-01")
    # Food Security and Health are not in the table: still counted (with their own shares)
    assert row["new"] == 17 and row["in_transit"] == 2 and row["host_community"] == 3
    assert listed(figures) == [
        ("Lima", "Food Security", "in_destination", 4),
        ("Lima", "Food Security", "in_transit", 2),
        ("Lima", "Health", "host_community", 3),
    ]
    (note,) = figures.notes
    assert note.startswith("max-cell: the proportions table has no shares for 3 admin1 × sector")
    assert "Peru / Lima / Food Security / in transit (2 people)" in note
    assert "Peru / Lima / Health / host community (3 people)" in note
    assert "R4V's 2022 script leaves such an admin1 out" in note
    assert note in figures.to_json()["notes"] and note in figures.to_text()


def test_nothing_is_listed_without_a_table_or_with_a_model_that_uses_none() -> None:
    assert compute(*base_rows()).notes == []
    assert compute(*base_rows()).proportions_missing.is_empty()
    proportions = table((LIMA, "EDU", "in_destination", QUARTERS))
    for model in ("sum", "max-sector", "max-agd"):
        figures = compute(*base_rows(), proportions=proportions, model=model)
        assert figures.notes == [] and figures.proportions_missing.is_empty()


def test_a_complete_table_lists_nothing_and_zero_shares_count_as_missing() -> None:
    rows = [
        activity(sector="EDU", new_beneficiaries=8, pop=(4, 4), agd=(2, 2, 2, 2)),
        activity(sector="HEA", new_beneficiaries=4, pop=(4,), agd=(1, 1, 1, 1), admin1=LIBERTAD),
    ]
    full = table(
        (LIMA, "EDU", "in_destination", QUARTERS),
        (LIMA, "EDU", "in_transit", QUARTERS),
        (LIBERTAD, "HEA", "in_destination", QUARTERS),
    )
    assert compute(*rows, proportions=full).notes == []
    zero = full.with_columns(
        pl.when(pl.col("population_type") == "in_transit").then(0.0).otherwise(pl.col(g)).alias(g)
        for g in GROUPS
    )
    assert listed(compute(*rows, proportions=zero)) == [("Lima", "Education", "in_transit", 4)]


def test_grouped_lists_the_sectors_of_its_max_groups_only() -> None:
    groups = [
        {"name": "Basic needs", "sectors": ["EDU", "FOOD"], "how": "max"},
        {"name": "Health", "sectors": ["HEA"], "how": "sum"},
    ]
    proportions = table((LIMA, "EDU", "in_destination", QUARTERS))
    figures = compute(*base_rows(), proportions=proportions, model="grouped", groups=groups)
    assert {sector for _, sector, _, _ in listed(figures)} == {"Food Security"}


def test_country_level_activities_use_country_level_proportions() -> None:
    rows = [
        activity(admin1=NATIONAL, sector="EDU", new_beneficiaries=8, pop=(8,), agd=(8,)),
        activity(admin1=NATIONAL, sector="HEA", new_beneficiaries=4, pop=(4,), agd=(4,)),
    ]
    proportions = table((NATIONAL, "EDU", "in_destination", QUARTERS))
    figures = compute(*rows, proportions=proportions)
    row = pick(figures, "2019-01", admin1=NATIONAL)
    # Education 8 → 2 in each group (the table); Health 4 → 4 girls (its own shares)
    assert tuple(row[g] for g in GROUPS) == (4, 2, 2, 2)
    assert listed(figures) == [("Country level", "Health", "in_destination", 4)]


@given(
    count=st.integers(1, 5_000),
    cents=st.lists(st.integers(0, 100), min_size=3, max_size=3).filter(lambda c: sum(c) <= 100),
)
@example(count=25, cents=[9, 33, 58])  # 25 * 0.58 = 14.499999999999998
@example(count=50, cents=[29, 21, 30])
@settings(max_examples=80, deadline=None)
def test_shares_split_exactly_half_away_from_zero(count: int, cents: list[int]) -> None:
    """Before, 50 people at a share of 0.29 made 14.499999999999998 girls, rounded to 14."""
    shares = (*(Decimal(c) / 100 for c in cents), Decimal(100 - sum(cents)) / 100)
    proportions = table((LIMA, "EDU", "in_destination", tuple(float(s) for s in shares)))
    row = activity(new_beneficiaries=count, pop=(count,), agd=(count, 0, 0, 0))
    found = pick(compute(row, proportions=proportions), "2019-01")
    expected = [int((count * s).quantize(Decimal(1), rounding=ROUND_HALF_UP)) for s in shares]
    assert [found[g] for g in GROUPS] == expected
