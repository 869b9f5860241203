"""The site's error pages: 400, 403, 404, 500 and a refused form (CSRF), each in the site's
layout and the visitor's language, saying what happened and offering a way on: the person's
home (`accounts.navigation.landing_url`), the dashboard, and signing in (or in as someone
else) where that can help. Installed as the root URLconf's handler400… and CSRF_FAILURE_VIEW.

The 500 page renders with as little as possible (no database look-ups for the menu or the
home link), since what failed may be the database; if even that fails, a plain text answer
still says what happened."""

from __future__ import annotations

import logging
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

log = logging.getLogger(__name__)
TEMPLATE = "site/error.html"


def _home(request: HttpRequest) -> str:
    from kipu.web.accounts.navigation import DASHBOARD, landing_url

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return DASHBOARD
    try:
        return landing_url(request)
    except Exception:  # noqa: BLE001 - an error page must render even when the look-up fails
        log.exception("no home page for the error page")
        return DASHBOARD


def _api_answer(request: HttpRequest, status: int) -> HttpResponseBase | None:
    """The API's JSON error shape for an address under /api/v1/ (its clients read JSON, even
    for an address no route matches), else None."""
    from kipu.web.security import API_PREFIX

    if not (getattr(request, "path_info", "") or "").startswith(API_PREFIX):
        return None
    from kipu.web.api.errors import DEFAULT_CODES, ERROR_CODES, error_response

    return error_response(status, ERROR_CODES[DEFAULT_CODES[status]])


def _page(request: HttpRequest, status: int, **context: Any) -> HttpResponseBase:
    api = _api_answer(request, status)
    if api is not None:
        return api
    user = getattr(request, "user", None)
    context.setdefault("home", _home(request))
    context.setdefault("signed_in", bool(user and user.is_authenticated))
    html = render_to_string(TEMPLATE, {"status": status, **context}, request=request)
    return HttpResponse(html, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponseBase:
    return _page(
        request,
        400,
        title=_("Bad request"),
        text=_("The address or the form could not be understood. Nothing was changed."),
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponseBase:
    return _page(
        request,
        403,
        title=_("You cannot open this page"),
        text=_(
            "Your role does not give access to this page. If you think it should, ask your "
            "platform's IM team."
        ),
        sign_in_again=True,
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponseBase:
    return _page(
        request,
        404,
        title=_("Page not found"),
        text=_("There is no page at this address, or it is not visible to you."),
    )


def server_error(request: HttpRequest) -> HttpResponseBase:
    try:
        api = _api_answer(request, 500)
        if api is not None:
            return api
        html = render_to_string(
            TEMPLATE,
            {
                "status": 500,
                "title": _("Something went wrong"),
                "text": _(
                    "Kipu could not answer because of an error on its side; the error has been "
                    "recorded. If you were sending a form, check whether it was saved before "
                    "sending it again."
                ),
                "home": "/",
                "main_menu": [],
                "minimal": True,
            },
        )
    except Exception:  # noqa: BLE001 - the last answer must not fail
        log.exception("the 500 page could not be rendered")
        return HttpResponse(
            "500: Kipu could not answer because of an error on its side. Try again later.",
            status=500,
            content_type="text/plain; charset=utf-8",
        )
    return HttpResponse(html, status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponseBase:
    """The form was refused by the cross-site request forgery check (an expired page, a
    session that ended, cookies blocked)."""
    return _page(
        request,
        403,
        title=_("This form has expired"),
        text=_(
            "The form was sent from a page that is too old, or your browser blocks cookies, "
            "so it was refused and nothing was changed. Go back, reload the page and send it "
            "again."
        ),
        back=request.path if request.method == "POST" else "",
    )
