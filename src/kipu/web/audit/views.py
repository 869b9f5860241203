"""The audit log page, for platform administrators."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from kipu.web.accounts.queries import admin_platforms
from kipu.web.accounts.scope import MANAGE_PLATFORM, require, scope_of
from kipu.web.audit.forms import AuditFilterForm
from kipu.web.audit.queries import audit_events
from kipu.web.platforms.models import Platform

PAGE_SIZE = 50


def administered_platform(request: HttpRequest, kwargs: dict[str, Any]) -> Platform | None:
    """The `platform` asked for, else the first platform the user administers."""
    slug = request.GET.get("platform")
    if slug:
        return get_object_or_404(Platform, slug=slug)
    return admin_platforms(request.user).order_by("slug").first()


@require(MANAGE_PLATFORM, platform=administered_platform)
def audit_log(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    # Platform-less events (sign-in locks, CLI work) concern the whole installation.
    readable = audit_events(platforms=scope.platform, include_global=request.user.is_superuser)
    form = AuditFilterForm(request.GET or None, events=readable)
    filters = form.cleaned_data if form.is_valid() else {}
    events = audit_events(
        platforms=scope.platform,
        include_global=request.user.is_superuser,
        actor=filters.get("actor") or "",
        action=filters.get("action") or "",
        object_type=filters.get("object_type") or "",
        since=filters.get("since"),
        until=filters.get("until"),
    )
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "platform": scope.platform,
        "platforms": admin_platforms(request.user).order_by("slug"),
        "form": form,
        "page": page,
        "query": query.urlencode(),
    }
    return render(request, "audit/log.html", context)
