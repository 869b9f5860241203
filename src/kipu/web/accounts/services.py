"""Writes: roles, invitations, deactivation, login throttling and demo accounts. Every change
is recorded in the audit log."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kipu.web.accounts.models import (
    InterfaceLanguage,
    Invitation,
    LoginAttempt,
    ResetRequest,
    Role,
    RoleName,
)
from kipu.web.accounts.queries import (
    address_locked_until,
    invitation_token,
    login_locked_until,
    user_with_email,
)
from kipu.web.audit.services import record, snapshot
from kipu.web.plans.models import Sector
from kipu.web.platforms.models import Organisation, Platform


class RoleError(ValueError):
    pass


def check_role(
    platform: Platform, role: str, organisation: Organisation | None, sectors: Iterable[str]
) -> list[str]:
    """The validated sector codes; RoleError when the combination makes no sense."""
    codes = sorted({c.strip() for c in sectors if c.strip()})
    if role not in RoleName.values:
        raise RoleError(_("unknown role %(role)r") % {"role": role})
    if role == RoleName.PARTNER:
        if organisation is None:
            raise RoleError(_("a partner focal point needs an organisation"))
        if not organisation.memberships.filter(platform=platform).exists():
            raise RoleError(
                _("%(org)s is not a member of %(platform)s")
                % {"org": organisation, "platform": platform}
            )
    elif organisation is not None:
        raise RoleError(_("only partner focal points are tied to an organisation"))
    if role == RoleName.COORDINATOR:
        if not codes:
            raise RoleError(_("a coordinator needs at least one sector or area"))
        known = set(
            Sector.objects.filter(plan__platform=platform, code__in=codes).values_list(
                "code", flat=True
            )
        )
        if unknown := [c for c in codes if c not in known]:
            raise RoleError(_("unknown sector codes: %(codes)s") % {"codes": ", ".join(unknown)})
    elif codes:
        raise RoleError(_("only coordinators cover sectors"))
    return codes


@transaction.atomic
def assign_role(
    user: User,
    platform: Platform,
    role: str,
    *,
    organisation: Organisation | None = None,
    sectors: Iterable[str] = (),
    actor: Any = None,
    ip: str | None = None,
) -> Role:
    """Give `user` `role` on `platform`, replacing the role they held there."""
    codes = check_role(platform, role, organisation, sectors)
    row = Role.objects.select_for_update().filter(user=user, platform=platform).first()
    before = snapshot(row) if row is not None else None
    row = row or Role(user=user, platform=platform)
    row.role, row.organisation, row.sectors = role, organisation, codes
    row.save()
    record(actor, "assign_role", row, before=before, after=snapshot(row), ip=ip)
    return row


@transaction.atomic
def revoke_role(role: Role, *, actor: Any = None, ip: str | None = None, note: str = "") -> None:
    before = snapshot(role)
    record(actor, "revoke_role", role, before=before, platform=role.platform, ip=ip, note=note)
    role.delete()


@transaction.atomic
def cancel_invitation(
    invitation: Invitation, *, actor: Any = None, ip: str | None = None, note: str = ""
) -> None:
    """Withdraw an invitation not used yet: its link stops working (the audit log keeps it)."""
    record(
        actor,
        "cancel_invitation",
        invitation,
        before=snapshot(invitation),
        platform=invitation.platform,
        ip=ip,
        note=note,
    )
    invitation.delete()


@transaction.atomic
@transaction.atomic
def set_im_email(
    platform: Platform, email: str, *, actor: Any = None, ip: str | None = None
) -> None:
    """Set (or clear, with "") the address partners are told to write to: a closed month's
    notice and the error pages name it (`portal.queries.im_contacts`). Audited."""
    before = {"im_email": platform.im_email}
    platform.im_email = email.strip().lower()
    platform.save(update_fields=["im_email"])
    record(
        actor, "set_im_email", platform, before, {"im_email": platform.im_email}, platform, ip=ip
    )


def invite_user(
    platform: Platform,
    email: str,
    role: str,
    *,
    accept_url: Callable[[str], str],
    organisation: Organisation | None = None,
    sectors: Iterable[str] = (),
    actor: Any = None,
    ip: str | None = None,
) -> Invitation:
    """Create an invitation and mail its one-time link (`accept_url(token)` makes the URL)."""
    codes = check_role(platform, role, organisation, sectors)
    invitation = Invitation.objects.create(
        email=email.strip().lower(),
        platform=platform,
        role=role,
        organisation=organisation,
        sectors=codes,
        invited_by=actor if isinstance(actor, User) else None,
        nonce=secrets.token_urlsafe(32),
        expires_at=timezone.now() + dt.timedelta(days=settings.KIPU_INVITATION_DAYS),
    )
    context = {
        "invitation": invitation,
        "url": accept_url(invitation_token(invitation)),
        "days": settings.KIPU_INVITATION_DAYS,
    }
    send_mail(
        render_to_string("accounts/invitation_subject.txt", context).strip(),
        render_to_string("accounts/invitation_email.txt", context),
        None,
        [invitation.email],
    )
    record(actor, "invite_user", invitation, after=snapshot(invitation), ip=ip)
    return invitation


@transaction.atomic
def accept_invitation(
    invitation: Invitation,
    *,
    password: str | None = None,
    user: User | None = None,
    ip: str | None = None,
) -> User:
    """Use the invitation: `user` (an existing account, signed in) receives the role, or a
    new account named after the e-mail is created with `password`."""
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.accepted_at is not None:
        raise RoleError(_("this invitation has been used already"))
    if user is None:
        if password is None or user_with_email(locked.email) is not None:
            raise RoleError(_("an account with this e-mail exists: sign in to accept"))
        user = User.objects.create_user(locked.email, locked.email, password)
        record(user, "create_user", user, after=snapshot(user), platform=locked.platform, ip=ip)
    assign_role(
        user,
        locked.platform,
        locked.role,
        organisation=locked.organisation,
        sectors=locked.sectors,
        actor=user,
        ip=ip,
    )
    before = snapshot(locked)
    locked.accepted_at, locked.accepted_by = timezone.now(), user
    locked.save(update_fields=["accepted_at", "accepted_by"])
    record(user, "accept_invitation", locked, before=before, after=snapshot(locked), ip=ip)
    return user


@transaction.atomic
def deactivate_user(
    user: User, *, actor: Any, reason: str, platform: Platform | None = None, ip: str | None = None
) -> User:
    """Stop `user` signing in (their sessions end at the next request); nothing is deleted."""
    return _set_active(user, False, "deactivate_user", actor, reason, platform, ip)


@transaction.atomic
def reactivate_user(
    user: User,
    *,
    actor: Any,
    reason: str = "",
    platform: Platform | None = None,
    ip: str | None = None,
) -> User:
    return _set_active(user, True, "reactivate_user", actor, reason, platform, ip)


def _set_active(
    user: User,
    active: bool,
    action: str,
    actor: Any,
    reason: str,
    platform: Platform | None,
    ip: str | None,
) -> User:
    fields = ["username", "email", "is_active"]
    before = snapshot(user, fields=fields)
    if not active:
        # Its API tokens go with the account, for good: reactivating it brings none back.
        from kipu.web.api.auth import revoke_user_tokens

        revoke_user_tokens(user, actor, note=f"account deactivated: {reason}"[:1000], ip=ip)
    user.is_active = active
    user.save(update_fields=["is_active"])
    record(actor, action, user, before, snapshot(user, fields=fields), platform, reason, ip=ip)
    return user


def note_deactivation(sender: Any, instance: User, update_fields: Any = None, **_: Any) -> None:
    """pre_save of User: an account saved inactive outside `deactivate_user` (a shell, another
    tool) loses its API tokens too (`revoke_tokens_of_deactivated`, post_save)."""
    instance._kipu_deactivated = bool(  # type: ignore[attr-defined]
        instance.pk
        and not instance.is_active
        and (update_fields is None or "is_active" in update_fields)
        and User.objects.filter(pk=instance.pk, is_active=True).exists()
    )


def revoke_tokens_of_deactivated(sender: Any, instance: User, **_: Any) -> None:
    if getattr(instance, "_kipu_deactivated", False):
        from kipu.web.api.auth import revoke_user_tokens

        revoke_user_tokens(instance, None, note="account deactivated")
        instance._kipu_deactivated = False  # type: ignore[attr-defined]


def record_login_failure(username: str, ip: str | None) -> bool:
    """Count a failed login; True when this failure starts a lock, of the username from this
    address or of the address itself (password spraying). Each lock is audited."""
    now = timezone.now()
    key = username.casefold()
    # Old failures no longer matter; dropping them here keeps the table small without a job.
    LoginAttempt.objects.filter(at__lt=now - dt.timedelta(days=1)).delete()
    LoginAttempt.objects.create(username=key, ip=ip, at=now)
    # Attempts are refused, not counted, during a lock: any lock found now starts here.
    locked = False
    if login_locked_until(key, ip) is not None:
        record(None, "lock_login", note=f"username {key!r}", ip=ip)
        locked = True
    if address_locked_until(ip) is not None:
        record(None, "lock_login_address", note=f"address {ip}", ip=ip)
        locked = True
    return locked


def clear_login_failures(username: str, ip: str | None) -> None:
    LoginAttempt.objects.filter(username=username.casefold(), ip=ip).delete()


def allow_password_reset(email: str, ip: str | None) -> bool:
    """Count a password-reset request; False when this e-mail or this address asked too often
    within the window (the mail is then not sent; the page says the same either way, so it
    tells nobody whether an account exists). The first refusal is audited."""
    now = timezone.now()
    since = now - dt.timedelta(seconds=settings.KIPU_RESET_WINDOW_SECONDS)
    key = email.strip().casefold()
    ResetRequest.objects.filter(at__lt=since).delete()
    by_email = ResetRequest.objects.filter(email=key, at__gte=since).count()
    by_ip = ResetRequest.objects.filter(ip=ip, at__gte=since).count() if ip else 0
    ResetRequest.objects.create(email=key, ip=ip, at=now)
    if by_email < settings.KIPU_RESET_PER_EMAIL and by_ip < settings.KIPU_RESET_PER_IP:
        return True
    if by_email == settings.KIPU_RESET_PER_EMAIL or by_ip == settings.KIPU_RESET_PER_IP:
        record(None, "throttle_password_reset", note=f"e-mail {key!r}", ip=ip)
    return False


# --- demo accounts --------------------------------------------------------------------------


@transaction.atomic
def create_demo_accounts(
    platform: Platform, password: str | None = None
) -> list[tuple[str, str, str]]:
    """One account per role on a synthetic platform: [(role, username, password)].

    The password (random unless given) is shared by the demo accounts; it exists only so a
    demonstration can be explored, which is why real platforms are refused."""
    if not platform.synthetic:
        raise RoleError(f"{platform} is not synthetic: demo accounts are for demonstrations only")
    password = password or f"demo-{secrets.token_urlsafe(9)}"
    made = []
    for role, username, organisation, sectors in _demo_roles(platform):
        user = _demo_user(username)
        user.set_password(password)
        user.is_active = True
        user.save()
        assign_role(
            user, platform, role, organisation=organisation, sectors=sectors, actor="system:demo"
        )
        made.append((role, username, password))
    return made


def _demo_roles(platform: Platform) -> list[tuple[str, str, Organisation | None, list[str]]]:
    roles: list[tuple[str, str, Organisation | None, list[str]]] = [
        (RoleName.ADMIN, "im.admin", None, [])
    ]
    sectors = Sector.objects.filter(plan__platform=platform, parent__isnull=True)
    protection = sectors.filter(name_en__icontains="Protec").order_by("-plan__year").first()
    coordinated = protection or sectors.order_by("-plan__year", "order").first()
    if coordinated is not None:
        suffix = "protection" if protection else _handle(coordinated.code)
        roles.append((RoleName.COORDINATOR, f"coordinator.{suffix}", None, [coordinated.code]))
    members = Organisation.objects.filter(memberships__platform=platform).order_by("name_en")
    partner = members.filter(submissions__platform=platform).first() or members.first()
    if partner is not None:
        handle = _handle(partner.acronym or partner.key)
        roles.append((RoleName.PARTNER, f"partner.{handle}", partner, []))
    roles.append((RoleName.VIEWER, "viewer", None, []))
    return [(str(role), name, org, codes) for role, name, org, codes in roles]


def _handle(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "org"


def _demo_user(username: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        return User(username=username, email=f"{username}@demo.invalid")
    if user.kipu_roles.filter(platform__synthetic=False).exists():
        raise RoleError(f"{username!r} holds a role on a real platform: not turned into a demo")
    return user


def remember_language(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """At each sign-in (`user_logged_in`), keep the interface language the user signed in
    with: e-mails sent with no request to take it from (reminders) are written in it."""
    keep_language(user, translation.get_language() or "en")


def keep_language(user: Any, lang: str) -> None:
    """Keep `lang` ("en", "es"; a region suffix is dropped) as `user`'s interface language:
    at sign-in and whenever they switch the language (`views.set_language`). Anything else,
    or an anonymous user, changes nothing."""
    lang = lang[:2]
    if lang in dict(settings.LANGUAGES) and isinstance(user, User) and user.pk:
        InterfaceLanguage.objects.update_or_create(user=user, defaults={"lang": lang})
