"""What the `relevant` and `constraint` of a question can read on one sheet of an export.

A `${name}` in an expression is read from one of three places:

- the question's own sheet (the interviews, or the rows of its repeat group);
- an enclosing scope: the interview of a repeat row, the outer row of a nested repeat's row,
  and so on up. Each row gets its ancestors' answers as `_up:<path>` columns, and
  `_up_ok:<scope>` says whether its row in that scope was found: by the links
  `kipu.core.surveys.link.attach` made, `_outer` for the outer repeat's row and `_parent`
  for the interview, however deep the repeat;
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

from kipu.core.surveys.conditions import kind_of
from kipu.core.surveys.export import RawSheet
from kipu.core.surveys.form import Question, SurveyForm
from kipu.core.surveys.values import date_of
from kipu.core.surveys.xpath import Resolver, UnsupportedExpression

META, UP, UP_OK = "_meta:", "_up:", "_up_ok:"
CONTEXT = (META, UP, UP_OK)  # columns of the checks only: dropped from the stored answers
_REFERENCE = re.compile(r"\$\{\s*([^}]*?)\s*\}")


class NotKnown(UnsupportedExpression):
    """A reference whose value the export does not hold for this sheet's rows. `reason` is
    a key of `issues._NOT_MADE`; `scope` the repeat group the reference is asked in."""

    def __init__(self, reference: str, reason: str, scope: str | None = None) -> None:
        super().__init__(f"${{{reference}}}: {reason}")
        self.reference, self.reason, self.scope = reference, reason, scope or ""


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


def with_ancestors(
    form: SurveyForm,
    sheet: RawSheet,
    typed: pl.DataFrame,
    frames: Mapping[str | None, pl.DataFrame],
) -> pl.DataFrame:
    """`typed` (a repeat's rows, linked by `link.attach`) with the answers of the rows it
    belongs to (`_up:`, `_up_ok:`): its outer repeat row's and that row's own ancestors by
    `_outer`, its interview's by `_parent`. `frames`: the sheets already checked, by scope;
    an outer repeat without a sheet is left out (its questions are `NotKnown`)."""
    assert sheet.repeat is not None
    interview = _answers(form, frames[None], None) if None in frames else None
    outer = form.outer(sheet.repeat)
    if outer is not None and outer in frames:
        # The interview's answers come by `_parent`, which `attach` sets also where no outer
        # row was found (a row linked by `_submission__uuid` alone).
        skip = set(interview.columns) - {"_up_key"} if interview is not None else set()
        typed = _join(
            typed, "_outer", _answers(form, frames[outer], outer).drop(skip, strict=False)
        )
    if interview is not None:
        typed = _join(typed, "_parent", interview)
    return typed


def _answers(form: SurveyForm, frame: pl.DataFrame, scope: str | None) -> pl.DataFrame:
    """The answers a row of `frame` (the rows of `scope`) lends the rows inside it, by its
    `_index` (`_up_key`): its own, its metadata, and those of its own ancestors."""
    own = [q.path for q in form.answered(scope)]
    return frame.select(
        pl.col("_index").alias("_up_key"),
        *[pl.col(p).alias(UP + p) for p in own],
        *[pl.col(c).alias(UP + c.removeprefix(META)) for c in frame.columns if c.startswith(META)],
        *[c for c in frame.columns if c.startswith((UP, UP_OK))],
        pl.lit(True).alias(UP_OK + (scope or "")),
    ).unique("_up_key", keep="first", maintain_order=True)  # as `link.attach`: never twice


def _join(typed: pl.DataFrame, key: str, above: pl.DataFrame) -> pl.DataFrame:
    """`typed` with `above`'s columns where its `key` names an `_up_key`; `_up_ok:` False
    where it names none (a row attached to no row of that scope)."""
    found = [c for c in above.columns if c.startswith(UP_OK)]
    joined = typed.join(above.rename({"_up_key": key}), on=key, how="left", maintain_order="left")
    return joined.with_columns(pl.col(found).fill_null(False))


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
