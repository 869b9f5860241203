"""The form's rules over one sheet's typed answers: required answers where the question
applies (`relevant`), constraints, answers where the form skips the question, weights.

A rule whose expression reads a value the export does not hold (`references.NotKnown`) is
not made, and says so: one `check-not-made` per question and check, naming the reference,
and one more for the rows where a value it reads is unknown (an empty `today` cell, a
repeat row whose outer row is not in the export). A repeat row attached to no interview (an
error already, `kipu.core.surveys.link`) is not judged by `relevant`: whether the form asks
it is not known. Expressions outside the supported XPath are reported once per import
(`validate_export`, from `form.expression_problems`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

from kipu.core.surveys.export import RawSheet
from kipu.core.surveys.form import NUMERIC, SELECT_MULTIPLE, Question, SurveyForm
from kipu.core.surveys.issues import not_made
from kipu.core.surveys.references import NotKnown, resolver
from kipu.core.surveys.values import ambiguous_number, number_of
from kipu.core.surveys.xpath import UnsupportedExpression, compile_expression, parse
from kipu.core.validation.issues import Issue

Bad = set[tuple[int, str]]


@dataclass
class _Compiled:
    holds: pl.Expr  # every expression holds
    known: pl.Expr  # the values they read from other scopes are known
    references: tuple[str, ...]  # those values' names


class RuleChecks:
    """The rules of `_Checker` (`kipu.core.surveys.validate`)."""

    form: SurveyForm
    lang: str
    weight: str | None
    issues: list[Issue]

    def add(self, code: str, sheet: RawSheet, **kwargs: Any) -> None:
        raise NotImplementedError

    def _rules(self, sheet: RawSheet, typed: pl.DataFrame, bad: Bad) -> None:
        for question in self.form.answered(sheet.repeat):
            column = sheet.column_of(question.path)
            label = column.label if column else question.path
            where = {"column": label, "col_index": column.index if column else None}
            value = pl.col(question.path)
            answered = value.is_not_null()
            # No choice ticked is no answer, unless a choice has no column (an unknown tick).
            if question.type == SELECT_MULTIPLE and not self._unknown(sheet, question):
                answered = answered & (value.list.len() > 0)
            self._relevance(sheet, typed, question, answered, bad, where)
            self._constraint(sheet, typed, question, answered, bad, where)
            if self.weight and question.path == self.form.question(self.weight).path:
                if question.type not in NUMERIC:  # a number question said so already
                    ambiguous = ambiguous_number(value.cast(pl.Utf8))
                    self._rows(sheet, typed, ambiguous, "ambiguous-number", question, bad, where)
                weight = _number(value, question)
                invalid = weight.is_null() | (weight <= 0) | weight.is_nan()
                self._rows(sheet, typed, invalid, "invalid-weight", question, bad, where)

    def _unknown(self, sheet: RawSheet, question: Question) -> bool:
        """Some choice of this select_multiple has no column (`choice-not-exported`)."""
        return any(
            i.code == "choice-not-exported" and i.sheet == sheet.name and i.column == question.path
            for i in self.issues
        )

    def _relevance(self, sheet, typed, question, answered, bad, where) -> None:
        rule = self._compiled(sheet, typed, question, "relevant", question.relevant)
        if rule is None:
            return
        # A repeat row attached to no interview has no `relevant` to judge it by: whether
        # the form asks it is not known (its `orphan-…` error says why), never "skipped".
        attached = pl.col("_parent").is_not_null() if "_parent" in typed.columns else pl.lit(True)
        relevant, known = rule.holds, rule.known & attached
        if question.required:
            self._rows(sheet, typed, ~answered & relevant & known, "required-missing",
                       question, bad, where)  # fmt: skip
        detail = " and ".join(question.relevant)
        self._rows(sheet, typed, answered & ~relevant & known, "answer-not-relevant", question,
                   bad, where, detail=detail)  # fmt: skip
        # Rows whose relevance is unknown: a required question's may each be an answer
        # missing, an optional one's answered rows an answer the form skips.
        rows = typed if question.required else typed.filter(answered)
        self._unknown_rows(sheet, rows, question, "relevant", detail, rule)

    def _constraint(self, sheet, typed, question, answered, bad, where) -> None:
        if not question.constraint:
            return
        rule = self._compiled(sheet, typed, question, "constraint", (question.constraint,))
        if rule is None:
            return
        detail = question.constraint_message.get(self.lang) or question.constraint
        self._rows(sheet, typed, answered & ~rule.holds & rule.known, "constraint-violated",
                   question, bad, where, detail=detail)  # fmt: skip
        self._unknown_rows(sheet, typed.filter(answered), question, "constraint",
                           question.constraint, rule)  # fmt: skip

    def _compiled(self, sheet, typed, question, check, texts) -> _Compiled | None:
        """The expressions compiled over `typed`; None, with a `check-not-made`, when one
        cannot be (one outside the supported XPath was reported once for the import)."""
        known: list[tuple[str, pl.Expr]] = []
        resolve = resolver(self.form, typed.columns, question, known)
        holds = pl.lit(True)
        for text in texts:
            try:
                parse(text)
            except UnsupportedExpression:
                return None
            try:
                holds = holds & compile_expression(text, resolve)
            except NotKnown as error:
                self._not_made(sheet, question, error.reason, check, text,
                               reference=f"${{{error.reference}}}", scope=error.scope)  # fmt: skip
                return None
            except (UnsupportedExpression, KeyError) as error:  # a regex() pattern, say
                self._not_made(sheet, question, "unsupported", check, text, error=error)
                return None
        names = tuple(dict.fromkeys(name for name, _ in known))
        where = pl.all_horizontal([mask for _, mask in known]) if known else pl.lit(True)
        return _Compiled(holds, where.fill_null(False), names)

    def _unknown_rows(self, sheet, typed, question, check, text, rule: _Compiled) -> None:
        if not rule.references:
            return
        rows = typed.select((~rule.known).sum()).item()
        if rows:
            references = ", ".join(f"${{{name}}}" for name in rule.references)
            self._not_made(sheet, question, "unknown-rows", check, text, rows=rows,
                           reference=references)  # fmt: skip

    def _not_made(self, sheet, question, why, check, text, **parts: object) -> None:
        detail = not_made(why, self.lang, question=question.path, check=check,
                          expression=text, **parts)  # fmt: skip
        self.add("check-not-made", sheet, column=question.path, detail=detail)

    def _rows(self, sheet, typed, mask, code, question, bad, where, detail="") -> None:
        text = (
            sheet.cells.select("_row", pl.col(question.path).alias("_text"))
            if (question.path in sheet.cells.columns)
            else typed.select("_row", pl.lit(None, pl.Utf8).alias("_text"))
        )
        found = typed.with_columns(mask.alias("_hit")).filter("_hit").select("_row")
        found = found.join(text, on="_row", how="left", maintain_order="left")
        for row, value in found.iter_rows():
            if typed_number(sheet, code, row, where.get("col_index")):
                continue
            if (row, question.path) not in bad:
                self.add(code, sheet, value=value, row=row, detail=detail, **where)
                if code != "answer-not-relevant":
                    bad.add((row, question.path))


def typed_number(sheet: RawSheet, code: str, row: int, col: object) -> bool:
    """An `ambiguous-number` in a cell the file typed as a number: its value is exact."""
    return code == "ambiguous-number" and (row, col) in sheet.number_cells


def _number(value: pl.Expr, question: Question) -> pl.Expr:
    if question.type in NUMERIC:
        return value
    return number_of(value.cast(pl.Utf8))
