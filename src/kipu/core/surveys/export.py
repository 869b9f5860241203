"""KoboToolbox and ODK exports read cell by cell, and their columns matched to the form.

An export is an XLSX workbook (the interviews on the first sheet, one sheet per repeat group,
each row linked to the row it sits in, an outer repeat's for a nested repeat, by Kobo's
`_index`/`_parent_index` or ODK's `KEY`/`PARENT_KEY`, and to its interview by Kobo's
`_submission__uuid`) or a CSV file (`,` or
`;`, any encoding `kipu.core.read` reads), with headers written as XML names
(`respondent/sex`, ODK Central's `respondent-sex`, or the bare `sex`) or as labels in any of
the form's languages ("Sex", "Sexo", "Respondent/Sex"). select_multiple answers come as one
column of space-separated choices, as split columns (`needs/food` holding 1/0), or both.

Cells are read by `kipu.core.read` (encodings, separators, Excel errors, formulas without a
value, merged cells); nothing here types or judges a value: `validate` does, at the cell.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from kipu.core.limits import Limits
from kipu.core.read.marks import ERROR, EXCEL_ERRORS, FORMULA_NO_VALUE, MERGED
from kipu.core.read.package import OLE_MAGIC, ZIP_MAGIC, check_upload
from kipu.core.read.sheets import Workbook, cell_text, fill_merged
from kipu.core.read.textfile import read_text_rows
from kipu.core.surveys.form import SELECT_MULTIPLE, Question, SurveyForm
from kipu.core.text import normalise

# Survey exports are wide: every choice of a select_multiple may be its own column.
SURVEY_LIMITS = Limits(max_columns=5_000)
ID_COLUMNS = ("_uuid", "meta/instanceID", "instanceID", "KEY")
INDEX_COLUMNS = ("_index", "KEY")
# A repeat row names the row it sits in (its outer repeat's row when the repeat is nested,
# else the interview) by its parent column, and Kobo also names the interview itself by
# `_submission__uuid`, however deep the repeat.
PARENT_COLUMNS = ("_parent_index", "PARENT_KEY")
SUBMISSION_COLUMNS = ("_submission__uuid",)
# The column each link names in the sheet it points to: Kobo's `_parent_index` the `_index`
# of the parent's sheet and `_submission__uuid` the interviews' `_uuid`; ODK Central's and
# Briefcase's `PARENT_KEY` the parent's `KEY` (docs.getodk.org/central-submissions: the main
# table's KEY is the submission's instanceID, and a repeat table's PARENT_KEY is the KEY of
# the row it belongs to, an outer repeat's row for a nested repeat).
LINKS = {"_parent_index": "_index", "PARENT_KEY": "KEY", "_submission__uuid": "_uuid"}
# Columns exports add around the answers: known, never reported as unknown.
META_COLUMNS = frozenset(
    normalise(c)
    for c in (
        *ID_COLUMNS, *INDEX_COLUMNS, *PARENT_COLUMNS, *SUBMISSION_COLUMNS, "meta/instanceName",
        "meta/rootUuid", "meta/deprecatedID", "meta/audit", "SubmissionDate", "SubmitterID",
        "SubmitterName", "AttachmentsPresent", "AttachmentsExpected", "Status", "ReviewState",
        "DeviceID", "Edits", "FormVersion",
    )
)  # fmt: skip
_SEPARATORS = ("/", "-", ".", ":")


@dataclass
class Column:
    """Where one question's answers are in a sheet; `choice` for a split select_multiple."""

    path: str
    index: int  # 0-based column in the sheet
    label: str  # as the header shows it
    choice: str | None = None


@dataclass
class RawSheet:
    """One sheet of an export: its answer cells as text, by question path."""

    name: str
    repeat: str | None  # None: the interviews
    columns: list[Column]
    header_row: int  # as the sheet numbers it (1-based); 0 for an empty sheet
    cells: pl.DataFrame  # "_row" (as the sheet numbers it) + one Utf8 column per Column
    # "id" / "index" / "parent" / "submission" → header
    ids: dict[str, str] = field(default_factory=dict)
    unknown: list[tuple[int, str]] = field(default_factory=list)  # (col, header)
    duplicates: list[tuple[int, str, str]] = field(default_factory=list)  # (col, header, first)
    marks: list[tuple[int, int, str, str | None]] = field(default_factory=list)
    # (row, col) of cells the file types as numbers that are not whole (an XLSX number
    # cell 1.125): their text is never ambiguous (`values.ambiguous_number`), unlike a typed one.
    number_cells: set[tuple[int, int]] = field(default_factory=set)

    def column_of(self, path: str) -> Column | None:
        return next((c for c in self.columns if c.path == path and c.choice is None), None)


@dataclass
class RawExport:
    name: str
    sheets: list[RawSheet]
    unknown_sheets: list[str] = field(default_factory=list)


def _text(value: object) -> str:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "1" if value else "0"
    return cell_text(value)


class HeaderKeys:
    """The header texts that name each question of one scope (the interviews or a repeat)."""

    def __init__(self, form: SurveyForm, repeat: str | None) -> None:
        self.keys: dict[str, set[tuple[str, str | None]]] = {}
        self.exact: dict[str, tuple[str, str | None]] = {}
        for question in form.questions:
            if question.repeat == repeat:
                self._add_question(question)

    def _names(self, question: Question) -> list[str]:
        parts = question.path.split("/")
        names = [sep.join(parts) for sep in _SEPARATORS] + [question.name]
        for lang, label in question.labels.items():
            groups = [g.get(lang, "") for g in question.group_labels]
            names += [label, "/".join([*[g for g in groups if g], label])]
        return names

    def _add_question(self, question: Question) -> None:
        for sep in _SEPARATORS:
            self.exact.setdefault(sep.join(question.path.split("/")), (question.path, None))
        for name in self._names(question):
            self.keys.setdefault(normalise(name), set()).add((question.path, None))
        if question.type == SELECT_MULTIPLE:
            for choice in question.choices:
                parts = [*question.path.split("/"), choice.name]
                for sep in _SEPARATORS:
                    self.exact.setdefault(sep.join(parts), (question.path, choice.name))
                for name in self._names(question):
                    for text in (choice.name, *choice.labels.values()):
                        for sep in ("/", "-", ".", ":", " "):
                            key = normalise(f"{name}{sep}{text}")
                            self.keys.setdefault(key, set()).add((question.path, choice.name))

    def match(self, header: str) -> tuple[str, str | None] | None:
        """(question path, choice or None) named by a header; None when unknown or ambiguous
        (two questions share the label, say)."""
        if header in self.exact:
            return self.exact[header]
        found = self.keys.get(normalise(header), set())
        return next(iter(found)) if len(found) == 1 else None


def _header_row(rows: list[list[object]]) -> int:
    """0-based index of the first row with a cell (Kobo and ODK write the header first)."""
    for index, row in enumerate(rows):
        if any(_text(c) for c in row):
            return index
    return -1


def read_sheet(
    name: str,
    rows: list[list[object]],
    form: SurveyForm,
    repeat: str | None,
    marks: list[tuple[int, int, str, str | None]] | None = None,
    *,
    typed: bool = True,
) -> RawSheet:
    """Match one sheet's header to the questions of `repeat` (None: the interviews).
    `typed`: the rows may hold number cells (a workbook's); a CSV's are all text."""
    keys = HeaderKeys(form, repeat)
    top = _header_row(rows)
    header = [_text(c) for c in rows[top]] if top >= 0 else []
    empty = pl.DataFrame({"_row": []}, schema={"_row": pl.Int64})
    sheet = RawSheet(name, repeat, [], top + 1, empty)
    sheet.marks = list(marks or [])
    seen: dict[tuple[str, str | None], str] = {}
    for index, label in enumerate(header):
        if not label:
            continue
        found = keys.match(label)
        if found is None:
            _identify(sheet, index, label)
            continue
        if found in seen:
            sheet.duplicates.append((index, label, seen[found]))
            continue
        seen[found] = label
        sheet.columns.append(Column(found[0], index, label, found[1]))
    body = [(top + 1 + i + 1, row) for i, row in enumerate(rows[top + 1 :])] if top >= 0 else []
    body = [(n, row) for n, row in body if any(_text(c) for c in row)]
    data: dict[str, list[object]] = {"_row": [n for n, _ in body]}
    for column in sheet.columns:
        key = column.path if column.choice is None else f"{column.path}\x00{column.choice}"
        data[key] = [_cell(row, column.index) for _, row in body]
    for role, label in sheet.ids.items():
        data[f"_{role}"] = [_cell(row, header.index(label)) for _, row in body]
    for label in sorted(set(LINKS.values()) & set(header)):  # what repeat rows may name
        data[f"_key:{label}"] = [_cell(row, header.index(label)) for _, row in body]
    sheet.number_cells = {
        (n, c.index)
        for n, row in (body if typed else [])
        for c in sheet.columns
        if c.index < len(row) and _fraction(row[c.index])
    }
    sheet.cells = pl.DataFrame(data, schema={k: pl.Int64 if k == "_row" else pl.Utf8 for k in data})
    return sheet


def _fraction(value: object) -> bool:
    """A number cell that is not whole (an XLSX cell 1.125, not the text "1.125")."""
    return isinstance(value, float) and not value.is_integer()


def _cell(row: list[object], index: int) -> str | None:
    text = _text(row[index]) if index < len(row) else ""
    return text or None


def _identify(sheet: RawSheet, index: int, label: str) -> None:
    """An id/index/parent column, known metadata, or an unknown column. Each role takes the
    first column that can fill it, and one column may fill two: ODK Central's `KEY` is both
    the interview's id and the index its repeat rows' `PARENT_KEY` names (Kobo has `_uuid`
    and `_index` for these). "parent" names the row a repeat row sits in, "submission" its
    interview: two roles, as a nested repeat's parent is not its interview."""
    roles = (
        ("id", ID_COLUMNS),
        ("index", INDEX_COLUMNS),
        ("parent", PARENT_COLUMNS),
        ("submission", SUBMISSION_COLUMNS),
    )
    found = [role for role, names in roles if label in names]
    if found:
        for role in found:
            sheet.ids.setdefault(role, label)
        return
    key = normalise(label)
    if key in META_COLUMNS or label.startswith("_") or key.startswith("meta "):
        return
    sheet.unknown.append((index, label))


def read_export(
    path: Path | str,
    form: SurveyForm,
    *,
    repeat_files: Mapping[str, Path | str] | None = None,
    limits: Limits = SURVEY_LIMITS,
) -> RawExport:
    """The sheets of an export (XLSX/XLS/ODS workbook or CSV) matched to `form`.

    `repeat_files` maps a repeat's name or path to a CSV of its rows (CSV exports hold one
    table each). Raises `kipu.core.read.ReadError` for a file that cannot be read at all.
    """
    path = Path(path)
    check_upload(path, limits)
    export = RawExport(path.name, [])
    if _is_workbook(path):
        _read_workbook(path, form, limits, export)
    else:
        rows: list[list[object]] = [list(r) for r in read_text_rows(path, limits)]
        export.sheets.append(
            read_sheet(path.name, rows, form, None, _text_marks(rows), typed=False)
        )
    for name, extra in (repeat_files or {}).items():
        repeat = _repeat_named(form, name)
        extra_path = Path(extra)
        check_upload(extra_path, limits)
        rows = [list(r) for r in read_text_rows(extra_path, limits)]
        if repeat is None:
            export.unknown_sheets.append(extra_path.name)
            continue
        marks = _text_marks(rows)
        export.sheets.append(read_sheet(extra_path.name, rows, form, repeat, marks, typed=False))
    return export


def _is_workbook(path: Path) -> bool:
    with path.open("rb") as handle:
        head = handle.read(8)
    return head.startswith((ZIP_MAGIC, OLE_MAGIC))


def _repeat_named(form: SurveyForm, name: str) -> str | None:
    """The repeat path a sheet or file name means: its path, its name, or Kobo's sheet name
    (cut to Excel's 31 characters)."""
    wanted = normalise(name)
    for path in form.repeats:
        last = path.rsplit("/", 1)[-1]
        if wanted in (normalise(path), normalise(last), normalise(last[:31]), normalise(path[:31])):
            return path
    return None


def _read_workbook(path: Path, form: SurveyForm, limits: Limits, export: RawExport) -> None:
    book = Workbook(path, limits)
    try:
        for position, (name, hidden) in enumerate(book.sheets):
            rows = [list(r) for r in book.rows(name)]
            marks = list(book.marks(name))
            marks += fill_merged(rows, book.merged(name), across=False)
            repeat = _repeat_named(form, name)
            if repeat is not None:
                export.sheets.append(read_sheet(name, rows, form, repeat, marks))
            elif position == 0 or not any(s.repeat is None for s in export.sheets):
                sheet = read_sheet(name, rows, form, None, marks)
                if sheet.columns or position == 0:
                    export.sheets.append(sheet)
                else:
                    export.unknown_sheets.append(name)
            elif not hidden:
                export.unknown_sheets.append(name)
    finally:
        book.close()


def _text_marks(rows: list[list[object]]) -> list[tuple[int, int, str, str | None]]:
    """Excel errors written as text in a CSV (`#N/A`, `#¡VALOR!`), marked like a workbook's."""
    return [
        (number, col, ERROR, str(value).strip())
        for number, row in enumerate(rows, start=1)
        for col, value in enumerate(row)
        if isinstance(value, str) and value.strip() in EXCEL_ERRORS
    ]


__all__ = [
    "ERROR",
    "FORMULA_NO_VALUE",
    "MERGED",
    "SURVEY_LIMITS",
    "Column",
    "RawExport",
    "RawSheet",
    "read_export",
    "read_sheet",
]
