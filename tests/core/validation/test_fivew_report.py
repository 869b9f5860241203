"""The report: summary counts, serialisation, languages, and the catalogue's documentation."""

from __future__ import annotations

import json
import re
from pathlib import Path

from fivew_factories import TODAY, record

from kipu.core.validation import CATALOGUE, validate_rows
from kipu.core.validation.issues import ERROR, WARNING
from kipu.core.validation.rules import RULE_CODES

DOCS = Path(__file__).parents[3] / "docs" / "validation-codes.md"


def test_summary_counts_per_code_and_organisation(reference) -> None:
    rows = [record(girls=9, activity_name=str(i)) for i in range(50)]
    rows += [record(appealing_org="IOM", admin1="Lmia", admin2=None, activity_name="x")]
    rows += [record(appealing_org="Acme", activity_name="y")]
    report = validate_rows(rows, reference, today=TODAY).report
    summary = report.summary
    assert summary["rows_read"] == 52
    assert summary["rows_with_errors"] == 52 and summary["rows_valid"] == 0
    assert summary["issues_by_code"] == {
        "agd-breakdown-mismatch": 50,
        "unknown-admin1": 1,
        "unknown-organization": 1,
    }
    assert summary["issues_by_code_and_org"] == {
        "Acme": {"unknown-organization": 1},
        "ORG001": {"agd-breakdown-mismatch": 50},
        "ORG002": {"unknown-admin1": 1},
    }
    data = report.to_dict()
    assert data["valid"] is False and len(data["issues"]) == 52
    assert set(data["issues"][0]) == {
        "code",
        "severity",
        "sheet",
        "row",
        "column",
        "value",
        "message",
        "suggestion",
    }
    assert json.loads(report.to_json())["summary"]["rows_read"] == 52


def test_warnings_do_not_invalidate(reference) -> None:
    report = validate_rows([record(), record()], reference, today=TODAY).report
    assert report.valid and report.summary["rows_with_warnings"] == 1
    assert [i.severity for i in report.issues] == [WARNING]


def test_messages_in_spanish_with_suggestion(reference) -> None:
    result = validate_rows([record(sector="Salu")], reference, today=TODAY, lang="es")
    issue = result.report.issues[0]
    assert issue.code == "unknown-sector" and issue.suggestion == "Salud"
    assert issue.message == "El sector “Salu” no está en el plan. ¿Quiso decir “Salud”?"


def test_issue_order_and_suggestions_are_deterministic(reference) -> None:
    rows = [
        record(admin1="Tumbez", admin2=None, appealing_org="UNCHR", activity_name="a"),
        record(indicator="Number of people receiving primary care", activity_name="b"),
    ]
    first = validate_rows(rows, reference, today=TODAY).report.to_dict()
    second = validate_rows(list(reversed(rows)), reference, today=TODAY).report.to_dict()
    suggestions = sorted((i["code"], i["suggestion"]) for i in first["issues"])
    assert suggestions == sorted((i["code"], i["suggestion"]) for i in second["issues"])
    assert ("unknown-admin1", "Tumbes") in suggestions
    assert (
        "unknown-organization",
        "Office of the United Nations High Commissioner for Refugees",
    ) in suggestions
    assert ("unknown-indicator", "Number of people receiving primary health care") in suggestions


def test_catalogue_is_complete_and_documented() -> None:
    text = DOCS.read_text(encoding="utf-8")
    documented = set(re.findall(r"^### `([a-z0-9-]+)`", text, flags=re.MULTILINE))
    assert set(CATALOGUE) <= documented, set(CATALOGUE) - documented
    assert set(CATALOGUE) >= RULE_CODES, RULE_CODES - set(CATALOGUE)
    for info in CATALOGUE.values():
        assert info.severity in (ERROR, WARNING) and info.en and info.es and info.doc


def test_codes_used_in_source_are_in_catalogue() -> None:
    source = Path(__file__).parents[3] / "src" / "kipu" / "core"
    used: set[str] = set()
    for path in [*source.glob("validation/*.py"), *source.glob("read/*.py")]:
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r'"([a-z0-9]+(?:-[a-z0-9]+)+)"', text))
    known_non_codes = {"utf-8", "utf-8-sig", "utf-16-le", "utf-16-be", "us-ascii", "cp-1252"}
    known_non_codes |= {"x-none", "windows-1252", "utf-16", "utf-32", "kipu-cell-scan"}
    # Message keys of ReadError and marks' kinds are not validation codes.
    from kipu.core.read.errors import MESSAGES

    known_non_codes |= set(MESSAGES) | {"formula-no-value", "not-whole", "no-aplica", "nov-19"}
    known_non_codes |= {"15-mar", "too-large"}  # examples in comments, number details
    # marks' kinds
    known_non_codes |= {"dollar-format", "divided-format", "hiding-format", "text-format"}
    codes = {c for c in used - known_non_codes if not c.startswith(("pe-", "rmrp-"))}
    assert codes <= set(CATALOGUE), codes - set(CATALOGUE)
