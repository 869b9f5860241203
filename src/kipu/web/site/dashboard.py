"""The dashboard's numbers, charts and tables for one visitor and one set of filters.

Rows come from the cached activity frame, narrowed by the visitor's scope (published months
only, unless an authorised user asks for the internal view), then by the filters; figures
come from the one engine. Results are cached per data version, scope and filters, so twenty
visitors looking at the same page cost one computation.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl

from kipu.core.figures import FigureOptions, Figures, compute_figures
from kipu.core.report import charts, maps
from kipu.web.accounts.scope import Scope
from kipu.web.figures.queries import cached_activity_frame, cached_reference_data
from kipu.web.reports.context import INSETS, boundaries_for
from kipu.web.stats.models import Observation

MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
CACHE_SIZE = 256


@dataclass(frozen=True)
class Filters:
    date_from: str | None = None
    date_to: str | None = None
    sector: str | None = None
    admin1: str | None = None
    organisation: str | None = None
    internal: bool = False
    country: str | None = None  # a regional platform's one country (ISO3)

    @classmethod
    def from_query(cls, query: Any) -> Filters:
        def month(name: str) -> str | None:
            value = query.get(name) or None
            return value if value and MONTH.match(value) else None

        return cls(
            month("from"),
            month("to"),
            query.get("sector") or None,
            query.get("admin1") or None,
            query.get("org") or None,
            query.get("view") == "internal",
            (query.get("country") or "").upper() or None,
        )

    def query(self) -> str:
        pairs = {
            "from": self.date_from,
            "to": self.date_to,
            "sector": self.sector,
            "admin1": self.admin1,
            "org": self.organisation,
            "view": "internal" if self.internal else None,
            "country": self.country,
        }
        return "&".join(f"{k}={v}" for k, v in pairs.items() if v)


@dataclass
class Dashboard:
    scope: Scope
    filters: Filters
    figures: Figures
    months: list[str]  # months with data in view, oldest first
    lang: str
    key: tuple[Any, ...] = ()  # the cache key of `figures`, for what is derived from them

    @property
    def platform(self) -> Any:
        return self.scope.platform


_CACHE: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
_LOCK = threading.Lock()
_BEING_MADE: dict[tuple[Any, ...], threading.Event] = {}


def cached(key: tuple[Any, ...], compute: Any) -> Any:
    """A small LRU shared by the process's threads; values are immutable once made. A value
    is made once: a thread asking for it meanwhile (the start-up warm-up and the first
    visitor, twenty visitors at once) waits for it instead of making it again."""
    while True:
        with _LOCK:
            if key in _CACHE:
                _CACHE.move_to_end(key)
                return _CACHE[key]
            making = _BEING_MADE.get(key)
            if making is None:
                making = _BEING_MADE[key] = threading.Event()
                break
        making.wait()  # then read it from the cache (or make it, if its maker failed)
    try:
        value = compute()
        with _LOCK:
            _CACHE[key] = value
            while len(_CACHE) > CACHE_SIZE:
                _CACHE.popitem(last=False)
        return value
    finally:
        with _LOCK:
            del _BEING_MADE[key]
        making.set()


def _scope_key(scope: Scope, internal: bool) -> tuple[Any, ...]:
    if not internal:
        return ("published",)
    organisation = scope.organisation.pk if scope.organisation else None
    return (scope.role, organisation, tuple(sorted(scope.sector_codes)))


def visible_frame(
    scope: Scope, frame: pl.DataFrame, filters: Filters, parents: dict[str, str]
) -> pl.DataFrame:
    """Published months for everyone; the internal view adds the user's own remit."""
    if filters.internal and scope.can_view_unpublished():
        rows = frame.filter(scope.frame_rows(parents))
    else:
        rows = frame.filter(pl.col("month").is_in(sorted(scope.published_months)))
    conditions = [
        pl.col("month") >= filters.date_from if filters.date_from else None,
        pl.col("month") <= filters.date_to if filters.date_to else None,
        (pl.col("sector") == filters.sector)
        | (
            pl.col("sector").replace_strict(parents, default=None, return_dtype=pl.Utf8)
            == filters.sector
        ).fill_null(False)
        if filters.sector
        else None,
        pl.col("country") == filters.country if filters.country else None,
        pl.col("admin1") == filters.admin1 if filters.admin1 else None,
        (pl.col("appealing_org") == filters.organisation)
        | (pl.col("implementing_partner") == filters.organisation).fill_null(False)
        if filters.organisation
        else None,
    ]
    for condition in conditions:
        if condition is not None:
            rows = rows.filter(condition)
    return rows


def dashboard(scope: Scope, filters: Filters, lang: str = "en") -> Dashboard:
    version, frame = cached_activity_frame(scope.platform)
    key = (
        "dashboard",
        scope.platform.pk,
        version,
        _scope_key(scope, filters.internal),
        tuple(sorted(scope.published_months)),
        filters,
    )

    def compute() -> tuple[Figures, list[str]]:
        year = int((filters.date_to or filters.date_from or "0")[:4]) or None
        reference = cached_reference_data(scope.platform, year)
        parents = {s.code: s.parent_code for s in reference.plan.sectors if s.parent_code}
        rows = visible_frame(scope, frame, filters, parents)
        months = sorted(rows["month"].unique().to_list())
        options = FigureOptions(
            date_from=filters.date_from or (months[0] if months else None),
            date_to=filters.date_to or (months[-1] if months else None),
            admin1=reference.admin1_scope or None,
        )
        return compute_figures(rows, reference, options), months

    figures, months = cached(key, compute)
    return Dashboard(scope, filters, figures, months, lang, key)


def key_numbers(board: Dashboard) -> list[tuple[str, int | None]]:
    figures = board.figures
    return [
        ("people_reached", figures.reached() if board.months else None),
        ("partners", figures.partners.get("appealing", 0)),
        ("admin1_covered", figures.coverage.get("admin1", 0)),
        ("admin2_covered", figures.coverage.get("admin2", 0)),
    ]


def _derived(board: Dashboard, name: str, make: Any) -> Any:
    """A table made from the board's figures, cached with them: a table asks the figures once
    per row (hundreds of admin1 units in a region), too slow to redo on every request."""
    return cached((*board.key, name), lambda: make(board)) if board.key else make(board)


def sector_table(board: Dashboard) -> list[dict[str, Any]]:
    """People reached (at the end of the period) and partners, per sector or area."""
    # The names follow the language; the cached figures do not, so the table is cached per language.
    return _derived(board, f"sector_table-{board.lang}", _sector_table)


def _sector_table(board: Dashboard) -> list[dict[str, Any]]:
    figures = board.figures
    partners = {r["sector"]: r for r in figures.partners["by_sector"].iter_rows(named=True)}
    sectors = figures.reference.plan.sectors if figures.reference else []
    names = {s.code: (s.name_es if board.lang == "es" and s.name_es else s.name) for s in sectors}
    return [
        {
            "code": code,
            "sector": name,
            "reached": figures.reached(sector=code),
            "partners": int(partners.get(code, {}).get("appealing", 0)),
        }
        for code, name in names.items()
        if code in partners or figures.reached(sector=code)
    ]


def admin1_table(board: Dashboard) -> list[dict[str, Any]]:
    return _derived(board, "admin1_table", _admin1_table)


def _admin1_table(board: Dashboard) -> list[dict[str, Any]]:
    figures = board.figures
    rows = figures.partners["by_admin1"].iter_rows(named=True)
    return sorted(
        (
            {
                "pcode": r["admin1"],
                "admin1": r["admin1_name"],
                "partners": int(r["appealing"]),
                "reached": figures.reached(admin1=r["admin1"]),
            }
            for r in rows
        ),
        key=lambda r: (-r["partners"], r["admin1"] or ""),
    )


def monthly_series(board: Dashboard) -> dict[str, list[tuple[date, float]]]:
    """New people reached per month (Intersector, country level)."""
    figures = board.figures
    rows = figures.rows.filter(pl.col("admin1").is_null(), pl.col("sector_code").is_null())
    monthly = rows.group_by("month").agg(pl.col("new").sum()).sort("month")
    label = "New people reached" if board.lang == "en" else "Personas nuevas alcanzadas"
    return {label: [(date.fromisoformat(f"{m}-01"), float(v)) for m, v in monthly.iter_rows()]}


def flows(board: Dashboard) -> dict[str, list[tuple[date, float]]]:
    """Monthly arrivals and departures (official statistics; always public)."""
    config = (board.platform.report_config or {}).get("flows", {})
    labels = {"en": ("Arrivals", "Departures"), "es": ("Entradas", "Salidas")}[board.lang]
    found: dict[str, list[tuple[date, float]]] = {}
    for label, key in zip(
        labels, (config.get("arrivals", "entries"), config.get("departures", "exits")), strict=True
    ):
        rows = Observation.objects.filter(series__platform=board.platform, series__key=key)
        found[label] = sorted(
            (o.period_start, float(o.value))
            for o in rows
            if (o.period_end - o.period_start).days < 31
        )
    return {k: v for k, v in found.items() if v}


def chart(board: Dashboard, name: str) -> charts.Graphic | None:
    """One of the dashboard's charts, or None when it has nothing to show."""

    def make() -> charts.Graphic | None:
        source = f"{board.platform.name} 5W"
        if name == "reached-over-time":
            series = monthly_series(board)
            return (
                charts.arrivals_departures_chart(
                    series, lang=board.lang, source=source, kind="lines"
                )
                if any(series.values())
                else None
            )
        if name == "reached-by-sector":
            values = {r["sector"]: r["reached"] for r in sector_table(board)}
            return charts.reached_by_sector_chart(values, board.lang, source) if values else None
        if name == "partners-by-sector":
            values = {r["sector"]: r["partners"] for r in sector_table(board)}
            return charts.partners_by_area_chart(values, board.lang, source) if values else None
        if name == "arrivals-departures":
            series = flows(board)
            return charts.arrivals_departures_chart(series, lang=board.lang) if series else None
        if name == "presence-map":
            return _presence_map(board)
        raise KeyError(name)

    return cached(_chart_key(board, name), make)


def _chart_key(board: Dashboard, name: str) -> tuple[Any, ...]:
    version = cached_activity_frame(board.platform)[0]
    return (
        "chart",
        board.platform.pk,
        version,
        _scope_key(board.scope, board.filters.internal),
        tuple(sorted(board.scope.published_months)),
        board.filters,
        board.lang,
        name,
    )


def chart_bytes(board: Dashboard, name: str, ext: str) -> bytes | None:
    """The chart drawn once per data version and filters: drawing takes most of a second,
    and a matplotlib figure must not be drawn by two threads at once."""

    def draw() -> bytes | None:
        graphic = chart(board, name)
        if graphic is None:
            return None
        with _DRAW_LOCK:
            return graphic.svg().encode("utf-8") if ext == "svg" else graphic.png(dpi=110)

    return cached((*_chart_key(board, name), ext), draw)


_DRAW_LOCK = threading.Lock()


CHARTS = (
    "reached-over-time",
    "reached-by-sector",
    "partners-by-sector",
    "presence-map",
    "arrivals-departures",
)


def _presence_map(board: Dashboard) -> charts.Graphic | None:
    shapes = boundaries_for(board.platform.country)
    if shapes is None:
        return None
    counts = {r["pcode"]: r["partners"] for r in admin1_table(board) if r["pcode"]}
    return maps.presence_map(
        shapes,
        counts,
        lang=board.lang,
        source=f"{board.platform.name} 5W",
        inset=INSETS.get(board.platform.country),
    )
