"""An area of intervention counts its sub-sectors (the plan's `parent`): with Child protection
under Protection, the report printed "Protection — Partners: 0 · People reached: 0" for a
month whose protection work was all reported under the sub-sector."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from kipu.web.platforms.models import Organisation, Platform
from kipu.web.reports.context import report_context

pytestmark = pytest.mark.django_db


def test_an_area_counts_its_sub_sectors(
    platform: Platform,
    org_a: Organisation,
    org_b: Organisation,
    rows: Callable[..., object],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KIPU_DATA_DIR", str(tmp_path))
    rows(platform, org_a, "PRO-CP", "2019-05", 3)  # 4 new people each, under the sub-sector
    rows(platform, org_b, "PRO", "2019-05", 1)  # 4 under the area itself
    context = report_context(platform, "2019-05")
    areas = {a.name: (a.partners, a.reached) for a in context.areas}
    # Within one sector rows add up: the sub-sector's rows are Protection's own.
    assert areas["Protection"] == (2, 16)
    catalogue = context.catalogue
    assert catalogue.call("reached", area="PRO") == 16
    assert catalogue.call("reached_month", area="PRO") == 16
    assert catalogue.call("partners", area="PRO") == 2
    # A sub-sector named alone is its own rows (it read 0: no such sector once rolled up).
    assert catalogue.call("reached", area="PRO-CP") == 12
    assert catalogue.call("partners", area="PRO-CP") == 1
    # The Intersector is the engine's, sub-sectors being sectors of their own there.
    assert catalogue.call("reached") == context.catalogue.call("reached_month")
    assert set(context.presence_by_area) == {"Protection"}


def test_without_sub_sectors_in_the_month_nothing_changes(
    platform: Platform,
    org_a: Organisation,
    rows: Callable[..., object],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KIPU_DATA_DIR", str(tmp_path))
    rows(platform, org_a, "PRO", "2019-05", 2)
    context = report_context(platform, "2019-05")
    areas = {a.name: (a.partners, a.reached) for a in context.areas}
    assert areas["Protection"] == (1, 8)


def test_an_indicator_counting_no_people_gives_its_quantity(demo: Platform) -> None:
    """`indicator(code="DEA-05")` (NFI kits, an indicator of type Other) printed "0 NFI kits":
    its default was the people column, which such rows leave empty."""
    import polars as pl

    from kipu.core.report.narrative import NarrativeError
    from kipu.web.figures.queries import cached_activity_frame

    catalogue = report_context(demo, "2019-11").catalogue
    rows = cached_activity_frame(demo)[1].filter(pl.col("month") == "2019-11")

    def total(code: str, column: str) -> int:
        return int(rows.filter(pl.col("indicator") == code)[column].sum())

    kits = total("DEA-05", "quantity_output")
    assert kits > 0 and catalogue.call("indicator", code="DEA-05") == kits
    with pytest.raises(NarrativeError, match="counts no people"):
        catalogue.call("indicator", code="DEA-05", measure="total_monthly")
    # An indicator of people keeps its people by default.
    assert catalogue.call("indicator", code="DEA-02") == total("DEA-02", "total_monthly") > 0


def test_a_month_without_activities_prints_no_zero_per_area(
    platform: Platform, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It said "No activities were reported" and then "Partners: 0 · People reached: 0" for
    each area."""
    from kipu.core.report.view import make_view

    monkeypatch.setenv("KIPU_DATA_DIR", str(tmp_path))
    view = make_view(report_context(platform, "2019-05"), {})
    assert [a.facts for a in view.areas] == [[], []]  # Protection, WASH: headings only
    assert view.notes["areas"] == "No activities were reported for May 2019."


def test_the_partners_listed_are_the_members_of_the_month(demo: Platform) -> None:
    """The October report listed two organisations that joined in November (and a report
    of 2018 all 52, every membership starting later)."""
    from kipu.web.platforms.models import Membership

    joined = Membership.objects.filter(platform=demo, start_date__gte="2019-11-01")
    names = {m.organisation.name_en for m in joined}
    assert names  # the demonstration has members who joined in November
    october = set(report_context(demo, "2019-10").partners)
    november = set(report_context(demo, "2019-11").partners)
    assert not names & october and names <= november
    assert report_context(demo, "2018-06").partners == []


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", "1 organisation, a member of Platform gtrm-test, reported its activities for"),
        ("es", "1 organización, miembro de Platform gtrm-test, reportó sus actividades de"),
    ],
)
def test_one_organisation_reporting_is_said_in_the_singular(
    platform: Platform,
    org_a: Organisation,
    rows: Callable[..., object],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    lang: str,
    words: str,
) -> None:
    """ "A total of 1 organisation, members of … reported their activities"."""
    from kipu.core.report.view import make_view

    monkeypatch.setenv("KIPU_DATA_DIR", str(tmp_path))
    rows(platform, org_a, "PRO", "2019-05", 1)
    view = make_view(report_context(platform, "2019-05", lang), {})
    assert view.coordination.startswith(words), view.coordination


def test_an_area_nobody_reported_on_says_so_and_the_chart_is_of_the_year(
    demo: Platform, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An area with no row in the plan year printed "Partners: 0 · People reached: 0", and the
    chart of the year's people was captioned with the month alone."""
    from kipu.core.report.context import AreaSection
    from kipu.core.report.view import make_view

    monkeypatch.setenv("KIPU_DATA_DIR", str(tmp_path))
    context = report_context(demo, "2019-11")
    context.areas.append(AreaSection("Nobody's area", 0, 0, reported=False))
    view = make_view(context, {})
    assert view.areas[-1].facts == [
        ("Partners", "none reported"),
        ("People reached", "none reported"),
    ]
    assert all(text != "0" for area in view.areas for _, text in area.facts)
    assert not {"areas/Nobody's area/reached", "areas/Nobody's area/partners"} & set(view.recorded)
    from kipu.core.report.build import _area_charts

    view = make_view(context, _area_charts(context))
    caption = view.figures["reached-by-area"].caption
    assert caption == "People reached by area of intervention, January–November 2019"
