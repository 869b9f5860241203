"""`kipu figures`: people reached without double counting, partners, coverage, progress."""

from __future__ import annotations

import io
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
from kipu.core.written import replace_text, replacing

FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


FIGURES_FORMATS = ("text", "json", "csv", "xlsx")


@click.command()
@PLATFORM
@click.option(
    "--from", "date_from", metavar="YYYY-MM", help="First month (default: the data's first)."
)
@click.option("--to", "date_to", metavar="YYYY-MM", help="Last month (default: the data's last).")
@click.option(
    "--model",
    default="max-cell",
    show_default=True,
    type=click.Choice(["sum", "max-sector", "max-agd", "max-cell", "grouped"]),
    help="Intersector model (docs/figures.md).",
)
@click.option("--rmrp-only", is_flag=True, help="Only rows marked as RMRP activities.")
@click.option("--include-issues", is_flag=True, help="Count rows stored with accepted issues.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(FIGURES_FORMATS),
    help=f"({FORMAT_FROM_NAME} text)",
)
@click.option(
    "-o",
    "--output",
    type=OutputPath(dir_okay=False),
    help="Write here (`-`: standard output, the default; not for xlsx).",
)
@click.option(
    "--input",
    "input_file",
    type=FILE,
    help="Compute straight from a 5W file, on its rows as they are (nothing is stored).",
)
@click.option(
    "--plan",
    "plan_file",
    type=FILE,
    help="With --input: the plan file, so no database is needed at all.",
)
@click.option(
    "--orgs", "orgs_file", type=FILE, help="With --input and --plan: the organisations file."
)
@click.option(
    "--country",
    "countries",
    multiple=True,
    metavar="ISO3",
    help="Only these countries (repeat for several); with --input and --plan, the country of "
    "the bundled gazetteer (default PER).",
)
@LANG
def figures(
    platform_slug: str | None,
    date_from: str | None,
    date_to: str | None,
    model: str,
    rmrp_only: bool,
    include_issues: bool,
    output_format: str | None,
    output: Path | str | None,
    input_file: Path | None,
    plan_file: Path | None,
    orgs_file: Path | None,
    countries: tuple[str, ...],
    lang: str,
) -> None:
    """Compute people reached, partners, coverage and progress for a period."""
    check_month(date_from, "--from")
    check_month(date_to, "--to")
    output_format = format_for(output_format, output, FIGURES_FORMATS, "text")
    target = output_file(
        output, "an XLSX workbook (--format xlsx)" if output_format == "xlsx" else None
    )
    if output_format == "xlsx" and target is None:
        fail(["--format xlsx needs -o FILE.xlsx"], status=2)
    if plan_file is not None and input_file is None:  # it would be left unread, silently
        fail(["--plan is read with --input FILE only"], status=2)
    if orgs_file is not None and plan_file is None:
        fail(["--orgs is read with --input FILE --plan PLAN only"], status=2)
    options = {"model": model, "date_from": date_from, "date_to": date_to, "rmrp_only": rmrp_only}
    validation = None
    try:
        if input_file is not None:
            from kipu.cli.figures_input import figures_from_file

            result, validation = figures_from_file(
                input_file,
                options,
                platform_slug=platform_slug,
                plan_file=plan_file,
                orgs_file=orgs_file,
                countries=[c.upper() for c in countries],
                lang=lang,
            )
        else:
            setup_django()
            from kipu.web.figures.queries import platform_figures

            result = platform_figures(
                current_platform(platform_slug),
                model=model,
                date_from=date_from,
                date_to=date_to,
                rmrp_only=rmrp_only,
                with_issues=include_issues,
                countries=[c.upper() for c in countries] or None,
            )
    except ValueError as error:
        fail([error], status=2)
    _write(result, validation, output_format, target, lang)


def _write(
    result: Any,
    validation: dict[str, Any] | None,
    output_format: str,
    output: Path | None,
    lang: str,
) -> None:
    if output_format in ("xlsx", "csv"):
        # The file holds the table only: what the reader must know goes to stderr (rows of
        # other plan years left out, partners not counted…), never nowhere.
        from kipu.core.figures.notes import note_text
        from kipu.core.phrasing import language

        said = "nota" if language(lang) == "es" else "note"
        for note in result.notes:
            click.echo(f"{said}: {note_text(note, lang)}", err=True)
    if output_format == "xlsx":
        assert output is not None
        with replacing(output) as partial:
            result.to_xlsx(partial, lang)
        say_written(f"Figures written: {output}", output)
        return
    if output_format == "csv":
        if output:
            with replacing(output) as partial:
                result.to_csv(partial)
        else:
            buffer = io.BytesIO()
            result.to_csv(buffer)
            write_stdout(buffer.getvalue())
        return
    if output_format == "json":
        text = result.to_json_text({"validation": validation} if validation is not None else None)
    else:
        text = result.to_text(lang)
        if validation is not None:
            text += _provisional_note(validation, lang)
    if output:
        replace_text(output, text + "\n")
    else:
        click.echo(text)


COMMANDS = (figures,)


def _provisional_note(validation: dict[str, Any], lang: str) -> str:
    """What provisional figures were computed on: the rows, those with errors, the rows left
    out (a value that could not be read is never summed as 0), and the issues by code."""
    counts = ", ".join(f"{c} {n}" for c, n in validation["issues_by_code"].items())
    rows, errors = validation["rows_read"], validation["rows_with_errors"]
    left = validation.get("rows_left_out") or []
    shown = ", ".join(map(str, left[:20])) + (", …" if len(left) > 20 else "")
    if lang == "es":
        one = "1 fila queda fuera (no se puede guardar)"
        many = f"{len(left)} filas quedan fuera (no se pueden guardar)"
        out = f" {one if len(left) == 1 else many}: {shown}." if left else ""
        return (
            f"\nCalculado sobre las filas tal como están: {rows} filas, {errors} con "
            f"errores.{out} Problemas: {counts or 'ninguno'}."
        )
    one, many = (
        "1 row left out (it cannot be stored)",
        f"{len(left)} rows left out (they cannot be stored)",
    )
    out = f" {one if len(left) == 1 else many}: {shown}." if left else ""
    return (
        f"\nComputed on the rows as they are: {rows} rows, {errors} with errors.{out} "
        f"Issues: {counts or 'none'}."
    )
