"""The report as phrased text: what every format shows, computed once.

HTML and Word both render a `ReportView`, so a figure is phrased in one place and reads the
same in every format; each phrased number is also recorded, by name, for figures.json.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from kipu.core import phrasing
from kipu.core.figures.notes import note_text
from kipu.core.report.context import KeyFigure, ReportContext
from kipu.core.report.labels import (
    counted,
    date_words,
    event_type,
    label,
    month_words,
    year_to_date_words,
)
from kipu.core.report.narrative import Narrative, Rendered
from kipu.core.text import normalise


@dataclass(frozen=True)
class Asset:
    """One figure's files: `key` names them (figures/<key>.svg and .png)."""

    key: str
    svg: str
    png: bytes


@dataclass
class FigureView:
    key: str
    number: int
    caption: str  # "Arrivals and departures …", without "Figure 1"
    prefix: str  # "Figure 1" / "Figura 1"
    svg: str
    png: bytes


@dataclass
class KeyFigureView:
    text: str
    label: str
    note: int | None  # footnote number


@dataclass
class AreaView:
    heading: str
    facts: list[tuple[str, str]]  # (label, phrased number)
    body: Rendered | None


@dataclass
class ReportView:
    lang: str
    platform: str
    title: str
    period: str
    banner: str | None
    logo: tuple[str, bytes] | None  # (MIME type, bytes)
    highlights: Rendered | None = None
    key_figures: list[KeyFigureView] = field(default_factory=list)
    footnotes: list[str] = field(default_factory=list)
    context: Rendered | None = None
    areas: list[AreaView] = field(default_factory=list)
    province_rows: list[tuple[str, str, str]] = field(default_factory=list)
    coordination: str = ""
    coordination_text: Rendered | None = None
    custom: list[tuple[str, Rendered]] = field(default_factory=list)
    new_members_heading: str = ""
    new_members: list[str] = field(default_factory=list)
    events: list[tuple[str, str, str, str, str]] = field(default_factory=list)
    partners: str = ""
    contacts: list[tuple[str, str, str, str]] = field(default_factory=list)
    figures: dict[str, FigureView] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)  # "missing part" messages by section
    # What qualifies the figures printed (months not counted, the figures' notes), shown in
    # the response overview.
    figure_notes: list[str] = field(default_factory=list)
    recorded: dict[str, dict[str, Any]] = field(default_factory=dict)
    country: str = ""  # ISO3 of the admin levels' words; "" for a regional report

    def label(self, key: str, **values: object) -> str:
        return label(key, self.lang, country=self.country, **values)

    def figure(self, key: str) -> FigureView | None:
        return self.figures.get(key)


def logo_type(data: bytes) -> str | None:
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data[:3] == b"\xff\xd8\xff":
        return "image/jpeg"
    head = data[:512].lstrip().lower()
    if head.startswith(b"<svg") or (head.startswith(b"<?xml") and b"<svg" in data[:2048]):
        return "image/svg+xml"
    return None


FIGURE_ORDER = (
    ("figure-1-arrivals-departures", "fig_flows"),
    ("partners-by-area", "fig_partners_by_area"),
    ("reached-by-area", "fig_reached_by_area"),
    ("presence-overall", "fig_presence_overall"),
    ("presence-by-area", "fig_presence_by_area"),
)


class _Builder:
    def __init__(self, context: ReportContext, assets: Mapping[str, Asset]) -> None:
        self.ctx = context
        self.lang = context.lang
        self.assets = assets
        self.narrative = Narrative(context.catalogue, context.lang, context.rules)
        logo = (logo_type(context.logo), context.logo) if context.logo else None
        self.view = ReportView(
            lang=context.lang,
            platform=context.platform,
            title=label("situation_report", self.lang),
            period=context.month_words,
            banner=label("synthetic", self.lang) if context.synthetic else None,
            logo=(logo[0], logo[1]) if logo and logo[0] else None,
            country=context.country,
        )

    def record(self, name: str, value: int | float, text: str) -> str:
        entry = self.view.recorded.setdefault(name, {"value": value, "text": []})
        if text not in entry["text"]:
            entry["text"].append(text)
        return text

    def number(self, name: str, value: int | float) -> str:
        return self.record(name, value, phrasing.number(value, self.lang))

    def markdown(self, source: str) -> Rendered | None:
        return self.narrative.render(source) if source and source.strip() else None

    def build(self) -> ReportView:
        self.figures()
        self.view.highlights = self.markdown(self.ctx.highlights_md)
        self.view.context = self.markdown(self.ctx.context_md)
        self.key_figures()
        self.areas()
        self.qualifiers()
        self.presence()
        self.coordination()
        self.view.coordination_text = self.markdown(self.ctx.coordination_md)
        for section in self.ctx.custom_sections:
            rendered = self.markdown(section.text_md)
            if rendered is not None:
                self.view.custom.append((section.title, rendered))
        self.people()
        for call, entry in self.narrative.shown.items():
            self.view.recorded[f"narrative/{call}"] = entry
        return self.view

    def figures(self) -> None:
        flows = self.ctx.flows
        dates = [d for d, _ in [*flows.arrivals, *flows.departures]]
        first, last = (min(dates).year, max(dates).year) if dates else (0, 0)
        year_to_date = year_to_date_words(*self.ctx.year_month, self.lang)
        values: dict[str, object] = {"month": self.ctx.month_words, "first": first}
        values |= {"last": last, "year_to_date": year_to_date}
        number = 0
        for key, caption in FIGURE_ORDER:
            asset = self.assets.get(key)
            if asset is None:
                continue
            number += 1
            self.view.figures[key] = FigureView(
                key=key,
                number=number,
                caption=self.view.label(caption, **values),
                prefix=f"{label('figure', self.lang)} {number}",
                svg=asset.svg,
                png=asset.png,
            )

    def key_figures(self) -> None:
        for figure in self.ctx.key_figures:
            text = self.record(f"key_figures/{figure.name}", figure.value, self.phrase(figure))
            note = None
            if figure.source:
                self.view.footnotes.append(self.footnote(figure))
                note = len(self.view.footnotes)
            self.view.key_figures.append(KeyFigureView(text, figure.label, note))
        # Statistics loaded but none dated by the report's month is no "none loaded".
        loaded = self.ctx.statistics_loaded
        if loaded is None:
            loaded = not self.ctx.flows.empty
        month = self.view.period
        if not self.ctx.key_figures:
            key = "no_key_statistics" if loaded else "no_statistics"
            self.view.notes["key_figures"] = label(key, self.lang, month=month)
        if self.ctx.flows.empty:
            key = "no_flows" if loaded else "no_statistics"
            self.view.notes["flows"] = label(key, self.lang, month=month)

    def phrase(self, figure: KeyFigure) -> str:
        rules = self.ctx.rules
        if figure.name != "reached":
            # An official statistic phrased "above" or "some" keeps its word when its value
            # is round: a file holds the figure as published, rounded ("Above 862,000" loaded
            # as 862000 read "862,000"); only the 5W's own count is known exactly. 0 and single
            # digits stay bare whatever the rules (`phrasing._qualified`): "Above 0" was false.
            rules = replace(rules, exact="keep")
        if figure.value < 0 and figure.phrasing in ("above", "some"):
            # A negative statistic is a net flow (net_entries): "Above" of it means nothing,
            # and the report and the dashboard stopped on it.
            return phrasing.capfirst(phrasing.net_flow(figure.value, self.lang, rules))
        if figure.phrasing == "above":
            return phrasing.above(figure.value, self.lang, rules)
        if figure.phrasing == "some":
            return phrasing.some(figure.value, self.lang, rules)
        return phrasing.number(figure.value, self.lang)

    def footnote(self, figure: KeyFigure) -> str:
        if figure.date is None:
            return label("footnote_nodate", self.lang, source=figure.source)
        when = date_words(figure.date, self.lang)
        return label("footnote", self.lang, source=figure.source, date=when)

    def areas(self) -> None:
        none = label("none_reported", self.lang)
        for i, area in enumerate(self.ctx.areas, start=1):
            facts = []
            # A month without activities says so once (below), not "Partners: 0" per area;
            # an area nobody reported on says so, not "0" (the figures hold no such number).
            if self.ctx.has_activities:
                text = (
                    self.number(f"areas/{area.name}/partners", area.partners)
                    if area.partners
                    else none
                )
                facts.append((label("partners", self.lang), text))
            if not area.reported:
                # The plan year's: beside other areas' year figures, the month's note does not
                # say it (an empty paragraph was left); a year with none says it once, below.
                if self.ctx.has_activities or any(a.reported for a in self.ctx.areas):
                    facts.append((label("people_reached", self.lang), none))
            elif area.reached is not None:  # the plan year's, as the chart beside it
                text = self.number(f"areas/{area.name}/reached", area.reached)
                facts.append((label("people_reached", self.lang), text))
            heading = label("area_heading", self.lang, i=i, name=area.name)
            self.view.areas.append(AreaView(heading, facts, self.markdown(area.text_md)))
        if not self.ctx.has_activities:
            self.view.notes["areas"] = label("no_activities", self.lang, month=self.view.period)
        self.proportions_note()

    def qualifiers(self) -> None:
        """What qualifies the figures printed: the months not counted as not published, the
        figures' notes, an Intersector above the sum of its areas (docs/figures.md)."""
        lang, ctx = self.lang, self.ctx
        periods = {"year": year_to_date_words(*ctx.year_month, lang), "month": self.view.period}
        if ctx.unpublished:
            months = ", ".join(month_words(int(m[:4]), int(m[5:7]), lang) for m in ctx.unpublished)
            key = "unpublished_one" if len(ctx.unpublished) == 1 else "unpublished"
            self.view.figure_notes.append(label(key, lang, period=periods["year"], months=months))
        for period, reached, summed in ctx.above_sectors:
            n = self.number(f"notes/above_sectors/{period}/reached", reached)
            s = self.number(f"notes/above_sectors/{period}/areas", summed)
            text = label("above_sectors", lang, period=periods[period], n=n, s=s)
            self.view.figure_notes.append(phrasing.capfirst(text))
        for period, note in ctx.figure_notes:
            said = note_text(note, lang).rstrip(".")
            text = label("figure_note", lang, period=periods[period], note=said)
            self.view.figure_notes.append(phrasing.capfirst(text))

    def proportions_note(self) -> None:
        """One sentence when max-cell split some cells without the plan's proportions (their
        list is in the figures' notes, not in the report: it can run to hundreds of cells)."""
        missing = self.ctx.proportions_missing
        if missing:
            text = self.number("notes/proportions_missing", missing)
            cells = counted("n_combinations", missing, text, self.lang)
            self.view.notes["reached"] = label("proportions_missing", self.lang, cells=cells)

    def presence(self) -> None:
        rows = sorted(
            self.ctx.province_presence,
            key=lambda r: (-r.partners, normalise(r.department), normalise(r.province)),
        )
        for row in rows:
            name = f"presence/{row.department}/{row.province}"
            self.view.province_rows.append(
                (row.department, row.province, self.number(name, row.partners))
            )
        if self.ctx.province_rule:
            k = phrasing.number(self.ctx.province_rule, self.lang)
            self.view.notes["province_table"] = self.view.label("province_rule", k=k)
        if not rows and not any(self.ctx.presence.values()):
            self.view.notes["presence"] = label("no_presence", self.lang, month=self.view.period)
        elif self.ctx.boundaries is None:
            self.view.notes["presence"] = label("no_boundaries", self.lang)

    def coordination(self) -> None:
        co = self.ctx.coordination
        self.view.coordination = label("no_reports", self.lang, month=self.view.period)
        if co.organisations_reporting:
            self.view.coordination = self.coordination_summary()
        count = self.number("coordination/new_members", len(co.new_members))
        self.view.new_members_heading = label("new_members", self.lang, n=count)
        self.view.new_members = list(co.new_members)
        if not co.new_members:
            self.view.notes["new_members"] = label("no_new_members", self.lang)
        for i, event in enumerate(sorted(co.events, key=lambda e: e.date), start=1):
            na = label("not_available", self.lang)
            attendance = organisations = na
            if event.attendance is not None:
                attendance = self.number(f"events/{i}/attendance", event.attendance)
            if event.organisations is not None:
                organisations = self.number(f"events/{i}/organisations", event.organisations)
            self.view.events.append(
                (
                    date_words(event.date, self.lang),
                    event.title,
                    event_type(event.type, self.lang),
                    attendance,
                    organisations,
                )
            )
        if not co.events:
            self.view.notes["events"] = label("no_events", self.lang, month=self.view.period)

    def coordination_summary(self) -> str:
        """The coordination sentence. A month whose provinces were all withheld names its
        departments only ("0 provinces" was said of it), and says why."""
        co, lang, country = self.ctx.coordination, self.lang, self.ctx.country
        counts = {
            "orgs": ("organisations_reporting", "n_organisations"),
            "departments": ("departments_covered", "n_departments"),
            "provinces": ("provinces_covered", "n_provinces"),
        }
        phrased = {}
        for key, (field_name, unit) in counts.items():
            value = getattr(co, field_name)
            text = self.number(f"coordination/{field_name}", value)
            phrased[key] = counted(unit, value, text, lang, country)
        places = phrased["departments"]
        if co.provinces_covered or not co.provinces_withheld:
            places = label("departments_and_provinces", lang, **phrased)
        one = co.organisations_reporting == 1  # "1 organisation, a member of …, reported"
        sentence = label(
            "coordination_summary_one" if one else "coordination_summary",
            lang,
            platform=self.ctx.platform,
            month=self.view.period,
            orgs=phrased["orgs"],
            places=places,
        )
        if co.provinces_withheld:
            sentence += label("provinces_withheld", lang, country=country)
        return sentence

    def people(self) -> None:
        import re

        def natural(name: str) -> tuple[tuple[str | int, ...], str]:
            """Numbers by value ("Partner 2" before "Partner 10"), text as `normalise`: the
            split alternates text and digits, so a number is only ever compared to one."""
            parts = re.split(r"(\d+)", normalise(name))
            return tuple(int(p) if i % 2 else p for i, p in enumerate(parts)), name

        names = sorted(self.ctx.partners, key=natural)
        self.view.partners = " | ".join(names)
        if not names:
            self.view.notes["partners"] = label("no_partners", self.lang)
        self.view.contacts = [(c.name, c.role, c.organisation, c.email) for c in self.ctx.contacts]
        if not self.ctx.contacts:
            self.view.notes["contacts"] = label("no_contacts", self.lang)


def make_view(context: ReportContext, assets: Mapping[str, Asset]) -> ReportView:
    """Phrase everything the report shows; raises NarrativeError for a bad figure reference."""
    return _Builder(context, assets).build()
