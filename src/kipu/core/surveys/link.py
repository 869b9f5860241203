"""Repeat rows attached to the row they sit in and, through it, to their interview.

A repeat row names its parent row by its parent column: Kobo's `_parent_index` (the parent
sheet's `_index`) or ODK's `PARENT_KEY` (the parent's `KEY`). The parent is the interview
for a repeat that sits in the interview, and the outer repeat's row for a nested repeat
(`visits` inside `members`: a visit names its member, and the member its interview). Kobo
also writes `_submission__uuid`, the interview's `_uuid`, however deep the repeat.

A row is attached only by a key its sheet and the parent's sheet both hold: never by a
number guessed from the rows' order (a sheet without `_index` gives its rows no index that
a repeat row could name). When both links are there they must agree. A row that cannot be
attached is kept and reported at its cell (`orphan-repeat-row`, `orphan-nested-row`,
`parent-key-not-exported`, `repeat-link-disagrees`), never attached to a guess.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from kipu.core.surveys.export import LINKS, RawSheet
from kipu.core.surveys.form import SurveyForm

Add = Callable[..., None]  # add(code, sheet, **issue fields)
_KEYS = {"_key": pl.Utf8, "_via_parent": pl.Utf8, "_outer": pl.Utf8}


@dataclass
class Parent:
    """What a repeat's rows sit in: the interviews (`repeat` None) or an outer repeat.

    `sheet` and `typed` are None when the outer repeat's sheet is not in the export. `typed`
    has `_row` and `_index`, and for a repeat `_parent` (its interview's `_index`)."""

    repeat: str | None
    name: str  # the sheet's name, or the repeat's when its sheet is absent
    sheet: RawSheet | None
    typed: pl.DataFrame | None


def attach(
    sheet: RawSheet,
    typed: pl.DataFrame,
    parent: Parent,
    interviews: tuple[RawSheet, pl.DataFrame],
    add: Add,
) -> pl.DataFrame:
    """`typed` (`_row`, `_parent` and `_submission` as the sheet writes them) with `_parent`
    the interview's `_index` and `_outer` the outer repeat row's `_index` (null for a repeat
    in the interview); both null for a row that cannot be attached, which is reported."""
    keys = _parent_keys(sheet, parent)
    rows = typed.join(
        keys if keys is not None else pl.DataFrame(schema=_KEYS),
        left_on="_parent", right_on="_key", how="left", maintain_order="left",
    ).join(_uuid_keys(*interviews), left_on="_submission", right_on="_key", how="left",
           maintain_order="left")  # fmt: skip
    named = pl.col("_parent").is_not_null()
    both = pl.col("_via_parent").is_not_null() & pl.col("_via_uuid").is_not_null()
    disagree = both & (pl.col("_via_parent") != pl.col("_via_uuid"))
    # A parent key that names no row is an error even when the uuid would attach the row.
    lost = named & pl.col("_via_parent").is_null() & (keys is not None)
    rows = rows.with_columns(
        disagree.alias("_disagree"),
        lost.alias("_lost"),
        pl.when(disagree | lost)
        .then(None)
        .otherwise(pl.coalesce("_via_parent", "_via_uuid"))
        .alias("_linked"),
    )
    _report(sheet, parent, rows, add)
    linked = pl.when(pl.col("_linked").is_not_null())
    return rows.with_columns(
        pl.col("_linked").alias("_parent"),
        linked.then(pl.col("_outer")).otherwise(None).alias("_outer"),
    ).drop("_submission", "_via_parent", "_via_uuid", "_disagree", "_lost", "_linked")


def _parent_keys(sheet: RawSheet, parent: Parent) -> pl.DataFrame | None:
    """Each key a row's parent column may hold → the interview's `_index` (`_via_parent`)
    and the outer repeat row's `_index` (`_outer`); None when the parent's sheet is absent
    or has no column the parent column names (`export.LINKS`)."""
    column = f"_key:{LINKS.get(sheet.ids.get('parent', ''), '')}"
    if parent.sheet is None or parent.typed is None or column not in parent.sheet.cells.columns:
        return None
    if parent.repeat is None:
        own = parent.typed.select("_row", pl.col("_index").alias("_via_parent"),
                                  pl.lit(None, pl.Utf8).alias("_outer"))  # fmt: skip
    else:
        own = parent.typed.select("_row", pl.col("_parent").alias("_via_parent"),
                                  pl.col("_index").alias("_outer"))  # fmt: skip
    keys = parent.sheet.cells.select("_row", pl.col(column).alias("_key"))
    keys = keys.join(own, on="_row", how="inner").drop("_row").drop_nulls("_key")
    # A key given twice is an error of the parent's sheet (duplicate-index): never a guess.
    return keys.unique("_key", keep="first", maintain_order=True)


def _uuid_keys(main: RawSheet, interviews: pl.DataFrame) -> pl.DataFrame:
    """Each interview's `_uuid` → its `_index` (empty when the interviews have no `_uuid`)."""
    if "_key:_uuid" not in main.cells.columns or interviews.is_empty():
        return pl.DataFrame(schema={"_key": pl.Utf8, "_via_uuid": pl.Utf8})
    keys = main.cells.select("_row", pl.col("_key:_uuid").alias("_key")).join(
        interviews.select("_row", pl.col("_index").alias("_via_uuid")), on="_row", how="inner"
    )
    keys = keys.drop("_row").drop_nulls("_key")
    return keys.unique("_key", keep="first", maintain_order=True)


def _report(sheet: RawSheet, parent: Parent, rows: pl.DataFrame, add: Add) -> None:
    """One error at each row that is attached to no interview, saying why."""
    parent_column = sheet.ids.get("parent")
    uuid_column = sheet.ids.get("submission")
    unattached = rows.filter(pl.col("_linked").is_null())
    fields = ("_row", "_parent", "_submission", "_disagree", "_lost")
    for row, key, uuid, disagree, lost in unattached.select(fields).iter_rows():
        if disagree:
            add("repeat-link-disagrees", sheet, value=key, detail=uuid, row=row,
                column=parent_column)  # fmt: skip
        elif key is not None and (lost or parent.sheet is None) and parent.repeat is not None:
            add("orphan-nested-row", sheet, value=key, detail=parent.name, row=row,
                column=parent_column)  # fmt: skip
        elif key is not None and not lost:
            add("parent-key-not-exported", sheet, value=key, detail=parent.name, row=row,
                column=parent_column)  # fmt: skip
        elif key is not None or uuid is None:
            add("orphan-repeat-row", sheet, value=key or "?", row=row, column=parent_column)
        else:
            add("orphan-repeat-row", sheet, value=uuid, row=row, column=uuid_column)


def parent_of(
    form: SurveyForm,
    sheet: RawSheet,
    main: RawSheet,
    interviews: pl.DataFrame,
    done: dict[str, tuple[RawSheet, pl.DataFrame]],
) -> Parent:
    """What the rows of `sheet` (a repeat's) sit in; `done`: the repeats read so far."""
    outer = form.outer(sheet.repeat or "")
    if outer is None:
        return Parent(None, main.name, main, interviews)
    if outer in done:
        found, typed = done[outer]
        return Parent(outer, found.name, found, typed)
    return Parent(outer, outer.rsplit("/", 1)[-1], None, None)


def nests(form: SurveyForm, sheet: RawSheet, sheets: list[RawSheet]) -> bool:
    """Rows of another sheet sit in this repeat's rows (they name them by its index)."""
    return sheet.repeat is not None and any(
        s.repeat is not None and form.outer(s.repeat) == sheet.repeat for s in sheets
    )
