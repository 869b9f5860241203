"""A key figure keeps the statistic's value as loaded: int() cut a rate of 4.75 to 4."""

from __future__ import annotations

from datetime import date


def test_the_reports_key_figures_keep_a_statistics_decimals() -> None:
    from kipu.web.reports.context import _key_figures

    statistics = {
        "rate": (date(2019, 11, 30), 4.75, "INEI"),
        "stock": (date(2019, 11, 30), 862000.0, "M"),
    }
    config = {"key_figures": [{"series": "rate", "phrasing": "number"}, {"series": "stock"}]}
    figures = _key_figures(config, statistics, None, "en")  # type: ignore[arg-type]
    assert [(f.value, type(f.value)) for f in figures] == [(4.75, float), (862000, int)]
