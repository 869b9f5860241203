"""Named actors of the web tests, shared by every suite under tests/web: a platform with two
partner organisations and a small plan (protection with a child-protection sub-sector, WASH),
another platform, one user per role, and `rows`, the factory of stored submissions; and `demo`,
the demonstration platform, loaded once per test module."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from pytest_django import DjangoDbBlocker

from kipu.web.accounts.services import assign_role
from kipu.web.locations.models import Location
from kipu.web.plans.models import Indicator, Sector
from kipu.web.platforms.models import Organisation, Platform
from kipu.web.site.services import load_demo
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


# --- the demonstration platform, loaded once per module -----------------------------------


@pytest.fixture(scope="module")
def module_transaction(
    django_db_setup: None, django_db_blocker: DjangoDbBlocker
) -> Iterator[DjangoDbBlocker]:
    """A transaction around the whole test module, rolled back when the module ends: what a
    module-scoped fixture stores in it is seen by every test after, and each test's own
    transaction is a savepoint inside it, rolled back after the test as usual. Transactional
    tests (they commit, and empty every table when they end) cannot run inside it: they live
    in modules without it."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
    try:
        yield django_db_blocker
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture(scope="module")
def demo_loaded(
    module_transaction: DjangoDbBlocker, tmp_path_factory: pytest.TempPathFactory
) -> int:
    """The id of the demonstration platform (`kipu demo load`: 5W rows of a year, a survey,
    narratives), loaded once per module: loading it takes seconds. A module overrides this
    fixture (asking for it by name) to stage more of the demonstration's workflow once."""
    with module_transaction.unblock(), pytest.MonkeyPatch.context() as patch:
        patch.setenv("KIPU_DATA_DIR", str(tmp_path_factory.mktemp("demo")))
        return load_demo().pk


@pytest.fixture
def demo(
    request: pytest.FixtureRequest,
    db: None,
    demo_loaded: int,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Platform:
    """The demonstration platform as the module's `demo_loaded` left it; what the test changes
    is rolled back after it. The test's own data folder (rendered reports, snapshots)."""
    marker = request.node.get_closest_marker("django_db")
    committing = {"transactional_db", "live_server"} & set(request.fixturenames)
    if (marker and marker.kwargs.get("transaction")) or committing:
        pytest.fail("a transactional test cannot share the module's demonstration: load it")
    monkeypatch.setenv("KIPU_DATA_DIR", str(tmp_path))
    return Platform.objects.get(pk=demo_loaded)


@pytest.fixture(scope="session")
def publish_demo_months() -> Callable[..., int]:
    """For a module's `demo_loaded` override: publish(module_transaction, demo_pk) gives the
    demonstration with October and November 2019 (or `months`) published."""
    return _publish_demo_months


def _publish_demo_months(
    module_transaction: Any, demo_pk: int, months: tuple[str, ...] = ("2019-10", "2019-11")
) -> int:
    from kipu.web.submissions.months import lock_month, publish_month

    with module_transaction.unblock():
        platform = Platform.objects.get(pk=demo_pk)
        for month in months:
            lock_month(platform, month, "test")
            publish_month(platform, month, "test")
    return demo_pk


@pytest.fixture
def arrow_reads(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether each ADBC read of the store gave the rows (False: the caller fell back to
    COPY), in order."""
    from kipu.web.submissions import queries

    read: list[bool] = []
    arrow = queries._read_arrow

    def counted(*args: object) -> object:
        found = arrow(*args)  # type: ignore[arg-type]
        read.append(found is not None)
        return found

    monkeypatch.setattr(queries, "_read_arrow", counted)
    return read
