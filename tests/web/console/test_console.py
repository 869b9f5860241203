"""The IM console: completeness grid, reminders, issues across partners, month actions, and the
demonstration workflow."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone
from web_actors import client_for, record_5w, write_5w

from kipu.web.audit.models import AuditEvent
from kipu.web.console import queries, services
from kipu.web.platforms.models import Membership
from kipu.web.portal.services import upload_submission
from kipu.web.submissions.models import MonthStatus, Submission

pytestmark = pytest.mark.django_db
Q = "?platform=gtrm-test"


def at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, 12))


def stamp(submission: Submission, day: dt.date) -> None:
    Submission.objects.filter(pk=submission.pk).update(uploaded_at=at(day))


@pytest.fixture
def rejected(platform, org_b, partner_b, tmp_path):  # noqa: ANN001, ANN201
    path = write_5w(
        platform,
        tmp_path / "pb.xlsx",
        [record_5w("ORG902", "2019-06")],
        broken={(0, "Indicator Indicator"): "NOPE"},
    )
    return upload_submission(platform, org_b, "2019-06", path, partner_b).submission


def test_completeness_statuses(platform, org_a, org_b, rows, rejected) -> None:  # noqa: ANN001
    stamp(rows(platform, org_a, month="2019-05"), dt.date(2019, 6, 10))  # on the deadline day
    stamp(rows(platform, org_a, month="2019-06"), dt.date(2019, 7, 11))  # a day late
    Membership.objects.filter(organisation=org_b).update(start_date=dt.date(2019, 6, 15))
    grid = queries.completeness(platform, ["2019-05", "2019-06", "2019-07"])
    cells = {(r.organisation.key, c.month): c.status for r in grid.rows for c in r.cells}
    assert cells == {
        ("ORG901", "2019-05"): "reported",
        ("ORG901", "2019-06"): "late",
        ("ORG901", "2019-07"): "missing",
        ("ORG902", "2019-05"): "not-expected",
        ("ORG902", "2019-06"): "rejected",
        ("ORG902", "2019-07"): "missing",
    }
    assert grid.totals["2019-06"] == {"late": 1, "rejected": 1}
    assert [(o.key, s) for o, s in grid.to_remind("2019-06")] == [("ORG902", "rejected")]


def test_deadline_day_is_configurable(platform, org_a, rows) -> None:  # noqa: ANN001
    stamp(rows(platform, org_a, month="2019-12"), dt.date(2020, 1, 14))
    assert queries.completeness(platform, ["2019-12"]).rows[0].cells[0].status == "late"
    platform.report_config = {"deadline_day": 15}
    platform.save()
    assert queries.completeness(platform, ["2019-12"]).rows[0].cells[0].status == "reported"


def test_a_late_replacement_of_an_on_time_month_stays_on_time(platform, org_a, rows) -> None:  # noqa: ANN001
    first = rows(platform, org_a, month="2019-05", status="superseded")
    stamp(first, dt.date(2019, 6, 2))
    stamp(rows(platform, org_a, month="2019-05"), dt.date(2019, 8, 1))
    assert queries.completeness(platform, ["2019-05"]).rows[0].cells[0].status == "reported"


def test_reminder_drafts_and_sending(platform, admin, org_a, org_b, partner_a, rejected) -> None:  # noqa: ANN001
    grid = queries.completeness(platform, ["2019-06"])
    drafts = services.reminder_drafts(platform, "2019-06", grid.to_remind("2019-06"))
    by_org = {d.organisation.key: d for d in drafts}
    assert by_org["ORG901"].recipients == ["partner.pa@example.org"]
    assert "not yet received" in by_org["ORG901"].body and "July 10, 2019" in by_org["ORG901"].body
    assert "has errors" in by_org["ORG902"].body
    spanish = services.reminder_drafts(platform, "2019-06", grid.to_remind("2019-06"), lang="es")
    assert "junio" in spanish[0].subject.lower()
    client = client_for(admin)
    page = client.get(f"/console/reminders/{Q}&month=2019-06").content.decode()
    assert "partner.pa@example.org" in page
    response = client.post(
        f"/console/reminders/{Q}&month=2019-06", {"organisation": [org_a.pk, org_b.pk]}
    )
    assert response.status_code == 302
    assert len(mail.outbox) == 2
    assert AuditEvent.objects.filter(action="send_reminder", actor=admin).count() == 2


def test_issues_across_partners(platform, admin, org_a, rejected, tmp_path, partner_a) -> None:  # noqa: ANN001
    bad = write_5w(
        platform,
        tmp_path / "pa.xlsx",
        [record_5w(month="2019-07")],
        broken={(0, "Country Admin1"): "Atlantis"},
    )
    upload_submission(platform, org_a, "2019-07", bad, partner_a)
    found = queries.all_issues(platform)
    assert found.by_code == {"unknown-admin1": 1, "unknown-indicator": 1}
    assert {i["submission"].organisation.key for i in found.issues} == {"ORG901", "ORG902"}
    only = queries.all_issues(platform, code="unknown-admin1")
    assert [i["value"] for i in only.issues] == ["Atlantis"]
    assert only.by_code["unknown-indicator"] == 1  # counts ignore the code filter
    assert len(queries.all_issues(platform, organisation=org_a.pk).issues) == 1
    assert len(queries.all_issues(platform, month="2019-06").issues) == 1
    # A fixed upload replaces the rejected one in the list: superseded and stored rows are clean.
    good = write_5w(platform, tmp_path / "pa-ok.xlsx", [record_5w(month="2019-07")])
    upload_submission(platform, org_a, "2019-07", good, partner_a)
    Submission.objects.filter(organisation=org_a, status="rejected").update(status="superseded")
    assert queries.all_issues(platform).by_code == {"unknown-indicator": 1}
    page = client_for(admin).get(f"/console/issues/{Q}&code=unknown-indicator").content.decode()
    assert "NOPE" in page and "Partner B" not in page or "PB" in page


def test_month_actions_are_audited(platform, admin) -> None:  # noqa: ANN001
    client = client_for(admin)
    assert client.post(f"/console/months/2019-05/lock/{Q}").status_code == 302
    assert MonthStatus.objects.get(month="2019-05").status == "locked"
    client.post(f"/console/months/2019-05/publish/{Q}")
    assert MonthStatus.objects.get(month="2019-05").status == "published"
    again = client.post(f"/console/months/2019-05/lock/{Q}", follow=True).content.decode()
    assert "cannot lock month" in again
    assert client.post(f"/console/months/2019-05/reopen/{Q}", {"reason": " "}).status_code == 400
    assert MonthStatus.objects.get(month="2019-05").status == "published"
    client.post(f"/console/months/2019-05/reopen/{Q}", {"reason": "Partner B corrected Lima"})
    assert MonthStatus.objects.get(month="2019-05").status == "open"
    actions = list(
        AuditEvent.objects.filter(platform=platform, action__endswith="_month")
        .order_by("at")
        .values_list("action", "note")
    )
    assert actions == [
        ("lock_month", ""),
        ("publish_month", ""),
        ("reopen_month", "Partner B corrected Lima"),
    ]
    assert client.post(f"/console/months/2019-13/lock/{Q}").status_code == 404
    assert client.get(f"/console/months/2019-05/lock/{Q}").status_code == 405


def test_console_pages_render(platform, admin, org_a, rows) -> None:  # noqa: ANN001
    rows(platform, org_a, month="2019-05")
    client = client_for(admin)
    for url in ("/console/", "/console/completeness/", "/console/issues/"):
        page = client.get(f"{url}{Q}&year=2019")
        assert page.status_code == 200, url
    grid = client.get(f"/console/completeness/{Q}").content.decode()
    assert ">PA<" in grid and "status-missing" in grid
    index = client.get(f"/console/{Q}").content.decode()
    assert "Approve and lock" in index and "May 2019" in index
    client.cookies["django_language"] = "es"
    assert "mayo de 2019" in client.get(f"/console/{Q}").content.decode()


@pytest.mark.slow
def test_demo_workflow(settings) -> None:  # noqa: ANN001
    from kipu.web.console.demo_workflow import stage_demo_workflow
    from kipu.web.site.services import load_demo

    platform = load_demo()
    done = stage_demo_workflow(platform, "system:demo")
    statuses = dict(MonthStatus.objects.filter(platform=platform).values_list("month", "status"))
    assert statuses == {f"2019-{n:02d}": "published" for n in range(1, 12)}
    december = queries.completeness(platform, ["2019-12"]).totals["2019-12"]
    assert december["rejected"] == 3 and december["reported"] + december["late"] > 0
    assert len(done["not_reported"]) == 5
    rejected = Submission.objects.filter(platform=platform, status="rejected")
    assert rejected.count() == 3
    assert all(not s.report["valid"] for s in rejected)
    assert queries.all_issues(platform).by_code
