"""Public reference endpoints, published reports, the OpenAPI document and the docs page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import resolve

from kipu.web.api.schema import ENDPOINTS
from kipu.web.reports.models import ReportVersion
from kipu.web.stats.models import Observation, Series

pytestmark = pytest.mark.django_db


def test_platforms_are_public_and_list_published_months(api, data, other_platform) -> None:  # noqa: ANN001
    client = api(None)
    listing = client.get("/api/v1/platforms").json()
    assert {p["slug"] for p in listing["results"]} == {"gtrm-test", "gtrm-other"}
    detail = client.get("/api/v1/platforms/gtrm-test").json()
    assert detail["published_months"] == ["2019-05"] and detail["licence"] == "CC-BY-4.0"
    assert client.get("/api/v1/platforms/gtrm-other").json()["published_months"] == []


def test_licence_is_a_platform_setting(api, platform) -> None:  # noqa: ANN001
    platform.report_config = {"open_data_licence": "CC0-1.0"}
    platform.save()
    assert api(None).get("/api/v1/platforms/gtrm-test").json()["licence"] == "CC0-1.0"


def test_organisations_plan_locations(api, platform, other_platform) -> None:  # noqa: ANN001
    client = api(None)
    orgs = client.get("/api/v1/organisations?platform=gtrm-test").json()
    assert [o["key"] for o in orgs["results"]] == ["ORG901", "ORG902"]
    plan = client.get("/api/v1/plan?platform=gtrm-test").json()
    assert plan["year"] == 2019
    assert {s["code"] for s in plan["sectors"]} == {"PRO", "WASH", "PRO-CP"}
    assert {i["code"] for i in plan["indicators"]} >= {"PRO-01", "WASH-01", "CP-01"}
    assert client.get("/api/v1/plan?platform=gtrm-other&year=2020").json()["year"] == 2020
    missing = client.get("/api/v1/plan?platform=gtrm-test&year=1990")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not-found"
    level1 = client.get("/api/v1/locations?platform=gtrm-test&level=1").json()
    assert level1["count"] == 26 and {r["level"] for r in level1["results"]} == {1}
    assert client.get("/api/v1/locations?level=2").json()["count"] > 150


def test_statistics(api, platform) -> None:  # noqa: ANN001
    series = Series.objects.create(platform=platform, key="arrivals", name_en="Arrivals")
    Observation.objects.create(
        series=series,
        period_start=dt.date(2019, 1, 1),
        period_end=dt.date(2019, 1, 31),
        value=1234.5,
    )
    found = api(None).get("/api/v1/statistics").json()["results"]
    assert found[0]["key"] == "arrivals"
    assert found[0]["observations"][0] == {
        "start": "2019-01-01",
        "end": "2019-01-31",
        "value": 1234.5,
        "note": "",
        "source": "",
    }


def test_only_published_reports_are_listed(api, data, platform) -> None:  # noqa: ANN001
    for month, published in (("2019-05", True), ("2019-06", False)):
        ReportVersion.objects.create(
            platform=platform,
            month=month,
            lang="en",
            number=1,
            folder=f"r/{month}",
            published=published,
        )
    found = api(None).get("/api/v1/reports?platform=gtrm-test").json()["results"]
    assert [r["month"] for r in found] == ["2019-05"]
    assert found[0]["links"]["pdf"].endswith("/reports/gtrm-test/2019-05/en/v1/sitrep.pdf")
    assert api(None).get("/api/v1/reports?month=2019-06").json()["count"] == 0


def test_every_report_link_resolves(api, data, platform, tmp_path) -> None:  # noqa: ANN001
    """Follow each link of the listing: every one answers the file of its own version."""
    for number in (1, 2):
        folder = tmp_path / "reports" / f"v{number}"
        folder.mkdir(parents=True)
        for ext in ("pdf", "docx", "html"):
            (folder / f"sitrep.{ext}").write_bytes(f"version {number} {ext}".encode())
        ReportVersion.objects.create(
            platform=platform,
            month="2019-05",
            lang="en",
            number=number,
            folder=f"reports/v{number}",
            published=True,
        )
    client = api(None)
    found = client.get("/api/v1/reports?platform=gtrm-test").json()["results"]
    assert [r["number"] for r in found] == [2, 1]
    for report in found:
        assert set(report["links"]) == {"pdf", "docx", "html"}
        for ext, link in report["links"].items():
            assert link.startswith("http://testserver/reports/")
            response = client.get(link.removeprefix("http://testserver"))
            assert response.status_code == 200, link
            body = b"".join(response.streaming_content)
            assert body == f"version {report['number']} {ext}".encode()


def test_index_links_every_get_endpoint(api, platform) -> None:  # noqa: ANN001
    links = api(None).get("/api/v1/").json()["links"]
    assert {e.name for e in ENDPOINTS if e.method == "GET"} <= set(links)


def test_every_endpoint_is_routed_to_the_api(platform) -> None:  # noqa: ANN001
    """Some endpoints are routed by their own app (the surveys' URLs): every path of the table
    still reaches a view of the API, not its JSON 404."""
    sample = {"integer": "1", "slug": "x", "month": "2019-05", "string": "x"}
    for endpoint in ENDPOINTS:
        path = endpoint.path
        for param in (p for p in endpoint.params if p.location == "path"):
            path = path.replace(f"{{{param.name}}}", sample[param.kind])
        match = resolve(f"/api/v1{path}")
        assert match.namespace == "api" and match.url_name != "not_found", endpoint.name


def test_survey_endpoints_are_in_the_index_and_the_document(api, platform) -> None:  # noqa: ANN001
    client = api(None)
    links = client.get("/api/v1/").json()["links"]
    assert links["survey_results"] == "http://testserver/api/v1/surveys/{survey}/results"
    schema = client.get("/api/v1/openapi.json").json()
    results = schema["paths"]["/surveys/{survey}/results"]["get"]
    assert results["tags"] == ["surveys"] and "security" not in results
    ok = results["responses"]["200"]["content"]
    assert ok["application/json"]["schema"] == {"$ref": "#/components/schemas/SurveyResults"}
    assert set(ok) == {"application/json", "text/csv"}
    answers = schema["paths"]["/surveys/{survey}/answers"]["get"]
    assert answers["security"] == [{"bearer": []}] and "403" in answers["responses"]
    for name in ("SurveyList", "Survey", "SurveyResults", "SurveyAnswers"):
        assert name in schema["components"]["schemas"]


def test_openapi_document_lists_every_endpoint(api, platform) -> None:  # noqa: ANN001
    schema = api(None).get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    operations = {op["operationId"] for path in schema["paths"].values() for op in path.values()}
    assert operations == {e.name for e in ENDPOINTS}
    activities = schema["paths"]["/activities"]["get"]
    assert activities["security"] == [{"bearer": []}]
    assert {p["name"] for p in activities["parameters"]} >= {
        "from",
        "to",
        "sector",
        "admin1",
        "organisation",
        "page",
        "format",
    }
    assert "Error" in schema["components"]["schemas"]


def test_docs_page_is_self_contained(client, platform) -> None:  # noqa: ANN001
    page = client.get("/api/v1/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    for endpoint in ENDPOINTS:
        assert f"/api/v1{endpoint.path}" in html
    assert "unpublished-months" in html and "Retry-After" in html
    assets = re.findall(r'(?:src|href)="(https?:)?//', html)
    assert not assets, "the docs page must not load anything from the internet"
