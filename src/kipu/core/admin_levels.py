"""What each administrative level of a country is called, in English and Spanish.

Admin1 of Peru are departamentos, of Ecuador provincias, of Brazil estados: a report or a
message that calls Ecuador's provinces "departments" labels a figure with the wrong unit.
`LEVEL_WORDS` holds, per country (ISO3, the keys of `kipu.core.gazetteer.countries()`) and
level (1 admin1, 2 admin2, 3 admin3), the singular and plural in English and Spanish and the
Spanish gender (for "un/una", "el/la", "él/ella").

Sources: each country's constitution or territorial-organisation law names its units (Peru's
Ley 27795 de Demarcación y Organización Territorial: departamentos, provincias, distritos;
Ecuador's Constitución 2008 art. 242 and COOTAD: provincias, cantones, parroquias; Colombia's
Constitución 1991 art. 286: departamentos, municipios; Brazil's Constituição 1988 art. 18:
estados, municípios; …), and the level names of OCHA's Common Operational Datasets of
administrative boundaries (COD-AB, data.humdata.org), which give the English words. Brazil's
"municípios" are given in Spanish as "municipios" (Kipu's reports are English and Spanish).
Admin3 only where the third level is certain and is the one the COD-AB uses (Bolivia,
Chile, Costa Rica, Ecuador, Peru).

Deliberately absent, so that the generic words apply:
- Guyana's admin2 (its ten regions have neighbourhood democratic councils, not a level
  R4V reports by);
- Trinidad and Tobago's admin2: its admin1 are the fourteen municipal corporations of
  Trinidad (city, borough and regional corporations) and Tobago, called "municipalities"
  here since "regional corporations" covers only nine of them;
- Aruba and Curaçao (no admin levels of their own in R4V's lists);
- a regional context (several countries, country ""), and any other country.
The generic words are "admin1 unit(s)" / "unidad(es) admin1": never another country's words.
"""

from __future__ import annotations

from typing import Literal, NamedTuple


class Words(NamedTuple):
    """English singular and plural, Spanish singular and plural, Spanish gender."""

    en: str
    en_plural: str
    es: str
    es_plural: str
    gender: Literal["m", "f"]

    def singular(self, lang: str) -> str:
        return self.es if lang == "es" else self.en

    def plural(self, lang: str) -> str:
        return self.es_plural if lang == "es" else self.en_plural


def _w(en: str, en_plural: str, es: str, es_plural: str, gender: Literal["m", "f"]) -> Words:
    return Words(en, en_plural, es, es_plural, gender)


DEPARTMENT = _w("department", "departments", "departamento", "departamentos", "m")
PROVINCE = _w("province", "provinces", "provincia", "provincias", "f")
DISTRICT = _w("district", "districts", "distrito", "distritos", "m")
MUNICIPALITY = _w("municipality", "municipalities", "municipio", "municipios", "m")
STATE = _w("state", "states", "estado", "estados", "m")
REGION = _w("region", "regions", "región", "regiones", "f")
CANTON = _w("canton", "cantons", "cantón", "cantones", "m")

# R4V's seventeen countries (ISO3 → level → words).
LEVEL_WORDS: dict[str, dict[int, Words]] = {
    "ARG": {1: PROVINCE, 2: DEPARTMENT},
    "BOL": {1: DEPARTMENT, 2: PROVINCE, 3: MUNICIPALITY},
    "BRA": {1: STATE, 2: MUNICIPALITY},
    "CHL": {1: REGION, 2: PROVINCE, 3: _w("commune", "communes", "comuna", "comunas", "f")},
    "COL": {1: DEPARTMENT, 2: MUNICIPALITY},
    "CRI": {1: PROVINCE, 2: CANTON, 3: DISTRICT},
    "DOM": {1: PROVINCE, 2: MUNICIPALITY},
    "ECU": {1: PROVINCE, 2: CANTON, 3: _w("parish", "parishes", "parroquia", "parroquias", "f")},
    "GUY": {1: REGION},
    "MEX": {1: STATE, 2: MUNICIPALITY},
    "PAN": {1: PROVINCE, 2: DISTRICT},
    "PER": {1: DEPARTMENT, 2: PROVINCE, 3: DISTRICT},
    "PRY": {1: DEPARTMENT, 2: DISTRICT},
    "TTO": {1: MUNICIPALITY},
    "URY": {1: DEPARTMENT, 2: MUNICIPALITY},
}

# R4V's countries, those with words and those on the generic ones (Aruba, Curaçao).
R4V_COUNTRIES = (*LEVEL_WORDS, "ABW", "CUW")


def generic(level: int) -> Words:
    """ "admin2 unit" / "unidad admin2": the words of a level no table names."""
    return Words(
        f"admin{level} unit", f"admin{level} units", f"unidad admin{level}",
        f"unidades admin{level}", "f",
    )  # fmt: skip


def words(country: str | None, level: int) -> Words:
    """The words of `level` in `country` (ISO3); the generic ones for an unknown country, a
    level the table does not name, or no country (a regional context)."""
    return LEVEL_WORDS.get((country or "").upper(), {}).get(level) or generic(level)


def known(country: str | None, level: int) -> bool:
    """Whether `country` has words of its own for `level` (not the generic ones)."""
    return level in LEVEL_WORDS.get((country or "").upper(), {})
