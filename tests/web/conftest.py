"""Named actors of the web tests, shared by every suite under tests/web: a platform with two
partner organisations and a small plan (protection with a child-protection sub-sector, WASH),
another platform, one user per role, and `rows`, the factory of stored submissions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser, User

from kipu.web.accounts.services import assign_role
from kipu.web.locations.models import Location
from kipu.web.plans.models import Indicator, Sector
from kipu.web.platforms.models import Organisation, Platform
from kipu.web.submissions.models import Activity, Submission

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture(autouse=True)
def fast_hashing(settings: Any) -> None:
    # Argon2 is deliberately slow; the tests exercise the flows, not the hasher.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def platform(make_platform: Callable[..., Platform]) -> Platform:
    made = make_platform("gtrm-test")
    plan = made.plans.get()
    wash = Sector.objects.create(plan=plan, code="WASH", name_en="Water, sanitation, hygiene")
    Indicator.objects.create(plan=plan, sector=wash, code="WASH-01", name_en="Kits", type="PiN")
    # A sub-sector of protection: a protection coordinator reads it too.
    child = Sector.objects.create(
        plan=plan, code="PRO-CP", name_en="Child protection", parent=plan.sectors.get(code="PRO")
    )
    Indicator.objects.create(plan=plan, sector=child, code="CP-01", name_en="Kids", type="PiN")
    return made


@pytest.fixture
def other_platform(make_platform: Callable[..., Platform], platform: Platform) -> Platform:
    return make_platform("gtrm-other", year=2020)


@pytest.fixture
def org_a(platform: Platform) -> Organisation:
    return Organisation.objects.get(external_id="ORG901")


@pytest.fixture
def org_b(platform: Platform) -> Organisation:
    return Organisation.objects.get(external_id="ORG902")


def make_user(username: str) -> User:
    return User.objects.create_user(username, f"{username}@example.org", PASSWORD)


def _with_role(username: str, platform: Platform, role: str, **extra: Any) -> User:
    user = make_user(username)
    assign_role(user, platform, role, **extra)
    return user


@pytest.fixture
def admin(platform: Platform) -> User:
    return _with_role("im.admin", platform, "admin")


@pytest.fixture
def coordinator(platform: Platform) -> User:
    return _with_role("coordinator.protection", platform, "coordinator", sectors=["PRO"])


@pytest.fixture
def partner_a(platform: Platform, org_a: Organisation) -> User:
    return _with_role("partner.pa", platform, "partner", organisation=org_a)


@pytest.fixture
def partner_b(platform: Platform, org_b: Organisation) -> User:
    return _with_role("partner.pb", platform, "partner", organisation=org_b)


@pytest.fixture
def viewer(platform: Platform) -> User:
    return _with_role("viewer", platform, "viewer")


@pytest.fixture
def rows() -> Callable[..., Submission]:
    """rows(platform, org, "PRO" or "PRO-CP+WASH" (alternating), month, count, *, name, status)."""

    def make(
        platform: Platform,
        organisation: Organisation,
        sector_code: str = "PRO",
        month: str = "2019-05",
        count: int = 1,
        *,
        name: str = "",
        status: str = Submission.Status.CURRENT,
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
            status=status,
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
def anonymous() -> AnonymousUser:
    return AnonymousUser()


@pytest.fixture
def actors(
    admin: User, coordinator: User, partner_a: User, partner_b: User, viewer: User
) -> dict[str, User | None]:
    return {
        "anonymous": None,
        "viewer": viewer,
        "partner": partner_a,
        "coordinator": coordinator,
        "admin": admin,
    }
