"""Shared fixtures: the test database holds the bundled Peru gazetteer; named actors are built
per test by small factories (no shared dump)."""

from __future__ import annotations

import pytest

from kipu.core.gazetteer import bundled_locations


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # noqa: ANN001 - pytest-django hook
    from kipu.web.locations.services import load_locations

    with django_db_blocker.unblock():
        load_locations(bundled_locations("PE"))


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
