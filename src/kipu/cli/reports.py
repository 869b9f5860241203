"""`kipu sitrep`: the monthly situation report in HTML, PDF and Word."""

from __future__ import annotations

from pathlib import Path

import click

from kipu.cli.base import PLATFORM, OutputPath, current_platform, fail, output_file, setup_django
from kipu.cli.collect import check_month


def read_narrative(folder: Path | None, lang: str) -> dict[str, str]:
    """Sections from FOLDER/<lang>/<section>.md (highlights, context, or a sector/area code).
    Hidden files are not sections: an editor's backup, or a write of Kipu's not finished."""
    if folder is None:
        return {}
    sections = folder / lang if (folder / lang).is_dir() else folder
    found = sorted(p for p in sections.glob("*.md") if not p.name.startswith("."))
    return {path.stem: path.read_text(encoding="utf-8") for path in found}


@click.command()
@PLATFORM
@click.option("--month", required=True, metavar="YYYY-MM", help="The report's month.")
@click.option(
    "--lang",
    "languages",
    type=click.Choice(["en", "es"]),
    multiple=True,
    help="Language (repeat for both; default: en).",
)
@click.option(
    "--narrative",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Folder of Markdown sections: [<lang>/]highlights.md, context.md, <AREA>.md.",
)
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=OutputPath(file_okay=False),
    help="Output folder (one sub-folder per language when several).",
)
def sitrep(
    platform_slug: str | None,
    month: str,
    languages: tuple[str, ...],
    narrative: Path | None,
    out_dir: Path | str,
) -> None:
    """Render the monthly situation report: sitrep.html/.pdf/.docx, figures/, figures.json."""
    check_month(month)
    folder = output_file(out_dir, "the report (a folder of files)", "--out", "FOLDER")
    assert folder is not None  # --out is required
    setup_django()
    from kipu.core.report.narrative import NarrativeError
    from kipu.web.reports.services import render_report, report_warnings

    platform = current_platform(platform_slug)
    for warning in report_warnings(platform, month):
        click.echo(f"warning: {warning}", err=True)
    chosen = languages or ("en",)
    for lang in chosen:
        target = folder / lang if len(chosen) > 1 else folder
        try:
            result = render_report(
                platform, month, lang, target, narrative=read_narrative(narrative, lang) or None
            )
        except NarrativeError as error:
            fail([error], status=1)
        click.echo(
            f"{lang}: {result.html}, {result.pdf}, {result.docx} "
            f"({len(result.figures)} figures in figures.json)"
        )


COMMANDS = (sitrep,)
