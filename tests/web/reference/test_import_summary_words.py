"""The import page's success message gave the summary dictionary itself (`Imported:
{'created': 0, 'updated': 0, 'unchanged': 4}`, a re-tester's): it says it in words, in the
page's language."""

from __future__ import annotations

from django.utils import translation

from kipu.web.reference.views import summary_text


def test_a_summary_in_words() -> None:
    summary = {"created": 0, "updated": 1, "unchanged": 3, "warnings": ["w"], "notices": [{}]}
    assert summary_text(summary) == "added: 0, updated: 1, unchanged: 3"


def test_a_plan_summary_in_spanish() -> None:
    summary = {"name": "RMRP 2026", "year": 2026, "sectors": 2, "targets": 4, "file_name": "p"}
    with translation.override("es"):
        text = summary_text(summary)
    assert text == "nombre: RMRP 2026, año: 2026, sectores: 2, metas: 4, file name: p"
