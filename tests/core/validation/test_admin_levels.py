"""Places given at the wrong level (issue 14, point 9): a district written as a province, a
province as a department, a department as a province, a province of another department. The
message says what the unit is, in English and Spanish, and suggests the unit that contains it
when only one does. The kind is checked over every unit of the bundled Peru gazetteer."""

from __future__ import annotations

from collections import Counter
from functools import cache

import pytest
from fivew_factories import TODAY, make_reference, record

from kipu.core.gazetteer import Gazetteer, Location, bundled_locations
from kipu.core.text import normalise
from kipu.core.validation import validate_rows
from kipu.core.validation.issues import message
from kipu.core.validation.resolve import Resolver


@cache
def peru() -> Gazetteer:
    return Gazetteer(bundled_locations("PE"))


def resolver(lang: str = "en") -> Resolver:
    return Resolver(make_reference(gazetteer=peru()), lang)


def units(level: int) -> list[Location]:
    return [u for u in peru().locations.values() if u.level == level and not u.national]


@cache
def names(level: int) -> Counter[str]:
    return Counter(normalise(u.name) for u in units(level))


def said(resolution, lang: str, value: str, column: str) -> str:  # noqa: ANN001
    return message(resolution.code, lang, value, column, resolution.detail, resolution.suggestion)


def parent(unit: Location) -> Location:
    found = peru().get(unit.parent_pcode)
    assert found is not None
    return found


# --- The issue's example, end to end, in both languages --------------------------------------


@pytest.mark.parametrize(
    ("lang", "admin1", "expected"),
    [
        (
            "en",
            "Arequipa",
            "Admin2 “Miraflores” is a district (admin3) of Arequipa province; Admin2 wants the "
            "province. Did you mean “Arequipa”?",
        ),
        (
            "es",
            "Arequipa",
            "Admin2 “Miraflores” es un distrito (admin3) de la provincia de Arequipa; Admin2 "
            "pide la provincia. ¿Quiso decir “Arequipa”?",
        ),
        (
            # Lima department has two districts named Miraflores: both provinces are named,
            # and none is suggested (the person may mean either).
            "en",
            "Lima",
            "Admin2 “Miraflores” is a district (admin3) of Lima province or of Yauyos "
            "province; Admin2 wants the province.",
        ),
        (
            "es",
            "Lima",
            "Admin2 “Miraflores” es un distrito (admin3) de la provincia de Lima o de la "
            "provincia de Yauyos; Admin2 pide la provincia.",
        ),
    ],
)
def test_miraflores_as_admin2_says_it_is_a_district(lang: str, admin1: str, expected: str) -> None:
    reference = make_reference(gazetteer=peru())
    row = record(admin1=admin1, admin2="Miraflores")
    result = validate_rows([row], reference, today=TODAY, lang=lang)
    (issue,) = [i for i in result.report.issues if i.column and "dmin2" in i.column]
    assert issue.code == "admin2-wrong-level"
    assert issue.message == expected
    assert issue.suggestion == ("Arequipa" if admin1 == "Arequipa" else None)


@pytest.mark.parametrize(
    ("column", "value", "admin1", "en", "es"),
    [
        (
            "admin1",
            "Sullana",
            None,
            "Admin1 “Sullana” is a province (admin2) of Piura department; Admin1 wants the "
            "department. Did you mean “Piura”?",
            "Admin1 “Sullana” es una provincia (admin2) del departamento de Piura; Admin1 pide "
            "el departamento. ¿Quiso decir “Piura”?",
        ),
        (
            "admin1",
            "Miraflores",
            None,
            "Admin1 “Miraflores” is a district (admin3) of Arequipa province (Arequipa "
            "department) or of Huamalíes province (Huánuco department) or of Lima province "
            "(Lima department) or of Yauyos province (Lima department); Admin1 wants the "
            "department.",
            "Admin1 “Miraflores” es un distrito (admin3) de la provincia de Arequipa "
            "(departamento de Arequipa) o de la provincia de Huamalíes (departamento de "
            "Huánuco) o de la provincia de Lima (departamento de Lima) o de la provincia de "
            "Yauyos (departamento de Lima); Admin1 pide el departamento.",
        ),
        (
            "admin2",
            "La Libertad",
            "PE13",
            "Admin2 “La Libertad” is a department (admin1), not a province; Admin2 wants one "
            "of its provinces, or nothing.",
            "Admin2 “La Libertad” es un departamento (admin1), no una provincia; Admin2 pide "
            "una de sus provincias, o nada.",
        ),
        (
            "admin2",
            "Barranca",
            "PE24",
            "Admin2 “Barranca” is not in Tumbes: it is a province of Lima department.",
            "Admin2 “Barranca” no está en Tumbes: es una provincia del departamento de Lima.",
        ),
    ],
)
def test_each_wrong_level_in_english_and_spanish(
    column: str, value: str, admin1: str | None, en: str, es: str
) -> None:
    for lang, expected in (("en", en), ("es", es)):
        r = resolver(lang)
        found = r.admin1(value, "PER") if column == "admin1" else r.admin2(value, "PER", admin1)
        assert said(found, lang, value, column) == expected


# --- The whole kind, over the bundled gazetteer ----------------------------------------------


def test_every_district_given_as_admin2_names_its_province() -> None:
    r = resolver()
    checked = 0
    provinces_of: dict[tuple[str, str], set[str]] = {}
    for d in units(3):
        provinces_of.setdefault((normalise(d.name), parent(parent(d)).pcode), set()).add(
            d.parent_pcode
        )
    for district in units(3):
        key = normalise(district.name)
        if names(2)[key] or names(1)[key]:
            continue  # also a province or department name: not a wrong level
        province = parent(district)
        department = parent(province)
        found = r.admin2(district.name, "PER", department.pcode)
        assert found.code == "admin2-wrong-level", district
        assert found.key is None  # nothing stored for the cell
        assert f"{province.name} province" in found.detail
        shared = len(provinces_of[(key, department.pcode)]) > 1
        assert found.suggestion == (None if shared else province.name), district
        checked += 1
    assert checked > 1500


def test_every_province_given_as_admin1_names_its_department() -> None:
    r = resolver("es")
    checked = 0
    for province in units(2):
        key = normalise(province.name)
        if names(1)[key]:
            continue  # a department of that name is what Admin1 means
        department = parent(province)
        found = r.admin1(province.name, "PER")
        assert found.code == "admin1-wrong-level", province
        assert f"del departamento de {department.name}" in found.detail
        homes = {parent(p).pcode for p in units(2) if normalise(p.name) == key}
        assert found.suggestion == (department.name if len(homes) == 1 else None)
        checked += 1
    assert checked > 150


def test_every_department_given_as_admin2_says_it_is_a_department() -> None:
    r = resolver()
    for department in units(1):
        key = normalise(department.name)
        inside = [d for d in units(3) if normalise(d.name) == key]
        if names(2)[key] or any(parent(parent(d)).pcode == department.pcode for d in inside):
            continue  # a province or a district of it by that name is a likelier meaning
        found = r.admin2(department.name, "PER", department.pcode)
        assert found.code == "admin2-wrong-level", department
        assert found.detail.startswith("a department (admin1), not a province")
        assert found.suggestion is None


def test_every_province_under_another_department_names_its_own() -> None:
    r = resolver()
    lima = peru().get("PE15")
    assert lima is not None
    for province in units(2):
        department = parent(province)
        key = normalise(province.name)
        clash = any(parent(parent(d)).pcode == "PE15" for d in units(3) if normalise(d.name) == key)
        if department.pcode == "PE15" or clash or names(2)[key] > 1:
            continue
        found = r.admin2(province.name, "PER", "PE15")
        assert found.code == "admin2-not-in-admin1", province
        assert found.detail == f"Lima: it is a province of {department.name} department"


def test_right_levels_still_resolve() -> None:
    r = resolver()
    for province in units(2):
        assert r.admin2(province.name, "PER", province.parent_pcode).key == province.pcode
    for department in units(1):
        assert r.admin1(department.name, "PER").key == department.pcode


def test_a_wrong_admin1_level_keeps_the_row_out_and_is_an_error() -> None:
    reference = make_reference(gazetteer=peru())
    result = validate_rows([record(admin1="Sullana", admin2=None)], reference, today=TODAY)
    assert [i.code for i in result.report.issues] == ["admin1-wrong-level"]
    assert result.report.valid is False
