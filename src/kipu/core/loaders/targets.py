"""A plan's targets table: people in need, people targeted and budget per sector and admin1
(`kipu.core.loaders.plan` reads the sectors it names). Column names in docs/reference-data.md.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from kipu.core.admin_levels import known, words
from kipu.core.loaders import Columns, Loaded, LoadError, Problem, reference_number
from kipu.core.loaders.proportions import ProportionPlaces, unknown_sector
from kipu.core.phrasing import Note
from kipu.core.read import ReadError, read_sheets
from kipu.core.read.values import PESO_DOLLAR_COUNTRIES
from kipu.core.text import normalise


class Sector(Protocol):
    """What a target needs of the sector it names."""

    code: str
    name: str


TARGET_COLUMNS = {
    "sector": ("area", "sector_code"),
    "country": ("pais", "país", "country_name"),
    "admin1": ("department", "departamento", "estado", "region", "región"),
    "people_in_need": ("pin", "personas en necesidad", "personas con necesidades", "necesidad"),
    "people_targeted": (
        "target", "targeted", "people_target", "meta", "personas meta", "poblacion meta",
        "poblacion objetivo", "personas a alcanzar",
    ),
    "budget_usd": ("budget", "budget (usd)", "presupuesto", "presupuesto (usd)", "requerimiento"),
}  # fmt: skip
TARGET_VALUES = ("people_in_need", "people_targeted", "budget_usd")


def targets_columns(countries: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """`TARGET_COLUMNS`, admin1 also by its name in `countries` (ISO3, `admin_levels`)."""
    local = [w for c in countries if known(c, 1) for w in words(c, 1)[:4]]
    return {**TARGET_COLUMNS, "admin1": (*TARGET_COLUMNS["admin1"], *local)}


@dataclass
class TargetRecord:
    sector_code: str
    admin1: str  # P-code, "" for the whole country
    # None: the plan gives none (an empty cell): never 0, which reads as a target of nobody.
    people_in_need: int | None = None
    people_targeted: int | None = None
    budget_usd: float | None = None


def target_place(
    places: ProportionPlaces, country_text: str, admin1_text: str
) -> tuple[str | None, str]:
    """The admin1 P-code of a target ("" for the whole of a one-country platform), or None
    and why."""
    country = places.country(country_text) if country_text else None
    if country_text and country is None:
        return None, Note(
            f"{country_text!r} is not a country of this platform ({places.covered()})",
            f"{country_text!r} no es un país de esta plataforma ({places.covered('es')})",
        )
    if not admin1_text:
        if len(places.countries) <= 1:
            outside = places.outside_area("", "")
            return (None, outside) if outside else ("", "")
        if country is None:
            return None, Note(
                "a whole-country target needs the country column on this platform",
                "una meta de todo el país necesita la columna de país en esta plataforma",
            )
        unit = places.gazetteer.national(country)
        name = places.name(country)
        return (unit.pcode if unit else None), Note(
            f"{name} has no national unit", f"{name} no tiene unidad nacional"
        )
    found = places.admin1(admin1_text, country)
    if isinstance(found, Note):
        return None, found
    return ("" if found.national and len(places.countries) <= 1 else found.pcode), ""


def read_targets(
    columns: Columns, find_sector: Callable[[str], Sector | None], places: ProportionPlaces
) -> Loaded[TargetRecord]:
    """Targets per sector and admin1, each admin1 in its row's country (a country column, by
    name or code, or the platform's only country). A blank admin1 is the whole country: ""
    on a one-country platform, the country's national unit (PE00) on a regional one, so the
    country stays known. An empty value cell is no target (None); a table without any value
    column, or a row without any value, is refused (a file headed "Meta" loaded every target
    as 0)."""
    result: Loaded[TargetRecord] = Loaded()
    source, errors = columns.table.source, result.errors
    if not any(name in columns.found for name in TARGET_VALUES):
        header = ", ".join(h for h in columns.table.header if h)
        wanted = ", ".join(TARGET_VALUES)
        message = Note(
            f"no target column ({wanted}); the header has: {header}",
            f"ninguna columna de metas ({wanted}); el encabezado tiene: {header}",
        )
        errors.append(LoadError(source, None, None, message))
        return result
    seen: dict[tuple[str, str], int] = {}  # (sector, admin1) → the row that set its target
    for number, record in zip(columns.table.row_numbers, columns.table.records, strict=True):
        sector_text, admin1_text = columns.value(record, "sector"), columns.value(record, "admin1")
        sector = find_sector(sector_text)
        admin1, problem = target_place(places, columns.value(record, "country"), admin1_text)
        if sector is None:
            message = unknown_sector(sector_text)
            errors.append(LoadError(source, number, columns.label("sector"), message))
        if admin1 is None:
            errors.append(LoadError(source, number, columns.label("admin1"), problem))
        values = _target_values(columns, number, record, errors)
        if values is not None and admin1 is not None:
            values = _budget_in_dollars(columns, number, places, admin1, values, errors)
        if sector is None or admin1 is None or values is None:
            continue
        # A second target for one place (Lima and PE15, or two whole-country rows) was
        # stored twice, or stopped the load with a database traceback.
        first = seen.setdefault((sector.code, admin1), number)
        if first != number:
            where, donde = (admin1, admin1) if admin1 else ("the whole country", "todo el país")
            message = Note(
                f"a second target for {sector.name} in {where} (row {first} has one): keep one row",
                f"una segunda meta para {sector.name} en {donde} (la fila {first} tiene una): "
                "conserve una fila",
            )
            errors.append(LoadError(source, number, columns.label("admin1"), message))
            continue
        people_in_need, people_targeted, budget = values
        result.warnings += [
            w for n in TARGET_VALUES if (w := columns.copied(number, n)) is not None
        ]
        result.records.append(
            TargetRecord(sector.code, admin1, people_in_need, people_targeted, budget)
        )
    return result


def _budget_in_dollars(
    columns: Columns,
    number: int,
    places: ProportionPlaces,
    admin1: str,
    values: tuple[int | None, int | None, float | None],
    errors: list[LoadError],
) -> tuple[int | None, int | None, float | None] | None:
    """`values`, or None when the budget is a number its cell's format shows with a `$`
    alone in a country whose own currency is written `$` (Colombia's 1,500,000,000 pesos
    formatted `$ #,##0` were stored as as many US dollars): the error says to format the
    cell as US$ or convert it, as the 5W's `dollar-format-ambiguous` does. Elsewhere (Peru,
    Ecuador) a `$` is the US dollar."""
    budget = values[2]
    if budget is None or budget == 0 or not columns.shown_with_dollar(number, "budget_usd"):
        return values
    unit = places.gazetteer.get(admin1) if admin1 else None
    country = unit.country if unit else (places.countries[0] if places.countries else "")
    if country not in PESO_DOLLAR_COUNTRIES:
        return values
    shown, name = f"{budget:,.2f}".removesuffix(".00"), places.name(country)
    message = Note(
        f"{shown}: the cell's format shows it with $, which in {name} is also the sign of its "
        "own currency; format the cell as US$ (in Excel: $ English (United States)) if the "
        "budget is in US dollars, or convert it to dollars",
        f"{shown}: el formato de la celda lo muestra con $, que en {name} es también el signo "
        "de su propia moneda; dé a la celda el formato US$ (en Excel: $ Inglés (Estados "
        "Unidos)) si el presupuesto está en dólares estadounidenses, o conviértalo a dólares",
    )
    errors.append(LoadError(columns.table.source, number, columns.label("budget_usd"), message))
    return None


def target_number(
    column: str, text: str, typed: float | None = None
) -> tuple[float | None, Problem | None]:
    """A target's figure of `column` (one of `TARGET_VALUES`): people in whole numbers, a
    budget to the cent, never negative (`reference_number`). A file's row and the web's edit
    page read it so."""
    whole, decimals = (False, 2) if column == "budget_usd" else (True, None)
    return reference_number(text, whole=whole, decimals=decimals, typed=typed)


def _target_values(
    columns: Columns, number: int, record: dict[str, object], errors: list[LoadError]
) -> tuple[int | None, int | None, float | None] | None:
    """People in need, people targeted and budget of a targets row (None for an empty cell),
    or None when a value is wrong or the row gives none."""
    values: list[float | None] = []
    failed = False
    for column in TARGET_VALUES:
        text = columns.value(record, column)
        value, wrong = (
            target_number(column, text, columns.typed(record, column)) if text else (None, None)
        )
        values.append(value)
        if wrong:
            errors.append(LoadError(columns.table.source, number, columns.label(column), wrong))
            failed = True
    if failed:
        return None
    if all(value is None for value in values):
        given = ", ".join(columns.label(c) for c in TARGET_VALUES if c in columns.found)
        message = Note(f"no target given: {given} all empty", f"ninguna meta: {given} vacías")
        errors.append(LoadError(columns.table.source, number, None, message))
        return None
    need, targeted, budget = values
    return (
        None if need is None else int(need),
        None if targeted is None else int(targeted),
        budget,
    )


def targets_sheet(path: Path, names: tuple[str, ...], warnings: list[LoadError]) -> str | None:
    """The sheet of a separate targets workbook (`--targets`): the one named as a plan's
    targets sheet is (`names`: "Metas"), else its first visible sheet, said in a warning when
    the workbook has others (an "Instrucciones" sheet first was read, and refused as "a
    header but no data rows"). None for a text file."""
    if path.suffix.lower() not in (".xlsx", ".xlsm", ".xls", ".ods"):
        return None
    try:
        sheets = read_sheets(path)
    except ReadError:
        return None  # reading the table says why
    keys = {normalise(name) for name in names}
    named = [s.name for s in sheets if normalise(s.name) in keys]
    if named:
        return named[0]
    visible = [s.name for s in sheets if not s.hidden] or [s.name for s in sheets]
    if len(sheets) > 1:
        message = Note(
            f"targets read from the first sheet, {visible[0]!r}: no sheet is named {names[0]!r}",
            f"metas leídas de la primera hoja, {visible[0]!r}: ninguna hoja se llama {names[0]!r}",
        )
        warnings.append(LoadError(path.name, None, None, message))
    return visible[0] if visible else None
