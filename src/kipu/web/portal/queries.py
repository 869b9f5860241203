"""Reads of the partner portal: which platform a request is about, the months one may report,
submission histories with version numbers, and the issues of a stored validation report."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, Sum
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone

from kipu.web.accounts.models import Role
from kipu.web.accounts.scope import Scope, platform_from_request
from kipu.web.plans.models import Plan
from kipu.web.plans.queries import plan_holder
from kipu.web.platforms.models import Organisation, Platform
from kipu.web.submissions.models import Submission

SEVERITIES = ("error", "warning")


def user_platform(request: HttpRequest, kwargs: dict[str, Any]) -> Platform | None:
    """The `platform` asked for (query parameter), else the first platform the user holds a
    role on, else the default platform: a partner of a local platform lands on theirs."""
    slug = kwargs.get("platform") or request.GET.get("platform")
    if slug:
        return get_object_or_404(Platform, slug=slug)
    user = request.user
    if user.is_authenticated and not user.is_superuser:
        role = (
            Role.objects.filter(user_id=user.pk)
            .select_related("platform")
            .order_by("platform__slug")
            .first()
        )
        if role is not None:
            return role.platform
    return platform_from_request(request, {})


def month_date(month: str) -> dt.date:
    return dt.date(int(month[:4]), int(month[5:7]), 1)


def reporting_months(platform: Platform, today: dt.date | None = None) -> list[str]:
    """Months of the years with a plan or with submissions, up to the current month."""
    today = today or timezone.localdate()
    holder = plan_holder(platform)
    years = set(Plan.objects.filter(platform=holder).values_list("year", flat=True))
    months = Submission.objects.filter(platform=platform).values_list("month", flat=True)
    years |= {int(m[:4]) for m in months.distinct()}
    return [
        f"{year}-{number:02d}"
        for year in sorted(years)
        for number in range(1, 13)
        if (year, number) <= (today.year, today.month)
    ]


def open_months(scope: Scope) -> list[str]:
    return [m for m in reporting_months(scope.platform) if not scope.is_locked(m)]


def member_organisations(platform: Platform) -> list[Organisation]:
    return list(Organisation.objects.filter(memberships__platform=platform).order_by("name_en"))


def organisation_for(scope: Scope, wanted: str | None) -> Organisation | None:
    """The organisation a portal page is about: a partner's own; for the IM team, the member
    organisation chosen by id (None until chosen). Others' organisations are never found."""
    if scope.organisation is not None and scope.role == "partner":
        return scope.organisation
    if scope.role != "admin" or not wanted or not str(wanted).isdigit():
        return None
    return Organisation.objects.filter(pk=int(wanted), memberships__platform=scope.platform).first()


_FIELDS = (
    "pk",
    "organisation_id",
    "organisation__name_en",
    "organisation__acronym",
    "month",
    "status",
    "file_name",
    "row_count",
    "uploaded_at",
    "uploaded_by__username",
    "accepted_issues",
    "report__summary__errors",
    "report__summary__warnings",
)


def history(scope: Scope, organisation: Organisation | None = None) -> list[dict[str, Any]]:
    """Submissions the scope may see, grouped by organisation and month (newest month first),
    each version numbered from the first upload; reports are not loaded whole."""
    rows = scope.submissions(Submission.objects.all())
    if organisation is not None:
        rows = rows.filter(organisation=organisation)
    groups: dict[tuple[str, int], list[dict[str, Any]]] = defaultdict(list)
    for row in rows.order_by("uploaded_at", "pk").values(*_FIELDS):
        version = {
            "id": row["pk"],
            "status": row["status"],
            "file_name": row["file_name"],
            "rows": row["row_count"],
            "uploaded_at": row["uploaded_at"],
            "uploaded_by": row["uploaded_by__username"] or "",
            "accepted_issues": row["accepted_issues"],
            "errors": row["report__summary__errors"] or 0,
            "warnings": row["report__summary__warnings"] or 0,
        }
        key = (row["month"], row["organisation_id"])
        version["number"] = len(groups[key]) + 1
        version["organisation"] = row["organisation__acronym"] or row["organisation__name_en"]
        groups[key].append(version)
    ordered = sorted(groups.items(), key=lambda item: item[1][0]["organisation"].casefold())
    ordered.sort(key=lambda item: item[0][0], reverse=True)
    return [
        {
            "month": month,
            "organisation": versions[0]["organisation"],
            "versions": list(reversed(versions)),
        }
        for (month, _), versions in ordered
    ]


def report_issues(
    report: dict[str, Any], *, severity: str = "", code: str = "", text: str = ""
) -> list[dict[str, Any]]:
    """The issues of a stored report, narrowed by severity, code and words of the message,
    value, column or suggestion."""
    words = text.casefold().split()
    found = []
    for issue in report.get("issues") or []:
        if severity and issue.get("severity") != severity:
            continue
        if code and issue.get("code") != code:
            continue
        if words:
            haystack = " ".join(
                str(issue.get(k) or "") for k in ("message", "value", "column", "suggestion")
            ).casefold()
            if not all(w in haystack for w in words):
                continue
        found.append(issue)
    return found


def issue_codes(report: dict[str, Any]) -> list[str]:
    return sorted(((report.get("summary") or {}).get("issues_by_code") or {}).keys())


def visible_submission(scope: Scope, pk: int) -> Submission:
    """A submission the scope may see; others' are "not found", so ids reveal nothing."""
    from django.http import Http404

    found = scope.submissions(Submission.objects.select_related("organisation", "uploaded_by"))
    submission = found.filter(pk=pk).first()
    if submission is None:
        raise Http404("no such submission")
    return submission


def distinct(values: Iterable[str]) -> list[str]:
    return sorted({v for v in values if v})


def version_number(submission: Submission) -> int:
    """The submission's number among its organisation's uploads for the month (1 for the
    first), counted as `history` counts them: every upload, rejected ones included."""
    earlier = Submission.objects.filter(
        platform_id=submission.platform_id,
        organisation_id=submission.organisation_id,
        month=submission.month,
    ).filter(
        Q(uploaded_at__lt=submission.uploaded_at)
        | Q(uploaded_at=submission.uploaded_at, pk__lte=submission.pk)
    )
    return earlier.count()


def stored_summary(scope: Scope, submission: Submission, lang: str = "en") -> dict[str, Any]:
    """What a submission stored, as far as the scope may read it: {month, version, rows,
    sectors: [{code, name, rows, new_beneficiaries, total_monthly}]}. The people columns are
    plain sums of the rows' New beneficiaries and Total monthly beneficiaries, per sector or
    area as written in the file (the dashboard's "people reached" removes double counting;
    these sums do not)."""
    from kipu.web.submissions.models import Activity

    rows = scope.own_activities(Activity.objects.filter(submission=submission))
    sectors = (
        rows.values("sector__code", "sector__name_en", "sector__name_es")
        .annotate(
            rows=Count("pk"),
            new_beneficiaries=Sum("new_beneficiaries"),
            total_monthly=Sum("total_monthly"),
        )
        .order_by("sector__code")
    )
    return {
        "month": submission.month,
        "version": version_number(submission),
        "rows": sum(s["rows"] for s in sectors),
        "sectors": [
            {
                "code": s["sector__code"],
                "name": (s["sector__name_es"] if lang == "es" else "") or s["sector__name_en"],
                "rows": s["rows"],
                "new_beneficiaries": s["new_beneficiaries"] or 0,
                "total_monthly": s["total_monthly"] or 0,
            }
            for s in sectors
        ],
    }


@dataclass(frozen=True)
class Closure:
    """A month that takes no submissions: locked (approved) or published, since when."""

    month: str
    status: str  # "locked" or "published"
    since: dt.datetime


def closures(platform: Platform) -> dict[str, Closure]:
    """The platform's closed months (month → Closure), as the month status records them."""
    from kipu.web.submissions.models import MonthStatus

    closed = (MonthStatus.Status.LOCKED, MonthStatus.Status.PUBLISHED)
    rows = MonthStatus.objects.filter(platform=platform, status__in=closed)
    return {
        m.month: Closure(m.month, m.status, m.changed_at)
        for m in rows.only("month", "status", "changed_at")
    }


def im_contacts(platform: Platform) -> list[str]:
    """The e-mail addresses a partner writes to about the platform's months: the platform's
    IM contact address (`Platform.im_email`); else its listed contacts whose role is
    information management; else its IM team's accounts (the administrators). [] when the
    platform has none of these."""
    if platform.im_email:
        return [platform.im_email]
    listed = [
        str(c.get("email"))
        for c in platform.contacts or []
        if isinstance(c, dict) and c.get("email") and _is_im_role(str(c.get("role") or ""))
    ]
    if listed:
        return list(dict.fromkeys(listed))
    team = Role.objects.filter(platform=platform, role="admin", user__is_active=True)
    emails = team.exclude(user__email="").order_by("user__email")
    return list(dict.fromkeys(emails.values_list("user__email", flat=True)))


def _is_im_role(role: str) -> bool:
    words = role.casefold()
    return (
        "information management" in words
        or "gestión de información" in words
        or ("im" in words.replace("/", " ").split())
    )
