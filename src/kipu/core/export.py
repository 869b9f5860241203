"""Activities as 5W files people can open: the platform's labels (English or Spanish), an HXL
hashtag row, names instead of keys, and cells that cannot run as spreadsheet formulas.

The same tables serve open-data exports, the demonstration files and tests that need real 5W
workbooks; what this writes, the readers read back.
"""

from __future__ import annotations

import csv
from pathlib import Path

import polars as pl

from kipu.core.gazetteer import country_name
from kipu.core.reference import ReferenceData
from kipu.core.schema import COLUMNS, EXPORT_HXL, YES_NO
from kipu.core.write import XlsxText, neutralise


def display_frame(frame: pl.DataFrame, reference: ReferenceData, lang: str = "en") -> pl.DataFrame:
    """The activity frame with names for keys and codes: what a person expects to read."""
    places = reference.gazetteer
    orgs = {o.key: o.name for o in reference.organisations}
    spanish = lang == "es"
    sectors = {s.code: s.label(lang) for s in reference.plan.sectors}
    indicators = {i.code: i.code for i in reference.plan.indicators}
    countries = {c.country: country_name(c.country, lang, c.name) for c in places.countries()}
    names = {pcode: unit.name for pcode, unit in places.locations.items()}
    yes, no = ("Sí", "No") if spanish else ("Yes", "No")

    def lookup(column: str, mapping: dict[str, str]) -> pl.Expr:
        return pl.col(column).replace_strict(mapping, default=pl.col(column), return_dtype=pl.Utf8)

    return frame.with_columns(
        lookup("country", countries),
        lookup("admin1", names),
        lookup("admin2", names),
        lookup("appealing_org", orgs),
        lookup("implementing_partner", orgs),
        lookup("sector", sectors),
        lookup("indicator", indicators),
        *[
            pl.when(pl.col(c.name))
            .then(pl.lit(yes))
            .when(pl.col(c.name).not_())
            .then(pl.lit(no))
            .otherwise(None)
            .alias(c.name)
            for c in COLUMNS
            if c.kind == YES_NO
        ],
    )


def table_rows(
    frame: pl.DataFrame, reference: ReferenceData, *, lang: str = "en", hxl: bool = True
) -> list[list[object]]:
    """Header (labels in `lang`), the HXL row if asked, then one list per activity."""
    shown = display_frame(frame, reference, lang)
    header: list[object] = [c.label_es if lang == "es" else c.label_en for c in COLUMNS]
    rows: list[list[object]] = [header]
    if hxl:
        rows.append([EXPORT_HXL[c.name] for c in COLUMNS])
    for record in shown.select([c.name for c in COLUMNS]).iter_rows():
        rows.append(list(record))
    return rows  # neutralised by the CSV writer (`write_csv`), written as text in XLSX


def write_csv(rows: list[list[object]], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(
            [["" if v is None else neutralise(v) for v in row] for row in rows]
        )


def write_xlsx(rows: list[list[object]], path: Path, sheet: str = "5W") -> None:
    import xlsxwriter

    # Strings are written as strings: a value such as "=1+1" must never become a formula.
    with xlsxwriter.Workbook(
        str(path), {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    ) as book:
        page, cells = book.add_worksheet(sheet), XlsxText(book)
        for number, row in enumerate(rows):
            for column, value in enumerate(row):
                if value is not None:
                    cells.write(page, number, column, value, bold=number == 0)


def write_xlsx_bytes(rows: list[list[object]], sheet: str = "Data") -> bytes:
    """`rows` as an in-memory workbook (for downloads)."""
    import io

    import xlsxwriter

    buffer = io.BytesIO()
    with xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    ) as book:
        page, cells = book.add_worksheet(sheet), XlsxText(book)
        for number, row in enumerate(rows):
            for column, value in enumerate(row):
                if value is not None:
                    cells.write(page, number, column, value)
    return buffer.getvalue()
