"""The period a dashboard shows: the bounds asked for, a bound not given taken within the
other's plan year (`kipu.core.figures.periods`), and for the public, moved in to published
months."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kipu.core.figures.periods import month_range, plan_year_end, plan_year_start

if TYPE_CHECKING:
    from kipu.web.site.dashboard import Filters


def period_of(months: list[str], filters: Filters) -> tuple[str | None, str | None]:
    """The period shown: the bounds asked for; a bound not given is the first or last of the
    visible `months` (sorted) within the plan year of the other bound (people reached are
    counted within one plan year: `check_one_plan_year`), and never beyond the other bound."""
    end = filters.date_to
    if end is None and filters.date_from:
        # Without visible months in its year, that year (empty): never a later year's.
        last = plan_year_end(filters.date_from)
        inside = [m for m in months if filters.date_from <= m <= last]
        end = inside[-1] if inside else last
    elif end is None:
        end = months[-1] if months else None
    start = filters.date_from
    if start is None and end is not None:
        first = plan_year_start(end)
        start = next((m for m in months if first <= m <= end), None) or first
    if start and end and start > end:  # one bound given, outside the visible months
        start, end = (start, start) if filters.date_from else (end, end)
    return start, end


def published_period(
    period: tuple[str | None, str | None], published: set[str]
) -> tuple[tuple[str | None, str | None], tuple[str, ...]]:
    """The period shown to the public: its bounds moved in to the first and last published
    months inside it, and the months of the period left out as not published. December
    asked for while unpublished was labelled "January – December" over January–November's
    figures, and plotted as 0 new people; a month reopened inside the period was left out
    under the period's name."""
    start, end = period
    if not start or not end:
        return period, ()
    months = month_range(start, end)
    shown = [m for m in months if m in published]
    if not shown:
        return period, tuple(months)
    return (shown[0], shown[-1]), tuple(m for m in months if m not in published)
