"""Key figures of official statistics as loaded: a rate keeps its decimals, a net flow is
phrased as one. Before, int() cut 4.75 to 4, and a negative statistic under the default
"above" stopped the report (and the dashboard answered 500)."""

from __future__ import annotations

import dataclasses

import pytest

from kipu.core.report.context import KeyFigure
from kipu.core.report.view import make_view


@pytest.mark.parametrize(
    ("figure", "lang", "text"),
    [
        (
            KeyFigure("net_entries", -4626, "Net entries", "above"),
            "en",
            "A net outflow of over 4,600",
        ),
        (
            KeyFigure("net_entries", -4626, "Entradas netas", "some"),
            "es",
            "Una salida neta de más de 4600",
        ),
        (KeyFigure("net_entries", 4626, "Net entries", "above"), "en", "Above 4,600"),
        (KeyFigure("rate", 4.75, "Rate", "number"), "en", "4.75"),
        (KeyFigure("rate", 4.75, "Tasa", "number"), "es", "4,75"),
        (KeyFigure("stock", -12, "Stock", "number"), "en", "-12"),
        # Published rounded ("Above 862,000") and loaded so: the word stays.
        (KeyFigure("stock", 862000, "Stock", "above"), "en", "Above 862,000"),
        (KeyFigure("stock", 862000, "Stock", "above"), "es", "Más de 862\xa0000"),
        (KeyFigure("arrived", 1530000, "Arrived", "some"), "en", "Some 1,530,000"),
        (KeyFigure("stock", 862000, "Stock", "number"), "en", "862,000"),
        (KeyFigure("reached", 1000, "People reached", "above"), "en", "1,000"),
    ],
)
def test_a_key_figure_reads_as_loaded(report_context, figure, lang, text) -> None:  # noqa: ANN001
    context = dataclasses.replace(report_context(lang), key_figures=[figure])
    [shown] = make_view(context, {}).key_figures
    assert shown.text == text
