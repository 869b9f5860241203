"""Reads: figures computed from a platform's stored activities.

Every page, export, API answer and report of a platform asks here, so a number is computed in
one place only.
"""

from __future__ import annotations

import threading

import polars as pl

from kipu.core.figures import FigureOptions, Figures, compute_figures
from kipu.web.plans.models import Proportion
from kipu.web.plans.queries import plan_for
from kipu.web.platforms.models import Platform
from kipu.web.platforms.queries import reference_data
from kipu.web.submissions.queries import activity_frame


def proportions_frame(platform: Platform, year: int | None) -> pl.DataFrame | None:
    """The plan's age/sex proportions for the max-cell model, or None when none are loaded."""
    plan = plan_for(platform, year)
    rows = Proportion.objects.filter(plan=plan).select_related("admin1", "sector") if plan else []
    records = [
        {
            "admin1": p.admin1.pcode,
            "sector": p.sector.code,
            "population_type": p.population_type,
            "girls": p.girls,
            "boys": p.boys,
            "women": p.women,
            "men": p.men,
        }
        for p in rows
    ]
    return pl.DataFrame(records) if records else None


def platform_figures(
    platform: Platform,
    *,
    model: str = "max-cell",
    date_from: str | None = None,
    date_to: str | None = None,
    rmrp_only: bool = False,
    with_issues: bool = False,
) -> Figures:
    """The figures of `platform` for the period, from its current submissions.

    Rows stored with accepted issues count only when `with_issues` is true.
    """
    year = int((date_to or date_from or "0")[:4]) or None
    reference = reference_data(platform, year)
    frame = activity_frame(
        platform, month_from=date_from, month_to=date_to, with_issues=with_issues
    )
    options = FigureOptions(
        model=model,
        date_from=date_from,
        date_to=date_to,
        rmrp_only=rmrp_only,
        admin1=reference.admin1_scope or None,
        proportions=proportions_frame(platform, year),
    )
    return compute_figures(frame, reference, options)


# --- cached frames, for pages asked for on every click ------------------------------------

_FRAMES: dict[int, tuple[tuple[object, ...], pl.DataFrame]] = {}
_FRAME_LOCK = threading.Lock()


def data_version(platform: Platform) -> tuple[object, ...]:
    """Changes whenever the platform's stored activities or month statuses change."""
    from django.db.models import Count, Max

    from kipu.web.submissions.models import MonthStatus, Submission

    submissions = Submission.objects.filter(platform=platform).aggregate(
        n=Count("id"), last=Max("id")
    )
    months = MonthStatus.objects.filter(platform=platform).aggregate(last=Max("changed_at"))
    return (submissions["n"], submissions["last"], months["last"])


def cached_activity_frame(platform: Platform) -> tuple[tuple[object, ...], pl.DataFrame]:
    """The platform's current activities (accepted-issue rows excluded), read from the
    database once per data version and kept in memory."""
    version = data_version(platform)
    with _FRAME_LOCK:
        cached = _FRAMES.get(platform.pk)
        if cached is not None and cached[0] == version:
            return cached
    frame = activity_frame(platform, with_issues=False)
    with _FRAME_LOCK:
        _FRAMES[platform.pk] = (version, frame)
    return version, frame
