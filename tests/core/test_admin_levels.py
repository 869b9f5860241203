"""The words of each country's admin levels (kipu.core.admin_levels): Ecuador's admin1 are
provinces and its admin2 cantons, not Peru's departments and provinces; a country without
words of its own, and a regional report, get "admin1 unit" / "unidad admin1"."""

from __future__ import annotations

import pytest

from kipu.core import admin_levels
from kipu.core.admin_levels import LEVEL_WORDS, R4V_COUNTRIES, generic, known, words
from kipu.core.gazetteer import countries
from kipu.core.report.labels import counted, label

# R4V's seventeen countries.
R4V = (
    "ARG", "BOL", "BRA", "CHL", "COL", "CRI", "DOM", "ECU", "GUY", "MEX", "PAN", "PER", "PRY",
    "TTO", "URY", "ABW", "CUW",
)  # fmt: skip
# Countries whose admin1 or admin2 keep the generic words, on purpose (see the module doc).
NO_ADMIN2 = {"GUY", "TTO"}
GENERIC = {"ABW", "CUW"}
# Each Spanish noun the table uses, with its gender.
GENDER = {
    "departamento": "m", "provincia": "f", "distrito": "m", "municipio": "m", "estado": "m",
    "región": "f", "cantón": "m", "comuna": "f", "parroquia": "f",
}  # fmt: skip


def test_the_countries_are_r4v_s_and_the_gazetteer_s() -> None:
    assert sorted(R4V_COUNTRIES) == sorted(R4V)
    assert set(LEVEL_WORDS) <= set(R4V)
    assert all(c in countries() for c in R4V)


@pytest.mark.parametrize("country", sorted(set(R4V) - GENERIC))
def test_every_r4v_country_names_its_admin1_and_admin2(country: str) -> None:
    assert known(country, 1)
    assert known(country, 2) == (country not in NO_ADMIN2)
    for level in (1, 2):
        found = words(country, level)
        assert all(found) and found.gender in ("m", "f")


@pytest.mark.parametrize(
    ("country", "admin1", "admin2"),
    [
        ("PER", ("department", "departamentos"), ("province", "provincias")),
        ("ECU", ("province", "provincias"), ("canton", "cantones")),
        ("COL", ("department", "departamentos"), ("municipality", "municipios")),
        ("BRA", ("state", "estados"), ("municipality", "municipios")),
        ("ARG", ("province", "provincias"), ("department", "departamentos")),
        ("BOL", ("department", "departamentos"), ("province", "provincias")),
        ("CHL", ("region", "regiones"), ("province", "provincias")),
        ("CRI", ("province", "provincias"), ("canton", "cantones")),
        ("DOM", ("province", "provincias"), ("municipality", "municipios")),
        ("MEX", ("state", "estados"), ("municipality", "municipios")),
        ("PAN", ("province", "provincias"), ("district", "distritos")),
        ("PRY", ("department", "departamentos"), ("district", "distritos")),
        ("URY", ("department", "departamentos"), ("municipality", "municipios")),
    ],
)
def test_the_official_words(country: str, admin1: tuple, admin2: tuple) -> None:
    assert (words(country, 1).en, words(country, 1).es_plural) == admin1
    assert (words(country, 2).en, words(country, 2).es_plural) == admin2


def test_peru_keeps_its_three_levels() -> None:
    assert words("PER", 3) == ("district", "districts", "distrito", "distritos", "m")
    assert words("GUY", 1).en_plural == "regions"
    assert words("TTO", 1).en_plural == "municipalities"


def test_spanish_gender_and_plurals_agree() -> None:
    for country, levels in LEVEL_WORDS.items():
        for level, found in levels.items():
            where = f"{country} admin{level}"
            assert GENDER[found.es] == found.gender, where
            plain = found.es.replace("ó", "o")
            assert found.es_plural in (found.es + "s", plain + "es"), where
            assert found.en_plural.startswith(found.en[:-1]), where


@pytest.mark.parametrize("country", ["", None, "XYZ", "ABW", "CUW"])
def test_unknown_countries_and_regional_contexts_get_the_generic_words(country) -> None:
    for level in (1, 2):
        assert words(country, level) == generic(level)
        assert not known(country, level)
    assert words(country, 2) == (
        "admin2 unit", "admin2 units", "unidad admin2", "unidades admin2", "f",
    )  # fmt: skip


def test_a_level_without_words_is_generic_never_another_level_s() -> None:
    assert words("GUY", 2) == generic(2)
    assert words("COL", 3) == generic(3)
    assert words("PER", 4) == generic(4)
    assert words("ecu", 2).en == "canton"  # ISO3 in any case


def test_the_validation_messages_use_the_same_table() -> None:
    from kipu.core.validation import places

    assert places.LEVEL_WORDS is admin_levels.LEVEL_WORDS


@pytest.mark.parametrize(
    ("country", "lang", "expected"),
    [
        ("PER", "es", "departamento|departamentos provincia|provincias"),
        ("ECU", "es", "provincia|provincias cantón|cantones"),
        ("ECU", "en", "province|provinces canton|cantons"),
        (None, "en", "admin1 unit|admin1 units admin2 unit|admin2 units"),
        ("", "es", "unidad admin1|unidades admin1 unidad admin2|unidades admin2"),
    ],
)
def test_report_labels_count_in_the_country_s_words(country, lang: str, expected: str) -> None:
    got = [label(k, lang, country=country) for k in ("n_departments", "n_provinces")]
    assert " ".join(got) == expected
    one, many = got[1].split("|")
    assert counted("n_provinces", 1, "1", lang, country) == f"1 {one}"
    assert counted("n_provinces", 8, "8", lang, country) == f"8 {many}"


@pytest.mark.parametrize(
    ("country", "lang", "admin1", "admin2"),
    [
        ("PER", "en", "Department (or 'Country level'", "Province, optional;"),
        ("PER", "es", "Departamento (o 'Nacional'", "Provincia, opcional;"),
        ("ECU", "en", "Province (or 'Country level'", "Canton, optional;"),
        ("ECU", "es", "Provincia (o 'Nacional'", "Cantón, opcional;"),
        (None, "es", "Unidad admin1 (o 'Nacional'", "Unidad admin2, opcional;"),
    ],
)
def test_the_5w_template_s_help_names_the_country_s_levels(
    country, lang: str, admin1: str, admin2: str
) -> None:
    from kipu.core.template import help_texts

    texts = help_texts(lang, country)
    assert texts["admin1"].startswith(admin1)
    assert texts["admin2"].startswith(admin2)
