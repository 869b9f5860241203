"""A report version rendered before its month's data changed (a partner's new version, a
withdrawn one, a reopened month) is stale: both publish paths show it as stale and the service
refuses it, so the public never sees figures that are not the current data's. Rendering again
makes it publishable."""

from __future__ import annotations

from html import unescape

import pytest
from django.test import Client

from kipu.web.audit.models import AuditEvent
from kipu.web.platforms.models import Platform
from kipu.web.reports import services
from kipu.web.reports.models import ReportVersion
from kipu.web.reports.queries import month_data
from kipu.web.reports.services import StaleReport, publish_reports, render_versions
from kipu.web.submissions.models import Submission
from kipu.web.submissions.months import lock_month, publish_month, reopen_month

MONTH = "2019-11"
PUBLISH = f"/console/reports/gtrm-peru/{MONTH}/publish/"


@pytest.fixture(autouse=True)
def html_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Staleness is about the data a version was rendered from, not its files: versions are
    rendered as HTML only here (the PDF and Word files take seconds a language; they are
    rendered by test_editor_jobs.py and test_demo_report.py)."""
    monkeypatch.setattr(services, "FORMATS", ("html",))


def new_partner_version(platform: Platform) -> None:
    """A partner replaces its month's data (here: a new version without the old rows)."""
    old = Submission.objects.filter(platform=platform, month=MONTH, status="current").first()
    assert old is not None, "the demo has data for the month"
    old.status = Submission.Status.SUPERSEDED
    old.save(update_fields=["status"])
    Submission.objects.create(
        platform=platform, organisation=old.organisation, month=MONTH, status="current",
        replaces=old,
    )  # fmt: skip


def test_a_new_submission_makes_a_rendered_version_stale_until_rendered_again(
    demo: Platform,
) -> None:
    (first,) = render_versions(demo, MONTH, ["en"])
    assert first.data_fingerprint == month_data(demo, MONTH).fingerprint
    assert not month_data(demo, MONTH).is_stale(first)
    new_partner_version(demo)
    lock_month(demo, MONTH, "test")
    publish_month(demo, MONTH, "test")
    with pytest.raises(StaleReport, match="rendered before the data changed on .*render it again"):
        publish_reports(demo, MONTH, {"en": 1}, None, without=["es"])
    first.refresh_from_db()
    assert not first.published  # nothing changed
    assert not AuditEvent.objects.filter(action="publish_report").exists()
    (second,) = render_versions(demo, MONTH, ["en"])
    assert publish_reports(demo, MONTH, {"en": second.number}, None, without=["es"]) == [second]
    second.refresh_from_db()
    assert second.published
    assert second.figures != first.figures  # the public sees the current data's figures


def test_reopening_the_month_makes_a_rendered_version_stale(demo: Platform) -> None:
    (rendered,) = render_versions(demo, MONTH, ["en"])
    lock_month(demo, MONTH, "test")
    reopen_month(demo, MONTH, "test", "a partner's figures were wrong")
    assert month_data(demo, MONTH).is_stale(rendered)


def test_a_version_without_a_fingerprint_is_stale_when_the_data_changed_after_it(
    demo: Platform,
) -> None:
    legacy = ReportVersion.objects.create(
        platform=demo, month=MONTH, lang="en", number=1, folder="reports/old"
    )
    assert not month_data(demo, MONTH).is_stale(legacy)
    new_partner_version(demo)
    assert month_data(demo, MONTH).is_stale(legacy)


def test_the_editor_shows_a_stale_version_and_never_publishes_it(
    admin_client: Client, demo: Platform
) -> None:
    render_versions(demo, MONTH, ["en", "es"])
    new_partner_version(demo)
    lock_month(demo, MONTH, "test")
    publish_month(demo, MONTH, "test")
    html = unescape(admin_client.get(PUBLISH).content.decode())
    assert html.count('data-stale="1"') == 2
    assert "rendered before the data changed on" in html and "render it again" in html
    assert '<option value="1" disabled>' in html  # neither chosen nor choosable
    assert '<option value="" selected>' in html
    # A form that posts it anyway: refused, nothing changes.
    response = admin_client.post(PUBLISH, {"version-en": 1, "version-es": 1})
    shown = unescape(response.content.decode())
    assert "Nothing was published: version 1 (en) was rendered before the data changed" in shown
    assert not ReportVersion.objects.filter(published=True).exists()
    spanish = unescape(admin_client.get(PUBLISH, HTTP_ACCEPT_LANGUAGE="es").content.decode())
    assert "antes de que cambiaran los datos" in spanish
    # Rendered again: ready, pre-selected and published.
    render_versions(demo, MONTH, ["en", "es"])
    html = unescape(admin_client.get(PUBLISH).content.decode())
    assert "data-stale" not in html and '<option value="2" selected>' in html
    response = admin_client.post(PUBLISH, {"version-en": 2, "version-es": 2})
    assert response.status_code == 302
    published = ReportVersion.objects.filter(published=True)
    assert sorted(published.values_list("lang", "number")) == [("en", 2), ("es", 2)]
