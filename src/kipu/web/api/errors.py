"""The one JSON error shape of the API, and the decorator that turns exceptions into it.

Every failure, whatever its cause, answers::

    {"error": {"code": "not-found", "message": "…", "details": {…}}}

with the matching HTTP status. `code` is a stable kebab-case string clients can branch on;
`message` is for people; `details` (always an object, possibly empty) carries what the code
needs: the bad parameters, the unpublished months, the validation report.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, JsonResponse
from django.http.response import HttpResponseBase

log = logging.getLogger("kipu.api")

# Status → the default code of that status; endpoints use more specific codes where useful.
DEFAULT_CODES: dict[int, str] = {
    400: "bad-request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    413: "payload-too-large",
    415: "unsupported-media-type",
    422: "invalid-submission",
    429: "rate-limited",
    500: "server-error",
}

# Every code the API answers, for the documentation and the schema.
ERROR_CODES: dict[str, str] = {
    "bad-request": "The request cannot be understood (malformed body, missing file).",
    "invalid-parameter": "A query or path parameter is missing or invalid; details name them.",
    "unauthenticated": "No credentials, or the endpoint needs a signed-in caller.",
    "invalid-token": "The bearer token is unknown, malformed or revoked.",
    "forbidden": "The caller's role does not allow this.",
    "unpublished-months": "Figures for months that are not published yet; details list them.",
    "not-found": "No such resource, or not visible to the caller.",
    "not-published": "The month is not published: no open data for it.",
    "method-not-allowed": "The endpoint does not answer this HTTP method.",
    "payload-too-large": "The uploaded file is beyond the size limit.",
    "unsupported-media-type": "The request body is not a 5W file or JSON.",
    "invalid-submission": "The 5W rows have errors; details.report is the validation report.",
    "rate-limited": "Too many requests; retry after the Retry-After header's seconds.",
    "server-error": "An unexpected failure on the server (logged).",
}


class ApiError(Exception):
    """Raised anywhere below a view; `api_errors` answers it with the error shape."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        code: str | None = None,
        details: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code or DEFAULT_CODES.get(status, "error")
        self.message = message
        self.details = dict(details or {})
        self.headers = dict(headers or {})


def error_response(
    status: int,
    message: str,
    *,
    code: str | None = None,
    details: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JsonResponse:
    body = {
        "error": {
            "code": code or DEFAULT_CODES.get(status, "error"),
            "message": message,
            "details": dict(details or {}),
        }
    }
    response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def from_error(error: ApiError) -> JsonResponse:
    return error_response(
        error.status,
        error.message,
        code=error.code,
        details=error.details,
        headers=error.headers,
    )


View = Callable[..., HttpResponseBase]


def api_errors(view: View) -> View:
    """Answer exceptions with the error shape: ApiError as it says, Http404 as 404,
    PermissionDenied as 403, anything else as a logged 500 that reveals nothing."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except ApiError as error:
            return from_error(error)
        except Http404 as error:
            return error_response(404, str(error) or "not found")
        except PermissionDenied:
            return error_response(403, "your role does not allow this")
        except Exception:
            log.exception("API failure on %s %s", request.method, request.path)
            return error_response(500, "unexpected server error; it has been logged")

    return wrapped


@api_errors
def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
    """Any path under /api/v1/ that names no endpoint."""
    raise ApiError(404, f"no API endpoint at {request.path}")
