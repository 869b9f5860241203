"""Administrative units with codes, names and aliases; matching of what files write.

A `Gazetteer` answers "which unit does this cell mean?" for codes (UBIGEO, P-code, ISO 3166-2),
official names, and aliases (old spellings, old codes, name variants), accent- and
case-insensitively, and suggests the closest unit when nothing matches.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources

from kipu.core.text import closest, normalise


@dataclass(frozen=True)
class Location:
    pcode: str  # OCHA P-code: PE, PE15, PE1501, PE150101; the unique key
    level: int  # 0 country, 1 admin1, 2 admin2, 3 admin3
    code: str  # national code (UBIGEO for Peru); ISO3 for a country
    name: str
    country: str  # ISO3
    parent_pcode: str = ""
    iso: str = ""  # ISO 3166-2 where one exists (PE-LIM), ISO2 for a country
    vintage: str = ""
    national: bool = False  # the pseudo admin1 for country-level activities (PE00)
    aliases: tuple[str, ...] = field(default=(), compare=False)


class Gazetteer:
    def __init__(self, locations: Iterable[Location]) -> None:
        self.locations: dict[str, Location] = {}
        self._by_key: dict[tuple[str, int], dict[str, list[Location]]] = defaultdict(
            lambda: defaultdict(list)
        )
        self._children: dict[str, list[Location]] = defaultdict(list)
        self._code_widths: dict[tuple[str, int], set[int]] = defaultdict(set)
        for location in locations:
            self.add(location)

    def add(self, location: Location) -> None:
        self.locations[location.pcode] = location
        if location.parent_pcode:
            self._children[location.parent_pcode].append(location)
        index = self._by_key[(location.country, location.level)]
        if location.code.isdigit():
            self._code_widths[(location.country, location.level)].add(len(location.code))
        keys = {location.pcode, location.code, location.iso, location.name, *location.aliases}
        for key in keys:
            if key and location not in index[normalise(key)]:
                index[normalise(key)].append(location)

    def get(self, pcode: str) -> Location | None:
        return self.locations.get(pcode)

    def countries(self) -> list[Location]:
        return sorted((x for x in self.locations.values() if x.level == 0), key=lambda x: x.pcode)

    def units(self, country: str, level: int, parent: str | None = None) -> list[Location]:
        found = [
            x
            for x in self.locations.values()
            if x.country == country
            and x.level == level
            and (parent is None or x.parent_pcode == parent)
        ]
        return sorted(found, key=lambda x: x.pcode)

    def children(self, pcode: str) -> list[Location]:
        return sorted(self._children.get(pcode, []), key=lambda x: x.pcode)

    def national(self, country: str) -> Location | None:
        return next((x for x in self.units(country, 1) if x.national), None)

    def find(
        self, text: object, country: str, level: int, parent: str | None = None
    ) -> Location | None:
        """The unit `text` names at `level` in `country` (inside `parent` if given), or None.

        A name shared by several units (a province named like its department's capital) is
        resolved by `parent`; without one, the unit whose code comes first wins. A numeric
        code shorter than the country's codes of that level is read with its leading zeros
        restored (Excel turns the UBIGEO 010101 into the number 10101).
        """
        key = normalise(text)
        index = self._by_key.get((country, level), {})
        candidates = index.get(key, [])
        if not candidates and key.isdigit():
            for width in sorted(self._code_widths.get((country, level), ())):
                if len(key) < width and (candidates := index.get(key.zfill(width), [])):
                    break
        if parent is not None:
            candidates = [c for c in candidates if c.parent_pcode == parent]
        return min(candidates, key=lambda x: x.pcode) if candidates else None

    def find_anywhere(self, text: object, level: int) -> Location | None:
        """The unit `text` names at `level` in any country (to say "it is in another country")."""
        for (_, key_level), index in sorted(self._by_key.items()):
            if key_level == level and (found := index.get(normalise(text))):
                return min(found, key=lambda x: x.pcode)
        return None

    def suggest(
        self, text: object, country: str, level: int, parent: str | None = None
    ) -> str | None:
        """The name of the closest unit, for "did you mean …?" suggestions."""
        names = [x.name for x in self.units(country, level, parent)]
        return closest(text, names)


def read_locations_csv(
    lines: Iterable[str], aliases: dict[str, list[str]] | None = None
) -> list[Location]:
    """Locations from the bundled CSV layout (pcode, level, code, iso, name, parent_pcode, ...)."""
    aliases = aliases or {}
    locations = []
    for row in csv.DictReader(lines):
        locations.append(
            Location(
                pcode=row["pcode"],
                level=int(row["level"]),
                code=row["code"],
                name=row["name"],
                country=row["country"],
                parent_pcode=row.get("parent_pcode", ""),
                iso=row.get("iso", ""),
                vintage=row.get("vintage", ""),
                national=row.get("national", "0") == "1",
                aliases=tuple(aliases.get(row["pcode"], ())),
            )
        )
    return locations


def read_aliases_csv(lines: Iterable[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = defaultdict(list)
    for row in csv.DictReader(lines):
        found[row["pcode"]].append(row["alias"])
    return found


def bundled_locations(country_iso2: str = "PE") -> list[Location]:
    """The gazetteer shipped with Kipu (Peru), from src/kipu/data/<iso2>/."""
    folder = resources.files("kipu.data").joinpath(country_iso2.lower())
    with folder.joinpath("aliases.csv").open(encoding="utf-8") as handle:
        aliases = read_aliases_csv(handle)
    with folder.joinpath("locations.csv").open(encoding="utf-8") as handle:
        return read_locations_csv(handle, aliases)
