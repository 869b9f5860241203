"""Named actors on a test platform (as tests/web/accounts/conftest.py), their API tokens and
clients, and a month of rows for each partner: May 2019 published, June 2019 open."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.core.cache import cache
from django.test import Client

from kipu.web.accounts.services import assign_role
from kipu.web.api.auth import create_token
from kipu.web.locations.models import Location
from kipu.web.plans.models import Indicator, Sector
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


@pytest.fixture
def platform(make_platform) -> Platform:  # noqa: ANN001
    made = make_platform("gtrm-test")
    plan = made.plans.get()
    wash = Sector.objects.create(plan=plan, code="WASH", name_en="Water, sanitation, hygiene")
    Indicator.objects.create(plan=plan, sector=wash, code="WASH-01", name_en="Kits", type="PiN")
    child = Sector.objects.create(
        plan=plan, code="PRO-CP", name_en="Child protection", parent=plan.sectors.get(code="PRO")
    )
    Indicator.objects.create(plan=plan, sector=child, code="CP-01", name_en="Kids", type="PiN")
    return made


@pytest.fixture
def other_platform(make_platform, platform) -> Platform:  # noqa: ANN001
    return make_platform("gtrm-other", year=2020)


@pytest.fixture
def org_a(platform: Platform) -> Organisation:
    return Organisation.objects.get(external_id="ORG901")


@pytest.fixture
def org_b(platform: Platform) -> Organisation:
    return Organisation.objects.get(external_id="ORG902")


def _user(username: str) -> User:
    return User.objects.create_user(username, f"{username}@example.org", PASSWORD)


@pytest.fixture
def admin(platform: Platform) -> User:
    user = _user("im.admin")
    assign_role(user, platform, "admin")
    return user


@pytest.fixture
def coordinator(platform: Platform) -> User:
    user = _user("coordinator.protection")
    assign_role(user, platform, "coordinator", sectors=["PRO"])
    return user


@pytest.fixture
def partner_a(platform: Platform, org_a: Organisation) -> User:
    user = _user("partner.pa")
    assign_role(user, platform, "partner", organisation=org_a)
    return user


@pytest.fixture
def partner_b(platform: Platform, org_b: Organisation) -> User:
    user = _user("partner.pb")
    assign_role(user, platform, "partner", organisation=org_b)
    return user


@pytest.fixture
def viewer(platform: Platform) -> User:
    user = _user("viewer")
    assign_role(user, platform, "viewer")
    return user


@pytest.fixture
def anonymous() -> AnonymousUser:
    return AnonymousUser()


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
