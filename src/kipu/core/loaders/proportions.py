"""The plan's proportions table: age/sex shares per country × admin1 × sector × population type.

The max-cell model (shared spec "people-reached", section 3) splits each sector's population
types into girls, boys, women and men with these shares. Rules, each tested in
tests/core/test_r4v_proportions.py:

- Each row is resolved in its own country: the `country` column (name in English, Spanish,
  Portuguese or French, ISO3 or ISO2) when the table has one, else the platform's only
  country. Without a country column on a platform of several countries, an admin1 is looked
  up in all of them, and a name found in more than one (Santa Cruz: Argentina and Bolivia) is
  an error naming them, never a guess.
- "Country level" (the country's national pseudo-unit, `Nacional`, the country's name) is a
  valid admin1: its shares apply to the country-level activities.
- A share is a number from 0 to 1 or a percentage ("25%", "25 %"; a cell formatted as a
  percentage reads as the text it shows): 25% is 0.25. Anything else is an error saying so.
- Shares that add up to between 0.98 and 1.02 (rounding) are normalised to add up to 1, with
  one warning listing the rows; beyond that the row is an error.
- A row whose four shares are all empty or 0 holds no proportions: it is skipped, with one
  warning listing the rows (max-cell then uses the sector's own age/sex shares there).
- The same country × admin1 × sector × population type twice is an error.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from kipu.core.gazetteer import Gazetteer, Location
from kipu.core.loaders import Columns, LoadError, did_you_mean
from kipu.core.phrasing import Note
from kipu.core.schema import POPULATION_TYPES, population_group, population_group_names
from kipu.core.text import closest, normalise
from kipu.core.validation.resolve import NATIONAL_WORDS  # what 5W files write for country level

# A row without a sector: a totals row, or a sector left blank under a merged cell.
EMPTY_SECTOR = Note(
    "no sector: each row names its sector or area (code or name)",
    "sin sector: cada fila nombra su sector o área (código o nombre)",
)


def unknown_sector(text: str) -> Note:
    """The error of a row naming no sector of the plan (`text`: its sector cell)."""
    if not text:
        return EMPTY_SECTOR
    return Note(f"unknown sector {text!r}", f"sector desconocido {text!r}")


GROUPS = ("girls", "boys", "women", "men")
PROPORTION_COLUMNS: dict[str, tuple[str, ...]] = {
    "country": ("pais", "country_name", "country_code", "iso3"),
    "sector": (),
    "admin1": ("department", "departamento"),
    "population_type": (),
    **{group: () for group in GROUPS},
}
REQUIRED = ("sector", "admin1", "population_type", *GROUPS)
TOLERANCE = 0.02  # shares adding up to 0.98-1.02 are rounding: normalised, with a warning
EXACT = 1e-6  # below this a sum is 1 (floating point)
_LANGUAGES = ("en", "es", "pt", "fr")  # country names accepted in the country column


@dataclass
class ProportionRecord:
    sector_code: str
    admin1: str  # P-code of the admin1, or of the national pseudo-unit (PE00) for country level
    population_type: str
    shares: dict[str, float]
    country: str = ""  # ISO3


@dataclass
class ProportionsRead:
    records: list[ProportionRecord] = field(default_factory=list)
    errors: list[LoadError] = field(default_factory=list)
    warnings: list[LoadError] = field(default_factory=list)


class ProportionPlaces:
    """Finds the country and the admin1 of a proportions or targets row among the platform's
    countries; `area`: a local platform's admin1 units (P-codes), outside which no row is
    placed (a Lima target on the Tumbes platform was stored without a word)."""

    def __init__(
        self, gazetteer: Gazetteer, countries: Sequence[str], area: Sequence[str] = ()
    ) -> None:
        self.gazetteer = gazetteer
        self.area = frozenset(area)
        self.countries = [c.upper() for c in countries if c]
        self._index: dict[str, str] = {normalise(c): c for c in self.countries}
        self._names = {c: c for c in self.countries}
        for location in gazetteer.countries():
            if location.country in self.countries:
                self._names[location.country] = location.name
                for label in _country_labels(location):
                    self._index.setdefault(normalise(label), location.country)

    def name(self, country: str) -> str:
        return self._names.get(country, country)

    def covered(self, lang: str = "en") -> str:
        none = "ningún país" if lang == "es" else "no country"
        return ", ".join(self.name(c) for c in self.countries) or none

    def country(self, text: str) -> str | None:
        """The ISO3 of a platform country named by `text`, or None."""
        return self._index.get(normalise(text))

    def in_country(self, text: str, country: str) -> Location | None:
        """The admin1 `text` names in `country`; the national pseudo-unit for country level."""
        found = self.gazetteer.find(text, country, 1)
        key = normalise(text)
        if found is None and (key in NATIONAL_WORDS or self._index.get(key) == country):
            found = self.gazetteer.national(country)
        return found

    def outside_area(self, name: str, pcode: str) -> Note | None:
        """Why `pcode` (`name`; "" for the whole country) is no place of a local platform's
        plan (`area`), or None."""
        if not self.area or pcode in self.area:
            return None
        units = ", ".join(
            f"{found.name} ({p})" if (found := self.gazetteer.get(p)) else p
            for p in sorted(self.area)
        )
        where = f"{name} ({pcode})" if pcode else "the whole country"
        donde = f"{name} ({pcode})" if pcode else "todo el país"
        return Note(
            f"{where} is outside this platform's area: a local platform's plan gives targets "
            f"and proportions for its own admin1 units only ({units})",
            f"{donde} está fuera del área de esta plataforma: el plan de una plataforma local "
            f"da metas y proporciones solo para sus propias unidades admin1 ({units})",
        )

    def admin1(self, text: str, country: str | None) -> Location | Note:
        """The unit, or the reason it cannot be told (unknown, or in several countries)."""
        if not text:
            return Note(
                "empty admin1 (write “Country level” for country-level activities)",
                "admin1 vacío (escriba “Nivel país” para actividades de nivel país)",
            )
        searched = [country] if country else self.countries
        if not searched:
            return Note(
                "the platform covers no country, so no admin1 can be placed",
                "la plataforma no cubre ningún país, así que no se puede ubicar ningún admin1",
            )
        found = [unit for c in searched if (unit := self.in_country(text, c)) is not None]
        if len(found) == 1:
            return self.outside_area(found[0].name, found[0].pcode) or found[0]
        if found:
            where = ", ".join(f"{self.name(u.country)} ({u.pcode})" for u in found)
            return Note(
                f"admin1 {text!r} is in several countries of this platform: {where}; "
                "add a country column to say which",
                f"el admin1 {text!r} está en varios países de esta plataforma: {where}; "
                "añada una columna de país para decir cuál",
            )
        names = [u.name for c in searched for u in self.gazetteer.units(c, 1)]
        hint = closest(text, names)
        within, en = (
            (f" in {self.name(country)}", f" en {self.name(country)}") if country else ("", "")
        )
        return Note(
            f"unknown admin1 {text!r}{within}" + (f"; did you mean {hint!r}?" if hint else ""),
            f"admin1 desconocido {text!r}{en}" + (f"; ¿quiso decir {hint!r}?" if hint else ""),
        )


def _country_labels(location: Location) -> list[str]:
    """Every way a table may name a country: codes, gazetteer name and aliases, and its name
    in English, Spanish, Portuguese and French (babel's CLDR names: Brasil, Perú)."""
    from babel import Locale

    iso2 = location.iso or location.pcode
    labels = [location.pcode, location.code, location.iso, location.name, *location.aliases]
    for lang in _LANGUAGES:
        name = Locale(lang).territories.get(iso2.upper())
        if name:
            labels.append(name)
    return [label for label in labels if label]


def _share(text: str) -> float | None:
    """A share ≥ 0 (empty is 0), or None when the cell is not such a number. A percentage is
    one (25% is 0.25): a spreadsheet cell formatted as a percentage reads as the text it shows
    ("25%"), and every such proportions sheet was refused, "'25%' is not a share"."""
    written = _PERCENT.fullmatch(text)
    try:
        if written is not None:
            # Through Decimal: 24.6 / 100 is 0.24600000000000002 in floats, 0.246 here.
            value = float(Decimal(written[1].replace(",", ".")) / 100)
        else:
            value = float(text.replace(",", ".")) if text else 0.0
    except ValueError:
        return None
    return value if value >= 0 and math.isfinite(value) else None


# "25%", "25 %", "25,5 %" (any space, a non-breaking one too, before the sign).
_PERCENT = re.compile(r"([0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)\s*%")
NOT_A_SHARE = Note(
    "is not a share: write a number from 0 to 1 (0.25) or a percentage (25%); an empty cell is 0",
    "no es una proporción: escriba un número de 0 a 1 (0.25) o un porcentaje (25%); una celda "
    "vacía es 0",
)


def _listed(rows: list[int], lang: str = "en") -> str:
    shown = ", ".join(str(r) for r in rows[:10])
    more = "y {} más" if lang == "es" else "and {} more"
    return shown + (" " + more.format(len(rows) - 10) if len(rows) > 10 else "")


class _Reader:
    def __init__(
        self, columns: Columns, find_sector: Callable[[str], str | None], places: ProportionPlaces
    ) -> None:
        self.columns, self.find_sector, self.places = columns, find_sector, places
        self.source = columns.table.source
        self.result = ProportionsRead()
        self.seen: dict[tuple[str, str, str], int] = {}
        self.normalised: list[int] = []
        self.empty: list[int] = []

    def error(self, number: int, column: str | None, message: str) -> None:
        label = self.columns.label(column) if column else None
        self.result.errors.append(LoadError(self.source, number, label, message))

    def read(self) -> ProportionsRead:
        for number, record in zip(
            self.columns.table.row_numbers, self.columns.table.records, strict=True
        ):
            self.row(number, record)
        if self.normalised:
            n, rows = len(self.normalised), self.normalised
            self.warn(
                Note(
                    f"the shares of {n} row(s) add up to between 0.98 and 1.02 (rounding): each "
                    f"was normalised to add up to 1 (rows {_listed(rows)})",
                    f"las proporciones de {n} fila(s) suman entre 0,98 y 1,02 (redondeo): cada "
                    f"una se normalizó para sumar 1 (filas {_listed(rows, 'es')})",
                )
            )
        if self.empty:
            n, rows = len(self.empty), self.empty
            self.warn(
                Note(
                    f"{n} row(s) have no shares (all empty or 0) and were skipped; max-cell "
                    f"uses the sector's own age/sex shares there (rows {_listed(rows)})",
                    f"{n} fila(s) no tienen proporciones (todas vacías o 0) y se omitieron; "
                    "max-cell usa allí las proporciones de edad y sexo del propio sector "
                    f"(filas {_listed(rows, 'es')})",
                )
            )
        return self.result

    def warn(self, message: str) -> None:
        self.result.warnings.append(LoadError(self.source, None, None, message))

    def row(self, number: int, record: dict[str, object]) -> None:
        texts = {g: self.columns.value(record, g) for g in GROUPS}
        shares = {g: _share(t) for g, t in texts.items()}
        bad = [g for g, v in shares.items() if v is None]
        for group in bad:
            said = repr(texts[group])
            self.error(
                number, group, Note(f"{said} {NOT_A_SHARE}", f"{said} {NOT_A_SHARE.spanish}")
            )
        total = sum(v or 0.0 for v in shares.values())
        if not bad and total == 0:
            self.empty.append(number)
            return
        placed = self.place(number, record)
        if bad or placed is None:
            return
        if abs(total - 1) > TOLERANCE + EXACT:
            # Percentages written without their sign (25 for 25%) add up to 100: said, not
            # guessed (a row of counts may add up to 100 too).
            near = 98 <= total <= 102
            hint = "; percentages are written with their sign (25%)" if near else ""
            pista = "; los porcentajes se escriben con su signo (25%)" if near else ""
            message = Note(
                f"girls + boys + women + men add up to {total:g}; they must add up to 1 "
                f"(0.98 to 1.02 is accepted as rounding and normalised){hint}",
                f"niñas + niños + mujeres + hombres suman {total:g}; deben sumar 1 (de 0.98 a "
                f"1.02 se acepta como redondeo y se normaliza){pista}",
            )
            self.error(number, None, message)
            return
        if abs(total - 1) > EXACT:
            self.normalised.append(number)
        sector, unit, population = placed
        key = (unit.pcode, sector, population)
        if key in self.seen:
            first = self.seen[key]
            message = Note(
                f"same admin1, sector and population type as row {first}",
                f"el mismo admin1, sector y tipo de población que la fila {first}",
            )
            self.error(number, None, message)
            return
        self.seen[key] = number
        self.result.records.append(
            ProportionRecord(
                sector,
                unit.pcode,
                population,
                {g: (v or 0.0) / total for g, v in shares.items()},
                unit.country,
            )
        )

    def place(self, number: int, record: dict[str, object]) -> tuple[str, Location, str] | None:
        """The row's sector code, admin1 unit and population type, or None (errors added)."""
        value = self.columns.value
        sector_text, admin1_text = value(record, "sector"), value(record, "admin1")
        sector = self.find_sector(sector_text)
        if sector is None:
            self.error(number, "sector", unknown_sector(sector_text))
        country = None
        if "country" in self.columns.found and (country_text := value(record, "country")):
            country = self.places.country(country_text)
            if country is None:
                message = Note(
                    f"{country_text!r} is not a country of this platform "
                    f"(it covers {self.places.covered()})",
                    f"{country_text!r} no es un país de esta plataforma "
                    f"(cubre {self.places.covered('es')})",
                )
                self.error(number, "country", message)
                return None
        unit = self.places.admin1(admin1_text, country)
        if isinstance(unit, Note):
            self.error(number, "admin1", unit)
        written = value(record, "population_type")
        population = population_group(written)
        if population not in POPULATION_TYPES:
            names, kinds = population_group_names(), ", ".join(POPULATION_TYPES)
            message = Note(
                f"population_type must be one of {kinds}{did_you_mean(written, names)}",
                f"population_type debe ser uno de {kinds}{did_you_mean(written, names, 'es')}",
            )
            self.error(number, "population_type", message)
        if sector is None or isinstance(unit, Note) or population is None:
            return None
        return sector, unit, population


def read_proportions(
    columns: Columns, find_sector: Callable[[str], str | None], places: ProportionPlaces
) -> ProportionsRead:
    """The proportions of a table whose columns were found (see the module's rules).

    `find_sector` gives the plan's sector code for a cell (code or name), or None."""
    return _Reader(columns, find_sector, places).read()
