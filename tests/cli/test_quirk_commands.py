"""Quirk files through `kipu validate` and `kipu import`: the same report as the core, an
annotated workbook that always opens, and stored rows exactly as validated (or nothing, with
the rows that block it named). One file per kind of tests/quirk_files.py, in each format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from kipu.core.validation import validate_file
from kipu.web.platforms.queries import reference_data
from kipu.web.submissions.models import Activity, Submission
from quirk_files import (
    GENERATORS,
    WEB_PROFILE,
    Is,
    add_hash_indicator,
    check_case,
    one_case,
    write_case,
)

PATHS = [(kind, fmt) for kind in sorted(GENERATORS) for fmt in one_case(kind).formats]


@pytest.fixture
def platform(make_platform):  # noqa: ANN001
    return add_hash_indicator(make_platform())


def _month_options(case) -> list[str]:  # noqa: ANN001
    months = {str(r.get("month")) for r in case.records}
    if case.month or months == {"2019-03"}:
        return ["--org", "PA", "--month", case.month or "2019-03"]
    return []


def _issues(report: dict) -> list[tuple]:
    return sorted((i["row"] or 0, i["column"] or "", i["code"]) for i in report["issues"])


# Validation stores nothing, and reads the platform's reference as every command does: not
# run again on PostgreSQL (the import below is).
@pytest.mark.backend_independent
@pytest.mark.parametrize(("kind", "fmt"), PATHS)
def test_validate_agrees_with_the_core_and_annotates(kipu, platform, tmp_path, kind, fmt) -> None:  # noqa: ANN001
    case = one_case(kind)
    path = write_case(case, tmp_path / kind, fmt)
    options = _month_options(case)
    result = kipu("validate", str(path), *options, "--format", "json")
    assert result.exit_code in (0, 1), result.output
    report = json.loads(result.output)
    month = options[3] if options else None
    core = validate_file(path, reference_data(platform, 2019), org="ORG901", month=month)
    assert _issues(report) == _issues(core.report.to_dict())
    if month == case.month or month is None:
        assert check_case(case, core) == []
    out = tmp_path / "checked.xlsx"
    annotated = kipu("validate", str(path), *options, "--format", "xlsx", "-o", str(out))
    assert annotated.exit_code in (0, 1) and "Traceback" not in annotated.output
    assert load_workbook(out).sheetnames[0] == "Errors"


@pytest.mark.parametrize(("kind", "fmt"), PATHS)
def test_import_stores_what_was_validated_or_nothing(kipu, platform, tmp_path, kind, fmt) -> None:  # noqa: ANN001
    case = one_case(kind)
    path = write_case(case, tmp_path / kind, fmt)
    options = _month_options(case) or ["--all-months"]
    core = validate_file(path, reference_data(platform, 2019), org="ORG901", month=case.month)
    plain = kipu("import", str(path), *options, "--format", "json")
    if not core.report.valid:
        assert plain.exit_code == 1 and not Activity.objects.exists(), plain.output
    accepted = kipu("import", str(path), *options, "--accept-issues", "--format", "json")
    assert "Traceback" not in accepted.output
    data = json.loads(accepted.output)
    if data["blocked_rows"]:
        assert accepted.exit_code == 1 and not Submission.objects.filter(status="current")
        assert data["blocked_row_numbers"] == core.unstorable
        return
    assert accepted.exit_code == 0, accepted.output
    stored = {a.row: a for a in Activity.objects.filter(submission__status="current")}
    assert len(stored) == len(case.records)
    for number, wanted in zip(core.rows["row"].to_list(), case.expect, strict=True):
        for column, meaning in wanted.items():
            if isinstance(meaning, Is):
                assert _stored(stored[number], column) == meaning.value, (number, column)


def _stored(activity: Activity, column: str) -> object:
    """A stored activity's value as the validation resolves it (keys, codes, P-codes)."""
    value = getattr(activity, column)
    for attribute in ("pcode", "external_id", "code"):
        if hasattr(value, attribute):
            return getattr(value, attribute)
    return value


def test_unreadable_file_has_the_same_clean_message_everywhere(kipu, platform, tmp_path) -> None:  # noqa: ANN001
    junk = tmp_path / "5w.xlsx"
    junk.write_bytes(b"PK\x03\x04 not really a workbook")
    checked = tmp_path / "checked.xlsx"
    for args in (
        ("validate", str(junk), "--format", "json"),
        ("validate", str(junk), "--format", "xlsx", "-o", str(checked)),
        ("validate", str(junk), "--lang", "es"),
        ("import", str(junk), "--org", "PA", "--month", "2019-03"),
    ):
        result = kipu(*args)
        assert result.exit_code == 2 and "Traceback" not in result.output, args
        assert "unreadable-file" in result.output or "5w.xlsx" in result.output, args
    assert (
        "No se puede leer el archivo: 5w.xlsx: archivo dañado"
        in kipu("validate", str(junk), "--lang", "es").output
    )
    errors = load_workbook(checked)["Errors"]
    assert [row[1] for row in errors.iter_rows(min_row=2, values_only=True)] == ["unreadable-file"]


def test_decimal_counts_are_stored_rounded_with_accept_issues(kipu, platform, tmp_path) -> None:  # noqa: ANN001
    case = one_case("decimal-counts")
    path = write_case(case, tmp_path / "decimals", "xlsx")
    result = kipu(
        "import", str(path), "--org", "PA", "--month", "2019-03", "--accept-issues",
        "--format", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    stored = sorted(Activity.objects.values_list("row", "quantity_output"))
    wanted = [int(r["quantity_output"] + 0.5) for r in case.records]
    assert [q for _, q in stored] == wanted
    codes = Activity.objects.values_list("issues", flat=True)
    assert all("invalid-number" in c for c in codes)


# Decimal head-counts in people columns (the issue's crash was 8.37 in IN DESTINATION): what
# each row says, and the whole numbers stored and counted (half up). The breakdowns of the
# rounded numbers still add up to the rounded new beneficiaries.
_DECIMAL_PEOPLE = (
    ({"in_destination": 8.37}, {"in_destination": 8}),
    (
        {"new_beneficiaries": 9.5, "in_destination": 7.5},
        {"new_beneficiaries": 10, "in_destination": 8},
    ),
    (
        {"in_destination": 8.5, "in_transit": 1.49, "total_monthly": 14.5},
        {"in_destination": 9, "in_transit": 1, "total_monthly": 15},
    ),
)  # fmt: skip


def _decimal_people_file(path: Path, fmt: str) -> Path:
    from quirk_files import QuirkCase, base_record

    records = []
    for i, (written, _) in enumerate(_DECIMAL_PEOPLE):
        record = base_record(WEB_PROFILE, i)
        if fmt == "csv-comma":  # a Spanish CSV: semicolons, decimal commas
            written = {k: str(v).replace(".", ",") for k, v in written.items()}
        records.append({**record, **written})
    case = QuirkCase("decimal-people", records, [{} for _ in records])
    case.delimiter = ";" if fmt == "csv-comma" else ","
    return write_case(case, path, fmt.split("-")[0])


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "csv-comma"])
def test_decimal_people_counts_validate_import_and_count_alike(
    kipu, platform, tmp_path, fmt
) -> None:  # noqa: ANN001
    from kipu.core.schema import COLUMN_BY_NAME

    path = _decimal_people_file(tmp_path / "people", fmt)
    wanted = {
        (row, COLUMN_BY_NAME[name].label_en, str(value))
        for row, (_, stored) in enumerate(_DECIMAL_PEOPLE, start=2)
        for name, value in stored.items()
    }
    validated = json.loads(kipu("validate", str(path), "--format", "json").output)
    assert validated["summary"]["issues_by_code"] == {"invalid-number": len(wanted)}
    assert {(i["row"], i["column"], i["suggestion"]) for i in validated["issues"]} == wanted

    month = ["--org", "PA", "--month", "2019-03"]
    refused = kipu("import", str(path), *month, "--format", "json")
    assert refused.exit_code == 1 and not Activity.objects.exists()
    accepted = kipu("import", str(path), *month, "--accept-issues", "--format", "json")
    assert accepted.exit_code == 0 and "Traceback" not in accepted.output, accepted.output
    stored = {a.row: a for a in Activity.objects.filter(submission__status="current")}
    for row, (_, rounded) in enumerate(_DECIMAL_PEOPLE, start=2):
        assert {n: getattr(stored[row], n) for n in rounded} == rounded
        assert stored[row].in_transit == rounded.get("in_transit", 2)  # whole cells as written

    from_store = json.loads(kipu("figures", "--include-issues", "--format", "json").output)
    from_file = json.loads(kipu("figures", "--input", str(path), "--format", "json").output)
    assert from_file["rows"] == from_store["rows"]
    assert from_file["validation"]["issues_by_code"] == {"invalid-number": len(wanted)}
    sector = [r for r in from_store["rows"] if r["admin1"] is None and r["sector_code"] == "PRO"]
    # 10 + 10 + 10 new; 8 + 8 + 9 in destination; 15 + 15 + 15 in the month
    assert [(r["new"], r["in_destination"], r["monthly_total"]) for r in sector] == [(30, 25, 45)]


def _big_file_with_duplicates(path: Path, rows: int, duplicates: int) -> Path:
    import csv
    import random

    from kipu.core.schema import COLUMN_BY_NAME
    from quirk_files import WEB_PROFILE, base_record

    rnd = random.Random(3)
    unique = [base_record(WEB_PROFILE, i) for i in range(rows - duplicates)]
    for record in unique:
        record["admin1"] = rnd.choice(WEB_PROFILE.places)[0]
        record["indicator"] = rnd.choice((WEB_PROFILE.indicator, WEB_PROFILE.hash_indicators[0]))[0]
    records = unique + [rnd.choice(unique) for _ in range(duplicates)]
    names = list(records[0])
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([COLUMN_BY_NAME[n].label_en for n in names])
        writer.writerows([[r[n] for n in names] for r in records])
    return path


def test_a_hundred_thousand_rows_with_duplicates_validate_and_give_figures(
    kipu, platform, tmp_path
) -> None:  # noqa: ANN001
    path = _big_file_with_duplicates(tmp_path / "r4v.csv", 100_000, 20_000)
    result = kipu("validate", str(path), "--format", "json")
    assert result.exit_code == 0, result.output[-2000:]
    summary = json.loads(result.output)["summary"]
    assert summary["rows_read"] == 100_000
    assert summary["issues_by_code"] == {"duplicate-row": 20_000}
    plan = tmp_path / "plan.csv"
    plan.write_text(
        "sector,indicator,code,type\nProtection,People oriented,PRO-01,PiN\n"
        "Protection,# of people with legal orientation,PRO-02,PiN\n",
        encoding="utf-8",
    )
    figures = kipu("figures", "--input", str(path), "--plan", str(plan), "--format", "json")
    assert figures.exit_code == 0, figures.output[-2000:]
    data = json.loads(figures.output)
    assert data["validation"]["issues_by_code"] == {"duplicate-row": 20_000}
