"""Reads of the gazetteer."""

from __future__ import annotations

import threading
from collections import defaultdict

from kipu.core.gazetteer import Gazetteer
from kipu.core.gazetteer import Location as Unit
from kipu.web.locations.models import Location, LocationAlias

_CACHE: dict[tuple[object, ...], Gazetteer] = {}
_LOCK = threading.Lock()


def _version() -> tuple[object, ...]:
    """Changes whenever units or aliases are added, removed or changed in any field (in any
    process). Every row is read (a few milliseconds for Peru's 2,000 units; building the
    gazetteer takes most of a second): counts and lengths missed a P-code renamed, and the
    figures of a long-running process then named no admin1 for the renamed unit."""
    units = hash(tuple(Location.objects.order_by("id").values_list()))
    aliases = hash(tuple(LocationAlias.objects.order_by("id").values_list()))
    return (units, aliases)


def gazetteer(countries: list[str] | None = None) -> Gazetteer:
    """The stored gazetteer as a core Gazetteer (all countries, or the ones named).

    Building it takes most of a second for Peru's 2,000 units, and every validation needs it:
    it is kept per process until the units change. Callers must not modify it."""
    key = (tuple(sorted(countries or ())), *_version())
    with _LOCK:
        if key in _CACHE:
            return _CACHE[key]
    built = _build(countries)
    with _LOCK:
        _CACHE[key] = built
    return built


def _build(countries: list[str] | None) -> Gazetteer:
    rows = Location.objects.all()
    aliases = LocationAlias.objects.all()
    if countries:
        rows = rows.filter(country__in=countries)
        aliases = aliases.filter(location__country__in=countries)
    by_pcode: dict[str, list[str]] = defaultdict(list)
    for pcode, alias in aliases.values_list("location__pcode", "alias"):
        by_pcode[pcode].append(alias)
    fields = (
        "pcode",
        "level",
        "code",
        "name",
        "country",
        "parent__pcode",
        "iso",
        "vintage",
        "national",
    )
    return Gazetteer(
        Unit(
            pcode=pcode,
            level=level,
            code=code,
            name=name,
            country=country,
            parent_pcode=parent or "",
            iso=iso,
            vintage=vintage,
            national=national,
            aliases=tuple(by_pcode.get(pcode, ())),
        )
        for pcode, level, code, name, country, parent, iso, vintage, national in rows.values_list(
            *fields
        )
    )


def list_locations(country: str, level: int | None = None) -> list[dict[str, object]]:
    rows = (
        Location.objects.filter(country=country).select_related("parent").order_by("level", "pcode")
    )
    if level is not None:
        rows = rows.filter(level=level)
    return [
        {
            "code": r.code,
            "pcode": r.pcode,
            "iso": r.iso or None,
            "name": r.name,
            "level": r.level,
            "parent": r.parent.pcode if r.parent else None,
            "national": r.national,
        }
        for r in rows
    ]
