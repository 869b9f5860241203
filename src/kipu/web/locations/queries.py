"""Reads of the gazetteer."""

from __future__ import annotations

from collections import defaultdict

from kipu.core.gazetteer import Gazetteer
from kipu.core.gazetteer import Location as Unit
from kipu.web.locations.models import Location, LocationAlias


def gazetteer(countries: list[str] | None = None) -> Gazetteer:
    """The stored gazetteer as a core Gazetteer (all countries, or the ones named)."""
    rows = Location.objects.select_related("parent")
    aliases = LocationAlias.objects.select_related("location")
    if countries:
        rows = rows.filter(country__in=countries)
        aliases = aliases.filter(location__country__in=countries)
    by_pcode: dict[str, list[str]] = defaultdict(list)
    for alias in aliases:
        by_pcode[alias.location.pcode].append(alias.alias)
    return Gazetteer(
        Unit(
            pcode=r.pcode,
            level=r.level,
            code=r.code,
            name=r.name,
            country=r.country,
            parent_pcode=r.parent.pcode if r.parent else "",
            iso=r.iso,
            vintage=r.vintage,
            national=r.national,
            aliases=tuple(by_pcode.get(r.pcode, ())),
        )
        for r in rows
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
