"""API tokens and clients of the named actors (tests/web/conftest.py), and a month of rows for
each partner: May 2019 published, June 2019 open."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.test import Client

from kipu.web.api.auth import create_token
from kipu.web.locations.models import Location
from kipu.web.plans.models import Sector
from kipu.web.platforms.models import Organisation, Platform
from kipu.web.submissions.models import Activity, Submission
from kipu.web.submissions.months import lock_month, publish_month

PASSWORD = "correct-horse-battery-staple"
PUBLISHED, OPEN = "2019-05", "2019-06"


@pytest.fixture(autouse=True)
def api_settings(settings, tmp_path, monkeypatch) -> None:  # noqa: ANN001
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.KIPU_API_RATE = {"authenticated": "10000/min", "anonymous": "10000/min"}
    monkeypatch.setenv("KIPU_DATA_DIR", str(tmp_path))
    cache.clear()


RowMaker = Callable[..., Submission]


@pytest.fixture
def rows() -> RowMaker:
    """rows(platform, organisation, "PRO" (or "PRO-CP+WASH": rows alternate), month, count)
    → the submission."""

    def make(
        platform: Platform,
        organisation: Organisation,
        sector_code: str,
        month: str = PUBLISHED,
        count: int = 1,
        name: str = "",
    ) -> Submission:
        sectors = [
            Sector.objects.get(plan__platform=platform, code=code)
            for code in sector_code.split("+")
        ]
        admin1 = Location.objects.filter(country="PER", level=1).order_by("pcode").first()
        submission = Submission.objects.create(
            platform=platform,
            organisation=organisation,
            month=month,
            status=Submission.Status.CURRENT,
            row_count=count,
        )
        Activity.objects.bulk_create(
            Activity(
                submission=submission,
                platform=platform,
                row=number + 1,
                country="PER",
                admin1=admin1,
                appealing_org=organisation,
                implementation=False,
                month=month,
                sector=sectors[number % len(sectors)],
                indicator=sectors[number % len(sectors)].indicators.first(),
                activity_name=name or f"{organisation.acronym} {sector_code} {number}",
                rmrp_activity=True,
                cva=False,
                total_monthly=10,
                new_beneficiaries=4,
                in_destination=4,
                women=4,
            )
            for number in range(count)
        )
        return submission

    return make


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
