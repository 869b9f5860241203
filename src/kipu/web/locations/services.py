"""Writes to the gazetteer. Loading is an upsert, so `kipu init` can run any number of times."""

from __future__ import annotations

from django.db import transaction

from kipu.core import gazetteer as core
from kipu.web.locations.models import Location, LocationAlias


@transaction.atomic
def load_locations(units: list[core.Location]) -> tuple[int, int]:
    """Insert new units and update changed ones; returns (created, updated)."""
    existing = {x.pcode: x for x in Location.objects.filter(pcode__in=[u.pcode for u in units])}
    created = updated = 0
    fields = ("level", "code", "iso", "name", "country", "vintage", "national")
    for unit in sorted(units, key=lambda u: (u.level, u.pcode)):  # parents before children
        row = existing.get(unit.pcode)
        values = {f: getattr(unit, f) for f in fields}
        if row is None:
            row = Location(pcode=unit.pcode, **values)
            created += 1
        elif any(getattr(row, f) != v for f, v in values.items()):
            for f, v in values.items():
                setattr(row, f, v)
            updated += 1
        else:
            continue
        existing[unit.pcode] = row
        row.save()
    _link_parents(units, existing)
    _load_aliases(units, existing)
    return created, updated


def _link_parents(units: list[core.Location], rows: dict[str, Location]) -> None:
    parents = {
        x.pcode: x for x in Location.objects.filter(pcode__in={u.parent_pcode for u in units})
    }
    changed = []
    for unit in units:
        row, parent = rows[unit.pcode], parents.get(unit.parent_pcode)
        if row.parent_id != (parent.pk if parent else None):
            row.parent = parent
            changed.append(row)
    Location.objects.bulk_update(changed, ["parent"], batch_size=1000)


def _load_aliases(units: list[core.Location], rows: dict[str, Location]) -> None:
    have = set(
        LocationAlias.objects.filter(location__pcode__in=rows).values_list(
            "location__pcode", "alias"
        )
    )
    new = [
        LocationAlias(location=rows[unit.pcode], alias=alias)
        for unit in units
        for alias in unit.aliases
        if (unit.pcode, alias) not in have
    ]
    LocationAlias.objects.bulk_create(new, batch_size=1000)
