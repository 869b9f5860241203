"""What survey results become for people: a bar chart with intervals (SVG) and an open-data
CSV with an HXL row. Both show only what `public.public` left, and say what it withheld.

The SVG uses presentation attributes only (no style element or attribute), so pages under
Kipu's Content-Security-Policy can show it; every text is escaped. The CSV neutralises every
cell a spreadsheet would run as a formula (`kipu.core.write`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

import polars as pl

from kipu.core.write import neutralise

WIDTH, BAR_LEFT, BAR_WIDTH, ROW = 640, 230, 330, 26
COLOUR, INTERVAL, MUTED = "#1f6f8b", "#10212b", "#6b7780"
TEXT = {
    "en": {
        "withheld": "withheld (fewer than {k} people)",
        "interval": "95% interval",
        "not known": "not known: not in the export",
    },
    "es": {
        "withheld": "reservado (menos de {k} personas)",
        "interval": "intervalo de 95 %",
        "not known": "no se sabe: no está en la exportación",
    },
}


@dataclass(frozen=True)
class Bar:
    label: str
    share: float | None  # None: withheld by disclosure control, or not `known`
    low: float | None = None
    high: float | None = None
    known: bool = True  # False: a choice the export did not bring (choice-not-exported)


def _percent(value: float, lang: str) -> str:
    text = f"{value * 100:.0f}"
    return f"{text} %" if lang == "es" else f"{text}%"


def bar_chart(title: str, bars: Sequence[Bar], *, lang: str = "en", k: int = 5) -> str:
    """Horizontal bars of shares with their 95% intervals as whiskers; a withheld or not
    known share is written as such, never drawn as zero."""
    say = TEXT["es" if lang == "es" else "en"]
    height = 44 + ROW * len(bars) + 26
    label = escape(title, {'"': "&quot;"})
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{label}">',
        f"<title>{escape(title)}</title>",
        f'<text x="8" y="22" font-family="sans-serif" font-size="15" font-weight="bold" '
        f'fill="{INTERVAL}">{escape(title)}</text>',
    ]
    for number, bar in enumerate(bars):
        y = 44 + number * ROW
        parts.append(
            f'<text x="{BAR_LEFT - 8}" y="{y + 15}" text-anchor="end" font-family="sans-serif" '
            f'font-size="12" fill="{INTERVAL}">{escape(bar.label)}</text>'
        )
        if bar.share is None:
            said = say["withheld"].format(k=k) if bar.known else say["not known"]
            parts.append(
                f'<text x="{BAR_LEFT}" y="{y + 15}" font-family="sans-serif" font-size="12" '
                f'font-style="italic" fill="{MUTED}">{escape(said)}</text>'
            )
            continue
        width = max(0.0, bar.share) * BAR_WIDTH
        parts.append(
            f'<rect x="{BAR_LEFT}" y="{y + 4}" width="{width:.1f}" height="14" fill="{COLOUR}"/>'
        )
        if bar.low is not None and bar.high is not None:
            left, right = BAR_LEFT + bar.low * BAR_WIDTH, BAR_LEFT + bar.high * BAR_WIDTH
            parts.append(
                f'<line x1="{left:.1f}" y1="{y + 11}" x2="{right:.1f}" y2="{y + 11}" '
                f'stroke="{INTERVAL}" stroke-width="1.5"/>'
                f'<line x1="{left:.1f}" y1="{y + 6}" x2="{left:.1f}" y2="{y + 16}" '
                f'stroke="{INTERVAL}" stroke-width="1.5"/>'
                f'<line x1="{right:.1f}" y1="{y + 6}" x2="{right:.1f}" y2="{y + 16}" '
                f'stroke="{INTERVAL}" stroke-width="1.5"/>'
            )
        end = BAR_LEFT + max(width, (bar.high or 0) * BAR_WIDTH) + 6
        parts.append(
            f'<text x="{end:.1f}" y="{y + 15}" font-family="sans-serif" font-size="12" '
            f'fill="{INTERVAL}">{escape(_percent(bar.share, lang))}</text>'
        )
    parts.append(
        f'<text x="8" y="{height - 8}" font-family="sans-serif" font-size="11" '
        f'fill="{MUTED}">{escape("— " + say["interval"])}</text></svg>'
    )
    return "".join(parts)


# --- open data -------------------------------------------------------------------------------

COLUMNS: tuple[tuple[str, str, str, str], ...] = (
    # name, English label, Spanish label, HXL hashtag (HXL 1.1)
    ("survey", "Survey", "Encuesta", "#meta+survey+code"),
    ("month", "Month", "Mes", "#date+month"),
    ("question", "Question", "Pregunta", "#indicator+question+code"),
    ("question_label", "Question label", "Texto de la pregunta", "#indicator+question+name"),
    ("answer", "Answer", "Respuesta", "#indicator+answer+code"),
    ("answer_label", "Answer label", "Texto de la respuesta", "#indicator+answer+name"),
    ("dimension", "Disaggregation", "Desagregación", "#meta+dimension"),
    ("group", "Group", "Grupo", "#meta+group"),
    ("respondents", "Respondents", "Personas que respondieron", "#indicator+respondents+num"),
    ("count", "Count", "Cantidad", "#indicator+num"),
    ("weighted_count", "Weighted count", "Cantidad ponderada", "#indicator+weighted+num"),
    ("share", "Share", "Proporción", "#indicator+pct"),
    ("low", "95% interval, low", "Intervalo de 95 %, mínimo", "#indicator+pct+low"),
    ("high", "95% interval, high", "Intervalo de 95 %, máximo", "#indicator+pct+high"),
    ("suppressed", "Withheld (fewer than k people)", "Reservado (menos de k personas)",
     "#meta+suppressed"),
)  # fmt: skip


def results_csv(frame: pl.DataFrame, *, lang: str = "en", hxl: bool = True) -> bytes:
    """Public results (`public.public` plus survey, month and label columns) as CSV: labels
    row, HXL row, one row per cell; withheld cells are empty and say so."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([es if lang == "es" else en for _, en, es, _ in COLUMNS])
    if hxl:
        writer.writerow([tag for *_, tag in COLUMNS])
    withheld = pl.col("suppressed") | pl.col("group_suppressed")
    shaped = frame.with_columns(
        pl.when(withheld).then(pl.lit("yes" if lang == "en" else "sí")).otherwise(pl.lit(""))
        .alias("suppressed")
    )  # fmt: skip
    for record in shaped.select([name for name, *_ in COLUMNS]).iter_rows():
        writer.writerow(["" if value is None else neutralise(value) for value in record])
    return buffer.getvalue().encode("utf-8")
