"""What every endpoint goes through, in order: method check, caller (token or session), rate
limit, parameters checked against the endpoint table, platform and scope. Views receive a
`Call` and return a response; they raise ApiError for failures."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.http import Http404, HttpRequest, JsonResponse, QueryDict
from django.http.response import HttpResponseBase
from django.views.decorators.csrf import csrf_exempt

from kipu.web.accounts.scope import Scope, platform_from_request
from kipu.web.api.auth import Caller, authenticate, require_signed_in
from kipu.web.api.errors import ApiError, api_errors
from kipu.web.api.params import Endpoint
from kipu.web.api.ratelimit import hit, rate_for
from kipu.web.audit.services import client_ip
from kipu.web.platforms.models import Platform


@dataclass
class Call:
    request: HttpRequest
    endpoint: Endpoint
    caller: Caller
    params: dict[str, Any]
    path: dict[str, Any] = field(default_factory=dict)
    _scope: Scope | None = None

    @property
    def user(self) -> Any:
        return self.caller.user

    @property
    def platform(self) -> Platform:
        return self.scope.platform

    @property
    def scope(self) -> Scope:
        """The caller's scope on the platform the request names (path, then query)."""
        if self._scope is None:
            slug = self.path.get("platform") or self.params.get("platform")
            try:
                platform = platform_from_request(self.request, {"platform": slug})
            except Http404:
                raise ApiError(
                    404,
                    f"no platform {slug!r}" if slug else "no platform yet",
                    details={"platform": slug},
                ) from None
            if platform is None:
                raise ApiError(404, "no platform yet")
            self._scope = Scope.for_user(self.user, platform)
        return self._scope


Handler = Callable[[Call], HttpResponseBase]
HANDLERS: dict[str, Handler] = {}


def handler(name: str) -> Callable[[Handler], Handler]:
    """Register the view of endpoint `name` (see schema.ENDPOINTS)."""

    def register(view: Handler) -> Handler:
        HANDLERS[name] = view
        return view

    return register


def _identify(request: HttpRequest) -> tuple[Caller, dict[str, str]]:
    """The caller and the rate-limit headers. A bad token still counts against the client's
    address, so guessing tokens is throttled too."""
    try:
        caller = authenticate(request)
    except ApiError:
        hit(f"ip:{client_ip(request) or '-'}", rate_for(False))
        raise
    key = caller.rate_key or f"ip:{client_ip(request) or '-'}"
    return caller, hit(key, rate_for(caller.authenticated))


def route(endpoints: list[Endpoint]) -> Callable[..., HttpResponseBase]:
    """The Django view of one URL path, dispatching on the HTTP method."""
    by_method = {e.method: e for e in endpoints}
    allowed = ", ".join(sorted(by_method))

    @csrf_exempt  # writes need a bearer token, never cookies: nothing for CSRF to protect
    @api_errors
    def view(request: HttpRequest, **kwargs: Any) -> HttpResponseBase:
        method = "GET" if request.method == "HEAD" else (request.method or "GET")
        endpoint = by_method.get(method)
        if endpoint is None:
            raise ApiError(
                405,
                f"{request.method} is not allowed here; use {allowed}",
                headers={"Allow": allowed},
                details={"allowed": sorted(by_method)},
            )
        caller, rate_headers = _identify(request)
        if endpoint.access == "signed-in":
            require_signed_in(caller)
        # A query string is UTF-8 whatever charset the body's Content-Type names: Django
        # decodes it by that charset (`charset=utf-16` garbled every parameter, a tester's).
        request.GET = QueryDict(request.META.get("QUERY_STRING", ""), encoding="utf-8")
        params = endpoint.parse_query(request.GET)
        call = Call(request, endpoint, caller, params, path=kwargs)
        response = HANDLERS[endpoint.name](call)
        for name, value in rate_headers.items():
            response[name] = value
        return response

    return view


def json_answer(data: Any, status: int = 200) -> JsonResponse:
    return JsonResponse(
        data, status=status, safe=False, json_dumps_params={"ensure_ascii": False, "default": str}
    )


def page_links(call: Call, page: int, size: int, count: int) -> dict[str, Any]:
    """Page-number pagination fields; next/previous are absolute URLs with the same filters."""

    def link(number: int) -> str:
        query = call.request.GET.copy()
        query["page"] = str(number)
        query["page_size"] = str(size)
        return call.request.build_absolute_uri(f"{call.request.path}?{query.urlencode()}")

    last = max(1, -(-count // size))
    return {
        "count": count,
        "page": page,
        "page_size": size,
        "next": link(page + 1) if page < last else None,
        "previous": link(page - 1) if page > 1 else None,
    }
