"""`kipu export`: open-data files of a month: activities or figures as CSV/XLSX with an HXL row,
or the month's Frictionless data package (published months only)."""

from __future__ import annotations

from pathlib import Path

import click

from kipu.cli.base import PLATFORM, current_platform, fail, setup_django
from kipu.cli.collect import LANG, check_month


@click.command()
@PLATFORM
@click.option("--month", required=True, metavar="YYYY-MM", help="The month exported.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["csv", "xlsx", "datapackage"]),
    default="csv",
    show_default=True,
    help="datapackage: datapackage.json + activities.csv + figures.csv in the -o folder.",
)
@click.option(
    "--table",
    type=click.Choice(["activities", "figures"]),
    default="activities",
    show_default=True,
    help="csv/xlsx: what to export.",
)
@click.option("--no-hxl", is_flag=True, help="csv/xlsx: leave out the HXL hashtag row.")
@LANG
@click.option(
    "-o", "--output", required=True, type=click.Path(path_type=Path), help="File, or folder."
)
def export(
    platform_slug: str | None,
    month: str,
    output_format: str,
    table: str,
    no_hxl: bool,
    lang: str,
    output: Path,
) -> None:
    """Export a month's activities or figures (CSV/XLSX with HXL), or its data package."""
    check_month(month)
    setup_django()
    platform = current_platform(platform_slug)
    if output_format == "datapackage":
        _package(platform, month, output)
    elif table == "figures":
        _figures(platform, month, output_format, output, lang, not no_hxl)
    else:
        _activities(platform, month, output_format, output, lang, not no_hxl)


def _package(platform: object, month: str, folder: Path) -> None:
    from kipu.web.accounts.scope import published_months
    from kipu.web.api.datapackage import write_package

    if month not in published_months(platform):  # type: ignore[arg-type]
        fail([f"{month} is not published: publish it before releasing its open data"], status=1)
    target = write_package(platform, month, folder)  # type: ignore[arg-type]
    click.echo(f"Data package written: {target}")


def _figures(
    platform: object, month: str, output_format: str, output: Path, lang: str, hxl: bool
) -> None:
    from kipu.web.api.datapackage import published_run_start
    from kipu.web.api.opendata import write_figures
    from kipu.web.figures.queries import platform_figures

    start = published_run_start(platform, month)  # type: ignore[arg-type]
    figures = platform_figures(platform, date_from=start, date_to=month)  # type: ignore[arg-type]
    target = output.with_suffix(f".{output_format}")
    write_figures(figures, target, lang, hxl)
    click.echo(f"Figures written: {target}")


def _activities(
    platform: object, month: str, output_format: str, output: Path, lang: str, hxl: bool
) -> None:
    from kipu.web.accounts.scope import ADMIN, Scope
    from kipu.web.api.opendata import EXPORTED, stream_activities_csv, write_activities_xlsx
    from kipu.web.api.pagination import ActivityFilter, activity_queryset, activity_slices
    from kipu.web.platforms.queries import reference_data

    # The command line is the IM team's tool: every current row of the month.
    rows = activity_queryset(Scope(platform, ADMIN), ActivityFilter(month, month))  # type: ignore[arg-type]
    slices = activity_slices(rows, platform.pk, EXPORTED)  # type: ignore[attr-defined]
    reference = reference_data(platform, int(month[:4]))  # type: ignore[arg-type]
    target = output.with_suffix(f".{output_format}")
    if output_format == "xlsx":
        try:
            count = write_activities_xlsx(slices, reference, target, lang, hxl)
        except ValueError as error:
            fail([error], status=1)
    else:
        count = 0
        with target.open("wb") as handle:
            for chunk in stream_activities_csv(slices, reference, lang, hxl):
                handle.write(chunk)
                count += chunk.count(b"\n")
        count -= 2 if hxl else 1
    click.echo(f"{count} activities written: {target}")


COMMANDS = (export,)
