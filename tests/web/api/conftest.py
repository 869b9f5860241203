"""API tokens and clients of the named actors (tests/web/conftest.py), and a month of rows for
each partner: May 2019 published, June 2019 open."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.test import Client

from kipu.web.api.auth import create_token
from kipu.web.submissions.models import Submission
from kipu.web.submissions.months import lock_month, publish_month

PUBLISHED, OPEN = "2019-05", "2019-06"


@pytest.fixture(autouse=True)
def api_settings(settings, tmp_path, monkeypatch) -> None:  # noqa: ANN001
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.KIPU_API_RATE = {"authenticated": "10000/min", "anonymous": "10000/min"}
    monkeypatch.setenv("KIPU_DATA_DIR", str(tmp_path))
    cache.clear()


@pytest.fixture
def data(platform, org_a, org_b, rows, admin) -> dict[str, Submission]:  # noqa: ANN001
    """May (published): A protection ×2, B WASH ×3. June (open): A protection ×1; B child
    protection ×2 and WASH ×1."""
    made = {
        "a_may": rows(platform, org_a, "PRO", PUBLISHED, 2),
        "b_may": rows(platform, org_b, "WASH", PUBLISHED, 3),
        "a_june": rows(platform, org_a, "PRO", OPEN, 1),
        "b_june": rows(platform, org_b, "PRO-CP+WASH+PRO-CP", OPEN, 3),
    }
    lock_month(platform, PUBLISHED, admin)
    publish_month(platform, PUBLISHED, admin)
    return made


Factory = Callable[[object], Client]


@pytest.fixture
def api() -> Factory:
    """api(user) → a test client sending that user's new API token (anonymous for None)."""

    def make(user: object = None) -> Client:
        if user is None or isinstance(user, AnonymousUser):
            return Client()
        return Client(HTTP_AUTHORIZATION=f"Bearer {create_token(user, 'test')}")

    return make
