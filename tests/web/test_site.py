"""The home page: an empty installation explains itself; otherwise the default platform's
dashboard, with nothing loaded from the internet."""

from __future__ import annotations

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
    for url in ("/", "/reports/", "/accounts/login/", "/reference/", "/api/v1/docs/"):
        html = client.get(url).content.decode()
        assert re.findall(r'(?:src|href)="(?:https?:)?//', html) == [], url
        assert '<script src="http' not in html
