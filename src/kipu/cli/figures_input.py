"""`kipu figures --input FILE`: reference data from files, or read (never written) from the
database when no plan file is given."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from kipu.cli.base import current_platform, fail, setup_django


def figures_from_file(
    input_file: Path,
    options: dict[str, Any],
    *,
    platform_slug: str | None,
    plan_file: Path | None,
    orgs_file: Path | None,
    countries: list[str],
    lang: str = "en",
) -> tuple[Any, dict[str, Any]]:
    from kipu.core.read import prefetch

    prefetch(input_file)  # read while the rest is imported and the reference data set up
    from kipu.core.figures import FigureOptions
    from kipu.core.provisional import UnusableFile, figures_from_file, reference_from_files

    scope: dict[str, Any] = {"countries": countries or None}
    proportions_for = None  # with the database: the proportions of the figures' year
    if plan_file is not None:
        reference, warnings = reference_from_files(plan_file, orgs_file, (countries or ["PER"])[0])
        for warning in warnings:
            click.echo(f"warning: {warning}", err=True)
    else:
        setup_django()
        from kipu.web.figures.queries import proportions_frame
        from kipu.web.platforms.queries import reference_data

        month = options.get("date_to") or options.get("date_from")
        year = int(month[:4]) if month else None
        platform = current_platform(platform_slug)
        reference = reference_data(platform, year)
        # As the stored rows' figures are computed (`platform_figures`): the platform's
        # proportions table and admin1 scope, or the same file gave other numbers once stored.
        scope["proportions"] = proportions_frame(platform, year)
        scope["admin1"] = reference.admin1_scope or None

        def proportions_for(year: int) -> Any:
            return proportions_frame(platform, year)

    try:
        return figures_from_file(
            input_file,
            reference,
            FigureOptions(**options, **scope),
            proportions_for,
        )
    except UnusableFile as error:
        fail([error.text(lang)], status=2)  # the text names the file
