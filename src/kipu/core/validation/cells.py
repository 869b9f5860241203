"""Issues about what a cell was, and which rows can be stored.

The reader marks cells whose value alone would mislead (`kipu.core.read.marks`): an Excel
error, a formula never computed, a formula's computed value, a value given by a merged
range, a number shown divided by its format (`divided-number`), as nothing
(`hidden-value`) or as a text alone, which is read (`number-shown-as-text`). Each mark
becomes an issue at its cell. A cell whose value is unknown (an error, a
formula without a value) gets that issue only: "is empty" or "is not a number" about the
same cell would only repeat it less clearly.

`storable` is the one rule for what an import may store, whatever its options (an IM
officer's --accept-issues included): a row is stored only when every value it is counted
by was read. Rows with warnings are always storable.
"""

from __future__ import annotations

import polars as pl

from kipu.core.read.marks import (
    DIVIDED_FORMAT,
    DOLLAR_FORMAT,
    ERROR,
    FORMULA,
    FORMULA_NO_VALUE,
    HIDING_FORMAT,
    MERGED,
    MERGED_ACROSS,
    TEXT_FORMAT,
    UNREAD_VALUES,
    UNREADABLE_VALUE,
)
from kipu.core.read.raw_frame import REPLACEMENT
from kipu.core.read.values import NUMBER_ERRORS
from kipu.core.schema import COLUMNS, COUNT_COLUMNS, TEXT, YES_NO
from kipu.core.validation.rules import ISSUE_SCHEMA, emit

MARK_CODES = {
    ERROR: "excel-error",
    FORMULA_NO_VALUE: "formula-without-value",
    FORMULA: "formula-cell",
    MERGED: "merged-cell",
    MERGED_ACROSS: "merged-across",
    UNREADABLE_VALUE: "unreadable-value",
}
UNREAD = (ERROR, *UNREAD_VALUES)
FREE_TEXT = tuple(c.name for c in COLUMNS if c.kind == TEXT)
# The number columns, where a number shown divided by its format is counted whole.
DIVIDED_COLUMNS = (*COUNT_COLUMNS, "value_usd")
# Every column read: a value its format hides may be a count or a code.
_MARKED_COLUMNS = tuple(c.name for c in COLUMNS)
EXCEL_CELL_CHARACTERS = 32_767
# Issues that leave a row without something it must point to, or in a month that is not its
# own: such a row is never stored.
UNSTORABLE = frozenset(
    {
        "missing-value",
        "unknown-country",
        "unknown-admin1",
        "admin1-not-in-country",
        "admin1-outside-scope",
        "admin1-wrong-level",
        "unknown-organization",
        "unknown-sector",
        "unknown-indicator",
        "invalid-month",
        "ambiguous-date",
        "month-outside-submission",
        "organization-mismatch",
    }
)


def dollar_formats(marks: pl.DataFrame) -> list[int]:
    """The rows whose amount cell's format shows a "$" alone (`DOLLAR_FORMAT`): whether
    that is the US dollar depends on the row's country (`numbers._peso_format`)."""
    amounts = marks.filter(pl.col("column") == "value_usd")
    rows = amounts.filter(pl.col("kind") == DOLLAR_FORMAT)["row"]
    # A cell covered by a merged range shows its first cell's value, as that cell shows it.
    first = pl.col("detail").str.extract(r"^[A-Za-z]+(\d+)").cast(pl.Int64, strict=False)
    covered = amounts.filter(pl.col("kind") == MERGED, first.is_in(rows.implode()))["row"]
    return pl.concat([rows, covered]).unique().to_list()


def without_unknown_values(f: pl.DataFrame, marks: pl.DataFrame) -> pl.DataFrame:
    """The prepared frame with the values of unknown cells (an Excel error, a formula never
    computed) made null, before the rules run: a sum with an unknown part is unknown, so no
    rule compares it, and `_unread` says the row lacks a value it needs."""
    unread = marks.filter(pl.col("kind").is_in(UNREAD)).join(
        f.select("_i", "row"), on="row", how="inner"
    )
    needed = unread.filter(~pl.col("column").is_in(FREE_TEXT))["_i"].unique()
    exprs = [pl.col("_i").is_in(needed.implode()).alias("_unread")]
    for (column,), cells in unread.group_by("column"):
        name = str(column)
        rows = pl.col("_i").is_in(cells["_i"].implode())
        for target in (name, f"r_{name}", f"z_{name}", f"v_{name}"):
            if target in f.columns:
                exprs.append(pl.when(rows).then(None).otherwise(pl.col(target)).alias(target))
    return f.with_columns(exprs)


def cell_issues(f: pl.DataFrame, found: pl.DataFrame, marks: pl.DataFrame) -> pl.DataFrame:
    """The rules' issues, with the marks' issues in place of theirs on unknown cells."""
    shown = pl.col("kind").is_in(list(MARK_CODES))  # not DOLLAR_FORMAT (`dollar_formats`)
    at = marks.filter(shown).join(f.select("_i", "row"), on="row", how="inner")
    unread = at.filter(pl.col("kind").is_in(UNREAD))
    if not unread.is_empty():
        found = found.join(unread.select("_i", "column").unique(), on=["_i", "column"], how="anti")
    # A number merged over rows was copied to each: 390 merged over three activities counted
    # 1,170 with warnings only, when the partner may have meant 390 for the three.
    code = pl.col("kind").replace_strict(MARK_CODES, return_dtype=pl.Utf8)
    merged_number = (pl.col("kind") == MERGED) & pl.col("column").is_in(DIVIDED_COLUMNS)
    mark_issues = at.select(
        "_i",
        pl.when(merged_number).then(pl.lit("merged-number")).otherwise(code).alias("code"),
        "column",
        pl.when(pl.col("kind") == ERROR).then(pl.col("detail")).alias("value"),
        pl.lit(None, dtype=pl.Utf8).alias("suggestion"),
        pl.when(pl.col("kind").is_in((MERGED, MERGED_ACROSS))).then("detail").alias("detail"),
    )
    # A hidden number's detail is the other number its format shows in its place, if any.
    hidden = pl.when(pl.col("detail").is_null()).then(pl.lit("hidden-value"))
    shown_otherwise = [
        *_shown_otherwise(f, marks, DIVIDED_FORMAT, pl.lit("divided-number"), DIVIDED_COLUMNS),
        *_shown_otherwise(
            f, marks, HIDING_FORMAT, hidden.otherwise(pl.lit("shown-other-value")),
            _MARKED_COLUMNS,
        ),
        # Read as the text its format shows (`"n/a"`): the number it holds is the detail.
        *_shown_otherwise(f, marks, TEXT_FORMAT, pl.lit("number-shown-as-text"), _MARKED_COLUMNS),
    ]  # fmt: skip
    frames = [found, mark_issues, *shown_otherwise]
    queries = [frame.lazy().cast(ISSUE_SCHEMA) for frame in frames]  # type: ignore[arg-type]
    return pl.concat([*queries, *_long_texts(f), *_replaced(f)]).collect()


def _shown_otherwise(
    f: pl.DataFrame, marks: pl.DataFrame, kind: str, code: pl.Expr, columns: tuple[str, ...]
) -> list[pl.DataFrame]:
    """`code` at each cell of `columns` marked `kind`, whose value is read all the same: a
    number shown divided by its format (`DIVIDED_FORMAT`: 12000 formatted `#,##0,` shows 12,
    the number shown as the detail), or shown as nothing (`HIDING_FORMAT`: `;;;`) or as a
    text alone that reads as another number (-12 formatted `0;"0"`, the text as detail). The value
    read is the issue's value. A cell covered by a merged range shows its first cell's
    value, as that cell shows it (`dollar_formats`). A cell whose value is unknown has its
    own issue."""
    numbers = marks.filter(pl.col("column").is_in([c for c in columns if c in f.columns]))
    divided = numbers.filter(pl.col("kind") == kind)
    if divided.is_empty():
        return []
    first = pl.col("detail").str.extract(r"^[A-Za-z]+(\d+)").cast(pl.Int64, strict=False)
    covered = (
        numbers.filter(pl.col("kind") == MERGED)
        .select("row", "column", first.alias("first"))
        .join(
            divided.select(pl.col("row").alias("first"), "column", "detail"),
            on=["first", "column"],
        )
        .select("row", "column", "detail")
    )
    cells = pl.concat([divided.select("row", "column", "detail"), covered])
    unread = marks.filter(pl.col("kind").is_in(UNREAD)).select("row", "column")
    cells = cells.join(unread, on=["row", "column"], how="anti").unique(["row", "column"])
    at = cells.join(f.select("_i", "row"), on="row", how="inner")
    frames = []
    for (column,), group in at.group_by("column"):
        name = str(column)
        value = f.select("_i", pl.col(name).cast(pl.Utf8).alias("value"))
        frames.append(
            group.join(value, on="_i", how="left")
            .filter(pl.col("value").is_not_null())  # an empty text shown as nothing
            .select(
                "_i",
                code.alias("code"),
                pl.lit(name).alias("column"),
                "value",
                pl.lit(None, dtype=pl.Utf8).alias("suggestion"),
                "detail",
            )
        )
    return frames


def _long_texts(f: pl.DataFrame) -> list[pl.LazyFrame]:
    return [
        emit(
            f,
            pl.col(n).str.len_chars() > EXCEL_CELL_CHARACTERS,
            "text-too-long",
            n,
            value=pl.col(n).str.slice(0, 60) + pl.lit("…"),
            detail=pl.col(n).str.len_chars().cast(pl.Utf8),
        )
        for n in FREE_TEXT
    ]


def _replaced(f: pl.DataFrame) -> list[pl.LazyFrame]:
    """A free text holding the replacement character: the reading puts it for a NUL and the
    other control characters (`raw_frame`: no one types them, PostgreSQL cannot store a NUL,
    XLSX none of them), and an earlier program put it for bytes it could not decode. A code
    or a number holding it is not found, or not a number, and says so; a free text would be
    stored as it is, with no word."""
    return [
        emit(f, pl.col(n).str.contains(REPLACEMENT, literal=True), "replaced-character", n)
        for n in FREE_TEXT
    ]


def storable(f: pl.DataFrame, found: pl.DataFrame) -> pl.DataFrame:
    """`row`, `storable` for every row of the prepared frame.

    A row cannot be stored when: an issue of `UNSTORABLE` names it; a count could not be read
    (not a number, negative; a count that is not whole is stored rounded half up, the
    suggestion of its issue); the amount could not be read; a yes/no cell holds something
    else; or a cell other than the activity's name and description holds an Excel error or
    a formula without a value.
    """
    blocked = found.filter(pl.col("code").is_in(list(UNSTORABLE)))["_i"].unique()
    yes_no = [c.name for c in COLUMNS if c.kind == YES_NO]
    unreadable = pl.any_horizontal(
        *[pl.col(f"z_{n}").is_null() for n in COUNT_COLUMNS],
        pl.col("e_value_usd").is_in(list(NUMBER_ERRORS)),
        *[pl.col(n).is_not_null() & pl.col(f"r_{n}").is_null() for n in yes_no],
        pl.col("_unread"),
    ).fill_null(False)
    return f.select("row", (~unreadable & ~pl.col("_i").is_in(blocked.implode())).alias("storable"))
