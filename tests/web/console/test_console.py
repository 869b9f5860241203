"""The IM console: completeness grid, the deadline, its pages, and the demonstration workflow
(month changes, counts, issues and reminders have their own files here)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from web_actors import client_for

from kipu.web.audit.models import AuditEvent
from kipu.web.console import queries, services
from kipu.web.platforms.models import Membership
from kipu.web.submissions.models import MonthStatus, Submission

pytestmark = pytest.mark.django_db
Q = "?platform=gtrm-test"


def test_completeness_statuses(platform, org_a, org_b, rows, rejected, stamp) -> None:  # noqa: ANN001
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


def test_deadline_day_is_configurable(platform, org_a, rows, admin, stamp) -> None:  # noqa: ANN001
    stamp(rows(platform, org_a, month="2019-12"), dt.date(2020, 1, 14))
    assert queries.completeness(platform, ["2019-12"]).rows[0].cells[0].status == "late"
    services.save_schedule(platform, 15, [], admin)
    assert queries.completeness(platform, ["2019-12"]).rows[0].cells[0].status == "reported"
    event = AuditEvent.objects.get(action="edit_schedule")
    assert event.before == {"deadline_day": 10, "remind_days": []}
    assert event.after == {"deadline_day": 15, "remind_days": []}


def test_a_late_replacement_of_an_on_time_month_stays_on_time(platform, org_a, rows, stamp) -> None:  # noqa: ANN001
    first = rows(platform, org_a, month="2019-05", status="superseded")
    stamp(first, dt.date(2019, 6, 2))
    stamp(rows(platform, org_a, month="2019-05"), dt.date(2019, 8, 1))
    assert queries.completeness(platform, ["2019-05"]).rows[0].cells[0].status == "reported"


def test_console_pages_render(platform, admin, org_a, rows, stamp) -> None:  # noqa: ANN001
    stamp(rows(platform, org_a, month="2019-05"), dt.date(2019, 6, 9))
    client = client_for(admin)
    for url in ("/console/", "/console/completeness/", "/console/issues/"):
        page = client.get(f"{url}{Q}&year=2019")
        assert page.status_code == 200, url
    grid = client.get(f"/console/completeness/{Q}").content.decode()
    assert ">PA<" in grid and "status-missing" in grid
    # Dates name their month: 9 June is never 06/09 (read as 6 September elsewhere).
    assert "06/09/2019" not in grid and "09/06/2019" not in grid
    assert re.search(r"(June 9, 2019|9 June 2019)", grid)
    index = client.get(f"/console/{Q}").content.decode()
    assert "Review and lock" in index and "May 2019" in index
    client.cookies["django_language"] = "es"
    assert "mayo de 2019" in client.get(f"/console/{Q}").content.decode()
    grid = client.get(f"/console/completeness/{Q}").content.decode()
    assert "9 de junio de 2019" in grid and "reportado" in grid


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


def test_a_deadline_set_in_report_config_moves_to_the_schedule(platform) -> None:  # noqa: ANN001
    """Migration 0002 keeps every platform's deadline when it moves into the schedule."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "kipu.web.console.migrations.0002_deadline_day_from_report_config"
    )
    platform.report_config = {"deadline_day": "15"}
    platform.save()
    migration.copy_deadlines(apps, None)
    assert queries.deadline_day(platform) == 15
    platform.report_config = {"deadline_day": 20}
    platform.save()
    migration.copy_deadlines(apps, None)  # a schedule set already is left as it is
    assert queries.deadline_day(platform) == 15
