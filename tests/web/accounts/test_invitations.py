"""Invitations: an admin invites an e-mail with a role; the link works once and expires."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django.utils import timezone

from kipu.web.accounts.models import Invitation, Role
from kipu.web.audit.models import AuditEvent

NEW_PASSWORD = "a-sturdy-passphrase-19"


def _invite(client: Client, platform, **data) -> str:  # noqa: ANN001
    response = client.post(f"/accounts/platform/{platform.slug}/invite/", data)
    assert response.status_code == 302, response.content.decode()
    link = re.search(r"https?://[^/]+(/accounts/invitation/\S+/)", mail.outbox[-1].body)
    assert link, mail.outbox[-1].body
    return link.group(1)


def test_invitation_end_to_end(client: Client, admin, platform, org_a) -> None:  # noqa: ANN001
    client.force_login(admin)
    path = _invite(
        client, platform, email="Focal@Example.org", role="partner", organisation=org_a.pk
    )
    assert mail.outbox[0].to == ["focal@example.org"]
    assert "Partner A" in mail.outbox[0].body or "PA" in mail.outbox[0].body
    people = client.get(f"/accounts/platform/{platform.slug}/people/").content.decode()
    assert "focal@example.org" in people

    invitee = Client()
    page = invitee.get(path)
    assert page.status_code == 200
    response = invitee.post(path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    user = User.objects.get(username="focal@example.org")
    role = Role.objects.get(user=user, platform=platform)
    assert (role.role, role.organisation) == ("partner", org_a)
    assert "_auth_user_id" in invitee.session
    assert Invitation.objects.get().accepted_by == user
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"invite_user", "create_user", "assign_role", "accept_invitation"} <= actions

    # One-time use.
    again = Client().get(path)
    assert again.status_code == 410
    assert "used already" in again.content.decode()
    signed_in = Client().post(
        "/accounts/login/", {"username": "focal@example.org", "password": NEW_PASSWORD}
    )
    assert signed_in.status_code == 302


def test_expired_and_tampered_links_are_refused(
    client: Client,
    admin,
    platform,
    monkeypatch,  # noqa: ANN001
) -> None:
    client.force_login(admin)
    path = _invite(client, platform, email="late@example.org", role="viewer")
    assert Client().get(path[:-3] + "xx/").status_code == 410
    later = timezone.now() + dt.timedelta(days=8)
    monkeypatch.setattr(timezone, "now", lambda: later)
    response = Client().get(path)
    assert response.status_code == 410
    assert "expired" in response.content.decode()


def test_invitation_for_an_existing_account_needs_that_account(
    client: Client,
    admin,
    viewer,
    platform,
    other_platform,  # noqa: ANN001
) -> None:
    from kipu.web.accounts.services import assign_role

    other_admin = User.objects.create_user("other.admin", "oa@example.org", "x")
    assign_role(other_admin, other_platform, "admin")
    client.force_login(other_admin)
    path = _invite(client, other_platform, email=viewer.email, role="viewer")
    stranger = Client()
    page = stranger.get(path)
    assert "Sign in with it" in page.content.decode()
    taken = stranger.post(path, {"new_password1": "x" * 12, "new_password2": "x" * 12})
    assert taken.status_code == 200
    assert not Role.objects.filter(user=viewer, platform=other_platform).exists()
    owner = Client()
    owner.force_login(viewer)
    assert owner.post(path).status_code == 302
    assert Role.objects.get(user=viewer, platform=other_platform).role == "viewer"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"role": "partner"}, "needs an organisation"),
        ({"role": "coordinator"}, "at least one sector"),
    ],
)
def test_invitation_form_checks_the_role(
    client: Client,
    admin,
    platform,
    data,
    message,  # noqa: ANN001
) -> None:
    client.force_login(admin)
    response = client.post(
        f"/accounts/platform/{platform.slug}/invite/", {"email": "x@example.org", **data}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert mail.outbox == []


def test_only_admins_invite(client: Client, partner_a, coordinator, platform) -> None:  # noqa: ANN001
    url = f"/accounts/platform/{platform.slug}/invite/"
    assert client.get(url).status_code == 302
    for user in (partner_a, coordinator):
        client.force_login(user)
        assert client.get(url).status_code == 403


def test_a_cancelled_invitation_link_stops_working(
    client: Client,
    admin,
    other_platform,
    platform,
    org_a,  # noqa: ANN001
) -> None:
    client.force_login(admin)
    path = _invite(client, platform, email="late@example.org", role="viewer")
    invitation = Invitation.objects.get(email="late@example.org")
    people = f"/accounts/platform/{platform.slug}/people/"
    cancel = f"/accounts/platform/{platform.slug}/invitations/{invitation.pk}/cancel/"
    assert cancel in client.get(people).content.decode()
    assert client.get(cancel).status_code == 200
    # Asked through another platform's address, it is not found there.
    elsewhere = f"/accounts/platform/{other_platform.slug}/invitations/{invitation.pk}/cancel/"
    assert client.post(elsewhere).status_code in (403, 404)
    assert client.post(cancel, {"reason": "sent to the wrong person"}).status_code == 302
    assert not Invitation.objects.filter(pk=invitation.pk).exists()
    after = client.get(people).content.decode()
    assert "is cancelled" in after and cancel not in after
    assert Client().get(path).status_code == 410
    event = AuditEvent.objects.get(action="cancel_invitation")
    assert (event.actor, event.platform, event.note) == (
        admin,
        platform,
        "sent to the wrong person",
    )
    assert event.before["email"] == "late@example.org"
    assert client.post(cancel).status_code == 404  # already gone


def _role_select(page: str) -> str:
    found = re.search(r'<select name="role".*?</select>', page, re.S)
    assert found, page
    return found.group(0)


def _allowed(role: str, platform) -> frozenset[str]:  # noqa: ANN001
    """What a role may do on a platform, by the rule the views use (`Scope.allows`)."""
    from kipu.web.accounts.scope import PERMISSIONS, Scope

    scope = Scope(platform, role, sectors=["PRO"])
    return frozenset(p for p in PERMISSIONS if scope.allows(p))


def test_the_invitation_form_starts_on_the_least_privileged_role(
    client: Client,
    admin,
    platform,  # noqa: ANN001
) -> None:
    from kipu.web.accounts.forms import InvitationForm
    from kipu.web.accounts.models import RoleName

    form = InvitationForm(platform=platform)
    initial = form["role"].value()
    offered = [value for value, _ in form.fields["role"].choices]
    assert sorted(offered) == sorted(RoleName.values)
    # The initial role grants nothing any other role lacks: the least privilege.
    for other in RoleName.values:
        assert _allowed(initial, platform) <= _allowed(other, platform), other
    assert initial == "viewer" and offered[-1] == "admin"
    client.force_login(admin)
    page = client.get(f"/accounts/platform/{platform.slug}/invite/").content.decode()
    selected = re.findall(r'<option value="(\w+)"[^>]*selected', _role_select(page))
    assert selected == ["viewer"], selected


def test_an_invitation_sent_with_the_defaults_grants_the_least_privilege(
    client: Client,
    admin,
    platform,  # noqa: ANN001
) -> None:
    client.force_login(admin)
    page = client.get(f"/accounts/platform/{platform.slug}/invite/").content.decode()
    role = re.search(r'<option value="(\w+)"[^>]*selected', _role_select(page))
    assert role is not None
    _invite(client, platform, email="hurried@example.org", role=role.group(1))
    assert Invitation.objects.get(email="hurried@example.org").role == "viewer"
