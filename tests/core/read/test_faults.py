"""The faults of the "read exactly" issue, each with the input that showed it (the corpus in
test_quirks.py generates many more of each kind)."""

from __future__ import annotations

import codecs
import csv
import sys
from pathlib import Path

import openpyxl
import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "validation"))
from fivew_factories import TODAY, codes, make_reference, record, write_csv, write_xlsx  # noqa: E402

from kipu.core.export import table_rows, write_xlsx_bytes  # noqa: E402
from kipu.core.frame import activity_frame  # noqa: E402
from kipu.core.read import ReadError, read_5w  # noqa: E402
from kipu.core.read.errors import MESSAGES  # noqa: E402
from kipu.core.schema import COLUMN_BY_NAME, COLUMN_NAMES  # noqa: E402
from kipu.core.validation import validate_file, validate_rows  # noqa: E402
from kipu.core.validation.annotate import annotate_workbook  # noqa: E402
from kipu.core.write import EXCEL_CELL_CHARACTERS, excel_cell  # noqa: E402

REFERENCE = make_reference()
HASH = "# of people reached with health messages"


def _column(name: str) -> int:
    return COLUMN_NAMES.index(name) + 1


# 1. A first data row starting with "#" is data, not an HXL row.
@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_first_row_with_hash_indicator_is_kept(tmp_path: Path, suffix: str) -> None:
    rows = [record(indicator=HASH, activity_name=f"A{i}") for i in range(44)]
    path = (write_xlsx if suffix == ".xlsx" else write_csv)(tmp_path / f"r4v{suffix}", rows)
    result = validate_file(path, REFERENCE, today=TODAY)
    assert result.report.rows_read == 44 and codes(result) == []
    assert result.rows["indicator"].unique().to_list() == ["HE05"]


def test_a_real_hxl_row_is_still_an_hxl_row(tmp_path: Path) -> None:
    rows = [record(indicator=HASH, activity_name=f"A{i}") for i in range(3)]
    path = write_xlsx(tmp_path / "hxl.xlsx", rows, hxl=True)
    result = validate_file(path, REFERENCE, today=TODAY)
    assert result.report.rows_read == 3 and result.rows["row"].to_list() == [3, 4, 5]


# 3. Day/month order: once per file, from the evidence.
def test_the_issue_dates_are_both_october(tmp_path: Path) -> None:
    rows = [record(month="10/1/2019", activity_name="A"), record(month="10/20/2019")]
    result = validate_file(write_csv(tmp_path / "us.csv", rows), REFERENCE, today=TODAY)
    assert result.rows["month"].to_list() == ["2019-10", "2019-10"] and codes(result) == []


def test_ambiguous_dates_are_flagged_with_both_readings(tmp_path: Path) -> None:
    rows = [record(month="10/1/2019", activity_name="A"), record(month="11/1/2019")]
    result = validate_file(write_csv(tmp_path / "x.csv", rows), REFERENCE, today=TODAY)
    assert codes(result) == ["ambiguous-date", "ambiguous-date"]
    assert "2019-01 / 2019-10" in result.report.issues[0].message
    assert result.rows["month"].to_list() == [None, None]


@pytest.mark.parametrize(
    "text",
    [
        "Noviembre 2019", "noviembre-19", "NOV-19", "Nov. 2019", "1 de noviembre de 2019",
        "November 1, 2019", "novembro de 2019", "2019-11-01T00:00:00", "01.11.2019", "201911",
        "noviembre del 2019", "11/2019", "2019/11",
    ],
)  # fmt: skip
def test_month_spellings(text: str) -> None:
    result = validate_rows([record(month=text)], REFERENCE, today=TODAY, month="2019-11")
    assert codes(result) == [] and result.rows["month"].to_list() == ["2019-11"], text


def test_a_month_name_alone_is_the_submitted_month_or_flagged() -> None:
    alone = validate_rows([record(month="Setiembre")], REFERENCE, today=TODAY, month="2019-09")
    assert codes(alone) == [] and alone.rows["month"].to_list() == ["2019-09"]
    other = validate_rows([record(month="Setiembre")], REFERENCE, today=TODAY)
    assert codes(other) == ["invalid-month"]


# 4. Excel error cells, in every format that can hold one.
@pytest.mark.parametrize(
    "error", ["#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NUM!", "#NAME?", "#NULL!"]
)
def test_excel_error_cells_are_errors_at_their_cell(tmp_path: Path, error: str) -> None:
    path = write_xlsx(tmp_path / "e.xlsx", [record()])
    book = openpyxl.load_workbook(path)
    cell = book["5W"].cell(row=2, column=_column("new_beneficiaries"))
    cell.value, cell.data_type = error, "e"
    book.save(path)
    csv_path = write_csv(tmp_path / "e.csv", [record(new_beneficiaries=error)])
    for source in (path, csv_path):
        result = validate_file(source, REFERENCE, today=TODAY)
        found = [(i.code, i.row, i.value) for i in result.report.issues]
        assert found == [("excel-error", 2, error)], source
        assert result.unstorable == [2]


# 5. Formulas without a computed value, as programs write them.
def test_formulas_written_by_pandas_have_no_value(tmp_path: Path) -> None:
    pandas = pytest.importorskip("pandas")
    frame = pandas.DataFrame([record()])
    frame["new_beneficiaries"] = "=5+5"
    frame.columns = [COLUMN_BY_NAME[c].label_en for c in frame.columns]
    path = tmp_path / "pandas.xlsx"
    frame.to_excel(path, index=False, sheet_name="5W")
    result = validate_file(path, REFERENCE, today=TODAY)
    assert codes(result) == ["formula-without-value"]
    assert result.report.valid is False and result.unstorable == [2]


# 6. UTF-16 "Unicode text" files, and a broken file on every path.
@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_unicode_text_exports(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "unicode.txt"
    rows = [record(activity_name="Atención en Piura")]
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter="\t", lineterminator="\r\n")
        writer.writerow([COLUMN_BY_NAME[n].label_en for n in COLUMN_NAMES])
        writer.writerow(["" if rows[0].get(n) is None else rows[0][n] for n in COLUMN_NAMES])
    if encoding == "utf-16-le":
        assert not path.read_bytes().startswith(codecs.BOM_UTF16_LE)
    result = validate_file(path, REFERENCE, today=TODAY)
    assert codes(result) == [] and result.rows["activity_name"].to_list() == ["Atención en Piura"]


def test_unreadable_file_annotates_without_raising(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    result = validate_file(path, REFERENCE, today=TODAY, lang="es")
    assert codes(result) == ["unreadable-file"]
    out = annotate_workbook(path, result.report, tmp_path / "out.xlsx", lang="es")
    assert openpyxl.load_workbook(out).sheetnames == ["Errores"]


# 7. Numbers by the file's evidence, never the interface language.
@pytest.mark.parametrize(
    ("text", "value", "warning"),
    [("1,500", 1500.0, "number-read-as"), ("$1,500", 1500.0, "currency-sign"),
     ("US$ 2,000", 2000.0, "currency-sign"), ("1,500.50", 1500.5, None)],
)  # fmt: skip
def test_amounts_in_a_spanish_interface(text: str, value: float, warning: str | None) -> None:
    row = record(
        sector="MPC", indicator="MPC01", cva="Yes", value_usd=text, delivery_mechanism="Voucher"
    )
    result = validate_rows([row], REFERENCE, today=TODAY, lang="es")
    assert result.rows["value_usd"].to_list() == [value]
    assert codes(result) == ([warning] if warning else [])


def test_soles_are_never_taken_for_dollars() -> None:
    row = record(
        sector="MPC",
        indicator="MPC01",
        cva="Yes",
        value_usd="S/ 1,500",
        delivery_mechanism="Voucher",
    )
    result = validate_rows([row], REFERENCE, today=TODAY)
    assert codes(result) == ["currency-not-usd"] and result.unstorable == [1]


# 8 and 9. Merged cells and two-row headers (the 2025 template).
def test_merged_department_and_a_two_row_header(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "m.xlsx", [record(activity_name=f"A{i}") for i in range(3)])
    book = openpyxl.load_workbook(path)
    sheet = book["5W"]
    sheet.insert_rows(1)
    month = _column("month")
    sheet.cell(row=1, column=month, value="Month")
    sheet.cell(row=2, column=month, value=None)
    sheet.merge_cells(start_row=1, start_column=month, end_row=2, end_column=month)
    sheet.cell(row=1, column=1, value="Country")
    sheet.cell(row=2, column=1, value="Country")
    sheet.cell(row=2, column=2, value="Admin1")
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=2)
    admin1 = _column("admin1")
    sheet.cell(row=3, column=admin1, value="Tumbes")
    sheet.cell(row=4, column=admin1, value=None)
    sheet.cell(row=5, column=admin1, value=None)
    sheet.merge_cells(start_row=3, start_column=admin1, end_row=5, end_column=admin1)
    book.save(path)
    result = validate_file(path, REFERENCE, today=TODAY)
    assert result.report.header_row == 2 and result.rows["admin1"].to_list() == ["PE24"] * 3
    assert [(i.code, i.row) for i in result.report.issues if i.severity == "error"] == [
        ("admin2-not-in-admin1", n) for n in (3, 4, 5)
    ]  # Lima's province under Tumbes: the merged value applies to every row
    merged = [i for i in result.report.issues if i.code == "merged-cell"]
    assert [(i.row, i.column) for i in merged] == [(4, "Admin1"), (5, "Admin1")]
    out = annotate_workbook(path, result.report, tmp_path / "out.xlsx")
    anchor = openpyxl.load_workbook(out)["5W"].cell(row=3, column=admin1)
    assert "merged-cell" in anchor.comment.text


# 12. Messages and exports.
def test_counts_in_messages_are_integers() -> None:
    result = validate_rows([record(girls=5)], REFERENCE, today=TODAY)
    message = result.report.issues[0].message
    assert "add up to 13, not to the new beneficiaries (10)" in message and ".0" not in message


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_file_messages_are_translated(key: str) -> None:
    texts = (
        "name",
        "reason",
        "sheet",
        "member",
        "cell",
        "error",
        "byte",
        "range",
        "utf8",
        "cp1252",
        "other",
    )
    numbers = (
        "size",
        "limit",
        "rows",
        "columns",
        "max_rows",
        "max_columns",
        "position",
        "ratio",
        "line",
    )
    params = dict.fromkeys(texts, "x") | dict.fromkeys(numbers, 1)
    error = ReadError("unreadable-file", key, **params)
    assert error.text("es") != error.text("en")


def test_spanish_report_of_a_broken_file_is_spanish(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(b"\x00\x01\x02" * 100)
    message = validate_file(path, REFERENCE, lang="es").report.issues[0].message
    assert (
        message
        == "No se puede leer el archivo: x.csv: datos binarios, no un archivo de texto (CSV)."
    )


def test_long_text_is_flagged_and_cut_visibly(tmp_path: Path) -> None:
    text = "x" * 40_000
    result = validate_rows([record(activity_description=text)], REFERENCE, today=TODAY)
    assert codes(result) == ["text-too-long"]
    cell = excel_cell(text)
    assert isinstance(cell, str) and len(cell) == EXCEL_CELL_CHARACTERS
    assert cell.endswith("[cut: 40,000 characters]")
    book = openpyxl.load_workbook(__import__("io").BytesIO(write_xlsx_bytes([["a"], [text]])))
    assert book.active["A2"].value.endswith("[cut: 40,000 characters]")


def test_the_indicator_column_of_exports_is_tagged_as_codes() -> None:
    frame = validate_rows([record()], REFERENCE, today=TODAY).rows
    rows = table_rows(frame.drop("has_error", "issue_codes"), REFERENCE)
    tags = dict(zip(rows[0], rows[1], strict=True))
    assert tags[COLUMN_BY_NAME["indicator"].label_en] == "#indicator+code"
    assert rows[2][COLUMN_NAMES.index("indicator")] == "HE01"


def test_read_5w_keeps_what_each_cell_was(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "kinds.xlsx", [record(total_monthly="=1+1", girls="#N/A")])
    table = read_5w(path)
    kinds = dict(zip(table.marks["column"], table.marks["kind"], strict=True))
    assert kinds == {"total_monthly": "formula-no-value", "girls": "error"}
    assert activity_frame([]).is_empty()


# --- inputs found by trying to break the reading (each was silently wrong or a crash) -------


@pytest.mark.parametrize("text", ["1e20", "99999999999999999999", "1e400", 1e20, 9.3e18])
def test_absurdly_large_numbers_are_flagged_not_a_crash(text: object) -> None:
    result = validate_rows([record(new_beneficiaries=text)], REFERENCE, today=TODAY)
    issue = next(i for i in result.report.issues if i.code == "invalid-number")
    assert "too large" in issue.message and result.unstorable == [1]


def test_error_cell_past_64_mb_of_sheet_xml(tmp_path: Path) -> None:
    import xlsxwriter

    path = tmp_path / "big.xlsx"
    row = record()
    with xlsxwriter.Workbook(str(path), {"constant_memory": True}) as book:
        sheet = book.add_worksheet("5W")
        sheet.write_row(0, 0, [COLUMN_BY_NAME[n].label_en for n in COLUMN_NAMES])
        values = ["" if row.get(n) is None else row[n] for n in COLUMN_NAMES]
        for number in range(1, 80_001):
            sheet.write_row(number, 0, [*values[:9], f"A{number}", *values[10:]])
        sheet.write_formula(80_000, _column("new_beneficiaries") - 1, "=NA()", None, "#N/A")
    result = validate_file(path, REFERENCE, today=TODAY)
    assert [(i.code, i.row) for i in result.report.issues] == [("excel-error", 80_001)]


def test_cells_without_references_are_placed_by_counting(tmp_path: Path) -> None:
    import re
    import shutil
    import zipfile

    # Writers that leave references out write every cell, empty ones included: only
    # columns this record fills are written, so no cell is skipped.
    names = [n for n in COLUMN_NAMES if record().get(n) is not None]
    rows = [record(), record(activity_name="B")]
    path = write_xlsx(tmp_path / "refs.xlsx", rows, names=names)
    book = openpyxl.load_workbook(path)
    cell = book["5W"].cell(row=3, column=names.index("quantity_output") + 1)
    cell.value, cell.data_type = "#N/A", "e"
    book.save(path)
    bare = tmp_path / "bare.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(bare, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                data = re.sub(rb'(<(?:c|row)\b[^>]*?) r="[A-Z]*\d+"', rb"\1", data)
            target.writestr(item, data)
    shutil.move(bare, path)
    assert b' r="' not in zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")
    found = [(i.code, i.row) for i in validate_file(path, REFERENCE, today=TODAY).report.issues]
    assert found == [("excel-error", 3)]


def test_a_row_of_formulas_without_values_is_kept(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "f.xlsx", [record(), record(activity_name="B")])
    book = openpyxl.load_workbook(path)
    for name in COLUMN_NAMES:
        if name not in ("country", "appealing_org", "month"):
            book["5W"].cell(row=3, column=_column(name), value="=Sheet2!A1")
    book.save(path)
    result = validate_file(path, REFERENCE, today=TODAY)
    assert result.report.rows_read == 2 and result.unstorable == [3]
    assert {i.code for i in result.report.issues if i.row == 3} == {"formula-without-value"}


def test_three_decimals_in_a_comma_decimal_file_are_ambiguous() -> None:
    rows = [
        record(total_monthly="1,000", value_usd="150,50", cva="Yes", delivery_mechanism="Voucher",
               sector="MPC", indicator="MPC01"),
    ]  # fmt: skip
    result = validate_rows(rows, REFERENCE, today=TODAY)
    assert [(i.code, i.suggestion) for i in result.report.issues] == [("ambiguous-number", "1000")]


def test_one_day_month_order_per_file_even_with_a_submitted_month() -> None:
    rows = [record(month="03/04/2025", activity_name="A"), record(month="04/03/2025")]
    result = validate_rows(rows, REFERENCE, today=TODAY, month="2025-03")
    assert codes(result) == ["ambiguous-date", "ambiguous-date"]
    three = [*rows, record(month="05/03/2025", activity_name="C")]
    result = validate_rows(three, REFERENCE, today=TODAY, month="2025-03")
    assert result.rows["month"].to_list() == ["2025-04", "2025-03", "2025-03"]  # day first
    assert codes(result) == ["month-outside-submission"]


@pytest.mark.parametrize("text", ["15 de marzo", "15-mar", "March 12", "12 March", "32025"])
def test_a_day_is_never_read_as_a_year(text: str) -> None:
    result = validate_rows([record(month=text)], REFERENCE, today=TODAY)
    assert codes(result) == ["invalid-month"]


@pytest.mark.parametrize(
    "text", ["15/03/2025 00:00", "3/15/2025 12:00:00 AM", "2025-03-01T00:00:00Z", "45731.0"]
)
def test_months_written_with_a_time(text: str) -> None:
    result = validate_rows([record(month=text)], REFERENCE, today=TODAY)
    assert codes(result) == [] and result.rows["month"].to_list() == ["2025-03"]


def test_a_month_typed_as_a_decimal_number_is_not_guessed() -> None:
    result = validate_rows([record(month=2025.1)], REFERENCE, today=TODAY)
    assert codes(result) == ["invalid-month"]


@pytest.mark.parametrize("error", ["#¡REF!", "#N/D", "#¡VALOR!", "#¿NOMBRE?", "#NOME?", "#VALOR!"])
def test_localised_excel_errors_in_csv(tmp_path: Path, error: str) -> None:
    path = write_csv(tmp_path / "es.csv", [record(activity_description=error, total_monthly=error)])
    result = validate_file(path, REFERENCE, today=TODAY)
    assert codes(result) == ["excel-error", "excel-error"]


def test_spanish_suggestions_are_spanish() -> None:
    rows = [record(appealing_org="UNHCRR", sector="Helth", activity_name="A")]
    result = validate_rows(rows, REFERENCE, today=TODAY, lang="es")
    suggestions = {i.code: i.suggestion for i in result.report.issues}
    assert suggestions["unknown-organization"] == "ACNUR"
    assert suggestions["unknown-sector"] == "Salud"


def test_plural_mechanisms_and_a_country_header_alone(tmp_path: Path) -> None:
    row = record(
        sector="MPC", indicator="MPC01", cva="Yes", value_usd=10,
        delivery_mechanism="Cartões pré-pagos",
    )  # fmt: skip
    result = validate_rows([row], REFERENCE, today=TODAY)
    assert result.rows["delivery_mechanism"].to_list() == ["Prepaid Card"]
    header = ["País" if n == "country" else COLUMN_BY_NAME[n].label_en for n in COLUMN_NAMES]
    path = write_xlsx(tmp_path / "pais.xlsx", [record()], header=header)
    assert codes(validate_file(path, REFERENCE, today=TODAY)) == []


def test_cells_merged_across_columns_say_they_are_empty(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "across.xlsx", [record()])
    book = openpyxl.load_workbook(path)
    total, new = _column("total_monthly"), _column("new_beneficiaries")
    book["5W"].cell(row=2, column=new, value=None)
    book["5W"].merge_cells(start_row=2, start_column=total, end_row=2, end_column=new)
    book.save(path)
    result = validate_file(path, REFERENCE, today=TODAY)
    across = [i for i in result.report.issues if i.code == "merged-across"]
    assert [(i.row, i.column) for i in across] == [(2, "New beneficiaries of the month")]


@pytest.mark.parametrize("column", ["new_beneficiaries", "total_monthly", "quantity_output"])
def test_a_number_merged_over_rows_is_an_error_at_each_row_it_was_copied_to(
    tmp_path: Path, column: str
) -> None:
    """390 merged over three activities was counted 1,170, with warnings only (a tester's,
    at rows 99,998 to 100,000)."""
    path = write_xlsx(tmp_path / "merged.xlsx", [record(activity_name=f"A{i}") for i in range(4)])
    book = openpyxl.load_workbook(path)
    sheet = book.active
    index = _column(column)
    sheet.cell(row=3, column=index, value=390)
    for row in (4, 5):
        sheet.cell(row=row, column=index, value=None)
    sheet.merge_cells(start_row=3, start_column=index, end_row=5, end_column=index)
    book.save(path)
    result = validate_file(path, REFERENCE, today=TODAY)
    merged = [(i.row, i.code, i.severity) for i in result.report.issues if "merged" in i.code]
    assert merged == [(4, "merged-number", "error"), (5, "merged-number", "error")]
    assert not result.report.valid


def test_rows_of_error_cells_are_not_duplicates_of_each_other(tmp_path: Path) -> None:
    """A tester's: rows holding #REF! or #N/A were "the same activity and numbers as row
    70000", which held #DIV/0!."""
    rows = [record(activity_name="A") for _ in range(3)]
    path = write_xlsx(tmp_path / "errors.xlsx", rows)
    book = openpyxl.load_workbook(path)
    sheet = book.active
    for row, error in ((2, "#DIV/0!"), (3, "#REF!")):
        for name in ("total_monthly", "new_beneficiaries"):
            sheet.cell(row=row, column=_column(name), value=error)
    book.save(path)
    result = validate_file(path, REFERENCE, today=TODAY)
    assert "duplicate-row" not in [i.code for i in result.report.issues if i.row in (2, 3)]
    assert [i.row for i in result.report.issues if i.code == "duplicate-row"] == []
