"""Reading 5W files: label variants, HXL rows, CSV encodings and delimiters, Excel realities."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from fivew_factories import TODAY, codes, labels_for, record, saved_by_excel, write_csv, write_xlsx

from kipu.core.schema import COLUMN_BY_NAME, COLUMN_NAMES, TEMPLATE_LABELS
from kipu.core.validation import validate_file

AI_2021 = [n for n in COLUMN_NAMES if TEMPLATE_LABELS["ai2021"][n]]  # no admin2, other_*


@pytest.mark.parametrize("variant", ["2025", "ai2021", "short2022", "es2022"])
def test_label_variants(tmp_path: Path, reference, variant: str) -> None:
    names = AI_2021 if variant == "ai2021" else [n for n in COLUMN_NAMES if n != "support_space"]
    rows = [record(admin2=None) if variant == "ai2021" else record()]
    path = write_xlsx(tmp_path / "5w.xlsx", rows, header=labels_for(variant, names), names=names)
    result = validate_file(path, reference, today=TODAY)
    assert codes(result) == []
    assert result.rows["admin1"].to_list() == ["PE15"]


def test_labels_are_compared_loosely(tmp_path: Path, reference) -> None:
    names = [
        "country",
        "admin1",
        "appealing_org",
        "month",
        "sector",
        "indicator",
        "total_monthly",
        "new_beneficiaries",
    ]
    header = [
        "  COUNTRY ",
        "admin-1",
        "appealing organization name",
        "MONTH.",
        "Subsector",
        "indicador",
        "total monthly beneficiaries",
        "NEW_BENEFICIARIES_OF_THE_MONTH",
    ]
    row = record(
        **dict.fromkeys(
            ("in_destination", "in_transit", "girls", "boys", "women", "men", "quantity_output")
        )
    )
    row.update(total_monthly=10, new_beneficiaries=0)
    path = write_xlsx(tmp_path / "loose.xlsx", [row], header=header, names=names)
    result = validate_file(path, reference, today=TODAY)
    assert codes(result) == []


def test_hxl_under_labels(tmp_path: Path, reference) -> None:
    path = write_xlsx(tmp_path / "hxl.xlsx", [record()], hxl=True)
    result = validate_file(path, reference, today=TODAY)
    assert codes(result) == []
    assert result.report.header_row == 1 and result.rows["row"].to_list() == [3]


def test_hxl_only(tmp_path: Path, reference) -> None:
    path = write_xlsx(tmp_path / "hxl-only.xlsx", [record()], hxl="only")
    result = validate_file(path, reference, today=TODAY)
    assert codes(result) == []
    assert result.rows["row"].to_list() == [2]


def test_hxl_with_codes_and_unknown_labels(tmp_path: Path, reference) -> None:
    names = ["country", "admin1", "appealing_org", "month", "sector", "indicator"]
    tags = [
        "#country+code",
        "#adm1+code",
        "#org+prog+name",
        "#date+reported",
        "#sector+code",
        "#indicator+code",
    ]
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["Pays", "Région", "Organisation", "Mois", "Secteur", "Indicateur"])
    ws.append(tags)
    ws.append(["PER", "PE-LIM", "ORG001", "2025-03", "SHE", "SH01"])
    book.save(tmp_path / "codes.xlsx")
    result = validate_file(tmp_path / "codes.xlsx", reference, today=TODAY)
    assert codes(result) == ["empty-row-values"]  # only the numbers are missing
    assert result.report.issues[0].row == 3
    assert result.columns["admin1"] == "Région" and len(names) == 6


def test_header_below_title_rows_and_blank_rows(tmp_path: Path, reference) -> None:
    def title(book: openpyxl.Workbook) -> None:
        book.active.append(["5W report, March 2025"])
        book.active.append([])

    rows = [record(), {}, record(activity_name="Second")]
    path = write_xlsx(tmp_path / "title.xlsx", rows, before=title)
    result = validate_file(path, reference, today=TODAY, month="2025-03")
    assert codes(result) == [] and result.report.header_row == 3
    assert result.rows["row"].to_list() == [4, 6]


def test_unknown_columns_are_kept_aside(tmp_path: Path, reference) -> None:
    header = [COLUMN_BY_NAME[n].label_en for n in COLUMN_NAMES] + ["Comments"]
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(header)
    ws.append([record().get(n) for n in COLUMN_NAMES] + ["checked by M."])
    ws.cell(row=2, column=len(header) + 3, value="stray")  # data under no header
    book.save(tmp_path / "extra.xlsx")
    result = validate_file(tmp_path / "extra.xlsx", reference, today=TODAY)
    unknown = [i for i in result.report.issues if i.code == "unknown-column"]
    assert [i.column for i in unknown] == ["Comments", "(AI)"]
    assert result.report.valid
    assert result.extra is not None and result.extra["Comments"].to_list() == ["checked by M."]


def test_column_mapping(tmp_path: Path, reference) -> None:
    names = list(COLUMN_NAMES)
    header = [f"Field {i}" for i in range(len(names))]
    path = write_xlsx(tmp_path / "custom.xlsx", [record()], header=header, names=names)
    assert codes(validate_file(path, reference, today=TODAY)) == ["no-5w-sheet"]
    mapping = dict(zip(header, names, strict=True))
    mapping["Field 13"] = ""  # support_space: deliberately not imported
    result = validate_file(path, reference, today=TODAY, column_mapping=mapping)
    assert codes(result) == []


def test_missing_and_duplicate_columns(tmp_path: Path, reference) -> None:
    names = [n for n in COLUMN_NAMES if n != "sector"]
    path = write_xlsx(tmp_path / "missing.xlsx", [record()], names=names)
    result = validate_file(path, reference, today=TODAY)
    assert codes(result) == ["missing-column"] and not result.report.valid
    assert result.report.issues[0].column == "Indicator Sector"
    names = [*COLUMN_NAMES, "month"]
    header = [COLUMN_BY_NAME[n].label_en for n in COLUMN_NAMES] + ["Reporting.Month"]
    path = write_xlsx(tmp_path / "dup.xlsx", [record()], header=header, names=names)
    result = validate_file(path, reference, today=TODAY)
    assert codes(result) == ["duplicate-column"]
    assert result.report.issues[0].column == "Reporting.Month"


def test_no_5w_sheet_and_no_rows(tmp_path: Path, reference) -> None:
    book = openpyxl.Workbook()
    book.active.append(["Name", "Phone"])
    book.save(tmp_path / "other.xlsx")
    result = validate_file(tmp_path / "other.xlsx", reference)
    assert codes(result) == ["no-5w-sheet"] and not result.report.valid
    path = write_xlsx(tmp_path / "empty.xlsx", [])
    assert codes(validate_file(path, reference)) == ["no-rows"]


def test_5w_sheet_found_among_others_and_hidden(tmp_path: Path, reference) -> None:
    def lists(book: openpyxl.Workbook) -> None:
        readme = book.create_sheet("Read me", 0)
        readme.append(["How to fill this template"])

    path = write_xlsx(tmp_path / "multi.xlsx", [record()], before=lists)
    result = validate_file(path, reference, today=TODAY)
    assert codes(result) == [] and result.report.sheet == "5W"
    book = openpyxl.load_workbook(path)
    book["5W"].sheet_state = "hidden"
    book.save(path)
    assert codes(validate_file(path, reference, today=TODAY)) == ["hidden-sheet"]


def test_excel_cell_types(tmp_path: Path, reference) -> None:
    rows = [
        record(month=dt.datetime(2025, 3, 1), total_monthly="1,234", activity_name="A"),
        record(month=45731, country="PE", activity_name="B"),  # a date serial typed as number
        record(month=dt.date(2025, 3, 31), rmrp_activity=True, activity_name="C"),
    ]
    path = write_xlsx(tmp_path / "types.xlsx", rows)
    result = validate_file(path, reference, today=TODAY)
    assert codes(result) == []
    assert result.rows["month"].to_list() == ["2025-03"] * 3
    assert result.rows["total_monthly"].to_list() == [1234, 15, 15]


def test_formula_cells_warn(tmp_path: Path, reference) -> None:
    path = write_xlsx(tmp_path / "formula.xlsx", [record()])
    book = openpyxl.load_workbook(path)
    column = COLUMN_NAMES.index("total_monthly") + 1
    book["5W"].cell(row=2, column=column, value="=10+5")
    book.save(path)
    saved_by_excel(path, {"S2": "15"})
    result = validate_file(path, reference, today=TODAY)
    formula = [i for i in result.report.issues if i.code == "formula-cell"]
    assert [(i.row, i.column, i.severity) for i in formula] == [
        (2, "Total monthly beneficiaries", "warning")
    ]
    assert result.rows["total_monthly"].to_list() == [15]


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("utf-8", ","), ("utf-8-sig", ";"), ("cp1252", "\t"), ("latin-1", ";")],
)
def test_csv_encodings_and_delimiters(
    tmp_path: Path, reference, encoding: str, delimiter: str
) -> None:
    names = [n for n in COLUMN_NAMES if n != "support_space"]
    header = labels_for("es2022", names)
    rows = [record(admin1="Junín" if False else "Lima", activity_name="Atención en Tumbes")]
    path = write_csv(
        tmp_path / "5w.csv",
        rows,
        delimiter=delimiter,
        encoding=encoding,
        names=names,
        header=header,
    )
    result = validate_file(path, reference, today=TODAY)
    assert codes(result) == []
    assert result.rows["activity_name"].to_list() == ["Atención en Tumbes"]


def test_csv_numbers_by_the_file_not_the_interface(tmp_path: Path, reference) -> None:
    rows = [record(total_monthly="1.234", activity_name="A")]
    path = write_csv(tmp_path / "es.csv", rows, delimiter=";")
    for lang in ("en", "es"):
        result = validate_file(path, reference, today=TODAY, lang=lang)
        assert codes(result) == [] and result.rows["total_monthly"].to_list() == [1234]


def test_csv_title_blank_lines_and_a_longer_row(tmp_path: Path, reference) -> None:
    plain = write_csv(tmp_path / "plain.csv", [record(), record(activity_name="Second")])
    header, first, second = plain.read_text(encoding="utf-8").splitlines()
    path = tmp_path / "5w.csv"
    lines = ["5W report, March 2025", "", header, first, "", f"{second},kept aside"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = validate_file(path, reference, today=TODAY, month="2025-03")
    assert result.report.header_row == 3
    assert result.rows["row"].to_list() == [4, 6]
    assert codes(result) == ["unknown-column"]
    assert result.extra is not None and result.extra.row(0)[1:] == (None,)
    assert result.extra.row(1)[1:] == ("kept aside",)
