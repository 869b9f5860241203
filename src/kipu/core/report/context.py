"""What a situation report is made of: plain values, no database.

The web layer fills a `ReportContext` from its models; the builder (`build.build_report`)
turns it into HTML, PDF, Word and figure files. Everything here is data, so a report can be
built (and tested) from code alone.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, Literal

from kipu.core.phrasing import DEFAULT_RULES, RoundingRules, language
from kipu.core.report.labels import month_words
from kipu.core.report.narrative import FigureCatalogue
from kipu.core.report.style import DEFAULT_STYLE, Style

Phrasing = Literal["above", "some", "number"]
PHRASINGS = ("above", "some", "number")


@dataclass(frozen=True)
class KeyFigure:
    """A headline figure: "Above 862,000 | Venezuelans living in Peru", source as footnote."""

    name: str
    value: int | float
    label: str
    phrasing: Phrasing = "above"
    source: str = ""
    date: date | None = None


@dataclass(frozen=True)
class Flows:
    """Figure 1: monthly arrivals and departures; each date stands for its whole month."""

    arrivals: Sequence[tuple[date, int | float]] = ()
    departures: Sequence[tuple[date, int | float]] = ()
    annotations: Sequence[tuple[date, str]] = ()  # policy changes: a dashed line and a label
    source: str = ""

    @property
    def empty(self) -> bool:
        return not self.arrivals and not self.departures


@dataclass(frozen=True)
class AreaSection:
    """One area of intervention (or sector) in the response overview."""

    name: str
    partners: int
    reached: int | None = None
    text_md: str = ""
    reported: bool = True  # a row of the plan year names it: else its 0 is no count


@dataclass(frozen=True)
class ProvincePresence:
    department: str
    province: str
    partners: int


@dataclass(frozen=True)
class Event:
    date: date
    title: str
    type: str = "meeting"
    attendance: int | None = None
    organisations: int | None = None


@dataclass(frozen=True)
class Coordination:
    organisations_reporting: int = 0
    departments_covered: int = 0
    provinces_covered: int = 0  # those the public figures name (`provinces_withheld`)
    new_members: Sequence[str] = ()
    events: Sequence[Event] = ()
    provinces_withheld: bool = False  # a row's province was withheld by the disclosure rule


@dataclass(frozen=True)
class CustomSection:
    """A section the IM team adds to the month's report: a title and Markdown with figures."""

    title: str
    text_md: str = ""


@dataclass(frozen=True)
class Contact:
    name: str
    role: str = ""
    organisation: str = ""
    email: str = ""


MONTH = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")


@dataclass
class ReportContext:
    """Everything one monthly report shows, in one language.

    `presence` maps admin-1 P-codes to partner counts; `presence_by_area` does the same per
    area (the small multiples). `map_inset` lists the P-codes drawn again, enlarged, on the
    overall map (Lima and Callao for Peru). `source_5w` labels the charts drawn from 5W data
    (default "<platform> 5W"). `proportions_missing` counts the admin1 × sector × population
    type cells of the year's people-reached figures that max-cell split without the plan's
    proportions (`len(Figures.proportions_missing)`); the report says so in one sentence.
    `country` (ISO3) names the admin levels in the country's words ("provinces and cantons"
    for Ecuador, `kipu.core.admin_levels`); "" for a regional report: "admin1 units".
    `unpublished`, `figure_notes` and `above_sectors` qualify the figures printed: the
    report says them in the response overview (docs/figures.md: never silent).
    """

    platform: str
    slug: str
    month: str
    lang: str = "en"
    synthetic: bool = False
    logo: bytes | None = None
    style: Style = DEFAULT_STYLE
    rules: RoundingRules = DEFAULT_RULES
    highlights_md: str = ""
    context_md: str = ""
    coordination_md: str = ""
    custom_sections: list[CustomSection] = field(default_factory=list)
    key_figures: list[KeyFigure] = field(default_factory=list)
    flows: Flows = field(default_factory=Flows)
    areas: list[AreaSection] = field(default_factory=list)
    presence: dict[str, int] = field(default_factory=dict)
    presence_by_area: dict[str, dict[str, int]] = field(default_factory=dict)
    province_presence: list[ProvincePresence] = field(default_factory=list)
    # The disclosure threshold k when rows of the month with a count below it were counted
    # in their department only (`kipu.core.figures.partners.places_shown`); 0 when none were.
    province_rule: int = 0
    coordination: Coordination = field(default_factory=Coordination)
    partners: list[str] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    boundaries: Mapping[str, Any] | None = None
    map_inset: tuple[str, ...] = ()
    source_5w: str = ""
    catalogue: FigureCatalogue = field(default_factory=FigureCatalogue)
    proportions_missing: int = 0
    country: str = ""
    # Months of the plan year before `month` holding rows the report does not count: not
    # published (the public dashboard leaves them out of the same period too).
    unpublished: tuple[str, ...] = ()
    # The notes of the figures the report prints (`Figures.notes`, `kipu.core.figures.notes.
    # Note` in both languages), each with the period it is of: "year" (the plan year to
    # `month`) or "month".
    figure_notes: list[tuple[str, str]] = field(default_factory=list)
    # (period, people reached, the sum of the areas' people reached) when the first is above
    # the second (`Figures.above_sectors`): the report said "4 new people, 2 of them in
    # protection (the only area with activities)" with no word.
    above_sectors: list[tuple[str, int, int]] = field(default_factory=list)
    # Whether any official statistic is loaded (of any date); None: not known. The report of
    # December 2018 said "No official statistics loaded" over a chart of them.
    statistics_loaded: bool | None = None

    def __post_init__(self) -> None:
        if not MONTH.fullmatch(self.month):
            raise ValueError(f"month must be 'YYYY-MM', not {self.month!r}")
        self.lang = language(self.lang)
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", self.slug):
            raise ValueError(f"slug must be lower-case letters, digits and hyphens: {self.slug!r}")
        for figure in self.key_figures:
            if figure.phrasing not in PHRASINGS:
                raise ValueError(f"{figure.name}: phrasing must be one of {PHRASINGS}")

    @property
    def year_month(self) -> tuple[int, int]:
        year, month = self.month.split("-")
        return int(year), int(month)

    @property
    def month_words(self) -> str:
        return month_words(*self.year_month, self.lang)

    @property
    def has_activities(self) -> bool:
        return any(a.partners for a in self.areas) or any(self.presence.values())

    def narrative_sources(self) -> dict[str, str]:
        """Every narrative text of the report by section (highlights, context, coordination,
        areas/<name>, custom/<title>), for checking them all before anything is drawn."""
        sources = {
            "highlights": self.highlights_md,
            "context": self.context_md,
            "coordination": self.coordination_md,
            **{f"areas/{a.name}": a.text_md for a in self.areas},
            **{f"custom/{c.title}": c.text_md for c in self.custom_sections},
        }
        return {section: text for section, text in sources.items() if text and text.strip()}

    def in_language(self, lang: str) -> ReportContext:
        """The same report in another language (the narrative texts are the caller's)."""
        return replace(self, lang=lang)
