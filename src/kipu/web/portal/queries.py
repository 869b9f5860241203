"""Reads of the partner portal: which platform a request is about, the months one may report,
submission histories with version numbers, and the issues of a stored validation report."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

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
