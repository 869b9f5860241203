"""Row factory of the accounts tests; the named actors are in tests/web/conftest.py."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from kipu.web.locations.models import Location
from kipu.web.plans.models import Sector
from kipu.web.platforms.models import Organisation, Platform
from kipu.web.submissions.models import Activity, Submission

PASSWORD = "correct-horse-battery-staple"


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
