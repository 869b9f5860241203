"""Plan years and the periods figures may cover.

People reached are cumulated within a plan year (R4V methodology, step 4: the running sum
restarts each year), so a period lies within one plan year (`check_one_plan_year`), and a
bound not given is taken within the other's (`kipu.core.figures.engine._bounded`, the
dashboard's `period_of`, the API's `figure_period`).
"""

from __future__ import annotations


def plan_year_start(month: str, start_month: int = 1) -> str:
    """The first month ("YYYY-MM") of the plan year that holds `month`, plan years starting in
    `start_month` (1 = January)."""
    year = int(month[:4]) - (int(month[5:7]) < start_month)
    return f"{year:04d}-{start_month:02d}"


def plan_year_end(month: str, start_month: int = 1) -> str:
    """The last month of the plan year that holds `month`."""
    start = plan_year_start(month, start_month)
    index = int(start[:4]) * 12 + start_month - 1 + 11
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def month_range(start: str, end: str) -> list[str]:
    """Every month from `start` to `end` ("YYYY-MM"), both included; [] when `end` is before."""
    year, month = int(start[:4]), int(start[5:7])
    found = []
    while f"{year:04d}-{month:02d}" <= end:
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def check_one_plan_year(date_from: str, date_to: str, start_month: int = 1) -> None:
    """Raises ValueError when the period spans plan years. People reached are cumulated within
    a plan year (R4V methodology, step 4: the running sum restarts each year), so no one
    number is the people reached of such a period: the figure at its end would be that of
    its last year only, under the whole period's name."""
    if plan_year_start(date_from, start_month) != plan_year_start(date_to, start_month):
        raise ValueError(
            f"the period {date_from} to {date_to} spans two plan years: people reached are "
            "counted within one plan year (R4V methodology: the running sum restarts each "
            "year), so ask for each year apart"
        )
