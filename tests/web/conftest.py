"""Named actors of the web tests, shared by every suite under tests/web: a platform with two
partner organisations and a small plan (protection with a child-protection sub-sector, WASH),
another platform, and one user per role. Suites add their own row factories."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser, User

from kipu.web.accounts.services import assign_role
from kipu.web.plans.models import Indicator, Sector
from kipu.web.platforms.models import Organisation, Platform

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
