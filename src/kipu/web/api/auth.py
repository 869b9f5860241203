"""Personal API tokens: `Authorization: Bearer kipu_…`.

A token is `kipu_` + 43 random URL-safe characters (256 bits). The database keeps its SHA-256
(a fast hash is enough for a random secret of that length: there is nothing to brute-force)
and a short visible prefix. The secret is shown once, when the token is created.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from kipu.web.api.errors import ApiError
from kipu.web.api.models import ApiToken
from kipu.web.audit.services import client_ip, record
from kipu.web.platforms.models import Platform

TOKEN_PREFIX = "kipu_"
VISIBLE = 12  # characters of the token kept in clear, "kipu_" included
# last_used_at is written at most this often, so reads do not each cost a write.
TOUCH_EVERY = timedelta(minutes=1)


def digest_of(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_token(user: Any, name: str, request: HttpRequest | None = None) -> str:
    """Create a token for `user`; returns the secret (never stored, never shown again)."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name.strip()[:100] or "token",
        prefix=secret[:VISIBLE],
        digest=digest_of(secret),
    )
    _record(
        user,
        "create_api_token",
        token,
        after={"name": token.name, "prefix": token.prefix},
        ip=client_ip(request),
    )
    return secret


def revoke_token(token: ApiToken, actor: Any, request: HttpRequest | None = None) -> None:
    if token.revoked_at is not None:
        return
    _revoke(token, actor, client_ip(request))


def revoke_user_tokens(user: Any, actor: Any, *, note: str = "", ip: str | None = None) -> int:
    """Revoke every active token of `user` (an account being deactivated): a token stays
    revoked, so reactivating the account does not bring it back. Returns how many."""
    tokens = list(ApiToken.objects.select_related("user").filter(user=user, revoked_at=None))
    for token in tokens:
        _revoke(token, actor, ip, note)
    return len(tokens)


def _revoke(token: ApiToken, actor: Any, ip: str | None, note: str = "") -> None:
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    _record(
        actor,
        "revoke_api_token",
        token,
        before={"revoked": False},
        after={"revoked": True},
        ip=ip,
        note=note,
    )


def token_platforms(user: Any) -> list[Any]:
    """Where a token's audit events go: every platform where its owner holds a role, or the
    installation (None) for a superuser or a user without roles. A token reaches whatever its
    owner's roles reach, so each of those platforms' IM teams sees it come and go."""
    if user.is_superuser:
        return [None]
    return list(Platform.objects.filter(roles__user_id=user.pk).order_by("pk").distinct()) or [None]


def _record(
    actor: Any,
    action: str,
    token: ApiToken,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    ip: str | None = None,
    note: str = "",
) -> None:
    for platform in token_platforms(token.user):
        record(actor, action, token, before, after, platform, note, ip=ip)


@dataclass(frozen=True)
class Caller:
    """Who is calling: a user (None for anonymous) and the token used, if any."""

    user: Any = None
    token: ApiToken | None = None

    @property
    def authenticated(self) -> bool:
        return self.user is not None

    @property
    def rate_key(self) -> str | None:
        if self.token is not None:
            return f"token:{self.token.pk}"
        return f"user:{self.user.pk}" if self.user is not None else None


def authenticate(request: HttpRequest) -> Caller:
    """The caller of an API request. A bearer token wins; without an Authorization header a
    signed-in browser session counts for reads only (writes need a token, so a page on another
    site cannot submit data with the visitor's cookies)."""
    header = request.headers.get("Authorization", "")
    if header:
        return Caller(*_from_header(header))
    user = getattr(request, "user", None)
    if request.method in ("GET", "HEAD", "OPTIONS") and user is not None and user.is_authenticated:
        return Caller(user)
    return Caller()


def _from_header(header: str) -> tuple[Any, ApiToken]:
    scheme, _, secret = header.strip().partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not secret.startswith(TOKEN_PREFIX):
        raise ApiError(
            401,
            "use `Authorization: Bearer kipu_…` with a personal API token",
            code="invalid-token",
            headers={"WWW-Authenticate": "Bearer"},
        )
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=digest_of(secret), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        raise ApiError(
            401,
            "unknown or revoked API token",
            code="invalid-token",
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )
    now = timezone.now()
    ApiToken.objects.filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - TOUCH_EVERY), pk=token.pk
    ).update(last_used_at=now)
    return token.user, token


def require_signed_in(caller: Caller) -> None:
    if not caller.authenticated:
        raise ApiError(
            401,
            "this endpoint needs an API token (Authorization: Bearer kipu_…)",
            headers={"WWW-Authenticate": "Bearer"},
        )
