"""`kipu export`: open-data files of a month: activities or figures as CSV/XLSX with an HXL row,
or the month's Frictionless data package (published months only)."""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from kipu.cli.base import (
    FORMAT_FROM_NAME,
    PLATFORM,
    OutputPath,
    current_platform,
    fail,
    format_for,
    output_file,
    say_written,
    setup_django,
    write_stdout,
)
from kipu.cli.collect import LANG, check_month
from kipu.core.written import replacing

EXPORT_FORMATS = ("csv", "xlsx", "datapackage")


@click.command()
@PLATFORM
@click.option("--month", required=True, metavar="YYYY-MM", help="The month exported.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(EXPORT_FORMATS),
    help="datapackage: datapackage.json + activities.csv + figures.csv in the -o folder "
    f"({FORMAT_FROM_NAME} csv).",
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
    "-o",
    "--output",
    required=True,
    type=OutputPath(),
    help="File, or folder (datapackage); `-`: standard output (csv only).",
)
def export(
    platform_slug: str | None,
    month: str,
    output_format: str | None,
    table: str,
    no_hxl: bool,
    lang: str,
    output: Path | str,
) -> None:
    """Export a month's activities or figures (CSV/XLSX with HXL), or its data package."""
    check_month(month)
    output_format = format_for(output_format, output, EXPORT_FORMATS, "csv")
    refused = {"xlsx": "an XLSX workbook", "datapackage": "a data package (a folder of files)"}
    name = "FOLDER" if output_format == "datapackage" else "FILE"
    target = output_file(output, refused.get(output_format), name=name)
    setup_django()
    platform = current_platform(platform_slug)
    if output_format == "datapackage":
        assert target is not None  # refused above
        _package(platform, month, target)
    elif table == "figures":
        _figures(platform, month, output_format, target, lang, not no_hxl)
    else:
        _activities(platform, month, output_format, target, lang, not no_hxl)


def _package(platform: Any, month: str, folder: Path) -> None:
    from kipu.web.accounts.scope import public_months
    from kipu.web.api.datapackage import write_package

    if month not in public_months(platform):
        fail([f"{month} is not published: publish it before releasing its open data"], status=1)
    target = write_package(platform, month, folder)
    click.echo(f"Data package written: {target}")


def _figures(
    platform: Any, month: str, output_format: str, output: Path | None, lang: str, hxl: bool
) -> None:
    from kipu.core.figures.notes import unreported_note
    from kipu.web.api.datapackage import cumulative_note, published_run_start, totals_start
    from kipu.web.api.opendata import write_figures
    from kipu.web.figures.queries import platform_figures

    start = published_run_start(platform, month)
    if totals_start(platform, month) != f"{month[:4]}-01":  # not the year's, as labelled
        click.echo(f"note: {cumulative_note(platform, month)}", err=True)
    figures = platform_figures(platform, date_from=start, date_to=month)
    if said := unreported_note(figures.unreported):  # also in the rows' checks
        click.echo(f"{'nota' if lang == 'es' else 'note'}: {said.text(lang)}", err=True)
    if output is None:
        # Written by the same writer as the file (its cells neutralised alike), then copied.
        with tempfile.TemporaryDirectory(prefix="kipu-export-") as folder:
            written = Path(folder) / "figures.csv"
            write_figures(figures, written, lang, hxl, output_format="csv")
            with written.open("rb") as source:
                while chunk := source.read(1 << 16):
                    write_stdout(chunk)
        sys.stdout.flush()
        click.echo("Figures written to standard output.", err=True)
        return
    with replacing(output) as partial:
        write_figures(figures, partial, lang, hxl, output_format=output_format)
    say_written(f"Figures written: {output}", output)


def _activities(
    platform: Any, month: str, output_format: str, output: Path | None, lang: str, hxl: bool
) -> None:
    from kipu.web.accounts.scope import ADMIN, Scope
    from kipu.web.api.opendata import EXPORTED, stream_activities_csv, write_activities_xlsx
    from kipu.web.api.pagination import ActivityFilter, activity_queryset, activity_slices
    from kipu.web.platforms.queries import reference_data

    # The command line is the IM team's tool: every current row of the month.
    rows = activity_queryset(Scope(platform, ADMIN), ActivityFilter(month, month))
    slices = activity_slices(rows, platform.pk, (*EXPORTED, "issues"))
    reference = reference_data(platform, int(month[:4]))
    counted = _Counted(slices)
    if output is None:  # CSV to standard output; what was written is said on stderr
        for chunk in stream_activities_csv(counted, reference, lang, hxl, issues=True):
            write_stdout(chunk)
        sys.stdout.flush()
        click.echo(f"{counted.rows} activities written to standard output.", err=True)
        return
    with replacing(output) as partial:
        if output_format == "xlsx":
            try:
                write_activities_xlsx(counted, reference, partial, lang, hxl, issues=True)
            except ValueError as error:
                fail([error], status=1)
        else:
            with partial.open("wb") as handle:
                for chunk in stream_activities_csv(counted, reference, lang, hxl, issues=True):
                    handle.write(chunk)
    say_written(f"{counted.rows} activities written: {output}", output)


class _Counted:
    """Slices passed through, their rows counted."""

    def __init__(self, slices: Iterator[Any]) -> None:
        self.slices, self.rows = slices, 0

    def __iter__(self) -> Iterator[Any]:
        for frame in self.slices:
            self.rows += frame.height
            yield frame


COMMANDS = (export,)
