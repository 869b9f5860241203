"""Places at the wrong level in Ecuador are said in Ecuador's words (provinces, cantons,
parishes), not Peru's departments and provinces, nor "unidad admin2 (admin2)"."""

from __future__ import annotations

import pytest
from fivew_factories import make_reference

from kipu.core.gazetteer import Gazetteer, Location, with_country_names
from kipu.core.validation.issues import message
from kipu.core.validation.resolve import Resolver


def ecuador(country: str = "ECU") -> Gazetteer:
    prefix = "EC" if country == "ECU" else "XX"

    def unit(code: str, name: str, parent: str) -> Location:
        level = {2: 1, 4: 2, 6: 3}[len(code)]
        return Location(f"{prefix}{code}", level, code, name, country, parent)

    return Gazetteer(
        with_country_names(
            [
                Location(prefix, 0, country, "Ecuador", country),
                unit("01", "Azuay", prefix),
                unit("17", "Pichincha", prefix),
                unit("0101", "Cuenca", f"{prefix}01"),
                unit("1701", "Quito", f"{prefix}17"),
                unit("170156", "Cumbayá", f"{prefix}1701"),
            ]
        )
    )


def said(country: str, lang: str, column: str, value: str, admin1: str | None = None) -> str:
    reference = make_reference(gazetteer=ecuador(country), countries=[country])
    r = Resolver(reference, lang)
    found = r.admin1(value, country) if column == "admin1" else r.admin2(value, country, admin1)
    return message(found.code, lang, value, column, found.detail, found.suggestion)


@pytest.mark.parametrize(
    ("column", "value", "admin1", "en", "es"),
    [
        (
            "admin1",
            "Cuenca",
            None,
            "Admin1 “Cuenca” is a canton (admin2) of Azuay province; Admin1 wants the "
            "province. Did you mean “Azuay”?",
            "Admin1 “Cuenca” es un cantón (admin2) de la provincia de Azuay; Admin1 pide la "
            "provincia. ¿Quiso decir “Azuay”?",
        ),
        (
            "admin2",
            "Azuay",
            "EC17",
            "Admin2 “Azuay” is a province (admin1), not a canton; Admin2 wants one of its "
            "cantons, or nothing.",
            "Admin2 “Azuay” es una provincia (admin1), no un cantón; Admin2 pide uno de sus "
            "cantones, o nada.",
        ),
        (
            "admin2",
            "Cumbayá",
            "EC17",
            "Admin2 “Cumbayá” is a parish (admin3) of Quito canton; Admin2 wants the canton. "
            "Did you mean “Quito”?",
            "Admin2 “Cumbayá” es una parroquia (admin3) del cantón de Quito; Admin2 pide el "
            "cantón. ¿Quiso decir “Quito”?",
        ),
        (
            "admin2",
            "Cuenca",
            "EC17",
            "Admin2 “Cuenca” is not in Pichincha: it is a canton of Azuay province.",
            "Admin2 “Cuenca” no está en Pichincha: es un cantón de la provincia de Azuay.",
        ),
    ],
)
def test_ecuador_s_levels_in_english_and_spanish(
    column: str, value: str, admin1: str | None, en: str, es: str
) -> None:
    assert said("ECU", "en", column, value, admin1) == en
    assert said("ECU", "es", column, value, admin1) == es


def test_a_country_without_words_is_told_in_the_generic_words_once() -> None:
    """No "unidad admin2 (admin2)": the generic word already names the level."""
    en = said("XXX", "en", "admin1", "Cuenca")
    es = said("XXX", "es", "admin1", "Cuenca")
    assert en.startswith("Admin1 “Cuenca” is an admin2 unit of Azuay admin1 unit;")
    assert es.startswith("Admin1 “Cuenca” es una unidad admin2 de la unidad admin1 de Azuay;")
    for text in (en, es):
        assert "(admin2)" not in text
        assert not any(w in text.lower() for w in ("department", "departamento", "provinc"))
