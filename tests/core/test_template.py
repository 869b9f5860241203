"""The partner template: lists, help, hidden HXL row, and a clean round trip through validation."""

from __future__ import annotations

import sys
from pathlib import Path

import openpyxl
import pytest

sys.path.insert(0, str(Path(__file__).parent / "validation"))

from fivew_factories import TODAY, make_reference  # noqa: E402

from kipu.core.template import FIRST_DATA_ROW, TEMPLATE_COLUMNS, write_template  # noqa: E402
from kipu.core.validation import validate_file  # noqa: E402

VALUES = {
    "admin1": "Lima",
    "admin2": "Barranca",
    "implementation": "No",
    "sector": "Health",
    "indicator": "Number of people receiving primary health care",
    "activity_name": "Care",
    "rmrp_activity": "Yes",
    "cva": "No",
    "quantity_output": 30,
    "total_monthly": 20,
    "new_beneficiaries": 12,
    "in_destination": 12,
    "women": 7,
    "men": 5,
}
VALUES_ES = {
    **VALUES,
    "sector": "Salud",
    "implementation": "No",
    "rmrp_activity": "Sí",
    "indicator": "Personas que reciben atención primaria de salud",
}


def _fill(path: Path, values: dict[str, object]) -> None:
    book = openpyxl.load_workbook(path)
    sheet = book["5W"]
    for i, column in enumerate(TEMPLATE_COLUMNS, start=1):
        if column.name in values:
            sheet.cell(row=FIRST_DATA_ROW + 1, column=i, value=values[column.name])
    book.save(path)


@pytest.mark.parametrize(("lang", "values"), [("en", VALUES), ("es", VALUES_ES)])
def test_round_trip(tmp_path: Path, lang: str, values: dict[str, object]) -> None:
    reference = make_reference()
    path = write_template(
        reference, tmp_path / "template.xlsx", org="ORG002", month="2025-03", lang=lang
    )
    _fill(path, values)
    result = validate_file(path, reference, org="ORG002", month="2025-03", today=TODAY, lang=lang)
    assert result.report.issues == []
    assert result.rows["appealing_org"].to_list() == ["ORG002"]
    assert result.rows["admin2"].to_list() == ["PE1502"]


def test_template_layout(tmp_path: Path) -> None:
    reference = make_reference(admin1_scope=["PE24", "PE00"])
    path = write_template(reference, tmp_path / "t.xlsx", org="ORG001", month="2025-03")
    book = openpyxl.load_workbook(path)
    sheet = book["5W"]
    assert sheet.row_dimensions[2].hidden and sheet["A2"].value == "#country+name"
    assert sheet["A1"].value == "Country Country" and sheet["A3"].value == "Peru"
    assert book["Lists"].sheet_state == "hidden"
    formulas = {dv.formula1 for dv in sheet.data_validations.dataValidation}
    assert any("INDIRECT" in f and "VLOOKUP" in f for f in formulas if f)
    lists = [c.value for c in book["Lists"]["C"] if c.value]  # admin1 within the scope
    assert lists == ["Country level", "Tumbes"]
    prompts = [dv.prompt for dv in sheet.data_validations.dataValidation if dv.prompt]
    assert any("YYYY-MM" in p for p in prompts)
    assert "IND_1" in book.defined_names and "ADM2_1" in book.defined_names


def test_empty_template_has_no_rows(tmp_path: Path) -> None:
    reference = make_reference()
    path = write_template(reference, tmp_path / "t.xlsx", org="ORG001", month="2025-03")
    assert [i.code for i in validate_file(path, reference).report.issues] == ["no-rows"]


@pytest.mark.parametrize(
    "name", ['=HYPERLINK("http://evil.example","Evil Org")', "+Vida", "-RTL", "@x"]
)
def test_names_that_start_as_a_formula_are_quote_prefixed_text(tmp_path: Path, name: str) -> None:
    """An organisation named "=HYPERLINK(…)" was written in the prefilled cells and the lists
    without the quote prefix: a formula once a partner edits or fills the cell down (a
    tester). Every such cell is text, quote-prefixed, and reads back as the name."""
    import re
    import zipfile
    from dataclasses import replace

    from kipu.core.reference import Organisation

    reference = make_reference()
    named = replace(reference, organisations=[Organisation("ORG901", name, "EVIL")])
    path = write_template(named, tmp_path / "t.xlsx", org="ORG901", month="2025-03")
    with zipfile.ZipFile(path) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        assert not any(re.search(rb"<f[ >/]", archive.read(n)) for n in sheets)
    book = openpyxl.load_workbook(path)
    org = next(i for i, c in enumerate(TEMPLATE_COLUMNS, 1) if c.name == "appealing_org")
    prefilled = book["5W"].cell(row=FIRST_DATA_ROW + 1, column=org)
    listed = [c for row in book["Lists"].iter_rows() for c in row if c.value == name]
    assert prefilled.value == name and listed
    assert all(c.quotePrefix and c.data_type == "s" for c in [prefilled, *listed])
