"""Locations files: the administrative units of countries other than the bundled Peru.

Layouts (header names accent-, case- and separator-insensitive):
- OCHA COD-AB "wide": ADM1_PCODE, ADM1_ES (or _PT/_FR/_EN/_NAME/_REF), ADM2_PCODE, ADM2_ES, …
  one row per lowest unit, parents repeated on each row. `ADMIN1` is read like `ADM1`, so R4V's
  admin1 lists (Country, Admin1 Name, Admin1 P-code) are wide tables of one level;
- "long": pcode, name, level, parent_pcode (parent_pcode empty for admin1).

Rules (docs/reference-data.md, "Locations"):
- Countries: a country column (Country, País, ADM0_EN, ADM0_PCODE, ISO3, …; any name, Spanish
  or Portuguese too, or ISO code: `kipu.core.gazetteer.find_country`) lets one file hold
  several countries; `country` (ISO3) then picks one and the rows of the others are left out,
  with a warning. Without a country column, `country` says whose units they are.
- Every country gets its level-0 unit (P-code = ISO2) and its national pseudo admin1 (ISO2 +
  "00", flag `national`), both with the country's names as aliases. A file never replaces them.
- Country-level rows: an admin1 row whose P-code is the country's prefix with nothing or only
  zeros after it (BO00, AW), whose name is R4V's word for it (Country level, Nacional, …), or
  which names the country itself and is the country's only admin1 row (R4V's list of a country
  without admin1 units: "Aruba") is the national pseudo-unit: its name and code become aliases
  of it. A province named like its country in a full list (Panamá, México) stays a province.
- P-code prefixes: a country's units start with its ISO2 code or one of its other known
  prefixes (`kipu.core.gazetteer.PCODE_PREFIXES`: Chile's CH in R4V's files). They are stored
  under the ISO2 prefix (CH01 → CL01), the code as written becoming an alias.
- Several name columns of a level (ADM1_EN and ADM1_ES, ADM2_REF, ADM2ALT1ES, …): the unit's
  name is the first non-empty one of `NAME_SUFFIXES`' order (Spanish, Portuguese, French,
  English, then the file's own NAME/unsuffixed column, then REF and ALT): R4V's countries name
  their units in Spanish or Portuguese, and a COD-AB's `_EN` column is often their ASCII
  form. Every other distinct name (accents, case and spacing aside) becomes an alias of the
  unit, said in a warning, so 5W rows writing it find the unit; one that names another unit
  of the same country and level (its name, code or alternative name) is not kept (two units
  sharing one keep it neither), with a warning naming both: it would answer one of them.
- Every row is a unit or an error at the row: a unit named without its P-code (at any level),
  a totals row, a row naming no unit (`location_rows`); a P-code with fewer digits than its
  siblings' (`short_codes`: EC3 beside EC01, EC04), suggesting the padded code; so is each of
  several (CO5, CO8 beside CO11, CO91: a spreadsheet drops the zero of every code below 10).
- Stored units (`stored_clashes`, checked when storing): a new unit whose P-code is a stored
  one's but for the leading zeros of its digits (EC1 for EC01: a spreadsheet read 01 as a
  number), or that repeats the name of a stored unit of its parent and level which the file
  does not list, is the stored unit under another code: the file is refused, naming the row,
  both codes and the name. Each unit carries its row (`FileUnit`) for that message.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from kipu.core.gazetteer import (
    NATIONAL_NAMES,
    Country,
    Location,
    countries,
    find_country,
    with_country_names,
)
from kipu.core.loaders import Loaded, LoadError, open_table
from kipu.core.loaders.location_names import alternative_names
from kipu.core.loaders.location_rows import UnitRow, country_column, read_units
from kipu.core.read import Table
from kipu.core.text import closest, normalise

_NATIONAL_KEYS = frozenset(normalise(n) for n in NATIONAL_NAMES)
_DIGITS = re.compile(r"([A-Z]+)([0-9]+)")


@dataclass(frozen=True, eq=False)
class FileUnit(Location):
    """A unit as a locations file gives it, with its row: a problem found only when storing it
    (against the stored units: `stored_clashes`) names the row, as the loader's errors do."""

    row: int | None = field(default=None, compare=False)


def load_locations(path: Path | str, country: str | None, vintage: str = "") -> Loaded[Location]:
    """The units of the file's countries, or of `country` (ISO3) only; see the module rules."""
    result: Loaded[Location] = Loaded()
    table = open_table(path)
    if isinstance(table, LoadError):
        result.errors.append(table)
        return result
    chosen = None
    if country:
        chosen = countries().get(country.upper())
        if chosen is None:
            return _fail(result, table, f"unknown country code {country!r} (ISO3, e.g. BOL)")
    rows = read_units(table, result.errors, result.warnings)
    if result.errors:
        return result
    label = country_column(table)
    groups = _by_country(rows, chosen, table, label, result)
    for place, its_rows in groups.items():
        result.records.extend(
            _country_units(place, its_rows, vintage, table, result.errors, result.warnings)
        )
    for unit, text in short_codes(result.records, result.records):
        row = unit.row if isinstance(unit, FileUnit) else None
        result.errors.append(LoadError(table.source, row, None, text))
    if result.errors:
        result.records = []
    result.warnings += _same_names(result.records, table)
    return result


def _fail(result: Loaded[Location], table: Table, message: str) -> Loaded[Location]:
    result.errors.append(LoadError(table.source, None, None, message))
    return result


def _by_country(
    rows: list[UnitRow],
    chosen: Country | None,
    table: Table,
    label: str | None,
    result: Loaded[Location],
) -> dict[Country, list[UnitRow]]:
    """The rows of each country; with `chosen`, of that country only (the others counted in a
    warning). A country cell that names no country is an error."""
    if label is None and chosen is None:
        _fail(result, table, "no country column: say which country the units belong to (ISO3)")
        return {}
    groups: dict[Country, list[UnitRow]] = {}
    left_out: Counter[str] = Counter()
    for row in rows:
        place = _country_of(row.country, chosen)
        if place is None:
            hint = closest(row.country, [c.name for c in countries().values()])
            message = f"unknown country {row.country!r}" + (
                f"; did you mean {hint!r}?" if hint else ""
            )
            result.errors.append(LoadError(table.source, row.number, label, message))
        elif chosen is not None and place != chosen:
            left_out[place.name] += 1
        else:
            groups.setdefault(place, []).append(row)
    if left_out and chosen is not None:
        counts = ", ".join(f"{name} ({n})" for name, n in sorted(left_out.items()))
        message = f"rows of other countries left out (only {chosen.name} was asked for): {counts}"
        result.warnings.append(LoadError(table.source, None, label, message))
    if chosen is not None and not groups and not result.errors:
        _fail(result, table, f"no rows of {chosen.name} ({chosen.iso3}) in the file")
    return groups


def _country_of(text: str, chosen: Country | None) -> Country | None:
    """The country a row's country cell names; an empty cell (or no column) is `chosen`'s.
    For `chosen`, its P-code prefixes name it too (a Chilean file may write CH)."""
    if chosen is not None and (
        not text or chosen.named_by(text) or text.upper() in chosen.prefixes
    ):
        return chosen
    return find_country(text) if text else None


def _country_units(
    country: Country,
    rows: list[UnitRow],
    vintage: str,
    table: Table,
    errors: list[LoadError],
    warnings: list[LoadError],
) -> list[Location]:
    """The country unit, its national pseudo-unit and the rows' units, P-codes canonical."""
    root, national = country.iso2, f"{country.iso2}00"
    national_aliases: list[str] = []
    renamed: dict[str, str] = {}  # P-code as written -> as stored
    units: dict[str, UnitRow] = {}
    pcodes = {id(row): _canonical(row.pcode, country) if row.pcode else "" for row in rows}
    only = _only_admin1(rows, pcodes, country)
    for row in rows:
        pcode = pcodes[id(row)]
        if pcode is None:
            errors.append(_prefix_error(table, row, country))
        elif row.level == 1 and (_is_national(row, pcode, country) or row is only):
            national_aliases += [x for x in (row.name, row.pcode) if x]
            renamed.update({row.pcode: national} if row.pcode else {})
            if pcode and row is not only and pcode[len(root) :].strip("0"):
                warnings.append(_national_by_name(table, row, national))
        elif not pcode:
            message = f"{row.name!r}: no P-code"
            errors.append(LoadError(table.source, row.number, row.column, message))
        elif problem := _incomplete(row, pcode):
            # Before, a unit without a name was stored nameless, and one without a parent
            # under the country itself, where no 5W row can place it.
            errors.append(LoadError(table.source, row.number, row.column, problem))
        else:
            renamed[row.pcode] = pcode
            row.aliases += [row.pcode] if pcode != row.pcode else []
            _merge(units, pcode, row, table, errors)
    locations = _country_and_national(country, vintage, national_aliases)
    other_names = alternative_names(country, units, table, warnings)
    for pcode, row in sorted(units.items()):
        parent = root
        if row.level > 1:
            parent = renamed.get(row.parent) or _canonical(row.parent, country) or root
        aliases = tuple(dict.fromkeys(row.aliases + other_names.get(pcode, [])))
        locations.append(
            FileUnit(
                pcode,
                row.level,
                pcode[len(root) :],
                row.name,
                country.iso3,
                parent,
                vintage=vintage,
                aliases=aliases,
                row=row.number,
            )
        )
    return with_country_names(locations)


def _incomplete(row: UnitRow, pcode: str) -> str | None:
    """What a unit lacks to be placed and named: its name (one of invisible characters only,
    a zero-width space or a soft hyphen, is none), or (below admin1) its parent."""
    if not any(unicodedata.category(c)[0] not in "CZ" for c in row.name):
        return f"{pcode}: no name"
    if row.level > 1 and not row.parent:
        return f"{pcode}: no admin{row.level - 1} P-code (the unit it belongs to)"
    return None


def _same_names(locations: list[Location], table: Table) -> list[LoadError]:
    """A warning per unit named as another of the same parent (case, accents and spacing
    aside): 5W rows naming it are placed in the first (official lists hold a few such
    districts; Peru's two Huaribamba of Tayacaja)."""
    first: dict[tuple[str, int, str], Location] = {}
    found = []
    for unit in locations:
        key = (unit.parent_pcode, unit.level, normalise(unit.name))
        if key in first:
            other = first[key]
            found.append(
                LoadError(
                    table.source,
                    None,
                    None,
                    f"{unit.pcode} {unit.name!r} is named as {other.pcode} {other.name!r}, in "
                    f"the same {unit.parent_pcode}: a 5W row naming it goes to {other.pcode}; "
                    "write its P-code there",
                )
            )
        else:
            first[key] = unit
    return found


def stored_clashes(units: Iterable[Location], stored: Iterable[Location]) -> list[str]:
    """Why new units of a file (a P-code not stored) are stored units under another code, one
    sentence each: a P-code equal to a stored one of the country and level once the leading
    zeros of its digits are aside (EC1 for EC01, PE1501 for PE01501: a spreadsheet turned 01
    into 1, or a file built its codes another way), or a name (accents, case and spacing
    aside) of a stored unit of the same parent and level that the file does not list. Before,
    either was added beside the stored unit: "Azuay" then found only one of the two. A file
    listing the stored unit too gives both on purpose (Peru's two Huaribamba of Tayacaja):
    the loader's own warning says it."""
    units, stored = list(units), list(stored)
    listed, known = {u.pcode for u in units}, {u.pcode for u in stored}
    by_digits: dict[tuple[str, int, str, str], Location] = {}
    by_name: dict[tuple[str, int, str, str], Location] = {}
    for unit in stored:
        if unit.level and not unit.national:
            if (digits := _digits_key(unit)) is not None:
                by_digits.setdefault(digits, unit)
            if unit.pcode not in listed:
                by_name.setdefault(_name_key(unit), unit)
    found = []
    for unit in units:
        if unit.pcode in known or not unit.level or unit.national:
            continue
        where = f"row {unit.row}: " if isinstance(unit, FileUnit) and unit.row else ""
        digits = _digits_key(unit)
        if (same := by_digits.get(digits) if digits else None) is not None:
            found.append(
                f"{where}{unit.pcode} {unit.name!r} is the stored {same.pcode} {same.name!r} "
                f"without the leading zeros of its code: write {same.pcode}"
            )
        elif (same := by_name.get(_name_key(unit))) is not None:
            found.append(
                f"{where}{unit.pcode} {unit.name!r} would be a second {same.name!r} in "
                f"{unit.parent_pcode}, beside the stored {same.pcode} {same.name!r}: write "
                f"{same.pcode} if it is that unit, or list {same.pcode} in the file too if "
                "both exist"
            )
    return found


def short_codes(
    units: Iterable[Location], siblings: Iterable[Location]
) -> list[tuple[Location, str]]:
    """Each unit of `units` whose P-code has fewer digits than those of its `siblings` (the
    units of its country, level and parent: all of one width), with a sentence suggesting the
    code padded with zeros. EC3 beside EC01 and EC04 was stored silently, and a 5W row writing
    EC03 did not find it: a hand-typed code, or a spreadsheet that read 03 as a number.

    A spreadsheet drops the zero of every code below 10 (CO5, CO8 beside CO11, CO91; EC2, EC3
    beside EC01): siblings of several widths are read so too, every shorter code an error, when
    each shorter one is its parent's code and digits without a leading zero whose padding to
    the longest codes' length is no sibling's (`_dropped_zeros`). Otherwise (EC01, EC02 beside
    EC117: a code longer than the others is not a dropped zero) nothing is said."""
    by_parent: dict[tuple[str, int, str], set[str]] = {}
    for unit in siblings:
        if unit.level and not unit.national:
            by_parent.setdefault((unit.country, unit.level, unit.parent_pcode), set()).add(
                unit.pcode
            )
    found = []
    for unit in units:
        written = _DIGITS.fullmatch(unit.pcode)
        others = by_parent.get((unit.country, unit.level, unit.parent_pcode), set()) - {unit.pcode}
        widths = {len(m[2]) for code in others if (m := _DIGITS.fullmatch(code))}
        if written is None or unit.national or not widths:
            continue
        if len(widths) > 1:
            longest = _dropped_zeros(unit, others)
            if longest is None:
                continue
            others = longest
            widths = {len(m[2]) for code in others if (m := _DIGITS.fullmatch(code))}
        width = widths.pop()
        if width > len(written[2]):
            shown = ", ".join(sorted(others)[:3]) + (", …" if len(others) > 3 else "")
            found.append(
                (
                    unit,
                    f"{unit.pcode} {unit.name!r} has {len(written[2])} digit(s) where the other "
                    f"units of {unit.parent_pcode} at its level have {width} ({shown}): "
                    f"{_fix(unit, others)} (a spreadsheet drops the leading zeros of a number)",
                )
            )
    return found


def _dropped_zeros(unit: Location, others: set[str]) -> set[str] | None:
    """The longest codes of `unit`'s siblings (`others`, of several widths) when the unit's and
    every other shorter code are the longest ones' with leading zeros dropped: each starts with
    its parent's P-code, then digits not starting with 0, and padded with zeros after the
    parent's code to the longest codes' length is no sibling's (CO5, CO8 beside CO11, CO91: a
    spreadsheet's numbers). None otherwise: EC01 beside EC117 has its zero, widths that differ
    on purpose."""
    parent, codes = unit.parent_pcode, others | {unit.pcode}
    if not all(_DIGITS.fullmatch(code) and code.startswith(parent) for code in codes):
        return None
    length = max(len(code) for code in codes)
    for code in codes:
        rest = code[len(parent) :]
        if len(code) < length and (
            not rest.isdigit()
            or rest.startswith("0")
            or parent + rest.zfill(length - len(parent)) in codes
        ):
            return None
    if len(unit.pcode) == length:
        return None
    return {code for code in others if len(code) == length}


def _fix(unit: Location, others: set[str]) -> str:
    """What `short_codes` asks for: the code padded with zeros after its parent's P-code, to
    its siblings' length (EC041 under EC04 beside EC0402: EC0401), the only padding that keeps
    it under its parent; without a sound one (a code not starting with its parent's, a padded
    code that is a sibling's), to check it. The digits padded whole made EC0041, which is
    no unit of EC04."""
    parent, lengths = unit.parent_pcode, {len(code) for code in others}
    if len(lengths) != 1 or not all(code.startswith(parent) for code in others):
        return "check its code"
    width = lengths.pop() - len(parent)
    rest = unit.pcode.removeprefix(parent)
    if not unit.pcode.startswith(parent) or not rest.isdigit():  # EC051, or EC04 itself
        return f"check its code, which should be {parent} followed by {width} digits"
    padded = parent + rest.zfill(width)
    if padded in others:
        return f"{padded} is another unit's code: check which code this unit has"
    return f"write {padded}"


def _digits_key(unit: Location) -> tuple[str, int, str, str] | None:
    """Country, level, letters and digits without leading zeros of a P-code (EC, 1 for EC01);
    None for a code not made of letters then digits."""
    found = _DIGITS.fullmatch(unit.pcode)
    return (unit.country, unit.level, found[1], found[2].lstrip("0")) if found else None


def _name_key(unit: Location) -> tuple[str, int, str, str]:
    return (unit.country, unit.level, unit.parent_pcode, normalise(unit.name))


def _country_and_national(country: Country, vintage: str, aliases: list[str]) -> list[Location]:
    """The country's level-0 unit (P-code ISO2, code ISO3) and national pseudo-unit (ISO2 +
    "00"), the latter with `aliases` (the file's country-level rows)."""
    root = country.iso2
    return [
        Location(root, 0, country.iso3, country.name, country.iso3, iso=root, vintage=vintage),
        Location(
            f"{root}00",
            1,
            "00",
            "Country level",
            country.iso3,
            root,
            vintage=vintage,
            national=True,
            aliases=tuple(dict.fromkeys(aliases)),
        ),
    ]


def _canonical(pcode: str, country: Country) -> str | None:
    """`pcode` under the country's ISO2 prefix, or None when it has none of its prefixes."""
    for prefix in country.prefixes:
        if pcode.upper().startswith(prefix):
            return country.iso2 + pcode[len(prefix) :]
    return None


def _national_by_name(table: Table, row: UnitRow, national: str) -> LoadError:
    """A row read as the country level by its name alone, though its P-code is an ordinary
    unit's ("National", EC02): said, for a 5W row writing EC02 goes to the country level."""
    message = (
        f"{row.pcode} {row.name!r} is read as the country level ({national}) by its name: "
        f"5W rows writing {row.pcode} go to the country level, and units under it to "
        f"{national}; if it is a unit of its own, give it its official name"
    )
    return LoadError(table.source, row.number, row.column, message)


def _is_national(row: UnitRow, pcode: str, country: Country) -> bool:
    """Whether an admin1 row is country level by its code (BO00, AW) or name (Nacional, …);
    a row naming the country without a P-code too."""
    if pcode and not pcode[len(country.iso2) :].strip("0"):
        return True
    return normalise(row.name) in _NATIONAL_KEYS or (not pcode and country.named_by(row.name))


def _only_admin1(
    rows: list[UnitRow], pcodes: dict[int, str | None], country: Country
) -> UnitRow | None:
    """The country's only ordinary admin1 row when it names the country itself: R4V's list of
    a country without admin1 units ("Aruba, Aruba, AW01"). Else None: in a full list, a
    province named like its country (Panamá, México) is a province."""
    ordinary = [
        row
        for row in rows
        if row.level == 1 and not _is_national(row, pcodes[id(row)] or "", country)
    ]
    if len(ordinary) == 1 and country.named_by(ordinary[0].name):
        return ordinary[0]
    return None


def _prefix_error(table: Table, row: UnitRow, country: Country) -> LoadError:
    prefixes = " or ".join(country.prefixes)
    return LoadError(
        table.source,
        row.number,
        row.column,
        f"{row.pcode} is not a P-code of {country.name}: its P-codes start with {prefixes}",
    )


def _merge(
    units: dict[str, UnitRow], pcode: str, row: UnitRow, table: Table, errors: list[LoadError]
) -> None:
    """Add `row` as unit `pcode`; the same unit written with another prefix is merged."""
    known = units.get(pcode)
    if known is None:
        units[pcode] = row
    elif normalise(known.name) == normalise(row.name):
        known.aliases.extend(row.aliases)
        known.others.update({k: v for k, v in row.others.items() if k not in known.others})
    else:
        errors.append(
            LoadError(
                table.source,
                row.number,
                row.column,
                f"{row.pcode} ({row.name!r}) and {known.pcode} ({known.name!r}, row "
                f"{known.number}) are both {pcode}",
            )
        )
