"""The units a locations file lists, by its layout (`kipu.core.loaders.locations` gives the
rules): OCHA COD-AB "wide" tables (ADM1_PCODE, ADM1_ES, ADM2_PCODE, …; R4V's admin1 lists
too) and "long" tables (pcode, name, level, parent_pcode). Each unit once, as its first row
gives it; a P-code named two ways is an error."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kipu.core.loaders import Columns, LoadError
from kipu.core.read import Table
from kipu.core.read.values import TOTAL_ROWS
from kipu.core.text import compact, normalise

# Name columns of a level, the unit's name taken from the first non-empty: local languages
# first (before, English was, and a Colombian gazetteer gave "Narino" for Nariño).
NAME_SUFFIXES = ("ES", "PT", "FR", "EN", "NAME", "", "REF")
_NAME_KEY = re.compile(r"(?:adm|admin)([0-9])(alt[0-9]*)?(es|pt|fr|en|name|ref)?")
COUNTRY_COLUMNS = (
    "country",
    "country name",
    "pais",
    "adm0_en",
    "adm0_es",
    "adm0_pt",
    "adm0_name",
    "admin0",
    "admin0 name",
    "country iso3",
    "iso3",
    "adm0_pcode",
    "country code",
)


@dataclass
class UnitRow:
    """One unit as the file gives it (first row that names it)."""

    number: int
    level: int
    pcode: str
    name: str
    parent: str
    country: str = ""  # the country cell, "" without a country column
    aliases: list[str] = field(default_factory=list)
    column: str | None = None  # the P-code column, for problems with the row
    others: dict[str, str] = field(default_factory=dict)  # other name columns: label -> name


def read_units(table: Table, errors: list[LoadError], warnings: list[LoadError]) -> list[UnitRow]:
    keys = {compact(h) for h in table.header}
    if _pcode_column(table.header, 1) is not None:
        return _wide(table, errors, warnings)
    if {"pcode", "name", "level"} <= keys:
        return _long(table, errors)
    errors.append(
        LoadError(
            table.source,
            None,
            None,
            "expected COD-AB columns (ADM1_PCODE, ADM1_EN, …), an admin1 list (Country, "
            "Admin1 Name, Admin1 P-code) or pcode, name, level, parent_pcode",
        )
    )
    return []


def country_column(table: Table) -> str | None:
    by_key = {compact(h): h for h in table.header if h}
    return next((by_key[k] for k in map(compact, COUNTRY_COLUMNS) if k in by_key), None)


def _pcode_column(header: list[str], level: int) -> str | None:
    by_key = {compact(h): h for h in header if h}
    keys = (f"adm{level}pcode", f"admin{level}pcode")
    return next((by_key[k] for k in keys if k in by_key), None)


def _name_columns(header: list[str], level: int) -> list[str]:
    """The level's name columns, the preferred first (`NAME_SUFFIXES`, then ALT columns)."""
    ranked = []
    for label in header:
        found = _NAME_KEY.fullmatch(compact(label)) if label else None
        if found is None or int(found[1]) != level:
            continue
        alternative, suffix = found[2], (found[3] or "").upper()
        ranked.append((len(NAME_SUFFIXES) if alternative else NAME_SUFFIXES.index(suffix), label))
    return [label for _, label in sorted(ranked, key=lambda x: x[0])]


_LEVELS_KEPT = "a level below one the file lacks: give the missing level's P-code column"
_DEEPER_LEFT_OUT = "Kipu keeps admin levels 1 to 3: this level and deeper ones are not loaded"


def _levels_left_out(header: list[str]) -> tuple[str, bool] | None:
    """The first P-code column of a level the wide layout does not read, and whether it lies
    below a level the file lacks (ADM3 without ADM2) rather than beyond level 3."""
    levels = {n: label for n in range(1, 10) if (label := _pcode_column(header, n))}
    read = 0
    while read + 1 in levels and read < 3:
        read += 1
    left = sorted(n for n in levels if n > read)
    return (levels[left[0]], read < 3) if left else None


def _wide(table: Table, errors: list[LoadError], warnings: list[LoadError]) -> list[UnitRow]:
    """The units of a COD-AB table, each once (a P-code named two ways is an error). A row
    giving no unit at any level, a totals row among them, is an error: such rows were left
    out without a word."""
    units: dict[str, UnitRow] = {}
    if (deeper := _levels_left_out(table.header)) is not None:
        # Before, ADM4 columns, or ADM3 without ADM2, were left out without a word.
        column, below_a_gap = deeper
        if below_a_gap:  # its units cannot be placed
            errors.append(LoadError(table.source, None, column, _LEVELS_KEPT))
            return []
        warnings.append(LoadError(table.source, None, column, _DEEPER_LEFT_OUT))
    totals = totals_rows(table, errors)
    seen = set(totals)
    for level in (1, 2, 3):
        if _pcode_column(table.header, level) is None:
            break
        if (found := _wide_level(table, level, units, errors, totals)) is None:
            return []
        seen |= found
    _without_unit(table, seen, errors)
    return list(units.values())


def _wide_level(
    table: Table, level: int, units: dict[str, UnitRow], errors: list[LoadError], skip: set[int]
) -> set[int] | None:
    """Add the units of `level` to `units`; the rows that gave one (None: no name column)."""
    pcode_label = _pcode_column(table.header, level)
    name_labels = _name_columns(table.header, level)
    if not name_labels:
        errors.append(LoadError(table.source, None, None, f"no name column for {pcode_label}"))
        return None
    parent_label = _pcode_column(table.header, level - 1) if level > 1 else None
    country_label = country_column(table)
    given = set()
    for number, record in zip(table.row_numbers, table.records, strict=True):
        pcode, parent = cell(record, pcode_label), cell(record, parent_label)
        names = {label: cell(record, label) for label in name_labels}
        name = next((x for x in names.values() if x), "")
        others = {label: x for label, x in names.items() if x and x != name}
        if number in skip or not (pcode or name):
            continue  # a totals row (said), or a row of a higher level (no unit of this level)
        given.add(number)
        # A unit without a P-code: a country-level row, or an error (`_country_units`); it was
        # left out without a word below admin1.
        key = pcode or f"?{level}:{number}"
        known = units.get(key)
        problem = _named_otherwise(known, pcode, name, parent, others) if known else None
        if problem is not None:
            label, message = problem
            errors.append(LoadError(table.source, number, label or pcode_label, message))
        elif known:
            known.others.update({k: v for k, v in others.items() if k not in known.others})
        else:
            country = cell(record, country_label)
            units[key] = UnitRow(
                number, level, pcode, name, parent, country, [], pcode_label, others
            )
    return given


def _named_otherwise(
    known: UnitRow, pcode: str, name: str, parent: str, others: dict[str, str]
) -> tuple[str | None, str] | None:
    """(column, message) when a row names the unit `known` otherwise than its first row."""
    if (known.name, known.parent) != (name, parent):
        return None, (
            f"{pcode} is {name!r} in {parent or 'the country'} here but {known.name!r} in "
            f"{known.parent or 'the country'} on row {known.number}"
        )
    if clash := _other_names_clash(known, others):
        label, was = clash
        return label, f"{pcode} is also {others[label]!r} here but {was!r} on row {known.number}"
    return None


def totals_rows(table: Table, errors: list[LoadError]) -> set[int]:
    """The rows of a spreadsheet's totals ("Total", "Grand total" in a cell): an error each,
    as a plan's totals row is (they were left out without a word)."""
    found = set()
    for number, record in zip(table.row_numbers, table.records, strict=True):
        label = next((v for v in record.values() if normalise(v) in TOTAL_ROWS), None)
        if label is not None:
            found.add(number)
            errors.append(
                LoadError(
                    table.source,
                    number,
                    None,
                    f"{str(label).strip()!r}: a totals row, not a unit; remove it (a locations "
                    "file lists units only)",
                )
            )
    return found


def _without_unit(table: Table, given: set[int], errors: list[LoadError]) -> None:
    """An error for each row that says something but gives no unit at any level."""
    for number, record in zip(table.row_numbers, table.records, strict=True):
        written = [str(v).strip() for v in record.values() if v is not None and str(v).strip()]
        if number not in given and written:
            errors.append(
                LoadError(
                    table.source,
                    number,
                    None,
                    f"no unit: the row gives no P-code or name of any level ({', '.join(written)})",
                )
            )


def _other_names_clash(known: UnitRow, others: dict[str, str]) -> tuple[str, str] | None:
    """The first name column that names the unit otherwise than on its first row, and the name
    there (an empty cell names nothing: it does not clash)."""
    for label, name in others.items():
        was = known.others.get(label)
        if was and was != name:
            return label, was
    return None


def cell(record: dict[str, object], label: str | None) -> str:
    return str(record.get(label, "") or "").strip() if label else ""


def _long(table: Table, errors: list[LoadError]) -> list[UnitRow]:
    columns = Columns(table, {"pcode": (), "name": (), "level": (), "parent_pcode": ("parent",)})
    if columns.twice:
        errors.extend(columns.twice)
        return []
    country_label = country_column(table)
    units: dict[str, UnitRow] = {}
    totals = totals_rows(table, errors)
    for number, record in zip(table.row_numbers, table.records, strict=True):
        if number in totals:
            continue
        pcode, level_text = columns.value(record, "pcode"), columns.value(record, "level")
        if pcode in units:
            errors.append(
                LoadError(
                    table.source,
                    number,
                    columns.label("pcode"),
                    f"duplicate code {pcode!r} (first on row {units[pcode].number})",
                )
            )
            continue
        if level_text not in ("1", "2", "3"):
            errors.append(
                LoadError(table.source, number, columns.label("level"), "level must be 1, 2 or 3")
            )
            continue
        units[pcode] = UnitRow(
            number,
            int(level_text),
            pcode,
            columns.value(record, "name"),
            columns.value(record, "parent_pcode"),
            cell(record, country_label),
            column=columns.label("pcode"),
        )
    for row in units.values():
        parent = units.get(row.parent)
        if row.level > 1 and (parent is None or parent.level != row.level - 1):
            errors.append(
                LoadError(
                    table.source,
                    row.number,
                    columns.label("parent_pcode"),
                    f"unknown parent code {row.parent!r} for {row.pcode}",
                )
            )
    return list(units.values())
