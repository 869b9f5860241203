"""The reference data a platform holds, as plain values: what validation and figures need.

The web layer builds a `ReferenceData` from its database; a script can build one from files.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from kipu.core.gazetteer import Gazetteer

# Kipu's organisation types: those of shared/spec/5w.md and the others R4V's partner registry
# uses (Private Sector, Health Facility, Other). Every R4V spelling of them, in English, Spanish
# and Portuguese, maps to one of these (kipu.core.loaders.organisations.TYPE_NAMES).
ORGANISATION_TYPES = (
    "UN",
    "INGO",
    "NNGO",
    "Faith Based Organization",
    "Red Cross",
    "Civil Society",
    "Academic",
    "Government",
    "Donor",
    "Private Sector",
    "Health Facility",
    "Other",
)


@dataclass(frozen=True)
class IndicatorType:
    """What an indicator type means for counting people (shared/spec/5w.md)."""

    name: str
    vintage: str  # "2021" or "2025" vocabulary
    counts_people: bool  # PiN/People; Direct Assistance/Capacity Building
    counts_people_reached: bool  # enters the "people reached" figures: PiN; Direct Assistance
    needs_quantity: bool = False


INDICATOR_TYPES: dict[str, IndicatorType] = {
    t.name: t
    for t in (
        IndicatorType("PiN", "2021", True, True),
        IndicatorType("People", "2021", True, False),
        IndicatorType("Other", "2021", False, False),
        IndicatorType("Direct Assistance", "2025", True, True, needs_quantity=True),
        IndicatorType("Capacity Building", "2025", True, False),
        IndicatorType("Infrastructure", "2025", False, False),
        IndicatorType("Mechanism/Advocacy", "2025", False, False),
    )
}


@dataclass(frozen=True)
class Organisation:
    key: str  # registry id (ORG208) when known, else a slug of the name
    name: str
    acronym: str = ""
    org_type: str = ""
    names: dict[str, str] = field(default_factory=dict, hash=False, compare=False)
    aliases: tuple[str, ...] = ()

    def labels(self) -> list[str]:
        """Every spelling a file may use for this organisation."""
        found = [self.name, self.acronym, *self.names.values(), *self.aliases]
        return [label for label in dict.fromkeys(found) if label]


@dataclass(frozen=True)
class Sector:
    code: str
    name: str
    name_es: str = ""
    parent_code: str = ""  # sub-sectors roll up to their parent
    kind: str = "sector"  # "sector" or "area" (areas of intervention)

    def label(self, lang: str) -> str:
        """The name in `lang` ("es": the Spanish name where the plan has one)."""
        return (self.name_es or self.name) if lang == "es" else self.name


def parent_cycles(parents: Mapping[str, str]) -> list[list[str]]:
    """The sectors of `parents` (a sector's code → its parent's) that are each other's
    parent, a list per cycle, each once, sorted. A plan's loader and edit page refuse them
    (`kipu.core.loaders.plan.level_problem`); a plan stored before that was refused is read
    with them as top-level sectors (`kipu.web.plans.queries`), said, not left out: two
    sectors each other's parent were no area at all, and the situation report left both
    out without a word."""
    cycles: list[list[str]] = []
    done: set[str] = set()
    for start in sorted(parents):
        path: list[str] = []
        code = start
        while code in parents and code not in done and code not in path:
            path.append(code)
            code = parents[code]
        if code in path:
            cycles.append(sorted(path[path.index(code) :]))
        done.update(path)
    return cycles


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    sector_code: str
    type: str
    name_es: str = ""
    unit: str = ""

    def label(self, lang: str) -> str:
        """The name in `lang` ("es": the Spanish name where the plan has one)."""
        return (self.name_es or self.name) if lang == "es" else self.name

    @property
    def kind(self) -> IndicatorType:
        return INDICATOR_TYPES.get(self.type, INDICATOR_TYPES["Other"])


@dataclass(frozen=True)
class Target:
    sector_code: str
    admin1: str  # P-code, or "" for the whole country
    # None: the plan gives none (never 0: a target of nobody would read as one).
    people_in_need: int | None = None
    people_targeted: int | None = None
    budget_usd: float | None = None


@dataclass
class Plan:
    name: str
    year: int
    classification: str = "sectors"  # or "areas"
    sectors: list[Sector] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)

    def sector(self, code: str) -> Sector | None:
        return next((s for s in self.sectors if s.code == code), None)

    def indicator(self, code: str) -> Indicator | None:
        return next((i for i in self.indicators if i.code == code), None)


@dataclass
class ReferenceData:
    """Everything needed to validate and compute one platform's 5W data."""

    platform: str
    countries: list[str]  # ISO3
    organisations: list[Organisation]
    plan: Plan
    gazetteer: Gazetteer
    admin1_scope: list[str] = field(default_factory=list)  # P-codes; empty = whole country
    # The platform's plan of each year (the default `plan` is one of them, or the only one):
    # rows are checked and counted against the plan of their own month's year.
    plans: dict[int, Plan] = field(default_factory=dict)
    # The plans of each other platform whose stored rows the view reads (a local platform
    # with a plan of its own reads its national platform's rows), by the storing platform's
    # slug, when they are not `plans`: a row is counted with the plans it was checked
    # against (`kipu.core.figures.plans.per_row_plan`), never with codes it never knew.
    store_plans: dict[str, dict[int, Plan]] = field(default_factory=dict)

    def every_plan(self) -> list[Plan]:
        """The stores' plans, the platform's, then the default plan: names taken from them in
        this order let the default plan's win."""
        stores = [p for plans in self.store_plans.values() for _, p in sorted(plans.items())]
        return [*stores, *(p for _, p in sorted(self.plans.items())), self.plan]

    def plan_of(self, year: int | None) -> Plan:
        """The plan rows of `year` are checked and counted with (`plan_year_for`), else the
        default plan."""
        chosen = plan_year_for(year, self.plans)
        return self.plans[chosen] if chosen is not None else self.plan


def registry_key(external_id: str) -> str:
    """A registry id as ids are compared: an all-digit one without its leading zeros (Excel
    drops them: 00208 read 208), marked apart from other ids; others as written."""
    return "#" + external_id.lstrip("0") if external_id.isdigit() else external_id


def plan_year_for(year: int | None, years: Iterable[int]) -> int | None:
    """The plan year rows of `year` use: that year's plan, else the latest before it, else the
    first after it (`kipu.web.plans.queries.plan_for`, which stores them, follows the same
    rule: a 2020 row checked against the 2021 plan was stored against 2019's, or not at all);
    None without a year or plans."""
    known = sorted(years)
    if year is None or not known:
        return None
    before = [y for y in known if y <= year]
    return before[-1] if before else known[0]
