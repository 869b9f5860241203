"""What the `relevant` and `constraint` of a question can read on one sheet of an export.

A `${name}` in an expression is read from one of three places:

- the question's own sheet (the interviews, or the rows of its repeat group);
- an enclosing scope: the interview of a repeat row, the outer row of a nested repeat's row,
  and so on up. Each row gets its ancestors' answers as `_up:<path>` columns, and
  `_up_ok:<scope>` says whether its row in that scope was found (a nested repeat's row names
  its outer row as Kobo's `_parent_index` names the outer `_index`, ODK's `PARENT_KEY` the
  outer `KEY`);
- metadata the phone fills in (`today`, `start`, `end`, `deviceid`…), which `answered()`
  leaves out, read from the interview's own column (`_meta:<path>`). `${today}` without a
  `today` column is the day of `start`: ODK fills both when the form is opened. `end` and
  Kobo's `_submission_time` never stand for it: an interview may end or be sent a day later.

Any other reference (a question of a sibling repeat, of a repeat inside the question's own,
metadata the export has no column for) raises `NotKnown`: the check is reported as not made,
never skipped without a word.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

import polars as pl

from kipu.core.surveys.export import RawSheet
from kipu.core.surveys.form import DATE, NUMERIC, SELECT_MULTIPLE, Question, SurveyForm
from kipu.core.surveys.values import date_of
from kipu.core.surveys.xpath import DATE as DATE_KIND
from kipu.core.surveys.xpath import LIST, NUMBER, TEXT, Resolver, UnsupportedExpression

META, UP, UP_OK = "_meta:", "_up:", "_up_ok:"
CONTEXT = (META, UP, UP_OK)  # columns of the checks only: dropped from the stored answers
_REFERENCE = re.compile(r"\$\{\s*([^}]*?)\s*\}")


class NotKnown(UnsupportedExpression):
    """A reference whose value the export does not hold for this sheet's rows. `reason` is
    a key of `issues._NOT_MADE`; `scope` the repeat group the reference is asked in."""

    def __init__(self, reference: str, reason: str, scope: str | None = None) -> None:
        super().__init__(f"${{{reference}}}: {reason}")
        self.reference, self.reason, self.scope = reference, reason, scope or ""


def kind_of(question: Question) -> str:
    if question.type in NUMERIC:
        return NUMBER
    if question.type == SELECT_MULTIPLE:
        return LIST
    if question.type == DATE:
        return DATE_KIND
    return TEXT


def _referenced(form: SurveyForm) -> set[str]:
    return {
        name
        for question in form.questions
        for text in (*question.relevant, question.constraint or "")
        for name in _REFERENCE.findall(text)
    }


def meta_columns(
    form: SurveyForm, sheet: RawSheet, typed_of: Callable[[Question], pl.Expr]
) -> list[pl.Expr]:
    """The interviews' metadata that some expression reads, as `_meta:<path>` columns.
    `typed_of` types a column as the checker does (a bad `today` is an error at its cell)."""
    names = _referenced(form)
    start = next(
        (q for q in form.questions if q.meta_type == "start" and sheet.column_of(q.path)), None
    )
    found = []
    for question in form.questions:
        if not question.meta or not {question.name, question.path} & names:
            continue
        value = typed_of(question) if sheet.column_of(question.path) is not None else None
        if question.meta_type == "today" and start is not None:  # where `today` is empty too
            day = date_of(pl.col(start.path))
            value = day if value is None else pl.coalesce(value, day)
        if value is not None:
            found.append(value.alias(META + question.path))
    return found


def parent_scope(form: SurveyForm, repeat: str) -> str | None:
    """The repeat group around `repeat`; None when it is the interview."""
    outer = [r for r in form.repeats if repeat.startswith(r + "/")]
    return max(outer, key=len) if outer else None


def with_ancestors(
    form: SurveyForm,
    sheet: RawSheet,
    typed: pl.DataFrame,
    frames: Mapping[str | None, pl.DataFrame],
) -> pl.DataFrame:
    """`typed` (a repeat's rows) with the answers of the rows it belongs to, up to the
    interview (`_up:`, `_up_ok:`). `frames`: the sheets already checked, by scope."""
    assert sheet.repeat is not None
    parent = parent_scope(form, sheet.repeat)
    frame = frames.get(parent)
    if frame is None:  # the outer repeat has no sheet: its questions are `NotKnown`
        return typed
    if parent is None:  # `_link` matched the interview (by `_index`, `_uuid` or `KEY`)
        keys = typed.select("_row", pl.col("_parent").alias("_up_key"))
    elif "_parent" in sheet.cells.columns:  # the outer row's key, as the file writes it
        keys = sheet.cells.select("_row", pl.col("_parent").alias("_up_key"))
    else:
        keys = typed.select("_row", pl.lit(None, pl.Utf8).alias("_up_key"))
    own = [q.path for q in form.answered(parent)]
    above = frame.select(
        pl.col("_index").alias("_up_key"),
        *[pl.col(p).alias(UP + p) for p in own],
        *[pl.col(c).alias(UP + c.removeprefix(META)) for c in frame.columns if c.startswith(META)],
        *[c for c in frame.columns if c.startswith((UP, UP_OK))],
        pl.lit(True).alias(UP_OK + (parent or "")),
    ).unique("_up_key", keep="first", maintain_order=True)  # as `_link`: never a row twice
    joined = keys.join(above, on="_up_key", how="left", maintain_order="left").drop("_up_key")
    found = [c for c in joined.columns if c.startswith(UP_OK)]
    joined = joined.with_columns(pl.col(found).fill_null(False))
    return typed.join(joined, on="_row", how="left", maintain_order="left")


def resolver(
    form: SurveyForm, columns: list[str], question: Question, known: list[tuple[str, pl.Expr]]
) -> Resolver:
    """The columns `question`'s expressions read on a sheet with `columns`. Each reference
    to another scope adds to `known` its name and where its value is known."""
    here = question.repeat

    def resolve(name: str | None) -> tuple[pl.Expr, str]:
        target = question if name is None else form.question(name)
        if target.meta:
            column = (META if here is None else UP) + target.path
            if column not in columns:
                raise NotKnown(
                    target.name, "no-today" if target.meta_type == "today" else "no-column"
                )
            known.append((target.name, pl.col(column).is_not_null()))
            return pl.col(column), kind_of(target)
        scope = target.repeat
        if scope == here:
            return pl.col(target.path), kind_of(target)
        if here is not None and (scope is None or here.startswith(scope + "/")):
            if UP + target.path not in columns:
                raise NotKnown(target.name, "no-link", scope)
            known.append((target.name, pl.col(UP_OK + (scope or ""))))
            return pl.col(UP + target.path), kind_of(target)
        inner = here is None or str(scope).startswith(here + "/")
        raise NotKnown(target.name, "inner-repeat" if inner else "other-repeat", scope)

    return resolve
