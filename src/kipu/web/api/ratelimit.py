"""Fixed-window rate limiting in Django's cache: per token (or signed-in user) when
authenticated, per client address otherwise. Limits come from settings.KIPU_API_RATE.

With the default per-process LocMemCache each worker counts on its own; a shared cache
(Redis, Memcached, database) makes the limit global.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from kipu.web.api.errors import ApiError

DEFAULT_RATES = {"authenticated": "600/min", "anonymous": "120/min"}
PERIODS = {
    "s": 1,
    "sec": 1,
    "second": 1,
    "m": 60,
    "min": 60,
    "minute": 60,
    "h": 3600,
    "hour": 3600,
    "d": 86400,
    "day": 86400,
}


@dataclass(frozen=True)
class Rate:
    limit: int
    seconds: int


def parse_rate(text: str) -> Rate:
    """ "600/min" → Rate(600, 60)."""
    count, _, period = text.strip().partition("/")
    if not count.strip().isdigit() or period.strip().lower() not in PERIODS:
        raise ValueError(f"KIPU_API_RATE: {text!r} is not like '600/min'")
    return Rate(int(count), PERIODS[period.strip().lower()])


def rate_for(authenticated: bool) -> Rate:
    rates = {**DEFAULT_RATES, **getattr(settings, "KIPU_API_RATE", {})}
    return parse_rate(rates["authenticated" if authenticated else "anonymous"])


def hit(key: str, rate: Rate, now: float | None = None) -> dict[str, str]:
    """Count one request for `key`; raise 429 beyond the limit. Returns the headers that tell
    the client where it stands."""
    now = time.time() if now is None else now
    window = int(now // rate.seconds)
    reset = max(1, math.ceil((window + 1) * rate.seconds - now))
    slot = f"kipu-api-rate:{key}:{rate.seconds}:{window}"
    # add() is atomic where the backend is; incr() then never races to a lost update.
    cache.add(slot, 0, timeout=rate.seconds + 1)
    try:
        used = cache.incr(slot)
    except ValueError:  # expired between add and incr
        cache.set(slot, 1, timeout=rate.seconds + 1)
        used = 1
    headers = {
        "X-RateLimit-Limit": str(rate.limit),
        "X-RateLimit-Remaining": str(max(0, rate.limit - used)),
        "X-RateLimit-Reset": str(reset),
    }
    if used > rate.limit:
        raise ApiError(
            429,
            f"more than {rate.limit} requests in {rate.seconds} s; retry in {reset} s",
            details={"limit": rate.limit, "period_seconds": rate.seconds, "retry_after": reset},
            headers={**headers, "Retry-After": str(reset)},
        )
    return headers
