"""The records a plan file loads as (sectors, indicators, its whole content), and the rules
of its sectors: how one is found by a cell, a name two sectors may not share, and the two
levels of sectors and sub-sectors (`level_problem`, which the web's edit page applies too).
`kipu.core.loaders.plan` reads the files into them."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from kipu.core.loaders import Problem
from kipu.core.loaders.proportions import ProportionRecord
from kipu.core.loaders.targets import TargetRecord
from kipu.core.text import normalise


@dataclass
class SectorRecord:
    code: str
    name: str
    name_es: str | None = ""  # None: the file has no such column (a stored one is kept)
    parent_code: str = ""
    # False when the code was made from the name (`sector_code_for`): the stored sector of
    # that name keeps its own code (`kipu.web.plans.services`).
    code_given: bool = True
    # False: the file gives no parents (no parent column), and a stored parent is kept; an
    # indicator list reloaded without one made every stored sub-sector a sector.
    parent_given: bool = True
    # False: the file has no English names (`_SPANISH_ONLY`): `name` is the Spanish one,
    # an English name only for a new sector, not instead of a stored one.
    english: bool = True


@dataclass
class IndicatorRecord:
    code: str
    name: str
    sector_code: str
    type: str
    # None: the file has no such column, and a stored one is kept (a list reloaded without
    # its Spanish names erased them).
    name_es: str | None = ""
    unit: str | None = ""
    english: bool = True  # as `SectorRecord.english`


@dataclass
class PlanContent:
    sectors: list[SectorRecord] = field(default_factory=list)
    indicators: list[IndicatorRecord] = field(default_factory=list)
    targets: list[TargetRecord] = field(default_factory=list)
    proportions: list[ProportionRecord] = field(default_factory=list)


def sector_code_for(name: str) -> str:
    """A stable code for a sector known only by name: 'Protection (GBV)' → 'PROTECTION-GBV'."""
    return re.sub(r"[^A-Z0-9]+", "-", normalise(name).upper()).strip("-")


def same_sector_name(content: PlanContent, name: str, name_es: str | None) -> str | None:
    """The code of a sector of `content` named `name` in English or `name_es` in Spanish."""
    for sector in content.sectors:
        if normalise(sector.name) == normalise(name) or (
            name_es and sector.name_es and normalise(sector.name_es) == normalise(name_es)
        ):
            return sector.code
    return None


def level_problem(
    code: str, parent: str, written: str, parent_of: Mapping[str, str]
) -> Problem | None:
    """Why sector `code` cannot have the sector `parent` (written `written`) as its parent,
    else None; `parent_of`: every sector's parent, by code (sectors without one left out).
    A plan has sectors (or areas) and their sub-sectors, as R4V's plans do: a parent that is
    itself a sub-sector (or the sector itself) is refused. Every figure, filter and partner's
    remit rolls a sub-sector up one level, so a third level was counted under no area or
    under the wrong one, and two sectors each other's parent were no area at all (the
    situation report left both out). A sectors sheet and the web's edit page apply it."""
    if not parent:
        return None
    if parent == code:
        return Problem("own-parent", LEVEL_RULES["own-parent"], code=repr(code))
    if parent in parent_of:
        rule = LEVEL_RULES["third-level"]
        return Problem("third-level", rule, parent=repr(written), above=repr(parent_of[parent]))
    return None


# The English of `level_problem`'s rules (`Problem` templates).
LEVEL_RULES = {
    "own-parent": "sector {code} cannot be its own parent",
    "third-level": (
        "parent sector {parent} is itself a sub-sector of {above}: a plan has sectors and "
        "their sub-sectors, two levels; give the top-level sector"
    ),
}


def find_sector(content: PlanContent, text: str) -> SectorRecord | None:
    """The plan's sector a cell names by code, English or Spanish name; None for an empty
    cell, which matched the first sector without a Spanish name (a totals row of targets
    was stored as Health's)."""
    key = normalise(text)
    if not key:
        return None
    return next(
        (
            s
            for s in content.sectors
            if key in (normalise(s.code), normalise(s.name), normalise(s.name_es))
        ),
        None,
    )
