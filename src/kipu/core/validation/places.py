"""Places given at the wrong level, said in the words of the country: "Miraflores is a district
(admin3) of Lima province; Admin2 wants the province", and the unit to write instead.

`Resolver.admin1` and `Resolver.admin2` ask `misplaced` when a cell names no unit of its own
level where it should be: the gazetteer's hierarchy (each unit's parent P-code) says which
unit of the wanted level contains the one the cell names. When the name is shared by units
under different parents, every parent is named and nothing is suggested: a suggestion is the
unit the person surely meant, or none.
"""

from __future__ import annotations

from dataclasses import dataclass

from kipu.core import admin_levels
from kipu.core.gazetteer import Gazetteer, Location

# What each level of a country's units is called (kipu.core.admin_levels); other countries
# get "admin2 unit" / "unidad admin2".
LEVEL_WORDS = admin_levels.LEVEL_WORDS
COLUMNS = {1: "Admin1", 2: "Admin2"}


@dataclass(frozen=True)
class Misplaced:
    """A unit named at another level: `detail` completes "Admin2 “Miraflores” is …" in the
    user's language; `suggestion` is the name of the one unit of the wanted level that contains
    it, or None when several could be meant."""

    detail: str
    suggestion: str | None


def _words(country: str, level: int) -> admin_levels.Words:
    return admin_levels.words(country, level)


def _kind(country: str, level: int, lang: str, *, code: bool = True) -> str:
    """ "a district (admin3)" / "un distrito (admin3)"; without the code: "a district"."""
    en, _, es, _, gender = _words(country, level)
    # The generic words already say the level: "an admin2 unit", not "… unit (admin2)".
    suffix = f" (admin{level})" if code and admin_levels.known(country, level) else ""
    if lang == "es":
        return f"{'una' if gender == 'f' else 'un'} {es}{suffix}"
    return f"{'an' if en[0] in 'aeiou' else 'a'} {en}{suffix}"


def _the(country: str, level: int, lang: str) -> str:
    """ "the province" / "la provincia"."""
    en, _, es, _, gender = _words(country, level)
    return f"{'la' if gender == 'f' else 'el'} {es}" if lang == "es" else f"the {en}"


def _name(unit: Location, lang: str, *, article: bool = True) -> str:
    """ "Lima province" / "la provincia de Lima" ("provincia de Lima" without the article)."""
    en, _, es, _, gender = _words(unit.country, unit.level)
    if lang != "es":
        return f"{unit.name} {en}"
    lead = (("la " if gender == "f" else "el ") if article else "") + es
    return f"{lead} de {unit.name}"


def _of(text: str, lang: str) -> str:
    """ "of …" / "de …", with Spanish "de el" contracted to "del"."""
    if lang != "es":
        return f"of {text}"
    return f"del {text[3:]}" if text.startswith("el ") else f"de {text}"


def _ancestor(gazetteer: Gazetteer, unit: Location, level: int) -> Location | None:
    found: Location | None = unit
    while found is not None and found.level > level:
        found = gazetteer.get(found.parent_pcode)
    return found if found is not None and found.level == level else None


def _named(gazetteer: Gazetteer, text: object, country: str, level: int) -> list[Location]:
    """Every unit of `level` in `country` that `text` names (code, name or alias)."""
    return gazetteer.find_all(text, country, level)


def misplaced(
    gazetteer: Gazetteer,
    text: object,
    country: str,
    wanted: int,
    lang: str,
    admin1: str | None = None,
    *,
    within_only: bool = False,
) -> Misplaced | None:
    """What `text`, written in the Admin`wanted` column (1 or 2) of a row in `country`, names
    at another level, or None when it names no unit at another level. Levels are tried from
    the top: for Admin2, departments, then districts; for Admin1, provinces, then districts.
    For Admin2, `admin1` (the row's admin1 P-code, when it resolved) narrows a district name
    shared by several units to those inside it; `within_only` looks only for districts inside
    it (a district of the row's own department is the likeliest meaning of all)."""
    if within_only and not (admin1 and wanted == 2):
        return None
    levels = (3,) if within_only else tuple(x for x in (1, 2, 3) if x != wanted)
    for level in levels:
        units = _named(gazetteer, text, country, level)
        if level > wanted and admin1 and wanted == 2:
            inside = [u for u in units if _pcode(_ancestor(gazetteer, u, 1)) == admin1]
            units = inside if inside or within_only else units
        if units:
            return _explain(gazetteer, units, wanted, lang, admin1 if wanted == 2 else None)
    return None


def _pcode(unit: Location | None) -> str | None:
    return unit.pcode if unit is not None else None


def _explain(
    gazetteer: Gazetteer, units: list[Location], wanted: int, lang: str, admin1: str | None
) -> Misplaced:
    unit, column = units[0], COLUMNS[wanted]
    country = unit.country
    if unit.level < wanted:  # a department written as a province
        kind, wanted_kind = _kind(country, 1, lang), _kind(country, wanted, lang, code=False)
        _, en_plural, _, es_plural, gender = _words(country, wanted)
        if lang == "es":
            one = "una" if gender == "f" else "uno"  # "uno de sus cantones"
            text = f"{kind}, no {wanted_kind}; {column} pide {one} de sus {es_plural}, o nada"
        else:
            text = f"{kind}, not {wanted_kind}; {column} wants one of its {en_plural}, or nothing"
        return Misplaced(text, None)
    places = []
    for found in units:
        parent = gazetteer.get(found.parent_pcode)
        if parent is None:
            continue
        place = _of(_name(parent, lang), lang)
        top = _ancestor(gazetteer, found, 1)  # the department, unless it is the row's
        if top is not None and top.pcode not in (parent.pcode, admin1):
            place += f" ({_name(top, lang, article=False)})"
        if place not in places:
            places.append(place)
    joiner = " o " if lang == "es" else " or "
    wants = "pide" if lang == "es" else "wants"
    detail = (
        f"{_kind(country, unit.level, lang)} {joiner.join(places)}; "
        f"{column} {wants} {_the(country, wanted, lang)}"
    )
    tops = {t.pcode: t for u in units if (t := _ancestor(gazetteer, u, wanted)) is not None}
    return Misplaced(detail, next(iter(tops.values())).name if len(tops) == 1 else None)


def elsewhere(gazetteer: Gazetteer, text: object, country: str, level: int, lang: str) -> str:
    """What follows "Admin2 “Barranca” is not in Tumbes" when `text` names units of `level`
    under other departments: ": it is a province of Lima department" / ": es una provincia del
    departamento de Lima" (every department, joined by "or"); "" when none has one."""
    parents = []
    for unit in _named(gazetteer, text, country, level):
        parent = _ancestor(gazetteer, unit, 1)
        if parent is not None and parent.pcode != unit.pcode:
            place = _of(_name(parent, lang), lang)
            parents += [place] if place not in parents else []
    if not parents:
        return ""
    kind = _kind(country, level, lang, code=False)
    verb, joiner = ("es", " o ") if lang == "es" else ("it is", " or ")
    return f": {verb} {kind} {joiner.join(parents)}"
