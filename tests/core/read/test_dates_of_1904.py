"""Workbooks counting dates from 1904 (old Mac Excel's date system, an ODS file's null date):
a plain number in the month column is a date serial of that system. 44500 is 2025-11 there;
it was read on 1900's calendar, 2021-10, with no issue (a tester). Date cells are read as
dates by calamine."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parents[1] / "validation"))
sys.path.insert(0, str(Path(__file__).parents[2]))
from fivew_factories import record  # noqa: E402

from kipu.core.read import read_5w  # noqa: E402
from kipu.core.read.months import read_months  # noqa: E402
from kipu.core.schema import COLUMN_BY_NAME, COLUMN_NAMES  # noqa: E402

MAC = date(1904, 1, 1)
WINDOWS = date(1899, 12, 30)


def _xlsx(path: Path, serial: float, of_1904: bool) -> Path:
    book = openpyxl.Workbook()
    if of_1904:
        book.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    sheet = book.active
    sheet.title = "5W"
    sheet.append([COLUMN_BY_NAME[n].label_en for n in COLUMN_NAMES])
    sheet.append([serial if n == "month" else record().get(n) for n in COLUMN_NAMES])
    book.save(path)
    return path


def _xls(path: Path, serial: float, of_1904: bool) -> Path:
    import xlwt

    book = xlwt.Workbook()
    book.dates_1904 = of_1904
    sheet = book.add_sheet("5W")
    for col, name in enumerate(COLUMN_NAMES):
        sheet.write(0, col, COLUMN_BY_NAME[name].label_en)
        sheet.write(1, col, serial if name == "month" else record().get(name))
    book.save(str(path))
    return path


def _ods(path: Path, serial: float, of_1904: bool) -> Path:
    """An ODS file whose null date (day 0 of its serials) is 1904-01-01, or the default."""
    import zipfile
    from xml.sax.saxutils import escape

    from quirk_files import _MANIFEST, _ODS_NS

    def cell(value: object) -> str:
        if isinstance(value, int | float):
            return (
                f'<table:table-cell office:value-type="float" office:value="{value}">'
                f"<text:p>{value}</text:p></table:table-cell>"
            )
        text = "" if value is None else escape(str(value))
        return (
            f'<table:table-cell office:value-type="string"><text:p>{text}</text:p>'
            "</table:table-cell>"
        )

    header = "".join(cell(COLUMN_BY_NAME[n].label_en) for n in COLUMN_NAMES)
    values = "".join(cell(serial if n == "month" else record().get(n)) for n in COLUMN_NAMES)
    settings = (
        '<table:calculation-settings><table:null-date table:date-value="1904-01-01"/>'
        "</table:calculation-settings>"
        if of_1904
        else ""
    )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODS_NS}>'
        f'<office:body><office:spreadsheet>{settings}<table:table table:name="5W">'
        f"<table:table-row>{header}</table:table-row><table:table-row>{values}</table:table-row>"
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content)
        archive.writestr("META-INF/manifest.xml", _MANIFEST)
    return path


def _month(path: Path) -> str | None:
    (text,) = read_5w(path).frame["month"].to_list()
    return read_months([text])[text].month


@settings(max_examples=20, deadline=None)
@given(
    days=st.integers(40_000, 48_000),
    of_1904=st.booleans(),
    kind=st.sampled_from([_xlsx, _xls, _ods]),
)
def test_a_plain_number_is_a_date_of_the_workbooks_system(
    tmp_path_factory: pytest.TempPathFactory, days: int, of_1904: bool, kind
) -> None:  # noqa: ANN001
    path = kind(tmp_path_factory.mktemp("dates") / f"m.{kind.__name__[1:]}", days, of_1904)
    day = date.fromordinal((MAC if of_1904 else WINDOWS).toordinal() + days)
    assert _month(path) == f"{day.year:04d}-{day.month:02d}"


@pytest.mark.parametrize("kind", [_xlsx, _xls, _ods])
def test_a_month_written_as_yyyymm_is_not_a_serial(tmp_path: Path, kind) -> None:  # noqa: ANN001
    assert _month(kind(tmp_path / f"m.{kind.__name__[1:]}", 202511, True)) == "2025-11"


@pytest.mark.slow
def test_100000_rows_of_month_serials_in_a_1904_workbook(tmp_path: Path) -> None:
    """At real size, read column by column: every serial is its 1904 month, and a YYYYMM
    number is not moved. (A column mixing numbers and texts is read cell by cell.)"""
    import xlsxwriter

    path = tmp_path / "mac.xlsx"
    serial = (date(2025, 3, 15) - MAC).days  # 44,997: 2021-03 on 1900's calendar
    forms = [serial, 202503, serial + 10]
    with xlsxwriter.Workbook(str(path), {"date_1904": True, "constant_memory": True}) as book:
        sheet = book.add_worksheet("5W")
        sheet.write_row(0, 0, [COLUMN_BY_NAME[n].label_en for n in COLUMN_NAMES])
        for i in range(100_000):
            values = record(activity_name=f"Activity {i}", month=forms[i % len(forms)])
            sheet.write_row(i + 1, 0, [values.get(n) for n in COLUMN_NAMES])
    table = read_5w(path)
    assert table.source == "columns" and table.frame.height == 100_000
    texts = table.frame["month"].unique().to_list()
    months = read_months(texts)
    assert {months[t].month for t in texts} == {"2025-03"}, texts
