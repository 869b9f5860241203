"""Operational presence maps: partner counts per admin-1 unit, as a choropleth.

matplotlib + shapely only (no cartopy/geopandas): boundaries are a GeoJSON FeatureCollection in
longitude/latitude whose features carry `properties.pcode`. The plate carrée is stretched by
1/cos(latitude) at the map's centre, which is all the projection a country-scale choropleth
needs. Counts are shown by class (light to dark) and also written on the map, so the map reads
in greyscale; zero is white and hatched, never just "the lightest blue".
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from matplotlib.axes import Axes
from matplotlib.patches import Patch, PathPatch, Rectangle
from matplotlib.path import Path
from shapely.geometry import box, shape
from shapely.geometry.base import BaseGeometry
from shapely.geometry.polygon import Polygon, orient
from shapely.ops import unary_union

from kipu.core.phrasing import language, number
from kipu.core.report.charts import Graphic, frame, new_figure, rc, source_line, wrap
from kipu.core.report.labels import label
from kipu.core.report.style import DEFAULT_STYLE, Style
from kipu.core.text import normalise

INSET_BOX = (0.02, 0.02, 0.34, 0.34)  # axes fraction: lower left, over the sea for Peru
ZERO_HATCH = "//"


def _text(key: str, lang: str) -> str:
    return label(key, lang)


# --- data ----------------------------------------------------------------------------------


def load_features(boundaries: Mapping[str, Any]) -> dict[str, tuple[str, BaseGeometry]]:
    """pcode → (name, geometry), in file order; refuses features without a pcode."""
    features: dict[str, tuple[str, BaseGeometry]] = {}
    for i, feature in enumerate(boundaries.get("features", [])):
        props = feature.get("properties") or {}
        pcode = props.get("pcode")
        if not pcode:
            raise ValueError(f"feature {i} has no properties.pcode")
        features[str(pcode)] = (str(props.get("name") or pcode), shape(feature["geometry"]))
    if not features:
        raise ValueError("no features in boundaries")
    return features


def class_breaks(values: Iterable[int], n_classes: int = 4) -> list[int]:
    """Upper bounds of the non-zero classes: quantiles of the positive counts, deduplicated.

    With few distinct counts every count gets its own class; the last bound is the maximum.
    """
    positive = sorted(v for v in values if v > 0)
    if not positive:
        return []
    distinct = sorted(set(positive))
    if len(distinct) <= n_classes:
        return distinct
    bounds = {positive[math.ceil(k * len(positive) / n_classes) - 1] for k in range(1, n_classes)}
    return sorted(bounds | {positive[-1]})


def classify(count: int, breaks: Sequence[int]) -> int:
    """0 for no presence, else 1 + index of the first class whose bound holds the count."""
    if count <= 0:
        return 0
    for i, bound in enumerate(breaks):
        if count <= bound:
            return i + 1
    return len(breaks)


def class_labels(breaks: Sequence[int], lang: str = "en") -> list[str]:
    """["0", "1", "2–5", "6–37"]: the zero class first, then one label per break."""
    labels, lower = ["0"], 1
    for bound in breaks:
        low, high = number(lower, lang), number(bound, lang)
        labels.append(high if lower >= bound else f"{low}–{high}")
        lower = bound + 1
    return labels


def presence_table(
    rows: Mapping[str, int] | Iterable[tuple[str, int]], include_zero: bool = False
) -> list[tuple[str, int]]:
    """(name, count) rows for a province table: duplicates summed, largest first, then by
    name ignoring accents and case, so "Áncash" sorts with the A's."""
    items = rows.items() if isinstance(rows, Mapping) else rows
    totals: dict[str, int] = {}
    for name, count in items:
        totals[name] = totals.get(name, 0) + int(count)
    kept = [(n, c) for n, c in totals.items() if c > 0 or include_zero]
    return sorted(kept, key=lambda row: (-row[1], normalise(row[0]), row[0]))


# --- drawing -------------------------------------------------------------------------------


def _path(geom: BaseGeometry) -> Path:
    """One compound path per geometry; rings oriented so holes stay holes under nonzero fill."""
    polygons = list(getattr(geom, "geoms", [geom]))
    paths = []
    for polygon in polygons:
        if not isinstance(polygon, Polygon) or polygon.is_empty:
            continue
        polygon = orient(polygon, 1.0)
        for ring in [polygon.exterior, *polygon.interiors]:
            coords = list(ring.coords)
            codes = [Path.MOVETO] + [Path.LINETO] * (len(coords) - 2) + [Path.CLOSEPOLY]
            paths.append(Path(coords, codes))
    return Path.make_compound_path(*paths)


def _fills(breaks: Sequence[int], style: Style) -> list[str]:
    return [style.zero_fill, *style.classes(len(breaks))]


def _draw_units(
    ax: Axes,
    features: Mapping[str, tuple[str, BaseGeometry]],
    counts: Mapping[str, int],
    breaks: Sequence[int],
    style: Style,
) -> None:
    """Each unit filled by its class. The caller sets the view (`_fit`): `add_artist`, not
    `add_patch`, which walks every segment of every outline in Python to widen the data
    limits (two thirds of a map's drawing time), limits `_fit` then replaces anyway."""
    fills = _fills(breaks, style)
    for pcode, (_name, geom) in features.items():
        level = classify(int(counts.get(pcode, 0)), breaks)
        ax.add_artist(PathPatch(_path(geom), linewidth=0.5, **_look(level, fills, style)))


def _look(level: int, fills: Sequence[str], style: Style) -> dict[str, Any]:
    if level == 0:
        return {
            "facecolor": style.zero_fill,
            "edgecolor": style.outline,
            "hatch": ZERO_HATCH,
            "hatchcolor": style.zero_hatch,
        }
    return {"facecolor": fills[level], "edgecolor": style.outline}


def _label_counts(
    ax: Axes,
    features: Mapping[str, tuple[str, BaseGeometry]],
    counts: Mapping[str, int],
    breaks: Sequence[int],
    lang: str,
    style: Style,
    min_size: float,
) -> None:
    """Write each count on its unit, so classes need not be told apart by shade alone; skip
    units too small to hold a label (the inset is for those)."""
    fills = _fills(breaks, style)
    for pcode, (_name, geom) in features.items():
        count = int(counts.get(pcode, 0))
        if count <= 0 or _size(geom) < min_size:
            continue
        point = geom.representative_point()
        label = number(count, lang)
        fill = fills[classify(count, breaks)]
        colour = style.ink_on(fill) if count > 0 else style.text
        ax.text(
            point.x,
            point.y,
            label,
            ha="center",
            va="center",
            color=colour,
            fontsize=style.base_size - 2,
            clip_on=True,
        )


def _size(geom: BaseGeometry) -> float:
    minx, miny, maxx, maxy = geom.bounds
    return math.hypot(maxx - minx, maxy - miny)


def _fit(ax: Axes, bounds: tuple[float, float, float, float], pad: float) -> None:
    minx, miny, maxx, maxy = bounds
    margin = pad * max(maxx - minx, maxy - miny, 1e-6)
    ax.set_xlim(minx - margin, maxx + margin)
    ax.set_ylim(miny - margin, maxy + margin)
    mid_lat = (miny + maxy) / 2
    ax.set_aspect(1 / max(math.cos(math.radians(mid_lat)), 0.1))
    ax.set_xticks([])
    ax.set_yticks([])


def _legend_handles(breaks: Sequence[int], lang: str, style: Style) -> list[Patch]:
    fills = _fills(breaks, style)
    return [
        Patch(linewidth=0.5, label=label, **_look(i, fills, style))
        for i, label in enumerate(class_labels(breaks, lang))
    ]


def inset_window(geoms: Sequence[BaseGeometry]) -> tuple[float, float, float, float]:
    """The area the inset shows: all its units, unless one is tiny beside the others (Callao
    beside Lima), then a square four times the tiny one's size, centred on it."""
    union = unary_union(list(geoms))
    smallest = min(geoms, key=_size)
    if _size(smallest) >= 0.1 * _size(union):
        return union.bounds
    centre = smallest.centroid
    half = 2 * _size(smallest)
    return (centre.x - half, centre.y - half, centre.x + half, centre.y + half)


def _label_inset(
    ax: Axes,
    units: Mapping[str, tuple[str, BaseGeometry]],
    counts: Mapping[str, int],
    lang: str,
    style: Style,
) -> None:
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    window = box(x0, y0, x1, y1)
    for pcode, (name, geom) in units.items():
        visible = geom.intersection(window)
        if visible.is_empty:
            continue
        point = visible.representative_point()
        # A label would hide a unit that small: put it up-left with a leader line.
        offset = (-28, 22) if visible.area < 0.03 * window.area else (0, 0)
        ax.annotate(
            f"{name}\n{number(int(counts.get(pcode, 0)), lang)}",
            (point.x, point.y),
            xytext=offset,
            textcoords="offset points",
            ha="center",
            va="center",
            color=style.text,
            fontsize=style.base_size - 2,
            bbox={"facecolor": "#ffffff", "alpha": 0.85, "edgecolor": "none", "pad": 1.0},
            arrowprops={"arrowstyle": "-", "color": style.text, "linewidth": 0.6}
            if offset != (0, 0)
            else None,
        )


def _draw_inset(
    ax: Axes,
    features: Mapping[str, tuple[str, BaseGeometry]],
    counts: Mapping[str, int],
    breaks: Sequence[int],
    inset: Sequence[str],
    lang: str,
    style: Style,
) -> list[str]:
    missing = [p for p in inset if p not in features]
    if missing:
        raise ValueError(f"inset P-codes not in boundaries: {missing}")
    sub = ax.inset_axes(INSET_BOX)
    _draw_units(sub, features, counts, breaks, style)
    _fit(sub, inset_window([features[p][1] for p in inset]), 0.1)
    _label_inset(sub, {p: features[p] for p in inset}, counts, lang, style)
    for spine in sub.spines.values():
        spine.set_edgecolor(style.muted)
    x0, x1 = sub.get_xlim()
    y0, y1 = sub.get_ylim()
    ax.add_patch(
        Rectangle(
            (x0, y0),
            x1 - x0,
            y1 - y0,
            fill=False,
            edgecolor=style.muted,
            linewidth=0.8,
            linestyle="--",
        )
    )
    return [features[p][0] for p in inset]


def presence_map(
    boundaries: Mapping[str, Any],
    counts: Mapping[str, int],
    title: str = "",
    lang: str = "en",
    source: str = "",
    inset: Sequence[str] | None = None,
    *,
    breaks: Sequence[int] | None = None,
    legend_title: str | None = None,
    attribution: str | None = None,
    disclaimer: bool = True,
    style: Style = DEFAULT_STYLE,
    size: tuple[float, float] | None = None,
) -> Graphic:
    """Partners per unit (pcode → count; missing = 0) with an optional zoom inset.

    Counts for P-codes not in `boundaries` (e.g. a national pseudo-unit "PE00") cannot be
    mapped: they are listed in `meta["unmapped"]` for the caption.
    """
    lang = language(lang)
    features = load_features(boundaries)
    # Unmappable codes (a national pseudo-unit) must not shift the classes of the map.
    mapped = [c for p, c in counts.items() if p in features]
    breaks = list(class_breaks(mapped) if breaks is None else breaks)
    extent = unary_union([g for _, g in features.values()]).bounds
    with rc(style):
        fig = new_figure(style, size or (6.0, 1.6 + 6.0 * _ratio(extent, 0.5, 1.5)))
        ax = fig.add_subplot()
        line = _map_source(source, lang, attribution, disclaimer)
        frame(fig, title, line, style)
        _draw_units(ax, features, counts, breaks, style)
        _fit(ax, extent, 0.03)
        ax.set_axis_off()
        inset_names = _draw_inset(ax, features, counts, breaks, inset, lang, style) if inset else []
        min_size = 0.04 * math.hypot(extent[2] - extent[0], extent[3] - extent[1])
        _label_counts(ax, features, counts, breaks, lang, style, min_size)
        ax.legend(
            handles=_legend_handles(breaks, lang, style),
            loc="upper right",
            title=legend_title or _text("partners", lang),
            frameon=False,
            fontsize=style.base_size - 1,
        )
        meta = {
            "breaks": breaks,
            "labels": class_labels(breaks, lang),
            "inset": inset_names,
            "unmapped": sorted(p for p in counts if p not in features),
        }
        return Graphic(fig, title, line, style, meta)


def _ratio(bounds: tuple[float, float, float, float], low: float, high: float) -> float:
    """Height/width of the map as drawn, clamped so odd shapes still fit a page."""
    minx, miny, maxx, maxy = bounds
    stretch = 1 / max(math.cos(math.radians((miny + maxy) / 2)), 0.1)
    ratio = (maxy - miny) * stretch / max(maxx - minx, 1e-6)
    return min(max(ratio, low), high)


def _map_source(source: str, lang: str, attribution: str | None, disclaimer: bool) -> str:
    extra = [_text("boundaries", lang) if attribution is None else attribution]
    if disclaimer:
        extra.append(_text("disclaimer", lang))
    return source_line(source, lang, *extra)


def small_multiples(
    boundaries: Mapping[str, Any],
    counts_by_area: Mapping[str, Mapping[str, int]],
    title: str = "",
    lang: str = "en",
    source: str = "",
    *,
    ncols: int = 3,
    breaks: Sequence[int] | None = None,
    legend_title: str | None = None,
    attribution: str | None = None,
    disclaimer: bool = True,
    style: Style = DEFAULT_STYLE,
    panel_size: float = 2.4,
) -> Graphic:
    """One map per area/sector, same classes everywhere, one shared legend at the bottom."""
    lang = language(lang)
    features = load_features(boundaries)
    areas = list(counts_by_area)
    if not areas:
        raise ValueError("no areas to map")
    every = [c for counts in counts_by_area.values() for p, c in counts.items() if p in features]
    breaks = list(class_breaks(every) if breaks is None else breaks)
    extent = unary_union([g for _, g in features.values()]).bounds
    ncols = max(1, min(ncols, len(areas)))
    nrows = math.ceil(len(areas) / ncols)
    panel_height = panel_size * _ratio(extent, 0.3, 2.0) + 0.35
    size = (panel_size * ncols + 0.3, panel_height * nrows + 0.9)
    with rc(style):
        fig = new_figure(style, size)
        line = _map_source(source, lang, attribution, disclaimer)
        legend_at = frame(fig, title, line, style, legend_inches=0.55)
        axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
        for ax, area in zip(axes, areas, strict=False):
            _draw_units(ax, features, counts_by_area[area], breaks, style)
            _fit(ax, extent, 0.03)
            ax.set_axis_off()
            ax.set_title(wrap(area, int(panel_size * 11)), fontsize=style.base_size)
        for ax in axes[len(areas) :]:
            ax.set_axis_off()
        fig.legend(
            handles=_legend_handles(breaks, lang, style),
            loc="lower center",
            bbox_to_anchor=(0.5, legend_at),
            ncols=len(breaks) + 1,
            title=legend_title or _text("partners", lang),
            frameon=False,
            fontsize=style.base_size - 1,
            title_fontsize=style.base_size - 1,
        )
        meta = {"breaks": breaks, "labels": class_labels(breaks, lang), "areas": areas}
        return Graphic(fig, title, line, style, meta)
