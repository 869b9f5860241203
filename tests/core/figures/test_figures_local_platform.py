"""A local platform's figures (docs/figures.md, "Targets of a local platform", and "a row is
counted with the plans of the platform that stores it").

- Tumbes' progress set its 18,900 people reached beside Peru's whole-country target (10.5 %)
  and listed Lima's, Callao's… targets: a local platform's targets are its units', its
  country-level target their sum when each has one, else null, never the country's.
- Once Tumbes had a plan of its own, the national rows of indicators it lacked dropped out of
  its people reached (21,437 → 14,509) with no note: each row is counted with its store's
  plans, and a row whose indicator the plan it is counted with does not list is named in a
  note.
"""

from __future__ import annotations

from dataclasses import replace

import polars as pl
from figures_factories import LIBERTAD, LIMA, TUMBES, activity, frame, reference_data
from hypothesis import given, settings
from hypothesis import strategies as st

from kipu.core.figures import FigureOptions, compute_figures
from kipu.core.reference import Indicator, Plan, ReferenceData, Sector, Target

UNITS = (LIMA, LIBERTAD, TUMBES)
SECTORS = ("EDU", "HEA", "PRO")
VALUES = ("people_in_need", "people_targeted", "budget_usd")
STORED_ON = "stored_on"  # `kipu.core.figures.plans.STORED_ON`: the storing platform's slug
NATIONAL_TARGET = 10**9  # a whole-country figure no sum of unit targets here reaches


def _value(name: str) -> st.SearchStrategy:
    whole = st.integers(min_value=0, max_value=10**6)
    value = whole.map(float) if name == "budget_usd" else whole
    return st.none() | value


@st.composite
def plans_and_areas(draw: st.DrawFn) -> tuple[list[Target], list[str]]:
    """A national plan's targets (per unit and sector, some missing, some values empty; and
    whole-country targets) and a local platform's area: one to three admin1 units."""
    targets = []
    for sector in SECTORS:
        if draw(st.booleans()):  # the country's target, never the area's
            targets.append(Target(sector, "", NATIONAL_TARGET, NATIONAL_TARGET, 1e9))
        for unit in UNITS:
            if draw(st.booleans()):
                values = {name: draw(_value(name)) for name in VALUES}
                if any(v is not None for v in values.values()):
                    targets.append(Target(sector, unit, **values))
    area = draw(st.lists(st.sampled_from(UNITS), min_size=1, max_size=3, unique=True))
    return targets, sorted(area)


def _local(targets: list[Target], area: list[str]) -> ReferenceData:
    reference = reference_data()
    return replace(reference, plan=replace(reference.plan, targets=targets), admin1_scope=area)


def _expected(targets: list[Target], area: list[str], sector: str, name: str) -> object:
    found = [getattr(t, name) for t in targets if t.sector_code == sector and t.admin1 in area]
    if len(found) < len(area) or any(v is None for v in found):
        return None
    return sum(found)


@settings(max_examples=60, deadline=None)
@given(plans_and_areas())
def test_a_local_platforms_targets_are_its_areas(case: tuple[list[Target], list[str]]) -> None:
    targets, area = case
    rows = [activity(admin1=unit, sector="EDU", new_beneficiaries=5) for unit in area]
    figures = compute_figures(frame(*rows), _local(targets, area), FigureOptions(admin1=area))
    progress = figures.progress
    # No other unit's target is listed.
    listed = set(progress["admin1"].drop_nulls().to_list())
    assert listed <= set(area), listed
    country = {r["sector_code"]: r for r in progress.filter(pl.col("admin1").is_null()).to_dicts()}
    unknown = False
    for sector in SECTORS:
        given_here = [t for t in targets if t.sector_code == sector and t.admin1 in area]
        for name in VALUES:
            expected = _expected(targets, area, sector, name)
            shown = country.get(sector, {}).get(name)
            assert shown == expected, (sector, name, shown, expected)
            assert shown != NATIONAL_TARGET
            national = any(t.sector_code == sector and not t.admin1 for t in targets)
            some = any(getattr(t, name) is not None for t in given_here)
            unknown |= expected is None and (some or national)
    said = [n for n in figures.notes if "not known for the whole area" in n]
    assert bool(said) == unknown, (figures.notes, targets, area)


def test_tumbes_reads_its_own_target_not_perus() -> None:
    """The tester's case: 18,900 reached read 10.5 % of Peru's 180,000, not 157.5 % of
    Tumbes' 12,000."""
    targets = [
        Target("EDU", "", 420_000, 180_000, 28e6),
        Target("EDU", TUMBES, 30_000, 12_000, 1.5e6),
        Target("EDU", LIMA, 120_000, 48_000, 6e6),
    ]
    rows = [activity(admin1=TUMBES, new_beneficiaries=18_900)]
    reference = _local(targets, [TUMBES])
    figures = compute_figures(frame(*rows), reference, FigureOptions(admin1=[TUMBES]))
    country = figures.progress.filter(pl.col("admin1").is_null(), pl.col("sector_code") == "EDU")
    assert country.select("people_targeted", "pct_of_targeted").row(0) == (12_000, 157.5)
    assert LIMA not in figures.progress["admin1"].to_list()
    assert not figures.notes


# --- rows counted with their store's plans ---------------------------------------------------


def _plan(indicators: dict[str, str], name: str) -> Plan:
    """A 2019 plan of `indicators` (code → sector) whose indicators all count people."""
    return Plan(
        name,
        2019,
        sectors=[Sector(code, code) for code in sorted(set(indicators.values()))],
        indicators=[Indicator(code, code, sector, "PiN") for code, sector in indicators.items()],
    )


NATIONAL = {"DEA1": "DEA", "DEA2": "DEA", "PRO1": "PRO", "PRO2": "PRO", "INT1": "INT"}


@st.composite
def local_views(draw: st.DrawFn) -> tuple[dict[str, str], list[dict]]:
    """A local plan of some of the national plan's indicators (and one of its own), and the
    rows of a local view: each stored on the national or the local platform, naming an
    indicator of its store's plan."""
    codes = sorted(NATIONAL)
    kept = draw(st.lists(st.sampled_from(codes), min_size=1, unique=True))
    local = {code: NATIONAL[code] for code in kept} | {"LOC1": "PRO"}
    rows = []
    for number in range(draw(st.integers(min_value=1, max_value=12))):
        store = draw(st.sampled_from(("gtrm-peru", "gtrm-tumbes")))
        plan = NATIONAL if store == "gtrm-peru" else local
        indicator = draw(st.sampled_from(sorted(plan)))
        people = draw(st.integers(min_value=0, max_value=500))
        rows.append(
            {**activity(admin1=TUMBES, sector=plan[indicator], indicator=indicator,
                        new_beneficiaries=people, total_monthly=people, pop=(people,),
                        appealing_org=f"ORG{number % 6 + 1}"), STORED_ON: store}
        )  # fmt: skip
    return local, rows


def _view(local: dict[str, str]) -> ReferenceData:
    reference = replace(reference_data(), plan=_plan(local, "Tumbes 2019"), admin1_scope=[TUMBES])
    reference.plans = {2019: reference.plan}
    reference.store_plans = {"gtrm-peru": {2019: _plan(NATIONAL, "Peru 2019")}}
    return reference


def _view_frame(rows: list[dict]) -> pl.DataFrame:
    stores = [row.pop(STORED_ON) for row in rows]
    return frame(*rows).with_columns(pl.Series(STORED_ON, stores))


@settings(max_examples=60, deadline=None)
@given(local_views())
def test_every_row_counts_with_its_stores_plan(case: tuple[dict[str, str], list[dict]]) -> None:
    local, rows = case
    expected: dict[str, int] = {}
    for row in rows:
        expected[row["sector"]] = expected.get(row["sector"], 0) + row["new_beneficiaries"]
    figures = compute_figures(_view_frame(rows), _view(local), FigureOptions(admin1=[TUMBES]))
    country = figures.rows.filter(pl.col("admin1").is_null(), pl.col("sector_code").is_not_null())
    found = dict(zip(country["sector_code"], country["consolidated_total"], strict=True))
    assert found == {k: v for k, v in expected.items() if k in found}
    assert set(found) == set(expected)  # no sector of the view is missing
    assert not [n for n in figures.notes if "does not list" in n], figures.notes


@settings(max_examples=60, deadline=None)
@given(local_views(), st.data())
def test_a_row_its_plan_does_not_list_is_named(case, data) -> None:  # noqa: ANN001
    """Rows whose indicator their plan lacks (a stored indicator later removed, or a file read
    with another plan) are left out of people reached with a note of rows and people."""
    local, rows = case
    unlisted = data.draw(st.lists(st.integers(min_value=0, max_value=300), min_size=1))
    for people in unlisted:
        rows.append({**activity(admin1=TUMBES, sector="PRO", indicator="GONE1",
                                new_beneficiaries=people), STORED_ON: "gtrm-tumbes"})  # fmt: skip
    figures = compute_figures(_view_frame(rows), _view(local), FigureOptions(admin1=[TUMBES]))
    said = [n for n in figures.notes if "does not list" in n]
    assert len(said) == 1, figures.notes
    count = len(unlisted)
    assert said[0].startswith(f"{count} row{'s' if count > 1 else ''} ({sum(unlisted):,} new")
    assert "GONE1" in said[0] and "GONE1" in said[0].text("es")


def test_a_file_without_stores_counts_with_the_platforms_plans() -> None:
    """Rows without a `stored_on` column (`--input`, provisional figures) use the platform's
    plans, as before."""
    rows = [activity(admin1=TUMBES, sector="PRO", indicator="PRO1", new_beneficiaries=7, pop=(7,))]
    reference = _view({"PRO1": "PRO"})
    figures = compute_figures(frame(*rows), reference, FigureOptions(admin1=[TUMBES]))
    assert figures.reached() == 7
    assert not figures.notes
