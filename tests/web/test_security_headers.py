"""Response hardening (kipu.web.security): a Content-Security-Policy on every response, with no
inline script anywhere in the templates; private answers never cached."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

import kipu.web
from kipu.web.api.auth import create_token
from kipu.web.reports.models import ReportVersion
from kipu.web.submissions.months import lock_month, publish_month

pytestmark = pytest.mark.django_db

WEB = Path(kipu.web.__file__).parent
REQUIRED = {
    "default-src": "'self'",
    "script-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
    "img-src": "'self' data:",
    "style-src": "'self'",
}
# An inline <script> (one without src), an on…= event handler, a javascript: URL, a style
# attribute or element: what the policy blocks in a page.
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"javascript:", re.IGNORECASE)
STYLE = re.compile(r"<style\b|<[^>]*\sstyle\s*=", re.IGNORECASE)


def policy(response) -> dict[str, str]:  # noqa: ANN001
    header = response["Content-Security-Policy"]
    parts = [p.strip().split(None, 1) for p in header.split(";") if p.strip()]
    return {p[0]: p[1] if len(p) > 1 else "" for p in parts}


def inline_code(html: str) -> list[str]:
    return [
        found.group(0)
        for pattern in (INLINE_SCRIPT, HANDLER, JAVASCRIPT_URL, STYLE)
        for found in pattern.finditer(html)
    ]


@pytest.fixture
def published(platform, org_a, org_b, rows, admin):  # noqa: ANN001
    rows(platform, org_a, "PRO", "2019-05", 3)
    rows(platform, org_b, "PRO-CP+WASH", "2019-05", 2)
    lock_month(platform, "2019-05", admin)
    publish_month(platform, "2019-05", admin)
    return platform


def test_no_template_holds_inline_script_or_style() -> None:
    found = {
        str(path.relative_to(WEB)): inline_code(path.read_text(encoding="utf-8"))
        for path in WEB.rglob("templates/**/*.html")
    }
    assert {name: code for name, code in found.items() if code} == {}


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/reports/",
        "/accounts/login/",
        "/accounts/password/reset/",
        "/api/v1/docs/",
        "/api/v1/platforms",
        "/api/v1/activities",  # a 401 in the API's shape
        "/no/such/page/",
    ],
)
def test_every_response_carries_the_policy(client: Client, published, url: str) -> None:  # noqa: ANN001
    response = client.get(url)
    assert policy(response) == REQUIRED
    if response["Content-Type"].startswith("text/html"):
        assert inline_code(response.content.decode()) == []


def test_pages_of_signed_in_users_hold_no_inline_code(published, admin, partner_a, rows) -> None:  # noqa: ANN001
    submission = rows(published, partner_a.kipu_roles.get().organisation, "PRO", "2019-06", 2)
    pages = {
        admin: [
            "/",
            "/dashboard/gtrm-test/panel/?from=2019-05&to=2019-05",
            "/console/",
            "/console/issues/",
            "/console/audit/",
            "/console/reports/gtrm-test/2019-05/",
            "/accounts/",
            "/accounts/platform/gtrm-test/people/",
            "/accounts/platform/gtrm-test/invite/",
            "/api/tokens/",
            "/reference/",
            "/reference/organisations/",
        ],
        partner_a: ["/portal/", "/portal/upload/", f"/portal/submissions/{submission.pk}/"],
    }
    for user, urls in pages.items():
        client = Client()
        client.force_login(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            assert policy(response)["script-src"] == "'self'", url
            assert inline_code(response.content.decode()) == [], url


def test_standalone_documents_may_style_but_never_script(
    client: Client,
    published,  # noqa: ANN001
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A report's HTML and SVG figures are whole documents with their own <style>."""
    monkeypatch.setenv("KIPU_DATA_DIR", str(tmp_path))
    folder = tmp_path / "r" / "figures"
    folder.mkdir(parents=True)
    (tmp_path / "r" / "sitrep.html").write_text("<style>p{}</style><p>report</p>")
    (folder / "partners.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"></svg>')
    ReportVersion.objects.create(
        platform=published, month="2019-05", lang="en", number=1, folder="r", published=True
    )
    base = "/reports/gtrm-test/2019-05/en/v1/"
    for name in ("sitrep.html", "figures/partners.svg"):
        response = client.get(base + name)
        assert response.status_code == 200
        found = policy(response)
        assert found["style-src"] == "'self' 'unsafe-inline'"
        assert found["script-src"] == "'self'" and found["default-src"] == "'self'"
    chart = client.get("/dashboard/gtrm-test/chart/reached-by-sector.svg")
    assert chart.status_code == 200 and chart["Content-Type"] == "image/svg+xml"
    assert b"<style" in chart.content  # matplotlib's own
    assert policy(chart)["style-src"] == "'self' 'unsafe-inline'"
    # Pages stay strict.
    assert policy(client.get("/reports/"))["style-src"] == "'self'"


# --- private answers --------------------------------------------------------------------------


def assert_private(response) -> None:  # noqa: ANN001
    assert response["Cache-Control"] == "private, no-store"
    vary = {v.strip().lower() for v in response.get("Vary", "").split(",")}
    assert {"authorization", "cookie"} <= vary


def assert_public(response) -> None:  # noqa: ANN001
    assert "no-store" not in response.get("Cache-Control", "")
    assert "private" not in response.get("Cache-Control", "")
    assert "authorization" not in response.get("Vary", "").lower()


def test_public_pages_keep_their_caching(client: Client, published) -> None:  # noqa: ANN001
    for url in ("/", "/reports/", "/api/v1/platforms", "/api/v1/figures?platform=gtrm-test"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_public(response)


def test_token_answers_are_private(published, admin) -> None:  # noqa: ANN001
    client = Client(HTTP_AUTHORIZATION=f"Bearer {create_token(admin, 't')}")
    for url in ("/api/v1/activities", "/api/v1/platforms", "/api/v1/figures"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_private(response)
    # Even a refused token: the answer depends on the header.
    assert_private(Client(HTTP_AUTHORIZATION="Bearer kipu_nope").get("/api/v1/platforms"))


def test_signed_in_answers_are_private(published, partner_a, rows) -> None:  # noqa: ANN001
    submission = rows(published, partner_a.kipu_roles.get().organisation, "PRO", "2019-06", 1)
    client = Client()
    client.force_login(partner_a)
    for url in (
        "/",  # a public page, but this answer may show the user's name and unpublished data
        "/portal/",
        f"/portal/submissions/{submission.pk}/",
        "/portal/template/?platform=gtrm-test&month=2019-06",  # a download
        "/api/v1/activities",  # a browser session reading the API
        "/dashboard/gtrm-test/table/sectors.csv",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_private(response)
