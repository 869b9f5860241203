"""The report names the admin levels in its country's words: Ecuador's report said "in 9
departments and 8 provinces" and headed its table "Department | Province" (Azuay under
Department, Cuenca under Province); its admin1 are provinces and its admin2 cantons. Peru's
wording is unchanged; a regional report (no country) says "admin1 units", never Peru's."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from docx import Document

from kipu.core.report.build import build_report
from kipu.core.report.context import Coordination, ProvincePresence
from kipu.core.report.view import Asset, make_view

ROWS = [ProvincePresence("Azuay", "Cuenca", 3), ProvincePresence("Pichincha", "Quito", 12)]

EXPECTED = {
    "ECU": {
        "en": {
            "summary": "in 9 provinces and 8 cantons.",
            "one": "in 1 province and 1 canton.",
            "table": "Partners by canton",
            "headers": ("Province", "Canton"),
            "rule": "are shown by province only, as in the open data, so that no one can be "
            "singled out: a partner present in a canton only through such activities is not "
            "counted there.",
            "caption": "Partners present by province, March 2025",
        },
        "es": {
            "summary": "en 9 provincias y 8 cantones.",
            "one": "en 1 provincia y 1 cantón.",
            "table": "Socios por cantón",
            "headers": ("Provincia", "Cantón"),
            "rule": "se muestran solo por provincia, como en los datos abiertos, para que nadie "
            "pueda ser identificado: un socio presente en un cantón solo con tales actividades "
            "no se cuenta en él.",
            "caption": "Socios presentes por provincia, marzo de 2025",
        },
    },
    "": {
        "en": {
            "summary": "in 9 admin1 units and 8 admin2 units.",
            "one": "in 1 admin1 unit and 1 admin2 unit.",
            "table": "Partners by admin2 unit",
            "headers": ("Admin1 unit", "Admin2 unit"),
            "rule": "are shown by admin1 unit only, as in the open data, so that no one can be "
            "singled out: a partner present in an admin2 unit only through such activities is "
            "not counted there.",
            "caption": "Partners present by admin1 unit, March 2025",
        },
        "es": {
            "summary": "en 9 unidades admin1 y 8 unidades admin2.",
            "one": "en 1 unidad admin1 y 1 unidad admin2.",
            "table": "Socios por unidad admin2",
            "headers": ("Unidad admin1", "Unidad admin2"),
            "rule": "se muestran solo por unidad admin1, como en los datos abiertos, para que "
            "nadie pueda ser identificado: un socio presente en una unidad admin2 solo con tales "
            "actividades no se cuenta en ella.",
            "caption": "Socios presentes por unidad admin1, marzo de 2025",
        },
    },
}
PERU_WORDS = ("department", "departments", "departamento", "departamentos", "Departamento")


def text_of(html: str) -> str:
    body = re.sub(r"<style.*?</style>", " ", html, flags=re.S)  # the CSS says "provinces"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def ecuador(make, lang: str, country: str = "ECU", organisations: int = 14, **more):  # noqa: ANN001, ANN201
    covered = (9, 8) if organisations > 1 else (1, 1)
    return replace(
        make(lang),
        month="2025-03",
        country=country,
        province_presence=ROWS,
        province_rule=5,
        coordination=Coordination(organisations, *covered),
        **more,
    )


@pytest.mark.parametrize("country", ["ECU", ""])
@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_report_says_the_country_s_levels(
    tmp_path: Path, empty_report_context, lang: str, country: str
) -> None:
    expected = EXPECTED[country][lang]
    result = build_report(ecuador(empty_report_context, lang, country), tmp_path, formats=("docx",))
    html = result.html.read_text(encoding="utf-8")
    text = text_of(html)
    assert expected["summary"] in text
    assert f"<h3>{expected['table']}</h3>" in html
    first, second = expected["headers"]
    assert f"<th>{first}</th><th>{second}</th>" in html
    assert "<td>Azuay</td><td>Cuenca</td>" in html  # admin1 under the admin1 header
    assert expected["rule"] in text
    assert not any(re.search(rf"\b{word}\b", text) for word in PERU_WORDS)
    assert not re.search(r"\bprovinces?\b|\bprovincias?\b", text) or country == "ECU"
    # Word: the same table headers and sentences.
    document = Document(str(result.docx))
    headers = [[c.text for c in t.rows[0].cells] for t in document.tables]
    assert [first, second, "Partners" if lang == "en" else "Socios"] in headers
    paragraphs = " ".join(p.text for p in document.paragraphs)
    assert expected["summary"] in paragraphs
    assert expected["table"] in paragraphs


@pytest.mark.parametrize("country", ["ECU", ""])
@pytest.mark.parametrize("lang", ["en", "es"])
def test_one_of_each_and_the_presence_caption(
    empty_report_context, lang: str, country: str
) -> None:
    expected = EXPECTED[country][lang]
    assets = {"presence-overall": Asset("presence-overall", "<svg/>", b"")}
    view = make_view(ecuador(empty_report_context, lang, country, organisations=1), assets)
    assert view.coordination.endswith(expected["one"])
    caption = view.figures["presence-overall"].caption
    assert caption == expected["caption"]
    assert [view.label("department"), view.label("province")] == list(expected["headers"])


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        (
            "en",
            (
                "in 11 departments and 17 provinces.",
                "<h3>Partners by province</h3>",
                "<th>Department</th><th>Province</th>",
            ),
        ),
        (
            "es",
            (
                "en 11 departamentos y 17 provincias.",
                "<h3>Socios por provincia</h3>",
                "<th>Departamento</th><th>Provincia</th>",
            ),
        ),
    ],
)
def test_peru_s_words_are_unchanged(tmp_path: Path, report_context, lang: str, words) -> None:
    context = replace(report_context(lang), province_rule=5)
    html = build_report(context, tmp_path, formats=()).html.read_text(encoding="utf-8")
    for phrase in words:
        assert phrase in (text_of(html) if phrase[0] != "<" else html)
    rule = {
        "en": "shown by department only, as in the open data, so that no one can be singled "
        "out: a partner present in a province only through such activities is not counted there.",
        "es": "se muestran solo por departamento, como en los datos abiertos, para que nadie "
        "pueda ser identificado: un socio presente en una provincia solo con tales actividades "
        "no se cuenta en ella.",
    }[lang]
    assert rule in text_of(html)
