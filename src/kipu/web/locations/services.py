"""Writes to the gazetteer. Loading is an upsert, so `kipu init` can run any number of times.

The gazetteer is every platform's: only installation administrators change it (superusers, the
`kipu` command; `kipu.web.platforms.queries.is_installation_actor`), and each alias added or
removed by hand is audited on every platform of the unit's country (docs/reference-data.md,
"Aliases of places")."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from kipu.core import gazetteer as core
from kipu.core.loaders.location_names import names_share_nothing
from kipu.core.loaders.locations import FileUnit, short_codes, stored_clashes
from kipu.core.text import normalise
from kipu.web.locations.models import Location, LocationAlias

_CODE = re.compile(r"[A-Z]{2,3}[0-9]*")  # P-codes and ISO codes, as aliases of kind "code"
ALIAS_MAX = LocationAlias._meta.get_field("alias").max_length or 200
_SHOWN = 20  # clashes a refusal names: a whole file of other codes would fill pages


@transaction.atomic
def load_locations(
    units: list[core.Location], moved: list[str] | None = None, skipped: list[str] | None = None
) -> tuple[int, int]:
    """Insert new units and update changed ones; returns (created, updated). What the load
    changed in stored units is described in `moved` when given: a unit given another parent
    (the activities stored with it keep the admin1 they were stored with), and a unit renamed,
    its old name kept as an alias so that rows writing it still find it. Aliases are added,
    each once (a reload adds none and counts nothing); a new alias of a name that already
    names another stored unit of the same country and level is not added, and is described
    in `skipped` when given (the gazetteer would answer one of them for both).

    ValueError, before anything is written, when a unit would change the level of a stored
    unit or make the stored national pseudo-unit an ordinary one (a file never replaces a
    country (level 0) or its country-level unit: docs/reference-data.md, "Locations"), or
    when a new unit is a stored one under another code (`core.loaders.locations.
    stored_clashes`: EC1 for the stored EC01)."""
    existing = {x.pcode: x for x in Location.objects.filter(pcode__in=[u.pcode for u in units])}
    _refuse_demotions(units, existing)
    _refuse_clashes(units, existing)
    created, updated, renamed = _save_units(units, existing)
    stored = {pcode for pcode, row in existing.items() if row.pk and row.parent_id is not None}
    relinked = _link_parents(units, existing)
    for row, before in relinked:
        if row.pcode in stored:  # a new unit gets its first parent: no move
            updated += 1
            now = row.parent.pcode if row.parent else ""
            if moved is not None:
                moved.append(
                    f"{row.pcode} {row.name!r} moved from {before} to {now}: the "
                    "activities stored with it keep the admin1 they were stored with"
                )
    old_names = [(u, old) for u, old in renamed if normalise(old) != normalise(u.name)]
    refused = _load_aliases(units, existing, skipped if skipped is not None else [], old_names)
    if moved is not None:
        moved += [_renaming(unit, old, (unit.pcode, old) in refused) for unit, old in renamed]
    return created, updated


def _save_units(
    units: list[core.Location], existing: dict[str, Location]
) -> tuple[int, int, list[tuple[core.Location, str]]]:
    """Save the new and changed units (into `existing`); returns how many were created and
    updated, and the units renamed with their stored name."""
    created = updated = 0
    renamed: list[tuple[core.Location, str]] = []
    fields = ("level", "code", "iso", "name", "country", "vintage", "national")
    for unit in sorted(units, key=lambda u: (u.level, u.pcode)):  # parents before children
        row = existing.get(unit.pcode)
        values = {f: getattr(unit, f) for f in fields}
        if row is not None:
            # A file without ISO codes or a vintage (a long file; no --vintage) gives none: the
            # stored ones stay (a reload of Peru's units blanked PE-AMA…, by which rows resolve).
            values.update({f: getattr(row, f) for f in ("iso", "vintage") if not values[f]})
        if row is None:
            row = Location(pcode=unit.pcode, **values)
            created += 1
        elif any(getattr(row, f) != v for f, v in values.items()):
            if row.name != unit.name:
                renamed.append((unit, row.name))
            for f, v in values.items():
                setattr(row, f, v)
            updated += 1
        else:
            continue
        existing[unit.pcode] = row
        row.save()
    return created, updated, renamed


def _refuse_clashes(units: list[core.Location], stored: dict[str, Location]) -> None:
    """ValueError naming each new unit that is a stored one under another code: before, EC1
    was added beside the stored EC01, and the name "Azuay" found only one of them."""
    countries = {u.country for u in units if u.pcode not in stored and u.level}
    if not countries:
        return
    fields = ("pcode", "level", "code", "name", "country", "parent__pcode", "national")
    rows = Location.objects.filter(country__in=countries, level__gt=0).values_list(*fields)
    known = [
        core.Location(pcode, level, code, name, country, parent or "", national=national)
        for pcode, level, code, name, country, parent, national in rows
    ]
    problems = stored_clashes(units, known)
    if problems:
        raise ValueError(
            f"{len(problems)} unit{'s' if len(problems) > 1 else ''} of the file "
            f"{'are stored ones' if len(problems) > 1 else 'is a stored one'} under another "
            f"code; nothing was loaded: {_listed(problems)}"
        )
    # A new unit beside stored siblings of longer codes (EC3 beside EC01, EC02); the file's
    # own siblings are the loader's to check.
    new = [u for u in units if u.pcode not in stored and u.level]
    short = [_row(u) + text for u, text in short_codes(new, known)]
    if short:
        raise ValueError(
            f"{len(short)} unit{'s' if len(short) > 1 else ''} of the file "
            f"{'have P-codes' if len(short) > 1 else 'has a P-code'} shorter than the stored "
            f"units beside {'them' if len(short) > 1 else 'it'}; nothing was loaded: "
            f"{_listed(short)}"
        )


def _listed(problems: list[str]) -> str:
    shown = "; ".join(problems[:_SHOWN])
    return shown + (f"; and {len(problems) - _SHOWN} more" if len(problems) > _SHOWN else "")


def _row(unit: core.Location) -> str:
    return f"row {unit.row}: " if isinstance(unit, FileUnit) and unit.row else ""


def _renaming(unit: core.Location, old: str, alias_refused: bool) -> str:
    """The warning of a unit a reload renamed (before, only "N updated" said it)."""
    text = f"{unit.pcode} renamed: {old!r} → {unit.name!r}"
    if normalise(old) == normalise(unit.name):
        return text + " (a spelling: rows writing either find it)"
    if alias_refused:
        text += f"; {old!r} is not kept as its alias: it names another unit"
    else:
        text += f"; {old!r} is kept as its alias, so rows writing it still find {unit.pcode}"
    if names_share_nothing(old, unit.name):
        text += (
            f"; the names share nothing: the file's codes may have shifted, and the "
            f"activities stored with {unit.pcode} ({old!r}) are now in {unit.name!r}"
        )
    return text


def _refuse_demotions(units: list[core.Location], stored: dict[str, Location]) -> None:
    for unit in units:
        row = stored.get(unit.pcode)
        if row is None:
            continue
        if row.level != unit.level:
            raise ValueError(
                f"{unit.pcode} is a level-{row.level} unit ({row.name}); a file cannot make "
                f"it level {unit.level}"
            )
        if row.national and not unit.national:
            raise ValueError(
                f"{unit.pcode} is the country-level unit of {row.country}; a file cannot "
                f"make it an ordinary unit ({unit.name})"
            )


def _link_parents(
    units: list[core.Location], rows: dict[str, Location]
) -> list[tuple[Location, str]]:
    """Each unit under its parent; returns the units whose parent changed, with the P-code of
    the one before ("" for none)."""
    parents = {
        x.pcode: x for x in Location.objects.filter(pcode__in={u.parent_pcode for u in units})
    }
    before = dict(
        Location.objects.filter(
            pk__in=[r.parent_id for r in rows.values() if r.parent_id]
        ).values_list("pk", "pcode")
    )
    changed = []
    for unit in units:
        row, parent = rows[unit.pcode], parents.get(unit.parent_pcode)
        if row.parent_id != (parent.pk if parent else None):
            changed.append((row, before.get(row.parent_id or 0, "")))
            row.parent = parent
    Location.objects.bulk_update([row for row, _ in changed], ["parent"], batch_size=1000)
    return changed


def _load_aliases(
    units: list[core.Location],
    rows: dict[str, Location],
    skipped: list[str],
    old_names: list[tuple[core.Location, str]],
) -> set[tuple[str, str]]:
    """Add the units' aliases and the old names of renamed units (`old_names`) not stored yet,
    but none naming another unit (described in `skipped`); returns those refused (P-code,
    alias)."""
    have = set(
        LocationAlias.objects.filter(location__pcode__in=rows).values_list(
            "location__pcode", "alias"
        )
    )
    pairs = [(unit, alias) for unit in units for alias in unit.aliases] + old_names
    wanted = list({(u.pcode, a): (u, a) for u, a in pairs if (u.pcode, a) not in have}.values())
    taken = _labels_of_others({u.country for u, _ in wanted if u.level and not u.national})
    new, refused = [], set[tuple[str, str]]()
    for unit, alias in wanted:
        key = (unit.country, unit.level, normalise(alias))
        others = [(p, name) for p, name in sorted(taken.get(key, {}).items()) if p != unit.pcode]
        if unit.level and not unit.national and others:
            named = ", ".join(f"{pcode} {name!r}" for pcode, name in others)
            skipped.append(
                f"{alias!r} already names {named}: not added as an alias of {unit.pcode} "
                f"{unit.name!r}"
            )
            refused.add((unit.pcode, alias))
            continue
        new.append(LocationAlias(location=rows[unit.pcode], alias=alias, kind=alias_kind(alias)))
    LocationAlias.objects.bulk_create(new, batch_size=1000)
    return refused


def _labels_of_others(countries: set[str]) -> dict[tuple[str, int, str], dict[str, str]]:
    """(country, level, normalised label) -> the stored ordinary units it names (P-code ->
    name), by P-code, code, ISO code, name or alias, in `countries`."""
    found: dict[tuple[str, int, str], dict[str, str]] = {}
    if not countries:
        return found
    units = Location.objects.filter(country__in=countries, level__gt=0, national=False)
    fields = ("pcode", "name", "country", "level")
    rows = [
        (*row[:4], label)
        for row in units.values_list(*fields, "code", "iso")
        for label in (row[0], row[1], row[4], row[5])
    ]
    aliases = LocationAlias.objects.filter(location__in=units)
    rows += aliases.values_list(*(f"location__{f}" for f in fields), "alias")
    for pcode, name, country, level, label in rows:
        if label:
            found.setdefault((country, level, normalise(label)), {})[pcode] = name
    return found


def alias_kind(alias: str) -> str:
    """ "code" for a code (CH01, PER), else "name"."""
    return "code" if _CODE.fullmatch(alias) else "name"


def find_place(text: str) -> Location | None:
    """The stored unit `text` designates: its P-code (PE15, CL), or a country's ISO2 or ISO3
    code (PE, PER: the country unit)."""
    text = text.strip().upper()
    found = Location.objects.filter(pcode=text).first()
    if found is None and len(text) == 3:
        found = Location.objects.filter(level=0, country=text).first()
    return found


@transaction.atomic
def add_alias(place: str, alias: str, actor: Any, *, ip: str | None = None) -> LocationAlias:
    """Add `alias` to the unit `place` names (`find_place`), audited as "add_location_alias"
    on every platform of its country. ValueError when `place` is unknown, the alias is empty,
    too long, or already names this or another unit of the same level and country (the
    gazetteer would then answer the wrong unit); PermissionDenied for anyone but an
    installation administrator."""
    location, alias = _checked(place, alias, actor)
    clash = _named_by(location, alias)
    if clash is not None:
        what = "this unit" if clash.pk == location.pk else f"{clash.name} ({clash.pcode})"
        raise ValueError(f"{alias!r} already names {what}")
    made = LocationAlias.objects.create(location=location, alias=alias, kind=alias_kind(alias))
    _audit("add_location_alias", location, None, {"alias": alias, "kind": made.kind}, actor, ip)
    return made


@transaction.atomic
def remove_alias(place: str, alias: str, actor: Any, *, ip: str | None = None) -> None:
    """Remove an alias of the unit `place` names, audited as "remove_location_alias" on every
    platform of its country; ValueError when the unit has no such alias."""
    location, alias = _checked(place, alias, actor)
    found = [a for a in location.aliases.all() if normalise(a.alias) == normalise(alias)]
    if not found:
        raise ValueError(f"{location.name} ({location.pcode}) has no alias {alias!r}")
    for row in found:
        before = {"alias": row.alias, "kind": row.kind}
        row.delete()
        _audit("remove_location_alias", location, before, None, actor, ip)


def _checked(place: str, alias: str, actor: Any) -> tuple[Location, str]:
    from kipu.web.platforms.queries import is_installation_actor

    if not is_installation_actor(actor):
        raise PermissionDenied("only installation administrators change the gazetteer")
    location = find_place(place)
    if location is None:
        raise ValueError(f"no place with the code {place!r} (a P-code, or a country's ISO code)")
    alias = " ".join(alias.split())
    if not alias or "\x00" in alias:
        raise ValueError("the alias is empty")
    if len(alias) > ALIAS_MAX:
        raise ValueError(f"the alias is longer than {ALIAS_MAX} characters")
    return location, alias


def _named_by(location: Location, alias: str) -> Location | None:
    """The unit of `location`'s country and level that `alias` already designates, if any."""
    from kipu.web.locations.queries import gazetteer

    found = gazetteer([location.country]).find(alias, location.country, location.level)
    return Location.objects.filter(pcode=found.pcode).first() if found else None


def _audit(
    action: str,
    location: Location,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    actor: Any,
    ip: str | None,
) -> None:
    from kipu.web.audit.services import record_each
    from kipu.web.platforms.queries import platforms_of_country

    where: list[Any] = [*platforms_of_country(location.country)] or [None]
    record_each(where, actor, action, location, before, after, location.pcode, ip=ip)
