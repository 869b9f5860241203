"""The IM console (/console/): months and their status (approve and lock, publish, each after
a summary to confirm; reopen with a reason), the reporting completeness grid, reminders and
their schedule, and every partner's validation issues. Platform administrators only."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from kipu.web.accounts.scope import MANAGE_PLATFORM, Scope, require, scope_of
from kipu.web.audit.services import client_ip
from kipu.web.console import queries, services
from kipu.web.console.forms import ReopenForm, ScheduleForm
from kipu.web.portal.queries import reporting_months, user_platform
from kipu.web.portal.templatetags.kipu_months import month_label
from kipu.web.portal.views import language
from kipu.web.submissions import months as month_service

MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
ISSUES_PER_PAGE = 100


def _years(scope: Scope) -> list[int]:
    return sorted({int(m[:4]) for m in reporting_months(scope.platform)}, reverse=True)


def _year_months(request: HttpRequest, scope: Scope) -> tuple[int | None, list[str]]:
    years = _years(scope)
    wanted = request.GET.get("year", "")
    year = (
        int(wanted) if wanted.isdigit() and int(wanted) in years else (years[0] if years else None)
    )
    return year, [m for m in reporting_months(scope.platform) if year and m.startswith(f"{year}-")]


def _back(scope: Scope, name: str = "console:index", *args: Any, **params: Any) -> HttpResponse:
    query = urlencode({"platform": scope.platform.slug, **params})
    return redirect(f"{reverse(name, args=args)}?{query}")


def _month(value: str) -> str:
    if not MONTH.match(value or ""):
        raise Http404("no such month")
    return value


def export_url(scope: Scope, first: str, last: str, fmt: str = "xlsx") -> str:
    """The API's consolidated 5W table of every organisation's rows from `first` to `last`."""
    params = {"platform": scope.platform.slug, "from": first, "to": last, "format": fmt}
    return f"/api/v1/activities?{urlencode({**params, 'lang': language()})}"


@require(MANAGE_PLATFORM, platform=user_platform)
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    year, months = _year_months(request, scope)
    grid = queries.completeness(scope.platform, months)
    states = month_service.month_states(scope.platform)
    reports = queries.report_states(scope.platform, months)
    rows = [
        {
            "month": m,
            "status": states.get(m, ("open", ""))[0],
            "waiting": states.get(m, ("open", ""))[1],
            "counts": grid.counts(m),
            "reports": reports[m].values(),
            "export": export_url(scope, m, m),
        }
        for m in reversed(months)
    ]
    context = {
        "platform": scope.platform,
        "year": year,
        "years": _years(scope),
        "rows": rows,
        "deadline_day": grid.deadline_day,
        "year_export": export_url(scope, months[0], months[-1]) if months else "",
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
        "counts": [(m, grid.counts(m)) for m in months],
        "only_reporting": only,
        "statuses": month_service.month_statuses(scope.platform),
        "waiting": {
            m: note for m, (_s, note) in month_service.month_states(scope.platform).items()
        },
    }
    return render(request, "console/completeness.html", context)


@require(MANAGE_PLATFORM, platform=user_platform)
@require_http_methods(["GET", "POST"])
def reminders(request: HttpRequest) -> HttpResponse:
    """E-mail drafts to the organisations that have not reported a month (or were rejected);
    POST sends the ticked ones, or every one with a focal point (`all`)."""
    scope = scope_of(request)
    month = _month(request.GET.get("month", ""))
    grid = queries.completeness(scope.platform, [month])
    portal = request.build_absolute_uri(reverse("portal:home"))
    drafts = services.reminder_drafts(
        scope.platform, month, grid.to_remind(month), lang=language(), portal_url=portal
    )
    if request.method == "POST":
        chosen = set(request.POST.getlist("organisation"))
        every = request.POST.get("all") == "1"
        picked = [d for d in drafts if every or str(d.organisation.pk) in chosen]
        if not picked:
            messages.error(request, _("Tick at least one organisation, or send to all."))
            return _back(scope, "console:reminders", month=month)
        sent = services.send_reminders(
            scope.platform, month, picked, request.user, ip=client_ip(request), portal_url=portal
        )
        messages.success(request, _("Reminders sent to %(n)s organisations.") % {"n": sent})
        return _back(scope, "console:reminders", month=month)
    context = {
        "platform": scope.platform,
        "month": month,
        "counts": grid.counts(month),
        "drafts": drafts,
        "reachable": sum(1 for d in drafts if d.recipients),
        "sent": queries.sent_reminders(scope.platform, month),
        "invite_url": reverse("accounts:invite", args=[scope.platform.slug]),
    }
    return render(request, "console/reminders.html", context)


@require(MANAGE_PLATFORM, platform=user_platform)
@require_http_methods(["GET", "POST"])
def schedule(request: HttpRequest) -> HttpResponse:
    """The reporting deadline and the days reminders go out on their own; what was sent."""
    scope = scope_of(request)
    current = queries.schedule_of(scope.platform)
    initial = ScheduleForm.initial_for(current.deadline_day, current.remind_days or [])
    form = ScheduleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.save_schedule(
            scope.platform,
            form.cleaned_data["deadline_day"],
            form.remind_days(),
            request.user,
            ip=client_ip(request),
        )
        messages.success(request, _("Reporting schedule saved."))
        return _back(scope, "console:schedule")
    months = reporting_months(scope.platform)[-2:]
    context = {
        "platform": scope.platform,
        "form": form,
        "schedule": current,
        "upcoming": [(m, queries.reminder_dates(current, m)) for m in months],
        "sent": queries.sent_reminders(scope.platform, limit=100),
    }
    return render(request, "console/schedule.html", context, status=400 if form.errors else 200)


@require(MANAGE_PLATFORM, platform=user_platform)
@require_GET
def issues(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    org = request.GET.get("org", "")
    month = request.GET.get("month", "")
    severity = request.GET.get("severity", "")
    found = queries.all_issues(
        scope.platform,
        code=request.GET.get("code", ""),
        organisation=int(org) if org.isdigit() else None,
        month=month if MONTH.match(month) else "",
        severity=severity if severity in ("error", "warning") else "",
    )
    page = Paginator(found.issues, ISSUES_PER_PAGE).get_page(request.GET.get("page"))
    lang = language()
    shown = [{**issue, "message": queries.issue_message(issue, lang)} for issue in page]
    kept = request.GET.copy()
    kept.pop("page", None)
    context = {
        "platform": scope.platform,
        "found": found,
        "page": page,
        "shown": shown,
        "filters": kept.urlencode(),
        "selected": {k: request.GET.get(k, "") for k in ("code", "org", "month", "severity")},
    }
    return render(request, "console/issues.html", context)


DONE = {
    "lock": (
        gettext_lazy("%(month)s is approved and locked."),
        gettext_lazy("%(month)s was already locked."),
    ),
    "publish": (
        gettext_lazy("%(month)s is published."),
        gettext_lazy("%(month)s was already published."),
    ),
}


@require(MANAGE_PLATFORM, platform=user_platform)
@require_http_methods(["GET", "POST"])
def month_action(request: HttpRequest, month: str, action: str) -> HttpResponse:
    """GET: the month's summary (who reported, rows, issues, reports per language) and a
    button to confirm. POST (with the summary's fingerprint): lock or publish, once."""
    scope = scope_of(request)
    month = _month(month)
    if request.method == "POST":
        if "fingerprint" not in request.POST:
            messages.error(request, _("Read the month's summary, then confirm."))
            return _back(scope, f"console:{action}", month)
        try:
            changed, _summary = services.change_month(
                scope.platform,
                month,
                action,
                request.user,
                request.POST["fingerprint"],
                with_reports=request.POST.get("with_reports") == "1",
            )
        except services.StaleSummary:
            messages.error(
                request, _("The month changed since you opened its summary: check it again.")
            )
            return _back(scope, f"console:{action}", month)
        except ValueError as error:
            messages.error(request, str(error))
            return _back(scope, year=month[:4])
        done, already = DONE[action]
        text = str(done if changed else already) % {"month": month_label(month)}
        (messages.success if changed else messages.info)(request, text)
        return _back(scope, year=month[:4])
    summary = queries.month_summary(scope.platform, month)
    context = {"platform": scope.platform, "month": month, "action": action, "summary": summary}
    # The platforms that have not released rows of this view's month: it cannot be public yet.
    asked = action == "publish" or summary.status == "published"
    others = scope.withheld_by(month) if asked else []
    context["waiting"] = [other for other in others if not scope.is_above(other)]
    context["above"] = [other for other in others if scope.is_above(other)]
    return render(request, "console/confirm.html", context)


@require(MANAGE_PLATFORM, platform=user_platform)
@require_http_methods(["GET", "POST"])
def reopen(request: HttpRequest, month: str) -> HttpResponse:
    scope = scope_of(request)
    month = _month(month)
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if month_service.month_statuses(scope.platform).get(month, "open") == "open":
            messages.info(request, _("This month is open already."))
            return _back(scope, year=month[:4])
        try:
            withdrawn = services.reopen_month(
                scope.platform, month, request.user, form.cleaned_data["reason"]
            )
        except ValueError as error:
            messages.error(request, str(error))
        else:
            text = _("%(month)s is open again.") % {"month": month_label(month)}
            if withdrawn:
                text += " " + _(
                    "Its report is withdrawn from the public site until the month is "
                    "published again."
                )
            messages.success(request, text)
        return _back(scope, year=month[:4])
    summary = queries.month_summary(scope.platform, month)
    context = {"platform": scope.platform, "month": month, "form": form, "summary": summary}
    return render(request, "console/reopen.html", context, status=400 if form.errors else 200)
