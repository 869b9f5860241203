"""`kipu survey`: define a survey from its XLSForm, import a round's Kobo/ODK export, and print
its figures. Thin: kipu.web.surveys does the work (the same services as the IM team's pages)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from kipu.cli.base import (
    FORMAT,
    FORMAT_FROM_NAME,
    PLATFORM,
    OutputPath,
    cli_actor,
    current_platform,
    emit,
    fail,
    format_for,
    output_file,
    setup_django,
)
from kipu.cli.collect import LANG, check_month
from kipu.core.written import replace_text

FILE = click.Path(exists=True, dir_okay=False, path_type=Path)
SURVEY_FORMATS = ("text", "json", "csv")


@click.group("survey")
def survey() -> None:
    """Surveys (flow monitoring and the like): XLSForm, Kobo/ODK exports, figures."""


@survey.command("load-form")
@click.argument("form", type=FILE)
@click.option("--indicators", type=FILE, required=True, help="The indicators file (TOML).")
@PLATFORM
def load_form(form: Path, indicators: Path, platform_slug: str | None) -> None:
    """Create or update a survey from its XLSForm and indicators file."""
    setup_django()
    from kipu.core.surveys.form import FormError
    from kipu.core.surveys.indicators import IndicatorError
    from kipu.web.surveys.services import define_survey, survey_form

    platform = current_platform(platform_slug)
    try:
        found = define_survey(platform, form, indicators, actor=cli_actor())
    except (FormError, IndicatorError) as error:
        fail([error])
    questions = survey_form(found).answered()
    click.echo(f"Survey {found.slug!r} saved on {platform.slug}: {len(questions)} questions.")
    for warning in survey_form(found).warnings:
        click.echo(f"warning: {warning}", err=True)


def _survey(platform: Any, slug: str) -> Any:
    from kipu.web.surveys.queries import SurveyNotFound, survey_named

    try:
        return survey_named(platform, slug)
    except SurveyNotFound as error:
        fail([error], status=2)


@survey.command("import")
@click.argument("export", type=FILE)
@click.option("--survey", "slug", required=True, help="The survey's slug.")
@click.option("--month", required=True, metavar="YYYY-MM", help="The round (month).")
@click.option(
    "--repeat",
    "repeats",
    multiple=True,
    metavar="NAME=FILE",
    help="A CSV of a repeat group's rows (CSV exports hold one table each); repeatable.",
)
@PLATFORM
@FORMAT
@LANG
def import_round(
    export: Path,
    slug: str,
    month: str,
    repeats: tuple[str, ...],
    platform_slug: str | None,
    output_format: str,
    lang: str,
) -> None:
    """Validate an export against the form and store it as the month's round (atomic; the
    previous version is kept). The same export again is "unchanged" (no new version). Exit 1
    when it has errors (nothing is stored)."""
    check_month(month)
    extra: dict[str, Path | str] = {}
    for item in repeats:
        name, _, file = item.partition("=")
        if not file or not Path(file).is_file():
            fail([f"--repeat must be NAME=FILE with an existing file, not {item!r}"], status=2)
        extra[name] = Path(file)
    setup_django()
    from kipu.web.surveys.services import import_round as store

    found = _survey(current_platform(platform_slug), slug)
    result = store(found, month, export, actor=cli_actor(), lang=lang, repeat_files=extra)
    report = result.data.report

    def text(_: Any) -> str:
        lines = [
            f"{i.severity}: {i.sheet or ''} row {i.row or '-'} {i.column or ''}: {i.message}"
            for i in report.issues
        ]
        if result.unchanged:
            state = f"unchanged: {month} v{result.round.version} holds this export; nothing stored"
        elif result.stored:
            state = f"stored {month} v{result.round.version}: {result.round.interviews} interviews"
        else:
            state = f"rejected: {len(report.errors)} errors, nothing stored"
        return "\n".join([*lines, state])

    emit({"stored": result.stored, "unchanged": result.unchanged,
          "version": result.round.version, **report.to_dict()}, output_format, text)  # fmt: skip
    sys.exit(0 if result.stored or result.unchanged else 1)


@survey.command("figures")
@click.option("--survey", "slug", required=True, help="The survey's slug.")
@click.option("--month", metavar="YYYY-MM", help="The round (default: the latest).")
@click.option("--public", is_flag=True, help="As the public sees them (disclosure control).")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(SURVEY_FORMATS),
    help=f"({FORMAT_FROM_NAME} text)",
)
@click.option(
    "-o",
    "--output",
    type=OutputPath(dir_okay=False),
    help="Write here (`-`: standard output, the default).",
)
@PLATFORM
@LANG
def figures(
    slug: str,
    month: str | None,
    public: bool,
    output_format: str | None,
    output: Path | str | None,
    platform_slug: str | None,
    lang: str,
) -> None:
    """Counts and shares with 95% intervals of a round, by question and disaggregation."""
    check_month(month)
    output_format = format_for(output_format, output, SURVEY_FORMATS, "text")
    target = output_file(output)
    setup_django()
    from kipu.core.surveys.outputs import results_csv
    from kipu.web.accounts.scope import ADMIN, PUBLIC, Scope
    from kipu.web.surveys.queries import SurveyNotFound, results

    platform = current_platform(platform_slug)
    found = _survey(platform, slug)
    scope = Scope(platform, PUBLIC if public else ADMIN)
    try:
        shown = results(scope, found, month, lang)
    except SurveyNotFound as error:
        fail([error], status=2)
    if output_format == "csv":
        body = results_csv(shown.frame, lang=lang).decode("utf-8")
    elif output_format == "json":
        data = {
            "survey": found.slug,
            "month": shown.round.month,
            "interviews": shown.interviews,
            "disclosure_control": shown.public,
            "threshold": shown.k,
            "results": shown.frame.drop("survey").to_dicts(),
        }
        body = json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n"
    else:
        body = _text(shown, lang) + "\n"
    if target:
        replace_text(target, body)
    else:
        sys.stdout.write(body)


def _text(shown: Any, lang: str) -> str:
    # None: the disclosure rule withholds the total, said as withheld cells are.
    total = "interviews withheld" if shown.interviews is None else f"{shown.interviews} interviews"
    lines = [f"{shown.survey.title(lang)}, {shown.round.month}: {total}"]
    frame = shown.frame.filter(shown.frame["dimension"] == "all")
    for question, label in dict(
        zip(frame["question"], frame["question_label"], strict=True)
    ).items():
        lines.append(f"\n{label}")
        for row in frame.filter(frame["question"] == question).iter_rows(named=True):
            if row["suppressed"] or row["group_suppressed"]:
                lines.append(f"  {row['answer_label']}: withheld")
                continue
            if row["count"] is None:  # the export did not bring it (choice-not-exported)
                lines.append(f"  {row['answer_label']}: not known (not in the export)")
                continue
            if row["share"] is None:  # nobody answered: no share, not 0% (nor NaN)
                lines.append(f"  {row['answer_label']}: no answers")
                continue
            lines.append(
                f"  {row['answer_label']}: {row['count']} ({row['share']:.1%}, "
                f"95% {row['low']:.1%}–{row['high']:.1%})"
            )
    return "\n".join(lines)


COMMANDS = (survey,)
