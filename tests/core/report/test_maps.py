"""Operational presence maps, built on small synthetic boundaries (squares)."""

import json
from pathlib import Path

import pytest
from shapely.geometry import shape

import kipu
from kipu.core.phrasing import NBSP
from kipu.core.report.maps import (
    class_breaks,
    class_labels,
    classify,
    inset_window,
    load_features,
    presence_map,
    presence_table,
    small_multiples,
)


def square(x: float, y: float, side: float) -> list[list[float]]:
    return [[x, y], [x + side, y], [x + side, y + side], [x, y + side], [x, y]]


def feature(pcode: str, name: str, geometry: dict) -> dict:
    return {"type": "Feature", "properties": {"pcode": pcode, "name": name}, "geometry": geometry}


def boundaries() -> dict:
    """A 3x3 grid of 2° squares near Peru's latitudes, a tiny port unit beside the centre one,
    a unit with a hole and a two-part unit."""
    features = [
        feature(
            f"XX{i}{j}",
            f"Unit {i}{j}",
            {"type": "Polygon", "coordinates": [square(-80 + 2 * i, -16 + 2 * j, 2)]},
        )
        for i in range(3)
        for j in range(3)
        if (i, j) != (2, 2)
    ]
    features.append(
        feature(
            "XX22",
            "Ring",
            {
                "type": "Polygon",
                "coordinates": [square(-76, -12, 2), square(-75.5, -11.5, 1)[::-1]],
            },
        )
    )
    features.append(
        feature(
            "XX90",
            "Islands",
            {
                "type": "MultiPolygon",
                "coordinates": [[square(-82, -16, 0.5)], [square(-82, -14, 0.5)]],
            },
        )
    )
    features.append(
        feature("XX99", "Port", {"type": "Polygon", "coordinates": [square(-78.1, -13.0, 0.08)]})
    )
    return {"type": "FeatureCollection", "features": features}


COUNTS = {"XX00": 1, "XX01": 3, "XX02": 7, "XX10": 12, "XX11": 30, "XX99": 8, "XX90": 2, "PE00": 5}


@pytest.mark.parametrize(
    ("values", "breaks"),
    [
        ([], []),
        ([0, 0], []),
        ([5], [5]),
        ([1, 2, 2, 3], [1, 2, 3]),
        ([0, 1, 3, 7, 12, 30, 8, 2], [2, 7, 12, 30]),
        (range(1, 101), [25, 50, 75, 100]),
    ],
)
def test_class_breaks(values, breaks):
    assert class_breaks(values) == breaks


def test_classify_and_labels():
    breaks = [2, 7, 12, 30]
    assert [classify(c, breaks) for c in (0, 1, 2, 3, 7, 8, 30, 99)] == [0, 1, 1, 2, 2, 3, 4, 4]
    assert class_labels(breaks) == ["0", "1–2", "3–7", "8–12", "13–30"]
    assert class_labels([1, 3]) == ["0", "1", "2–3"]
    assert class_labels([9999, 25000], "es") == ["0", "1–9999", f"10{NBSP}000–25{NBSP}000"]


def test_presence_table():
    rows = [("Lima", 12), ("Áncash", 3), ("Tumbes", 12), ("arequipa", 3), ("Lima", 2), ("Puno", 0)]
    assert presence_table(rows) == [("Lima", 14), ("Tumbes", 12), ("Áncash", 3), ("arequipa", 3)]
    assert presence_table({"Puno": 0, "Cusco": 1}, include_zero=True) == [("Cusco", 1), ("Puno", 0)]
    assert presence_table([]) == []


def test_load_features_refuses_bad_input():
    with pytest.raises(ValueError, match="pcode"):
        load_features(
            {"features": [{"properties": {}, "geometry": {"type": "Point", "coordinates": [0, 0]}}]}
        )
    with pytest.raises(ValueError):
        load_features({"type": "FeatureCollection", "features": []})


def test_inset_window_zooms_on_tiny_unit():
    big = shape({"type": "Polygon", "coordinates": [square(0, 0, 2)]})
    tiny = shape({"type": "Polygon", "coordinates": [square(2, 1, 0.05)]})
    minx, miny, maxx, maxy = inset_window([big, tiny])
    assert maxx - minx < 0.5 and minx < 2.025 < maxx
    assert inset_window([big]) == big.bounds


@pytest.fixture(scope="module")
def presence():
    return presence_map(
        boundaries(),
        COUNTS,
        "Operational presence, November 2019",
        "en",
        "GTRM 5W",
        inset=["XX99", "XX11"],
    )


def test_presence_map_svg(presence, check):
    svg = presence.svg()
    check.self_contained(svg)
    parsed = check.parse(svg)
    assert parsed.title == "Operational presence, November 2019"
    assert parsed.desc.startswith("Source: GTRM 5W. Boundaries: Natural Earth.")
    assert "United Nations" in parsed.desc
    for needle in [
        "Partners",
        *presence.meta["labels"],
        "Port 8",
        "Unit 11 30",
        "12",
        "Boundaries: Natural Earth",
    ]:
        assert needle in parsed.texts, needle
    assert presence.meta["unmapped"] == ["PE00"]
    assert presence.meta["inset"] == ["Port", "Unit 11"]
    assert presence.meta["labels"] == ["0", "1–2", "3–7", "8–12", "13–30"]


def test_presence_map_png_and_determinism(presence, check):
    width, height = check.png_size(presence.png(dpi=50))
    assert width == 300 and 150 < height < 600
    again = presence_map(
        boundaries(),
        COUNTS,
        "Operational presence, November 2019",
        "en",
        "GTRM 5W",
        inset=["XX99", "XX11"],
    )
    assert check.parse(again.svg()).texts == check.parse(presence.svg()).texts


def test_presence_map_spanish_options(check):
    graphic = presence_map(
        boundaries(),
        {"XX00": 10_500},
        "Presencia operacional",
        "es",
        "GTRM",
        breaks=[5, 20_000],
        legend_title="Organizaciones",
        attribution="Límites: INEI",
        disclaimer=False,
    )
    parsed = check.parse(graphic.svg())
    assert parsed.desc == "Fuente: GTRM. Límites: INEI."
    for needle in ("Organizaciones", "1–5", f"6–20{NBSP}000", f"10{NBSP}500"):
        assert needle in parsed.texts, needle


def test_presence_map_without_any_presence(check):
    graphic = presence_map(boundaries(), {}, "Nothing yet")
    assert graphic.meta["labels"] == ["0"]
    assert "Nothing yet" in check.parse(graphic.svg()).texts


def test_unknown_inset_pcode():
    with pytest.raises(ValueError, match="XX77"):
        presence_map(boundaries(), COUNTS, inset=["XX77"])


def test_small_multiples(check):
    by_area = {
        "Direct emergency assistance": COUNTS,
        "Protection": {"XX11": 20, "XX00": 5},
        "Socio-economic and cultural integration": {"XX11": 18},
        "Health": {},
    }
    graphic = small_multiples(
        boundaries(), by_area, "Operational presence by area", "es", "GTRM 5W", ncols=2
    )
    svg = graphic.svg()
    check.self_contained(svg)
    parsed = check.parse(svg)
    for needle in [
        "Socios",
        "Direct emergency assistance",
        "Health",
        "Protection",
        *graphic.meta["labels"],
        "Límites: Natural Earth",
    ]:
        assert needle in parsed.texts, needle
    assert graphic.meta["breaks"] == class_breaks(
        [c for counts in by_area.values() for p, c in counts.items() if p != "PE00"]
    )
    again = small_multiples(
        boundaries(), by_area, "Operational presence by area", "es", "GTRM 5W", ncols=2
    ).svg()
    # Same content twice. (Byte equality is not asserted: glyph outlines matplotlib caches
    # across figures can be written in another order when other tests drew text first.)
    assert check.parse(again).texts == parsed.texts
    assert len(again) == pytest.approx(len(svg), rel=0.02)
    with pytest.raises(ValueError):
        small_multiples(boundaries(), {})


BUNDLED = Path(kipu.__file__).parent / "data" / "pe" / "departments.geojson"


def test_bundled_peru_departments(check):
    if not BUNDLED.exists():
        pytest.skip("departments.geojson not generated yet")
    peru = json.loads(BUNDLED.read_text(encoding="utf-8"))
    assert len(peru["features"]) == 25
    graphic = presence_map(
        peru,
        {"PE15": 30, "PE07": 8, "PE24": 12, "PE23": 9, "PE04": 6},
        "Operational presence",
        "en",
        "GTRM 5W",
        inset=["PE15", "PE07"],
    )
    assert graphic.meta["inset"] == ["Lima", "Callao"]
    texts = check.parse(graphic.svg()).texts
    assert "Callao 8" in texts and "Lima 30" in texts


def test_layout_solved_without_rendering_is_the_rendered_one(monkeypatch, presence) -> None:
    """Graphic freezes the constrained layout after drawing without rendering pixels; the
    files are exactly those of a layout solved by two full renderings, for a map with an
    inset and for a chart."""
    from matplotlib.figure import Figure
    from tests.core.report.test_charts import SERIES, VISA

    from kipu.core.report.charts import arrivals_departures_chart

    def chart():
        return arrivals_departures_chart(SERIES, [VISA], "en", "Arrivals", "Migraciones")

    def build():
        return [
            presence_map(boundaries(), COUNTS, "Presence", "en", "5W", inset=["XX99", "XX11"]),
            chart(),
        ]

    fast = [(g.svg(), g.png(dpi=100)) for g in build()]
    monkeypatch.setattr(Figure, "draw_without_rendering", lambda self: self.canvas.draw())
    rendered = [(g.svg(), g.png(dpi=100)) for g in build()]
    assert fast == rendered
    assert fast[0] != rendered[1]  # the comparison sees content: two graphics differ


@pytest.mark.parametrize("areas", [1, 3, 4, 7, 9, 12])
@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_shared_legend_stays_clear_of_the_source_line(areas: int, lang: str) -> None:
    """However many areas (R4V's regional reports have nine sectors and more) and so however
    tall the figure, the legend at the bottom of the small multiples sits above the source
    line, and the source line inside the figure."""
    peru = json.loads((Path(kipu.__file__).parent / "data/pe/departments.geojson").read_text())
    codes = [f["properties"]["pcode"] for f in peru["features"]]
    by_area = {f"Area {i}": {p: (i + j) % 4 for j, p in enumerate(codes)} for i in range(areas)}
    graphic = small_multiples(peru, by_area, "Presence", lang, "5W GTRM Peru")
    figure = graphic.figure
    renderer = figure.canvas.get_renderer()
    source = next(t for t in figure.texts if "5W GTRM Peru" in t.get_text())
    line = source.get_window_extent(renderer)
    legend = figure.legends[0].get_window_extent(renderer)
    assert line.y1 <= legend.y0, (figure.get_figheight(), line.y1, legend.y0)
    assert line.y0 >= 0
