"""Each platform releases the rows stored on it: a month another platform publishes is public
there only once every platform holding rows of its view in that month has published it too.

A local platform's IM team published December and so made public their national platform's
unpublished rows in their area (its open data listed every row), while the national platform
still showed the month as unpublished and its audit log said nothing."""

from __future__ import annotations

from itertools import product

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from release_rows import MONTH, plans, release, store  # noqa: F401 (plans: autouse)

from kipu.web.accounts.scope import Scope, public_months
from kipu.web.audit.models import AuditEvent
from kipu.web.platforms.models import Platform
from kipu.web.submissions.models import Activity, MonthStatus, Submission
from kipu.web.submissions.months import lock_month, publish_month, reopen_month

pytestmark = pytest.mark.django_db


def public_view(slug: str, month: str = MONTH) -> tuple[dict, int]:
    """(the dashboard's data for the month, the open data's status) as the public gets them."""
    client = Client()
    data = client.get(f"/dashboard/{slug}/data.json?from={month}&to={month}").json()
    package = client.get(f"/api/v1/opendata/{slug}/{month}/activities.csv")
    return data, package.status_code


def test_a_local_platform_cannot_release_its_national_platforms_rows(region) -> None:  # noqa: ANN001
    """Tumbes may publish first (its release is recorded), but the month is public there only
    once Peru, whose rows are in Tumbes' area, publishes it too."""
    peru, tumbes = region["peru"], region["tumbes"]
    store(peru, "PE24", 100)  # in Tumbes
    store(peru, "PE15", 40)  # in Lima: not Tumbes' view
    release(tumbes)
    assert Scope(tumbes).withheld_by(MONTH) == [peru]
    data, package = public_view("gtrm-tumbes")
    assert data["unpublished"] == [MONTH] and package == 404
    release(peru)
    data, package = public_view("gtrm-tumbes")
    assert data["unpublished"] == [] and package == 200
    assert data["key_figures"]["people_reached"] == 100, str(data)


def test_a_month_both_levels_hold_rows_of_can_be_published(region) -> None:  # noqa: ANN001
    """Peru waits for Tumbes (under it), never the other way round: with rows on both, both
    refusing made the month unpublishable."""
    peru, tumbes = region["peru"], region["tumbes"]
    store(peru, "PE24", 100)
    store(tumbes, "PE24", 7)
    lock_month(peru, MONTH, "cli:test")
    with pytest.raises(ValueError, match=r"GTRM Tumbes \(gtrm-tumbes\) holds rows"):
        publish_month(peru, MONTH, "cli:test")
    assert MonthStatus.objects.get(platform=peru, month=MONTH).status == "locked"
    release(tumbes)
    assert public_months(tumbes) == set()  # Peru's rows in Tumbes: not released yet
    publish_month(peru, MONTH, "cli:test")
    assert public_months(tumbes) == {MONTH} and public_months(peru) == {MONTH}
    data, _ = public_view("gtrm-peru")
    assert data["key_figures"]["people_reached"] == 107, str(data)


def test_rows_stored_after_a_publication_withhold_the_month(region) -> None:  # noqa: ANN001
    """A month published while the platform above held no rows of it is withdrawn from the
    public when such rows arrive, until their platform publishes the month too."""
    peru, tumbes = region["peru"], region["tumbes"]
    release(tumbes)
    assert public_months(tumbes) == {MONTH}
    store(peru, "PE24", 100)
    assert public_months(tumbes) == set()
    assert Scope(tumbes).withheld_by(MONTH) == [peru]
    data, package = public_view("gtrm-tumbes")
    assert data["unpublished"] == [MONTH] and package == 404
    release(peru)
    assert public_months(tumbes) == {MONTH}


def test_a_regional_platform_waits_for_its_national_platforms(region) -> None:  # noqa: ANN001
    r4v, peru = region["r4v"], region["peru"]
    store(peru, "PE15", 40)
    lock_month(r4v, MONTH, "cli:test")
    with pytest.raises(ValueError, match="gtrm-peru"):
        publish_month(r4v, MONTH, "cli:test")
    release(peru)
    publish_month(r4v, MONTH, "cli:test")
    assert public_months(r4v) == {MONTH}
    data, _ = public_view("r4v")
    assert data["key_figures"]["people_reached"] == 40, data["key_figures"]


def test_publishing_and_withdrawing_are_audited_where_the_rows_show(region) -> None:  # noqa: ANN001
    peru, tumbes, r4v = region["peru"], region["tumbes"], region["r4v"]
    store(peru, "PE24", 100)
    release(peru)
    release(tumbes)
    events = AuditEvent.objects.filter(action="publish_month")
    # Each publication shows on the three views: Peru's rows and Tumbes' are in each.
    assert sorted(events.values_list("platform__slug", flat=True)) == [
        "gtrm-peru", "gtrm-peru", "gtrm-tumbes", "gtrm-tumbes", "r4v", "r4v",
    ]  # fmt: skip
    reopen_month(peru, MONTH, "cli:test", "a partner's figures were wrong")
    reopened = AuditEvent.objects.filter(action="reopen_month")
    assert set(reopened.values_list("platform__slug", flat=True)) == {
        "gtrm-peru", "gtrm-tumbes", "r4v",
    }  # fmt: skip
    assert public_months(tumbes) == set()  # Peru's rows in Tumbes are no longer public
    assert public_months(r4v) == set()  # R4V never published the month


LEVELS = ("r4v", "peru", "tumbes")


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    stored=st.sets(st.sampled_from(list(product(LEVELS, ("PE24", "PE15"))))),
    published=st.sets(st.sampled_from(LEVELS)),
)
def test_a_public_month_shows_only_released_rows(region, stored, published) -> None:  # noqa: ANN001
    """Whatever is stored where and whoever published: a platform's public month holds rows
    of released platforms only, and a publication refused changes nothing."""
    Activity.objects.all().delete()
    Submission.objects.all().delete()
    MonthStatus.objects.all().delete()
    for level, pcode in stored:
        store(region[level], pcode, 10)
    for level in LEVELS:  # from the top down, as a response releases its figures
        lock_month(region[level], MONTH, "cli:test")
        if level in published:
            try:
                publish_month(region[level], MONTH, "cli:test")
            except ValueError:
                assert MonthStatus.objects.get(platform=region[level]).status == "locked"
    for level in LEVELS:
        scope = Scope(region[level])
        if MONTH not in scope.published_months:
            continue
        shown = scope.published_activities(Activity.objects.all())
        holders = {Platform.objects.get(pk=pk) for pk in shown.values_list("platform", flat=True)}
        assert all(MonthStatus.objects.get(platform=p).status == "published" for p in holders), (
            level,
            holders,
        )


def test_the_console_says_whom_a_publication_waits_for(region) -> None:  # noqa: ANN001
    from web_actors import client_for, make_user

    from kipu.web.accounts.services import assign_role

    peru, tumbes = region["peru"], region["tumbes"]
    store(tumbes, "PE24", 7)
    store(peru, "PE24", 100)
    pages = {}
    for platform in (peru, tumbes):
        admin = make_user(f"admin.{platform.slug}")
        assign_role(admin, platform, "admin")
        lock_month(platform, MONTH, "cli:test")
        url = f"/console/months/{MONTH}/publish/?platform={platform.slug}"
        pages[platform.slug] = client_for(admin).get(url).content.decode()
    national, local = pages["gtrm-peru"], pages["gtrm-tumbes"]
    # Peru waits for Tumbes, under it: no button to press.
    assert "data-waiting" in national and "GTRM Tumbes (gtrm-tumbes)" in national
    assert 'name="fingerprint"' not in national
    # Tumbes may publish, told that the month is public there once Peru publishes too.
    assert "data-above" in local and "GTRM Peru (gtrm-peru)" in local
    assert 'name="fingerprint"' in local


def _queries_of_public_months(platform: Platform) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        Scope(platform).published_months  # noqa: B018
    return len(captured.captured_queries)


def test_the_release_check_takes_a_few_queries_whatever_the_months_and_platforms(region) -> None:  # noqa: ANN001
    """Whether a month is public asked a query per other platform and per month it had not
    published: 395 queries for one open-data file with 168 such months. Now a few, however
    many months and platforms there are; the months found are the same."""
    from kipu.web.platforms.services import add_platform

    peru, tumbes = region["peru"], region["tumbes"]
    store(peru, "PE24", 100)
    release(tumbes)
    assert public_months(tumbes) == set()  # Peru's rows in Tumbes, not released
    few = _queries_of_public_months(tumbes)
    months = [f"{year}-{m:02}" for year in (2021, 2022) for m in range(1, 13)]
    for month in months[3:]:  # Tumbes publishes them all, Peru none (rows in some)
        if month.startswith("2021") and month[5:] in ("05", "09"):
            store(peru, "PE24", 5, month)
        release(tumbes, month)
    for slug in ("gtrm-piura", "gtrm-lima"):  # more platforms under Peru
        add_platform(slug, slug, country="PER", level="local", parent="gtrm-peru")
    release(peru, "2022-02")
    many = _queries_of_public_months(tumbes)
    assert many <= few + 1, (few, many)
    assert _queries_of_public_months(peru) <= few + 1
    expected = {m for m in months[3:] if m not in ("2021-05", "2021-09")}
    assert public_months(tumbes) == expected
    assert Scope(tumbes).withheld_months() == {m: [peru] for m in (MONTH, "2021-05", "2021-09")}
