"""The fourth check, "Intersector above the sum of sectors": max-cell rounds each population ×
age/sex cell half away from zero (R4V's rule, kept), so one sector's 2 people (1 in
destination and 1 in transit, 1 girl and 1 boy) made an Intersector of 4 with nothing said."""

from __future__ import annotations

import io

import polars as pl
from figures_factories import LIBERTAD, LIMA, activity, compute, pick
from hypothesis import given, settings
from hypothesis import strategies as st

from kipu.core.figures import CHECKS
from kipu.core.figures.output import CHECK_LABELS, CHECK_SECTORS

GROUPS = [{"name": "max", "sectors": ["EDU", "FOOD"], "how": "max"}]
MODELS = ["sum", "max-sector", "max-agd", "max-cell", "grouped"]


def two_people(**values: object) -> dict:
    """One sector's 2 new people: 1 in destination and 1 in transit, 1 girl and 1 boy."""
    return activity(total_monthly=2, new_beneficiaries=2, pop=(1, 1), agd=(1, 1), **values)


def test_one_sector_of_two_people_flags_an_intersector_of_four() -> None:
    figures = compute(two_people())
    inter = pick(figures, "2019-01")
    assert (inter["new"], inter["consolidated_total"]) == (4, 4)  # R4V's rounding, unchanged
    assert CHECK_SECTORS in inter["checks"]
    assert CHECK_SECTORS in pick(figures, "2019-01", admin1=None)["checks"]  # country level
    assert CHECK_SECTORS not in pick(figures, "2019-01", "Education")["checks"]
    assert CHECK_SECTORS in CHECKS and CHECK_LABELS[CHECK_SECTORS] == "Sum of sectors check"


def test_the_flag_is_in_the_report_layout_and_every_file() -> None:
    figures = compute(two_people())
    layout = figures.report_layout()
    assert layout.columns[-4:] == list(CHECK_LABELS.values())
    flagged = layout.filter(pl.col("Sector") == "Intersector")["Sum of sectors check"]
    assert flagged.to_list() == [CHECK_SECTORS, CHECK_SECTORS]
    buffer = io.BytesIO()
    figures.to_csv(buffer)
    header, *lines = buffer.getvalue().decode().splitlines()
    assert header.endswith(",Sum of sectors check")
    assert sum(line.endswith(f",{CHECK_SECTORS}") for line in lines) == 2
    assert CHECK_SECTORS in figures.to_json()["rows"][1]["checks"]


def test_the_summary_says_it_in_both_languages() -> None:
    figures = compute(two_people())
    english = figures.to_text()
    assert "Intersector above the sum of sectors 2." in english
    assert "The Intersector (4) is above the sum of its sectors (2)" in english
    assert "rounds each population × age/sex cell to whole people" in english
    spanish = figures.to_text("es")
    assert "intersectorial por encima de la suma de los sectores 2." in spanish
    assert "El intersectorial (4) supera la suma de sus sectores (2)" in spanish


def test_equal_or_below_the_sum_is_not_flagged() -> None:
    rows = [two_people(sector="EDU"), two_people(sector="FOOD")]  # max-cell: 4, Σ sectors 4
    for model in MODELS:
        figures = compute(*rows, model=model, groups=GROUPS if model == "grouped" else None)
        inter = pick(figures, "2019-01")
        assert inter["consolidated_total"] <= 4 and CHECK_SECTORS not in inter["checks"], model
        assert "above the sum of its sectors" not in figures.to_text()


def test_a_month_above_its_sectors_is_flagged_though_the_year_is_not() -> None:
    """`new` of a month above its sectors' is a printed value too: flagged even where the
    consolidated total, carried from months below their sectors, is not above."""
    rows = [
        activity(sector="EDU", new_beneficiaries=6, pop=(6,), agd=(3, 3)),
        activity(sector="FOOD", new_beneficiaries=6, pop=(6,), agd=(3, 3)),
        two_people(month="2019-02"),
    ]
    february = pick(compute(*rows), "2019-02")
    assert february["new"] == 4 and february["consolidated_total"] == 10  # Σ sectors: 2, 14
    assert CHECK_SECTORS in february["checks"]


@st.composite
def small_row(draw: st.DrawFn) -> dict:
    """A row of 1-3 people in population types and in age/sex groups (each adding up)."""
    new = draw(st.integers(1, 3))
    populations = draw(st.lists(st.integers(0, 4), min_size=new, max_size=new))
    groups = draw(st.lists(st.integers(0, 5), min_size=new, max_size=new))
    pop, agd = [0] * 5, [0] * 6
    for index in populations:
        pop[index] += 1
    for index in groups:
        agd[index] += 1
    return activity(
        sector=draw(st.sampled_from(["EDU", "FOOD", "HEA"])),
        admin1=draw(st.sampled_from([LIMA, LIBERTAD])),
        month=draw(st.sampled_from(["2019-01", "2019-02"])),
        total_monthly=new,
        new_beneficiaries=new,
        pop=pop,
        agd=agd,
    )


@settings(max_examples=60, deadline=None)
@given(st.lists(small_row(), min_size=1, max_size=6), st.sampled_from(MODELS))
def test_the_intersector_is_never_above_its_sectors_without_the_flag(
    rows: list[dict], model: str
) -> None:
    figures = compute(*rows, model=model, groups=GROUPS if model == "grouped" else None)
    place_month = ["country", "admin1", "month"]
    result = figures.rows.with_columns(pl.col("admin1").fill_null(""))
    sectors = (
        result.filter(pl.col("sector") != "Intersector")
        .group_by(place_month)
        .agg(pl.col("new", "consolidated_total").sum().name.suffix("_sectors"))
    )
    inter = result.filter(pl.col("sector") == "Intersector").join(sectors, on=place_month)
    assert inter.height == result.select(place_month).unique().height
    for row in inter.iter_rows(named=True):
        above = (
            row["consolidated_total"] > row["consolidated_total_sectors"]
            or row["new"] > row["new_sectors"]
        )
        assert above == (CHECK_SECTORS in row["checks"]), row
    sector_rows = result.filter(pl.col("sector") != "Intersector")["checks"].to_list()
    assert not any(CHECK_SECTORS in checks for checks in sector_rows)


def test_the_flag_is_in_the_open_data_figures() -> None:
    """The published figures.csv (and the API's figures csv/xlsx) list it in the checks column."""
    import csv

    from kipu.web.api.opendata import FIGURE_COLUMNS, figures_csv

    lines = list(csv.reader(io.StringIO(figures_csv(compute(two_people())).decode())))
    header, tags, *rows = lines
    assert (header[-1], tags[-1]) == ("Checks", "#meta+checks")
    assert len(header) == len(FIGURE_COLUMNS)
    flagged = [r for r in rows if r[header.index("Sector")] == "Intersector"]
    assert len(flagged) == 2 and all(r[-1] == CHECK_SECTORS for r in flagged)
