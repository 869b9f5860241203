"""Writes of the IM console: reminder e-mails to partners that have not reported a month (drafts
to copy, or sent through Django's mail, each sending audited)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from kipu.web.accounts.models import RoleName
from kipu.web.audit.services import record
from kipu.web.console.queries import MISSING, deadline, deadline_day
from kipu.web.platforms.models import Organisation, Platform


@dataclass
class Draft:
    organisation: Organisation
    status: str  # missing or rejected
    recipients: list[str]
    subject: str
    body: str


def focal_points(platform: Platform, organisation: Organisation) -> list[str]:
    """E-mails of the organisation's active partner focal points on the platform."""
    users = User.objects.filter(
        is_active=True,
        kipu_roles__platform=platform,
        kipu_roles__role=RoleName.PARTNER,
        kipu_roles__organisation=organisation,
    ).exclude(email="")
    return sorted(set(users.values_list("email", flat=True)))


def reminder_drafts(
    platform: Platform,
    month: str,
    organisations: list[tuple[Organisation, str]],
    *,
    lang: str = "en",
    portal_url: str = "",
) -> list[Draft]:
    """One draft per organisation, in `lang`; `portal_url` is the absolute portal address."""
    due = deadline(month, deadline_day(platform))
    drafts = []
    with translation.override(lang):
        for organisation, status in organisations:
            context: dict[str, Any] = {
                "platform": platform,
                "organisation": organisation,
                "month": month,
                "deadline": due,
                "rejected": status != MISSING,
                "portal_url": portal_url,
            }
            # Plain text (the templates do not escape: e-mail is not HTML). render_to_string
            # marks its result safe; str.__str__ makes it a plain str again, so a page that
            # shows the draft escapes it like any other text.
            subject = str.__str__(render_to_string("console/reminder_subject.txt", context))
            body = str.__str__(render_to_string("console/reminder_body.txt", context))
            subject = subject.strip()
            drafts.append(
                Draft(organisation, status, focal_points(platform, organisation), subject, body)
            )
    return drafts


def send_reminders(
    platform: Platform, month: str, drafts: list[Draft], actor: Any, *, ip: str | None = None
) -> int:
    """Send the drafts that have recipients; returns how many were sent."""
    sent = 0
    for draft in drafts:
        if not draft.recipients:
            continue
        send_mail(draft.subject, draft.body, settings.DEFAULT_FROM_EMAIL, draft.recipients)
        record(
            actor,
            "send_reminder",
            draft.organisation,
            after={"month": month, "recipients": draft.recipients, "status": draft.status},
            platform=platform,
            ip=ip,
        )
        sent += 1
    return sent


@transaction.atomic
def reopen_month(platform: Platform, month: str, actor: Any, reason: str) -> int:
    """Reopen a locked or published month and withdraw its published reports (its figures
    may change, so they must not stay public); returns how many reports were withdrawn."""
    from kipu.web.reports.services import withdraw_reports
    from kipu.web.submissions.months import reopen_month as reopen

    reopen(platform, month, actor, reason)
    return withdraw_reports(platform, month, actor, reason)
