"""A NUL character in a path, a query parameter, a form field or the session cookie answers 400
before any query runs. PostgreSQL refuses NUL in text (a 500 there), SQLite stores it: both
now answer the same clean 400, pages with a page, the API with its JSON error shape."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from kipu.web.api.auth import create_token
from kipu.web.api.errors import ERROR_CODES

pytestmark = pytest.mark.django_db

PAGES = [
    "/?sector=%00",
    "/dashboard/gtrm-test/?admin1=a%00b",
    "/dashboard/gtrm-test/panel/?from=2019-01%00",
    "/reports/?platform=gtrm-test%00",
    "/accounts/login/?next=/%00",
    "/reference/organisations/?q=%00",
    "/reference/locations/?q=Lima%00",
    "/console/audit/?actor=%00",
    "/portal/?q=%00",
    "/reference/organisations/%00/edit/",
    "/?na%00me=1",
]
API = [
    "/api/v1/activities?organisation=%00",
    "/api/v1/organisations?platform=%00",
    "/api/v1/figures?platform=gtrm-test&sector=PRO%00",
    "/api/v1/submissions?month=2019-06%00",
    "/api/v1/reports?lang=%00",
    "/api/v1/locations?level=1&q=%00",
]


@pytest.fixture
def signed_in(admin) -> Client:  # noqa: ANN001
    client = Client()
    client.force_login(admin)
    return client


@pytest.mark.parametrize("url", PAGES)
def test_pages_answer_400_before_any_query(url: str, platform, django_assert_num_queries) -> None:  # noqa: ANN001
    with django_assert_num_queries(0):
        response = Client().get(url)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Bad request" in html and "NUL" in html
    assert "kipu.css" in html  # the site's own page, styled


@pytest.mark.parametrize("url", PAGES)
def test_pages_answer_400_to_signed_in_users(url: str, signed_in: Client) -> None:
    response = signed_in.get(url)
    assert response.status_code == 400
    assert "im.admin" in response.content.decode()  # the usual header, who is signed in


@pytest.mark.parametrize("url", API)
def test_api_answers_400_in_its_error_shape(url: str, platform, django_assert_num_queries) -> None:  # noqa: ANN001
    with django_assert_num_queries(0):
        response = Client(HTTP_AUTHORIZATION="Bearer kipu_whatever").get(url)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert set(error) == {"code", "message", "details"}
    assert error["code"] == "invalid-parameter" and error["code"] in ERROR_CODES
    assert all(v == "contains a NUL character" for v in error["details"]["parameters"].values())


def test_api_names_the_parameters(admin) -> None:  # noqa: ANN001
    client = Client(HTTP_AUTHORIZATION=f"Bearer {create_token(admin, 't')}")
    response = client.get("/api/v1/activities?organisation=%00&month=2019-05&sector=a%00")
    assert set(response.json()["error"]["details"]["parameters"]) == {"organisation", "sector"}


def test_form_fields(partner_a) -> None:  # noqa: ANN001
    client = Client()
    login = client.post("/accounts/login/", {"username": "partner.pa\x00", "password": "x"})
    assert login.status_code == 400
    reset = client.post("/accounts/password/reset/", {"email": "a\x00@example.org"})
    assert reset.status_code == 400
    multipart = client.post("/accounts/login/", {"username": "a", "password": "b\x00"})
    assert multipart.status_code == 400
    urlencoded = client.post(
        "/accounts/login/",
        "username=partner.pa%00&password=x",
        content_type="application/x-www-form-urlencoded",
    )
    assert urlencoded.status_code == 400
    # A well-formed form still works.
    ok = client.post(
        "/accounts/login/", {"username": "partner.pa", "password": "correct-horse-battery-staple"}
    )
    assert ok.status_code == 302


def test_a_nul_session_cookie_is_refused_and_dropped(platform, django_assert_num_queries) -> None:  # noqa: ANN001
    # A quoted cookie value may carry octal escapes, which the cookie parser decodes.
    escaped = "\\000" * 32
    cookie = f'{settings.SESSION_COOKIE_NAME}="{escaped}"'
    with django_assert_num_queries(0):
        response = Client().get("/", HTTP_COOKIE=cookie)
    assert response.status_code == 400
    assert response.cookies[settings.SESSION_COOKIE_NAME].value == ""  # deleted


def test_ordinary_requests_pass(client: Client, platform) -> None:  # noqa: ANN001
    assert client.get("/reports/?platform=gtrm-test").status_code == 200
    assert client.get("/api/v1/organisations?platform=gtrm-test").status_code == 200
