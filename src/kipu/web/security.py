"""Request and response hardening every page goes through (see MIDDLEWARE in settings.py).

- `ContentSecurityPolicyMiddleware`: django-csp's Content-Security-Policy header on every
  response (settings.CONTENT_SECURITY_POLICY: no inline script, everything from this site).
  Stand-alone documents — a situation report's HTML and SVG charts, whose matplotlib markup
  carries its own <style> — may also use inline styles; nothing may run scripts.
- `PrivateCacheMiddleware`: an answer to a signed-in user or to a request with an Authorization
  header is `Cache-Control: private, no-store` and `Vary: Authorization, Cookie`, so no shared
  cache (and no browser history) keeps it. Public answers keep their own caching.
- `RejectNulMiddleware`: a NUL character in the path, a query parameter, a form field or the
  session cookie answers 400 before any query runs (PostgreSQL refuses NUL in text, which
  would otherwise be a 500; SQLite would store it). The API answers in its JSON error shape.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable

from csp.constants import UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.cache import patch_vary_headers

from kipu.web.api.errors import error_response

NUL = "\x00"
API_PREFIX = "/api/v1/"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# Views whose answers are whole documents made elsewhere (the report renderer), not pages of
# this site: their inline <style> elements and style attributes are allowed.
STANDALONE_VIEWS = frozenset({"reports:file"})

GetResponse = Callable[[HttpRequest], HttpResponseBase]


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if _standalone(request, response):
            parts.update = {**(parts.update or {}), "style-src": [UNSAFE_INLINE]}
        return parts


def _standalone(request: HttpRequest, response: HttpResponseBase) -> bool:
    if response.get("Content-Type", "").startswith("image/svg+xml"):
        return True
    match = getattr(request, "resolver_match", None)
    return match is not None and match.view_name in STANDALONE_VIEWS


# --- private answers -------------------------------------------------------------------------


class PrivateCacheMiddleware:
    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if is_private(request):
            response["Cache-Control"] = "private, no-store"
            patch_vary_headers(response, ("Authorization", "Cookie"))
        return response


def is_private(request: HttpRequest) -> bool:
    """Whether the answer may depend on who asks: a bearer token, or a signed-in session. Static
    files answered before authentication (WhiteNoise) stay public."""
    if request.META.get("HTTP_AUTHORIZATION"):
        return True
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


# --- the client's address ------------------------------------------------------------------


def client_address(request: HttpRequest | None) -> str | None:
    """The address of the client, for throttling per address. Directly, REMOTE_ADDR. Behind a
    TLS proxy (settings.KIPU_BEHIND_PROXY) REMOTE_ADDR is the proxy's, the same for everyone:
    the client's is the last X-Forwarded-For entry, which the proxy adds itself (the entries
    before it are whatever the client sent). Without that setting the header is ignored, so
    a client cannot choose its address."""
    if request is None:
        return None
    if settings.KIPU_BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip()
        try:
            return str(ipaddress.ip_address(forwarded))
        except ValueError:
            pass  # no usable header: the proxy's address, as below
    return request.META.get("REMOTE_ADDR") or None


# --- NUL characters ----------------------------------------------------------------------------


class RejectNulMiddleware:
    """Last in MIDDLEWARE, so the 400 page knows the language; it runs before any view."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if NUL in request.COOKIES.get(settings.SESSION_COOKIE_NAME, ""):
            # The session would be looked up with this key: answer without touching it (nor
            # the user, whom PrivateCacheMiddleware would otherwise look up by it).
            request.user = AnonymousUser()
            response = HttpResponse(
                "Bad request: NUL character in the session cookie.\n",
                status=400,
                content_type="text/plain; charset=utf-8",
            )
            response.delete_cookie(settings.SESSION_COOKIE_NAME)
            return response
        found = nul_fields(request)
        if found:
            return _refuse(request, found)
        return self.get_response(request)


def nul_fields(request: HttpRequest) -> list[str]:
    """Where the request carries a NUL: "path", or the names of query parameters and form
    fields (a NUL in a name counts as that name)."""
    found = ["path"] if NUL in request.path_info else []
    found += _in(request.GET.lists())
    if request.method not in ("GET", "HEAD", "OPTIONS") and _form_fields_checked(request):
        found += _in(request.POST.lists())
    return list(dict.fromkeys(found))


def _form_fields_checked(request: HttpRequest) -> bool:
    media = (request.content_type or "").lower()
    if media not in FORM_TYPES:
        return False  # JSON and raw bodies are read (and checked) by the views themselves
    # The API reads only the `file` part of a multipart body, after authenticating the caller:
    # parsing uploads here, before that, would let anyone make the server spool files.
    return not (media == "multipart/form-data" and request.path_info.startswith(API_PREFIX))


def _in(items: Iterable[tuple[str, list[str]]]) -> list[str]:
    return [
        name.replace(NUL, "\\0")
        for name, values in items
        if NUL in name or any(NUL in value for value in values)
    ]


def _refuse(request: HttpRequest, fields: list[str]) -> HttpResponseBase:
    message = "NUL characters are not allowed in addresses, parameters or form fields"
    if request.path_info.startswith(API_PREFIX):
        return error_response(
            400,
            message,
            code="invalid-parameter",
            details={"parameters": {name: "contains a NUL character" for name in fields}},
        )
    return render(request, "site/bad_request.html", {"fields": fields}, status=400)
