"""The demonstration's November 2019 report from the database, in both languages: every number
of figures.json appears in the PDF and Word text as phrased; pages are sane."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document

from kipu.web.platforms.services import add_platform
from kipu.web.reports.services import render_report

pytestmark = [
    pytest.mark.slow,
    pytest.mark.render,
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed"),
]


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\xa0", " "))


def docx_text(path: Path) -> str:
    document = Document(str(path))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return flat(" ".join([p.text for p in document.paragraphs] + cells))


@pytest.mark.parametrize("lang", ["en", "es"])
def test_every_figure_appears_in_pdf_and_word(demo, tmp_path: Path, lang: str) -> None:  # noqa: ANN001
    result = render_report(demo, "2019-11", lang, tmp_path / lang)
    pdf = flat(
        subprocess.run(
            ["pdftotext", "-layout", str(result.pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    word = docx_text(result.docx)
    figures = result.figures
    assert len(figures) > 30
    missing = {
        name: item["text"]
        for name, item in figures.items()
        for shown in item["text"]
        if flat(shown) not in pdf or flat(shown) not in word
    }
    assert missing == {}
    expected = {
        "en": ("Above 862,000", "Thirty partners", "Some 1,530,000"),
        "es": ("Más de 862 000", "Treinta socios", "Unos 1 530 000"),
    }[lang]
    for text in expected:
        assert text in pdf
    pages = subprocess.run(
        ["pdftoppm", "-r", "20", "-png", str(result.pdf), str(tmp_path / "p")], check=True
    )
    assert pages.returncode == 0
    images = sorted(tmp_path.glob("p-*.png"))
    assert 3 <= len(images) <= 15
    from PIL import Image, ImageStat

    for image in images:
        assert ImageStat.Stat(Image.open(image).convert("L")).stddev[0] > 5  # not blank


def test_a_platform_without_statistics_events_or_data_still_renders(db, tmp_path: Path) -> None:  # noqa: ANN001
    platform = add_platform("empty", "Empty platform", country="PER")
    result = render_report(platform, "2019-11", "en", tmp_path)
    html = result.html.read_text(encoding="utf-8")
    assert "No official statistics loaded" in html
    assert "No activities were reported for November 2019" in html
    assert result.pdf.stat().st_size > 1000 and result.docx.stat().st_size > 1000


def test_maps_by_area_are_titled_in_the_report_language(demo) -> None:  # noqa: ANN001
    from kipu.web.reports.context import report_context

    english = report_context(demo, "2019-11", "en").presence_by_area
    spanish = report_context(demo, "2019-11", "es").presence_by_area
    assert list(english) == [
        "Direct Emergency Assistance",
        "Protection",
        "Socio-economic and Cultural Integration",
    ]  # the plan's order (areas 1, 2, 3), whatever the language
    assert list(spanish) == [
        "Asistencia directa de emergencia",
        "Protección",
        "Integración socioeconómica y cultural",
    ]
    same = sorted(sorted(v.items()) for v in english.values())
    assert same == sorted(sorted(v.items()) for v in spanish.values())
