"""The figures a narrative may cite by name, for one platform and month.

Each is computed by the figure engine (or read from official statistics): the narrative, the
tables and figures.json all read the same values.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from kipu.core.figures import Figures
from kipu.core.report.narrative import FigureCatalogue

# area: a sector or area of intervention, by code or name (none: all sectors together);
# admin1: an admin1 P-code such as PE24 (none: the whole country).
AREA, ADMIN1 = "area", "admin1"


def build_catalogue(
    year: Figures, month: Figures, frame: pl.DataFrame, statistics: dict[str, tuple[date, float]]
) -> FigureCatalogue:
    """`year`: figures from the plan year's start to the report month; `month`: the report
    month alone; `frame`: the month's activities; `statistics`: latest value per series."""
    catalogue = FigureCatalogue()

    def reached(area: str | None = None, admin1: str | None = None) -> int:
        return year.reached(sector=area, admin1=admin1)

    def reached_month(area: str | None = None, admin1: str | None = None) -> int:
        return month.value("new", sector=area, admin1=admin1) or 0

    def partners(
        area: str | None = None, admin1: str | None = None, kind: str = "appealing"
    ) -> int:
        return month.partner_count(kind, sector=area, admin1=admin1)

    def indicator(code: str, measure: str = "total_monthly", admin1: str | None = None) -> int:
        if measure not in ("total_monthly", "new_beneficiaries", "quantity_output"):
            raise ValueError("measure must be total_monthly, new_beneficiaries or quantity_output")
        rows = frame.filter(pl.col("indicator") == code)
        if admin1 is not None:
            rows = rows.filter(pl.col("admin1") == admin1)
        return int(rows[measure].sum() or 0)

    def statistic(series: str) -> float:
        if series not in statistics:
            raise ValueError(
                f"no official statistic {series!r}; known: {', '.join(sorted(statistics))}"
            )
        return statistics[series][1]

    catalogue.register(
        "reached",
        reached,
        "people reached in the plan year up to the month, without double counting",
        (AREA, ADMIN1),
    )
    catalogue.register(
        "reached_month", reached_month, "new people reached in the month", (AREA, ADMIN1)
    )
    catalogue.register(
        "partners",
        partners,
        "organisations that reported activities in the month",
        (AREA, ADMIN1, "kind"),  # kind: appealing (default), implementing or union
    )
    catalogue.register(
        "organisations_reporting",
        lambda: month.partner_count("appealing"),
        "organisations that reported in the month",
    )
    catalogue.register(
        "departments", lambda: month.coverage_count(1), "admin1 units covered in the month"
    )
    catalogue.register(
        "provinces", lambda: month.coverage_count(2), "admin2 units covered in the month"
    )
    catalogue.register(
        "indicator",
        indicator,
        "sum of an indicator's column (measure: total_monthly, new_beneficiaries or "
        "quantity_output) in the month",
        ("code", "measure", ADMIN1),
    )
    catalogue.register(
        "statistic",
        statistic,
        "latest value of an official statistic",
        ("series",),
    )
    return catalogue
