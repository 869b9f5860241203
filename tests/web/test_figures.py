"""Figures of a stored platform equal the core engine's on the same rows, on either database."""

from __future__ import annotations

import pytest

from kipu.core import demo
from kipu.core.figures import FigureOptions, compute_figures
from kipu.core.frame import activity_frame as frame_of
from kipu.web.figures.queries import platform_figures
from kipu.web.platforms.queries import reference_data


@pytest.fixture
def demo_platform(demo):  # noqa: ANN001 - the demonstration, loaded once for the module
    return demo


@pytest.mark.parametrize("model", ["sum", "max-sector", "max-agd", "max-cell"])
def test_stored_figures_equal_the_engine_on_the_generated_rows(demo_platform, model: str) -> None:  # noqa: ANN001
    stored = platform_figures(demo_platform, model=model, date_from="2019-01", date_to="2019-11")
    direct = compute_figures(
        frame_of(demo.demo_activities()),
        reference_data(demo_platform, 2019),
        FigureOptions(model=model, date_from="2019-01", date_to="2019-11"),
    )
    columns = [c for c in stored.rows.columns if c != "checks"]
    order = ["country", "admin1", "month", "sector"]
    assert (
        stored.rows.select(columns)
        .sort(order, nulls_last=True)
        .equals(direct.rows.select(columns).sort(order, nulls_last=True))
    )
    assert stored.reached() == direct.reached() > 0


def test_november_figures_have_the_report_shape(demo_platform) -> None:  # noqa: ANN001
    figures = platform_figures(demo_platform, date_from="2019-11", date_to="2019-11")
    assert figures.partner_count("appealing") == 37
    assert (figures.coverage_count(1), figures.coverage_count(2)) == (11, 17)
    by_area = {a: figures.partner_count("appealing", sector=a) for a in ("AREA1", "AREA2", "AREA3")}
    assert by_area == {"AREA1": 30, "AREA2": 25, "AREA3": 21}
