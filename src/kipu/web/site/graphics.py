"""The dashboard's charts (SVG and PNG downloads), drawn by the report's chart functions from
the board's numbers; each source line carries the period, the filters and the
synthetic-data note (kipu.web.site.downloads)."""

from __future__ import annotations

import io
import threading
from datetime import date
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kipu.core.report import charts, maps
from kipu.core.report.labels import label
from kipu.web.figures.queries import cached_activity_frame
from kipu.web.reports.context import INSETS, boundaries_for, month_end
from kipu.web.site import board_tables
from kipu.web.site import dashboard as board_data
from kipu.web.site.dashboard import Dashboard
from kipu.web.site.downloads import chart_source
from kipu.web.site.official import statistics_version
from kipu.web.stats.models import Observation

CHART_TITLES = {
    "reached-over-time": gettext_lazy("New people reached per month"),
    "reached-by-sector": gettext_lazy("People reached by sector or area"),
    "partners-by-sector": gettext_lazy("Partners by sector or area"),
    "presence-map": gettext_lazy("Operational presence"),
    "arrivals-departures": gettext_lazy("Arrivals and departures"),
}
CHARTS = tuple(CHART_TITLES)
_DRAW_LOCK = threading.Lock()


def flows(board: Dashboard) -> dict[str, list[tuple[date, float]]]:
    """Monthly arrivals and departures up to the end of the period (official statistics,
    always public), as the report's figure 1."""
    config = (board.platform.report_config or {}).get("flows", {})
    labels = (label("arrivals", board.lang), label("departures", board.lang))
    keys = (config.get("arrivals", "entries"), config.get("departures", "exits"))
    start = date.fromisoformat(config.get("from", "2000-01-01"))
    end = month_end(board.period[1]) if board.period[1] else date.max
    found: dict[str, list[tuple[date, float]]] = {}
    for name, key in zip(labels, keys, strict=True):
        rows = Observation.objects.filter(
            series__platform=board.platform,
            series__key=key,
            period_start__gte=start,
            period_end__lte=end,
        )
        found[name] = sorted(
            (o.period_start, float(o.value))
            for o in rows
            if (o.period_end - o.period_start).days < 31
        )
    return {k: v for k, v in found.items() if v}


def has_chart(board: Dashboard, name: str) -> bool:
    """Whether the chart has something to show, without drawing it."""
    if name == "arrivals-departures":
        return bool(flows(board))
    if name == "presence-map":
        return _shapes(board) is not None and board.has_data
    if name == "reached-over-time":
        return bool(board_tables.monthly_series(board))
    return bool(board_tables.sector_table(board))


def chart(board: Dashboard, name: str) -> charts.Graphic | None:
    """One of the dashboard's charts, or None when it has nothing to show."""
    if name not in CHARTS:
        raise KeyError(name)
    if not has_chart(board, name):
        return None
    source, title = chart_source(board), str(CHART_TITLES[name])
    if name == "reached-over-time":
        series = {
            _("New people reached"): [(d, float(v)) for d, v in board_tables.monthly_series(board)]
        }
        return charts.arrivals_departures_chart(
            series, lang=board.lang, title=title, source=source, kind="lines"
        )
    if name == "reached-by-sector":
        values = {r["sector"]: r["reached"] for r in board_tables.sector_table(board)}
        return charts.reached_by_sector_chart(values, board.lang, source, title=title)
    if name == "partners-by-sector":
        values = {r["sector"]: r["partners"] for r in board_tables.sector_table(board)}
        return charts.partners_by_area_chart(values, board.lang, source, title=title)
    if name == "arrivals-departures":
        config = (board.platform.report_config or {}).get("flows", {})
        official = chart_source(board, config.get("source") or _("official statistics"))
        note = _("The dashboard's filters do not apply to official statistics.")
        return charts.arrivals_departures_chart(
            flows(board), lang=board.lang, title=title, source=f"{official} {note}"
        )
    counts = {r["pcode"]: r["partners"] for r in board_tables.admin1_table(board) if r["pcode"]}
    shapes = _shapes(board)
    assert shapes is not None  # has_chart
    return maps.presence_map(
        shapes,
        counts,
        title=title,
        lang=board.lang,
        source=source,
        # One department selected is drawn at its own scale: no inset.
        inset=None if board.filters.admin1 else INSETS.get(board.platform.country),
    )


def _shapes(board: Dashboard) -> dict[str, Any] | None:
    """The boundaries the presence map draws: the country's, or the one department the
    filter selects (the others, drawn as "0 partners", were out of the selection, not
    empty); None when there is nothing to draw (no boundaries, Country level selected)."""
    shapes = boundaries_for(board.platform.country)
    selected = board.filters.admin1
    if shapes is None or selected is None:
        return shapes
    kept = [f for f in shapes["features"] if (f.get("properties") or {}).get("pcode") == selected]
    return {**shapes, "features": kept} if kept else None


def chart_key(board: Dashboard, name: str) -> tuple[Any, ...]:
    version = cached_activity_frame(board.platform)[0]
    return (
        "chart",
        board.platform.pk,
        version,
        statistics_version(board.platform),
        board_data.scope_key(board.scope, board.filters.internal),
        tuple(sorted(board.scope.published_months)),
        board.filters,
        board.lang,
        name,
    )


def chart_bytes(board: Dashboard, name: str, ext: str) -> bytes | None:
    """The chart drawn once per data version and filters: drawing takes most of a second,
    and a matplotlib figure must not be drawn by two threads at once."""

    def draw() -> bytes | None:
        with _DRAW_LOCK:
            graphic = chart(board, name)
            if graphic is None:
                return None
            if ext == "svg":
                return graphic.svg().encode("utf-8")
            return with_text(graphic.png(dpi=110), graphic.title, graphic.description)

    return board_data.cached((*chart_key(board, name), ext), draw)


def with_text(png: bytes, title: str, description: str) -> bytes:
    """The PNG with its title and source line (period, filters, synthetic-data note) also as
    text chunks, for the programs that index images: the drawn line is only pixels."""
    from PIL import Image
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_itxt("Title", title or "Kipu")
    info.add_itxt("Description", description)
    out = io.BytesIO()
    with Image.open(io.BytesIO(png)) as image:
        image.save(out, format="PNG", pnginfo=info, optimize=True)
    return out.getvalue()
