"""The units a locations file lists, by its layout (`kipu.core.loaders.locations` gives the
rules): OCHA COD-AB "wide" tables (ADM1_PCODE, ADM1_ES, ADM2_PCODE, …; R4V's admin1 lists
too) and "long" tables (pcode, name, level, parent_pcode). Each unit once, as its first row
gives it; a P-code named two ways is an error."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kipu.core.loaders import Columns, LoadError
from kipu.core.read import Table
from kipu.core.text import compact

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
    """The units of a COD-AB table, each once (a P-code named two ways is an error)."""
    units: dict[str, UnitRow] = {}
    country_label = country_column(table)
    if (deeper := _levels_left_out(table.header)) is not None:
        # Before, ADM4 columns, or ADM3 without ADM2, were left out without a word.
        column, below_a_gap = deeper
        if below_a_gap:  # its units cannot be placed
            errors.append(LoadError(table.source, None, column, _LEVELS_KEPT))
            return []
        warnings.append(LoadError(table.source, None, column, _DEEPER_LEFT_OUT))
    for level in (1, 2, 3):
        pcode_label, name_labels = (
            _pcode_column(table.header, level),
            _name_columns(table.header, level),
        )
        if pcode_label is None:
            break
        if not name_labels:
            errors.append(LoadError(table.source, None, None, f"no name column for {pcode_label}"))
            return []
        parent_label = _pcode_column(table.header, level - 1) if level > 1 else None
        for number, record in zip(table.row_numbers, table.records, strict=True):
            pcode, parent = cell(record, pcode_label), cell(record, parent_label)
            names = {label: cell(record, label) for label in name_labels}
            name = next((x for x in names.values() if x), "")
            others = {label: x for label, x in names.items() if x and x != name}
            if not pcode and (level > 1 or not name):
                continue  # a row of a higher level (no unit of this level), or blank
            key = pcode or f"?{number}"  # admin1 without a P-code: a country-level row?
            known = units.get(key)
            if known and (known.name, known.parent) != (name, parent):
                errors.append(
                    LoadError(
                        table.source,
                        number,
                        pcode_label,
                        f"{pcode} is {name!r} in {parent or 'the country'} here but "
                        f"{known.name!r} in {known.parent or 'the country'} on row "
                        f"{known.number}",
                    )
                )
            elif known and (clash := _other_names_clash(known, others)):
                label, was = clash
                errors.append(
                    LoadError(
                        table.source,
                        number,
                        label,
                        f"{pcode} is also {others[label]!r} here but {was!r} on row {known.number}",
                    )
                )
            elif known:
                known.others.update({k: v for k, v in others.items() if k not in known.others})
            else:
                country = cell(record, country_label)
                units[key] = UnitRow(
                    number, level, pcode, name, parent, country, [], pcode_label, others
                )
    return list(units.values())


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
    for number, record in zip(table.row_numbers, table.records, strict=True):
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
