"""A small regional response built in code: R4V with a listed country of its own (Bolivia) and
a national platform (GTRM Peru) with a local one (GTRM Tumbes), three plan years, and the
partners of tests/web/conftest.py."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent.parent / "portal"))
sys.path.insert(0, str(Path(__file__).parent))  # release_rows

from web_actors import *  # noqa: E402, F403

from kipu.core.gazetteer import Location  # noqa: E402
from kipu.core.loaders.organisations import OrganisationRecord  # noqa: E402
from kipu.core.loaders.plan import IndicatorRecord, PlanContent, SectorRecord  # noqa: E402

BOLIVIA = [
    Location("BO", 0, "BOL", "Bolivia", "BOL", iso="BO"),
    Location("BO00", 1, "00", "Country level", "BOL", "BO", national=True),
    Location("BO07", 1, "07", "Santa Cruz", "BOL", "BO"),
    Location("BO02", 1, "02", "La Paz", "BOL", "BO"),
]


def plan_of(year: int) -> PlanContent:
    """R4V-like plans whose indicator names and codes change with the year."""
    return PlanContent(
        sectors=[SectorRecord("PRO", "Protection", "Protección")],
        indicators=[
            IndicatorRecord(f"PRO{year % 100}", f"# of people oriented in {year}", "PRO", "PiN"),
        ],
    )


@pytest.fixture
def region(db):  # noqa: ANN001, ANN201
    """{'r4v', 'peru', 'tumbes'} platforms; organisations on R4V (and members of Peru)."""
    from kipu.web.locations.services import load_locations
    from kipu.web.plans.services import load_plan
    from kipu.web.platforms.services import add_platform, load_organisations

    load_locations(BOLIVIA)
    r4v = add_platform("r4v", "R4V", level="regional", countries=["BOL"])
    peru = add_platform("gtrm-peru", "GTRM Peru", country="PER", parent="r4v")
    tumbes = add_platform(
        "gtrm-tumbes", "GTRM Tumbes", country="PER", level="local", parent="gtrm-peru",
        admin1=["PE24"],
    )  # fmt: skip
    records = [
        OrganisationRecord("Partner A", acronym="PA", org_type="INGO", external_id="ORG901"),
        OrganisationRecord("Partner B", acronym="PB", org_type="NNGO", external_id="ORG902"),
    ]
    for platform in (r4v, peru, tumbes):
        load_organisations(platform, records)
    for year in (2021, 2022, 2025):
        load_plan(r4v, year, plan_of(year))
    return {"r4v": r4v, "peru": peru, "tumbes": tumbes}
