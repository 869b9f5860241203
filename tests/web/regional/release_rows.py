"""Rows stored on the levels of the regional response (tests/web/regional/conftest.py), and
their release: what the tests of publication share."""

from __future__ import annotations

import pytest

from kipu.core.loaders.plan import IndicatorRecord, PlanContent, SectorRecord
from kipu.web.locations.models import Location
from kipu.web.plans.models import Sector
from kipu.web.platforms.models import Organisation, Platform
from kipu.web.submissions.models import Activity, Submission
from kipu.web.submissions.months import lock_month, publish_month

MONTH = "2021-03"


@pytest.fixture(autouse=True)
def plans(region) -> None:  # noqa: ANN001
    """Peru and Tumbes have a plan of their own for 2021 (R4V's): rows are stored on each."""
    from kipu.web.plans.services import load_plan

    plan = PlanContent(
        sectors=[SectorRecord("PRO", "Protection", "Protección")],
        indicators=[IndicatorRecord("PRO21", "# of people oriented", "PRO", "PiN")],
    )
    for level in ("peru", "tumbes"):
        load_plan(region[level], 2021, plan)


def store(platform: Platform, pcode: str, people: int, month: str = MONTH) -> None:
    """One row of `people` reached in `pcode`, stored on `platform` (its own 2021 plan)."""
    sector = Sector.objects.get(plan__platform=platform, plan__year=2021, code="PRO")
    org = Organisation.objects.get(external_id="ORG901")
    submission, _ = Submission.objects.get_or_create(
        platform=platform, organisation=org, month=month, defaults={"status": "current"}
    )
    Activity.objects.create(
        submission=submission, platform=platform, row=1, country="PER",
        admin1=Location.objects.get(pcode=pcode), appealing_org=org, implementation=False,
        month=month, sector=sector, indicator=sector.indicators.first(),
        activity_name=f"Aid {pcode}", rmrp_activity=True, cva=False, quantity_output=1,
        total_monthly=people, new_beneficiaries=people, in_destination=people, women=people,
    )  # fmt: skip
    submission.row_count = submission.activities.count()
    submission.save()


def release(platform: Platform, month: str = MONTH) -> None:
    lock_month(platform, month, "cli:test")
    publish_month(platform, month, "cli:test")
