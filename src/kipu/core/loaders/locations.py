"""Locations file for countries other than the bundled Peru gazetteer.

Two layouts are accepted:
- OCHA COD-AB "wide": ADM1_PCODE, ADM1_EN (or _ES/_PT/_FR), ADM2_PCODE, ADM2_EN, … one row per
  lowest unit, parents repeated on each row;
- "long": pcode, name, level, parent_pcode (parent_pcode empty for admin1).
A country row (level 0) and the national pseudo admin1 (ISO2 + "00") are added.
"""

from __future__ import annotations

from pathlib import Path

from kipu.core.gazetteer import Location
from kipu.core.loaders import Columns, Loaded, LoadError, open_table
from kipu.core.read import Table
from kipu.core.text import compact

NAME_SUFFIXES = ("EN", "ES", "PT", "FR", "REF", "NAME")


def load_locations(path: Path | str, country: str, vintage: str = "") -> Loaded[Location]:
    """The units of one country (ISO3); its ISO2 prefix is read from the P-codes."""
    result: Loaded[Location] = Loaded()
    table = open_table(path)
    if isinstance(table, LoadError):
        result.errors.append(table)
        return result
    keys = {compact(h) for h in table.header}
    if "adm1pcode" in keys:
        units = _wide(table, result.errors)
    elif {"pcode", "name", "level"} <= keys:
        units = _long(table, result.errors)
    else:
        result.errors.append(
            LoadError(
                table.source,
                None,
                None,
                "expected COD-AB columns (ADM1_PCODE, ADM1_EN, …) or "
                "pcode, name, level, parent_pcode",
            )
        )
        return result
    if result.errors:
        return result
    prefixes = sorted({pcode[:2].upper() for pcode in units})
    if len(prefixes) != 1:
        result.errors.append(
            LoadError(
                table.source,
                None,
                None,
                f"P-codes of one country must share their first two letters "
                f"(ISO2); found {', '.join(prefixes) or 'none'}",
            )
        )
        return result
    result.records = _with_country(units, country.upper(), prefixes[0], vintage)
    return result


def _name_column(header: list[str], level: int) -> str | None:
    by_key = {compact(h): h for h in header}
    for suffix in NAME_SUFFIXES:
        if (label := by_key.get(f"adm{level}{suffix.lower()}")) is not None:
            return label
    return None


def _wide(table: Table, errors: list[LoadError]) -> dict[str, tuple[int, str, str, int]]:
    """pcode → (level, name, parent pcode, first row) from a COD-AB table."""
    by_key = {compact(h): h for h in table.header}
    units: dict[str, tuple[int, str, str, int]] = {}
    for level in (1, 2, 3):
        pcode_label, name_label = by_key.get(f"adm{level}pcode"), _name_column(table.header, level)
        if pcode_label is None:
            break
        if name_label is None:
            errors.append(
                LoadError(table.source, None, None, f"no name column for ADM{level}_PCODE")
            )
            return units
        parent_label = by_key.get(f"adm{level - 1}pcode") if level > 1 else None
        for number, record in zip(table.row_numbers, table.records, strict=True):
            pcode, name = str(record[pcode_label]).strip(), str(record[name_label]).strip()
            parent = str(record[parent_label]).strip() if parent_label else ""
            if not pcode:
                continue
            known = units.get(pcode)
            if known and (known[1], known[2]) != (name, parent):
                errors.append(
                    LoadError(
                        table.source,
                        number,
                        pcode_label,
                        f"{pcode} is {name!r} in {parent or 'the country'} here but "
                        f"{known[1]!r} in {known[2] or 'the country'} on row {known[3]}",
                    )
                )
            elif not known:
                units[pcode] = (level, name, parent, number)
    return units


def _long(table: Table, errors: list[LoadError]) -> dict[str, tuple[int, str, str, int]]:
    columns = Columns(table, {"pcode": (), "name": (), "level": (), "parent_pcode": ("parent",)})
    units: dict[str, tuple[int, str, str, int]] = {}
    for number, record in zip(table.row_numbers, table.records, strict=True):
        pcode, level_text = columns.value(record, "pcode"), columns.value(record, "level")
        if pcode in units:
            errors.append(
                LoadError(
                    table.source,
                    number,
                    columns.label("pcode"),
                    f"duplicate code {pcode!r} (first on row {units[pcode][3]})",
                )
            )
            continue
        if level_text not in ("1", "2", "3"):
            errors.append(
                LoadError(table.source, number, columns.label("level"), "level must be 1, 2 or 3")
            )
            continue
        units[pcode] = (
            int(level_text),
            columns.value(record, "name"),
            columns.value(record, "parent_pcode"),
            number,
        )
    for pcode, (level, _, parent, number) in units.items():
        expected = units.get(parent, (0,))[0] if parent else 0
        if level > 1 and (parent not in units or expected != level - 1):
            errors.append(
                LoadError(
                    table.source,
                    number,
                    columns.label("parent_pcode"),
                    f"unknown parent code {parent!r} for {pcode}",
                )
            )
    return units


def _with_country(
    units: dict[str, tuple[int, str, str, int]], country: str, iso2: str, vintage: str
) -> list[Location]:
    from babel import Locale

    root = iso2.upper()
    name = Locale("en").territories.get(root, country)
    locations = [
        Location(root, 0, country, name, country, iso=root, vintage=vintage),
        Location(
            f"{root}00",
            1,
            "00",
            "Country level",
            country,
            root,
            vintage=vintage,
            national=True,
            aliases=("National", "Nacional", "Country level"),
        ),
    ]
    for pcode, (level, unit_name, parent, _) in sorted(units.items()):
        locations.append(
            Location(
                pcode,
                level,
                pcode[len(root) :],
                unit_name,
                country,
                parent or root,
                vintage=vintage,
            )
        )
    return locations
