"""Reads: roles, invitations and login throttling state."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core import signing
from django.db.models import QuerySet
from django.utils import timezone

from kipu.web.accounts.models import Invitation, LoginAttempt, Role, RoleName
from kipu.web.platforms.models import Platform

INVITATION_SALT = "kipu.accounts.invitation"


def role_on(user: Any, platform: Platform) -> Role | None:
    if user is None or not user.is_authenticated:
        return None
    return (
        Role.objects.select_related("organisation")
        .filter(user_id=user.pk, platform_id=platform.pk)
        .first()
    )


def roles_of(user: Any) -> QuerySet[Role]:
    return Role.objects.filter(user_id=user.pk).select_related("platform", "organisation")


def platform_roles(platform: Platform) -> QuerySet[Role]:
    return (
        Role.objects.filter(platform=platform)
        .select_related("user", "organisation")
        .order_by("role", "user__username")
    )


def admin_platforms(user: Any) -> QuerySet[Platform]:
    """Platforms `user` administers (every platform for a superuser)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Platform.objects.none()
    if user.is_superuser:
        return Platform.objects.all()
    return Platform.objects.filter(roles__user_id=user.pk, roles__role=RoleName.ADMIN)


def pending_invitations(platform: Platform) -> QuerySet[Invitation]:
    return Invitation.objects.filter(
        platform=platform, accepted_at__isnull=True, expires_at__gt=timezone.now()
    ).select_related("organisation", "invited_by")


class InvitationInvalid(ValueError):
    pass


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps({"i": invitation.pk, "n": invitation.nonce}, salt=INVITATION_SALT)


def invitation_from_token(token: str) -> Invitation:
    """The open invitation a link names; InvitationInvalid says why it cannot be used."""
    max_age = dt.timedelta(days=settings.KIPU_INVITATION_DAYS)
    try:
        data = signing.loads(token, salt=INVITATION_SALT, max_age=max_age)
    except signing.SignatureExpired as error:
        raise InvitationInvalid("expired") from error
    except signing.BadSignature as error:
        raise InvitationInvalid("invalid") from error
    invitation = (
        Invitation.objects.select_related("platform", "organisation")
        .filter(pk=data.get("i"), nonce=data.get("n"))
        .first()
    )
    if invitation is None:
        raise InvitationInvalid("invalid")
    if invitation.accepted_at is not None:
        raise InvitationInvalid("used")
    if invitation.expires_at <= timezone.now():
        raise InvitationInvalid("expired")
    return invitation


def user_with_email(email: str) -> User | None:
    return (
        User.objects.filter(email__iexact=email).first()
        or User.objects.filter(username__iexact=email).first()
    )


def login_locked_until(username: str, ip: str | None) -> dt.datetime | None:
    """When the lock on (username, address) ends, if the last failures came fast enough to set
    one: MAX_FAILURES failures within the window lock out for the lockout period from the last
    failure. Refused attempts during a lock are not counted, so a lock cannot be prolonged."""
    attempts = LoginAttempt.objects.filter(username=username.casefold(), ip=ip)
    return _locked_until(attempts, settings.KIPU_LOGIN_MAX_FAILURES)


def address_locked_until(ip: str | None) -> dt.datetime | None:
    """When the lock on an address ends, against password spraying (one password tried on many
    usernames): MAX_FAILURES_PER_ADDRESS failures from the address within the window, whatever
    the usernames, lock every sign-in from it, by the same rules as `login_locked_until`."""
    if not ip:
        return None  # no address to hold against anyone
    attempts = LoginAttempt.objects.filter(ip=ip)
    return _locked_until(attempts, settings.KIPU_LOGIN_MAX_FAILURES_PER_ADDRESS)


def _locked_until(attempts: QuerySet[LoginAttempt], limit: int) -> dt.datetime | None:
    window = dt.timedelta(seconds=settings.KIPU_LOGIN_WINDOW_SECONDS)
    lockout = dt.timedelta(seconds=settings.KIPU_LOGIN_LOCKOUT_SECONDS)
    now = timezone.now()
    recent = list(
        attempts.filter(at__gte=now - window - lockout)
        .order_by("-at")
        .values_list("at", flat=True)[:limit]
    )
    if len(recent) < limit or recent[0] - recent[-1] > window:
        return None
    until = recent[0] + lockout
    return until if until > now else None
