"""A page of the test client as the reader sees its text, for the tests of several folders."""

from __future__ import annotations

from html import unescape

from django.test import Client


def page(client: Client, url: str, lang: str = "en") -> str:
    """The page's text with entities decoded; the page must answer 200."""
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 200
    return unescape(response.content.decode())


def raw(client: Client, url: str, lang: str = "en") -> str:
    """The page's HTML as sent, whatever its status (escaping is what is looked at)."""
    return client.get(url, HTTP_ACCEPT_LANGUAGE=lang).content.decode()
