"""Open-data tables: activities and figures as CSV or XLSX, with labels in English or Spanish,
an HXL hashtag row, and no cell a spreadsheet would run as a formula.

Activities use kipu.core.export's layout (the 5W template's labels and hashtags, names for
codes), vectorised over polars slices so a million rows stream in seconds; a test checks the
result equals `kipu.core.export.table_rows` on the same rows.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from kipu.core.export import display_frame, write_csv, write_xlsx
from kipu.core.figures import Figures
from kipu.core.figures.names import named_rows
from kipu.core.reference import ReferenceData
from kipu.core.report.catalogue import POPULATION_NAMES
from kipu.core.schema import COLUMNS, EXPORT_HXL
from kipu.core.write import XlsxText, neutralise, neutralise_frame

EXPORTED = tuple(c.name for c in COLUMNS)  # the activity columns an export reads
XLSX_MAX_ROWS = 1_048_576 - 2  # a worksheet's rows, less the label and HXL rows
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# The IM team's export (`kipu export`) ends with each row's accepted issue codes: a row
# stored with --accept-issues holds 0 where its file had nothing (a count left empty), and
# without them it read like any other row. Public exports leave such rows out.
ISSUES = ("issues", "Accepted issues", "Incidencias aceptadas", "#meta+issues")


def activity_header(lang: str = "en", hxl: bool = True, issues: bool = False) -> list[list[str]]:
    """The label row (and the HXL row); with `issues`, the accepted issues' column last."""
    labels = [c.label_es if lang == "es" else c.label_en for c in COLUMNS]
    tags = [EXPORT_HXL[c.name] for c in COLUMNS]
    if issues:
        labels.append(ISSUES[2] if lang == "es" else ISSUES[1])
        tags.append(ISSUES[3])
    return [labels, tags] if hxl else [labels]


def activity_table(
    frame: pl.DataFrame, reference: ReferenceData, lang: str = "en", issues: bool = False
) -> pl.DataFrame:
    """The data rows of an export: names for codes, Yes/No (Sí/No); text as stored (the CSV
    writer neutralises it, XLSX holds it as text). With `issues` (the frame holds the
    stored "issues" JSON text), the row's issue codes joined by "; "."""
    names = [c.name for c in COLUMNS]
    if issues:
        codes = pl.col("issues").str.json_decode(pl.List(pl.Utf8)).list.join("; ")
        frame = frame.with_columns(codes.alias("issues"))
        names.append("issues")
    return display_frame(frame, reference, lang).select(names)


def _csv_lines(rows: Iterable[Sequence[object]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(
        [["" if v is None else neutralise(v) for v in row] for row in rows]
    )
    return buffer.getvalue().encode("utf-8")


def stream_activities_csv(
    slices: Iterable[pl.DataFrame],
    reference: ReferenceData,
    lang: str = "en",
    hxl: bool = True,
    issues: bool = False,
) -> Iterator[bytes]:
    """CSV bytes, one chunk per slice: memory holds one slice at a time."""
    yield _csv_lines(activity_header(lang, hxl, issues))
    for frame in slices:
        if frame.height:
            table = neutralise_frame(activity_table(frame, reference, lang, issues))
            yield table.write_csv(include_header=False, line_terminator="\r\n").encode("utf-8")


def write_activities_xlsx(
    slices: Iterable[pl.DataFrame],
    reference: ReferenceData,
    path: Path,
    lang: str = "en",
    hxl: bool = True,
    issues: bool = False,
) -> int:
    """An XLSX workbook written row by row (constant memory); returns the data rows written.
    Raises ValueError beyond what one worksheet holds."""
    import xlsxwriter

    options = {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    written = 0
    with xlsxwriter.Workbook(str(path), options) as book:
        page, cells = book.add_worksheet("5W"), XlsxText(book)
        header = activity_header(lang, hxl, issues)
        for number, row in enumerate(header):
            for column, value in enumerate(row):
                cells.write(page, number, column, value, bold=number == 0)
        for frame in slices:
            if written + frame.height > XLSX_MAX_ROWS:
                raise ValueError(f"more than {XLSX_MAX_ROWS} rows: ask for CSV instead")
            for record in activity_table(frame, reference, lang, issues).iter_rows():
                for column, value in enumerate(record):
                    if value is not None:
                        cells.write(page, len(header) + written, column, value)
                written += 1
    return written


# --- figures -------------------------------------------------------------------------------


@dataclass(frozen=True)
class FigureColumn:
    name: str
    label_en: str
    label_es: str
    hxl: str
    kind: str = "integer"  # Table Schema type


# The report's own names of population types and age/sex groups (one table for both).
POPULATION_LABELS = POPULATION_NAMES
_HXL_GROUP = {
    "girls": "f+children",
    "boys": "m+children",
    "women": "f+adults",
    "men": "m+adults",
    "other_under_18": "i+children",
    "other_above_18": "i+adults",
}


def _group_tag(name: str, stage: str) -> str:
    return (
        f"#reached+{_HXL_GROUP[name]}+{stage}"
        if name in _HXL_GROUP
        else (f"#reached+ind+{stage}+{name}")
    )


FIGURE_COLUMNS: tuple[FigureColumn, ...] = (
    FigureColumn("country", "Country code", "Código de país", "#country+code", "string"),
    FigureColumn("country_name", "Country", "País", "#country+name", "string"),
    FigureColumn("admin1", "Admin1 code", "Código Admin1", "#adm1+code", "string"),
    FigureColumn("admin1_name", "Admin1", "Admin1", "#adm1+name", "string"),
    FigureColumn("month", "Month", "Mes", "#date+month", "yearmonth"),
    FigureColumn("sector_code", "Sector code", "Código de sector", "#sector+code", "string"),
    FigureColumn("sector", "Sector", "Sector", "#sector+name", "string"),
    FigureColumn(
        "monthly_total",
        "Monthly total beneficiaries",
        "Total beneficiarios mensuales",
        "#reached+ind+monthly",
    ),
    FigureColumn(
        "monthly_cva",
        "Monthly CVA beneficiaries",
        "Beneficiarios CVA mensuales",
        "#reached+ind+monthly+cva",
    ),
    FigureColumn("new", "New beneficiaries", "Nuevos beneficiarios", "#reached+ind+new"),
    FigureColumn(
        "new_cva", "New CVA beneficiaries", "Nuevos beneficiarios CVA", "#reached+ind+new+cva"
    ),
    *(
        FigureColumn(n, f"New {en}", f"Nuevos: {es}", _group_tag(n, "new"))
        for n, (en, es) in POPULATION_LABELS.items()
    ),
    FigureColumn(
        "consolidated_total", "Consolidated total", "Total consolidado", "#reached+ind+cumulative"
    ),
    *(
        FigureColumn(
            f"consolidated_{n}",
            f"Consolidated {en}",
            f"Consolidado: {es}",
            _group_tag(n, "cumulative"),
        )
        for n, (en, es) in POPULATION_LABELS.items()
    ),
    FigureColumn(
        "consolidated_cva", "Consolidated CVA", "CVA consolidado", "#reached+ind+cumulative+cva"
    ),
    FigureColumn("checks", "Checks", "Verificaciones", "#meta+checks", "string"),
)


def figure_frame(figures: Figures, lang: str = "en") -> pl.DataFrame:
    """The figure rows in FIGURE_COLUMNS order, their names in `lang` (`named_rows`), checks
    joined (neutralised by the CSV writer)."""
    rows = named_rows(figures, lang)
    present = [c.name for c in FIGURE_COLUMNS if c.name in rows.columns]
    frame = rows.select(present).with_columns(
        pl.col("checks").list.join("; ") if "checks" in present else pl.lit(None).alias("checks")
    )
    missing = [pl.lit(None).alias(c.name) for c in FIGURE_COLUMNS if c.name not in frame.columns]
    return frame.with_columns(missing).select([c.name for c in FIGURE_COLUMNS])


def figure_rows(figures: Figures, lang: str = "en", hxl: bool = True) -> list[list[object]]:
    rows: list[list[object]] = [
        [c.label_es if lang == "es" else c.label_en for c in FIGURE_COLUMNS]
    ]
    if hxl:
        rows.append([c.hxl for c in FIGURE_COLUMNS])
    rows.extend(list(record) for record in figure_frame(figures, lang).iter_rows())
    return rows


def figures_csv(figures: Figures, lang: str = "en", hxl: bool = True) -> bytes:
    return _csv_lines(figure_rows(figures, lang, hxl))


def write_figures(
    figures: Figures, path: Path, lang: str = "en", hxl: bool = True, *, output_format: str
) -> None:
    """The figures table as `output_format` ("csv" or "xlsx") at `path`, whatever its name."""
    rows = figure_rows(figures, lang, hxl)
    if output_format == "xlsx":
        write_xlsx(rows, path, sheet="Figures")
    else:
        write_csv(rows, path)
