"""A local platform's view of the rows stored above it (docs/figures.md): each row is counted
with the plans of the platform that stores it, and the targets beside them are the local
platform's area's. Once GTRM Tumbes had a plan of its own, the national rows of indicators
its plan lacked dropped out of its people reached (21,437 → 14,509) with no note; and its
progress set Tumbes' people reached beside Peru's whole-country target."""

from __future__ import annotations

import polars as pl
import pytest
from web_actors import make_user

from kipu.core.export import table_rows, write_xlsx
from kipu.core.frame import activity_frame
from kipu.core.loaders.plan import IndicatorRecord, PlanContent, SectorRecord
from kipu.core.loaders.targets import TargetRecord
from kipu.web.accounts.services import assign_role
from kipu.web.figures.queries import platform_figures
from kipu.web.plans.services import load_plan
from kipu.web.platforms.queries import reference_data
from kipu.web.submissions.imports import import_file
from kipu.web.submissions.months import lock_month, publish_month

pytestmark = pytest.mark.django_db
YEAR = {"date_from": "2021-01", "date_to": "2021-12"}


def _row(admin1: str, people: int) -> dict:
    """A 2021 Protection row of Partner A (as tests/web/regional/test_one_store.py's)."""
    return {
        "country": "PER", "admin1": admin1, "appealing_org": "ORG901", "implementation": False,
        "month": "2021-03", "sector": "PRO", "indicator": "PRO21",
        "activity_name": f"Aid {admin1} {people}", "rmrp_activity": True, "cva": False,
        "quantity_output": 1, "total_monthly": people, "new_beneficiaries": people,
        "in_destination": people, "women": people,
    }  # fmt: skip


ROWS = [_row("PE24", 100), _row("PE15", 40)]


def regional_file(tmp_path, platform, rows: list[dict]):  # noqa: ANN001, ANN201
    """The rows as R4V exports them (names, not codes), stored on R4V."""
    path = tmp_path / "r4v.xlsx"
    write_xlsx(table_rows(activity_frame(rows), reference_data(platform, 2021)), path)
    return path


def _tumbes_plan(region, targets: list[TargetRecord] | None = None) -> None:  # noqa: ANN001
    """Tumbes' own 2021 plan: Protection with an indicator of its own only."""
    content = PlanContent(
        sectors=[SectorRecord("PRO", "Protection", "Protección")],
        indicators=[IndicatorRecord("LOC21", "People met in Tumbes", "PRO", "PiN")],
        targets=targets or [],
    )
    load_plan(region["tumbes"], 2021, content)


def test_a_local_plan_keeps_the_rows_stored_above(region, tmp_path, client) -> None:  # noqa: ANN001
    import_file(region["r4v"], regional_file(tmp_path, region["r4v"], ROWS))
    assert platform_figures(region["tumbes"], **YEAR).reached() == 100
    _tumbes_plan(region)
    figures = platform_figures(region["tumbes"], **YEAR)
    assert figures.reached() == 100, figures.notes
    # No note but that April to December had no rows (the year asked runs to December).
    assert [n.key for n in figures.notes] == ["unreported"], figures.notes
    by_sector = figures.rows.filter(pl.col("admin1").is_null(), pl.col("sector_code") == "PRO")
    assert by_sector["consolidated_total"].max() == 100
    # The dashboard counts the same rows (its own call of the engine).
    for platform in (region["r4v"], region["tumbes"]):  # R4V stores the rows: it releases them
        lock_month(platform, "2021-03", "test")
        publish_month(platform, "2021-03", "test")
    page = client.get("/dashboard/gtrm-tumbes/").content.decode()
    assert 'class="value">100<' in page, page[page.find('class="card"') :][:600]


def test_a_local_platforms_targets_are_its_areas(region, tmp_path) -> None:  # noqa: ANN001
    """With R4V's plan (no plan of its own), Tumbes' country-level target is Tumbes', not
    Peru's, and Lima's is not listed; with its own plan, the same."""
    content = PlanContent(
        sectors=[SectorRecord("PRO", "Protection", "Protección")],
        indicators=[IndicatorRecord("PRO21", "# of people oriented in 2021", "PRO", "PiN")],
        targets=[
            TargetRecord("PRO", "PE00", 420_000, 180_000, 28e6),
            TargetRecord("PRO", "PE24", 30_000, 400, 1.5e6),
            TargetRecord("PRO", "PE15", 120_000, 48_000, 6e6),
        ],
    )
    load_plan(region["r4v"], 2021, content)
    import_file(region["r4v"], regional_file(tmp_path, region["r4v"], ROWS))
    for own in (False, True):
        if own:
            _tumbes_plan(region, [TargetRecord("PRO", "PE24", None, 400, None)])
        figures = platform_figures(region["tumbes"], **YEAR)
        progress = figures.progress.filter(pl.col("sector_code") == "PRO")
        assert set(progress["admin1"].to_list()) == {None, "PE24"}, progress
        country = progress.filter(pl.col("admin1").is_null()).to_dicts()[0]
        assert (country["reached"], country["people_targeted"]) == (100, 400)
        assert country["pct_of_targeted"] == 25.0
        if own:  # the plan gives Tumbes no people in need: not known, not Peru's
            assert country["people_in_need"] is None
        else:
            assert country["people_in_need"] == 30_000


def test_the_api_shows_the_areas_targets(region, tmp_path) -> None:  # noqa: ANN001
    from web_actors import client_for

    from kipu.web.api.auth import create_token

    content = PlanContent(
        sectors=[SectorRecord("PRO", "Protection", "Protección")],
        indicators=[IndicatorRecord("PRO21", "# of people oriented in 2021", "PRO", "PiN")],
        targets=[
            TargetRecord("PRO", "PE00", None, 180_000, None),
            TargetRecord("PRO", "PE24", None, 400, None),
        ],
    )
    load_plan(region["r4v"], 2021, content)
    import_file(region["r4v"], regional_file(tmp_path, region["r4v"], ROWS))
    admin = make_user("admin.tumbes")
    assign_role(admin, region["tumbes"], "admin")
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {create_token(admin, 'test')}"}
    answer = client_for(admin).get(
        "/api/v1/figures?platform=gtrm-tumbes&from=2021-01&to=2021-12", **bearer
    )
    progress = answer.json()["progress"]
    country = [p for p in progress if p["admin1"] is None and p["sector_code"] == "PRO"]
    assert [(p["reached"], p["people_targeted"]) for p in country] == [(100, 400)]


def test_the_api_plan_lists_the_areas_targets(region, client) -> None:  # noqa: ANN001
    """/api/v1/plan of a local platform listed Peru's whole plan: other departments'
    targets and Peru's country target, none of which its figures set progress beside."""
    content = PlanContent(
        sectors=[SectorRecord("PRO", "Protection", "Protección")],
        indicators=[IndicatorRecord("PRO21", "# of people oriented in 2021", "PRO", "PiN")],
        targets=[
            TargetRecord("PRO", "PE00", 420_000, 180_000, 28e6),
            TargetRecord("PRO", "PE24", 30_000, 400, None),
            TargetRecord("PRO", "PE15", 120_000, 48_000, 6e6),
        ],
    )
    load_plan(region["r4v"], 2021, content)
    plan = client.get("/api/v1/plan?platform=gtrm-tumbes&year=2021").json()
    assert (plan["plan_of"], plan["area"]) == ("r4v", ["PE24"])
    targets = {(t["sector_code"], t["admin1"]): t for t in plan["targets"]}
    assert set(targets) == {("PRO", "PE24"), ("PRO", "")}
    country = targets[("PRO", "")]
    assert (country["people_in_need"], country["people_targeted"]) == (30_000, 400)
    assert country["budget_usd"] is None  # Tumbes has no budget target: not Peru's, not 0
    whole = client.get("/api/v1/plan?platform=r4v&year=2021").json()
    assert whole["area"] == [] and len(whole["targets"]) == 3
