"""Shared fixtures: the test database holds the bundled Peru gazetteer; named actors are built
per test by small factories (no shared dump)."""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings
from pytest_django.plugin import blocking_manager_key

from kipu.core.gazetteer import bundled_locations

# CI (.ci/run) draws the same examples on every run: a red CI blocks landing, so it must not
# turn red on a draw no change caused. Other runs of `make test` draw anew and keep exploring;
# a failure there prints the @reproduce_failure blob to add as a fixed example.
settings.register_profile("ci", derandomize=True, database=None)
settings.load_profile(os.environ.get("KIPU_HYPOTHESIS_PROFILE", "default"))

# The corpus of quirk files (tests/quirk_files.py) is shared by the core, CLI and web suites.
sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # noqa: ANN001 - pytest-django hook
    from kipu.web.locations.services import load_locations

    with django_db_blocker.unblock():
        load_locations(bundled_locations("PE"))


@pytest.fixture(autouse=True)
def default_language() -> None:
    """Every test starts in the default language: a request in Spanish leaves Spanish active
    in the thread (LocaleMiddleware activates each request's language; nothing deactivates
    it), and a message checked in English would then depend on the tests run before."""
    from django.utils import translation

    translation.deactivate()


# Set on the tests that run outside a transaction: their teardown empties every table.
EMPTIES_TABLES = pytest.StashKey[bool]()


def _load_gazetteer_if_missing() -> None:
    from kipu.web.locations.models import Location
    from kipu.web.locations.services import load_locations

    if not Location.objects.filter(pcode="PE15").exists():
        load_locations(bundled_locations("PE"))


@pytest.fixture(autouse=True)
def gazetteer_present(request):  # noqa: ANN001
    """Every database test starts with the gazetteer (see pytest_runtest_teardown below)."""
    uses_database = request.node.get_closest_marker("django_db") is not None or any(
        name in request.fixturenames for name in ("db", "transactional_db")
    )
    if uses_database:
        from django.db import connection

        # The database access the test asked for, by fixture or by marker (pytest-django).
        request.getfixturevalue("_django_db_helper")
        request.node.stash[EMPTIES_TABLES] = not connection.in_atomic_block
        _load_gazetteer_if_missing()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> object:
    """Transactional tests empty every table when they end. Load the gazetteer again right
    after, committed: loaded inside the next test's transaction instead, it would be rolled
    back with it and loaded again by every database test after (about a second each)."""
    result = yield
    # After the last test the test database is gone (nothing comes after it to need it).
    if item.stash.get(EMPTIES_TABLES, False) and nextitem is not None:
        from django.db import transaction

        with item.config.stash[blocking_manager_key].unblock(), transaction.atomic():
            _load_gazetteer_if_missing()
    return result


@pytest.fixture
def make_platform(db):  # noqa: ANN001
    """Factory: a national platform with two partner organisations and a small plan."""
    from kipu.core.loaders.organisations import OrganisationRecord
    from kipu.core.loaders.plan import IndicatorRecord, PlanContent, SectorRecord
    from kipu.web.plans.services import load_plan
    from kipu.web.platforms.services import add_platform, load_organisations

    def make(slug: str = "gtrm-test", year: int = 2019):
        platform = add_platform(slug, f"Platform {slug}", country="PER")
        load_organisations(
            platform,
            [
                OrganisationRecord(
                    "Partner A", acronym="PA", org_type="INGO", external_id="ORG901"
                ),
                OrganisationRecord(
                    "Partner B",
                    name_es="Socio B",
                    acronym="PB",
                    org_type="NNGO",
                    external_id="ORG902",
                ),
            ],
        )
        load_plan(
            platform,
            year,
            PlanContent(
                sectors=[SectorRecord("PRO", "Protection", "Protección")],
                indicators=[IndicatorRecord("PRO-01", "People oriented", "PRO", "PiN")],
            ),
        )
        return platform

    return make


@pytest.fixture
def fresh_database_url(tmp_path: Path) -> Iterator[str]:
    """An empty database of the kind under test: a new SQLite file, or a new PostgreSQL database."""
    configured = os.environ.get("DATABASE_URL", "")
    if not configured.startswith("postgres"):
        yield f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
        return
    import psycopg

    from kipu.web.database import parse_database_url

    config = parse_database_url(configured)
    name = f"kipu_e2e_{uuid.uuid4().hex[:8]}"
    admin = dict(
        dbname="postgres",
        user=config["USER"] or None,
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        autocommit=True,
    )
    with psycopg.connect(**admin) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    yield configured.rsplit("/", 1)[0] + f"/{name}"
    with psycopg.connect(**admin) as connection:
        connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
