"""The Spanish interface: a complete catalogue, a compiled .mo that matches it, Spanish pages after
the language switch, and Spanish number formats (a non-breaking space between thousands)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from django.test import Client
from django.utils import formats, translation

import kipu.web

CATALOGUE = Path(kipu.web.__file__).parent / "locale" / "es" / "LC_MESSAGES"
NBSP = "\u00a0"
PLACEHOLDER = re.compile(r"%\(\w+\)[sdr]|%[sd]|\{\{\s*\w+\s*\}\}")
TAG = re.compile(r"<[^>]+>")


def _po() -> Catalog:
    with open(CATALOGUE / "django.po", "rb") as fh:
        return read_po(fh)


def _entries(catalog: Catalog) -> dict[object, object]:
    return {
        (m.context, m.id if isinstance(m.id, str) else tuple(m.id)): (
            m.string if isinstance(m.string, str) else tuple(m.string)
        )
        for m in catalog
        if m.id
    }


def _forms(message: Message) -> list[str]:
    return [message.string] if isinstance(message.string, str) else list(message.string)


def test_catalogue_has_no_untranslated_or_fuzzy_entry() -> None:
    catalog = _po()
    assert not catalog.fuzzy, "the header is fuzzy: msgfmt would drop it (charset, plurals)"
    assert catalog.num_plurals == 3  # Django's Spanish plural rule: one, millions, other
    untranslated, fuzzy = [], []
    for message in catalog:
        if not message.id:
            continue
        if message.fuzzy:
            fuzzy.append(message.id)
        forms = _forms(message)
        if not all(forms) or len(forms) != (catalog.num_plurals if message.pluralizable else 1):
            untranslated.append(message.id)
    assert not untranslated, f"untranslated entries: {untranslated}"
    assert not fuzzy, f"fuzzy entries: {fuzzy}"
    assert len(catalog) > 350


def test_translations_keep_placeholders_and_markup() -> None:
    wrong = []
    for message in _po():
        if not message.id:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        for i, form in enumerate(_forms(message)):
            source = ids[min(i, len(ids) - 1)]
            # A singular may leave the count implicit only if the English singular does.
            if set(PLACEHOLDER.findall(form)) != set(PLACEHOLDER.findall(source)):
                wrong.append((source, form))
            if sorted(TAG.findall(form)) != sorted(TAG.findall(source)):
                wrong.append((source, form))
    assert not wrong


def test_compiled_catalogue_matches_the_po_file() -> None:
    """django.mo is committed (no gettext needed to run Kipu): it must be compiled from the
    current django.po. Run tools/update-translations.sh after editing translations."""
    with open(CATALOGUE / "django.mo", "rb") as fh:
        compiled = read_mo(fh)
    assert _entries(compiled) == _entries(_po())
    assert "nplurals=3" in dict(compiled.mime_headers).get("Plural-Forms", "")


def test_spanish_formats_match_the_situation_report() -> None:
    with translation.override("es"):
        assert formats.get_format("THOUSAND_SEPARATOR") == NBSP
        assert formats.get_format("DECIMAL_SEPARATOR") == ","
        assert formats.number_format(862000, force_grouping=True) == f"862{NBSP}000"
        assert formats.number_format(1234.5, 1, force_grouping=True) == f"1{NBSP}234,5"
        import datetime

        assert formats.date_format(datetime.date(2019, 11, 5)) == "5 de noviembre de 2019"
    with translation.override("en"):
        assert formats.number_format(862000, force_grouping=True) == "862,000"


@pytest.fixture(scope="module")
def demo_loaded(demo_loaded: int, module_transaction, publish_demo_months) -> int:  # noqa: ANN001
    """The demonstration (tests/web/conftest.py) with October and November 2019 published."""
    return publish_demo_months(module_transaction, demo_loaded)


def _spanish(client: Client) -> Client:
    switched = client.post("/i18n/setlang/", {"language": "es", "next": "/"})
    assert switched.status_code == 302
    assert client.cookies["django_language"].value == "es"
    return client


ENGLISH_NAVIGATION = ("Dashboard", "Reports", "Sign in", "Sign out", "Language", ">Go<")


@pytest.mark.parametrize(
    ("url", "spanish"),
    [
        ("/", ["Panel", "Informes", "Iniciar sesión", "Personas alcanzadas", "Socios"]),
        ("/accounts/login/", ["Iniciar sesión", "¿Olvidó su contraseña?", "Contraseña"]),
        ("/reports/", ["Informes de situación", "Datos sintéticos de demostración"]),
    ],
)
def test_pages_in_spanish_after_the_switch(client: Client, demo, url: str, spanish) -> None:  # noqa: ANN001
    html = _spanish(client).get(url).content.decode()
    assert '<html lang="es">' in html
    # Each language is offered under its own name.
    assert ">English</option>" in html and ">Español</option>" in html
    for text in spanish:
        assert text in html, text
    for text in ENGLISH_NAVIGATION:
        assert text not in html, text


def test_english_stays_the_default(client: Client, demo) -> None:  # noqa: ANN001
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "Dashboard" in html and "Sign in" in html and "Panel" not in html


def test_dashboard_numbers_use_the_spanish_format(client: Client, demo) -> None:  # noqa: ANN001
    panel = "/dashboard/gtrm-peru/panel/?from=2019-10&to=2019-11"
    english = client.get(panel).content.decode()
    spanish = _spanish(client).get(panel).content.decode()
    cards = re.compile(r'<div class="value">([^<]*)</div>')
    english_values, spanish_values = cards.findall(english), cards.findall(spanish)
    assert english_values and len(english_values) == len(spanish_values)
    big = [v for v in english_values if "," in v]
    assert big, english_values  # the people reached run into the thousands
    for en, es in zip(english_values, spanish_values, strict=True):
        assert es == en.replace(",", NBSP)
    assert re.search(rf"<td class=\"num\">\d{{1,3}}(?:{NBSP}\d{{3}})+</td>", spanish)
    assert not re.search(r"<td class=\"num\">\d{1,3}(?:[,.]\d{3})+</td>", spanish)
    # Sector names follow the language too (the plan has Spanish names).
    assert "Direct Emergency Assistance" in english and "Protección" not in english
    assert "Asistencia directa de emergencia" in spanish and "Protection" not in spanish
    assert "Country level" in english and "Nivel nacional" in spanish
    assert "Country level" not in spanish
