"""Report charts (Figure 1 and the response bar charts) as self-contained SVG and PNG.

Figures are built on `matplotlib.figure.Figure` with the Agg canvas, never through pyplot: no
global figure registry, no GUI backend, safe inside a web worker. Output is deterministic
(fixed SVG id salt, no date metadata) so it can be compared in tests and cached by content.
"""

from __future__ import annotations

import io
import math
import re
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal
from xml.sax.saxutils import escape

import matplotlib

matplotlib.use("Agg")  # explicit: a report server has no display

from matplotlib import dates as mdates  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.layout_engine import ConstrainedLayoutEngine  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402

from kipu.core.phrasing import language, number  # noqa: E402
from kipu.core.report.labels import SHORT_MONTHS  # noqa: E402
from kipu.core.report.labels import label as label_text  # noqa: E402
from kipu.core.report.style import DEFAULT_STYLE, Style  # noqa: E402


def rc(style: Style) -> AbstractContextManager[Any]:
    """The style's rcParams, for the duration of a build or an export."""
    return matplotlib.rc_context(style.rc())  # type: ignore[arg-type]


def text(key: str, lang: str) -> str:
    return label_text(key, lang)


@dataclass
class Graphic:
    """A finished figure: call `svg()` or `png()`; `meta` carries facts for captions/tests."""

    figure: Figure
    title: str
    description: str = ""
    style: Style = DEFAULT_STYLE
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Constrained layout re-solves on every draw and does not always land on the same
        # positions twice; solve it now, then freeze it, so every export is identical. The
        # layout needs text sizes only, not pixels: drawn without rendering (a tenth of the
        # time; the same positions, tests/core/report compare the files).
        with rc(self.style):
            self.figure.draw_without_rendering()
            self.figure.draw_without_rendering()
        self.figure.set_layout_engine("none")

    def svg(self) -> str:
        buf = io.StringIO()
        metadata = {"Title": self.title, "Date": None, "Creator": None, "Type": None}
        with rc(self.style):
            self.figure.savefig(buf, format="svg", metadata=metadata)
        return _clean_svg(buf.getvalue(), self.description)

    def png(self, dpi: int = 150) -> bytes:
        buf = io.BytesIO()
        with rc(self.style):
            self.figure.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
        return buf.getvalue()


def _clean_svg(svg: str, description: str) -> str:
    """Drop the DOCTYPE and the RDF block (URLs that a strict offline check would flag) and
    add a <desc> after the <title>, so screen readers and search find the source line."""
    svg = re.sub(r"<!DOCTYPE[^>]*>\s*", "", svg, count=1)
    svg = re.sub(r"\s*<metadata>.*?</metadata>", "", svg, count=1, flags=re.S)
    if description:
        desc = f"<desc>{escape(description)}</desc>"
        svg = svg.replace("</title>", "</title>" + desc, 1)
    return svg


def new_figure(style: Style, size: tuple[float, float]) -> Figure:
    """A figure on its own Agg canvas; call inside `rc_context(style.rc())`."""
    figure = Figure(figsize=size, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def wrap(label: str, width: int) -> str:
    return "\n".join(textwrap.wrap(str(label), width)) or str(label)


def source_line(source: str, lang: str, *extra: str) -> str:
    """ "Source: GTRM 5W. Boundaries: Natural Earth." — the parts given, in that order."""
    parts = [f"{text('source', lang)}: {source}" if source else "", *extra]
    return " ".join(p if p.endswith(".") else p + "." for p in parts if p)


def frame(fig: Figure, title: str, line: str, style: Style, legend_inches: float = 0.0) -> float:
    """Title top-left, source line bottom-left, and `legend_inches` kept free above the
    source line; returns that free band's bottom, as a figure fraction."""
    width_chars = int(fig.get_figwidth() * 13)
    if title:
        fig.suptitle(
            wrap(title, width_chars),
            x=0.01,
            ha="left",
            fontweight="bold",
            fontsize=style.base_size + 2,
            color=style.text,
        )
    source_inches = 0.0
    if line:
        wrapped = wrap(line, int(width_chars * 1.3))
        source_inches = 0.12 + 0.14 * (wrapped.count("\n") + 1)
        fig.text(
            0.01,
            # The line's foot 0.08 in above the edge at most (2% of a figure up to 4 in tall,
            # as before): 2% of a tall one (small multiples of seven areas or more) ran the
            # line into the band kept above it for the legend.
            min(0.02, 0.08 / fig.get_figheight()),
            wrapped,
            ha="left",
            va="bottom",
            fontsize=style.base_size - 1.5,
            color=style.muted,
        )
    reserve = (source_inches + legend_inches) / fig.get_figheight()
    engine = fig.get_layout_engine()
    if reserve and isinstance(engine, ConstrainedLayoutEngine):
        engine.set(rect=(0, reserve, 1, 1 - reserve))
    return source_inches / fig.get_figheight()


def number_axis(axis: Any, lang: str) -> None:
    axis.set_major_locator(MaxNLocator(nbins=6, integer=True))
    axis.set_major_formatter(FuncFormatter(lambda v, _pos: number(round(v, 6), lang)))


def _months(first: date, last: date) -> list[date]:
    out, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        out.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def _month_ticks(ax: Any, first: date, last: date, lang: str) -> None:
    months = _months(first, last)
    step = 1 if len(months) <= 14 else 3 if len(months) <= 40 else 6
    ticks = [m for i, m in enumerate(months) if (m.month - 1) % step == 0 or i == 0]
    labels = [
        f"{SHORT_MONTHS[lang][m.month - 1]}\n{m.year}"
        if m.month == 1 or i == 0
        else SHORT_MONTHS[lang][m.month - 1]
        for i, m in enumerate(ticks)
    ]
    ax.set_xticks(mdates.date2num(ticks), labels)
    ax.set_xticks(mdates.date2num(months), minor=True)


def _with_gaps(points: Sequence[tuple[date, float]]) -> tuple[list[float], list[float]]:
    """The points of a line, broken where months are missing (a NaN between them): a month
    left out (not published) was drawn as the straight line from its neighbours, which read
    as a value for it."""
    xs: list[float] = []
    ys: list[float] = []
    previous: date | None = None
    for day, value in sorted(points):
        if (
            previous is not None
            and (day.year - previous.year) * 12 + day.month - previous.month > 1
        ):
            xs.append(mdates.date2num(date(previous.year, previous.month, 1)) + 20)
            ys.append(math.nan)
        xs.append(mdates.date2num(date(day.year, day.month, 1)))
        ys.append(float(value))
        previous = day
    return xs, ys


def _draw_series(
    ax: Any, series: Mapping[str, Sequence[tuple[date, float]]], kind: str, style: Style
) -> None:
    looks = style.series(len(series))
    width = 26.0 / max(len(series), 1)
    for i, (label, points) in enumerate(series.items()):
        look = looks[i]
        xs = [mdates.date2num(date(d.year, d.month, 1)) for d, _ in points]
        ys = [float(v) for _, v in points]
        if kind == "bars":
            offset = 2 + width * i + width / 2
            ax.bar(
                [x + offset for x in xs],
                ys,
                width=width,
                label=label,
                color=look.colour,
                hatch=look.hatch,
                edgecolor=style.text,
                linewidth=0.4,
            )
        else:
            xs, ys = _with_gaps(points)
            ax.plot(
                [x + 14 for x in xs],
                ys,
                label=label,
                color=look.colour,
                linestyle=look.linestyle,
                marker=look.marker,
                markersize=3,
                linewidth=1.6,
            )


def _annotate(ax: Any, annotations: Iterable[tuple[date, str]], style: Style) -> list[str]:
    drawn = []
    for when, label in annotations:
        x = mdates.date2num(when)
        ax.axvline(x, color=style.text, linestyle="--", linewidth=0.8)
        ax.text(
            x,
            0.98,
            f"{label} ",
            transform=ax.get_xaxis_transform(),
            rotation=90,
            ha="right",
            va="top",
            fontsize=style.base_size - 1.5,
            color=style.text,
        )
        drawn.append(label)
    return drawn


def arrivals_departures_chart(
    series: Mapping[str, Sequence[tuple[date, float]]],
    annotations: Iterable[tuple[date, str]] = (),
    lang: str = "en",
    title: str = "",
    source: str = "",
    *,
    kind: Literal["bars", "lines"] = "bars",
    y_label: str | None = None,
    style: Style = DEFAULT_STYLE,
    size: tuple[float, float] = (7.0, 3.8),
) -> Graphic:
    """Figure 1: monthly arrivals and departures (one series per key, label = key).

    Each point's date stands for its whole month; `annotations` draw a dashed line at a day
    (a policy change) with its label.
    """
    lang = language(lang)
    if kind not in ("bars", "lines"):
        raise ValueError("kind must be 'bars' or 'lines'")
    with rc(style):
        fig = new_figure(style, size)
        ax = fig.add_subplot()
        line = source_line(source, lang)
        frame(fig, title, line, style)
        all_dates = [d for points in series.values() for d, _ in points]
        if not all_dates:
            _no_data(ax, lang, style)
            return Graphic(fig, title, line, style, {"series": []})
        _draw_series(ax, series, kind, style)
        notes = _annotate(ax, annotations, style)
        _month_ticks(ax, min(all_dates), max(all_dates), lang)
        number_axis(ax.yaxis, lang)
        ax.set_ylabel(y_label or text("per_month", lang))
        tidy_axes(ax, "y", style)
        ax.legend(
            loc="lower left",
            frameon=False,
            ncols=max(len(series), 1),
            bbox_to_anchor=(0, 1.0),
            borderaxespad=0.3,
        )
        meta = {"series": list(series), "annotations": notes}
        return Graphic(fig, title, line, style, meta)


def tidy_axes(ax: Any, grid_axis: str, style: Style) -> None:
    ax.grid(axis=grid_axis, color=style.grid, linewidth=0.6)
    ax.set_axisbelow(True)
    ax.spines[["top", "right"]].set_visible(False)


def _no_data(ax: Any, lang: str, style: Style) -> None:
    ax.set_axis_off()
    ax.text(
        0.5,
        0.5,
        text("no_data", lang),
        ha="center",
        va="center",
        color=style.muted,
        transform=ax.transAxes,
    )


def _hbar_chart(
    values: Mapping[str, int | float],
    lang: str,
    title: str,
    source: str,
    axis_label: str,
    style: Style,
) -> Graphic:
    lang = language(lang)
    ordered = sorted(values.items(), key=lambda kv: (-kv[1], str(kv[0])))
    with rc(style):
        fig = new_figure(style, (6.5, 1.3 + 0.32 * max(len(ordered), 2)))
        ax = fig.add_subplot()
        line = source_line(source, lang)
        frame(fig, title, line, style)
        if not ordered:
            _no_data(ax, lang, style)
            return Graphic(fig, title, line, style, {"labels": []})
        numbers = [v for _, v in ordered]
        bars = ax.barh(range(len(ordered)), numbers, color=style.primary, height=0.65)
        ax.set_yticks(range(len(ordered)), [wrap(k, 30) for k, _ in ordered])
        ax.invert_yaxis()
        ax.bar_label(
            bars,
            labels=[number(v, lang) for v in numbers],
            padding=3,
            fontsize=style.base_size - 0.5,
            color=style.text,
        )
        ax.set_xlim(0, max(max(numbers), 1) * 1.15)
        number_axis(ax.xaxis, lang)
        ax.set_xlabel(axis_label)
        tidy_axes(ax, "x", style)
        ax.tick_params(axis="y", length=0)
        return Graphic(fig, title, line, style, {"labels": [k for k, _ in ordered]})


def reached_by_sector_chart(
    values: Mapping[str, int],
    lang: str = "en",
    source: str = "",
    *,
    title: str | None = None,
    style: Style = DEFAULT_STYLE,
) -> Graphic:
    """People reached per sector, largest first, value at each bar's end."""
    title = text("reached_title", lang) if title is None else title
    return _hbar_chart(values, lang, title, source, text("reached", lang), style)


def partners_by_area_chart(
    values: Mapping[str, int],
    lang: str = "en",
    source: str = "",
    *,
    title: str | None = None,
    style: Style = DEFAULT_STYLE,
) -> Graphic:
    """Number of partners per area of intervention, largest first."""
    title = text("partners_title", lang) if title is None else title
    return _hbar_chart(values, lang, title, source, text("partners", lang), style)
