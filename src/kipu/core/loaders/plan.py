"""Plan file: sectors (or areas of intervention), indicators, targets, proportions.

A CSV is an indicator list (R4V style: sector, indicator, code, type); sectors are taken from
it. An XLSX may hold sheets named `sectors`, `indicators`, `targets` and `proportions`; without
an `indicators` sheet its first sheet is the indicator list. Column names are documented in
docs/reference-data.md.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kipu.core.gazetteer import Gazetteer
from kipu.core.loaders import (
    Columns,
    Loaded,
    LoadError,
    did_you_mean,
    open_table,
    reference_number,
)
from kipu.core.loaders.proportions import (
    PROPORTION_COLUMNS,
    REQUIRED,
    ProportionPlaces,
    ProportionRecord,
    read_proportions,
)
from kipu.core.read import ReadError, read_sheets
from kipu.core.reference import INDICATOR_TYPES
from kipu.core.schema import term_key
from kipu.core.text import closest, normalise

SECTOR_COLUMNS = {
    "code": ("sector_code",),
    "name": ("sector", "name_en", "area"),
    "name_es": ("sector_es", "nombre"),
    "parent": ("parent_sector", "parent_code"),
}
INDICATOR_COLUMNS = {
    "code": ("indicator_code", "codigo"),
    "indicator": ("name", "name_en", "indicator_name"),
    "indicator_es": ("name_es", "indicador"),
    "sector": ("sector_name", "area", "subsector"),
    "sector_code": (),
    "sector_es": (),
    "parent_sector": (),
    "unit": ("unidad",),
    "type": ("indicator_type", "tipo"),
}
TARGET_COLUMNS = {
    "sector": ("area", "sector_code"),
    "country": ("pais", "país", "country_name"),
    "admin1": ("department", "departamento"),
    "people_in_need": ("pin",),
    "people_targeted": ("target", "targeted"),
    "budget_usd": ("budget",),
}
# Indicator types as R4V's lists write them, 2021-2025, in English and Spanish; plurals are
# folded by `term_key` ("Mechanisms/Advocacy", "Otros").
_TYPE_NAMES = {
    **{name: name for name in INDICATOR_TYPES},
    "PIN": "PiN",
    "People in need": "PiN",
    "Personas en necesidad": "PiN",
    "Personas": "People",
    "Otro": "Other",
    "Output": "Other",
    "Producto": "Other",
    "Mechanism-Advocacy": "Mechanism/Advocacy",
    "Mechanism Advocacy": "Mechanism/Advocacy",
    "Mecanismo/Incidencia": "Mechanism/Advocacy",
    "Mecanismo/Abogacía": "Mechanism/Advocacy",
    "Asistencia directa": "Direct Assistance",
    "Fortalecimiento de capacidades": "Capacity Building",
    "Desarrollo de capacidades": "Capacity Building",
    "Creación de capacidades": "Capacity Building",
    "Infraestructura": "Infrastructure",
}
_TYPES = {term_key(label): name for label, name in _TYPE_NAMES.items()}


@dataclass
class SectorRecord:
    code: str
    name: str
    name_es: str = ""
    parent_code: str = ""


@dataclass
class IndicatorRecord:
    code: str
    name: str
    sector_code: str
    type: str
    name_es: str = ""
    unit: str = ""


@dataclass
class TargetRecord:
    sector_code: str
    admin1: str  # P-code, "" for the whole country
    people_in_need: int = 0
    people_targeted: int = 0
    budget_usd: float = 0.0


@dataclass
class PlanContent:
    sectors: list[SectorRecord] = field(default_factory=list)
    indicators: list[IndicatorRecord] = field(default_factory=list)
    targets: list[TargetRecord] = field(default_factory=list)
    proportions: list[ProportionRecord] = field(default_factory=list)


def sector_code_for(name: str) -> str:
    """A stable code for a sector known only by name: 'Protection (GBV)' → 'PROTECTION-GBV'."""
    return re.sub(r"[^A-Z0-9]+", "-", normalise(name).upper()).strip("-")


def load_plan(
    path: Path | str,
    gazetteer: Gazetteer,
    country: str | Sequence[str],
    targets_path: Path | str | None = None,
) -> Loaded[PlanContent]:
    """The plan in `path`; `country` is the platform's country, or its countries (ISO3) on a
    regional platform. Proportions rows are placed in their own country (see
    `kipu.core.loaders.proportions`); targets in the first country."""
    countries = [country] if isinstance(country, str) else list(country)
    result: Loaded[PlanContent] = Loaded(records=[PlanContent()])
    content = result.records[0]
    sheets = _sheet_names(Path(path), result.errors)
    if result.errors:
        return result
    wanted = {
        name: sheets.get(name) for name in ("sectors", "indicators", "targets", "proportions")
    }
    if wanted["sectors"]:
        _read_sectors(path, wanted["sectors"], content, result.errors)
    _read_indicators(path, wanted["indicators"], content, result.errors)
    if targets_path or wanted["targets"]:
        _read_targets(
            targets_path or path,
            None if targets_path else wanted["targets"],
            content,
            ProportionPlaces(gazetteer, countries),
            result.errors,
        )
    if wanted["proportions"]:
        _read_proportions(
            path, wanted["proportions"], content, ProportionPlaces(gazetteer, countries), result
        )
    return result


def _sheet_names(path: Path, errors: list[LoadError]) -> dict[str, str]:
    if path.suffix.lower() not in (".xlsx", ".xlsm", ".xls", ".ods"):
        return {}
    try:
        return {normalise(s.name): s.name for s in read_sheets(path)}
    except ReadError as error:
        errors.append(LoadError(path.name, None, None, error.message))
        return {}


def _table_columns(
    path: Path | str,
    sheet: str | None,
    accepted: Mapping[str, tuple[str, ...]],
    required: tuple[str, ...],
    errors: list[LoadError],
) -> Columns | None:
    table = open_table(path, sheet)
    if isinstance(table, LoadError):
        errors.append(table)
        return None
    columns = Columns(table, accepted)
    if missing := columns.missing(required):
        errors.extend(missing)
        return None
    return columns


def _rows(columns: Columns) -> list[tuple[int, dict[str, object]]]:
    return list(zip(columns.table.row_numbers, columns.table.records, strict=True))


def _read_sectors(
    path: Path | str, sheet: str, content: PlanContent, errors: list[LoadError]
) -> None:
    columns = _table_columns(path, sheet, SECTOR_COLUMNS, ("name",), errors)
    if columns is None:
        return
    parents: list[tuple[int, SectorRecord, str]] = []
    for number, record in _rows(columns):
        name = columns.value(record, "name")
        code = columns.value(record, "code") or sector_code_for(name)
        if not name:
            errors.append(
                LoadError(columns.table.source, number, columns.label("name"), "empty sector name")
            )
            continue
        if any(s.code == code for s in content.sectors):
            errors.append(
                LoadError(
                    columns.table.source,
                    number,
                    columns.label("code"),
                    f"duplicate sector code {code!r}",
                )
            )
            continue
        sector = SectorRecord(code, name, columns.value(record, "name_es"))
        content.sectors.append(sector)
        if parent := columns.value(record, "parent"):
            parents.append((number, sector, parent))
    for number, sector, parent in parents:
        found = _find_sector(content, parent)
        if found is None:
            errors.append(
                LoadError(
                    columns.table.source,
                    number,
                    columns.label("parent"),
                    f"unknown parent sector {parent!r}",
                )
            )
        else:
            sector.parent_code = found.code
    _two_levels(columns, parents, errors)


def _two_levels(
    columns: Columns, parents: list[tuple[int, SectorRecord, str]], errors: list[LoadError]
) -> None:
    """A plan has sectors (or areas) and their sub-sectors, as R4V's plans do: a parent that
    is itself a sub-sector (or the sector itself) is refused. Every figure, filter and
    partner's remit rolls a sub-sector up one level, so a third level was counted under no
    area or under the wrong one."""
    parent_of = {s.code: s.parent_code for _, s, _ in parents if s.parent_code}
    for number, sector, text in parents:
        parent = sector.parent_code
        if not parent:
            continue
        if parent == sector.code:
            message = f"sector {sector.code!r} cannot be its own parent"
        elif parent in parent_of:
            message = (
                f"parent sector {text!r} is itself a sub-sector of {parent_of[parent]!r}: a "
                "plan has sectors and their sub-sectors, two levels; give the top-level sector"
            )
        else:
            continue
        errors.append(LoadError(columns.table.source, number, columns.label("parent"), message))


def _find_sector(content: PlanContent, text: str) -> SectorRecord | None:
    key = normalise(text)
    return next(
        (
            s
            for s in content.sectors
            if key in (normalise(s.code), normalise(s.name), normalise(s.name_es))
        ),
        None,
    )


def _read_indicators(
    path: Path | str, sheet: str | None, content: PlanContent, errors: list[LoadError]
) -> None:
    columns = _table_columns(
        path, sheet, INDICATOR_COLUMNS, ("code", "indicator", "sector", "type"), errors
    )
    if columns is None:
        return
    sectors_given = bool(content.sectors)
    # 5W rows find indicators by code or name with case and accents ignored: two indicators
    # that differ only so ("Consultas médicas" and "Consultas medicas", HE1 and he1) sent
    # every row to the first, whatever its type.
    seen: dict[tuple[str, str], int] = {}  # (sector or "", folded code or name) → row
    for number, record in _rows(columns):
        indicator = _indicator(columns, number, record, content, sectors_given, errors)
        if indicator is None:
            continue
        keys = [("code", ("", normalise(indicator.code)))] + [
            ("indicator", (indicator.sector_code, normalise(name)))
            for name in {indicator.name, indicator.name_es}
            if name
        ]
        clash = next(((column, seen[key]) for column, key in keys if key in seen), None)
        if clash is not None:
            column, first = clash
            what = "indicator name" if column == "indicator" else "indicator code"
            errors.append(
                LoadError(
                    columns.table.source,
                    number,
                    columns.label(column),
                    f"the same {what} as row {first} "
                    "(letter case and accents aside): 5W rows could not tell them apart",
                )
            )
            continue
        for _, key in keys:
            seen[key] = number
        content.indicators.append(indicator)


def _indicator(
    columns: Columns,
    number: int,
    record: dict[str, object],
    content: PlanContent,
    sectors_given: bool,
    errors: list[LoadError],
) -> IndicatorRecord | None:
    source = columns.table.source
    code, name = columns.value(record, "code"), columns.value(record, "indicator")
    sector_text, raw_type = columns.value(record, "sector"), columns.value(record, "type")
    for column, value in (
        ("code", code),
        ("indicator", name),
        ("sector", sector_text),
        ("type", raw_type),
    ):
        if not value:
            errors.append(LoadError(source, number, columns.label(column), "empty cell"))
            return None
    indicator_type = _TYPES.get(term_key(raw_type))
    if indicator_type is None:
        message = f"unknown indicator type {raw_type!r}{did_you_mean(raw_type, _TYPE_NAMES)}"
        errors.append(LoadError(source, number, columns.label("type"), message))
        return None
    code_text = columns.value(record, "sector_code")
    sector = _find_sector(content, code_text or sector_text)
    named = _find_sector(content, sector_text) if code_text else sector
    if sector is not None and sector is not named and (named is not None or sectors_given):
        # Before, the code was followed and the name written beside it lost.
        message = (
            f"sector code {code_text!r} is {sector.name!r}, not {sector_text!r}: "
            "give the code and the name of one sector"
        )
        errors.append(LoadError(source, number, columns.label("sector_code"), message))
        return None
    if sector is None and sectors_given:
        hint = closest(sector_text, [s.name for s in content.sectors])
        errors.append(
            LoadError(
                source,
                number,
                columns.label("sector"),
                f"unknown sector {sector_text!r}" + (f"; did you mean {hint!r}?" if hint else ""),
            )
        )
        return None
    if sector is None:
        sector = SectorRecord(
            code_text or sector_code_for(sector_text),
            sector_text,
            columns.value(record, "sector_es"),
        )
        content.sectors.append(sector)
    return IndicatorRecord(
        code,
        name,
        sector.code,
        indicator_type,
        columns.value(record, "indicator_es"),
        columns.value(record, "unit"),
    )


def _target_place(
    places: ProportionPlaces, country_text: str, admin1_text: str
) -> tuple[str | None, str]:
    """The admin1 P-code of a target ("" for the whole of a one-country platform), or None
    and why."""
    country = places.country(country_text) if country_text else None
    if country_text and country is None:
        return None, f"{country_text!r} is not a country of this platform ({places.covered()})"
    if not admin1_text:
        if len(places.countries) <= 1:
            return "", ""
        if country is None:
            return None, "a whole-country target needs the country column on this platform"
        unit = places.gazetteer.national(country)
        return (unit.pcode if unit else None), f"{places.name(country)} has no national unit"
    found = places.admin1(admin1_text, country)
    if isinstance(found, str):
        return None, found
    return ("" if found.national and len(places.countries) <= 1 else found.pcode), ""


def _read_targets(
    path: Path | str,
    sheet: str | None,
    content: PlanContent,
    places: ProportionPlaces,
    errors: list[LoadError],
) -> None:
    """Targets per sector and admin1, each admin1 in its row's country (a country column, by
    name or code, or the platform's only country). A blank admin1 is the whole country: ""
    on a one-country platform, the country's national unit (PE00) on a regional one, so the
    country stays known."""
    columns = _table_columns(path, sheet, TARGET_COLUMNS, ("sector",), errors)
    if columns is None:
        return
    source = columns.table.source
    seen: dict[tuple[str, str], int] = {}  # (sector, admin1) → the row that set its target
    for number, record in _rows(columns):
        sector_text, admin1_text = columns.value(record, "sector"), columns.value(record, "admin1")
        sector = _find_sector(content, sector_text)
        admin1, problem = _target_place(places, columns.value(record, "country"), admin1_text)
        if sector is None:
            errors.append(
                LoadError(
                    source, number, columns.label("sector"), f"unknown sector {sector_text!r}"
                )
            )
        if admin1 is None:
            errors.append(LoadError(source, number, columns.label("admin1"), problem))
        values: dict[str, float | None] = {}
        for column in ("people_in_need", "people_targeted", "budget_usd"):
            whole, decimals = (False, 2) if column == "budget_usd" else (True, None)
            value, wrong = reference_number(
                columns.value(record, column), whole=whole, decimals=decimals
            )
            values[column] = value
            if wrong:
                errors.append(LoadError(source, number, columns.label(column), wrong))
        if sector is not None and admin1 is not None:
            # A second target for one place (Lima and PE15, or two whole-country rows) was
            # stored twice, or stopped the load with a database traceback.
            first = seen.setdefault((sector.code, admin1), number)
            if first != number:
                errors.append(
                    LoadError(
                        source,
                        number,
                        columns.label("admin1"),
                        f"a second target for {sector.name} in {admin1 or 'the whole country'} "
                        f"(row {first} has one): keep one row",
                    )
                )
                continue
        if sector is None or admin1 is None or None in values.values():
            continue
        content.targets.append(
            TargetRecord(
                sector.code,
                admin1,
                int(values["people_in_need"] or 0),
                int(values["people_targeted"] or 0),
                values["budget_usd"] or 0.0,
            )
        )


def _read_proportions(
    path: Path | str,
    sheet: str,
    content: PlanContent,
    places: ProportionPlaces,
    result: Loaded[PlanContent],
) -> None:
    columns = _table_columns(path, sheet, PROPORTION_COLUMNS, REQUIRED, result.errors)
    if columns is None:
        return

    def sector_code(text: str) -> str | None:
        found = _find_sector(content, text)
        return found.code if found else None

    read = read_proportions(columns, sector_code, places)
    content.proportions.extend(read.records)
    result.errors.extend(read.errors)
    result.warnings.extend(read.warnings)
