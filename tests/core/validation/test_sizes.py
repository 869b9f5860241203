"""Every vectorised rule at real sizes: polars splits frames into chunks past 16,384 rows and
some expressions behave differently there (a literal filter mask failed from that size on).

Each rule's failing case is repeated past several chunk sizes, in a CSV and an XLSX file,
and must be found exactly as often as it was planted; a 100,000-row file with 20,000
duplicate rows is validated and gives figures.
"""

from __future__ import annotations

import csv
import random
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from fivew_factories import TODAY, make_reference, record, write_csv
from test_fivew_rules import CASES

from kipu.core.figures import FigureOptions
from kipu.core.provisional import figures_from_file
from kipu.core.validation import validate_file, validate_rows

COPIES = 1_700  # ~51,000 rows: more than three polars chunks
# Rules whose failing case needs options of its own, or is about several rows together or
# about the evidence of the whole file (number conventions, day/month order): tested below.
SEPARATE = {
    "organization-mismatch",
    "month-outside-submission",
    "duplicate-row",
    "ambiguous-number",
    "number-read-as",
    "ambiguous-date",
}


def _planted() -> tuple[list[dict[str, Any]], Counter[str]]:
    rows: list[dict[str, Any]] = []
    expected: Counter[str] = Counter()
    small = make_reference()
    for code, (failing, _, kwargs) in sorted(CASES.items()):
        if code in SEPARATE or kwargs:
            continue
        found = Counter(i.code for i in validate_rows(failing, small, today=TODAY).report.issues)
        for copy in range(COPIES):
            rows += [
                {**row, "activity_name": f"{code} {copy} {n}"} for n, row in enumerate(failing)
            ]
        expected.update({c: n * COPIES for c, n in found.items()})
    return rows, expected


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Counter[str]]:
    rows, expected = _planted()
    random.Random(4).shuffle(rows)
    path = write_csv(tmp_path_factory.mktemp("sizes") / "planted.csv", rows)
    return path, expected


def test_every_rule_past_chunk_sizes_csv(planted: tuple[Path, Counter[str]]) -> None:
    path, expected = planted
    result = validate_file(path, make_reference(), today=TODAY)
    assert result.report.rows_read > 3 * 16_384, result.report.rows_read
    assert Counter(i.code for i in result.report.issues) == expected


def test_every_rule_past_chunk_sizes_xlsx(
    planted: tuple[Path, Counter[str]], tmp_path: Path
) -> None:
    import xlsxwriter

    source, expected = planted
    path = tmp_path / "planted.xlsx"
    with (
        source.open(encoding="utf-8") as handle,
        xlsxwriter.Workbook(
            str(path), {"constant_memory": True, "strings_to_numbers": False}
        ) as book,
    ):
        sheet = book.add_worksheet("5W")
        for number, row in enumerate(csv.reader(handle)):
            sheet.write_row(number, 0, row)
    result = validate_file(path, make_reference(), today=TODAY)
    assert Counter(i.code for i in result.report.issues) == expected


def _duplicated_file(path: Path, rows: int, duplicates: int) -> Path:
    rnd = random.Random(7)
    unique = [
        record(
            activity_name=f"Activity {i}",
            admin1=rnd.choice(["Lima", "Callao", "Tumbes"]),
            admin2=None,
            indicator="HE05" if i % 3 == 0 else "HE01",
        )
        for i in range(rows - duplicates)
    ]
    repeated = [dict(rnd.choice(unique)) for _ in range(duplicates)]
    return write_csv(path, unique + repeated)


def test_a_hundred_thousand_rows_with_twenty_thousand_duplicates(tmp_path: Path) -> None:
    path = _duplicated_file(tmp_path / "r4v-like.csv", 100_000, 20_000)
    result = validate_file(path, make_reference(), today=TODAY)
    codes = Counter(i.code for i in result.report.issues)
    assert result.report.rows_read == 100_000
    assert codes == {"duplicate-row": 20_000}
    # Each duplicate names the first row it repeats, which is a row of the file before it.
    first = {i.row: int(i.message.rsplit(" ", 1)[-1].rstrip(".")) for i in result.report.issues}
    assert all(earlier < row for row, earlier in first.items())
    plan = make_reference()
    figures, summary = figures_from_file(path, plan, FigureOptions())
    assert summary["rows_read"] == 100_000 and figures is not None


def _cva(index: int, value: str, month: str = "2024-03") -> dict[str, Any]:
    return record(
        activity_name=f"Cash {index}",
        month=month,
        sector="MPC",
        indicator="MPC01",
        cva="Yes",
        value_usd=value,
        delivery_mechanism="Voucher",
    )


@pytest.mark.parametrize(
    ("evidence", "code"), [(None, "number-read-as"), ("2,5", "ambiguous-number")]
)
def test_file_wide_evidence_at_size(tmp_path: Path, evidence: str | None, code: str) -> None:
    rows = [_cva(i, "1,500") for i in range(50_000)]
    if evidence:  # a late row proves "," is a decimal mark, an early one that "." is
        rows[3]["value_usd"] = "12.75"
        rows[45_000]["value_usd"] = evidence
    result = validate_file(write_csv(tmp_path / "cash.csv", rows), make_reference(), today=TODAY)
    found = Counter(i.code for i in result.report.issues)
    assert found[code] == 50_000 - (2 if evidence else 0)


def test_day_month_order_decided_by_a_late_row(tmp_path: Path) -> None:
    rows = [record(activity_name=f"A {i}", month="03/02/2024") for i in range(40_000)]
    rows[39_999]["month"] = "25/02/2024"  # day first: every 03/02/2024 is 3 February
    result = validate_file(write_csv(tmp_path / "dates.csv", rows), make_reference(), today=TODAY)
    assert result.report.issues == []
    assert result.rows["month"].unique().to_list() == ["2024-02"]
