"""A Kobo/ODK export checked against its form: typed answers, and a report of every problem
at its sheet, row and column (the 5W validation report's shape).

Checks: the header (duplicate and unknown columns, questions without a column), each cell
(numbers, whole numbers, dates, choices, Excel errors, formulas without a value, merged
cells), required answers where the question applies (`relevant`), constraints
(`constraint`, with the form's own message), answers where the form skips the question,
duplicate interviews, repeat rows without their interview, repeat groups the export does not
bring although its interviews call for them, and weights. Problems are results,
never exceptions: `validate_export` always returns a `SurveyData`. The form's rules are
`kipu.core.surveys.rules`; what their expressions read (metadata, the rows a repeat row
belongs to) is `kipu.core.surveys.references`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from kipu.core.read import ReadError
from kipu.core.read.marks import EXCEL_ERRORS, FORMULA_NO_VALUE, MERGED, UNREADABLE_VALUE
from kipu.core.surveys.conditions import missing_repeats
from kipu.core.surveys.export import RawExport, RawSheet, read_export
from kipu.core.surveys.form import (
    DATE,
    INTEGER,
    NUMERIC,
    SELECT_MULTIPLE,
    SELECT_ONE,
    Question,
    SurveyForm,
    expression_problems,
)
from kipu.core.surveys.issues import not_made, survey_issue
from kipu.core.surveys.link import Parent, attach, nests, parent_of
from kipu.core.surveys.references import CONTEXT, meta_columns, with_ancestors
from kipu.core.surveys.rules import RuleChecks, typed_number
from kipu.core.surveys.values import ChoiceReader, ambiguous_number, date_of, flag_of, number_of
from kipu.core.surveys.xpath import BOOL
from kipu.core.validation.issues import ERROR, Issue, Report


@dataclass
class SurveyData:
    """Typed answers: `interviews` has `_row`, `_id`, `_index` and one column per question
    path (Float64 numbers, Utf8 choices and texts, List(Utf8) select_multiple, Date dates);
    each repeat's frame has `_row`, `_index`, `_parent` (the interview's `_index`, however
    deep the repeat), `_outer` (a nested repeat's outer row's `_index`) and its questions."""

    form: SurveyForm
    interviews: pl.DataFrame
    repeats: dict[str, pl.DataFrame] = field(default_factory=dict)
    report: Report = field(default_factory=Report)


def validate_file(
    path: Path | str,
    form: SurveyForm,
    *,
    lang: str = "en",
    weight: str | None = None,
    repeat_files: dict[str, Path | str] | None = None,
) -> SurveyData:
    """Read and validate an export; a file that cannot be read is one file-level issue."""
    try:
        raw = read_export(path, form, repeat_files=repeat_files)
    except ReadError as error:
        report = Report(issues=[survey_issue(error.code, lang, detail=error.text(lang))])
        return SurveyData(form, pl.DataFrame(), report=report)
    except MemoryError:
        text = ReadError("file-too-large", "memory", name=Path(path).name).text(lang)
        report = Report(issues=[survey_issue("file-too-large", lang, detail=text)])
        return SurveyData(form, pl.DataFrame(), report=report)
    return validate_export(raw, form, lang=lang, weight=weight)


def validate_export(
    raw: RawExport, form: SurveyForm, *, lang: str = "en", weight: str | None = None
) -> SurveyData:
    issues: list[Issue] = []
    main = next((s for s in raw.sheets if s.repeat is None and s.columns), None)
    if main is None:
        names = ", ".join(s.name for s in raw.sheets) or raw.name
        issues.append(survey_issue("no-survey-sheet", lang, detail=names))
        return SurveyData(form, pl.DataFrame(), report=Report(issues=issues))
    # Expressions outside the supported XPath; the checks a sheet cannot make otherwise
    # are said by `RuleChecks`. pyxform's own warnings are `load-form`'s: no check is lost.
    issues += [
        survey_issue("check-not-made", lang, column=q.path, detail=not_made(
            "unsupported", lang, question=q.path, check=check, expression=text, error=why))
        for q, check, text, why in expression_problems(form)
    ]  # fmt: skip
    issues += [survey_issue("unknown-sheet", lang, value=name) for name in raw.unknown_sheets]
    checker = _Checker(form, lang, weight)
    linked = any(s.repeat is not None for s in raw.sheets)
    interviews = checker.sheet(main, None, linked=linked)
    repeats: dict[str, pl.DataFrame] = {}
    done: dict[str, tuple[RawSheet, pl.DataFrame]] = {}
    # Outer repeats first: a nested repeat's rows reach their interview through their outer
    # rows (`link.attach`), and its rules read those rows' answers (`with_ancestors`).
    inner = [s for s in raw.sheets if s.repeat is not None]
    for sheet in sorted(inner, key=lambda s: str(s.repeat).count("/")):
        parent = parent_of(form, sheet, main, interviews, done)
        typed = checker.sheet(sheet, parent, linked=nests(form, sheet, inner))
        repeats[str(sheet.repeat)] = typed
        done[str(sheet.repeat)] = (sheet, typed)
    issues += checker.issues
    issues += missing_repeats(form, interviews, repeats, lang)
    if interviews.is_empty():
        issues.append(survey_issue("no-rows", lang, sheet=main.name))
    report = Report(issues=issues, rows_read=interviews.height, sheet=main.name)
    report.header_row = main.header_row or None
    errors = {(i.sheet, i.row) for i in issues if i.severity == ERROR and i.row}
    report.rows_with_errors = len(errors)
    report.rows_with_warnings = len({(i.sheet, i.row) for i in issues if i.row} - errors)
    return SurveyData(form, interviews, repeats, report)


class _Checker(RuleChecks):
    def __init__(self, form: SurveyForm, lang: str, weight: str | None) -> None:
        self.form, self.lang, self.weight = form, lang, weight
        self.issues: list[Issue] = []
        self.main: RawSheet | None = None  # the interviews' sheet, once read
        # Each sheet checked, with what its rules read (`references`): inner repeats read it.
        self.frames: dict[str | None, pl.DataFrame] = {}

    def add(self, code: str, sheet: RawSheet, **kwargs: object) -> None:
        self.issues.append(survey_issue(code, self.lang, sheet=sheet.name, **kwargs))  # type: ignore[arg-type]

    def sheet(
        self, sheet: RawSheet, parent: Parent | None, *, linked: bool = False
    ) -> pl.DataFrame:
        """The typed rows of the interviews' sheet (`parent` None, read first) or of a
        repeat's (`_parent`: the interview's `_index`; `_outer`: the outer repeat row's).
        `linked`: other rows are linked to this sheet's rows by their index."""
        self._header(sheet)
        cells = sheet.cells
        bad = self._cell_marks(sheet)
        values = [self._typed(sheet, q, bad) for q in self.form.answered(sheet.repeat)]
        if sheet.repeat is None:
            values += meta_columns(self.form, sheet, lambda q: self._typed(sheet, q, bad))
        typed = cells.select("_row", *self._ids(sheet, parent is not None), *values)
        if parent is not None and self.main is not None:
            typed = attach(sheet, typed, parent, (self.main, self.frames[None]), self.add)
            typed = with_ancestors(self.form, sheet, typed, self.frames)
        self._rules(sheet, typed, bad)
        self.frames[sheet.repeat] = typed
        if sheet.repeat is None:
            self.main = sheet
            self._duplicates(sheet, typed, "id", "duplicate-submission")
        code = "duplicate-index" if sheet.repeat is None else "duplicate-repeat-index"
        if linked and sheet.ids.get("index") != sheet.ids.get("id"):  # ODK's KEY: said once
            self._duplicates(sheet, typed, "index", code)
        return typed.drop([c for c in typed.columns if c.startswith(CONTEXT)])

    # --- header -------------------------------------------------------------------------

    def _header(self, sheet: RawSheet) -> None:
        row = sheet.header_row or None
        for index, label, first in sheet.duplicates:
            self.add(
                "duplicate-column", sheet, column=label, detail=first, row=row, col_index=index
            )
        for index, label in sheet.unknown:
            self.add("unknown-column", sheet, column=label, row=row, col_index=index)
        present = {c.path for c in sheet.columns}
        for question in self.form.answered(sheet.repeat):
            if question.path in present:
                self._choices_exported(sheet, question)
                continue
            code = "missing-question" if question.required else "question-not-exported"
            self.add(code, sheet, column=question.path, row=row)

    def _choices_exported(self, sheet: RawSheet, question: Question) -> None:
        """A select_multiple read from its 1/0 columns alone, one of whose choices has no
        column: whether anyone chose it is not known (`issues.unknown_choices` tells the
        analysis, which gives it no figure rather than a 0). With the question's own column
        every choice is known from it."""
        if question.type != SELECT_MULTIPLE or sheet.column_of(question.path) is not None:
            return
        split = {c.choice for c in sheet.columns if c.path == question.path and c.choice}
        for choice in question.choice_names():
            if choice not in split:
                self.add("choice-not-exported", sheet, column=question.path, value=choice,
                         row=sheet.header_row or None)  # fmt: skip

    def _cell_marks(self, sheet: RawSheet) -> set[tuple[int, str]]:
        """Cells whose value is unknown (Excel errors, formulas without a value, values
        calamine reads cut short): reported here once, and left out of every other check."""
        bad: set[tuple[int, str]] = set()
        by_index = {c.index: c for c in sheet.columns}
        rows = set(sheet.cells["_row"].to_list())
        for row, col, kind, detail in sheet.marks:
            column = by_index.get(col)
            if column is None or row not in rows:
                continue
            where = {"row": row, "column": column.label, "col_index": col}
            if kind == FORMULA_NO_VALUE:
                self.add("formula-without-value", sheet, **where)
                bad.add((row, column.path))
            elif kind == UNREADABLE_VALUE:
                self.add("unreadable-value", sheet, **where)
                bad.add((row, column.path))
            elif kind == MERGED:
                self.add("merged-cell", sheet, detail=detail, **where)
        for column in sheet.columns:
            key = _key(column.path, column.choice)
            errors = sheet.cells.filter(pl.col(key).str.strip_chars().is_in(sorted(EXCEL_ERRORS)))
            for row, value in errors.select("_row", key).iter_rows():
                self.add("excel-error", sheet, value=value.strip(), row=row,
                         column=column.label, col_index=column.index)  # fmt: skip
                bad.add((row, column.path))
        return bad

    def _ids(self, sheet: RawSheet, repeat: bool) -> list[pl.Expr]:
        """`_id`, `_index` and, for a repeat's rows, the links as written (`_parent`,
        `_submission`). Without an id or index column the row number stands in, as a key
        within Kipu only: no repeat row is linked by it (`link.attach` links by the parent
        sheet's own column)."""
        found = [pl.col("_row").cast(pl.Utf8).alias("_id")]
        if "id" in sheet.ids:
            found = [pl.coalesce(pl.col("_id"), pl.col("_row").cast(pl.Utf8)).alias("_id")]
        index = pl.col("_index") if "index" in sheet.ids else pl.col("_row").cast(pl.Utf8)
        found.append(index.alias("_index"))
        if repeat:
            for role in ("parent", "submission"):
                key = pl.col(f"_{role}") if role in sheet.ids else pl.lit(None, pl.Utf8)
                found.append(key.alias(f"_{role}"))
        return found

    # --- values -------------------------------------------------------------------------

    def _typed(self, sheet: RawSheet, question: Question, bad: set[tuple[int, str]]) -> pl.Expr:
        column = sheet.column_of(question.path)
        if question.type == SELECT_MULTIPLE:
            return self._multiple(sheet, question, column, bad)
        if column is None:
            return pl.lit(None, dtype=_dtype(question)).alias(question.path)
        text = pl.col(question.path)
        checks = self._checked(sheet, question, column, bad)
        if question.type in NUMERIC:
            value = number_of(text)
            checks(ambiguous_number(text), "ambiguous-number")
            checks(value.is_null() & text.is_not_null(), "invalid-number")
            if question.type == INTEGER:
                checks(value.is_not_null() & (value != value.floor()), "not-integer")
                value = pl.when(value == value.floor()).then(value)
            return value.alias(question.path)
        if question.type == DATE:
            value = date_of(text)
            checks(value.is_null() & text.is_not_null(), "invalid-date")
            return value.alias(question.path)
        if question.type == SELECT_ONE:
            return self._one(sheet, question, column, bad)
        return text.alias(question.path)

    def _checked(
        self, sheet: RawSheet, question: Question, column: object, bad: set[tuple[int, str]]
    ) -> Callable[[pl.Expr, str], None]:
        def check(mask: pl.Expr, code: str) -> None:
            found = sheet.cells.filter(mask).select("_row", pl.col(question.path))
            for row, value in found.iter_rows():
                if typed_number(sheet, code, row, column.index):  # type: ignore[attr-defined]
                    continue
                if (row, question.path) not in bad:
                    self.add(code, sheet, value=value, row=row, column=column.label,  # type: ignore[attr-defined]
                             col_index=column.index)  # type: ignore[attr-defined]  # fmt: skip
                    bad.add((row, question.path))

        return check

    def _one(self, sheet: RawSheet, question: Question, column: object, bad: set) -> pl.Expr:
        reader = ChoiceReader(question)
        readings = {t: reader.one(t) for t in sheet.cells[question.path].drop_nulls().unique()}
        self._choice_issues(sheet, question, column, readings, bad)
        names = {t: r.names[0] for t, r in readings.items() if r.names}
        return pl.col(question.path).replace_strict(names, default=None, return_dtype=pl.Utf8)

    def _multiple(self, sheet: RawSheet, question: Question, column: object, bad: set) -> pl.Expr:
        split = self._split(sheet, question, bad)
        if column is None:
            return split
        reader = ChoiceReader(question)
        readings = {t: reader.many(t) for t in sheet.cells[question.path].drop_nulls().unique()}
        self._choice_issues(sheet, question, column, readings, bad)
        names = {t: list(r.names) for t, r in readings.items() if r.names}
        dtype = pl.List(pl.Utf8)
        combined = pl.col(question.path).replace_strict(names, default=None, return_dtype=dtype)
        if any(c.path == question.path and c.choice for c in sheet.columns):
            self._disagreeing(sheet, question, column, combined, split, bad)
        return combined.alias(question.path)

    def _split(self, sheet: RawSheet, question: Question, bad: set) -> pl.Expr:
        """A select_multiple's 1/0 columns, one per choice: the choices ticked. A cell that is
        neither 1 nor 0 ("x", "2") is an error at its cell, not a choice left out."""
        split = [c for c in sheet.columns if c.path == question.path and c.choice]
        if not split:
            return pl.lit(None, dtype=pl.List(pl.Utf8)).alias(question.path)
        for c in split:
            key = _key(c.path, c.choice)
            text = pl.col(key).str.strip_chars()
            found = sheet.cells.filter(flag_of(pl.col(key)).is_null() & (text != ""))
            for row, value in found.select("_row", key).iter_rows():
                if (row, c.path) not in bad:
                    self.add("invalid-choice-flag", sheet, value=value, row=row, column=c.label,
                             col_index=c.index)  # fmt: skip
                    bad.add((row, c.path))
        chosen = [
            pl.when(flag_of(pl.col(_key(c.path, c.choice)))).then(pl.lit(c.choice)) for c in split
        ]
        answered = pl.any_horizontal(pl.col(_key(c.path, c.choice)).is_not_null() for c in split)
        listed = pl.concat_list(chosen).list.drop_nulls()
        return pl.when(answered).then(listed).alias(question.path)

    def _disagreeing(self, sheet, question, column, combined, split, bad) -> None:
        """An export with both a select_multiple's column and its 1/0 columns: rows where they
        choose differently (an answer only in the 1/0 columns was dropped unseen). A choice
        without a 1/0 column is compared in neither: the column alone says it."""
        exported = sorted({c.choice for c in sheet.columns if c.path == question.path and c.choice})
        known = combined.list.eval(pl.element().filter(pl.element().is_in(exported)))
        both = sheet.cells.select(
            "_row",
            pl.col(question.path).alias("_text"),
            known.list.sort().alias("_combined"),
            split.list.sort().alias("_split"),
        )
        ticked = pl.col("_split").list.len() > 0
        differ = pl.col("_combined").is_null() & ticked | (
            pl.col("_combined").is_not_null() & (pl.col("_combined") != pl.col("_split"))
        )
        for row, text, _c, chosen in both.filter(differ.fill_null(False)).iter_rows():
            if (row, question.path) not in bad:
                self.add("split-disagrees", sheet, value=text or "", detail=" ".join(chosen),
                         row=row, column=column.label, col_index=column.index)  # fmt: skip
                bad.add((row, question.path))

    def _choice_issues(self, sheet, question, column, readings, bad) -> None:
        wrong = {t: r for t, r in readings.items() if r.names is None}
        if not wrong:
            return
        valid = ", ".join(question.choice_names())
        found = sheet.cells.filter(pl.col(question.path).is_in(sorted(wrong)))
        for row, text in found.select("_row", question.path).iter_rows():
            if (row, question.path) in bad:
                continue
            reading = wrong[text]
            self.add("unknown-choice", sheet, value=" ".join(reading.unknown), detail=valid,
                     suggestion=reading.suggestion, row=row, column=column.label,
                     col_index=column.index)  # fmt: skip
            bad.add((row, question.path))

    # --- duplicate keys --------------------------------------------------------------

    def _duplicates(self, sheet: RawSheet, typed: pl.DataFrame, key: str, code: str) -> None:
        """Rows whose `key` ("id": the interview's id; "index": Kobo's `_index`, which links
        repeat rows to their interview) an earlier row has. Two interviews with one index
        (two exports pasted into one sheet) each got the other's repeat rows: counted twice."""
        if key not in sheet.ids:
            return
        named = typed.filter(pl.col(f"_{key}").is_not_null())
        first = named.group_by(f"_{key}").agg(pl.col("_row").min().alias("_first"))
        again = named.join(first, on=f"_{key}").filter(pl.col("_row") != pl.col("_first"))
        for row, value, earlier in again.select("_row", f"_{key}", "_first").sort("_row").rows():
            self.add(code, sheet, value=value, detail=earlier, row=row, column=sheet.ids[key])


def _key(path: str, choice: str | None) -> str:
    return path if choice is None else f"{path}\x00{choice}"


def _dtype(question: Question) -> pl.DataType:
    if question.type in NUMERIC:
        return pl.Float64()
    if question.type == DATE:
        return pl.Date()
    if question.type == SELECT_MULTIPLE:
        return pl.List(pl.Utf8)
    return pl.Utf8()


__all__ = ["BOOL", "SurveyData", "validate_export", "validate_file"]
