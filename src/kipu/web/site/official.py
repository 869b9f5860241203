"""The official key figures on the dashboard ("Above 862,000 | Venezuelans living in Peru",
with source and date), computed and phrased exactly as in the situation report of the
period's last month: the report's own selection of statistics
(`reports.context.latest_statistics` and its key-figure list) and the report's phrasing
(`core.report.view.make_view`), never a second computation.

Official statistics are public (they are published by the government); they do not follow
the dashboard's filters, only the end of its period.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from django.db.models import Count, Max

from kipu.core.figures import Figures
from kipu.core.report.context import ReportContext
from kipu.core.report.view import make_view
from kipu.web.reports.context import _key_figures, latest_statistics, month_end
from kipu.web.stats.models import Observation


@dataclass(frozen=True)
class KeyFigureLine:
    """One key figure as the report prints it: `text` "Above 862,000", `label`,
    `footnote` "Source: Migraciones, 30 November 2019." ("" when the series has no source)."""

    name: str
    text: str
    label: str
    footnote: str


def statistics_version(platform: Any) -> tuple[object, ...]:
    """Changes whenever the platform's official statistics are loaded again."""
    found = Observation.objects.filter(series__platform=platform).aggregate(
        n=Count("id"), last=Max("id")
    )
    return (found["n"], found["last"])


def key_figures(platform: Any, month: str, lang: str) -> list[KeyFigureLine]:
    """The report's key figures of official statistics as of the end of `month` (YYYY-MM).

    Only the items of `report_config["key_figures"]` that name a statistics series: the
    people reached by the 5W are the dashboard's own first card, under its filters.
    """
    config = platform.report_config or {}
    items = [i for i in config.get("key_figures", []) if "series" in i]
    statistics = latest_statistics(platform, month_end(month))
    # Items naming a series never read the figures argument (reports.context._key_figures).
    figures = _key_figures({"key_figures": items}, statistics, cast(Figures, None), lang)
    context = ReportContext(
        platform=platform.name,
        slug=platform.slug,
        month=month,
        lang=lang,
        synthetic=platform.synthetic,
        key_figures=figures,
    )
    view = make_view(context, {})
    return [
        KeyFigureLine(
            figure.name,
            shown.text,
            shown.label,
            view.footnotes[shown.note - 1] if shown.note else "",
        )
        for figure, shown in zip(figures, view.key_figures, strict=True)
    ]
