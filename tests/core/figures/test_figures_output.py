"""JSON, CSV, XLSX and text forms of the figures."""

from __future__ import annotations

import io
import json
from pathlib import Path

import openpyxl
import pytest
from figures_factories import base_rows, compute

from kipu.core.figures import CHECKS, REPORT_LABELS
from kipu.core.figures.notes import note_text

SECTION_6 = ["monthly_total", "monthly_cva", "consolidated_total", "consolidated_in_destination",
             "consolidated_in_transit", "consolidated_host_community", "consolidated_pendular",
             "consolidated_returnees", "consolidated_girls", "consolidated_boys",
             "consolidated_women", "consolidated_men", "consolidated_other_under_18",
             "consolidated_other_above_18", "consolidated_cva"]  # fmt: skip


def test_to_json() -> None:
    data = compute(*base_rows(), date_from="2019-01", date_to="2019-02").to_json()
    assert (data["model"], data["from"], data["to"]) == ("max-cell", "2019-01", "2019-02")
    row = data["rows"][0]
    for key in ("country", "admin1", "admin1_name", "month", "sector", *SECTION_6, "checks"):
        assert key in row
    assert data["partners"]["union"] == 3 and isinstance(data["partners"]["by_sector"], list)
    assert data["coverage"]["admin1"] == 1
    assert {"presence", "progress", "cva"} <= set(data)
    json.dumps(data)  # plain values only


def test_json_text_holds_the_same_data_as_to_json() -> None:
    """The fast encoding (tables written by polars) decodes to exactly `to_json()`."""
    for model in ("sum", "max-cell"):
        figures = compute(*base_rows(), date_from="2019-01", date_to="2019-02", model=model)
        expected = json.loads(json.dumps(figures.to_json(), default=str))
        text = figures.to_json_text({"published_only": True})
        assert json.loads(text) == {**expected, "published_only": True}
        assert list(json.loads(text))[:4] == ["model", "from", "to", "rows"]


def test_to_csv_uses_the_report_layout() -> None:
    buffer = io.BytesIO()
    compute(*base_rows()).to_csv(buffer)
    lines = buffer.getvalue().decode().splitlines()
    header = lines[0].split(",")
    assert header[:4] == ["Country", "Admin1", "Month", "Sector"]
    assert header[4:19] == [REPORT_LABELS[c] for c in SECTION_6]
    assert header[19:] == [
        "Population type check",
        "AGD check",
        "CVA check",
        "Sum of sectors check",
    ]
    assert len(header) == 23
    assert lines[1].startswith("Peru,Country total,2019-01,Education,")
    assert any(CHECKS[1] in line for line in lines)


def test_to_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "figures.xlsx"
    compute(*base_rows()).to_xlsx(path)
    workbook = openpyxl.load_workbook(path, read_only=True)
    assert workbook.sheetnames[0] == "Consolidated report" and "Progress" in workbook.sheetnames
    header = next(workbook["Consolidated report"].iter_rows(values_only=True))
    assert header[:3] == ("Country", "Admin1", "Month")


@pytest.mark.parametrize("lang", ["en", "es"])
def test_to_xlsx_holds_the_notes(tmp_path: Path, lang: str) -> None:
    """The Progress sheet of a 2020 period was of 2019's targets, and only the command's
    output said so (a re-tester): the workbook holds the notes."""
    figures = compute(*base_rows(), date_from="2020-03", date_to="2020-03")
    figures.to_xlsx(tmp_path / "f.xlsx", lang)
    notes = [r[0] for r in openpyxl.load_workbook(tmp_path / "f.xlsx")["Notes"].iter_rows(
        min_row=2, values_only=True)]  # fmt: skip
    assert notes == [note_text(n, lang) for n in figures.notes] and len(notes) >= 2
    compute(*base_rows()).to_xlsx(tmp_path / "g.xlsx")
    assert "Notes" not in openpyxl.load_workbook(tmp_path / "g.xlsx").sheetnames


def test_to_xlsx_holds_text_exactly_never_as_a_formula(tmp_path: Path) -> None:
    """Before, the "Operational presence" sheet held '=1+1: the apostrophe in the value; then
    "=1+1" without its quote prefix, a formula once the cell is edited (a tester)."""
    from dataclasses import replace

    from figures_factories import reference_data

    from kipu.core.reference import Organisation

    reference = reference_data()
    named = [Organisation("ORG1", "+Vida", "=1+1"), *reference.organisations[1:]]
    path = tmp_path / "figures.xlsx"
    compute(*base_rows(), reference=replace(reference, organisations=named)).to_xlsx(path)
    sheet = openpyxl.load_workbook(path)["Operational presence"]
    cells = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert "=1+1" in [c.value for c in cells] and not [c for c in cells if c.data_type == "f"]
    assert not [c.value for c in cells if c.value.startswith("'")]
    assert all(c.quotePrefix for c in cells if c.value in ("=1+1", "+Vida"))
    numbers = [c.value for row in sheet.iter_rows() for c in row if c.data_type == "n"]
    assert numbers and all(isinstance(n, int | float) for n in numbers if n is not None)


def test_to_text() -> None:
    text = compute(*base_rows(), date_to="2019-02").to_text()
    assert "People reached in January–February 2019 (intersector model max-cell): 15." in text
    assert "By sector: Education 10; Food Security 6; Health 3." in text
    assert "3 in all (appealing or implementing)" in text
    # The rows name no admin2 unit: "0 admin2 units" was printed, as if none were reached.
    assert "Coverage: 1 admin1 unit; no row names an admin2 unit." in text


def test_to_text_in_spanish() -> None:
    from dataclasses import replace

    from figures_factories import reference_data

    reference = reference_data()
    reference.plan.sectors = [
        replace(s, name_es="Educación") if s.name == "Education" else s
        for s in reference.plan.sectors
    ]
    text = compute(*base_rows(), date_to="2019-02", reference=reference).to_text("es")
    assert (
        "Personas alcanzadas en enero–febrero de 2019 (modelo intersectorial max-cell): 15." in text
    )
    assert "Por sector: Educación 10; Food Security 6; Health 3." in text  # no Spanish name: as is
    assert "3 en total (solicitantes o implementadoras)" in text
    assert (
        "Cobertura: 1 unidad de nivel admin1; ninguna fila nombra una unidad de nivel admin2."
        in text
    )
    single = compute(*base_rows(), date_from="2019-01", date_to="2019-01").to_text("es")
    assert single.startswith("Personas alcanzadas en enero de 2019")
