"""The bundled Peru department boundaries (src/kipu/data/pe/departments.geojson)."""

from __future__ import annotations

import json
from importlib import resources

import pytest
import shapely
from shapely.geometry import shape

from kipu.core.gazetteer import Gazetteer, bundled_locations

PATH = resources.files("kipu.data").joinpath("pe", "departments.geojson")


@pytest.fixture(scope="module")
def collection() -> dict:
    return json.loads(PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer(bundled_locations("PE"))


@pytest.fixture(scope="module")
def shapes(collection: dict) -> dict:
    return {f["properties"]["pcode"]: shape(f["geometry"]) for f in collection["features"]}


def test_file_size() -> None:
    assert 20_000 < len(PATH.read_bytes()) < 400 * 1024


def test_feature_collection(collection: dict) -> None:
    assert collection["type"] == "FeatureCollection"
    features = collection["features"]
    assert len(features) == 25
    for feature in features:
        assert feature["type"] == "Feature"
        assert set(feature["properties"]) == {"pcode", "code", "iso", "name"}
        assert feature["geometry"]["type"] in ("Polygon", "MultiPolygon")


def test_features_are_the_departments(collection: dict, gaz: Gazetteer) -> None:
    pcodes = [f["properties"]["pcode"] for f in collection["features"]]
    assert len(set(pcodes)) == 25
    departments = {x.pcode for x in gaz.units("PER", 1) if not x.national}
    assert set(pcodes) == departments
    assert "PE00" not in pcodes
    for feature in collection["features"]:
        props = feature["properties"]
        unit = gaz.get(props["pcode"])
        assert unit is not None and unit.level == 1 and not unit.national
        assert (props["code"], props["iso"], props["name"]) == (unit.code, unit.iso, unit.name)


def test_lima_is_one_feature_and_callao_present(collection: dict, shapes: dict) -> None:
    isos = [f["properties"]["iso"] for f in collection["features"]]
    assert isos.count("PE-LIM") == 1
    assert isos.count("PE-CAL") == 1
    lima, callao = shapes["PE15"], shapes["PE07"]
    # Lima Metropolitana (Natural Earth's "Lima Province") is inside the merged feature.
    assert lima.contains(shapely.Point(-77.03, -12.05))  # Plaza de Armas de Lima
    assert lima.geom_type == "Polygon"
    assert not callao.is_empty and callao.area < lima.area / 100
    assert callao.distance(lima) < 1e-6  # neighbours
    assert callao.contains(shapely.Point(-77.13, -12.05))  # Callao port area


def test_geometries_valid_lon_lat(shapes: dict) -> None:
    for pcode, geom in shapes.items():
        assert geom.is_valid, (pcode, shapely.is_valid_reason(geom))
        assert not geom.is_empty and geom.area > 0, pcode
        minx, miny, maxx, maxy = geom.bounds
        assert -82 < minx < maxx < -68, pcode  # longitudes first
        assert -19 < miny < maxy < 0.5, pcode


def test_coordinates_rounded(collection: dict) -> None:
    def coordinates(value):
        if isinstance(value[0], (int, float)):
            yield value
        else:
            for item in value:
                yield from coordinates(item)

    for feature in collection["features"]:
        for x, y in coordinates(feature["geometry"]["coordinates"]):
            assert round(x, 4) == x and round(y, 4) == y


def test_departments_do_not_overlap(shapes: dict) -> None:
    total = sum(g.area for g in shapes.values())
    union = shapely.unary_union(list(shapes.values()))
    assert union.area == pytest.approx(total, rel=1e-4)
    # roughly Peru's extent (1.285 million km2 is ~105 square degrees at these latitudes)
    assert 95 < union.area < 115


@pytest.mark.parametrize(
    ("pcode", "lon", "lat"),
    [
        ("PE08", -71.97, -13.52),  # Cusco city
        ("PE04", -71.54, -16.40),  # Arequipa city
        ("PE16", -73.25, -3.75),  # Iquitos
        ("PE24", -80.45, -3.57),  # Tumbes city
        ("PE23", -70.25, -18.01),  # Tacna city
        ("PE12", -75.21, -12.07),  # Huancayo
    ],
)
def test_cities_fall_in_their_department(shapes: dict, pcode: str, lon: float, lat: float) -> None:
    assert shapes[pcode].contains(shapely.Point(lon, lat))
