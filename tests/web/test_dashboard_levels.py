"""The dashboard names admin levels in its platform's country's words: Ecuador's dashboard
said "Departments covered" and "By department" for its provinces."""

from __future__ import annotations

import pytest
from django.utils import translation

from kipu.web.reports.editing import _level_help
from kipu.web.site.levels import level_labels


@pytest.mark.parametrize(
    ("country", "lang", "expected"),
    [
        (
            "PER",
            "en",
            ("Department", "Departments covered", "Provinces covered", "By department"),
        ),
        (
            "PER",
            "es",
            ("Departamento", "Departamentos cubiertos", "Provincias cubiertas", "Por departamento"),
        ),
        ("ECU", "en", ("Province", "Provinces covered", "Cantons covered", "By province")),
        ("ECU", "es", ("Provincia", "Provincias cubiertas", "Cantones cubiertos", "Por provincia")),
        ("", "en", ("Admin1 unit", "Admin1 units covered", "Admin2 units covered",
                    "By admin1 unit")),
        (
            "",
            "es",
            ("Unidad admin1", "Unidades admin1 cubiertas", "Unidades admin2 cubiertas",
             "Por unidad admin1"),
        ),
    ],
)  # fmt: skip
def test_the_dashboard_s_level_labels(country: str, lang: str, expected: tuple) -> None:
    with translation.override(lang):
        found = level_labels(country, lang)
    keys = ("admin1", "admin1_covered", "admin2_covered", "by_admin1")
    assert tuple(found[k] for k in keys) == expected


def test_the_report_editor_s_level_help() -> None:
    with translation.override("es"):
        ecuador = _level_help("ECU", "es")
        peru = _level_help("PER", "es")
        regional = _level_help("", "es")
    assert ecuador["provinces"] == (
        "Unidades admin2 (cantones) cubiertas en el mes.",
        "cantones",
    )
    assert ecuador["admin1"][0] == "Admin1 (provincia)"
    assert peru["departments"][0] == "Unidades admin1 (departamentos) cubiertas en el mes."
    assert peru["admin2"][0] == "Admin2 (provincia)"
    assert regional == {}
