"""The IM console (/console/): months and their status (approve and lock, publish, reopen with
a reason), the reporting completeness grid, reminders, and every partner's validation issues.
Platform administrators only."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kipu.web.accounts.scope import MANAGE_PLATFORM, Scope, require, scope_of
from kipu.web.audit.services import client_ip
from kipu.web.console import queries, services
from kipu.web.portal.queries import reporting_months, user_platform
from kipu.web.portal.views import language
from kipu.web.submissions import months as month_service

MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
ISSUES_PER_PAGE = 100


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why is the month reopened?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


def _years(scope: Scope) -> list[int]:
    return sorted({int(m[:4]) for m in reporting_months(scope.platform)}, reverse=True)


def _year_months(request: HttpRequest, scope: Scope) -> tuple[int | None, list[str]]:
    years = _years(scope)
    wanted = request.GET.get("year", "")
    year = (
        int(wanted) if wanted.isdigit() and int(wanted) in years else (years[0] if years else None)
    )
    return year, [m for m in reporting_months(scope.platform) if year and m.startswith(f"{year}-")]


def _back(scope: Scope, name: str = "console:index", **params: Any) -> HttpResponse:
    query = "&".join(f"{k}={v}" for k, v in {"platform": scope.platform.slug, **params}.items())
    return redirect(f"{reverse(name)}?{query}")


@require(MANAGE_PLATFORM, platform=user_platform)
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    year, months = _year_months(request, scope)
    grid = queries.completeness(scope.platform, months)
    statuses = month_service.month_statuses(scope.platform)
    rows = [
        {"month": m, "status": statuses.get(m, "open"), "totals": grid.totals[m]}
        for m in reversed(months)
    ]
    context = {
        "platform": scope.platform,
        "year": year,
        "years": _years(scope),
        "rows": rows,
        "deadline_day": grid.deadline_day,
    }
    return render(request, "console/index.html", context)


@require(MANAGE_PLATFORM, platform=user_platform)
@require_GET
def completeness(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    year, months = _year_months(request, scope)
    only = request.GET.get("only") == "reporting"
    grid = queries.completeness(scope.platform, months, only_reporting=only)
    context = {
        "platform": scope.platform,
        "year": year,
        "years": _years(scope),
        "grid": grid,
        "only_reporting": only,
        "statuses": month_service.month_statuses(scope.platform),
    }
    return render(request, "console/completeness.html", context)


def _month(value: str) -> str:
    if not MONTH.match(value or ""):
        raise Http404("no such month")
    return value


@require(MANAGE_PLATFORM, platform=user_platform)
@require_http_methods(["GET", "POST"])
def reminders(request: HttpRequest) -> HttpResponse:
    """E-mail drafts to the organisations that have not reported a month (or were rejected);
    POST sends the chosen ones."""
    scope = scope_of(request)
    month = _month(request.GET.get("month", ""))
    grid = queries.completeness(scope.platform, [month])
    portal = request.build_absolute_uri(reverse("portal:home"))
    drafts = services.reminder_drafts(
        scope.platform, month, grid.to_remind(month), lang=language(), portal_url=portal
    )
    if request.method == "POST":
        chosen = set(request.POST.getlist("organisation"))
        picked = [d for d in drafts if str(d.organisation.pk) in chosen]
        sent = services.send_reminders(
            scope.platform, month, picked, request.user, ip=client_ip(request)
        )
        messages.success(request, _("%(n)s reminders sent.") % {"n": sent})
        return _back(scope, "console:reminders", month=month)
    context = {"platform": scope.platform, "month": month, "drafts": drafts}
    return render(request, "console/reminders.html", context)


@require(MANAGE_PLATFORM, platform=user_platform)
@require_GET
def issues(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    org = request.GET.get("org", "")
    month = request.GET.get("month", "")
    found = queries.all_issues(
        scope.platform,
        code=request.GET.get("code", ""),
        organisation=int(org) if org.isdigit() else None,
        month=month if MONTH.match(month) else "",
        severity=request.GET.get("severity", "")
        if request.GET.get("severity") in ("error", "warning")
        else "",
    )
    page = Paginator(found.issues, ISSUES_PER_PAGE).get_page(request.GET.get("page"))
    kept = request.GET.copy()
    kept.pop("page", None)
    context = {
        "platform": scope.platform,
        "found": found,
        "page": page,
        "filters": kept.urlencode(),
        "selected": {k: request.GET.get(k, "") for k in ("code", "org", "month", "severity")},
    }
    return render(request, "console/issues.html", context)


ACTIONS = {
    "lock": (month_service.lock_month, gettext_lazy("%(month)s is approved and locked.")),
    "publish": (month_service.publish_month, gettext_lazy("%(month)s is published.")),
}


@require(MANAGE_PLATFORM, platform=user_platform)
@require_POST
def month_action(request: HttpRequest, month: str, action: str) -> HttpResponse:
    """Approve and lock, or publish, a month (audited by the month service)."""
    scope = scope_of(request)
    month = _month(month)
    change, done = ACTIONS[action]
    try:
        change(scope.platform, month, request.user)
    except ValueError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, str(done) % {"month": month})
    return _back(scope, year=month[:4])


@require(MANAGE_PLATFORM, platform=user_platform)
@require_http_methods(["GET", "POST"])
def reopen(request: HttpRequest, month: str) -> HttpResponse:
    scope = scope_of(request)
    month = _month(month)
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reopen_month(scope.platform, month, request.user, form.cleaned_data["reason"])
        except ValueError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("%(month)s is open again.") % {"month": month})
        return _back(scope, year=month[:4])
    context = {"platform": scope.platform, "month": month, "form": form}
    return render(request, "console/reopen.html", context, status=400 if form.errors else 200)
