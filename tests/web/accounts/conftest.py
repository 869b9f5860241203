"""Named actors on a test platform: admin, coordinator (protection), partner_a, partner_b,
viewer, anonymous; plus `rows` to add a submission with activities."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import AnonymousUser, User

from kipu.web.accounts.services import assign_role
from kipu.web.locations.models import Location
from kipu.web.plans.models import Indicator, Sector
from kipu.web.platforms.models import Organisation, Platform
from kipu.web.submissions.models import Activity, Submission

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture(autouse=True)
def fast_hashing(settings) -> None:  # noqa: ANN001
    # Argon2 is deliberately slow; the tests exercise the flows, not the hasher.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def platform(make_platform) -> Platform:  # noqa: ANN001
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
    """rows(platform, organisation, sector_code, month="2019-05", count=1) → the submission."""

    def make(
        platform: Platform,
        organisation: Organisation,
        sector_code: str,
        month: str = "2019-05",
        count: int = 1,
    ) -> Submission:
        sector = Sector.objects.get(plan__platform=platform, code=sector_code)
        indicator = sector.indicators.first()
        admin1 = Location.objects.filter(country="PER", level=1).first()
        submission = Submission.objects.create(
            platform=platform,
            organisation=organisation,
            month=month,
            status=Submission.Status.CURRENT,
            row_count=count,
        )
        for number in range(count):
            Activity.objects.create(
                submission=submission,
                platform=platform,
                row=number + 1,
                country="PER",
                admin1=admin1,
                appealing_org=organisation,
                month=month,
                sector=sector,
                indicator=indicator,
                total_monthly=10,
            )
        return submission

    return make
