"""The situation report of a platform's month, as a core ReportContext filled from the database."""

from __future__ import annotations

import calendar
import json
import re
from datetime import date
from importlib import resources
from typing import Any

import polars as pl

from kipu.core.figures import Figures
from kipu.core.report.catalogue import build_catalogue
from kipu.core.report.context import (
    AreaSection,
    Contact,
    Coordination,
    CustomSection,
    Event,
    Flows,
    KeyFigure,
    ProvincePresence,
    ReportContext,
)
from kipu.core.report.narrative import NarrativeError
from kipu.core.surveys.fivew_disclosure import small_rows
from kipu.web.figures.queries import (
    cached_activity_frame,
    cached_reference_data,
    platform_figures,
)
from kipu.web.plans.queries import plan_value
from kipu.web.platforms.models import Event as EventRow
from kipu.web.platforms.models import Membership, Platform
from kipu.web.reports.models import Narrative
from kipu.web.stats.models import Observation
from kipu.web.surveys.queries import rows_disclosure_k

INSETS = {"PER": ("PE15", "PE07")}  # Lima and Callao: Callao is tiny at country scale


def month_end(month: str) -> date:
    year, number = int(month[:4]), int(month[5:7])
    return date(year, number, calendar.monthrange(year, number)[1])


def boundaries_for(country: str) -> dict[str, Any] | None:
    """Department boundaries shipped with Kipu (Peru), or None for other countries."""
    if country != "PER":
        return None
    with (
        resources.files("kipu.data").joinpath("pe/departments.geojson").open(encoding="utf-8") as f
    ):
        return json.load(f)


def latest_statistics(platform: Platform, until: date) -> dict[str, tuple[date, float, str]]:
    """Each series' latest observation ending on or before `until`: (date, value, source)."""
    found: dict[str, tuple[date, float, str]] = {}
    rows = Observation.objects.filter(series__platform=platform, period_end__lte=until)
    for obs in rows.select_related("series").order_by("period_end", "period_start"):
        found[obs.series.key] = (obs.period_end, float(obs.value), obs.source or obs.series.source)
    return found


def counted_months(platform: Platform, month: str) -> tuple[frozenset[str], tuple[str, ...]]:
    """The months of the plan year up to `month` that the report counts, and those with rows
    it leaves out as not published. It counts the published months, as the public dashboard
    does for the same period, and `month` itself (a draft is read before its month is
    published; a report is published only with its month). The report of March counted an
    open February's rows in its year-to-date figures."""
    from kipu.web.accounts.scope import public_months

    public = public_months(platform)
    earlier = [f"{month[:4]}-{n:02d}" for n in range(1, int(month[5:]))]
    rows = cached_activity_frame(platform)[1]
    held = set(rows.filter(pl.col("month").is_in(earlier))["month"].unique().to_list())
    counted = frozenset([*(m for m in earlier if m in public), month])
    return counted, tuple(m for m in earlier if m not in public and m in held)


def _year_and_month(
    platform: Platform, month: str, counted: frozenset[str], **options: Any
) -> tuple[Figures, Figures]:
    """The figures of the plan year up to `month` (of its `counted` months), and of `month`
    alone."""
    start = f"{month[:4]}-01"
    year = platform_figures(platform, date_from=start, date_to=month, months=counted, **options)
    return year, platform_figures(platform, date_from=month, date_to=month, **options)


CUSTOM = "custom-"  # custom sections are stored as custom-1, custom-2 … with a title


def narratives(platform: Platform, month: str, lang: str) -> dict[str, str]:
    """The month's narrative in `lang`: section → Markdown."""
    rows = Narrative.objects.filter(platform=platform, month=month, lang=lang)
    return {n.section: n.markdown for n in rows}


def custom_sections(platform: Platform, month: str, lang: str) -> list[Narrative]:
    """The month's custom sections in `lang`, in the order they were added."""
    rows = Narrative.objects.filter(
        platform=platform, month=month, lang=lang, section__startswith=CUSTOM
    )
    return sorted(rows, key=lambda n: int(n.section[len(CUSTOM) :] or 0))


def report_context(
    platform: Platform, month: str, lang: str = "en", narrative: dict[str, str] | None = None
) -> ReportContext:
    """Everything the report of `month` shows. `narrative` (section → Markdown) overrides the
    stored narrative sections (e.g. files given to `kipu sitrep --narrative`); a section it
    names that the report does not have raises NarrativeError listing the sections."""
    config = platform.report_config or {}
    _check_sections(platform, month, narrative or {})
    # A public document: places finer than the department as the open data shows them.
    k = rows_disclosure_k(platform)
    counted, unpublished = counted_months(platform, month)
    year, this_month = _year_and_month(platform, month, counted, disclosure_k=k)
    reference = cached_reference_data(platform, int(month[:4]))
    # An area counts its sub-sectors (the plan's `parent`); the Intersector does not change.
    areas = (year, this_month)
    if any(s.parent_code for s in reference.plan.sectors):
        areas = _year_and_month(platform, month, counted, disclosure_k=k, roll_up_subsectors=True)
    statistics = latest_statistics(platform, month_end(month))
    texts = {**narratives(platform, month, lang), **(narrative or {})}
    # The year's rows from the shared snapshot, like the figures: not another database read;
    # those of the months counted only.
    frame = cached_activity_frame(platform)[1].filter(pl.col("month").is_in(sorted(counted)))
    catalogue = build_catalogue(
        year,
        this_month,
        frame,
        {k: (d, v) for k, (d, v, _) in statistics.items()},
        reference,
        areas,
        k,
    )
    from kipu.web.surveys.figures import register_survey_figures  # survey(…), issue 17

    register_survey_figures(catalogue, platform, month)
    rows = frame.filter(pl.col("month") == month)
    merged = not rows.is_empty() and not rows.filter(small_rows(rows, k)).is_empty()
    return ReportContext(
        platform=platform.name,
        slug=platform.slug,
        month=month,
        lang=lang,
        synthetic=platform.synthetic,
        highlights_md=texts.get("highlights", ""),
        context_md=texts.get("context", ""),
        coordination_md=texts.get("coordination", ""),
        custom_sections=_custom(platform, month, lang, narrative or {}),
        key_figures=_key_figures(config, statistics, year, lang),
        flows=_flows(platform, config, month, lang),
        areas=_areas(platform, *areas, texts, lang),
        presence=_presence(this_month),
        presence_by_area=_presence_by_area(areas[1], lang),
        province_presence=_provinces(this_month),
        province_rule=k if merged else 0,
        coordination=_coordination(platform, this_month, month, lang, rows),
        partners=_partner_names(platform, month, lang),
        contacts=[
            Contact(**{k: c.get(k, "") for k in ("name", "role", "organisation", "email")})
            for c in platform.contacts
        ],
        boundaries=boundaries_for(platform.country),
        map_inset=INSETS.get(platform.country, ()),
        catalogue=catalogue,
        proportions_missing=year.proportions_missing.height,
        country=platform.country,
        statistics_loaded=Observation.objects.filter(series__platform=platform).exists(),
        **_qualifiers(year, this_month, areas, unpublished),
    )


def _qualifiers(
    year: Figures, month: Figures, areas: tuple[Figures, Figures], unpublished: tuple[str, ...]
) -> dict[str, Any]:
    """What qualifies the figures the report prints (`ReportContext.unpublished`,
    `figure_notes`, `above_sectors`): the report of March said "4 new people, 2 of them in
    protection" and counted an open February, with no word of either."""
    # In the year's first month the year to date is the month: said once (it was twice).
    periods = ("year",) if year.date_from == month.date_from else ("year", "month")
    above = [
        (period, *found)
        for period, figures in zip(periods, areas, strict=False)
        if (found := figures.above_sectors())
    ]
    return {
        "unpublished": unpublished,
        "figure_notes": _figure_notes(year, month),
        "above_sectors": above,
    }


# The month's own figures count from the month: their progress is never the year's, and the
# report prints none of it.
_MONTH_ONLY = ("progress against the plan's targets counts the people reached from",)


def _figure_notes(year: Figures, month: Figures) -> list[tuple[str, str]]:
    """The notes of the year's and the month's figures (`Figures.notes`), each once: a note
    of the month that the year's figures say too is the year's."""
    found = [("year", n) for n in year.notes]
    said = {str(n) for n in year.notes}
    for n in month.notes:
        if str(n) not in said and not str(n).startswith(_MONTH_ONLY):
            found.append(("month", n))
    return found


def _check_sections(platform: Platform, month: str, narrative: dict[str, str]) -> None:
    plan = plan_value(platform, int(month[:4]))
    known = ["highlights", "context", "coordination"]
    known += [s.code for s in plan.sectors if not s.parent_code]
    unknown = sorted(
        k for k in narrative if k not in known and not re.fullmatch(CUSTOM + r"\d+", k)
    )
    if unknown:
        raise NarrativeError(
            f"no report section {', '.join(unknown)}; sections: {', '.join(known)}, "
            f"{CUSTOM}1, {CUSTOM}2 …"
        )


def _custom(
    platform: Platform, month: str, lang: str, narrative: dict[str, str]
) -> list[CustomSection]:
    """The stored custom sections (their text overridden by `narrative`), then those only
    `narrative` has, titled by their key."""
    rows = custom_sections(platform, month, lang)
    found = [
        CustomSection(r.title or r.section, narrative.get(r.section, r.markdown)) for r in rows
    ]
    stored = {r.section for r in rows}
    extra = sorted(
        (k for k in narrative if k.startswith(CUSTOM) and k not in stored),
        key=lambda k: int(k[len(CUSTOM) :]),
    )
    return found + [CustomSection(key, narrative[key]) for key in extra]


def _label(item: dict[str, Any], lang: str, default: str = "") -> str:
    return str(item.get(f"label_{lang}") or item.get("label_en") or default)


def _key_figures(
    config: dict[str, Any], statistics: dict[str, tuple[date, float, str]], year: Figures, lang: str
) -> list[KeyFigure]:
    figures = []
    for item in config.get("key_figures", []):
        if "series" in item and item["series"] in statistics:
            when, value, source = statistics[item["series"]]
            figures.append(
                KeyFigure(
                    item["series"],
                    # As loaded: int() cut a rate of 4.75 to 4.
                    int(value) if value == int(value) else value,
                    _label(item, lang, item["series"]),
                    item.get("phrasing", "above"),
                    source,
                    when,
                )
            )
        elif item.get("figure") == "reached":
            figures.append(
                KeyFigure(
                    "reached",
                    year.reached(),
                    _label(item, lang, "people reached"),
                    item.get("phrasing", "number"),
                    "5W",
                    None,
                )
            )
    return figures


def _flows(platform: Platform, config: dict[str, Any], month: str, lang: str) -> Flows:
    setting = config.get("flows", {})
    start = date.fromisoformat(setting.get("from", f"{int(month[:4]) - 2}-01-01"))
    series: dict[str, list[tuple[date, int | float]]] = {}
    for role in ("arrivals", "departures"):
        key = setting.get(role, "entries" if role == "arrivals" else "exits")
        rows = Observation.objects.filter(
            series__platform=platform,
            series__key=key,
            period_start__gte=start,
            period_end__lte=month_end(month),
        )
        series[role] = sorted(
            (o.period_start, int(o.value) if o.value == int(o.value) else float(o.value))
            for o in rows
            if (o.period_end - o.period_start).days < 31
        )
    annotations = [
        (date.fromisoformat(a["date"]), _label(a, lang))
        for a in setting.get("annotations", [])
        if date.fromisoformat(a["date"]) <= month_end(month)
    ]
    return Flows(series["arrivals"], series["departures"], annotations, setting.get("source", ""))


def _areas(
    platform: Platform, year: Figures, month: Figures, texts: dict[str, str], lang: str
) -> list[AreaSection]:
    plan = plan_value(platform, int(year.date_to[:4]) if year.date_to else None)
    top = [s for s in plan.sectors if not s.parent_code]
    reported = set(year.rows["sector_code"].drop_nulls().unique().to_list())
    return [
        AreaSection(
            s.label(lang),
            month.partner_count("appealing", sector=s.code),
            year.reached(sector=s.code),
            texts.get(s.code, ""),
            reported=s.code in reported,
        )
        for s in top
    ]


def _presence(month: Figures) -> dict[str, int]:
    table = month.partners["by_admin1"]
    return {r["admin1"]: int(r["appealing"]) for r in table.iter_rows(named=True) if r["appealing"]}


def _presence_by_area(month: Figures, lang: str) -> dict[str, dict[str, int]]:
    found: dict[str, dict[str, int]] = {}
    table = (
        month.organisations.filter(pl.col("appealing"))
        .group_by("sector", "admin1")
        .agg(pl.col("organisation").n_unique().alias("partners"))
    )
    sectors = month.reference.plan.sectors if month.reference else []
    names = {s.code: s.label(lang) for s in sectors}
    order = {s.code: i for i, s in enumerate(sectors)}  # the plan's order, in every language
    rows = table.with_columns(pl.col("sector", "admin1").cast(pl.Utf8)).iter_rows(named=True)
    for row in sorted(rows, key=lambda r: (order.get(r["sector"], len(order)), r["sector"])):
        found.setdefault(names.get(row["sector"], row["sector"]), {})[row["admin1"]] = row[
            "partners"
        ]
    return found


def _provinces(month: Figures) -> list[ProvincePresence]:
    table = month.partners["by_admin2"]
    reference = month.reference
    departments = {p: u.name for p, u in reference.gazetteer.locations.items()} if reference else {}
    return [
        ProvincePresence(
            departments.get(r["admin1"], r["admin1"]),
            r["admin2_name"] or r["admin2"],
            int(r["appealing"]),
        )
        for r in table.iter_rows(named=True)
        if r["appealing"]
    ]


def _provinces_covered(rows: pl.DataFrame) -> int:
    """Distinct admin2 units of the month's rows (`rows`), before the disclosure rule."""
    placed = rows.filter(pl.col("admin2").is_not_null())
    return placed.select(pl.struct("country", "admin2").n_unique()).item() if placed.height else 0


def _coordination(
    platform: Platform, month: Figures, month_text: str, lang: str, rows: pl.DataFrame
) -> Coordination:
    first, last = date.fromisoformat(f"{month_text}-01"), month_end(month_text)
    joined = Membership.objects.filter(platform=platform, start_date__range=(first, last))
    events = EventRow.objects.filter(platform=platform, date__range=(first, last)).prefetch_related(
        "organisations"
    )
    return Coordination(
        organisations_reporting=month.partner_count("appealing"),
        departments_covered=month.coverage_count(1),
        # The provinces the public figures name. Counting the withheld ones too named them:
        # Tumbes has three provinces, and "3 provinces" told where the small row was.
        provinces_covered=month.coverage_count(2),
        provinces_withheld=_provinces_covered(rows) > month.coverage_count(2),
        new_members=[
            m.organisation.name_es or m.organisation.name_en
            if lang == "es"
            else m.organisation.name_en
            for m in joined.select_related("organisation")
        ],
        events=[
            Event(
                e.date,
                (e.title_es or e.title_en) if lang == "es" else e.title_en,
                e.type,
                e.attendance,
                e.organisations.count() or None,
            )
            for e in events
        ],
    )


def _partner_names(platform: Platform, month: str, lang: str) -> list[str]:
    """The platform's members during `month`: joined by its end (or on no recorded date) and
    not left before it starts. The October report listed members who joined in November."""
    first, last = date.fromisoformat(f"{month}-01"), month_end(month)
    members = (
        Membership.objects.filter(platform=platform)
        .exclude(start_date__gt=last)
        .exclude(end_date__lt=first)
        .select_related("organisation")
    )
    return [
        (m.organisation.name_es or m.organisation.name_en)
        if lang == "es"
        else m.organisation.name_en
        for m in members
    ]
