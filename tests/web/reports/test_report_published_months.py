"""The situation report counts the months the public may read, as the dashboard does for the
same period (tester_d's item 4): the report of March counted an open February's 100 people in
its year-to-date figures ("People reached: 1,234,669" where the dashboard said 1,234,569,
"Not published, so not counted: February 2020"), and said nothing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from kipu.web.accounts.scope import public_months
from kipu.web.figures.queries import platform_figures
from kipu.web.platforms.models import Organisation, Platform
from kipu.web.reports.context import counted_months, report_context
from kipu.web.reports.queries import month_data
from kipu.web.submissions.months import lock_month, publish_month

pytestmark = pytest.mark.django_db


def publish(platform: Platform, *months: str) -> None:
    for month in months:
        lock_month(platform, month, "test")
        publish_month(platform, month, "test")


@pytest.fixture
def three_months(
    platform: Platform,
    org_a: Organisation,
    rows: Callable[..., object],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Platform:
    """January and March published, February open: 4 new people a row, in protection."""
    monkeypatch.setenv("KIPU_DATA_DIR", str(tmp_path))
    rows(platform, org_a, "PRO", "2019-01", 1)
    rows(platform, org_a, "PRO", "2019-02", 5)
    rows(platform, org_a, "PRO", "2019-03", 2)
    publish(platform, "2019-01", "2019-03")
    return platform


def reached(context, area: str = "Protection") -> int | None:
    return {a.name: a.reached for a in context.areas}[area]


def test_the_year_counts_the_published_months_only(three_months: Platform) -> None:
    context = report_context(three_months, "2019-03")
    # What the public dashboard counts for January–March: January and March, not February.
    public = platform_figures(
        three_months, date_from="2019-01", date_to="2019-03", months=public_months(three_months)
    )
    everything = platform_figures(three_months, date_from="2019-01", date_to="2019-03")
    assert public.reached(sector="PRO") < everything.reached(sector="PRO")
    assert reached(context) == public.reached(sector="PRO")
    assert context.catalogue.call("reached", area="PRO") == public.reached(sector="PRO")
    assert context.catalogue.call("reached") == public.reached()
    assert context.unpublished == ("2019-02",)
    # The month's own figures are the month's.
    assert context.catalogue.call("reached_month", area="PRO") == 8


def test_the_report_says_which_months_it_leaves_out(three_months: Platform) -> None:
    from kipu.core.report.view import make_view

    for lang, sentence in (
        ("en", "Not published, so not counted in the figures of January–March 2019: "),
        ("es", "No publicado, por eso no contado en las cifras de enero–marzo de 2019: "),
    ):
        view = make_view(report_context(three_months, "2019-03", lang), {})
        assert view.figure_notes[0].startswith(sentence)


def test_a_draft_of_an_open_month_counts_it_and_the_published_ones(three_months: Platform) -> None:
    """A draft is read before its month is published: the month itself counts, earlier open
    months do not."""
    counted, left = counted_months(three_months, "2019-02")
    assert counted == {"2019-01", "2019-02"} and left == ()
    counted, left = counted_months(three_months, "2019-04")
    assert counted == {"2019-01", "2019-03", "2019-04"} and left == ("2019-02",)


def test_publishing_an_earlier_month_makes_the_report_stale(three_months: Platform) -> None:
    before = month_data(three_months, "2019-03").fingerprint
    publish(three_months, "2019-02")
    assert month_data(three_months, "2019-03").fingerprint != before
    context = report_context(three_months, "2019-03")
    assert context.unpublished == ()
    assert reached(context) == platform_figures(
        three_months, date_from="2019-01", date_to="2019-03"
    ).reached(sector="PRO")


def test_the_counts_are_january_and_march(three_months: Platform) -> None:
    """January's 4 new people and March's 8, not February's 20."""
    assert reached(report_context(three_months, "2019-03")) == 12


def test_an_intersector_above_its_areas_in_january_is_said_once() -> None:
    """In the year's first month the year to date is the month: the report said "January
    2021: the people reached in all (4) are more than the sum of the areas (2)" twice (a
    re-tester's); other months say the year's and the month's each."""
    from types import SimpleNamespace

    from kipu.web.reports.context import _qualifiers

    def figures(start: str) -> SimpleNamespace:
        return SimpleNamespace(date_from=start, notes=[], above_sectors=lambda: (4, 2))

    january = _qualifiers(figures("2021-01"), figures("2021-01"),
                          (figures("2021-01"), figures("2021-01")), ())  # fmt: skip
    assert january["above_sectors"] == [("year", 4, 2)]
    march = _qualifiers(figures("2021-01"), figures("2021-03"),
                        (figures("2021-01"), figures("2021-03")), ())  # fmt: skip
    assert march["above_sectors"] == [("year", 4, 2), ("month", 4, 2)]
