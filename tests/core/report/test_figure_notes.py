"""What qualifies the figures a report prints is said in it, in HTML and Word, English and
Spanish (tester_d's items 2, 4, 9, 10): the months not counted as not published, an
Intersector above the sum of its areas ("4 new people, 2 of them in protection (the only area
with activities)"), the figures' notes; no empty facts paragraph; no "No official statistics
loaded" over a chart of them."""

from __future__ import annotations

import re
from dataclasses import replace
from html import unescape
from pathlib import Path

import pytest
from docx import Document

from kipu.core.figures.notes import note
from kipu.core.report.build import build_report
from kipu.core.report.context import AreaSection, Flows
from kipu.core.report.view import make_view

EXPECTED = {
    "en": [
        "Not published, so not counted in the figures of January–November 2019: "
        "February 2019, March 2019.",
        "November 2019: the people reached in all (4) are more than the sum of the areas (2): "
        "the count rounds each group of population type, age and sex to whole people (halves "
        "away from zero), as R4V's method does.",
        "January–November 2019: 1 stored row with accepted errors not counted.",
    ],
    "es": [
        "No publicados, por eso no contados en las cifras de enero–noviembre de 2019: "
        "febrero de 2019, marzo de 2019.",
        "Noviembre de 2019: el total de personas alcanzadas (4) supera la suma de las áreas "
        "(2): el cálculo redondea cada grupo de tipo de población, edad y sexo a personas "
        "enteras (las mitades, lejos de cero), como el método de R4V.",
        "Enero–noviembre de 2019: 1 fila guardada con errores aceptados no se cuenta.",
    ],
}


def text_of(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", html))


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_notes_qualifying_the_figures_are_in_every_format(
    tmp_path: Path, report_context, lang: str
) -> None:
    context = replace(
        report_context(lang),
        unpublished=("2019-02", "2019-03"),
        above_sectors=[("month", 4, 2)],
        figure_notes=[("year", note("accepted_errors", 1))],
    )
    result = build_report(context, tmp_path, formats=("docx",))
    html = text_of(result.html.read_text(encoding="utf-8"))
    paragraphs = [p.text for p in Document(str(result.docx)).paragraphs]
    for sentence in EXPECTED[lang]:
        assert sentence in html
        assert sentence in paragraphs
    assert result.figures["notes/above_sectors/month/reached"]["value"] == 4


def test_one_month_not_published_is_singular(report_context) -> None:
    context = replace(report_context("es"), unpublished=("2019-02",))
    (sentence,) = make_view(context, {}).figure_notes
    assert sentence.startswith("No publicado, por eso no contado en las cifras de enero")


def test_nothing_to_qualify_says_nothing(report_context) -> None:
    assert make_view(report_context("en"), {}).figure_notes == []


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_month_without_activities_writes_no_empty_facts(
    tmp_path: Path, empty_report_context, lang: str
) -> None:
    """An area nobody reported on in the plan year says "none reported", as the others give
    their year's figures; no <p class="facts"></p> (the February 2020 report had one)."""
    areas = [
        AreaSection("Protection", 0, 12, reported=True),
        AreaSection("Shelter", 0, None, reported=False),
    ]
    context = replace(empty_report_context(lang), areas=areas)
    result = build_report(context, tmp_path, formats=("docx",))
    html = result.html.read_text(encoding="utf-8")
    assert '<p class="facts"></p>' not in html
    view = make_view(context, {})
    none = "none reported" if lang == "en" else "sin reportes"
    assert [a.facts[-1][1] for a in view.areas] == ["12", none]
    context = replace(context, areas=[AreaSection("Shelter", 0, None, reported=True)])
    result = build_report(context, tmp_path / "again", formats=("docx",))
    assert '<p class="facts"></p>' not in result.html.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("loaded", "flows", "key_note", "flows_note"),
    [
        (
            True,
            Flows(),
            "No official statistic of the key figures is dated November 2019 or earlier.",
            "No monthly arrivals or departures are loaded up to November 2019.",
        ),
        (False, Flows(), "No official statistics loaded.", "No official statistics loaded."),
    ],
)
def test_statistics_loaded_later_are_not_said_missing(
    empty_report_context, loaded, flows, key_note, flows_note
) -> None:
    """The December 2018 report said "No official statistics loaded" over Figure 1, a chart
    of official statistics: none of the key figures' was dated by its month."""
    context = replace(empty_report_context("en"), statistics_loaded=loaded, flows=flows)
    notes = make_view(context, {}).notes
    assert notes["key_figures"] == key_note
    assert notes["flows"] == flows_note


def test_a_chart_of_statistics_means_some_are_loaded(empty_report_context) -> None:
    from datetime import date

    flows = Flows(arrivals=[(date(2018, 11, 1), 100)])
    context = replace(empty_report_context("es"), flows=flows)
    notes = make_view(context, {}).notes
    assert notes["key_figures"] == (
        "Ninguna estadística oficial de las cifras clave tiene fecha de noviembre de 2019 o "
        "anterior."
    )
