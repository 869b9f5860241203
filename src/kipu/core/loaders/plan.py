"""Plan file: sectors (or areas of intervention), indicators, targets, proportions.

A CSV is an indicator list (R4V style: sector, indicator, code, type); sectors are taken from
it. An XLSX may hold sheets named `sectors`, `indicators`, `targets` and `proportions`; without
an `indicators` sheet its first sheet is the indicator list. Column names are documented in
docs/reference-data.md.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from kipu.core.gazetteer import Gazetteer
from kipu.core.loaders import (
    Columns,
    Loaded,
    LoadError,
    did_you_mean,
    open_table,
)
from kipu.core.loaders.plan_records import LEVEL_RULES as LEVEL_RULES
from kipu.core.loaders.plan_records import IndicatorRecord as IndicatorRecord
from kipu.core.loaders.plan_records import PlanContent as PlanContent
from kipu.core.loaders.plan_records import SectorRecord as SectorRecord
from kipu.core.loaders.plan_records import find_sector, same_sector_name
from kipu.core.loaders.plan_records import level_problem as level_problem
from kipu.core.loaders.plan_records import sector_code_for as sector_code_for
from kipu.core.loaders.proportions import (
    PROPORTION_COLUMNS,
    REQUIRED,
    ProportionPlaces,
    read_proportions,
)
from kipu.core.loaders.targets import TargetRecord as TargetRecord
from kipu.core.loaders.targets import (
    read_targets,
    targets_columns,
    targets_sheet,
)
from kipu.core.phrasing import Note
from kipu.core.read import ReadError, read_sheets
from kipu.core.reference import INDICATOR_TYPES
from kipu.core.schema import term_key
from kipu.core.text import closest, normalise

SECTOR_COLUMNS = {
    "code": ("sector_code", "codigo", "codigo_sector"),
    "name": ("sector", "name_en", "area"),
    "name_es": ("sector_es", "nombre"),
    "parent": ("parent_sector", "parent_code", "padre", "sector_padre", "codigo_padre"),
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
# Sheets by their names in English and Spanish (compared as `normalise` does).
SHEETS = {
    "sectors": ("sectors", "sectores", "areas"),
    "indicators": ("indicators", "indicadores"),
    "targets": ("targets", "metas", "objetivos"),
    "proportions": ("proportions", "proporciones"),
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


def load_plan(
    path: Path | str,
    gazetteer: Gazetteer,
    country: str | Sequence[str],
    targets_path: Path | str | None = None,
    area: Sequence[str] = (),
) -> Loaded[PlanContent]:
    """The plan in `path`; `country` is the platform's country, or its countries (ISO3) on a
    regional platform; `area`, a local platform's admin1 units (a row elsewhere is an error).
    Proportions rows are placed in their own country (see `kipu.core.loaders.proportions`);
    targets in the first country."""
    countries = [country] if isinstance(country, str) else list(country)
    places = ProportionPlaces(gazetteer, countries, area)
    result: Loaded[PlanContent] = Loaded(records=[PlanContent()])
    content = result.records[0]
    wanted = _sheets(Path(path), result)
    if result.errors:
        return result
    if wanted["sectors"]:
        _read_sectors(path, wanted["sectors"], content, result)
    _read_indicators(path, wanted["indicators"], content, result)
    if targets_path and wanted["targets"]:  # the sheet was left out without a word
        message = Note(
            f"the plan has a sheet {wanted['targets']!r} and --targets is given: give one",
            f"el plan tiene una hoja {wanted['targets']!r} y se da --targets: dé una sola",
        )
        result.errors.append(LoadError(Path(path).name, None, None, message))
    elif targets_path or wanted["targets"]:
        _read_targets(
            targets_path or path,
            targets_sheet(Path(targets_path), SHEETS["targets"], result.warnings)
            if targets_path
            else wanted["targets"],
            content,
            places,
            result,
        )
    if wanted["proportions"]:
        _read_proportions(path, wanted["proportions"], content, places, result)
    return result


def _sheets(path: Path, result: Loaded[PlanContent]) -> dict[str, str | None]:
    """The sheet of each part of the plan (`SHEETS`), None where the workbook has none (and
    for a CSV file); a sheet read as none of them is said: a plan's "Metas" sheet was left
    out without a word, and progress kept the old targets."""
    wanted: dict[str, str | None] = dict.fromkeys(SHEETS)
    if path.suffix.lower() not in (".xlsx", ".xlsm", ".xls", ".ods"):
        return wanted
    try:
        names = [s.name for s in read_sheets(path)]
    except ReadError as error:
        result.errors.append(LoadError(path.name, None, None, error.message))
        return wanted
    for part, variants in SHEETS.items():
        keys = {normalise(v) for v in variants}
        found = [name for name in names if normalise(name) in keys]
        wanted[part] = found[0] if found else None
        if len(found) > 1:  # "Metas" and "Objetivos": the second was left out
            listed = " and ".join(repr(name) for name in found)
            message = Note(
                f"sheets {listed} are both the plan's {part}: keep one",
                f"las hojas {listed.replace(' and ', ' y ')} son ambas las "
                f"{_PARTS[part]} del plan: conserve una",
            )
            result.errors.append(LoadError(path.name, None, None, message))
    read = set(wanted.values()) if wanted["indicators"] else {*wanted.values(), names[0]}
    unread = [name for name in names if name not in read]
    if names and unread:
        known = ", ".join(variants[0] for variants in SHEETS.values())
        listed = ", ".join(repr(name) for name in unread)
        message = Note(
            f"sheet(s) {listed} not read; the sheets read are named: {known}",
            f"hoja(s) {listed} no leída(s); las hojas que se leen se llaman: {known}",
        )
        result.warnings.append(LoadError(path.name, None, None, message))
    return wanted


# The parts of a plan (`SHEETS`) in Spanish, for messages.
_PARTS = {
    "sectors": "sectores",
    "indicators": "indicadores",
    "targets": "metas",
    "proportions": "proporciones",
}


# A plan written in Spanish only ("Código; Nombre; Padre", "Indicador"): its Spanish names
# are the English ones of new rows, said in a warning (the English report shows them as
# written); a stored English name is kept (`_english`).
_SPANISH_ONLY = {"name": "name_es", "indicator": "indicator_es"}


def _table_columns(
    path: Path | str,
    sheet: str | None,
    accepted: Mapping[str, tuple[str, ...]],
    required: tuple[str, ...],
    result: Loaded[PlanContent],
) -> Columns | None:
    table = open_table(path, sheet)
    if isinstance(table, LoadError):
        result.errors.append(table)
        return None
    columns = Columns(table, accepted)
    for name, spanish in _SPANISH_ONLY.items():
        if name in accepted and name not in columns.found and spanish in columns.found:
            columns.found[name] = columns.found[spanish]
            used = columns.found[spanish]
            message = Note(
                f"no English {name} column: the Spanish ones ({used!r}) are used in English "
                "too, where no English name is stored",
                f"no hay columna {name} en inglés: los nombres en español ({used!r}) se usan "
                "también en inglés, donde no hay un nombre en inglés guardado",
            )
            result.warnings.append(LoadError(table.source, None, columns.found[spanish], message))
    if missing := columns.missing(required):
        result.errors.extend(missing)
        return None
    result.warnings.extend([*columns.unread(), *columns.hidden()])
    return columns


def _english(columns: Columns, name: str) -> bool:
    """Whether the `name` column holds English names, not the Spanish ones `_table_columns`
    took in their place."""
    return columns.found.get(name) != columns.found.get(_SPANISH_ONLY[name])


def _rows(columns: Columns) -> list[tuple[int, dict[str, object]]]:
    return list(zip(columns.table.row_numbers, columns.table.records, strict=True))


def _read_sectors(
    path: Path | str, sheet: str, content: PlanContent, result: Loaded[PlanContent]
) -> None:
    columns = _table_columns(path, sheet, SECTOR_COLUMNS, ("name",), result)
    if columns is None:
        return
    errors, source = result.errors, columns.table.source
    parents: list[tuple[int, SectorRecord, str]] = []
    for number, record in _rows(columns):
        name = columns.value(record, "name")
        given = columns.value(record, "code")
        code = given or sector_code_for(name)
        if not name:
            empty = Note("empty sector name", "nombre de sector vacío")
            errors.append(LoadError(source, number, columns.label("name"), empty))
            continue
        if any(normalise(s.code) == normalise(code) for s in content.sectors):
            message = Note(f"duplicate sector code {code!r}", f"código de sector repetido {code!r}")
            errors.append(LoadError(source, number, columns.label("code"), message))
            continue
        name_es = columns.given(record, "name_es")
        if same := same_sector_name(content, name, name_es):
            # 5W rows and indicators name sectors: the first of two was always taken.
            message = Note(
                f"the same sector name as {same!r} (letter case and accents aside): 5W rows "
                "naming it could not tell them apart",
                f"el mismo nombre de sector que {same!r} (sin contar mayúsculas ni tildes): "
                "las filas 5W que lo nombran no podrían distinguirlos",
            )
            errors.append(LoadError(source, number, columns.label("name"), message))
            continue
        sector = SectorRecord(code, name, name_es, code_given=bool(given))
        sector.parent_given, sector.english = "parent" in columns.found, _english(columns, "name")
        content.sectors.append(sector)
        if parent := columns.value(record, "parent"):
            parents.append((number, sector, parent))
    for number, sector, parent in parents:
        found = find_sector(content, parent)
        if found is None:
            message = Note(
                f"unknown parent sector {parent!r}", f"sector padre desconocido {parent!r}"
            )
            errors.append(LoadError(source, number, columns.label("parent"), message))
        else:
            sector.parent_code = found.code
    _two_levels(columns, parents, errors)


def _two_levels(
    columns: Columns, parents: list[tuple[int, SectorRecord, str]], errors: list[LoadError]
) -> None:
    """An error per row of a sector whose parent breaks `level_problem`'s rule."""
    parent_of = {s.code: s.parent_code for _, s, _ in parents if s.parent_code}
    for number, sector, text in parents:
        if message := level_problem(sector.code, sector.parent_code, text, parent_of):
            errors.append(LoadError(columns.table.source, number, columns.label("parent"), message))


def _read_indicators(
    path: Path | str, sheet: str | None, content: PlanContent, result: Loaded[PlanContent]
) -> None:
    columns = _table_columns(
        path, sheet, INDICATOR_COLUMNS, ("code", "indicator", "sector", "type"), result
    )
    if columns is None:
        return
    errors = result.errors
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
            que = "nombre de indicador" if column == "indicator" else "código de indicador"
            message = Note(
                f"the same {what} as row {first} (letter case and accents aside): 5W rows "
                "could not tell them apart",
                f"el mismo {que} que la fila {first} (sin contar mayúsculas ni tildes): las "
                "filas 5W no podrían distinguirlos",
            )
            errors.append(LoadError(columns.table.source, number, columns.label(column), message))
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
            empty = Note("empty cell", "celda vacía")
            errors.append(LoadError(source, number, columns.label(column), empty))
            return None
    indicator_type = _TYPES.get(term_key(raw_type))
    if indicator_type is None:
        message = Note(
            f"unknown indicator type {raw_type!r}{did_you_mean(raw_type, _TYPE_NAMES)}",
            f"tipo de indicador desconocido {raw_type!r}"
            f"{did_you_mean(raw_type, _TYPE_NAMES, 'es')}",
        )
        errors.append(LoadError(source, number, columns.label("type"), message))
        return None
    code_text = columns.value(record, "sector_code")
    sector = find_sector(content, code_text or sector_text)
    named = find_sector(content, sector_text) if code_text else sector
    if sector is not None and sector is not named and (named is not None or sectors_given):
        # Before, the code was followed and the name written beside it lost.
        message = Note(
            f"sector code {code_text!r} is {sector.name!r}, not {sector_text!r}: give the "
            "code and the name of one sector",
            f"el código de sector {code_text!r} es {sector.name!r}, no {sector_text!r}: dé el "
            "código y el nombre de un mismo sector",
        )
        errors.append(LoadError(source, number, columns.label("sector_code"), message))
        return None
    if sector is None and sectors_given:
        hint = closest(sector_text, [s.name for s in content.sectors])
        message = Note(
            f"unknown sector {sector_text!r}" + (f"; did you mean {hint!r}?" if hint else ""),
            f"sector desconocido {sector_text!r}" + (f"; ¿quiso decir {hint!r}?" if hint else ""),
        )
        errors.append(LoadError(source, number, columns.label("sector"), message))
        return None
    if sector is None:
        # A list in Spanish only names its sectors in Spanish too (an English name, new only).
        english = _english(columns, "indicator")
        sector_es = columns.given(record, "sector_es")
        sector = SectorRecord(
            code_text or sector_code_for(sector_text),
            sector_text,
            sector_text if sector_es is None and not english else sector_es,
            code_given=bool(code_text),
            parent_given=False,
            english=english,
        )
        content.sectors.append(sector)
    parented = "parent_sector" in columns.found
    if parented and (problem := _list_parent(columns, record, content, sector, sectors_given)):
        errors.append(LoadError(source, number, columns.label("parent_sector"), problem))
        return None
    return IndicatorRecord(
        code,
        name,
        sector.code,
        indicator_type,
        columns.given(record, "indicator_es"),
        columns.given(record, "unit"),
        _english(columns, "indicator"),
    )


def _list_parent(
    columns: Columns,
    record: dict[str, object],
    content: PlanContent,
    sector: SectorRecord,
    sectors_given: bool,
) -> Note | None:
    """Gives `sector` the parent of an indicator list's parent_sector cell (empty: none), one
    the file has no other row of added as its sectors are; the error, if any. Two levels, one
    parent a sector, as in a sectors sheet (`_two_levels`)."""
    text = columns.value(record, "parent_sector")
    parent = find_sector(content, text)
    if text and parent is None and not sectors_given:
        parent = SectorRecord(sector_code_for(text), text, None, code_given=False)
        content.sectors.insert(content.sectors.index(sector), parent)
    if text and parent is None:
        return Note(f"unknown parent sector {text!r}", f"sector padre desconocido {text!r}")
    if parent is not None and (
        parent is sector
        or parent.parent_code
        or any(s.parent_code == sector.code for s in content.sectors)
    ):
        return Note(
            f"sector {sector.name!r} under {text!r}: a plan has two levels of sectors",
            f"sector {sector.name!r} bajo {text!r}: un plan tiene dos niveles de sectores",
        )
    code = parent.code if parent else ""
    if sector.parent_given and sector.parent_code != code:
        return Note(
            f"sector {sector.name!r} has another parent in an earlier row or the sectors sheet",
            f"el sector {sector.name!r} tiene otro sector padre en una fila anterior o en la "
            "hoja de sectores",
        )
    sector.parent_code, sector.parent_given = code, True
    if parent is not None:  # a parent is a sector (a sectors sheet may give no parents)
        parent.parent_given = True
    return None


def _read_targets(
    path: Path | str,
    sheet: str | None,
    content: PlanContent,
    places: ProportionPlaces,
    result: Loaded[PlanContent],
) -> None:
    """The targets table (`kipu.core.loaders.targets.read_targets`) of the plan's sectors;
    admin1 is also found by its countries' word for it ("Provincia" in Ecuador: read as
    nothing, its targets were stored as whole-country ones)."""
    accepted = targets_columns(places.countries)
    columns = _table_columns(path, sheet, accepted, ("sector",), result)
    if columns is not None:
        found = read_targets(columns, lambda text: find_sector(content, text), places)
        content.targets.extend(found.records)
        result.errors.extend(found.errors)
        result.warnings.extend(found.warnings)


def _read_proportions(
    path: Path | str,
    sheet: str,
    content: PlanContent,
    places: ProportionPlaces,
    result: Loaded[PlanContent],
) -> None:
    columns = _table_columns(path, sheet, PROPORTION_COLUMNS, REQUIRED, result)
    if columns is None:
        return

    def sector_code(text: str) -> str | None:
        found = find_sector(content, text)
        return found.code if found else None

    read = read_proportions(columns, sector_code, places)
    content.proportions.extend(read.records)
    result.errors.extend(read.errors)
    result.warnings.extend(read.warnings)
