"""The synthetic demonstration data has the shape of GTRM Peru's November 2019 report."""

from __future__ import annotations

from collections import defaultdict

from kipu.core.demo import (
    NOVEMBER,
    demo_activities,
    demo_organisations,
    demo_plan,
    demo_statistics,
    split_total,
)
from kipu.core.gazetteer import Gazetteer, bundled_locations
from kipu.core.schema import AGE_SEX_GROUPS, POPULATION_TYPES


def test_november_shape() -> None:
    rows = [r for r in demo_activities() if r["month"] == NOVEMBER]
    partners = defaultdict(set)
    for row in rows:
        partners[row["sector"]].add(row["appealing_org"])
    assert len({r["appealing_org"] for r in rows}) == 37
    assert len({r["admin1"] for r in rows if r["admin1"] != "PE00"}) == 11
    assert len({r["admin2"] for r in rows if r["admin2"]}) == 17
    assert {k: len(v) for k, v in partners.items()} == {"AREA1": 30, "AREA2": 25, "AREA3": 21}


def test_generation_is_deterministic() -> None:
    assert demo_activities() == demo_activities()
    assert demo_activities(seed=1) != demo_activities()


def test_rows_are_internally_consistent() -> None:
    places = Gazetteer(bundled_locations("PE"))
    plan = demo_plan()
    kinds = {i.code: i.type for i in plan.indicators}
    keys = {o.external_id for o in demo_organisations()}
    for row in demo_activities():
        assert places.get(str(row["admin1"])) is not None
        if row["admin2"]:
            assert places.get(str(row["admin2"])).parent_pcode == row["admin1"]
        assert row["appealing_org"] in keys
        if kinds[str(row["indicator"])] != "Other":
            new = row["new_beneficiaries"]
            assert 0 < new <= row["total_monthly"]
            assert sum(row[g] for g in AGE_SEX_GROUPS) == new
        if kinds[str(row["indicator"])] == "PiN":
            assert sum(row[p] for p in POPULATION_TYPES) == row["new_beneficiaries"]
        assert bool(row["value_usd"]) == bool(row["cva"]) == bool(row["delivery_mechanism"])


def test_statistics_keep_published_totals() -> None:
    observations = demo_statistics()
    entries_2018 = sum(
        o.value for o in observations if o.series == "entries" and o.period_start.year == 2018
    )
    assert entries_2018 == 814_801
    assert all("synthetic" in o.note or o.note == "" for o in observations)


def test_split_total_is_exact() -> None:
    assert split_total(10, [1, 1, 1]) == [4, 3, 3]
    assert sum(split_total(814_801, [1.0, 2.5, 0.3])) == 814_801


def test_organisations_answer_to_their_english_acronyms_too() -> None:
    # The README's `--org UNHCR` names the demonstration's ACNUR; no alias is another's label.
    by_acronym = {o.acronym: o for o in demo_organisations()}
    assert "UNHCR" in by_acronym["ACNUR"].aliases and "IOM" in by_acronym["OIM"].aliases
    labels = [label for o in demo_organisations() for label in {o.acronym, o.name, *o.aliases}]
    assert len(labels) == len(set(labels))
