"""One computation feeds every number of the dashboard (issue 14, point 2): for every
combination of filters over the demonstration data, the headline cards equal the tables'
totals, the partner card equals the organisations counted straight from the 5W rows, and
the period shown is the period asked for."""

from __future__ import annotations

import itertools
import re
from typing import Any

import polars as pl
import pytest
from django.test import Client

from kipu.web.figures.queries import cached_activity_frame, cached_reference_data
from kipu.web.site.services import load_demo, stage_demo

BASE = "/dashboard/gtrm-peru/"
PUBLISHED = ("2019-01", "2019-11")  # stage_demo publishes January to November
PERIODS = (  # (from, to) asked → (from, to) shown
    ((None, None), PUBLISHED),
    (("2019-07", None), ("2019-07", "2019-11")),
    ((None, "2019-08"), ("2019-01", "2019-08")),
    (("2019-11", "2019-11"), ("2019-11", "2019-11")),
    (("2019-03", "2019-06"), ("2019-03", "2019-06")),
)


@pytest.fixture
def demo(db, tmp_path, monkeypatch):  # noqa: ANN001
    monkeypatch.setenv("KIPU_DATA_DIR", str(tmp_path))
    platform = load_demo()
    stage_demo(platform, with_reports=False)
    return platform


def number(text: str) -> int | None:
    digits = re.sub(r"\D", "", text)
    return int(digits) if digits else None


def table(html: str, name: str) -> tuple[dict[str, tuple[int, int]], tuple[int, int] | None]:
    """{code: (reached, partners)} and the total row of one of the panel's tables."""
    found = re.search(rf'<table class="{name}">(.*?)</table>', html, re.S)
    assert found, name
    body = found.group(1)
    cells = r'<td class="num">([^<]*)</td><td class="num">([^<]*)</td>'
    rows = {
        code: (number(a), number(b))
        for code, a, b in re.findall(rf'<tr data-code="([^"]+)"><td>[^<]*</td>{cells}', body)
    }
    total = re.search(rf'<tr class="total"><th scope="row">[^<]*</th>{cells}', body)
    return rows, (number(total.group(1)), number(total.group(2))) if total else None


def breakdown_totals(html: str) -> list[tuple[int, int]]:
    """(Σ groups, total row) of each breakdown table."""
    found = []
    for part in ("population", "age_sex"):
        body = re.search(rf'<table class="breakdown-{part}">(.*?)</table>', html, re.S)
        if body is None:
            continue
        values = re.findall(r"<tbody>(.*?)</tbody>", body.group(1), re.S)[0]
        groups = [number(v) or 0 for v in re.findall(r'<td class="num">([^<]*)</td>', values)]
        total = re.search(r'<tr class="total">.*?<td class="num">([^<]*)</td>', body.group(1))
        assert total
        found.append((sum(groups), number(total.group(1))))
    return found


def expected_partners(frame: pl.DataFrame, asked: dict[str, str | None], period: tuple) -> int:
    """Organisations reporting, counted straight from the 5W rows of the published months."""
    rows = frame.filter(
        pl.col("month").is_between(pl.lit(period[0]), pl.lit(period[1])),
        *[pl.col(c).is_not_null() for c in ("country", "admin1", "month", "sector")],
    )
    for column, value in (
        ("sector", asked["sector"]),
        ("admin1", asked["admin1"]),
        ("country", asked["country"]),
    ):
        if value:
            rows = rows.filter(pl.col(column) == value)
    org = asked["org"]
    if org:  # the selected organisation, reporting or implementing: one, or none
        chosen = (pl.col("appealing_org") == org) | (pl.col("implementing_partner") == org)
        return int(rows.filter(chosen.fill_null(False)).height > 0)
    return rows["appealing_org"].n_unique()


def organisations_to_try(frame: pl.DataFrame, members: list[str]) -> list[str]:
    """The organisation most often another's implementing partner (its rows then name other,
    appealing organisations), and a member without a single row."""
    other = frame.filter(
        pl.col("implementing_partner").is_not_null(),
        pl.col("implementing_partner") != pl.col("appealing_org"),
    )
    counts = other.group_by("implementing_partner").len().sort(["len", "implementing_partner"])
    busiest = counts["implementing_partner"][-1]
    present = set(frame["appealing_org"]) | set(frame["implementing_partner"].drop_nulls())
    silent = sorted(set(members) - present)[0]
    return [busiest, silent]


def combinations(
    sectors: list[Any], admin1: list[Any], organisations: list[Any], countries: list[Any]
) -> list[tuple[Any, ...]]:
    """Every combination of the filters, each with one of the periods in turn, and every
    period with no filter: each period meets each value of each filter (checked here).
    The whole product with the periods took 70 s for the same faults."""
    filters = list(itertools.product(sectors, admin1, organisations, countries))
    chosen = [(s, a, o, PERIODS[i % len(PERIODS)], c) for i, (s, a, o, c) in enumerate(filters)]
    chosen += [(None, None, None, period, None) for period in PERIODS]
    for position, values in enumerate([sectors, admin1, organisations, [], countries]):
        for value, period in itertools.product(values, PERIODS):
            assert any(c[position] == value and c[3] == period for c in chosen), (value, period)
    return chosen


# The panel's numbers agree with each other whatever read the rows (the rows read on
# PostgreSQL are the engine's own, tests/web/test_figures.py): not run again on PostgreSQL.
@pytest.mark.backend_independent
def test_every_filter_combination_agrees_with_itself(client: Client, demo) -> None:  # noqa: ANN001
    frame = cached_activity_frame(demo)[1]
    reference = cached_reference_data(demo, 2019)
    sectors = [None, *(s.code for s in reference.plan.sectors)]
    admin1 = [None, "PE24", "PE00"]  # Tumbes, and the country-level pseudo-unit
    organisations = [None, *organisations_to_try(frame, [o.key for o in reference.organisations])]
    countries = [None, "PER"]
    wrong: list[str] = []
    checked = 0
    for sector, place, org, (asked, shown), country in combinations(
        sectors, admin1, organisations, countries
    ):
        params = {"sector": sector, "admin1": place, "org": org, "country": country}
        params |= {"from": asked[0], "to": asked[1]}
        query = "&".join(f"{k}={v}" for k, v in params.items() if v)
        html = client.get(f"{BASE}panel/?{query}").content.decode()
        cards = {
            k: number(v)
            for k, v in re.findall(r'data-name="(\w+)"><div class="value">([^<]*)<', html)
        }
        period = re.search(r'class="period muted" data-from="([^"]*)" data-to="([^"]*)"', html)
        sector_rows, sector_total = table(html, "sectors")
        admin1_rows, admin1_total = table(html, "admin1")
        reached, partners = cards["people_reached"] or 0, cards["partners"]
        # Without rows shown, every card is "–" (no number), never a 0 for "not found".
        empty = cards["people_reached"] is None
        assert not empty or set(cards.values()) == {None}, (query, cards)
        partners = 0 if empty else partners
        asked_filters = {"sector": sector, "admin1": place, "org": org, "country": country}
        facts = {
            "period shown": (period.group(1), period.group(2)) if period else None,
            "partners from the rows": expected_partners(frame, asked_filters, shown),
            "sector table total": sector_total,
            "department table total": admin1_total,
            "Σ departments": sum(r for r, _ in admin1_rows.values()),
            "selected sector row": sector_rows.get(sector) if sector else None,
        }
        checks = [
            facts["period shown"] == shown,
            partners == facts["partners from the rows"],
            sector_total in (None, (reached, partners)),
            admin1_total in (None, (reached, partners)),
            facts["Σ departments"] == reached,
            sector is None
            or sector_total is None
            or facts["selected sector row"] == (reached, partners),
            all(groups == total == reached for groups, total in breakdown_totals(html)),
        ]
        if not all(checks):
            wrong.append(f"{query or '(no filter)'}: cards {cards}, {facts}")
        checked += 1
    assert checked == 4 * 3 * 3 * 2 + len(PERIODS)
    assert wrong == [], f"{len(wrong)} of {checked} combinations disagree:\n" + "\n".join(
        wrong[:20]
    )
