"""Writes of the IM console: confirmed month changes (lock, publish, reopen), the reporting
schedule, and reminder e-mails to partners that have not reported a month: drafts to copy,
sent from the console, or sent on schedule by `send_due_reminders` (cron: `kipu remind --due`;
the task queue wraps the same function). Every sending is audited and kept (SentReminder)."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from kipu.web.accounts.models import RoleName
from kipu.web.audit.services import record
from kipu.web.console.models import (
    LAST_DEADLINE_DAY,
    ReportingSchedule,
    SentReminder,
)
from kipu.web.console.queries import (
    MISSING,
    MonthSummary,
    completeness,
    deadline,
    deadline_day,
    month_summary,
    reminder_dates,
)
from kipu.web.platforms.models import Organisation, Platform
from kipu.web.submissions import months as month_states
from kipu.web.submissions.models import MonthStatus

log = logging.getLogger("kipu.reminders")
LANGS = ("en", "es")
SCHEDULE = "schedule"  # the sender the audit log and SentReminder name for scheduled reminders
# A reminder day missed (no cron run, a server down) is still sent this many days later; older
# ones are dropped rather than sent out of time.
CATCH_UP_DAYS = 3
# Reminder days further than this from the deadline are refused (a typo, not a plan).
MAX_REMIND_OFFSET = 28


class StaleSummary(ValueError):
    """The month changed after its summary was shown: the confirmation is refused."""


# --- Month changes, confirmed on their summary -------------------------------------------


def change_month(
    platform: Platform,
    month: str,
    action: str,
    actor: Any,
    fingerprint: str,
    *,
    with_reports: bool = False,
) -> tuple[bool, MonthSummary]:
    """Lock or publish `month` after the person confirmed its summary (`fingerprint`, from
    `queries.month_summary`). Returns (changed, summary before the change): False when the month
    was already in that state (a repeated POST). Raises StaleSummary when the month changed
    since the summary was shown, ValueError when the change is not allowed (publishing an open
    month). `with_reports` (publish) also publishes each language's newest rendered report;
    StaleReport (a ValueError, nothing changes) when one was rendered before the data changed."""
    target = {"lock": MonthStatus.Status.LOCKED, "publish": MonthStatus.Status.PUBLISHED}[action]
    with transaction.atomic():
        summary = month_summary(platform, month)
        if summary.status == target:
            return False, summary
        if summary.fingerprint != fingerprint:
            raise StaleSummary(f"{month} changed since its summary was shown")
        change = month_states.lock_month if action == "lock" else month_states.publish_month
        change(platform, month, actor)
        if action == "publish" and with_reports:
            _publish_latest_reports(platform, month, summary, actor)
    return True, summary


def _publish_latest_reports(
    platform: Platform, month: str, summary: MonthSummary, actor: Any
) -> None:
    from kipu.web.reports.models import ReportVersion
    from kipu.web.reports.services import publish_report

    user = actor if isinstance(actor, User) else None
    for lang, state in summary.reports.items():
        if state.unpublished_latest:
            version = ReportVersion.objects.get(
                platform=platform, month=month, lang=lang, number=state.unpublished_latest
            )
            publish_report(version, user)  # refuses a stale version: the month stays as it was


def reopen_month(platform: Platform, month: str, actor: Any, reason: str) -> int:
    """Reopen a locked or published month (the month service withdraws its public reports);
    returns how many report versions were withdrawn. ValueError without a reason."""
    from kipu.web.reports.models import ReportVersion

    with transaction.atomic():
        public = ReportVersion.objects.filter(platform=platform, month=month, published=True)
        count = public.count()
        month_states.reopen_month(platform, month, actor, reason)
    return count


# --- The reporting schedule -------------------------------------------------------------


def save_schedule(
    platform: Platform, day: int, remind_days: list[int], actor: Any, *, ip: str | None = None
) -> ReportingSchedule:
    """Set the platform's deadline day (1–28) and reminder days (relative to the deadline,
    each within ±28); ValueError otherwise. Audited."""
    if not 1 <= day <= LAST_DEADLINE_DAY:
        raise ValueError(f"the deadline day must be between 1 and {LAST_DEADLINE_DAY}")
    wrong = [d for d in remind_days if abs(d) > MAX_REMIND_OFFSET]
    if wrong:
        raise ValueError(f"reminder days must be within {MAX_REMIND_OFFSET} days: {wrong}")
    with transaction.atomic():
        # A platform that never set one had the default schedule: that is the "before".
        schedule, _ = ReportingSchedule.objects.select_for_update().get_or_create(platform=platform)
        before = {"deadline_day": schedule.deadline_day, "remind_days": schedule.remind_days}
        schedule.deadline_day, schedule.remind_days = day, sorted(set(remind_days))
        schedule.updated_by = actor if isinstance(actor, User) else None
        schedule.save()
        after = {"deadline_day": schedule.deadline_day, "remind_days": schedule.remind_days}
        record(actor, "edit_schedule", schedule, before, after, platform, ip=ip)
    return schedule


# --- Reminders ----------------------------------------------------------------------------


@dataclass
class Recipient:
    email: str
    lang: str


@dataclass
class Draft:
    organisation: Organisation
    status: str  # missing or rejected
    recipients: list[Recipient]
    subject: str  # in the language the draft was asked in
    body: str

    @property
    def emails(self) -> list[str]:
        return [r.email for r in self.recipients]


def platform_language(platform: Platform) -> str:
    """The platform's first language Kipu writes in (English when it lists none)."""
    return next((lang for lang in platform.languages or [] if lang in LANGS), "en")


def focal_points(platform: Platform, organisation: Organisation) -> list[Recipient]:
    """The organisation's active partner focal points on the platform with an e-mail, each
    with the language they last signed in with (else the platform's language)."""
    users = (
        User.objects.filter(
            is_active=True,
            kipu_roles__platform=platform,
            kipu_roles__role=RoleName.PARTNER,
            kipu_roles__organisation=organisation,
        )
        .exclude(email="")
        .select_related("kipu_language")
        .order_by("email")
    )
    fallback = platform_language(platform)
    found: dict[str, Recipient] = {}
    for user in users:
        known = getattr(user, "kipu_language", None)
        found.setdefault(user.email, Recipient(user.email, known.lang if known else fallback))
    return list(found.values())


def organisation_name(organisation: Organisation, lang: str) -> str:
    """The organisation's full name in `lang` where it has one, else its English name."""
    return (organisation.name_es if lang == "es" else "") or organisation.name_en


def render_reminder(
    platform: Platform,
    organisation: Organisation,
    month: str,
    status: str,
    lang: str,
    *,
    portal_url: str = "",
    today: dt.date | None = None,
) -> tuple[str, str]:
    """(subject, body) of the reminder in `lang`: the organisation's status for the month and
    its deadline (past or to come). Plain text: e-mail is not HTML."""
    due = deadline(month, deadline_day(platform))
    today = today or timezone.localdate()
    context: dict[str, Any] = {
        "platform": platform,
        "organisation_name": organisation_name(organisation, lang),
        "month": month,
        "deadline": due,
        "overdue": today > due,
        "rejected": status != MISSING,
        "portal_url": portal_url,
    }
    with translation.override(lang):
        # render_to_string marks its result safe; str.__str__ makes it a plain str again, so a
        # page that shows the draft escapes it like any other text.
        subject = str.__str__(render_to_string("console/reminder_subject.txt", context))
        body = str.__str__(render_to_string("console/reminder_body.txt", context))
    return " ".join(subject.split()), body


def reminder_drafts(
    platform: Platform,
    month: str,
    organisations: list[tuple[Organisation, str]],
    *,
    lang: str = "en",
    portal_url: str = "",
) -> list[Draft]:
    """One draft per organisation, in `lang` (the person reading it); each recipient gets
    the e-mail in their own language when it is sent."""
    drafts = []
    for organisation, status in organisations:
        subject, body = render_reminder(
            platform, organisation, month, status, lang, portal_url=portal_url
        )
        recipients = focal_points(platform, organisation)
        drafts.append(Draft(organisation, status, recipients, subject, body))
    return drafts


def _mail(
    platform: Platform,
    draft: Draft,
    month: str,
    *,
    portal_url: str,
    today: dt.date | None,
) -> None:
    """Send the draft, one message per recipient language, each written in that language."""
    by_lang: dict[str, list[str]] = {}
    for recipient in draft.recipients:
        by_lang.setdefault(recipient.lang, []).append(recipient.email)
    for lang, emails in sorted(by_lang.items()):
        subject, body = render_reminder(
            platform,
            draft.organisation,
            month,
            draft.status,
            lang,
            portal_url=portal_url,
            today=today,
        )
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, emails)


def _audit_sent(
    platform: Platform, month: str, draft: Draft, actor: Any, ip: str | None, due: dt.date | None
) -> None:
    recipients = [{"email": r.email, "lang": r.lang} for r in draft.recipients]
    after: dict[str, Any] = {"month": month, "recipients": recipients, "status": draft.status}
    if due is not None:
        after["due_date"] = due.isoformat()
    record(actor, "send_reminder", draft.organisation, after=after, platform=platform, ip=ip)


def send_reminders(
    platform: Platform,
    month: str,
    drafts: list[Draft],
    actor: Any,
    *,
    ip: str | None = None,
    portal_url: str = "",
) -> int:
    """Send the drafts that have recipients now (the console's button); returns how many
    organisations were reminded. Each is audited and kept as a SentReminder."""
    sent = 0
    due = deadline(month, deadline_day(platform))
    label = actor.get_username() if isinstance(actor, User) else str(actor)
    for draft in drafts:
        if not draft.recipients:
            continue
        _mail(platform, draft, month, portal_url=portal_url, today=None)
        SentReminder.objects.create(
            platform=platform,
            organisation=draft.organisation,
            month=month,
            deadline=due,
            status=draft.status,
            recipients=[{"email": r.email, "lang": r.lang} for r in draft.recipients],
            sent_by=label[:150],
        )
        _audit_sent(platform, month, draft, actor, ip, None)
        sent += 1
    return sent


@dataclass
class DueReport:
    """What one run of `send_due_reminders` did."""

    today: dt.date
    sent: list[SentReminder] = field(default_factory=list)
    already_sent: int = 0
    without_focal_point: list[tuple[Platform, str, Organisation]] = field(default_factory=list)
    failed: list[tuple[Platform, str, Organisation, str]] = field(default_factory=list)


def due_months(schedule: ReportingSchedule, today: dt.date) -> dict[str, dt.date]:
    """month → the reminder day due on `today`: the latest reminder day of the month that is
    not after today, if it is at most CATCH_UP_DAYS old. Months of the last three months
    and this one are looked at (reminder days lie within 28 days of the deadline)."""
    found: dict[str, dt.date] = {}
    for back in range(4):
        number = today.year * 12 + today.month - 1 - back
        month = f"{number // 12}-{number % 12 + 1:02d}"
        passed = [d for d in reminder_dates(schedule, month) if d <= today]
        if passed and (today - passed[-1]).days <= CATCH_UP_DAYS:
            found[month] = passed[-1]
    return found


def send_due_reminders(
    today: dt.date | None = None, *, platform: Platform | None = None, portal_url: str = ""
) -> DueReport:
    """Send the reminders the platforms' schedules name for `today` (default: the local
    date): to the focal points of every expected organisation that has not submitted an
    open month (nothing uploaded, or only rejected files), each in their own language, with
    their organisation's status. Once per organisation, month and reminder day whatever the
    number of runs (a SentReminder row, unique, is written in the same transaction as the
    sending). Locked months get no reminders. Logs and audits what it sent. A plain function
    (no threads) for cron (`kipu remind --due`) and the task queue."""
    today = today or timezone.localdate()
    report = DueReport(today)
    schedules = ReportingSchedule.objects.exclude(remind_days=[]).select_related("platform")
    if platform is not None:
        schedules = schedules.filter(platform=platform)
    for schedule in schedules.order_by("platform__slug"):
        _send_for_schedule(schedule, today, portal_url, report)
    log.info(
        "reminders due on %s: %d sent, %d already sent, %d without focal point, %d failed",
        today,
        len(report.sent),
        report.already_sent,
        len(report.without_focal_point),
        len(report.failed),
    )
    return report


def _send_for_schedule(
    schedule: ReportingSchedule, today: dt.date, portal_url: str, report: DueReport
) -> None:
    from kipu.web.portal.queries import reporting_months

    platform = schedule.platform
    locked = month_states.locked_months(platform)
    expected = set(reporting_months(platform, today))  # years with a plan or uploads
    for month, due in sorted(due_months(schedule, today).items()):
        if month in locked or month not in expected:
            continue
        grid = completeness(platform, [month])
        drafts = reminder_drafts(platform, month, grid.to_remind(month))
        for draft in drafts:
            if not draft.recipients:
                report.without_focal_point.append((platform, month, draft.organisation))
                continue
            _send_scheduled(platform, month, due, draft, portal_url, today, report)


def _send_scheduled(
    platform: Platform,
    month: str,
    due: dt.date,
    draft: Draft,
    portal_url: str,
    today: dt.date,
    report: DueReport,
) -> None:
    org = draft.organisation
    if SentReminder.objects.filter(
        platform=platform, organisation=org, month=month, due_date=due
    ).exists():
        report.already_sent += 1
        return
    try:
        with transaction.atomic():
            sent = SentReminder.objects.create(
                platform=platform,
                organisation=org,
                month=month,
                due_date=due,
                deadline=deadline(month, deadline_day(platform)),
                status=draft.status,
                recipients=[{"email": r.email, "lang": r.lang} for r in draft.recipients],
                sent_by=SCHEDULE,
            )
            # Sent inside the transaction: a failed sending leaves no row, so the next run
            # tries again; another run sending at the same moment stops at the unique row.
            _mail(platform, draft, month, portal_url=portal_url, today=today)
            _audit_sent(platform, month, draft, f"system:{SCHEDULE}", None, due)
    except IntegrityError:
        report.already_sent += 1
        return
    except OSError as error:  # SMTP and connection errors: the other organisations still go
        log.warning("reminder to %s for %s %s failed: %s", draft.emails, org, month, error)
        report.failed.append((platform, month, org, str(error)))
        return
    log.info("reminder sent: %s %s %s due %s to %s", platform.slug, month, org, due, draft.emails)
    report.sent.append(sent)
