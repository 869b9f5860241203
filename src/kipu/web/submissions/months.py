"""Months of a platform: lock (approve), publish, reopen. Every change is audited.

Each change is idempotent: asking for the state the month is already in changes nothing and
records nothing (a double click, a form sent twice). Reopening withdraws the month's public
reports, whoever reopens it (console, command line)."""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.db import transaction
from django.utils.translation import ngettext

from kipu.web.audit.services import record_each
from kipu.web.platforms.models import Platform
from kipu.web.platforms.queries import view_sources
from kipu.web.submissions.models import MonthStatus

Actor = AbstractBaseUser | AnonymousUser | str | None
Status = MonthStatus.Status


def published_months(platform: Platform) -> set[str]:
    rows = MonthStatus.objects.filter(platform=platform, status=Status.PUBLISHED)
    return set(rows.values_list("month", flat=True))


def published_months_of(platforms: Sequence[Platform]) -> dict[int, set[str]]:
    """`published_months` of each of `platforms` (by id), in one query."""
    found: dict[int, set[str]] = {p.pk: set() for p in platforms}
    rows = MonthStatus.objects.filter(platform__in=list(found), status=Status.PUBLISHED)
    for platform_id, month in rows.values_list("platform_id", "month"):
        found[platform_id].add(month)
    return found


def locked_months(platform: Platform) -> set[str]:
    """Locked months, published ones included: neither takes new submissions."""
    closed = [Status.LOCKED, Status.PUBLISHED]
    rows = MonthStatus.objects.filter(platform=platform, status__in=closed)
    return set(rows.values_list("month", flat=True))


def month_statuses(platform: Platform) -> dict[str, str]:
    return dict(MonthStatus.objects.filter(platform=platform).values_list("month", "status"))


def platform_names(platforms: Sequence[Platform]) -> str:
    """ "GTRM Peru (gtrm-peru), R4V (r4v)": how a message names platforms."""
    return ", ".join(f"{p.name} ({p.slug})" for p in platforms)


def waiting_note(platforms: Sequence[Platform]) -> str:
    """What the IM team reads beside a month their platform published that is not public
    (`Scope.withheld_months`): whom it waits for. Every place a month's state shows says it."""
    return ngettext(
        "not public yet: %(platforms)s holds rows of this platform's view in the month and "
        "has not published it (each platform releases the rows stored on it)",
        "not public yet: %(platforms)s hold rows of this platform's view in the month and "
        "have not published it (each platform releases the rows stored on it)",
        len(platforms),
    ) % {"platforms": platform_names(platforms)}


def month_states(platform: Platform) -> dict[str, tuple[str, str]]:
    """month → (its status: open, locked, published; for a published month that is not
    public, why: `waiting_note`, else ""). What the console, the report pages and the
    dashboard show the IM team."""
    from kipu.web.accounts.scope import Scope

    withheld = Scope(platform).withheld_months()
    return {
        month: (status, waiting_note(withheld[month]) if month in withheld else "")
        for month, status in month_statuses(platform).items()
    }


@transaction.atomic
def _change(
    platform: Platform,
    month: str,
    status: str,
    actor: Actor,
    action: str,
    reason: str = "",
    allowed_from: tuple[str, ...] = (),
) -> MonthStatus:
    row, _ = MonthStatus.objects.select_for_update().get_or_create(platform=platform, month=month)
    if row.status == status:
        return row
    if allowed_from and row.status not in allowed_from:
        raise ValueError(f"{month} is {row.status}; cannot {action.replace('_', ' ')}")
    before = {"status": row.status}
    row.status, row.reason = status, reason
    row.changed_by = actor if isinstance(actor, User) else None
    row.save()
    # Published or withdrawn, the month's rows change on the views of the platforms above
    # (their figures) and under it (their share of its rows): the same platforms whose rows
    # its own view reads (`view_sources`). Audited on each of them.
    touched = [platform]
    if Status.PUBLISHED in (status, before["status"]):
        touched = [source.platform for source in view_sources(platform)]
    record_each(touched, actor, action, row, before=before, after={"status": status}, note=reason)
    return row


def _withdraw_stale(platform: Platform, month: str, actor: Actor) -> None:
    """The published reports of every platform whose view holds this one's rows, computed
    from other rows than their month's now (`reports.services.withdraw_stale_reports`): a
    month published again once another platform released its rows showed the report
    rendered without them."""
    from kipu.web.reports.services import withdraw_stale_reports

    for source in view_sources(platform):
        withdraw_stale_reports(source.platform, month, actor)


def lock_month(platform: Platform, month: str, actor: Actor) -> MonthStatus:
    """Approve the month's submissions: no more uploads or replacements."""
    return _change(platform, month, Status.LOCKED, actor, "lock_month", allowed_from=(Status.OPEN,))


def publish_month(platform: Platform, month: str, actor: Actor) -> MonthStatus:
    """Make the month's figures and report public (a month is locked before it is published).
    ValueError while a platform under this one holds rows of the month and has not published
    it (`Scope.withheld_by`): those rows are its own to release. A platform above that has not
    published it does not stop the publication, but the month is public only once it has."""
    from kipu.web.accounts.scope import Scope

    # Only the platforms under this one must publish first: a platform above waits for those
    # under it, so this one records its release and the month is public once the one above
    # publishes too (both refusing made a month holding rows of both unpublishable).
    scope = Scope(platform)
    waiting = [other for other in scope.withheld_by(month) if not scope.is_above(other)]
    if waiting:
        names = platform_names(waiting)
        message = ngettext(
            "%(month)s cannot be published yet: %(platforms)s holds rows of this platform's "
            "view in %(month)s and has not published it. Each platform releases the rows "
            "stored on it: publish once it has.",
            "%(month)s cannot be published yet: %(platforms)s hold rows of this platform's "
            "view in %(month)s and have not published it. Each platform releases the rows "
            "stored on it: publish once they have.",
            len(waiting),
        )
        raise ValueError(message % {"month": month, "platforms": names})
    row = _change(
        platform, month, Status.PUBLISHED, actor, "publish_month", allowed_from=(Status.LOCKED,)
    )
    _withdraw_stale(platform, month, actor)
    return row


@transaction.atomic
def reopen_month(platform: Platform, month: str, actor: Actor, reason: str) -> MonthStatus:
    """Open a locked or published month again (ValueError without a reason) and take its
    published report versions off the public site: its figures may change."""
    from kipu.web.reports.services import withdraw_reports

    if not reason.strip():
        raise ValueError("reopening a month needs a reason")
    row = _change(
        platform,
        month,
        Status.OPEN,
        actor,
        "reopen_month",
        reason=reason,
        allowed_from=(Status.LOCKED, Status.PUBLISHED),
    )
    withdraw_reports(platform, month, actor, reason)
    _withdraw_stale(platform, month, actor)
    return row
