"""Hand-computed golden cases for every intersector model (methodology step 3)."""

from __future__ import annotations

import polars as pl
import pytest
from figures_factories import LIBERTAD, LIMA, activity, base_rows, compute, pick, reference_data

from kipu.core.figures import MODELS
from kipu.core.reference import Sector

POPS = ("in_destination", "in_transit", "host_community", "pendular", "returnees")
AGD = ("girls", "boys", "women", "men", "other_under_18", "other_above_18")


def values(row: dict, *columns: str) -> tuple:
    return tuple(row[c] for c in columns)


def test_models_are_listed() -> None:
    assert set(MODELS) == {"sum", "max-sector", "max-agd", "max-cell", "grouped"}


def test_sector_rows_are_plain_sums_whatever_the_model() -> None:
    figures = compute(
        *base_rows(),
        activity(sector="EDU", new_beneficiaries=1, pop=(1,), agd=(1,), total_monthly=1),
        model="max-agd",
    )
    row = pick(figures, "2019-01", "Education")
    assert row["monthly_total"] == 13 and row["new"] == 11
    assert values(row, *AGD) == (3, 3, 4, 1, 0, 0)
    assert row["sector_code"] == "EDU"


def test_sum_model() -> None:
    row = pick(compute(*base_rows(), model="sum"), "2019-01")
    assert row["monthly_total"] == 21 and row["monthly_cva"] == 6
    assert row["new"] == 19 and row["new_cva"] == 6
    assert values(row, *POPS) == (14, 2, 3, 0, 0)
    assert values(row, *AGD) == (3, 4, 6, 3, 0, 3)
    assert row["consolidated_total"] == 19 and row["checks"] == []


def test_max_sector_model_takes_the_largest_sector_row() -> None:
    row = pick(compute(*base_rows(), model="max-sector"), "2019-01")
    assert row["new"] == 10 and row["new_cva"] == 6  # Education's row, CVA max over sectors
    assert values(row, *POPS) == (10, 0, 0, 0, 0)
    assert values(row, *AGD) == (2, 3, 4, 1, 0, 0)
    assert row["monthly_total"] == 21  # step 1 monthly totals are always summed


def test_max_sector_ties_go_to_the_first_sector_name() -> None:
    reference = reference_data()
    reference.plan.sectors += [Sector("A1", "Water"), Sector("Z9", "Cash")]
    rows = [
        activity(sector="A1", indicator="EDU1", new_beneficiaries=5, pop=(5,), agd=(5,)),
        activity(sector="Z9", indicator="EDU1", new_beneficiaries=5, pop=(0, 5), agd=(0, 5)),
    ]
    for ordered in (rows, rows[::-1]):
        row = pick(compute(*ordered, reference=reference, model="max-sector"), "2019-01")
        assert values(row, "in_destination", "in_transit", "girls", "boys") == (0, 5, 0, 5)


def test_max_agd_model() -> None:
    figures = compute(*base_rows(), model="max-agd")
    row = pick(figures, "2019-01")
    assert values(row, *AGD) == (2, 3, 4, 2, 0, 3)
    assert row["new"] == 14 and row["new_cva"] == 6
    assert all(row[p] is None and row[f"consolidated_{p}"] is None for p in POPS)
    assert row["checks"] == []  # no population types, so no population check
    country = pick(figures, "2019-01", admin1=None)
    assert country["consolidated_total"] == 14 and country["consolidated_in_destination"] is None
    assert pick(figures, "2019-01", "Education")["in_destination"] == 10  # sectors keep theirs


def test_max_cell_model() -> None:
    row = pick(compute(*base_rows()), "2019-01")  # max-cell is the default
    # in destination: Education 10 → 2,3,4,1; Food 4 × (1,1,2,2)/6 → 1,1,1,1 (0.67, 1.33)
    # in transit: Food 2 × (1,1,2,2)/6 → 0,0,1,1. Health's host community 3 has no age/sex
    # split (only "other"), so it stays unallocated: counted, but in no age/sex group.
    assert values(row, *POPS) == (10, 2, 3, 0, 0)
    assert values(row, *AGD) == (2, 3, 5, 2, 0, 0)
    assert row["new"] == 15 and row["new_cva"] == 6
    assert row["checks"] == ["check AGD breakdown"]


def test_people_without_an_age_sex_split_are_not_counted_twice() -> None:
    """Before, 10 people of one sector with no age/sex split (only "other") beside 4 girls
    and boys of another made 14: the unallocated maximum was added to the cells' maxima, as
    if none of the 10 could be among the 4."""
    rows = [
        activity(sector="PRO", new_beneficiaries=10, pop=(10,), agd=(0, 0, 0, 0, 10)),
        activity(sector="FOOD", new_beneficiaries=4, pop=(4,), agd=(2, 2, 0, 0)),
    ]
    row = pick(compute(*rows), "2019-01")
    assert row["in_destination"] == 10 and row["new"] == 10  # the larger, never the sum
    assert values(row, "girls", "boys") == (2, 2)
    assert row["checks"] == ["check AGD breakdown"]  # 6 people in no age/sex group, said
    more = [*rows, activity(sector="EDU", new_beneficiaries=12, pop=(12,), agd=(3, 3, 3, 3))]
    # The cells' maxima (girls 3, boys 3, women 3, men 3) make 12, more than the 10: they win.
    assert pick(compute(*more), "2019-01")["new"] == 12


def test_max_cell_rounds_half_away_from_zero() -> None:
    rows = [activity(new_beneficiaries=5, pop=(5,), agd=(1, 1))]  # 2.5 and 2.5
    row = pick(compute(*rows), "2019-01")
    assert values(row, "girls", "boys", "new") == (3, 3, 6)
    rows = [activity(new_beneficiaries=5, pop=(5,), agd=(1, 1, 1, 1))]  # 1.25 each
    row = pick(compute(*rows), "2019-01")
    # The cells read 1 each (R4V's rounding), but never fewer people than the sector's 5:
    # the groups add up to 4, and the flag says so.
    assert values(row, "girls", "boys", "women", "men", "new") == (1, 1, 1, 1, 5)
    assert row["checks"] == ["check AGD breakdown"]


def test_max_cell_with_a_proportions_table() -> None:
    proportions = pl.DataFrame(
        {"admin1": [LIMA], "sector": ["EDU"], "population_type": ["in_destination"],
         "girls": [25], "boys": [25], "women": [25], "men": [25]}
    )  # fmt: skip
    row = pick(compute(*base_rows(), proportions=proportions), "2019-01")
    # Education 10 → 2.5 each → 3,3,3,3; Food keeps its own shares (not in the table)
    assert values(row, *POPS) == (12, 2, 3, 0, 0)
    assert values(row, "girls", "boys", "women", "men") == (3, 3, 4, 4)
    with pytest.raises(ValueError, match="population types"):
        compute(*base_rows(), proportions=proportions.with_columns(population_type=pl.lit("x")))


def test_grouped_model() -> None:
    groups = [
        {"name": "Basic needs", "sectors": ["EDU", "FOOD"], "how": "max"},
        {"name": "Protection", "sectors": ["PRO"], "how": "as-is"},
    ]
    rows = [*base_rows(), activity(sector="PRO", new_beneficiaries=4, pop=(4,), agd=(1, 1, 1, 1))]
    row = pick(compute(*rows, model="grouped", groups=groups), "2019-01")
    # max-cell(EDU, FOOD) = 12 new; Protection 4 as is; Health (in no group) 3 as is
    assert row["new"] == 19 and row["new_cva"] == 6
    assert values(row, *POPS) == (14, 2, 3, 0, 0)
    assert values(row, *AGD) == (3, 4, 6, 3, 0, 3)


@pytest.mark.parametrize(
    "groups",
    [None, [{"name": "x", "sectors": ["EDU"], "how": "median"}],
     [{"name": "a", "sectors": ["EDU"]}, {"name": "b", "sectors": ["EDU"]}]],
)  # fmt: skip
def test_grouped_model_rejects_bad_groups(groups: list | None) -> None:
    with pytest.raises(ValueError):
        compute(*base_rows(), model="grouped", groups=groups)


@pytest.mark.parametrize("model", ["sum", "max-sector", "max-agd", "max-cell"])
def test_intersector_country_level_is_the_sum_of_admin1(model: str) -> None:
    rows = [*base_rows(), *[{**r, "admin1": LIBERTAD} for r in base_rows()[:2]]]
    figures = compute(*rows, model=model)
    country = pick(figures, "2019-01", admin1=None)
    lima, libertad = pick(figures, "2019-01"), pick(figures, "2019-01", admin1=LIBERTAD)
    for column in ("new", "monthly_total", "consolidated_total", "consolidated_cva"):
        assert country[column] == lima[column] + libertad[column]
