"""The other names of a gazetteer's units (a COD-AB's ADM1_EN beside ADM1_ES, ADM2_REF,
ADM2ALT1ES): which of them a unit keeps as aliases (`kipu.core.loaders.locations`); whether a
reload's new name of a unit is another spelling of its old one (`names_share_nothing`)."""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING

from kipu.core.loaders import LoadError
from kipu.core.read import Table
from kipu.core.text import normalise

if TYPE_CHECKING:
    from kipu.core.gazetteer import Country
    from kipu.core.loaders.location_rows import UnitRow


def alternative_names(
    country: Country, units: dict[str, UnitRow], table: Table, warnings: list[LoadError]
) -> dict[str, list[str]]:
    """The other names of each unit (P-code -> names) to keep as its aliases: each distinct
    one (accents, case and spacing aside) that names no other unit of the country and level
    (by its name, P-code or other names). One that does is kept by neither, in a warning
    naming the units: the gazetteer would answer one of them for both."""
    own: dict[str, set[str]] = {}  # P-code -> the keys of its name and codes
    holders: dict[tuple[int, str], dict[str, str]] = {}  # (level, key) -> P-code -> how
    for pcode, row in units.items():
        own[pcode] = {normalise(x) for x in (row.name, row.pcode, pcode, *row.aliases) if x}
        for key in own[pcode]:
            holders.setdefault((row.level, key), {})[pcode] = "own"
    for pcode, row in units.items():
        for label, name in row.others.items():
            key = normalise(name)
            if key and key not in own[pcode]:
                holders.setdefault((row.level, key), {}).setdefault(pcode, label)
    kept: dict[str, list[str]] = {}
    used: dict[str, set[str]] = {}  # column -> the P-codes given a name of it
    for pcode, row in sorted(units.items()):
        for label, name in row.others.items():
            key = normalise(name)
            named = holders.get((row.level, key), {})
            if key in own[pcode] or named.get(pcode) != label:
                continue  # its own name written otherwise, or a name of an earlier column
            if len(named) == 1:
                kept.setdefault(pcode, []).append(name)
                used.setdefault(label, set()).add(pcode)
                continue
            first = min(p for p, how in named.items() if how != "own")
            if pcode != first:
                continue  # one warning per shared name
            which = ", ".join(
                f"{p} {units[p].name!r}" + ("" if how == "own" else f" ({how})")
                for p, how in sorted(named.items())
            )
            those = " nor ".join(p for p, how in sorted(named.items()) if how != "own")
            warnings.append(
                LoadError(
                    table.source,
                    row.number,
                    label,
                    f"{name!r} names {len(named)} units: {which}; it is not kept as an "
                    f"alternative name of {those}: a 5W row writing it is placed by another "
                    "name or its P-code",
                )
            )
    if used:
        columns = " and ".join(sorted(used))
        count = len(set().union(*used.values()))
        warnings.append(
            LoadError(
                table.source,
                None,
                None,
                f"{columns} names kept as alternative names of {count} "
                f"unit{'s' if count > 1 else ''} of {country.name} (a unit's name is its "
                "Spanish, else Portuguese, French, English name)",
            )
        )
    return kept


# Words many unrelated places share: a name sharing only these with another is not its variant.
_COMMON_WORDS = frozenset({"santa", "santo", "nueva", "nuevo", "norte", "este", "oeste"})


def names_share_nothing(old: str, new: str) -> bool:
    """Whether a unit's new name has nothing of its old one: not the same once accents, case
    and spacing are aside (Bolívar, Bolivar), not one inside the other (Lima, Lima
    Metropolitana), not a close spelling (Cuzco, Cusco), no word of four letters or more in
    common (Santo Domingo, Santo Domingo de los Tsáchilas) but common ones like Santa. A
    reload renaming Pichincha to Guayas more likely shifted its codes than renamed a place."""
    a, b = normalise(old), normalise(new)
    # One inside the other by whole words: Ica is not in Africa.
    if not a or not b or f" {a} " in f" {b} " or f" {b} " in f" {a} ":
        return False
    if difflib.SequenceMatcher(None, a, b).ratio() >= 0.75:
        return False
    words = {w for w in a.split() if len(w) >= 4} & {w for w in b.split() if len(w) >= 4}
    return not words - _COMMON_WORDS
