"""The audit log: what `record` keeps, snapshots, filters, and who may read the page."""

from __future__ import annotations

import datetime as dt
import decimal

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.test import Client
from django.utils import timezone

from kipu.web.audit.models import AuditEvent
from kipu.web.audit.queries import audit_events, events_about
from kipu.web.audit.services import json_safe, record, snapshot
from kipu.web.plans.models import Target
from kipu.web.platforms.models import Organisation


def test_record_keeps_actor_object_and_changes(platform, admin) -> None:  # noqa: ANN001
    org = Organisation.objects.get(external_id="ORG901")
    before = snapshot(org)
    org.acronym = "PA-NEW"
    org.save()
    event = record(
        admin, "rename_organisation", org, before, snapshot(org), platform, "typo", ip="10.1.2.3"
    )
    event.refresh_from_db()
    assert (event.actor, event.actor_label, event.action) == (
        admin,
        "im.admin",
        "rename_organisation",
    )
    assert (event.object_type, event.object_id) == ("platforms.organisation", str(org.pk))
    assert event.object_repr == "PA-NEW"
    assert event.before["acronym"] == "PA" and event.after["acronym"] == "PA-NEW"
    assert event.changes == [("acronym", "PA", "PA-NEW")]
    assert (event.platform, event.ip, event.note) == (platform, "10.1.2.3", "typo")
    assert list(events_about(org)) == [event]


def test_record_without_a_user(platform) -> None:  # noqa: ANN001
    assert record(None, "load_plan", platform).actor_label == "system"
    cli = record("cli:maria", "load_plan", platform)
    assert (cli.actor, cli.actor_label, cli.platform) == (None, "cli:maria", platform)
    assert record(AnonymousUser(), "view_page").actor_label == "anonymous"


def test_platform_is_taken_from_the_object(platform) -> None:  # noqa: ANN001
    plan = platform.plans.get()
    assert record(None, "edit_plan", plan).platform == platform


def test_snapshot_is_json_safe_and_keeps_no_secrets(platform, admin) -> None:  # noqa: ANN001
    plan = platform.plans.get()
    target = Target.objects.create(
        plan=plan, sector=plan.sectors.get(), budget_usd=decimal.Decimal("12.50")
    )
    data = snapshot(target)
    assert data["budget_usd"] == "12.50" and data["sector_id"] == target.sector_id
    user = snapshot(admin)
    assert "password" not in user and isinstance(user["date_joined"], str)
    assert snapshot(platform, fields=["slug"]) == {"slug": "gtrm-audit"}
    assert json_safe({"when": dt.date(2019, 5, 1), 3: {1, 2}}) == {
        "when": "2019-05-01",
        "3": [1, 2],
    }


def test_queries_filter(platform, admin, make_platform) -> None:  # noqa: ANN001
    other = make_platform("gtrm-elsewhere", year=2020)
    record(admin, "assign_role", platform)
    record(None, "load_plan", other)
    old = record(None, "lock_month", platform)
    AuditEvent.objects.filter(pk=old.pk).update(at=timezone.now() - dt.timedelta(days=40))
    mine = audit_events(platforms=platform)
    assert {e.action for e in mine} >= {"assign_role", "lock_month"}
    assert not mine.filter(platform=other).exists()
    assert list(audit_events(platforms=[platform], actor="im.admin", action="assign_role"))
    since = timezone.now().date() - dt.timedelta(days=10)
    assert not audit_events(platforms=platform, since=since).filter(action="lock_month").exists()
    until = timezone.now().date() - dt.timedelta(days=30)
    assert [e.action for e in audit_events(platforms=platform, until=until)] == ["lock_month"]
    assert audit_events(object_type="platforms.platform").count() == 3


@pytest.mark.parametrize(("who", "status"), [("partner", 403), ("viewer", 403), ("admin", 200)])
def test_audit_page_permissions(
    client: Client,
    request,
    platform,
    who,
    status,  # noqa: ANN001
) -> None:
    client.force_login(request.getfixturevalue(who))
    assert client.get("/console/audit/").status_code == status


def test_audit_page_sends_anonymous_visitors_to_login(client: Client, platform) -> None:  # noqa: ANN001
    response = client.get("/console/audit/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_audit_page_shows_and_filters_events(
    client: Client,
    platform,
    admin,
    make_platform,  # noqa: ANN001
) -> None:
    other = make_platform("gtrm-elsewhere", year=2020)
    record(admin, "deactivate_user", admin, {"is_active": True}, {"is_active": False}, platform)
    record(None, "secret_elsewhere", other)
    client.force_login(admin)
    html = client.get("/console/audit/").content.decode()
    assert "deactivate_user" in html and "is_active" in html
    assert "secret_elsewhere" not in html
    filtered = client.get("/console/audit/", {"action": "assign_role"}).content.decode()
    assert ">Account deactivated</td>" not in filtered and ">Role given</td>" in filtered
    assert client.get("/console/audit/", {"platform": other.slug}).status_code == 403


def test_audit_page_paginates(client: Client, platform, admin) -> None:  # noqa: ANN001
    AuditEvent.objects.bulk_create(
        AuditEvent(platform=platform, action="touch_thing", actor_label="x") for _ in range(120)
    )
    client.force_login(admin)
    page = client.get("/console/audit/", {"page": 3}).content.decode()
    assert "Page 3 of 3" in page


def test_superuser_sees_events_without_a_platform(client: Client, platform) -> None:  # noqa: ANN001
    record(None, "lock_login", note="username 'x'")
    root = User.objects.create_superuser("root", "root@example.org", "x")
    client.force_login(root)
    assert "lock_login" in client.get("/console/audit/").content.decode()


def test_changes_go_into_fields_that_hold_fields(platform) -> None:  # noqa: ANN001
    """An edit's `{"target": {...}}` and a plan reload's entries were shown as whole Python
    dictionaries (`{'HE PE15': [300, 200, '10.50'], ...}`, 80 KB for a plan): only what
    changed is shown, each under its name, a list as its values."""
    edit = AuditEvent(
        before={"target": {"people_in_need": 5, "people_targeted": 50, "budget_usd": None}},
        after={"target": {"people_in_need": 100, "people_targeted": 50, "budget_usd": "10.50"}},
    )
    assert edit.changes == [
        ("target › budget_usd", None, "10.50"),
        ("target › people_in_need", 5, 100),
    ]
    entries = AuditEvent(
        before={"targets": {"ED country": [None, 400, None], "HE PE15": None}},
        after={"targets": {"ED country": [None, 450, None], "HE PE15": [10, 20, "1.50"]}},
    )
    assert entries.changes == [
        ("targets › ED country", "–, 400, –", "–, 450, –"),
        ("targets › HE PE15", None, "10, 20, 1.50"),
    ]
    created = AuditEvent(before=None, after={"name": "Plan", "year": 2026})
    assert created.changes == [("name", None, "Plan"), ("year", None, 2026)]


def test_changes_that_compare_equal_are_still_changes() -> None:
    """`True` → `1` and `{}` → `None` compare equal or hold nothing: the cell was empty."""
    assert AuditEvent(before={"a": True}, after={"a": 1}).changes == [("a", True, 1)]
    assert AuditEvent(before={"a": {}}, after={"a": None}).changes == [("a", {}, None)]
