"""Where a person goes: the page they land on after signing in, and the links the menu shows.

Both ask the question the views' guards ask (`scope.require` records its permission and
platform resolver on the view): a link is shown only when its view would let the user in, so the
menu never leads to a 403, and each role lands on the first home it may open: the IM team on
the console, partners and coordinators on the portal, everyone else on the public dashboard.
"""

from __future__ import annotations

import copy
import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.http import Http404, HttpRequest, QueryDict
from django.urls import Resolver404, resolve
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kipu.web.accounts.scope import PARTNER, VIEW_PUBLISHED, Scope, platform_from_request
from kipu.web.platforms.models import Platform

DASHBOARD, REPORTS, PORTAL, CONSOLE, API_DOCS = (
    "/",
    "/reports/",
    "/portal/",
    "/console/",
    "/api/v1/docs/",
)
log = logging.getLogger(__name__)
# Homes in the order a sign-in tries them: the first the user may open is theirs.
HOMES = (CONSOLE, PORTAL, DASHBOARD)


@dataclass(frozen=True)
class Link:
    url: str
    label: str | Promise
    current: bool = False


def may_open(request: HttpRequest, url: str) -> bool:
    """Whether the view behind `url` (a path of this site, with its query) lets the user of
    `request` in, by the permission and platform its `require` guard uses. Unguarded views
    are public; an address that resolves to nothing, or to a platform that does not exist, is
    not offered."""
    parts = urlsplit(url)
    try:
        match = resolve(parts.path)
    except Resolver404:
        return False
    permission = getattr(match.func, "kipu_permission", VIEW_PUBLISHED)
    if permission == VIEW_PUBLISHED:
        return True
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    asked = copy.copy(request)
    asked.GET = QueryDict(parts.query)
    resolver = getattr(match.func, "kipu_platform", platform_from_request)
    try:
        platform: Platform | None = resolver(asked, dict(match.kwargs))
    except Http404:
        return False
    return platform is not None and Scope.for_user(user, platform).allows(permission)


def landing_url(request: HttpRequest) -> str:
    """The home of the signed-in user: the console for the IM team, the portal for partners
    and coordinators, the public dashboard for everyone else (viewers, people without a
    role)."""
    return next((home for home in HOMES if may_open(request, home)), DASHBOARD)


def menu(request: HttpRequest) -> list[Link]:
    """The main menu's links the user may open, the current section marked."""
    user = getattr(request, "user", None)
    partner = bool(user and user.is_authenticated) and _is_partner(request)
    entries: list[tuple[str, str | Promise]] = [
        (DASHBOARD, _("Dashboard")),
        (REPORTS, _("Reports")),
        (PORTAL, _("My submissions") if partner else _("Submissions")),
        (CONSOLE, _("IM console")),
        (API_DOCS, "API"),
    ]
    here = getattr(request, "path", "") or ""
    return [
        Link(url, label, current=_is_current(here, url))
        for url, label in entries
        if may_open(request, url)
    ]


def _is_current(here: str, url: str) -> bool:
    return here == url if url == DASHBOARD else here.startswith(url)


def _is_partner(request: HttpRequest) -> bool:
    try:
        platform = _platform_of(request)
    except Http404:
        return False
    return platform is not None and Scope.for_user(request.user, platform).role == PARTNER


def _platform_of(request: HttpRequest) -> Platform | None:
    from kipu.web.portal.queries import user_platform

    return user_platform(request, {})


def menu_context(request: HttpRequest) -> dict[str, Any]:
    """Template context processor: `main_menu`, the links of `menu(request)`. Error pages
    rendered without a request, and a site without any platform yet, get the public links."""
    try:
        return {"main_menu": menu(request)}
    except Exception:  # noqa: BLE001 - a broken menu must not turn a page (a 500) into another
        log.exception("the main menu could not be built; showing the public links only")
        return {"main_menu": [Link(DASHBOARD, _("Dashboard")), Link(REPORTS, _("Reports"))]}
