"""The situation report says, in one sentence, when max-cell split people without the plan's
proportions (issue 13), in English and Spanish, in every format; it never lists the cells."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from docx import Document

from kipu.core.report.build import build_report

SENTENCES = {
    "en": "The plan's proportions table does not cover 12 combinations of admin1, sector and "
    "population type: there, age and sex were split with each sector's own breakdown (see the "
    "notes of the figures: kipu figures; API /api/v1/figures).",
    "es": "La tabla de proporciones del plan no cubre 12 combinaciones de admin1, sector y tipo "
    "de población: allí la edad y el sexo se repartieron con el desglose propio de cada sector "
    "(ver las notas de las cifras: kipu figures; API /api/v1/figures).",
}


def docx_paragraphs(path: Path) -> list[str]:
    return [p.text for p in Document(str(path)).paragraphs]


@pytest.mark.parametrize("lang", ["en", "es"])
def test_cells_without_proportions_are_one_sentence(
    tmp_path: Path, empty_report_context, lang: str
) -> None:
    context = replace(empty_report_context(lang), proportions_missing=12)
    result = build_report(context, tmp_path, formats=("docx",))
    assert SENTENCES[lang] in result.html.read_text(encoding="utf-8").replace("&#39;", "'")
    assert SENTENCES[lang] in docx_paragraphs(result.docx)
    assert result.figures["notes/proportions_missing"]["value"] == 12


def test_one_cell_is_singular_and_none_says_nothing(tmp_path: Path, empty_report_context) -> None:
    one = build_report(
        replace(empty_report_context("en"), proportions_missing=1), tmp_path / "one", formats=()
    )
    assert "does not cover 1 combination of admin1" in one.html.read_text(encoding="utf-8")
    none = build_report(empty_report_context("en"), tmp_path / "none", formats=())
    assert "proportions table" not in none.html.read_text(encoding="utf-8")
