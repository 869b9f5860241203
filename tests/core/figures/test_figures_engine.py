"""Steps 1, 2, 4, 5 and 6: scope, monthly sums, cumulation, empty months, checks, accessors."""

from __future__ import annotations

import polars as pl
import pytest
from figures_factories import (
    LIBERTAD,
    LIMA,
    NATIONAL,
    activity,
    base_rows,
    compute,
    frame,
    pick,
    reference_data,
)

from kipu.core.figures import FigureOptions, compute_figures
from kipu.core.reference import ReferenceData


def people(month: str, new: int, **values: object) -> dict:
    """A consistent row: `new` people in destination, all women."""
    return activity(month=month, new_beneficiaries=new, total_monthly=new, pop=(new,),
                    agd=(0, 0, new), **values)  # fmt: skip


def test_only_people_reached_indicators_count() -> None:
    rows = [people("2019-01", 10), people("2019-01", 7, indicator="EDU9"),
            people("2019-01", 5, sector="HEA", indicator="HEA2", appealing_org="ORG4")]  # fmt: skip
    figures = compute(*rows)
    assert figures.rows["sector"].unique().sort().to_list() == ["Education", "Intersector"]
    assert figures.reached() == 10
    assert figures.partner_count("appealing") == 2  # partners use every row


def test_cumulation_and_monthly_totals_never_summed() -> None:
    rows = [
        people("2019-01", 10),
        people("2019-02", 4),
        {**people("2019-02", 0), "total_monthly": 9},
    ]
    figures = compute(*rows)
    january, february = pick(figures, "2019-01"), pick(figures, "2019-02")
    assert (january["monthly_total"], february["monthly_total"]) == (10, 13)
    assert (january["consolidated_total"], february["consolidated_total"]) == (10, 14)
    assert february["consolidated_women"] == 14 and february["new"] == 4


def test_month_without_data_carries_the_cumulative_value() -> None:
    figures = compute(people("2019-01", 10), people("2019-03", 5), date_to="2019-05")
    assert figures.rows.filter(pl.col("admin1") == LIMA)["month"].unique().sort().to_list() == [
        "2019-01", "2019-02", "2019-03", "2019-04", "2019-05"]  # fmt: skip
    february = pick(figures, "2019-02")
    assert (february["monthly_total"], february["new"], february["consolidated_total"]) == (
        0,
        0,
        10,
    )
    assert pick(figures, "2019-05")["consolidated_total"] == 15
    assert figures.reached() == 15 and figures.reached(month="2019-02") == 10


def test_months_before_a_series_starts_are_not_listed() -> None:
    figures = compute(people("2019-01", 10), people("2019-03", 5, sector="FOOD"))
    food = figures.rows.filter(pl.col("sector") == "Food Security", pl.col("admin1") == LIMA)
    assert food["month"].to_list() == ["2019-03"]


def test_sector_absent_in_a_month() -> None:
    rows = [people("2019-01", 10), people("2019-01", 6, sector="FOOD"), people("2019-02", 3)]
    figures = compute(*rows, model="max-sector")
    food = pick(figures, "2019-02", "Food Security")
    assert (food["new"], food["consolidated_total"]) == (0, 6)
    inter = pick(figures, "2019-02")
    assert (inter["new"], inter["consolidated_total"]) == (3, 13)


def test_cumulation_restarts_each_plan_year() -> None:
    rows = [people("2019-06", 1), people("2019-07", 2), people("2019-12", 4), people("2020-01", 8)]
    december = compute(*rows, date_to="2019-12")
    january = compute(*rows, date_to="2020-01")
    assert pick(december, "2019-12")["consolidated_total"] == 7
    assert pick(january, "2020-01")["consolidated_total"] == 8
    assert (january.date_from, january.reached()) == ("2020-01", 8)
    july = compute(*rows, date_to="2020-01", plan_year_start_month=7)
    assert july.date_from == "2019-07" and july.rows.filter(pl.col("month") == "2019-06").is_empty()
    assert [pick(july, m)["consolidated_total"] for m in ("2019-07", "2019-12", "2020-01")] == [
        2, 6, 14]  # fmt: skip
    june = compute(*rows, date_to="2019-06", plan_year_start_month=7)
    assert june.reached() == 1


@pytest.mark.parametrize(
    ("period", "start_month"),
    [(("2019-11", "2020-01"), 1), (("2019-01", "2020-03"), 1), (("2019-06", "2019-07"), 7)],
)
def test_a_period_across_plan_years_is_refused(period: tuple[str, str], start_month: int) -> None:
    """Before, 2019-11 to 2020-01 printed the people reached of January 2020 alone (0 without
    rows in 2020) under the whole period's name."""
    with pytest.raises(ValueError, match="spans two plan years"):
        compute(
            people("2019-11", 100),
            date_from=period[0],
            date_to=period[1],
            plan_year_start_month=start_month,
        )


@pytest.mark.parametrize(
    ("bounds", "period", "reached"),
    [
        ({}, ("2020-02", "2020-02"), 1),  # the last year with rows, from its first month
        ({"date_to": "2019-12"}, ("2019-03", "2019-12"), 6),
        ({"date_from": "2019-05"}, ("2019-05", "2019-12"), 4),  # not beyond its plan year
        ({"date_to": "2020-06"}, ("2020-02", "2020-06"), 1),
        # A year without rows is that year, empty: a tester's From of 2018 showed the 2019
        # and 2020 rows under "2018-01 – None".
        ({"date_from": "2018-01"}, ("2018-01", "2018-12"), 0),
        ({"date_from": "2018-06"}, ("2018-06", "2018-12"), 0),
        ({"date_from": "2021-01"}, ("2021-01", "2021-12"), 0),
    ],
)
def test_a_bound_not_given_stays_in_the_other_bounds_plan_year(
    bounds: dict[str, str], period: tuple[str, str], reached: int
) -> None:
    rows = [people("2019-03", 2), people("2019-12", 4), people("2020-02", 1, sector="FOOD")]
    figures = compute(*rows, **bounds)
    assert (figures.date_from, figures.date_to) == period
    assert figures.reached() == reached
    left_out = [n for n in figures.notes if "rows of other plan years" in n]
    # Never silently: rows of another year inside the bounds asked for are named.
    assert bool(left_out) == (bounds not in ({"date_to": "2019-12"}, {"date_from": "2021-01"}))


def test_filling_stops_at_the_end_of_the_period() -> None:
    figures = compute(people("2019-12", 4), people("2020-02", 1, sector="FOOD"), date_to="2020-02")
    education = figures.rows.filter(pl.col("sector") == "Education")
    assert education.is_empty()
    assert figures.reached(sector="EDU") == 0 and figures.reached() == 1
    december = compute(people("2019-10", 4), date_from="2019-10", date_to="2019-12")
    lima = december.rows.filter(pl.col("sector") == "Education", pl.col("admin1") == LIMA)
    assert lima["month"].to_list() == ["2019-10", "2019-11", "2019-12"]


def test_date_from_starts_the_cumulation() -> None:
    figures = compute(people("2019-01", 10), people("2019-03", 5), date_from="2019-02")
    assert figures.reached() == 5 and figures.date_from == "2019-02"


def test_national_rows_are_their_own_admin1() -> None:
    figures = compute(people("2019-01", 10), people("2019-01", 6, admin1=NATIONAL))
    national = pick(figures, "2019-01", admin1=NATIONAL)
    assert national["national"] is True and national["admin1_name"] == "Country level"
    assert national["consolidated_total"] == 6
    country = pick(figures, "2019-01", admin1=None)
    assert country["consolidated_total"] == 16 and country["national"] is None
    assert country["admin1_name"] is None and country["country_name"] == "Peru"
    assert figures.coverage_count(1) == 1


def test_country_level_sums_admin1_monthly_values_then_cumulates() -> None:
    rows = [people("2019-01", 10), people("2019-02", 5, admin1=LIBERTAD)]
    figures = compute(*rows)
    assert pick(figures, "2019-02", admin1=None)["consolidated_total"] == 15
    assert pick(figures, "2019-02", admin1=None)["new"] == 5


def test_cva_columns_and_check() -> None:
    rows = [people("2019-01", 10, cva=True), people("2019-01", 5, sector="FOOD")]
    figures = compute(*rows, model="sum")
    row = pick(figures, "2019-01")
    assert (row["monthly_cva"], row["new_cva"], row["consolidated_cva"]) == (10, 10, 10)
    # max-cell counts people by their breakdown: CVA people without one exceed the total
    bare = activity(new_beneficiaries=8, total_monthly=8, cva=True)
    row = pick(compute(bare), "2019-01")
    assert row["consolidated_total"] == 0 and row["consolidated_cva"] == 8
    assert row["checks"] == ["CVA higher than total"]


def test_checks_on_sector_rows() -> None:
    row = pick(compute(activity(new_beneficiaries=10, pop=(9,), agd=(10,))), "2019-01", "Education")
    assert row["checks"] == ["check population type breakdown"]


def test_scope_filters() -> None:
    rows = [people("2019-01", 10), people("2019-01", 5, sector="FOOD", rmrp_activity=False),
            people("2019-01", 3, admin1=LIBERTAD), people("2019-02", 1),
            people("2019-01", 2, country="ECU", admin1="EC17")]  # fmt: skip
    assert compute(*rows, model="sum", date_to="2019-01").reached() == 20
    assert compute(*rows, model="sum", rmrp_only=True).reached(country="PER") == 14
    assert compute(*rows, model="sum", admin1=[LIBERTAD]).reached() == 3
    assert compute(*rows, model="sum", sectors=["FOOD"]).reached() == 5
    assert compute(*rows, model="sum", countries=["ECU"]).reached() == 2


@pytest.mark.parametrize("unanswered", [0, 1, 3])
def test_rmrp_only_figures_count_the_rows_that_do_not_say(unanswered: int) -> None:
    """A row whose RMRP cell is empty is neither an RMRP activity nor not one: RMRP-only
    figures leave it out, and went down without a word (339 people became 299)."""
    rows = [people("2019-01", 10), people("2019-01", 5, sector="FOOD", rmrp_activity=False)]
    rows += [people("2019-01", 2, rmrp_activity=None) for _ in range(unanswered)]
    figures = compute(*rows, model="sum", rmrp_only=True)
    assert figures.reached() == 10
    said = [n for n in map(str, figures.notes) if "RMRP" in n]
    every = compute(*rows, model="sum")
    assert not [n for n in map(str, every.notes) if "RMRP" in n]
    if not unanswered:
        assert said == []
        return
    noun = "row that does not" if unanswered == 1 else "rows that do not"
    assert said == [
        f"{unanswered} {noun} say whether {'it is' if unanswered == 1 else 'they are'} an RMRP "
        f"activity (an empty cell, or no such column) {'is' if unanswered == 1 else 'are'} "
        "not in these "
        "RMRP-only figures"
    ]
    assert "no están en estas cifras" in figures.notes[0].text("es") or unanswered == 1


def test_region_is_the_sum_of_countries() -> None:
    rows = [people("2019-01", 10), people("2019-01", 2, country="ECU", admin1="EC17")]
    figures = compute(*rows)
    assert figures.reached() == 12 and figures.reached(country="ECU") == 2
    assert figures.rows.filter(pl.col("admin1").is_null())["country"].unique(
        maintain_order=True
    ).to_list() == ["ECU", "PER"]  # sorted by country


def test_roll_up_subsectors() -> None:
    rows = [people("2019-01", 4, sector="GBV"), people("2019-01", 6, sector="PRO")]
    assert compute(*rows).reached(sector="Protection (GBV)") == 4
    rolled = compute(*rows, model="sum", roll_up_subsectors=True)
    assert rolled.reached(sector="PRO") == 10 and rolled.reached(sector="Protection") == 10


def test_unresolved_rows_are_left_out_and_noted() -> None:
    figures = compute(people("2019-01", 10), people("2019-01", 5, admin1=None))
    assert figures.reached() == 10
    assert figures.notes == ["1 rows without country, admin1, month or sector were left out"]


def test_empty_frame() -> None:
    figures = compute_figures(frame(), reference_data(), FigureOptions())
    assert figures.rows.is_empty() and figures.reached() == 0
    assert figures.partner_count() == 0 and figures.coverage_count(2) == 0
    assert figures.to_json()["rows"] == [] and "No people-reached data" in figures.to_text()


def test_row_layout() -> None:
    figures = compute(*base_rows())
    assert figures.rows.columns[:8] == ["country", "country_name", "admin1", "admin1_name",
                                         "national", "month", "sector", "sector_code"]  # fmt: skip
    assert figures.rows.columns[-1] == "checks"
    first = figures.rows.row(0, named=True)
    assert first["admin1"] is None and first["sector"] == "Education"  # country level first
    assert figures.rows["sector"].to_list()[:4] == ["Education", "Food Security", "Health",
                                                     "Intersector"]  # fmt: skip
    assert figures.rows.schema["checks"] == pl.List(pl.Utf8)


@pytest.mark.parametrize(
    "options",
    [{"model": "median"}, {"date_from": "2019-13"}, {"date_from": "2019-05", "date_to": "2019-01"},
     {"plan_year_start_month": 0}],
)  # fmt: skip
def test_invalid_options(options: dict) -> None:
    with pytest.raises(ValueError):
        FigureOptions(**options)


def test_accessors_by_code_or_name() -> None:
    figures = compute(*base_rows())
    assert figures.reached(sector="FOOD") == figures.reached(sector="Food Security") == 6
    assert figures.reached(sector="Intersector") == figures.reached() == 15
    assert figures.reached(admin1=LIMA) == 15 and figures.reached(admin1=LIBERTAD) == 0
    assert figures.value("monthly_total") == 21
    assert compute(*base_rows(), model="max-agd").value("consolidated_returnees") is None


def _two_plans() -> ReferenceData:
    """2019: Child protection (CP) is an area of its own and Case management (CM) sits under
    it; 2020: CP is a sub-sector of Protection, CM still under CP."""
    import dataclasses

    from kipu.core.reference import Indicator, Sector

    base = reference_data()
    extra = [Indicator("CP1", "Children", "CP", "PiN"), Indicator("CM1", "Cases", "CM", "PiN")]
    plans = {}
    for year, cp_parent in ((2019, ""), (2020, "PRO")):
        sectors = [*base.plan.sectors, Sector("CP", "Child protection", parent_code=cp_parent),
                   Sector("CM", "Case management", parent_code="CP")]  # fmt: skip
        plans[year] = dataclasses.replace(
            base.plan, year=year, sectors=sectors, indicators=[*base.plan.indicators, *extra]
        )
    return dataclasses.replace(base, plan=plans[2019], plans=plans)


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        # 2019: CM rolls up to CP (two levels: none to Protection), CP is an area.
        ("2019", {"CP": 7 + 5, "PRO": 3}),
        # 2020: CM under CP under Protection: all three are Protection's.
        ("2020", {"PRO": 7 + 5 + 3}),
    ],
)
def test_sub_sectors_roll_up_in_their_own_years_plan(year: str, expected: dict) -> None:
    """The roll-up merged every plan's tree: Child protection, an area in 2019 and a
    sub-sector in 2020, read 0 in the 2019 report, its people counted as Protection's; and
    a sub-sector of a sub-sector rolled up one level only."""
    reference = _two_plans()
    rows = [
        people(f"{year}-03", 7, sector="CP", indicator="CP1"),
        people(f"{year}-03", 5, sector="CM", indicator="CM1", appealing_org="ORG2"),
        people(f"{year}-03", 3, sector="PRO", indicator="PRO1", appealing_org="ORG3"),
    ]
    figures = compute(*rows, reference=reference, roll_up_subsectors=True)
    reached = {code: figures.reached(sector=code) for code in ("CP", "CM", "PRO")}
    assert {k: v for k, v in reached.items() if v} == expected
    # Without the roll-up each sector is its own.
    alone = compute(*rows, reference=reference)
    assert [alone.reached(sector=c) for c in ("CP", "CM", "PRO")] == [7, 5, 3]
