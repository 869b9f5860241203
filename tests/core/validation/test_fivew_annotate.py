"""The annotated workbook: highlighted cells with comments, and an Errors sheet."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from fivew_factories import TODAY, record, write_csv, write_xlsx

from kipu.core.schema import COLUMN_NAMES
from kipu.core.validation import validate_file
from kipu.core.validation.annotate import ERROR_FILL, WARNING_FILL, annotate_workbook


def test_annotated_xlsx(tmp_path: Path, reference) -> None:
    rows = [record(), record(admin1="Lmia", admin2=None, activity_name="b"), record()]
    source = write_xlsx(tmp_path / "in.xlsx", rows)
    result = validate_file(source, reference, today=TODAY)
    out = annotate_workbook(source, result.report, tmp_path / "out.xlsx")
    book = openpyxl.load_workbook(out)
    assert book.sheetnames[0] == "Errors"
    bad = book["5W"].cell(row=3, column=COLUMN_NAMES.index("admin1") + 1)
    assert bad.fill.start_color.rgb.endswith(ERROR_FILL.start_color.rgb[-6:])
    assert "unknown-admin1" in bad.comment.text and "Lima" in bad.comment.text
    warned = book["5W"].cell(row=4, column=1)  # duplicate-row has no column: first cell
    assert warned.fill.start_color.rgb.endswith(WARNING_FILL.start_color.rgb[-6:])
    errors = list(book["Errors"].iter_rows(values_only=True))
    assert errors[0][:4] == ("Severity", "Code", "Sheet", "Row")
    assert [(r[1], r[3]) for r in errors[1:]] == [("unknown-admin1", 3), ("duplicate-row", 4)]
    assert book["5W"].cell(row=2, column=1).comment is None


def test_annotated_csv_becomes_xlsx(tmp_path: Path, reference) -> None:
    source = write_csv(tmp_path / "in.csv", [record(month="13/2025")])
    result = validate_file(source, reference, today=TODAY)
    out = annotate_workbook(source, result.report, tmp_path / "out.xlsx", lang="es")
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Errores", "in"]
    cell = book["in"].cell(row=2, column=COLUMN_NAMES.index("month") + 1)
    assert cell.value == "13/2025" and "invalid-month" in cell.comment.text
    assert book["Errores"]["A1"].value == "Gravedad"
