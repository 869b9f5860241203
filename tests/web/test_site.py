"""The public page of the default platform."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from kipu.web.site.services import load_demo


def test_empty_installation_explains_what_to_do(client: Client, db) -> None:  # noqa: ANN001
    page = client.get("/")
    assert page.status_code == 200
    assert "kipu demo load" in page.content.decode()


@pytest.mark.django_db
def test_demo_page_shows_platform_organisations_and_plan(client: Client) -> None:
    load_demo()
    html = client.get("/").content.decode()
    assert "GTRM Peru (synthetic demonstration)" in html
    assert "Synthetic demonstration data" in html
    assert "Organisations (52)" in html
    for area in (
        "Direct Emergency Assistance",
        "Protection",
        "Socio-economic and Cultural Integration",
    ):
        assert area in html
    assert "Caritas Peru" in html


@pytest.mark.django_db
def test_page_loads_nothing_from_the_internet(client: Client) -> None:
    load_demo()
    html = client.get("/").content.decode()
    assert re.findall(r'(?:src|href)="(https?:)?//', html) == []
