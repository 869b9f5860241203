"""The whole report, every format, both languages: do the formats say the same numbers?

Each report is built once per module (PDF rendering is the slow part) and read back the way
a person would: PDF text via pdftotext, page images via pdftoppm, Word text via python-docx.
"""

from __future__ import annotations

import html as htmllib
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document
from PIL import Image, ImageStat

from kipu.core.report.build import BuildResult, build_report
from kipu.core.report.narrative import NarrativeError

FIGURE_FILES = [
    "figure-1-arrivals-departures",
    "partners-by-area",
    "reached-by-area",
    "presence-overall",
    "presence-by-area",
]
POPPLER = shutil.which("pdftotext") and shutil.which("pdftoppm")
needs_poppler = pytest.mark.skipif(not POPPLER, reason="poppler-utils not installed")


def normalise(text: str) -> str:
    """One space for any run of whitespace, NBSP and thin spaces included."""
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("\u202f", " "))


def pdf_text(path: Path) -> str:
    out = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    )
    return normalise(out.stdout)


def docx_text(path: Path) -> str:
    document = Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    for section in document.sections:
        parts += [p.text for p in section.header.paragraphs]
    return normalise("\n".join(parts))


def html_text(path: Path) -> str:
    source = path.read_text(encoding="utf-8")
    source = re.sub(r"<(svg|style)\b.*?</\1>", " ", source, flags=re.S)
    return normalise(htmllib.unescape(re.sub(r"<[^>]+>", " ", source)))


@pytest.fixture(scope="module")
def built(tmp_path_factory, report_context, empty_report_context) -> dict[str, BuildResult]:
    results = {}
    for lang in ("en", "es"):
        out = tmp_path_factory.mktemp(f"sitrep-{lang}")
        results[lang] = build_report(report_context(lang), out)
        results[f"empty-{lang}"] = build_report(empty_report_context(lang), out / "empty")
    return results


@pytest.fixture(scope="module")
def texts(built) -> dict[str, dict[str, str]]:
    found = {}
    for key, result in built.items():
        found[key] = {"html": html_text(result.html), "docx": docx_text(result.docx)}
        if POPPLER:
            found[key]["pdf"] = pdf_text(result.pdf)
    return found


@pytest.mark.parametrize("lang", ["en", "es"])
def test_every_file_is_written(built, lang):
    result = built[lang]
    for path in (result.html, result.pdf, result.docx, result.figures_json):
        assert path.exists() and path.stat().st_size > 1000
    names = {p.name for p in result.figure_files}
    for key in FIGURE_FILES:
        assert {f"{key}.svg", f"{key}.png"} <= names
        assert (result.html.parent / "figures" / f"{key}.png").read_bytes()[:4] == b"\x89PNG"


@pytest.mark.parametrize("lang", ["en", "es"])
def test_figures_json_holds_every_kind_of_number(built, lang):
    document = json.loads(built[lang].figures_json.read_text(encoding="utf-8"))
    figures = document["figures"]
    assert document["month"] == "2019-11" and document["synthetic"] is True
    assert figures["key_figures/venezuelans_living"]["value"] == 862_377
    assert figures["coordination/organisations_reporting"]["value"] == 37
    assert figures["coordination/departments_covered"]["text"] == ["11"]
    assert figures["coordination/provinces_covered"]["value"] == 17
    assert sum(k.startswith("areas/") and k.endswith("/partners") for k in figures) == 3
    assert sum(k.startswith("areas/") and k.endswith("/reached") for k in figures) == 3
    assert any(k.startswith("narrative/partners(area=") for k in figures)
    assert figures == built[lang].figures


@needs_poppler
@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("fmt", ["html", "pdf", "docx"])
def test_every_number_appears_in_every_format(built, texts, lang, fmt):
    text = texts[lang][fmt]
    missing = [
        (name, phrase)
        for name, entry in built[lang].figures.items()
        for phrase in entry["text"]
        if normalise(phrase) not in text
    ]
    assert missing == []


@needs_poppler
@pytest.mark.parametrize(
    ("lang", "phrases"),
    [
        ("en", ["Above 862,000", "Some 1,530,000", "Thirty partners", "Twenty-five partners"]),
        ("es", ["Más de 862 000", "Unos 1 530 000", "Treinta socios", "Informe de situación"]),
    ],
)
def test_the_report_phrases_numbers_like_the_real_one(texts, lang, phrases):
    for fmt in ("html", "pdf", "docx"):
        for phrase in phrases:
            assert phrase in texts[lang][fmt], (fmt, phrase)


def test_spanish_keeps_the_non_breaking_thousands_space(built):
    assert "Más de 862\u00a0000" in built["es"].html.read_text(encoding="utf-8")
    assert built["es"].figures["key_figures/venezuelans_living"]["text"] == ["Más de 862\u00a0000"]


@needs_poppler
@pytest.mark.parametrize("key", ["en", "es", "empty-en"])
def test_pdf_pages_are_a4_and_not_blank(built, key, tmp_path):
    subprocess.run(
        ["pdftoppm", "-r", "40", "-png", str(built[key].pdf), str(tmp_path / "page")], check=True
    )
    pages = sorted(tmp_path.glob("page*.png"))
    assert (3 if key in ("en", "es") else 1) <= len(pages) <= 15
    for page in pages:
        image = Image.open(page).convert("L")
        width, height = image.size
        assert abs(height / width - 297 / 210) < 0.02
        assert ImageStat.Stat(image).stddev[0] > 5, f"{page.name} is blank"


@needs_poppler
@pytest.mark.parametrize("key", ["en", "es", "empty-en", "empty-es"])
def test_synthetic_banner_only_when_synthetic(texts, key):
    banner = {"en": "Synthetic demonstration data", "es": "Datos sintéticos de demostración"}
    expected = banner[key[-2:]]
    for fmt in ("html", "pdf", "docx"):
        assert (expected in texts[key][fmt]) is (not key.startswith("empty")), fmt


@pytest.mark.parametrize("key", ["en", "es", "empty-en"])
def test_html_loads_nothing_from_outside(built, key):
    source = built[key].html.read_text(encoding="utf-8")
    without_ns = re.sub(r'xmlns(:\w+)?="[^"]*"', "", source)
    without_mail = re.sub(r'href="mailto:[^"]*"', "", without_ns)
    assert not re.search(r"https?:", without_mail)
    assert not re.search(r"<script\b", source, re.I)
    assert not re.search(r"<link\b", source, re.I)
    assert "@import" not in source and "@font-face" not in source
    urls = re.findall(r'(?:src|href)="([^"]*)"', without_mail)
    urls += re.findall(r"url\(([^)]*)\)", source)
    assert all(u.startswith(("#", "data:")) for u in urls), urls


def test_html_inlines_the_figures_with_unique_ids(built):
    source = built["en"].html.read_text(encoding="utf-8")
    assert source.count("<svg") >= len(FIGURE_FILES)
    ids = re.findall(r'\bid="([^"]+)"', source)
    assert len(ids) == len(set(ids))
    for number in range(1, 6):
        assert f"<strong>Figure {number}</strong>" in source


def test_docx_is_structured_for_editing(built):
    document = Document(str(built["en"].docx))
    styles = [p.style.name for p in document.paragraphs]
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings[:3] == ["Highlights", "Key figures", "Operational context"]
    assert "Heading 2" in styles and styles.count("Caption") == len(FIGURE_FILES)
    assert len(document.inline_shapes) == len(FIGURE_FILES)
    assert len(document.tables) == 4  # key figures, provinces, events, contacts
    runs = [r for p in document.paragraphs for r in p.runs]
    assert any(r.bold and r.text == "Tumbes" for r in runs)
    assert any(r.italic and r.text == "data transformation" for r in runs)
    section = document.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297


@needs_poppler
@pytest.mark.parametrize(
    ("lang", "messages"),
    [
        (
            "en",
            [
                "No official statistics loaded.",
                "No activities were reported for November 2019.",
                "No meetings, events or trainings were recorded for November 2019.",
                "No member organisations registered.",
            ],
        ),
        (
            "es",
            [
                "No se han cargado estadísticas oficiales.",
                "No se reportaron actividades para noviembre de 2019.",
                "No se registraron reuniones, eventos ni capacitaciones en noviembre de 2019.",
            ],
        ),
    ],
)
def test_an_empty_month_says_so_in_every_format(texts, built, lang, messages):
    for fmt in ("html", "pdf", "docx"):
        for message in messages:
            assert message in texts[f"empty-{lang}"][fmt], (fmt, message)
    assert built[f"empty-{lang}"].figure_files == []


def test_a_bad_reference_stops_the_build_before_writing(tmp_path, report_context):
    context = report_context("en", highlights_md="{{ partners(area='Nowhere') }}")
    with pytest.raises(NarrativeError, match="partners"):
        build_report(context, tmp_path, formats=())
    assert not (tmp_path / "sitrep.html").exists()


def test_narrative_html_cannot_reach_the_report(tmp_path, report_context):
    context = report_context(
        "en",
        context_md='Safe.<script>alert(1)</script> <a href="#" onclick="x()">a</a>',
        boundaries=None,
    )
    result = build_report(context, tmp_path, formats=("docx",))
    source = result.html.read_text(encoding="utf-8")
    assert "<script" not in source and "onclick" not in source and "alert(1)" not in source
    assert "alert(1)" not in docx_text(result.docx)
    assert "No boundaries loaded" in source
