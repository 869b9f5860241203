"""A published report is never shown built from other rows than its month's public figures.

A national platform published a month and its report; a local platform under it then stored
rows of the month and published them: the month was public again, and so was the old report,
rendered without the local platform's rows (its people reached short of the dashboard's).
The report's data fingerprint now covers the rows of the whole view: such a version is
stale, withdrawn when the month is published again (audited), never shown meanwhile, and
the IM team is told to render it again."""

from __future__ import annotations

import pytest
from django.test import Client
from release_rows import MONTH, plans, release, store  # noqa: F401 (plans: autouse)
from web_actors import client_for, make_user

from kipu.web.accounts.services import assign_role
from kipu.web.audit.models import AuditEvent
from kipu.web.platforms.models import Platform
from kipu.web.reports import services
from kipu.web.reports.models import ReportVersion
from kipu.web.reports.queries import month_data
from kipu.web.reports.services import publish_reports, render_versions

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def html_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(services, "FORMATS", ("html",))


def published_report(platform: Platform) -> ReportVersion:
    (version,) = render_versions(platform, MONTH, ["en"])
    publish_reports(platform, MONTH, {"en": version.number}, None, without=["es"])
    version.refresh_from_db()
    assert version.published
    return version


def public_reports(slug: str) -> tuple[list[str], int]:
    """The public report list's links to the version, and its figures' status."""
    client = Client()
    html = client.get(f"/reports/?platform={slug}").content.decode()
    figures = client.get(f"/reports/{slug}/{MONTH}/en/v1/figures.json")
    return [line for line in html.splitlines() if f"{MONTH}/en/v1/" in line], figures.status_code


def people_reached(slug: str) -> int:
    url = f"/dashboard/{slug}/data.json?from={MONTH}&to={MONTH}"
    return Client().get(url).json()["key_figures"]["people_reached"]


def test_a_report_rendered_without_rows_released_later_is_not_shown(region) -> None:  # noqa: ANN001
    peru, tumbes = region["peru"], region["tumbes"]
    store(peru, "PE15", 40)
    release(peru)
    old = published_report(peru)
    assert public_reports("gtrm-peru")[1] == 200
    store(tumbes, "PE24", 7)  # Tumbes reports the month after Peru published it
    assert public_reports("gtrm-peru") == ([], 404)  # the month is withheld
    release(tumbes)
    assert people_reached("gtrm-peru") == 47
    # Public again: the old report (40 people) is not.
    assert public_reports("gtrm-peru") == ([], 404)
    old.refresh_from_db()
    assert not old.published
    withdrawn = AuditEvent.objects.get(action="withdraw_report", object_id=str(old.pk))
    assert "changed since it was rendered" in withdrawn.note
    # The IM team is told, and a version rendered again is published with Tumbes' rows.
    admin = make_user("admin.peru")
    assign_role(admin, peru, "admin")
    console = client_for(admin).get("/console/?platform=gtrm-peru&year=2021").content.decode()
    assert "data-withdrawn-stale" in console and "rows of its month changed" in console
    new = published_report(peru)
    assert new.number == 2 and new.figures != old.figures
    assert Client().get(f"/reports/gtrm-peru/{MONTH}/en/v2/figures.json").status_code == 200


def test_rows_stored_above_make_a_local_report_stale(region) -> None:  # noqa: ANN001
    """The other way round: Tumbes' report, then Peru stores rows in Tumbes' area."""
    peru, tumbes = region["peru"], region["tumbes"]
    store(tumbes, "PE24", 7)
    release(tumbes)
    old = published_report(tumbes)
    store(peru, "PE24", 100)
    assert month_data(tumbes, MONTH).is_stale(old)
    release(peru)
    assert people_reached("gtrm-tumbes") == 107
    assert public_reports("gtrm-tumbes") == ([], 404)
    old.refresh_from_db()
    assert not old.published


def test_a_stale_published_version_is_never_shown_even_before_it_is_withdrawn(region) -> None:  # noqa: ANN001
    """Rows changing in an earlier month of the year (the report's year to date) on a
    platform under this one: the month stays public, its report does not."""
    peru, tumbes = region["peru"], region["tumbes"]
    store(peru, "PE15", 40)
    release(peru)
    old = published_report(peru)
    store(tumbes, "PE24", 7, month="2021-02")  # not published: nothing is withdrawn
    old.refresh_from_db()
    assert old.published
    assert public_reports("gtrm-peru") == ([], 404)
    admin = make_user("admin.peru")
    assign_role(admin, peru, "admin")
    console = client_for(admin).get("/console/?platform=gtrm-peru&year=2021").content.decode()
    assert "data-stale-published" in console and "not public" in console


def test_a_report_of_unchanged_rows_stays_public(region) -> None:  # noqa: ANN001
    peru, tumbes = region["peru"], region["tumbes"]
    store(peru, "PE15", 40)
    release(peru)
    published_report(peru)
    release(tumbes)  # Tumbes has no rows: nothing changes for Peru
    assert public_reports("gtrm-peru")[1] == 200
    assert not AuditEvent.objects.filter(action="withdraw_report").exists()
