"""The home page: an empty installation explains itself; otherwise the default platform's
dashboard, with nothing loaded from the internet."""

from __future__ import annotations

import io
import re

import pytest
from django.test import Client

from kipu.web.site.services import load_demo


def test_empty_installation_explains_what_to_do(client: Client, db) -> None:  # noqa: ANN001
    page = client.get("/")
    assert page.status_code == 200
    assert "kipu demo load" in page.content.decode()


@pytest.fixture
def demo(db, tmp_path, monkeypatch):  # noqa: ANN001
    monkeypatch.setenv("KIPU_DATA_DIR", str(tmp_path))
    return load_demo()


def test_demo_home_is_the_platform_dashboard(client: Client, demo) -> None:  # noqa: ANN001
    html = client.get("/").content.decode()
    assert "GTRM Peru (synthetic demonstration)" in html
    assert "Synthetic demonstration data" in html
    assert "Platform partners (52)" in html
    for area in (
        "Direct Emergency Assistance",
        "Protection",
        "Socio-economic and Cultural Integration",
    ):
        assert area in html  # the sector filter
    assert "Caritas Peru" in html


def test_pages_load_nothing_from_the_internet(client: Client, demo) -> None:  # noqa: ANN001
    for url in (
        "/",
        "/reports/",
        "/accounts/login/",
        "/reference/",
        "/api/v1/docs/",
        "/open-data/",
    ):
        html = client.get(url).content.decode()
        assert re.findall(r'(?:src|href)="(?:https?:)?//', html) == [], url
        assert '<script src="http' not in html


# --- issue 14, points 13 and 16: favicon, API docs (the open data page and unambiguous dates on
# a platform with its months published: test_dashboard_published.py)


def test_the_favicon_is_a_static_file(client: Client, db) -> None:  # noqa: ANN001
    answer = client.get("/favicon.ico")
    body = b"".join(answer.streaming_content)
    assert answer.status_code == 200 and answer["Content-Type"] == "image/vnd.microsoft.icon"
    assert body.startswith(b"\x00\x00\x01\x00")  # an ICO file's header
    from PIL import Image

    with Image.open(io.BytesIO(body)) as icon:
        assert (32, 32) in icon.info["sizes"] and (16, 16) in icon.info["sizes"]


def test_the_api_docs_answer_without_the_trailing_slash(client: Client, db) -> None:  # noqa: ANN001
    bare = client.get("/api/v1/docs")
    assert bare.status_code == 301 and bare["Location"] == "/api/v1/docs/"
    page = client.get("/api/v1/docs", follow=True)
    assert page.status_code == 200 and "<h2>Endpoints</h2>" in page.content.decode()
    assert client.get("/api/v1/docsx").status_code == 404  # still the API's JSON 404


def test_the_api_docs_read_in_spanish(client: Client, db) -> None:  # noqa: ANN001
    from django.utils import translation

    from kipu.web.api.docs_text import TEXTS
    from kipu.web.api.errors import ERROR_CODES
    from kipu.web.api.schema import ENDPOINTS

    shown = {e.summary for e in ENDPOINTS} | {e.description for e in ENDPOINTS if e.description}
    shown |= {p.description for e in ENDPOINTS for p in e.params if p.description}
    shown |= set(ERROR_CODES.values())
    assert shown - set(TEXTS) == set(), "add the new API texts to kipu.web.api.docs_text"
    html = client.get("/api/v1/docs/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    with translation.override("es"):
        for text in shown:
            assert translation.gettext(text) != text, f"no Spanish for {text!r}"
    for english in ("What the API offers", "Platform slug", "The caller's role", ">meaning<"):
        assert english not in html.replace("&#x27;", "'"), english
    for spanish in ("Lo que ofrece la API", "El rol de quien consulta no lo permite", "parámetro"):
        assert spanish in html
