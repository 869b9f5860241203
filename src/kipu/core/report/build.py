"""Build a situation report: `build_report(context, out_dir)` writes every format at once.

    out_dir/sitrep.html      self-contained (inline CSS and SVG), prints to A4
    out_dir/sitrep.pdf       WeasyPrint, A4, page numbers, figure captions
    out_dir/sitrep.docx      editable Word version
    out_dir/figures/*.svg, *.png   each chart and map, for presentations
    out_dir/figures.json     every number the report shows, by name, with its phrasing

Charts and maps are drawn once and shared by all formats; every phrased number comes from
one `ReportView`, so the formats cannot disagree.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from kipu.core.report.charts import (
    Graphic,
    arrivals_departures_chart,
    partners_by_area_chart,
    reached_by_sector_chart,
)
from kipu.core.report.context import ReportContext
from kipu.core.report.labels import label
from kipu.core.report.narrative import NarrativeError, check
from kipu.core.report.view import Asset, ReportView, make_view
from kipu.core.written import staged_folder

PNG_DPI = 150  # sharp enough for A4 print and Word; 200 dpi costs ~1 s more per build


@dataclass
class BuildResult:
    html: Path
    pdf: Path | None
    docx: Path | None
    figures_json: Path
    figure_files: list[Path]
    figures: dict[str, Any]
    view: ReportView = field(repr=False)


def source_5w(context: ReportContext) -> str:
    return context.source_5w or label("source_5w", context.lang, platform=context.platform)


def _flows_chart(context: ReportContext) -> Graphic | None:
    flows = context.flows
    if flows.empty:
        return None
    series = {}
    if flows.arrivals:
        series[label("arrivals", context.lang)] = list(flows.arrivals)
    if flows.departures:
        series[label("departures", context.lang)] = list(flows.departures)
    return arrivals_departures_chart(
        series, flows.annotations, context.lang, "", flows.source, style=context.style
    )


def _area_charts(context: ReportContext) -> dict[str, Graphic]:
    graphics: dict[str, Graphic] = {}
    partners = {a.name: a.partners for a in context.areas if a.partners}
    if partners:
        graphics["partners-by-area"] = partners_by_area_chart(
            partners, context.lang, source_5w(context), title="", style=context.style
        )
    reached = {a.name: a.reached for a in context.areas if a.reached}
    if reached:
        graphics["reached-by-area"] = reached_by_sector_chart(
            reached, context.lang, source_5w(context), title="", style=context.style
        )
    return graphics


def _maps(context: ReportContext) -> dict[str, Graphic]:
    # Imported here: shapely and the map code are only needed when there is something to map.
    from kipu.core.report.maps import presence_map, small_multiples

    if context.boundaries is None or not any(context.presence.values()):
        return {}
    source = source_5w(context)
    graphics = {
        "presence-overall": presence_map(
            context.boundaries,
            context.presence,
            "",
            context.lang,
            source,
            inset=list(context.map_inset) or None,
            style=context.style,
        )
    }
    by_area = {a: c for a, c in context.presence_by_area.items() if any(c.values())}
    if by_area:
        graphics["presence-by-area"] = small_multiples(
            context.boundaries, by_area, "", context.lang, source, style=context.style
        )
    return graphics


def make_graphics(context: ReportContext) -> dict[str, Graphic]:
    """Every chart and map the context has data for, by file key."""
    graphics: dict[str, Graphic] = {}
    flows = _flows_chart(context)
    if flows is not None:
        graphics["figure-1-arrivals-departures"] = flows
    graphics.update(_area_charts(context))
    graphics.update(_maps(context))
    return graphics


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"not JSON serialisable: {value!r}")


def figures_document(context: ReportContext, view: ReportView) -> dict[str, Any]:
    return {
        "platform": context.platform,
        "slug": context.slug,
        "month": context.month,
        "lang": context.lang,
        "synthetic": context.synthetic,
        "figures": view.recorded,
    }


def narrative_problems(context: ReportContext) -> list[str]:
    """Every problem of every narrative section, "section: message" (empty when all is well):
    an unknown figure, an argument naming nothing or several values, a bad filter."""
    return [
        f"{section}: {problem}"
        for section, source in context.narrative_sources().items()
        for problem in check(source, context.catalogue, context.lang)
    ]


Progress = Callable[[str, Path], None]  # (format: "html" | "pdf" | "docx", file written)


def build_report(
    context: ReportContext,
    out_dir: str | Path,
    *,
    formats: tuple[str, ...] = ("html", "pdf", "docx"),
    progress: Progress | None = None,
) -> BuildResult:
    """Write the report in `formats` (HTML and figures.json always) into `out_dir`;
    `progress(format, path)` is called as each of sitrep.html/.pdf/.docx is written.

    A half-written report never replaces a good one. Every problem of the narrative (a
    figure that does not exist, an argument that names nothing) raises
    `narrative.NarrativeError` before anything is drawn; the files are then written into a
    folder beside `out_dir` and moved into it only once all are written
    (`kipu.core.written.staged_folder`), so a failure while writing (a full disk, a PDF that
    cannot be made) leaves `out_dir` as it was. Raises OSError for such a failure.
    """
    problems = narrative_problems(context)
    if problems:
        raise NarrativeError("\n".join(problems))
    out = Path(out_dir)
    done = progress or (lambda _format, _path: None)
    with staged_folder(out) as staging:
        result = _write(context, staging, formats, lambda f, p: done(f, out / p.name))
    return BuildResult(
        out / result.html.name,
        out / result.pdf.name if result.pdf else None,
        out / result.docx.name if result.docx else None,
        out / result.figures_json.name,
        [out / path.relative_to(staging) for path in result.figure_files],
        result.figures,
        result.view,
    )


def _write(
    context: ReportContext, out: Path, formats: tuple[str, ...], done: Progress
) -> BuildResult:
    from kipu.core.report.html import render_html

    graphics = make_graphics(context)
    assets = {key: Asset(key, g.svg(), g.png(dpi=PNG_DPI)) for key, g in graphics.items()}
    view = make_view(context, assets)
    figures_dir = out / "figures"
    figures_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for asset in assets.values():
        svg, png = figures_dir / f"{asset.key}.svg", figures_dir / f"{asset.key}.png"
        svg.write_text(asset.svg, encoding="utf-8")
        png.write_bytes(asset.png)
        written += [svg, png]
    html_path = out / "sitrep.html"
    html_path.write_text(render_html(view, context.style), encoding="utf-8")
    done("html", html_path)
    pdf_path = docx_path = None
    if "pdf" in formats:
        from kipu.core.report.pdf import render_pdf

        pdf_path = out / "sitrep.pdf"
        pdf_path.write_bytes(render_pdf(render_html(view, context.style, for_print=True)))
        done("pdf", pdf_path)
    if "docx" in formats:
        from kipu.core.report.docx import render_docx

        docx_path = out / "sitrep.docx"
        docx_path.write_bytes(render_docx(view, context.style))
        done("docx", docx_path)
    document = figures_document(context, view)
    json_path = out / "figures.json"
    json_path.write_text(
        json.dumps(document, ensure_ascii=False, indent=2, default=_json_default),
        encoding="utf-8",
    )
    return BuildResult(
        html_path, pdf_path, docx_path, json_path, written, document["figures"], view
    )
