"""`kipu validate` reports every problem `kipu import` would for the same file.

What an import checks beyond the file itself, against the platform's store, and how a check
without importing reports it:

- the organisation's other months (its history): `outlier` warnings. `kipu validate` never
  read them (the tester's 5,000,000 against a history of at most 211 was VALID, no warning);
- a published month: the import refuses the file, storing nothing; the check reports
  `month-published` (exit 2, as the import's refusal);
- rows no option stores (`--accept-issues` neither): the import lists them; the check says so
  under its report.

Duplicate rows are checked within the file only (`duplicate-row`), by import and check alike;
the stored version of the same month is replaced, not compared. The portal's "Check only"
validated with the history already; it now validates through the same function
(`kipu.web.submissions.imports.check_file`) as the import and the CLI.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from kipu.core.export import table_rows, write_csv
from kipu.core.frame import activity_frame
from kipu.web.platforms.queries import reference_data
from kipu.web.submissions.models import MonthStatus

ROW = {
    "country": "PER",
    "admin1": "PE15",
    "admin2": "PE1501",
    "appealing_org": "ORG901",
    "implementation": False,
    "month": "2019-11",
    "sector": "PRO",
    "indicator": "PRO-01",
    "activity_name": "Legal orientation",
    "rmrp_activity": True,
    "cva": False,
    "total_monthly": 100,
    "new_beneficiaries": 60,
    "in_destination": 50,
    "host_community": 10,
    "girls": 10,
    "boys": 10,
    "women": 25,
    "men": 15,
}
HISTORY = ("2019-08", "2019-09", "2019-10")  # three rows: enough history for `outlier`


def five_w(folder: Path, platform, name: str, rows: list[dict]) -> str:  # noqa: ANN001
    path = folder / name
    write_csv(table_rows(activity_frame(rows), reference_data(platform, 2019)), path)
    return str(path)


@pytest.fixture
def stored(kipu, make_platform, tmp_path):  # noqa: ANN001
    """A platform where ORG901 reported 100 people in each of three months."""
    platform = make_platform()
    for month in HISTORY:
        file = five_w(tmp_path, platform, f"{month}.csv", [{**ROW, "month": month}])
        assert kipu("import", file, "--org", "ORG901", "--month", month).exit_code == 0
    return platform


def _codes(report: dict) -> list[tuple]:
    return sorted((i["code"], i["row"], i["column"], i["message"]) for i in report["issues"])


def _people(total: int, new: int) -> dict:
    """A row of `total` people this month, `new` of them new, breakdowns adding up."""
    girls = new // 4
    counts = {"total_monthly": total, "new_beneficiaries": new, "in_destination": new}
    return {**ROW, **counts, "host_community": 0, "girls": girls, "boys": 0,
            "women": new - girls, "men": 0}  # fmt: skip


@settings(
    max_examples=8,
    deadline=None,
    phases=(Phase.explicit, Phase.generate),  # each example imports: shrinking took minutes
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.lists(
        st.tuples(st.integers(0, 5_000), st.integers(0, 5_000)).map(
            lambda pair: _people(max(pair), min(pair))
        ),
        min_size=1,
        max_size=3,
    )
)
def test_a_check_reports_what_the_import_reports(kipu, stored, tmp_path, rows) -> None:  # noqa: ANN001
    """Rows far above the history and rows within it: the check's issues are the import's
    (before, the check had no `outlier`)."""
    file = five_w(tmp_path, stored, "now.csv", rows)
    which = ("--org", "ORG901", "--month", "2019-11", "--format", "json")
    checked = json.loads(kipu("validate", file, *which).output)
    imported = json.loads(kipu("import", file, *which).output)["validation"]
    assert _codes(checked) == _codes(imported)
    assert checked["summary"] == imported["summary"]
    far = any(r["total_monthly"] > 1_000 or r["new_beneficiaries"] > 600 for r in rows)
    assert far == ("outlier" in checked["summary"]["issues_by_code"])


def test_the_testers_outlier_is_reported_by_the_check(kipu, stored, tmp_path) -> None:  # noqa: ANN001
    file = five_w(tmp_path, stored, "f8.csv", [_people(5_000_000, 5_000_000)])
    checked = kipu("validate", file, "--org", "ORG901", "--month", "2019-11")
    assert checked.exit_code == 0, checked.output  # warnings only: valid
    assert "5000000 is far above this organisation's history (max 100)" in checked.output


@pytest.mark.parametrize("all_months", [False, True])
def test_a_published_month_is_reported_as_the_import_refuses_it(
    kipu, stored, tmp_path, all_months: bool
) -> None:  # noqa: ANN001
    file = five_w(tmp_path, stored, "x.csv", [ROW])
    which = ["--all-months"] if all_months else ["--org", "ORG901", "--month", "2019-11"]
    checks = ["--org", "ORG901", "--month", "2019-11"] if not all_months else []
    MonthStatus.objects.create(
        platform=stored, month="2019-11", status=MonthStatus.Status.PUBLISHED
    )
    assert kipu("import", file, *which).exit_code == 2
    checked = kipu("validate", file, *checks, "--format", "json")
    assert checked.exit_code == 2
    issues = json.loads(checked.output)["issues"]
    assert [(i["code"], i["value"]) for i in issues] == [("month-published", "2019-11")]
    spanish = kipu("validate", file, *checks, "--lang", "es").output
    assert "El mes 2019-11 está publicado" in spanish


def test_rows_no_option_stores_are_said_by_the_check(kipu, stored, tmp_path) -> None:  # noqa: ANN001
    file = five_w(tmp_path, stored, "x.csv", [ROW, {**ROW, "appealing_org": "Nobody Org"}])
    imported = kipu("import", file, "--all-months", "--accept-issues")
    assert "1 rows cannot be stored, even with --accept-issues (rows 4)" in imported.output
    checked = kipu("validate", file)
    assert checked.exit_code == 1
    assert "1 rows cannot be stored, even with --accept-issues (rows 4)" in checked.output
    assert "filas 4" in kipu("validate", file, "--lang", "es").output
