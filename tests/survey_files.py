"""Files the survey tests build: the demonstration XLSForm (groups, a repeat, select_one and
select_multiple, labels in English and Spanish), its indicators file, and Kobo/ODK-style
exports written row by row, so each test states exactly what its file holds."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

import xlsxwriter

from kipu.core.surveys import demo

MAIN_HEADER = [
    "start", "today", "interview/border_point", "respondent/sex", "respondent/age",
    "respondent/nationality", "intention", "destination_department", "needs", "group_size",
    "weight", "_id", "_uuid", "_index",
]  # fmt: skip
MEMBER_HEADER = ["members/member_sex", "members/member_age", "_index", "_parent_index"]


def interview(index: int, **changes: object) -> dict[str, object]:
    """One valid interview (Kobo XML names); `changes` override cells by header."""
    row: dict[str, object] = {
        "start": "2019-11-05T09:00:00.000-05:00",
        "today": "2019-11-05",
        "interview/border_point": "cebaf_tumbes",
        "respondent/sex": "female" if index % 2 else "male",
        "respondent/age": 30 + index % 20,
        "respondent/nationality": "venezuelan",
        "intention": "go_chile",
        "destination_department": None,
        "needs": "food health",
        "group_size": 1,
        "weight": 1,
        "_id": 1000 + index,
        "_uuid": f"uuid-{index:04d}",
        "_index": index,
    }
    row.update(changes)
    return row


def form_file(folder: Path) -> Path:
    return demo.write_form(folder / "fms-form.xlsx")


def indicators_file(folder: Path, text: str | None = None) -> Path:
    path = folder / "fms-indicators.toml"
    path.write_text(text or demo.INDICATORS, encoding="utf-8")
    return path


def write_xlsx(
    path: Path,
    rows: Sequence[dict[str, object]],
    *,
    header: Sequence[str] = MAIN_HEADER,
    members: Sequence[dict[str, object]] = (),
    extra_sheets: dict[str, list[list[object]]] | None = None,
    sheet: str = "FMS Tumbes",
) -> Path:
    """A Kobo-style XLSX: the interviews, then a `members` sheet when given."""
    with xlsxwriter.Workbook(str(path), {"strings_to_numbers": False}) as book:
        main = book.add_worksheet(sheet)
        main.write_row(0, 0, list(header))
        for number, row in enumerate(rows, start=1):
            for col, name in enumerate(header):
                value = row.get(name)
                if value is not None:
                    main.write(number, col, value)
        if members:
            page = book.add_worksheet("members")
            page.write_row(0, 0, MEMBER_HEADER)
            for number, row in enumerate(members, start=1):
                page.write_row(number, 0, [row.get(name) for name in MEMBER_HEADER])
        for name, cells in (extra_sheets or {}).items():
            page = book.add_worksheet(name)
            for number, row in enumerate(cells):
                page.write_row(number, 0, row)
    return path


def write_csv(
    path: Path,
    rows: Sequence[dict[str, object]],
    *,
    header: Sequence[str] = MAIN_HEADER,
    shown: Sequence[str] | None = None,
    delimiter: str = ",",
    encoding: str = "utf-8",
) -> Path:
    """A CSV export; `shown` replaces the header texts (labels, ODK's group-field names)."""
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(list(shown or header))
        for row in rows:
            writer.writerow(["" if row.get(n) is None else row.get(n) for n in header])
    return path
