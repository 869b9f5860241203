"""Data rows that repeat the file's header: two exports joined into one file, or a header
copied down. Such a row was read as a row of 26 bad values, with no word of a header; and
when its columns were in another order (Women and Men under 18 swapped), deleting the row, the
obvious fix, left the rows below it read in the first header's order, in a file found valid
(a tester's, at row 60,003 of 100,000)."""

from __future__ import annotations

import polars as pl

from kipu.core.read.header import Header, match_cell
from kipu.core.read.package import column_letters
from kipu.core.schema import COLUMN_BY_NAME, COLUMNS, TEXT
from kipu.core.validation.rules import Context, emit

_LEAST = 3  # cells naming a column: as `find_header` asks of a header
_MOST = 20  # rows named, at most: one file joined many times over says so in a few
_DISTINCT = 5000  # distinct texts of a column matched against the labels, at most
_FREE_TEXT = frozenset(c.name for c in COLUMNS if c.kind == TEXT)


def repeated_headers(f: pl.DataFrame, header: Header, ctx: Context) -> pl.DataFrame:
    """`header-repeated` errors (ISSUE_SCHEMA) at each data row of `f` (the prepared frame:
    its raw text column per canonical column) in which at least three cells name a 5W column
    (`match_cell`: the file's labels, another template's, HXL hashtags), with, as detail,
    the columns it names in other places than the header does (its label, the column it is
    in, the column the header has it in).

    Each column's distinct texts are matched, not its cells (25 ms for 100,000 rows; a
    lower-cased copy of every cell cost 0.3 s): free-text columns are left out, and so is a
    column of more than `_DISTINCT` distinct texts with a letter (no label column is)."""
    names = [n for n in header.columns if n in f.columns and n not in _FREE_TEXT]
    if not names:  # JSON rows naming no coded column (`{}`, labels as keys): none to match
        return emit(f.clear(), pl.lit(False), "header-repeated", None).collect()
    distinct = f.select(
        pl.col(n).filter(pl.col(n).str.contains(r"[^\W\d_]")).unique().head(_DISTINCT + 1).implode()
        for n in names
    ).row(0)
    hits = []
    for name, values in zip(names, distinct, strict=True):
        labels = [v for v in values if _names_a_column(v)] if len(values) <= _DISTINCT else []
        if labels:
            hits.append(pl.col(name).is_in(labels).fill_null(False).cast(pl.Int32))
    if len(hits) < _LEAST:
        return emit(f.clear(), pl.lit(False), "header-repeated", None).collect()
    every = [n for n in header.columns if n in f.columns]  # free text too, once a row is found
    rows = f.filter(pl.sum_horizontal(hits) >= _LEAST).head(_MOST).select("_i", "row", *every)
    details = [
        _moved(dict(zip(every, cells, strict=True)), header, ctx) for _, _, *cells in rows.rows()
    ]
    found = rows.select("_i", "row").with_columns(pl.Series("moved", details, dtype=pl.Utf8))
    return emit(
        found, pl.lit(True), "header-repeated", None,
        value=pl.col("row").cast(pl.Utf8), detail=pl.col("moved"),
    ).collect()  # fmt: skip


def _names_a_column(text: str) -> bool:
    return match_cell(text, {}) in COLUMN_BY_NAME


def _moved(cells: dict[str, str | None], header: Header, ctx: Context) -> str:
    """What the row's detail says of its columns' order: "" when it is the header's."""
    moved = []
    for name, text in cells.items():
        named = match_cell(text or "", {})
        if named is None or named == name or named not in header.columns:
            continue
        here, there = column_letters(header.columns[name]), column_letters(header.columns[named])
        moved.append(
            ctx.words(
                f"“{text}” in column {here}, not {there}",
                f"“{text}” en la columna {here}, no {there}",
            )
        )
    if not moved:
        return ctx.words(": delete it", ": elimínela")
    return ctx.words(
        ", with its columns in another order (" + "; ".join(moved) + "): the rows below it are "
        "read in the first header's order, so put their columns in that order before you "
        "delete it",
        ", con sus columnas en otro orden (" + "; ".join(moved) + "): las filas de abajo se "
        "leen en el orden del primer encabezado; ponga sus columnas en ese orden antes de "
        "eliminarla",
    )
