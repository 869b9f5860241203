"""The form's conditions over an export's typed answers: the kind each question's answers
have in an expression, whether all of a question's expressions hold, and the repeat groups
whose rows the export lacks although its interviews call for them."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import polars as pl

from kipu.core.surveys.form import DATE, NUMERIC, SELECT_MULTIPLE, Question, SurveyForm
from kipu.core.surveys.issues import survey_issue
from kipu.core.surveys.xpath import DATE as DATE_KIND
from kipu.core.surveys.xpath import LIST, NUMBER, TEXT, UnsupportedExpression, compile_expression
from kipu.core.validation.issues import Issue

Resolve = Callable[[str | None], tuple[pl.Expr, str]]


def kind_of(question: Question) -> str:
    if question.type in NUMERIC:
        return NUMBER
    if question.type == SELECT_MULTIPLE:
        return LIST
    if question.type == DATE:
        return DATE_KIND
    return TEXT


def all_hold(expressions: Iterable[str], resolve: Resolve) -> pl.Expr | None:
    """All expressions hold (True when there are none); None when one cannot be evaluated
    (the form's warning says so, and the checks that need it are not made)."""
    combined = pl.lit(True)
    for text in expressions:
        try:
            combined = combined & compile_expression(text, resolve)
        except (UnsupportedExpression, KeyError):
            return None
    return combined


def missing_repeats(
    form: SurveyForm, interviews: pl.DataFrame, repeats: dict[str, pl.DataFrame], lang: str
) -> list[Issue]:
    """A file-level error for each repeat group of the form with no rows in the export
    although some interview calls for it (the repeat's `relevant` holds, or it has none):
    a CSV export holds one table, and its repeats come as separate files. Without this its
    questions would be counted over nobody."""
    found = []
    for path in form.repeats:
        if path in repeats and not repeats[path].is_empty():
            continue
        calling = _calling(form, path, interviews)
        if calling == 0 or interviews.is_empty():
            continue
        count = interviews.height if calling is None else calling
        name = path.rsplit("/", 1)[-1]
        found.append(survey_issue("missing-repeat", lang, value=name, detail=count))
    return found


def _calling(form: SurveyForm, path: str, interviews: pl.DataFrame) -> int | None:
    """How many interviews the repeat's own conditions admit; None when it has none (or
    they cannot be evaluated over the interview's answers: every interview may)."""
    inner = [q.relevant for q in form.answered(path)]
    if not inner:
        return 0
    shared = list(inner[0])  # the repeat's (and its groups') conditions lead every question's
    for own in inner[1:]:
        same = 0
        while same < min(len(shared), len(own)) and shared[same] == own[same]:
            same += 1
        shared = shared[:same]
    if not shared:
        return None

    def resolve(name: str | None) -> tuple[pl.Expr, str]:
        if name is None:
            raise UnsupportedExpression("no current question")
        target = form.question(name)
        if target.repeat is not None:
            raise UnsupportedExpression(f"{target.path} is in a repeat")
        return pl.col(target.path), kind_of(target)

    condition = all_hold(shared, resolve)
    if condition is None:
        return None
    return int(interviews.select(condition.fill_null(False).sum()).item())
