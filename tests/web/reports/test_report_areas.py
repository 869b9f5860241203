"""An area of intervention counts its sub-sectors (the plan's `parent`): with Child protection
under Protection, the report printed "Protection — Partners: 0 · People reached: 0" for a
month whose protection work was all reported under the sub-sector."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from kipu.web.platforms.models import Organisation, Platform
from kipu.web.reports.context import report_context

pytestmark = pytest.mark.django_db


def test_an_area_counts_its_sub_sectors(
    platform: Platform,
    org_a: Organisation,
    org_b: Organisation,
    rows: Callable[..., object],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KIPU_DATA_DIR", str(tmp_path))
    rows(platform, org_a, "PRO-CP", "2019-05", 3)  # 4 new people each, under the sub-sector
    rows(platform, org_b, "PRO", "2019-05", 1)  # 4 under the area itself
    context = report_context(platform, "2019-05")
    areas = {a.name: (a.partners, a.reached) for a in context.areas}
    # Within one sector rows add up: the sub-sector's rows are Protection's own.
    assert areas["Protection"] == (2, 16)
    catalogue = context.catalogue
    assert catalogue.call("reached", area="PRO") == 16
    assert catalogue.call("reached_month", area="PRO") == 16
    assert catalogue.call("partners", area="PRO") == 2
    # The Intersector is the engine's, sub-sectors being sectors of their own there.
    assert catalogue.call("reached") == context.catalogue.call("reached_month")
    assert set(context.presence_by_area) == {"Protection"}


def test_without_sub_sectors_in_the_month_nothing_changes(
    platform: Platform,
    org_a: Organisation,
    rows: Callable[..., object],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KIPU_DATA_DIR", str(tmp_path))
    rows(platform, org_a, "PRO", "2019-05", 2)
    context = report_context(platform, "2019-05")
    areas = {a.name: (a.partners, a.reached) for a in context.areas}
    assert areas["Protection"] == (1, 8)
