"""A regional response: a regional platform that lists its countries, each row checked and
counted against its own year's plan, rows with warnings counted, and one store read at every
level (regional, national, local) without a second import."""

from __future__ import annotations

from pathlib import Path

import pytest
from web_actors import client_for, make_user

from kipu.core.export import table_rows, write_xlsx
from kipu.core.frame import activity_frame
from kipu.web.accounts.services import assign_role
from kipu.web.figures.queries import platform_figures
from kipu.web.platforms.queries import platform_countries, reference_data
from kipu.web.submissions.imports import import_file
from kipu.web.submissions.models import Activity
from kipu.web.submissions.months import lock_month, publish_month

pytestmark = pytest.mark.django_db


def row(country: str, admin1: str, month: str, people: int, **more: object) -> dict:
    year = int(month[:4])
    base = {
        "country": country, "admin1": admin1, "appealing_org": "ORG901",
        "implementation": False, "month": month, "sector": "PRO",
        "indicator": f"PRO{year % 100}", "activity_name": f"Aid {country} {admin1} {people}",
        "rmrp_activity": True, "cva": False, "quantity_output": 1, "total_monthly": people,
        "new_beneficiaries": people, "in_destination": people, "women": people,
    }  # fmt: skip
    return {**base, **more}


def regional_file(tmp_path: Path, platform, rows: list[dict], name: str = "r4v.xlsx") -> Path:  # noqa: ANN001
    """The rows as R4V exports them: names, not codes, and every year's indicator name."""
    path = tmp_path / name
    table = table_rows(activity_frame(rows), reference_data(platform, 2025))
    indicator = table[0].index("Indicator Indicator")
    for line in table[2:]:  # the indicator by its name in its own year's plan
        year = int(str(line[table[0].index("Month")])[:4])
        line[indicator] = f"# of people oriented in {year}"
    write_xlsx(table, path)
    return path


ROWS = [
    row("PER", "PE24", "2021-03", 100),
    row("PER", "PE15", "2021-03", 40),
    row("BOL", "BO07", "2021-03", 7),
    row("PER", "PE24", "2025-03", 11),
]


def test_a_regional_platform_lists_its_own_countries(region) -> None:  # noqa: ANN001
    assert platform_countries(region["r4v"]) == ["BOL", "PER"]  # listed + its member's
    assert platform_countries(region["tumbes"]) == ["PER"]


def test_each_row_is_checked_against_its_own_years_plan(region, tmp_path) -> None:  # noqa: ANN001
    path = regional_file(tmp_path, region["r4v"], ROWS)
    result = import_file(region["r4v"], path)
    assert result.validation.report.valid, result.validation.report.issues[:3]
    assert sorted(Activity.objects.values_list("indicator__code", flat=True)) == [
        "PRO21", "PRO21", "PRO21", "PRO25",
    ]  # fmt: skip


def test_rows_with_warnings_only_count(region, tmp_path) -> None:  # noqa: ANN001
    unregistered = row(
        "PER", "PE24", "2021-04", 524, implementation=True, implementing_partner="Unregistered NGO"
    )
    path = regional_file(tmp_path, region["r4v"], [unregistered])
    result = import_file(region["r4v"], path)
    assert [i.code for i in result.validation.report.issues] == ["unknown-implementing-partner"]
    figures = platform_figures(region["r4v"], date_from="2021-04", date_to="2021-04")
    assert figures.reached() == 524


def test_one_store_every_levels_view(region, tmp_path) -> None:  # noqa: ANN001
    import_file(region["r4v"], regional_file(tmp_path, region["r4v"], ROWS))
    period = {"date_from": "2021-01", "date_to": "2021-12"}
    assert platform_figures(region["r4v"], **period).reached() == 147
    assert platform_figures(region["peru"], **period).reached() == 140
    assert platform_figures(region["tumbes"], **period).reached() == 100
    assert platform_figures(region["r4v"], countries=["BOL"], **period).reached() == 7
    assert (
        platform_figures(region["tumbes"], date_from="2025-01", date_to="2025-12").reached() == 11
    )


def test_each_level_sees_its_rows_in_the_api_and_dashboard(region, tmp_path, client) -> None:  # noqa: ANN001
    from kipu.web.api.auth import create_token

    import_file(region["r4v"], regional_file(tmp_path, region["r4v"], ROWS))
    expected = {"r4v": 4, "gtrm-peru": 3, "gtrm-tumbes": 2}
    for slug, count in expected.items():
        platform = next(p for p in region.values() if p.slug == slug)
        admin = make_user(f"admin.{slug}")
        assign_role(admin, platform, "admin")
        token = create_token(admin, "test")
        answer = client_for(admin).get(
            f"/api/v1/activities?platform={slug}", HTTP_AUTHORIZATION=f"Bearer {token}"
        )
        assert answer.json()["count"] == count, slug
    tumbes = region["tumbes"]
    for platform in (region["r4v"], tumbes):  # R4V stores the rows: it releases them first
        lock_month(platform, "2021-03", "test")
        publish_month(platform, "2021-03", "test")
    data = client.get("/dashboard/gtrm-tumbes/data.json").json()
    assert data["months"] == ["2021-03"]
    page = client.get("/dashboard/gtrm-tumbes/").content.decode()
    assert 'class="value">100<' in page, page[page.find('class="card"') :][:600]


def test_local_report_in_spanish_has_its_numbers(region, tmp_path) -> None:  # noqa: ANN001
    from kipu.web.reports.context import report_context

    import_file(region["r4v"], regional_file(tmp_path, region["r4v"], ROWS))
    context = report_context(region["tumbes"], "2021-03", "es", None)
    assert context.catalogue.call("reached") == 100
    assert context.catalogue.call("partners") == 1
    assert context.lang == "es" and context.platform == "GTRM Tumbes"


def test_a_regional_platform_filters_by_country(region, tmp_path, client) -> None:  # noqa: ANN001
    from kipu.web.api.auth import create_token

    import_file(region["r4v"], regional_file(tmp_path, region["r4v"], ROWS))
    admin = make_user("admin.regional")
    assign_role(admin, region["r4v"], "admin")
    api = client_for(admin)
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {create_token(admin, 'test')}"}
    rows = api.get("/api/v1/activities?platform=r4v&country=BOL", **bearer).json()
    assert rows["count"] == 1 and rows["results"][0]["country"] == "BOL"
    figures = api.get(
        "/api/v1/figures?platform=r4v&country=PER&from=2021-01&to=2021-12", **bearer
    ).json()
    assert {r["country"] for r in figures["rows"]} == {"PER"}
    lock_month(region["r4v"], "2021-03", "test")
    publish_month(region["r4v"], "2021-03", "test")
    page = client.get("/dashboard/r4v/?country=BOL").content.decode()
    assert '<option value="BOL" selected>' in page
    assert 'class="value">7<' in page  # Bolivia's seven people, not the region's 147
