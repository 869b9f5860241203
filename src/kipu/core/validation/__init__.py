"""Validate 5W files and rows: every problem becomes an issue in a report, never an exception.

`validate_file` reads a workbook or CSV (with all the checks against hostile files), finds the
5W table, resolves every distinct value once against the platform's reference data, runs the
vectorised rules and returns the report with the resolved activity frame.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl

from kipu.core.frame import ACTIVITY_FRAME
from kipu.core.limits import DEFAULT_LIMITS, Limits
from kipu.core.read import FiveWTable, Header, NoFiveWSheet, ReadError, build_frame, read_5w
from kipu.core.read.fivew import TABLE_MARKS
from kipu.core.read.header import is_activityinfo_id, match_cell
from kipu.core.reference import ReferenceData
from kipu.core.schema import COLUMN_BY_NAME, COLUMN_NAMES, COUNT_COLUMNS
from kipu.core.validation.cells import (
    cell_issues,
    dollar_formats,
    storable,
    without_unknown_values,
)
from kipu.core.validation.issues import CATALOGUE, ERROR, WARNING, Issue, Report, new_issue
from kipu.core.validation.repeated import repeated_headers
from kipu.core.validation.report import messages
from kipu.core.validation.resolve import prepare
from kipu.core.validation.rules import Context, emit, run_rules

__all__ = [
    "CATALOGUE",
    "Issue",
    "Report",
    "ValidationResult",
    "validate_file",
    "validate_rows",
    "validate_table",
]


@dataclass
class ValidationResult:
    report: Report
    rows: pl.DataFrame  # ACTIVITY_FRAME columns + has_error + issue_codes
    extra: pl.DataFrame | None = None  # unknown columns, kept aside: "row" + one per column
    columns: dict[str, str] = field(default_factory=dict)  # canonical → label in the file
    # Rows that cannot be stored, whatever the options: a value they need could not be read
    # (see validation.cells.storable).
    unstorable: list[int] = field(default_factory=list)


def result_frame() -> pl.DataFrame:
    schema = {**ACTIVITY_FRAME, "has_error": pl.Boolean, "issue_codes": pl.List(pl.Utf8)}
    return pl.DataFrame(schema=schema)


def validate_file(
    path: Path | str,
    reference: ReferenceData,
    *,
    org: str | None = None,
    month: str | None = None,
    lang: str = "en",
    limits: Limits | None = None,
    today: date | None = None,
    column_mapping: dict[str, str] | None = None,
    history: pl.DataFrame | None = None,
    on_read: Callable[[int], None] | None = None,
) -> ValidationResult:
    """Validate one uploaded 5W file; `history` (an activity frame) enables `outlier`.
    `on_read` is told the number of data rows once the file is read, before they are checked
    (a background job's progress)."""
    limits = limits or DEFAULT_LIMITS
    name = Path(path).name
    try:
        table = read_5w(path, limits=limits, column_mapping=column_mapping)
    except ReadError as error:
        return _failure(error.code, error.text(lang), lang)
    except NoFiveWSheet as error:
        return _failure("no-5w-sheet", error.text(lang), lang)
    except MemoryError:
        return _failure(
            "file-too-large", ReadError("file-too-large", "memory", name=name).text(lang), lang
        )
    except Exception as error:  # a parser bug on hostile input must still be a clean issue
        failure = ReadError("unreadable-file", "parser", name=name, reason=type(error).__name__)
        return _failure("unreadable-file", failure.text(lang), lang)
    if on_read is not None:
        on_read(table.frame.height)
    ctx = Context(lang=lang, org=org, month=month, today=today, history=history)
    return _validate_table(table, reference, ctx)


def validate_table(
    table: FiveWTable,
    reference: ReferenceData,
    *,
    org: str | None = None,
    month: str | None = None,
    lang: str = "en",
    today: date | None = None,
    history: pl.DataFrame | None = None,
) -> ValidationResult:
    """Validate a 5W table already read with `kipu.core.fivew.read_5w` (callers that need to
    look at the raw table first, such as provisional figures, read the file once)."""
    ctx = Context(lang=lang, org=org, month=month, today=today, history=history)
    return _validate_table(table, reference, ctx)


def validate_rows(
    records: Sequence[Mapping[str, Any]],
    reference: ReferenceData,
    *,
    org: str | None = None,
    month: str | None = None,
    lang: str = "en",
    today: date | None = None,
    history: pl.DataFrame | None = None,
) -> ValidationResult:
    """Validate rows given as dicts with canonical keys (a JSON API). Rows are numbered by
    position, from 1: a "row" key a client sends is ignored (it is not a column either), so
    stored row numbers are always unique, in order and within range."""
    numbers = list(range(1, len(records) + 1))
    columns = {n: [r.get(n) for r in records] for n in COLUMN_NAMES if any(n in r for r in records)}
    raw = build_frame(columns, numbers)
    header = Header(
        row=0,
        data_start=0,
        columns={n: i for i, n in enumerate(columns)},
        labels={i: n for i, n in enumerate(columns)},
    )
    unknown = sorted({k for r in records for k in r} - set(COLUMN_NAMES) - {"row"})
    for label in unknown:
        index = len(header.unknown) + len(columns)
        header.unknown[index] = label
        # A spreadsheet's label as a key ("Quantity of output"): its values were kept aside
        # and the column stored as 0 (`key-is-a-label`, an error, names the key).
        if (name := match_cell(label, {})) in COLUMN_BY_NAME:
            header.hints[index] = name
    marks = pl.DataFrame(schema=TABLE_MARKS)
    table = FiveWTable("", False, header, raw, pl.DataFrame(), marks)
    ctx = Context(lang=lang, org=org, month=month, today=today, history=history)
    return _validate_table(table, reference, ctx, required_columns=False, by_key=True)


def _failure(code: str, detail: str, lang: str) -> ValidationResult:
    report = Report(issues=[new_issue(code, lang, detail=detail)])
    return ValidationResult(report=report, rows=result_frame())


def _header_issues(
    table: FiveWTable, lang: str, required_columns: bool, by_key: bool = False
) -> list[Issue]:
    header, sheet = table.header, table.sheet or None
    where: dict[str, Any] = {"sheet": sheet, "row": header.row or None}
    found = []
    if table.hidden:
        found.append(new_issue("hidden-sheet", lang, value=table.sheet, **where))
    for index in table.hidden_columns:
        label = header.labels.get(index)
        found.append(new_issue("hidden-column", lang, column=label, col_index=index, **where))
    if required_columns:
        for name in header.missing:
            label = COLUMN_BY_NAME[name].label_es if lang == "es" else COLUMN_BY_NAME[name].label_en
            found.append(new_issue("missing-column", lang, column=label, **where))
    for name, index in header.duplicates:
        first = header.labels.get(header.columns[name], name)
        found.append(
            new_issue(
                "duplicate-column",
                lang,
                column=header.labels.get(index, name),
                detail=first,
                col_index=index,
                **where,
            )
        )
    for index, label in sorted(header.unknown.items()):
        hint = header.hints.get(index)
        code = "activityinfo-field-id" if is_activityinfo_id(label) else "unknown-column"
        detail = None
        if by_key and hint in COLUMN_BY_NAME:
            code, detail = "key-is-a-label", hint
        found.append(
            new_issue(
                code, lang, column=label, suggestion=hint, detail=detail, col_index=index, **where
            )
        )
    if table.frame.is_empty() and not header.missing:
        found.append(new_issue("no-rows", lang, **where))
    return found


def _validate_table(
    table: FiveWTable,
    reference: ReferenceData,
    ctx: Context,
    *,
    required_columns: bool = True,
    by_key: bool = False,
) -> ValidationResult:
    """`by_key`: rows given by their columns' keys (a JSON API), by which every issue names
    its column, one the rows leave out too (it was named by its label, "Month", "Mes")."""
    header = table.header
    labels = {name: header.label(name) for name in header.columns}
    ctx.labels = {n: n for n in COLUMN_NAMES} if by_key else _labels(header, ctx.lang)
    ctx.first_plan_year = min(reference.plans, default=None)
    file_issues = _header_issues(table, ctx.lang, required_columns, by_key)
    report = Report(
        issues=file_issues,
        rows_read=table.frame.height,
        sheet=table.sheet or None,
        header_row=header.row or None,
    )
    result = ValidationResult(report, result_frame(), table.extra, labels)
    if required_columns and header.missing:
        return result  # without a required column every row would fail the same way
    dollars = dollar_formats(table.marks)
    f = prepare(table.frame, reference, ctx.lang, ctx.month, dollars)
    f = without_unknown_values(f, table.marks)
    found = cell_issues(f, run_rules(f, ctx), table.marks)
    if table.hidden_rows.len():
        found = pl.concat([found, _hidden_rows(f, table.hidden_rows)])
    found = pl.concat([found, repeated_headers(f, header, ctx)])
    _row_issues(report, found, f, table, ctx)
    result.rows = _rows(f, found)
    result.unstorable = storable(f, found).filter(~pl.col("storable"))["row"].to_list()
    return result


def _hidden_rows(f: pl.DataFrame, rows: pl.Series) -> pl.DataFrame:
    """A `hidden-row` warning at each row the sheet hides (`FiveWTable.hidden_rows`)."""
    found = emit(
        f, pl.col("row").is_in(rows.implode()), "hidden-row", None,
        detail=pl.col("row").cast(pl.Utf8),
    )  # fmt: skip
    return found.collect()


def _labels(header: Header, lang: str) -> dict[str, str]:
    """Each column's label as the file writes it, or, for a column the file does not have,
    Kipu's label in the user's language (an issue at it said “total_monthly” is empty)."""
    return {
        name: header.label(name)
        if name in header.columns
        else getattr(COLUMN_BY_NAME[name], f"label_{lang}", "") or COLUMN_BY_NAME[name].label_en
        for name in COLUMN_NAMES
    }


def _severity() -> pl.Expr:
    mapping = {code: info.severity for code, info in CATALOGUE.items()}
    return pl.col("code").replace_strict(mapping, default=ERROR, return_dtype=pl.Utf8)


def _row_issues(
    report: Report, found: pl.DataFrame, f: pl.DataFrame, table: FiveWTable, ctx: Context
) -> None:
    """The rules' issues as the report's row issue columns (kipu.core.validation.report),
    in row order, then column order, then code."""
    order = {name: i for i, name in enumerate(COLUMN_NAMES)}
    header = table.header
    labels = ctx.labels or _labels(header, ctx.lang)
    enriched = (
        found.join(f.select("_i", "row", "appealing_org", "r_appealing_org"), on="_i", how="left")
        .with_columns(
            _severity().alias("severity"),
            pl.col("column")
            .replace_strict(order, default=len(order), return_dtype=pl.Int64)
            .alias("_order"),
            pl.coalesce("r_appealing_org", "appealing_org").alias("org"),
        )
        .sort("row", "_order", "code")
    )
    counts = enriched.group_by("severity").agg(pl.col("_i").n_unique())
    per = dict(counts.iter_rows())
    report.rows_with_errors = int(per.get(ERROR, 0))
    report.rows_with_warnings = int(per.get(WARNING, 0))
    located = enriched.with_columns(
        pl.col("column").replace_strict(labels, default=None, return_dtype=pl.Utf8).alias("label")
    )
    report.row_issues = located.select(
        "code",
        "severity",
        messages(
            located.select(
                "code", "value", pl.col("label").alias("column"), "detail", "suggestion"
            ),
            ctx.lang,
        ),
        pl.lit(table.sheet or None, dtype=pl.Utf8).alias("sheet"),
        pl.when(pl.col("row") != 0).then(pl.col("row")).cast(pl.Int64).alias("row"),
        pl.col("label").alias("column"),
        "value",
        "suggestion",
        "org",
        pl.col("column")
        .replace_strict(header.columns, default=None, return_dtype=pl.Int64)
        .alias("col_index"),
    )


def _rows(f: pl.DataFrame, found: pl.DataFrame) -> pl.DataFrame:
    per_row = (
        found.with_columns(_severity().alias("severity"))
        .group_by("_i")
        .agg(
            (pl.col("severity") == ERROR).any().alias("has_error"),
            pl.col("code").unique().sort().alias("issue_codes"),
        )
    )
    resolved = {
        "row": pl.col("row"),
        **{n: pl.col(f"r_{n}") for n in ACTIVITY_FRAME if f"r_{n}" in f.columns and n != "row"},
        "sector": pl.col("r_sector_final"),
        "activity_name": pl.col("activity_name"),
        "activity_description": pl.col("activity_description"),
        **{n: pl.col(f"z_{n}") for n in COUNT_COLUMNS},
    }
    rows = f.join(per_row, on="_i", how="left", maintain_order="left").select(
        *[expr.cast(ACTIVITY_FRAME[n]).alias(n) for n, expr in resolved.items()],
        pl.col("has_error").fill_null(False),
        pl.col("issue_codes").fill_null(pl.lit([], dtype=pl.List(pl.Utf8))),
    )
    return rows.select([*ACTIVITY_FRAME, "has_error", "issue_codes"])
