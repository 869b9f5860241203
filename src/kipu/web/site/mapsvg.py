"""The dashboard's map: departments shaded by people reached, each named with its value, as
an inline SVG that scales to any screen (viewBox, no fixed size) and reads without colour.

The shapes are the boundaries the report's maps use (`reports.context.boundaries_for`),
simplified once per process; the classes are the report maps' (`core.report.maps`). Colours
and type come from static/site/dashboard.css (classes c0–c4), so the page keeps its
Content-Security-Policy (no style attributes).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry
from shapely.geometry.polygon import Polygon

from kipu.core.report.maps import class_breaks, class_labels, classify
from kipu.web.reports.context import boundaries_for

WIDTH = 600.0
TOLERANCE = 0.02  # degrees: about 2 km, invisible at this size
SMALL = 0.03  # a unit smaller than this share of the map's diagonal is labelled aside


@dataclass(frozen=True)
class Unit:
    pcode: str
    name: str
    path: str  # SVG path data in viewBox units
    x: float  # where its label goes
    y: float
    leader: tuple[float, float] | None  # the unit's own point, when the label is aside


@dataclass(frozen=True)
class Shapes:
    width: float
    height: float
    units: tuple[Unit, ...]


@dataclass(frozen=True)
class MapUnit:
    unit: Unit
    value: int | None  # None: a department the filter leaves out (not 0 people)
    partners: int | None
    level: int  # 0 = nobody reached, 1–4 = class; -1 = not in the selection
    reported: bool = True  # a row names the department: else "no activities", not "0 people"


@dataclass(frozen=True)
class DepartmentMap:
    width: float
    height: float
    units: list[MapUnit]
    legend: list[tuple[int, str]]  # (class, label)


def _polygons(geom: BaseGeometry) -> list[Polygon]:
    return [p for p in getattr(geom, "geoms", [geom]) if isinstance(p, Polygon) and not p.is_empty]


@lru_cache(maxsize=8)
def shapes(country: str) -> Shapes | None:
    """The country's admin1 units projected into a WIDTH-wide box (plate carrée stretched by
    1/cos(latitude) at the centre, as the report's maps), or None without boundaries."""
    boundaries = boundaries_for(country)
    if boundaries is None:
        return None
    features = [
        (
            str(f["properties"]["pcode"]),
            str(f["properties"].get("name") or ""),
            shape(f["geometry"]),
        )
        for f in boundaries.get("features", [])
    ]
    minx = min(g.bounds[0] for *_, g in features)
    miny = min(g.bounds[1] for *_, g in features)
    maxx = max(g.bounds[2] for *_, g in features)
    maxy = max(g.bounds[3] for *_, g in features)
    stretch = 1 / max(math.cos(math.radians((miny + maxy) / 2)), 0.1)
    scale = WIDTH / (maxx - minx)

    def xy(lon: float, lat: float) -> tuple[float, float]:
        return (lon - minx) * scale, (maxy - lat) * scale * stretch

    diagonal = math.hypot(maxx - minx, maxy - miny)
    units = []
    for pcode, name, geom in features:
        rings = []
        for polygon in _polygons(geom.simplify(TOLERANCE, preserve_topology=True)):
            for ring in (polygon.exterior, *polygon.interiors):
                points = [xy(x, y) for x, y in ring.coords]
                rings.append("M" + "L".join(f"{px:.1f},{py:.1f}" for px, py in points) + "Z")
        point = xy(*geom.representative_point().coords[0])
        low_x, low_y, high_x, high_y = geom.bounds
        small = math.hypot(high_x - low_x, high_y - low_y) < SMALL * diagonal
        # A tiny unit (Callao beside Lima) is labelled to its west, over the sea for Peru.
        label = (point[0] - 0.1 * WIDTH, point[1] + 0.02 * WIDTH) if small else point
        units.append(Unit(pcode, name, "".join(rings), *label, point if small else None))
    return Shapes(WIDTH, (maxy - miny) * scale * stretch, tuple(units))


def department_map(
    country: str,
    reached: dict[str, int],
    partners: dict[str, int],
    lang: str,
    selected: str | None = None,
) -> DepartmentMap | None:
    """The map of `reached` (P-code → people) with `partners` (P-code → organisations).
    With a department `selected` (the admin1 filter), the others are out of the selection
    (no value), not departments where no one was reached: they read "Lima: 0" before."""
    drawn = shapes(country)
    if drawn is None:
        return None
    shown = {u.pcode for u in drawn.units if selected is None or u.pcode == selected}
    breaks = class_breaks([reached.get(pcode, 0) for pcode in shown])
    units = [
        MapUnit(
            u,
            reached.get(u.pcode, 0),
            partners.get(u.pcode, 0),
            classify(reached.get(u.pcode, 0), breaks),
            reported=u.pcode in reached or u.pcode in partners,
        )
        if u.pcode in shown
        else MapUnit(u, None, None, -1)
        for u in drawn.units
    ]
    legend = list(enumerate(class_labels(breaks, lang)))
    return DepartmentMap(drawn.width, drawn.height, units, legend)


def unmapped(country: str, pcodes: list[str]) -> list[str]:
    """The P-codes with figures but no shape (a national pseudo-unit such as PE00)."""
    drawn = shapes(country)
    known = {u.pcode for u in drawn.units} if drawn else set()
    return [p for p in pcodes if p not in known]
