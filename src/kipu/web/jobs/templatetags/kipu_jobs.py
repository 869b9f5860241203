"""The job progress component for other apps' pages: `{% load kipu_jobs %}` then
`{% job_progress job %}` (one job), `{% recent_jobs "import" %}` (the user's jobs of those kinds
on the page's platform, last day) or `{% start_job_button "opendata" month=month %}`. The bars
move by themselves (jobs/progress.js polls /api/v1/jobs/<id>); without script they show the
state at the time of the page."""

from __future__ import annotations

from typing import Any

from django import template

from kipu.web.accounts.scope import Scope
from kipu.web.jobs import queries

register = template.Library()


@register.inclusion_tag("jobs/_progress.html")
def job_progress(job: Any) -> dict[str, Any]:
    return {"job": queries.job_summary(job)}


def _scope(context: template.Context) -> Scope | None:
    scope = context.get("scope")
    if isinstance(scope, Scope):
        return scope
    request, platform = context.get("request"), context.get("platform")
    if request is None or platform is None or not hasattr(platform, "slug"):
        return None
    return Scope.for_user(request.user, platform)


@register.inclusion_tag("jobs/_recent.html", takes_context=True)
def recent_jobs(context: template.Context, kinds: str = "", limit: int = 5) -> dict[str, Any]:
    """The visible jobs of `kinds` (comma-separated; all when empty) of the last day."""
    scope = _scope(context)
    if scope is None or scope.user is None:
        return {"jobs": []}
    found = queries.recent_jobs(scope, kinds.split(",") if kinds else None)
    return {"jobs": [queries.job_summary(job) for job in found[:limit]]}


@register.inclusion_tag("jobs/_start.html", takes_context=True)
def start_job_button(
    context: template.Context, kind: str, month: str = "", label: str = ""
) -> dict[str, Any]:
    """A button that starts a job of `kind` (opendata, snapshot) for the page's platform and
    comes back to this page; only for the IM team. (The report editor starts its renders
    itself, after checking the narrative: kipu.web.reports.views.start_render.)"""
    scope = _scope(context)
    request = context.get("request")
    allowed = scope is not None and scope.can_manage_platform()
    return {
        "allowed": allowed,
        "kind": kind,
        "month": month,
        "label": label,
        "platform": scope.platform if scope else None,
        "next": request.get_full_path() if request is not None else "",
        "csrf_token": context.get("csrf_token"),
    }
