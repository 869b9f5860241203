"""Helpers of the background-job tests (imported by name: tests/ is not a package)."""

from __future__ import annotations

import os

import pytest

REDIS_URL = os.environ.get("KIPU_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def redis_reachable(url: str = REDIS_URL) -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except Exception:  # noqa: BLE001 - any failure means: no Redis here
        return False


def require_redis() -> None:
    """Skip without Redis, unless KIPU_REQUIRE_REDIS=1 (CI), which makes it a failure."""
    if redis_reachable():
        return
    if os.environ.get("KIPU_REQUIRE_REDIS") == "1":
        pytest.fail(f"Redis is not reachable at {REDIS_URL} and KIPU_REQUIRE_REDIS=1")
    pytest.skip(f"Redis is not reachable at {REDIS_URL}")
