"""Actors for the audit tests: an admin, a partner and a viewer of one platform."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from kipu.web.accounts.services import assign_role
from kipu.web.platforms.models import Organisation, Platform


@pytest.fixture(autouse=True)
def fast_hashing(settings) -> None:  # noqa: ANN001
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def platform(make_platform) -> Platform:  # noqa: ANN001
    return make_platform("gtrm-audit")


@pytest.fixture
def admin(platform: Platform) -> User:
    user = User.objects.create_user("im.admin", "im@example.org", "x")
    assign_role(user, platform, "admin")
    return user


@pytest.fixture
def partner(platform: Platform) -> User:
    user = User.objects.create_user("partner.pa", "pa@example.org", "x")
    assign_role(
        user, platform, "partner", organisation=Organisation.objects.get(external_id="ORG901")
    )
    return user


@pytest.fixture
def viewer(platform: Platform) -> User:
    user = User.objects.create_user("viewer", "v@example.org", "x")
    assign_role(user, platform, "viewer")
    return user
