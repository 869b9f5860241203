"""Report charts: valid, self-contained, deterministic SVG/PNG, readable in greyscale."""

from datetime import date
from itertools import combinations

import pytest

from kipu.core.phrasing import NBSP
from kipu.core.report.charts import (
    arrivals_departures_chart,
    partners_by_area_chart,
    reached_by_sector_chart,
)
from kipu.core.report.style import DEFAULT_STYLE, Style, lightness, relative_luminance, sequential


def monthly(start_year: int, months: int, base: int, step: int) -> list[tuple[date, float]]:
    return [
        (date(start_year + i // 12, i % 12 + 1, 1), base + step * (i % 9)) for i in range(months)
    ]


SERIES = {
    "Arrivals": monthly(2017, 36, 20_000, 8_000),
    "Departures": monthly(2017, 36, 5_000, 3_000),
}
VISA = (date(2019, 6, 15), "Humanitarian visa required")


@pytest.fixture(scope="module")
def figure_1():
    return arrivals_departures_chart(
        SERIES,
        [VISA],
        "en",
        "Arrivals and departures of Venezuelans (2017-2019)",
        "Superintendencia Nacional de Migraciones",
    )


def test_figure_1_svg(figure_1, check):
    svg = figure_1.svg()
    parsed = check.parse(svg)
    check.self_contained(svg)
    assert parsed.title == "Arrivals and departures of Venezuelans (2017-2019)"
    assert parsed.desc == "Source: Superintendencia Nacional de Migraciones."
    for needle in (
        "Arrivals",
        "Departures",
        "Humanitarian visa required",
        "People per month",
        "Source: Superintendencia Nacional de Migraciones",
        "2018",
        "2019",
        "Apr",
        "60,000",
    ):
        assert needle in parsed.texts, needle
    assert figure_1.meta == {
        "series": ["Arrivals", "Departures"],
        "annotations": ["Humanitarian visa required"],
    }


def test_figure_1_png(figure_1, check):
    png = figure_1.png(dpi=100)
    width, height = check.png_size(png)
    assert (width, height) == (700, 380)
    assert 10_000 < len(png) < 500_000


def test_output_is_deterministic(figure_1, check):
    again = arrivals_departures_chart(
        SERIES,
        [VISA],
        "en",
        "Arrivals and departures of Venezuelans (2017-2019)",
        "Superintendencia Nacional de Migraciones",
    )
    assert figure_1.svg() == figure_1.svg()
    # Across two figures, compare what is drawn: glyph outlines that matplotlib caches across
    # figures may be written in another order when other tests drew text first.
    assert check.parse(again.svg()).texts == check.parse(figure_1.svg()).texts
    assert check.png_size(figure_1.png(dpi=60)) == check.png_size(again.png(dpi=60))


def test_spanish_lines(check):
    chart = arrivals_departures_chart(
        {"Llegadas": SERIES["Arrivals"], "Salidas": SERIES["Departures"]},
        [VISA],
        "es-PE",
        "Llegadas y salidas",
        "Migraciones",
        kind="lines",
    )
    parsed = check.parse(chart.svg())
    for needle in (
        "Llegadas",
        "Salidas",
        "Personas por mes",
        "Fuente: Migraciones",
        "abr",
        f"60{NBSP}000",
    ):
        assert needle in parsed.texts, needle
    assert "60,000" not in parsed.texts


def test_short_series_labels_every_month(check):
    chart = arrivals_departures_chart({"Arrivals": monthly(2019, 6, 100, 10)}, lang="en")
    texts = check.parse(chart.svg()).texts
    assert all(m in texts for m in ("Jan", "Feb", "Mar", "Apr", "May", "Jun"))


def test_bad_kind_and_empty_series(check):
    with pytest.raises(ValueError):
        arrivals_departures_chart(SERIES, kind="pie")  # type: ignore[arg-type]
    empty = arrivals_departures_chart({}, lang="es", title="Sin datos")
    assert "Sin datos para este periodo" in check.parse(empty.svg()).texts


@pytest.mark.parametrize("lang", ["en", "es"])
def test_reached_by_sector(lang, check):
    values = {"Protection": 5000, "Health": 12_500, "Education": 300, "Shelter": 0}
    chart = reached_by_sector_chart(values, lang, "GTRM 5W")
    svg = chart.svg()
    check.self_contained(svg)
    parsed = check.parse(svg)
    assert chart.meta["labels"] == ["Health", "Protection", "Education", "Shelter"]
    expected = {
        "en": ["People reached by sector", "People reached", "12,500", "5,000"],
        "es": ["Personas alcanzadas por sector", f"12{NBSP}500", "5000"],
    }[lang]
    for needle in [*expected, "Protection", "GTRM 5W"]:
        assert needle in parsed.texts, needle


def test_partners_by_area(check):
    chart = partners_by_area_chart(
        {
            "Direct Emergency Assistance": 30,
            "Protection": 25,
            "Socio Economic and Cultural Integration": 21,
        },
        "en",
        "GTRM 5W",
        title="Partners by area, November 2019",
    )
    parsed = check.parse(chart.svg())
    assert parsed.title == "Partners by area, November 2019"
    for needle in ("Partners", "30", "25", "21", "Direct Emergency Assistance"):
        assert needle in parsed.texts, needle
    check.png_size(chart.png(dpi=50))


def test_titles_are_escaped_and_not_mathtext(check):
    chart = partners_by_area_chart({"Cash <US$ 50> & vouchers": 3}, "en", "A & B")
    parsed = check.parse(chart.svg())
    assert parsed.desc == "Source: A & B."
    assert "US$ 50" in parsed.texts


def test_series_styles_survive_greyscale():
    looks = DEFAULT_STYLE.series(4)
    for a, b in combinations(looks, 2):
        assert abs(lightness(a.colour) - lightness(b.colour)) >= 10
        assert (a.hatch, a.linestyle) != (b.hatch, b.linestyle)


def test_sequential_palette_gets_darker():
    for base in (DEFAULT_STYLE.primary, "#e07b24", "#008000"):
        for n in (2, 4, 6):
            shades = [lightness(c) for c in sequential(base, n)]
            assert all(x - y >= 6 for x, y in zip(shades, shades[1:], strict=False)), shades
            assert shades[0] < lightness(DEFAULT_STYLE.zero_fill)
    assert sequential("#123456", 1) == ["#123456"] and sequential("#123456", 0) == []


def test_style_helpers():
    assert relative_luminance("#ffffff") == pytest.approx(1.0)
    assert lightness("#000") == pytest.approx(0.0)
    custom = Style(primary="#7b2d26")
    assert custom.classes(3)[1] != DEFAULT_STYLE.classes(3)[1]
    assert DEFAULT_STYLE.ink_on("#10253f") == "#ffffff"
    assert DEFAULT_STYLE.ink_on("#f0f0f0") == DEFAULT_STYLE.text
    with pytest.raises(ValueError):
        lightness("blue")


def test_a_line_breaks_where_a_month_is_missing() -> None:
    """The dashboard's new people per month left out a reopened June, but the line ran from
    May to July under the June tick, reading as a value for June."""
    import math

    points = [(date(2019, m, 1), float(m * 100)) for m in (4, 5, 7, 8)]
    chart = arrivals_departures_chart({"New people reached": points}, kind="lines")
    [line] = chart.figure.axes[0].get_lines()
    ys = list(line.get_ydata())
    assert [y for y in ys if not math.isnan(y)] == [400, 500, 700, 800]
    assert math.isnan(ys[2]) and len(ys) == 5  # one break, between May and July
    whole = [(date(2019, m, 1), 1.0) for m in (4, 5, 6)]
    [line] = arrivals_departures_chart({"x": whole}, kind="lines").figure.axes[0].get_lines()
    assert not any(math.isnan(y) for y in line.get_ydata())
