"""Roles, deactivation and demo accounts."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from kipu.web.accounts.models import Role
from kipu.web.accounts.queries import admin_platforms, roles_of
from kipu.web.accounts.services import (
    RoleError,
    assign_role,
    create_demo_accounts,
    revoke_role,
)
from kipu.web.audit.models import AuditEvent
from kipu.web.platforms.models import Organisation, Platform
from kipu.web.platforms.services import add_platform

from .conftest import PASSWORD


def test_roles_on_several_platforms(platform, other_platform, admin) -> None:  # noqa: ANN001
    assign_role(admin, other_platform, "viewer")
    assert {(r.platform.slug, r.role) for r in roles_of(admin)} == {
        ("gtrm-test", "admin"),
        ("gtrm-other", "viewer"),
    }
    assert list(admin_platforms(admin)) == [platform]


def test_reassigning_replaces_the_role_and_is_audited(
    platform,
    partner_a,
    admin,
    org_b,  # noqa: ANN001
) -> None:
    assign_role(partner_a, platform, "partner", organisation=org_b, actor=admin)
    role = Role.objects.get(user=partner_a)
    assert role.organisation == org_b
    event = AuditEvent.objects.filter(action="assign_role", actor=admin).get()
    assert event.before["organisation_id"] != event.after["organisation_id"]
    assert event.after["organisation_id"] == org_b.pk
    assert event.platform == platform
    revoke_role(role, actor=admin, note="left the organisation")
    assert not Role.objects.filter(user=partner_a).exists()
    assert AuditEvent.objects.get(action="revoke_role").note == "left the organisation"


@pytest.mark.parametrize(
    ("role", "kwargs", "message"),
    [
        ("boss", {}, "unknown role"),
        ("partner", {}, "needs an organisation"),
        ("viewer", {"sectors": ["PRO"]}, "only coordinators"),
        ("coordinator", {"sectors": ["NOPE"]}, "unknown sector codes"),
    ],
)
def test_nonsensical_roles_are_refused(platform, role, kwargs, message) -> None:  # noqa: ANN001
    user = User.objects.create_user("someone")
    with pytest.raises(RoleError, match=message):
        assign_role(user, platform, role, **kwargs)


def test_partner_organisation_must_be_a_member(platform) -> None:  # noqa: ANN001
    outsider = Organisation.objects.create(name_en="Outsider")
    with pytest.raises(RoleError, match="not a member"):
        assign_role(User.objects.create_user("x"), platform, "partner", organisation=outsider)


def test_deactivation_blocks_login_and_is_audited(
    client: Client,
    admin,
    partner_a,
    platform,  # noqa: ANN001
) -> None:
    signed_in = Client()
    signed_in.force_login(partner_a)
    client.force_login(admin)
    url = f"/accounts/platform/{platform.slug}/users/{partner_a.pk}/deactivate/"
    assert client.get(url).status_code == 200
    assert client.post(url, {"reason": "left the organisation"}).status_code == 302
    partner_a.refresh_from_db()
    assert not partner_a.is_active
    event = AuditEvent.objects.get(action="deactivate_user")
    assert (event.actor, event.platform, event.note) == (admin, platform, "left the organisation")
    assert event.before["is_active"] is True and event.after["is_active"] is False
    assert "password" not in event.before
    login = Client().post("/accounts/login/", {"username": "partner.pa", "password": PASSWORD})
    assert login.status_code == 200
    assert signed_in.get("/accounts/").status_code == 302  # the open session ends too


def test_only_admins_of_all_the_users_platforms_deactivate(
    client: Client,
    admin,
    partner_a,
    viewer,
    platform,
    other_platform,  # noqa: ANN001
) -> None:
    assign_role(partner_a, other_platform, "viewer")
    client.force_login(admin)
    url = f"/accounts/platform/{platform.slug}/users/{partner_a.pk}/deactivate/"
    assert client.post(url, {"reason": "x"}).status_code == 403
    own = f"/accounts/platform/{platform.slug}/users/{admin.pk}/deactivate/"
    assert client.post(own, {"reason": "x"}).status_code == 403
    client.force_login(viewer)
    target = f"/accounts/platform/{platform.slug}/users/{admin.pk}/deactivate/"
    assert client.post(target, {"reason": "x"}).status_code == 403
    assert User.objects.filter(is_active=False).count() == 0


def test_demo_accounts_one_per_role(client: Client, db) -> None:  # noqa: ANN001
    from kipu.web.site.services import load_demo

    load_demo()
    platform = Platform.objects.get(synthetic=True)
    made = create_demo_accounts(platform)
    assert [role for role, _, _ in made] == ["admin", "coordinator", "partner", "viewer"]
    usernames = [name for _, name, _ in made]
    assert usernames[0] == "im.admin" and usernames[1] == "coordinator.protection"
    assert usernames[2].startswith("partner.") and usernames[3] == "viewer"
    role, username, password = made[2]
    response = client.post("/accounts/login/", {"username": username, "password": password})
    assert response.status_code == 302
    assert create_demo_accounts(platform, password="again")[0][2] == "again"  # idempotent


def test_demo_accounts_refused_on_a_real_platform(platform) -> None:  # noqa: ANN001
    with pytest.raises(RoleError, match="not synthetic"):
        create_demo_accounts(platform)


def test_demo_partner_on_a_small_synthetic_platform(make_platform) -> None:  # noqa: ANN001
    add_platform("tiny-demo", "Tiny", country="PER", synthetic=True)
    made = create_demo_accounts(Platform.objects.get(slug="tiny-demo"), password="p")
    assert [r for r, _, _ in made] == ["admin", "viewer"]


def test_an_admin_removes_a_role_on_their_platform_only(
    client: Client,
    admin,
    partner_a,
    viewer,
    platform,
    other_platform,  # noqa: ANN001
) -> None:
    elsewhere = assign_role(partner_a, other_platform, "viewer")
    role = Role.objects.get(user=partner_a, platform=platform)
    client.force_login(admin)
    people = client.get(f"/accounts/platform/{platform.slug}/people/").content.decode()
    url = f"/accounts/platform/{platform.slug}/roles/{role.pk}/remove/"
    assert url in people
    assert client.get(url).status_code == 200
    other = f"/accounts/platform/{platform.slug}/roles/{elsewhere.pk}/remove/"
    assert client.post(other).status_code == 404  # another platform's role
    own = Role.objects.get(user=admin, platform=platform)
    assert (
        client.post(f"/accounts/platform/{platform.slug}/roles/{own.pk}/remove/").status_code == 403
    )
    client.force_login(viewer)
    assert client.post(url).status_code == 403
    client.force_login(admin)
    assert client.post(url, {"reason": "changed organisation"}).status_code == 302
    assert list(roles_of(partner_a)) == [elsewhere]
    partner_a.refresh_from_db()
    assert partner_a.is_active  # the account stays
    event = AuditEvent.objects.get(action="revoke_role")
    assert (event.actor, event.platform, event.note) == (admin, platform, "changed organisation")
    assert event.before["role"] == "partner"
