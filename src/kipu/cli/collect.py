"""5W collection: templates, validation, import, submission history."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any, NoReturn

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
    say_written,
    setup_django,
)
from kipu.core.written import replace_text, replacing

FILE = click.Path(exists=True, dir_okay=False, path_type=Path)
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
LANG = click.option(
    "--lang",
    type=click.Choice(["en", "es"]),
    default="en",
    show_default=True,
    help="Language of messages and labels.",
)
SHOWN_PER_CODE = 20  # text output lists this many issues per code; JSON lists all


def check_month(month: str | None, option: str = "--month") -> str | None:
    """`month` when it is YYYY-MM (or None); else the command stops, naming `option`."""
    if month is not None and not MONTH.match(month):
        fail([f"{option} must be YYYY-MM, not {month!r}"], status=2)
    return month


def organisation_key(platform: Any, text: str | None) -> Any:
    from kipu.web.submissions.imports import ImportRefused, organisation_of

    if text is None:
        return None
    try:
        return organisation_of(platform, text)
    except ImportRefused as error:
        fail([error], status=2)


# The text report's own words; the issues' messages are in the report's language already.
_REPORT_WORDS = {
    "en": {"valid": "VALID", "invalid": "INVALID", "read": ("{n} row read", "{n} rows read"),
           "errors": "{n} with errors", "warnings": "{n} with warnings",
           "codes": "Issues by code: ", "row": "row", "file": "file",
           "error": "error", "warning": "warning",
           "more": "  … and {more} (use --format json or xlsx for all)",
           "n_more": "{n} more {code}", "annotated": "Annotated workbook: {target}",
           "stored": ("Stored: {org} {month}, {n} row (submission {pk}).",
                      "Stored: {org} {month}, {n} rows (submission {pk})."),
           "unchanged": "Unchanged: {org} {month} (same file as submission {pk}).",
           "blocked": "{n} rows cannot be stored, even with --accept-issues (rows {rows}): a "
           "value they need could not be read, or they name an unknown place, organisation, "
           "sector, indicator or month. Nothing was stored.", "and_more": "{rows} and {n} more",
           "unstorable": "{n} rows cannot be stored, even with --accept-issues (rows {rows}): "
           "a value they need could not be read, or they name an unknown place, organisation, "
           "sector, indicator or month."},
    "es": {"valid": "VÁLIDO", "invalid": "NO VÁLIDO",
           "read": ("{n} fila leída", "{n} filas leídas"),
           "errors": "{n} con errores", "warnings": "{n} con advertencias",
           "codes": "Problemas por código: ", "row": "fila", "file": "archivo",
           "error": "error", "warning": "advertencia",
           "more": "  … y {more} (use --format json o xlsx para verlos todos)",
           "n_more": "{n} más de {code}", "annotated": "Libro anotado: {target}",
           "stored": ("Guardado: {org} {month}, {n} fila (envío {pk}).",
                      "Guardado: {org} {month}, {n} filas (envío {pk})."),
           "unchanged": "Sin cambios: {org} {month} (el mismo archivo que el envío {pk}).",
           "blocked": "{n} filas no se pueden guardar, ni con --accept-issues (filas {rows}): "
           "no se pudo leer un valor que necesitan, o nombran un lugar, una organización, un "
           "sector, un indicador o un mes desconocidos. No se guardó nada.",
           "and_more": "{rows} y {n} más",
           "unstorable": "{n} filas no se pueden guardar, ni con --accept-issues (filas "
           "{rows}): no se pudo leer un valor que necesitan, o nombran un lugar, una "
           "organización, un sector, un indicador o un mes desconocidos."},
}  # fmt: skip


def _words(lang: str) -> dict[str, Any]:
    return _REPORT_WORDS["es" if lang == "es" else "en"]


def describe_report(report: Any, limit: int = SHOWN_PER_CODE, lang: str = "en") -> str:
    """A readable report in `lang` (en, es): totals, counts per code, then the first issues
    of each code."""
    from kipu.core.phrasing import number

    words = _words(lang)
    summary = report.summary
    read = words["read"][summary["rows_read"] != 1].format(n=number(summary["rows_read"], lang))
    lines = [
        f"{words['valid'] if report.valid else words['invalid']}: {read}, "
        + words["errors"].format(n=number(summary["rows_with_errors"], lang))
        + ", "
        + words["warnings"].format(n=number(summary["rows_with_warnings"], lang))
        + "."
    ]
    if summary["issues_by_code"]:
        lines.append(
            words["codes"]
            + ", ".join(
                f"{code} {number(n, lang)}" for code, n in summary["issues_by_code"].items()
            )
        )
    first, hidden = report.first_per_code(limit)  # row issues are columns: make only these
    for issue in first:
        place = f"{words['row']} {issue.row}" if issue.row else words["file"]
        where = f"{issue.sheet}!{place}" if issue.sheet else place
        column = f", {issue.column}" if issue.column else ""
        severity = words.get(issue.severity, issue.severity)
        lines.append(f"  {severity:7} {where}{column}: {issue.message} [{issue.code}]")
    if hidden:
        more = ", ".join(
            words["n_more"].format(n=number(n, lang), code=code) for code, n in hidden.items()
        )
        lines.append(words["more"].format(more=more))
    return "\n".join(lines)


def file_level_failure(report: Any) -> bool:
    from kipu.core.validation import CATALOGUE

    # File-level codes are among the file issues only (row issues are never such codes).
    found = report.file_issues
    return any(i.severity == "error" and CATALOGUE[i.code].level == "file" for i in found)


VALIDATE_FORMATS = ("text", "json", "xlsx")


@click.command()
@click.argument("file", type=FILE)
@PLATFORM
@click.option("--org", help="The submitting organisation (registry id, acronym or name).")
@click.option("--month", help="The month being submitted, YYYY-MM.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(VALIDATE_FORMATS),
    help=f"xlsx: your workbook back with the bad cells highlighted ({FORMAT_FROM_NAME} text).",
)
@LANG
@click.option(
    "-o",
    "--output",
    type=OutputPath(dir_okay=False),
    help="Write here (`-`: standard output, the default for text and json; not for xlsx).",
)
def validate(
    file: Path,
    platform_slug: str | None,
    org: str | None,
    month: str | None,
    output_format: str | None,
    lang: str,
    output: Path | str | None,
) -> None:
    """Check a 5W file row by row; never writes to the database.

    Exit status 0 valid (warnings allowed), 1 invalid, 2 unusable file or usage error.
    """
    from kipu.core.read import prefetch

    output_format = format_for(output_format, output, VALIDATE_FORMATS, "text")
    target = output_file(
        output, "the annotated workbook (--format xlsx)" if output_format == "xlsx" else None
    )

    prefetch(file)  # read while Django and the reference data are set up
    setup_django()
    from kipu.web.submissions.imports import check_file, check_months

    platform = current_platform(platform_slug)
    check_month(month)
    organisation = organisation_key(platform, org)
    # As `kipu import` checks it: the organisation's history (`outlier`), published months.
    result = check_file(platform, file, organisation=organisation, month=month, lang=lang)
    check_months(platform, result, month, lang)
    report = result.report
    if output_format == "xlsx":
        from kipu.core.validation.annotate import annotate_workbook

        target = target or file.with_name(f"{file.stem}-checked.xlsx")
        with replacing(target) as partial:
            annotate_workbook(file, report, partial)
        annotated = _words(lang)["annotated"].format(target=target)
        say_written(f"{describe_report(report, 0, lang)}\n{annotated}", target)
    else:
        text = (
            report.to_json(indent=2)
            if output_format == "json"
            else describe_report(report, lang=lang) + _unstorable(result.unstorable, lang)
        )
        if target:
            replace_text(target, text + "\n")
        else:
            click.echo(text)
    sys.exit(2 if file_level_failure(report) else (0 if report.valid else 1))


def _rows_named(rows: list[int], lang: str) -> str:
    shown = ", ".join(map(str, rows[:20]))
    more = len(rows) - 20
    return _words(lang)["and_more"].format(rows=shown, n=more) if more > 0 else shown


def _unstorable(rows: list[int], lang: str) -> str:
    """What `kipu import --accept-issues` would refuse: rows no option stores."""
    if not rows:
        return ""
    return "\n" + _words(lang)["unstorable"].format(n=len(rows), rows=_rows_named(rows, lang))


@click.command("import")
@click.argument("file", type=FILE)
@PLATFORM
@click.option("--org", help="The organisation submitting (registry id, acronym or name).")
@click.option("--month", help="The month submitted, YYYY-MM.")
@click.option(
    "--all-months",
    is_flag=True,
    help="A multi-month, multi-organisation export: one submission per organisation and month.",
)
@click.option(
    "--accept-issues", is_flag=True, help="IM officers: store rows with errors, issues attached."
)
@click.option(
    "--background",
    is_flag=True,
    help="Queue it as a background job (`kipu worker` runs it) and print the job's id; "
    "`kipu jobs show ID --wait` follows it.",
)
@LANG
@FORMAT
def import_(
    file: Path,
    platform_slug: str | None,
    org: str | None,
    month: str | None,
    all_months: bool,
    accept_issues: bool,
    background: bool,
    lang: str,
    output_format: str,
) -> None:
    """Validate a 5W file, then store it atomically (replaces that month's earlier version).
    In the foreground with a progress bar, unless --background."""
    setup_django()

    from kipu.web.submissions.imports import ImportRefused, audit_stored, import_file

    platform = current_platform(platform_slug)
    check_month(month)
    if all_months == bool(org or month) or (not all_months and not (org and month)):
        fail(["give --org and --month, or --all-months"], status=2)
    organisation = organisation_key(platform, org)
    if background:
        _queue_import(platform, organisation, month, file, accept_issues, lang, output_format)
        return

    try:
        with _progress() as progress:
            result = import_file(
                platform,
                file,
                organisation=organisation,
                month=month,
                accept_issues=accept_issues,
                lang=lang,
                progress=progress,
                on_stored=audit_stored(cli_actor(), platform),
            )
    except ImportRefused as error:
        fail([error], status=2)
    _report_import(result, output_format, lang)


def _queue_import(
    platform: Any,
    organisation: Any,
    month: str | None,
    file: Path,
    accept_issues: bool,
    lang: str,
    output_format: str,
) -> None:
    from kipu.cli.jobs import queue
    from kipu.web.jobs.start import start_import
    from kipu.web.portal.services import UploadRefused, check_open

    if organisation is not None and month is not None:
        try:  # refused at once, not by the job later (the job checks again when it runs)
            check_open(platform, organisation, month)
        except UploadRefused as error:
            fail([error], status=2)

    def start() -> Any:
        return start_import(
            platform,
            organisation,
            month,
            file,
            cli_actor(),
            lang=lang,
            accept_issues=accept_issues,
            system=True,
        )

    queue(start, "the import", output_format, nothing="nothing was stored")


class _progress:
    """A progress bar on a terminal, nothing otherwise (logs and pipes stay clean)."""

    def __enter__(self) -> Any:
        if not sys.stderr.isatty():
            return None
        from rich.progress import Progress

        self.bar = Progress(transient=True)
        self.bar.start()
        self.task = self.bar.add_task("Reading the file", total=None)
        return self.update

    def update(self, stage: str, done: int, total: int | None) -> None:
        """`submissions.imports.ImportProgress`."""
        if stage == "store":
            self.bar.update(self.task, description="Storing rows", completed=done, total=total)
        elif stage == "check":
            self.bar.update(self.task, description=f"Checking {done:,} rows", total=None)
        else:
            self.bar.update(self.task, description="Reading the file", total=None)

    def __exit__(self, *exc: object) -> None:
        if hasattr(self, "bar"):
            self.bar.stop()


def _report_import(result: Any, output_format: str, lang: str = "en") -> None:
    from kipu.web.submissions.queries import submission_summary

    report = result.validation.report
    data = {
        "stored": [submission_summary(s) for s in result.stored],
        "unchanged": [submission_summary(s) for s in result.unchanged],
        "blocked_rows": result.blocked_rows,
        "blocked_row_numbers": result.blocked,
        "validation": report.to_dict(),
    }
    if output_format == "json":
        click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
        _exit_import(report, result)
    words = _words(lang)
    click.echo(describe_report(report, lang=lang))
    if result.blocked:
        rows = _rows_named(result.blocked, lang)
        click.echo(words["blocked"].format(n=len(result.blocked), rows=rows))
    for s in result.stored:
        line = words["stored"][s.row_count != 1]
        click.echo(line.format(org=s.organisation, month=s.month, n=s.row_count, pk=s.pk))
    for s in result.unchanged:
        click.echo(words["unchanged"].format(org=s.organisation, month=s.month, pk=s.pk))
    _exit_import(report, result)


def _exit_import(report: Any, result: Any) -> NoReturn:
    if file_level_failure(report):
        sys.exit(2)
    sys.exit(0 if result.ok else 1)


@click.command()
@PLATFORM
@click.option("--org", help="Pre-fill this organisation.")
@click.option("--month", help="Pre-fill this month, YYYY-MM.")
@LANG
@click.option("-o", "--output", type=OutputPath(dir_okay=False), required=True)
def template(
    platform_slug: str | None, org: str | None, month: str | None, lang: str, output: Path | str
) -> None:
    """Write the partner's 5W template (drop-down lists, help, hidden HXL row)."""
    format_for(None, output, ("xlsx",), "xlsx")  # -o t.csv would hold a workbook
    target = output_file(output, "the template (an XLSX workbook)")
    assert target is not None  # -o is required
    setup_django()
    from kipu.core.template import write_template
    from kipu.web.platforms.queries import reference_data

    platform = current_platform(platform_slug)
    check_month(month)
    organisation = organisation_key(platform, org)
    reference = reference_data(platform, int(month[:4]) if month else None)
    with replacing(target) as partial:
        write_template(
            reference,
            partial,
            org=organisation.key if organisation else None,
            month=month,
            lang=lang,
        )
    say_written(f"Template written: {target}", target)


@click.group()
def submissions() -> None:
    """Submission history: every version is kept."""


@submissions.command("list")
@PLATFORM
@click.option("--org", help="Only this organisation.")
@click.option("--month", help="Only this month.")
@FORMAT
def submissions_list(
    platform_slug: str | None, org: str | None, month: str | None, output_format: str
) -> None:
    """List submissions, newest version first within each organisation and month."""
    setup_django()
    from kipu.web.submissions.queries import list_submissions

    platform = current_platform(platform_slug)
    rows = list_submissions(platform, organisation_key(platform, org), check_month(month))
    columns = ["id", "organisation", "month", "status", "rows", "uploaded_at", "file_name"]
    emit(
        rows,
        output_format,
        lambda data: (
            "\n".join("  ".join(str(r[c]) for c in columns) for r in data) or "No submissions."
        ),
    )


@submissions.command("show")
@click.argument("submission_id", type=int)
@FORMAT
def submissions_show(submission_id: int, output_format: str) -> None:
    """One submission with its validation report."""
    setup_django()
    from kipu.web.submissions.models import Submission
    from kipu.web.submissions.queries import submission_summary

    found = Submission.objects.select_related("organisation").filter(pk=submission_id).first()
    if found is None:
        fail([f"no submission {submission_id}"], status=1)
    data = {**submission_summary(found), "report": found.report}
    emit(
        data,
        output_format,
        lambda d: (
            "\n".join(f"{k}: {v}" for k, v in d.items() if k != "report")
            + f"\nissues: {len(d['report'].get('issues', []))}"
        ),
    )


COMMANDS = (validate, import_, template, submissions)
