"""A workbook whose 5W is split over several sheets (by sector, by month) is refused with
`several-5w-sheets`, naming the other sheets and their rows: read as its first 5W sheet
only, the other sheets' rows were dropped without a word. A sheet of another table (lists,
help, the template's hidden lists) leaves the file as it was."""

from __future__ import annotations

import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parents[1] / "validation"))
sys.path.insert(0, str(Path(__file__).parents[2]))
from fivew_factories import TODAY, codes, make_reference, record, write_csv  # noqa: E402

from kipu.core.read import fivew, read_5w  # noqa: E402
from kipu.core.read.errors import SeveralFiveWSheets  # noqa: E402
from kipu.core.read.sheets import Workbook  # noqa: E402
from kipu.core.schema import COLUMN_BY_NAME, COLUMN_NAMES  # noqa: E402
from kipu.core.template import FIRST_DATA_ROW, TEMPLATE_COLUMNS, write_template  # noqa: E402
from kipu.core.validation import validate_file  # noqa: E402
from quirk_files import _MANIFEST, _ODS_NS  # noqa: E402

REFERENCE = make_reference()
LABELS = [COLUMN_BY_NAME[n].label_en for n in COLUMN_NAMES]


@pytest.fixture(params=[True, False], ids=["columns", "cells"])
def reading(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> bool:
    """Both readings of an XLSX sheet: column by column, and cell by cell."""
    monkeypatch.setattr(fivew, "COLUMNAR", request.param)
    return bool(request.param)


def _fivew(book: openpyxl.Workbook, title: str, rows: int, *, hidden: bool = False) -> None:
    sheet = book.create_sheet(title)
    sheet.append(LABELS)
    for i in range(rows):
        sheet.append([record(activity_name=f"{title} {i}").get(n) for n in COLUMN_NAMES])
    if hidden:
        sheet.sheet_state = "hidden"


def _lists(book: openpyxl.Workbook, title: str, *, hidden: bool = False) -> None:
    sheet = book.create_sheet(title)
    sheet.append(["Departamento", "Provincia", "Código"])
    for i in range(5):
        sheet.append([f"Lima {i}", f"Barranca {i}", f"PE15{i:02}"])
    if hidden:
        sheet.sheet_state = "hidden"


def _book() -> openpyxl.Workbook:
    book = openpyxl.Workbook()
    book.remove(book.active)
    return book


def test_the_testers_workbook_is_refused_naming_the_other_sheet(tmp_path: Path, reading) -> None:
    book = _book()
    _fivew(book, "Salud", 1)
    _fivew(book, "Alimentación", 2)
    path = tmp_path / "two_sheets.xlsx"
    book.save(path)
    with pytest.raises(SeveralFiveWSheets) as raised:
        read_5w(path)
    assert raised.value.sheet == "Salud" and raised.value.rows == 1
    assert raised.value.others == [("Alimentación", False, 2)]
    result = validate_file(path, REFERENCE, org="UNHCR", month="2025-03", today=TODAY)
    assert codes(result) == ["several-5w-sheets"] and not result.report.valid
    assert result.rows.is_empty()  # nothing to store, even with --accept-issues
    issue = result.report.issues[0]
    assert issue.severity == "error"
    assert "“Alimentación” (2 rows)" in issue.message and "“Salud” (1 row)" in issue.message
    assert "Copy its rows into sheet “Salud”, or upload it as a separate file" in issue.message
    spanish = validate_file(path, REFERENCE, lang="es", today=TODAY).report.issues[0].message
    assert spanish.startswith("Varias hojas tienen filas 5W: two_sheets.xlsx: la hoja")
    assert "“Alimentación” (2 filas)" in spanish and "Copie sus filas en la hoja" in spanish


def test_a_hidden_second_5w_sheet_counts(tmp_path: Path, reading) -> None:
    book = _book()
    _fivew(book, "5W", 2)
    _lists(book, "Listas")
    _fivew(book, "Febrero", 3, hidden=True)
    _fivew(book, "Enero", 1, hidden=True)
    path = tmp_path / "hidden.xlsx"
    book.save(path)
    with pytest.raises(SeveralFiveWSheets) as raised:
        read_5w(path)
    assert raised.value.others == [("Febrero", True, 3), ("Enero", True, 1)]
    message = validate_file(path, REFERENCE, today=TODAY).report.issues[0].message
    assert "sheets “Febrero” (hidden, 3 rows) and “Enero” (hidden, 1 row) also have" in message
    spanish = validate_file(path, REFERENCE, lang="es", today=TODAY).report.issues[0].message
    assert "las hojas “Febrero” (oculta, 3 filas) y “Enero” (oculta, 1 fila)" in spanish


def test_only_hidden_5w_sheets_the_first_is_read_the_others_named(tmp_path: Path) -> None:
    book = _book()
    _lists(book, "Instrucciones")
    _fivew(book, "A", 1, hidden=True)
    _fivew(book, "B", 1, hidden=True)
    path = tmp_path / "hidden_only.xlsx"
    book.save(path)
    with pytest.raises(SeveralFiveWSheets) as raised:
        read_5w(path)
    assert raised.value.sheet == "A" and raised.value.others == [("B", True, 1)]


def test_an_ods_workbook_split_in_two_sheets_is_refused(tmp_path: Path) -> None:
    def cells(values: list[object]) -> str:
        return "".join(
            '<table:table-cell office:value-type="string"><text:p>'
            f"{'' if v is None else escape(str(v))}</text:p></table:table-cell>"
            for v in values
        )

    def table(title: str, rows: int) -> str:
        body = [LABELS] + [[record().get(n) for n in COLUMN_NAMES]] * rows
        found = "".join(f"<table:table-row>{cells(r)}</table:table-row>" for r in body)
        return f'<table:table table:name="{title}">{found}</table:table>'

    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODS_NS}>'
        f"<office:body><office:spreadsheet>{table('Salud', 1)}{table('Alimentación', 2)}"
        "</office:spreadsheet></office:body></office:document-content>"
    )
    path = tmp_path / "two_sheets.ods"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet"
        )
        archive.writestr("content.xml", content)
        archive.writestr("META-INF/manifest.xml", _MANIFEST)
    with pytest.raises(SeveralFiveWSheets) as raised:
        read_5w(path)
    assert raised.value.others == [("Alimentación", False, 2)]


def test_a_csv_is_one_table(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "5w.csv", [record(), record(activity_name="Other")])
    result = validate_file(path, REFERENCE, today=TODAY)
    assert codes(result) == [] and result.report.rows_read == 2


def test_a_copy_of_the_header_without_rows_is_no_issue(tmp_path: Path, reading) -> None:
    book = _book()
    _fivew(book, "5W", 2)
    _fivew(book, "Plantilla vacía", 0)
    path = tmp_path / "empty_copy.xlsx"
    book.save(path)
    result = validate_file(path, REFERENCE, today=TODAY)
    assert codes(result) == [] and result.report.rows_read == 2


def test_an_empty_template_sheet_before_the_rows_is_no_issue(tmp_path: Path, reading) -> None:
    """Before, an empty "Plantilla" sheet before the partner's "Datos" was read, and the file
    refused with several-5w-sheets, telling the partner to copy the rows into the empty one."""
    book = _book()
    _fivew(book, "Plantilla", 0)
    _fivew(book, "Datos", 3)
    path = tmp_path / "template_then_rows.xlsx"
    book.save(path)
    result = validate_file(path, REFERENCE, today=TODAY)
    assert codes(result) == [] and result.report.rows_read == 3
    assert result.report.sheet == "Datos"
    _fivew(book, "Más datos", 1)  # two sheets of rows after it: refused, naming both
    book.save(path)
    with pytest.raises(SeveralFiveWSheets) as raised:
        read_5w(path)
    assert raised.value.others == [("Datos", False, 3), ("Más datos", False, 1)]


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_template_filled_validates_cleanly(tmp_path: Path, lang: str) -> None:
    path = write_template(
        REFERENCE, tmp_path / "template.xlsx", org="ORG002", month="2025-03", lang=lang
    )
    book = openpyxl.load_workbook(path)
    assert len([s for s in book if s.sheet_state == "hidden"]) == 1  # its lists
    values = {
        **record(admin2="Barranca", implementation="No", cva="No"),
        **({"rmrp_activity": "Sí"} if lang == "es" else {}),
    }
    for i, column in enumerate(TEMPLATE_COLUMNS, start=1):
        if column.name in values and column.name not in ("country", "appealing_org", "month"):
            book["5W"].cell(row=FIRST_DATA_ROW + 1, column=i, value=values[column.name])
    book.save(path)
    result = validate_file(path, REFERENCE, org="ORG002", month="2025-03", today=TODAY, lang=lang)
    assert codes(result) == []
    assert result.report.sheet == "5W" and result.report.rows_read == 1


def test_the_empty_template_is_only_no_rows(tmp_path: Path) -> None:
    path = write_template(REFERENCE, tmp_path / "template.xlsx", org="ORG002", month="2025-03")
    assert codes(validate_file(path, REFERENCE, today=TODAY)) == ["no-rows"]


def test_a_second_sheet_of_another_table_is_no_issue(tmp_path: Path, reading) -> None:
    book = _book()
    _fivew(book, "5W", 2)
    _lists(book, "Listas")
    _lists(book, "Ocultas", hidden=True)
    notes = book.create_sheet("Instrucciones")
    notes.append(["Cómo llenar el 5W"])
    notes.append(["Country, Admin1, Sector, Indicator: one row per activity"])
    # A template's lists name three 5W columns, yet count nothing: no rows of activities.
    lists = book.create_sheet("Lists")
    lists.append(["Country", "Admin1", "Admin2", "Sector", "Indicator", "Appealing organisation"])
    for i in range(4):
        lists.append(["Peru", "Lima", "Lima", "Protection", f"PRO-0{i}", "UNHCR"])
    path = tmp_path / "lists.xlsx"
    book.save(path)
    result = validate_file(path, REFERENCE, today=TODAY)
    assert codes(result) == [] and result.report.rows_read == 2
    assert result.report.sheet == "5W"


# Workbooks of 1–3 5W sheets (0–3 rows each, hidden or not) among other sheets, in any order.
_OTHER = st.tuples(
    st.sampled_from(["lists", "notes", "empty"]),
    st.booleans(),  # hidden
    st.just(0),
)


@st.composite
def _workbooks(draw: st.DrawFn) -> list[tuple[str, bool, int]]:
    fivews = draw(
        st.lists(st.tuples(st.just("5w"), st.booleans(), st.integers(0, 3)), min_size=1, max_size=3)
    )
    others = draw(st.lists(_OTHER, max_size=3))
    sheets = draw(st.permutations(fivews + others))
    if all(hidden for _, hidden, _ in sheets):  # a workbook shows at least one sheet
        kind, _, rows = sheets[-1]
        sheets = [*sheets[:-1], (kind, False, rows)]
    return sheets


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sheets=_workbooks(), columnar=st.booleans())
def test_no_row_of_any_5w_sheet_is_dropped_without_an_issue(
    sheets: list[tuple[str, bool, int]], columnar: bool
) -> None:
    book = _book()
    written: list[tuple[str, bool, int]] = []  # the 5W sheets, in the workbook's order
    for i, (kind, hidden, rows) in enumerate(sheets):
        title = f"S{i}"
        if kind == "5w":
            _fivew(book, title, rows, hidden=hidden)
            written.append((title, hidden, rows))
        elif kind == "lists":
            _lists(book, title, hidden=hidden)
        else:
            sheet = book.create_sheet(title)
            if kind == "notes":
                sheet.append(["Read me: one row per activity and month"])
            sheet.sheet_state = "hidden" if hidden else "visible"
    original = fivew.COLUMNAR
    fivew.COLUMNAR = columnar
    try:
        with tempfile.TemporaryDirectory(dir="/tmp") as folder:
            path = Path(folder) / "generated.xlsx"
            book.save(path)
            result = validate_file(path, REFERENCE, today=TODAY)
    finally:
        fivew.COLUMNAR = original
    chosen = sorted(written, key=lambda s: s[1])[0]  # the first visible one, else hidden
    dropped = [s for s in written if s != chosen and s[2]]
    found = codes(result)
    if not chosen[2] and len(dropped) == 1:  # an empty template's sheet before the rows
        chosen, dropped = dropped[0], []
    if dropped:
        assert found == ["several-5w-sheets"] and result.rows.is_empty()
        message = result.report.issues[0].message
        for title, _, rows in dropped:
            assert f"“{title}” (" in message and f"{rows} row" in message
        assert f"besides sheet “{chosen[0]}” ({chosen[2]} row" in message
    else:
        assert "several-5w-sheets" not in found
        assert result.report.rows_read == chosen[2] == sum(rows for *_, rows in written)
        assert result.report.sheet == chosen[0]


def _large(path: Path, second_is_5w: bool, rows: int = 50_000) -> Path:
    """Two sheets of `rows` rows: a small workbook written by xlsxwriter (shared strings,
    as Excel writes them), whose one data row is then repeated in the sheets' XML (writing
    100,000 rows cell by cell takes a minute)."""
    import re
    import zipfile

    import xlsxwriter

    small = path.with_suffix(".small.xlsx")
    book = xlsxwriter.Workbook(str(small))
    values = [record(activity_name="Primary care").get(n) for n in COLUMN_NAMES]
    for title, is_5w in (("Salud", True), ("Alimentación", second_is_5w)):
        sheet = book.add_worksheet(title)
        sheet.write_row(0, 0, LABELS if is_5w else ["Código", "Nombre", "Notas"])
        sheet.write_row(1, 0, values if is_5w else ["C1", "Nombre", "x"])
    book.close()

    def repeated(xml: str) -> str:
        row = re.search(r'<row r="2".*?</row>', xml, flags=re.S)
        assert row is not None
        cells = row.group().replace('r="2"', 'r="{n}"')
        template = re.sub(r'(<c r="[A-Z]+)2"', lambda m: m.group(1) + '{n}"', cells)
        body = "".join(template.replace("{n}", str(n)) for n in range(2, rows + 2))
        xml = xml.replace(row.group(), body)
        return re.sub(r'(<dimension ref="A1:[A-Z]+)2"', lambda m: f'{m.group(1)}{rows + 1}"', xml)

    with zipfile.ZipFile(small) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                data = repeated(data.decode()).encode()
            out.writestr(item, data)
    return path


def test_two_sheets_of_50000_rows_are_read_column_by_column(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """100,000 rows: both 5W sheets read column by column (no cell-by-cell reading), and a
    sheet of 50,000 rows of another table is only looked at for its header."""

    def cell_by_cell(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a sheet was read cell by cell")

    monkeypatch.setattr(Workbook, "rows", cell_by_cell)
    start = time.perf_counter()
    with pytest.raises(SeveralFiveWSheets) as raised:
        read_5w(_large(tmp_path / "two_5w.xlsx", True))
    assert raised.value.rows == 50_000 and raised.value.others == [("Alimentación", False, 50_000)]
    refused = time.perf_counter() - start
    loaded: list[str] = []
    real = Workbook.columns
    monkeypatch.setattr(
        Workbook, "columns", lambda self, name: loaded.append(name) or real(self, name)
    )
    start = time.perf_counter()
    table = read_5w(_large(tmp_path / "5w_and_list.xlsx", False))
    assert table.source == "columns" and table.frame.height == 50_000
    assert loaded == ["Salud"]  # the other table: its first rows only (Workbook.head)
    print(f"refused in {refused:.1f} s, read in {time.perf_counter() - start:.1f} s")
