"""Row issues kept as columns (kipu.core.validation.report) say exactly what `Issue` objects
said: the same messages, the same JSON text, the same summary and text report."""

from __future__ import annotations

import io
import json
import random

import polars as pl
import pytest

from kipu.core.validation.issues import CATALOGUE, Issue, Report, message, new_issue
from kipu.core.validation.report import ROW_ISSUES, messages

TRICKY = [None, "", "plain", 'quote " and \\ backslash', "line\nbreak\ttab\r", "\x00\x01\x1f\x7f",
          "Ñandú € 😀", "\u2028\u2029", "{value} {column}", "#N/A", "  spaces  "]  # fmt: skip
ROW_CODES = sorted(code for code, info in CATALOGUE.items() if info.level == "row")


def _random_issues(seed: int, count: int) -> list[dict[str, object]]:
    rnd = random.Random(seed)
    return [
        {
            "code": rnd.choice(ROW_CODES),
            "value": rnd.choice(TRICKY),
            "column": rnd.choice(TRICKY),
            "detail": rnd.choice(TRICKY),
            "suggestion": rnd.choice(TRICKY),
            "row": rnd.choice([None, rnd.randint(2, 10**6)]),
            "org": rnd.choice([None, "ORG001", "ORG002"]),
            "col_index": rnd.choice([None, rnd.randint(0, 40)]),
        }
        for _ in range(count)
    ]


def _both(found: list[dict[str, object]], lang: str) -> tuple[Report, Report]:
    """The same issues as objects, and as columns."""
    objects = [
        new_issue(str(i["code"]), lang, value=i["value"], column=i["column"],  # type: ignore[arg-type]
                  detail=i["detail"], suggestion=i["suggestion"], sheet="5W",  # type: ignore[arg-type]
                  row=i["row"], org=i["org"], col_index=i["col_index"])
        for i in found
    ]  # fmt: skip
    frame = pl.DataFrame(found, schema={**{n: pl.Utf8 for n in found[0]}, "row": pl.Int64,
                                        "col_index": pl.Int64})  # fmt: skip
    table = frame.select(
        "code",
        pl.col("code")
        .replace_strict({c: i.severity for c, i in CATALOGUE.items()})
        .alias("severity"),
        messages(frame, lang),
        pl.lit("5W").alias("sheet"),
        "row",
        "column",
        "value",
        "suggestion",
        "org",
        "col_index",
    ).cast(ROW_ISSUES)  # type: ignore[arg-type]
    file_issue = new_issue("unknown-column", lang, column="Comentarios", sheet="5W", row=1)
    return (
        Report([file_issue, *objects], rows_read=9, rows_with_errors=3, sheet="5W"),
        Report([file_issue], rows_read=9, rows_with_errors=3, sheet="5W", row_issues=table),
    )


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("seed", range(4))
def test_columns_say_what_objects_said(lang: str, seed: int) -> None:
    objects, columns = _both(_random_issues(seed, 300), lang)
    assert list(columns.issues) == list(objects.issues)
    assert len(columns.issues) == 301 and bool(columns.issues)
    assert columns.summary == objects.summary and columns.valid == objects.valid
    assert columns.to_dict() == objects.to_dict()
    for indent in (None, 2, 4):
        expected = json.dumps(objects.to_dict(), ensure_ascii=False, indent=indent)
        assert columns.to_json(indent=indent) == expected
        out = io.StringIO()
        columns.write_json(out, indent=indent)
        assert out.getvalue() == expected
    for limit in (0, 1, 20):
        first, hidden = columns.first_per_code(limit)
        seen: dict[str, int] = {}
        expected_first = []
        for issue in objects.issues:
            seen[issue.code] = seen.get(issue.code, 0) + 1
            if seen[issue.code] <= limit:
                expected_first.append(issue)
        assert first == expected_first
        assert hidden == {c: n - limit for c, n in seen.items() if n > limit}
        assert list(hidden) == [c for c in seen if seen[c] > limit]  # first appearance order


def test_messages_are_the_catalogue_templates() -> None:
    found = _random_issues(7, 500)
    schema = {n: pl.Utf8 for n in found[0]} | {"row": pl.Int64, "col_index": pl.Int64}
    frame = pl.DataFrame(found, schema=schema)
    for lang in ("en", "es"):
        made = messages(frame, lang).to_list()
        assert made == [
            message(str(i["code"]), lang, i["value"], i["column"], i["detail"],  # type: ignore[arg-type]
                    i["suggestion"])  # type: ignore[arg-type]
            for i in found
        ]  # fmt: skip


def test_empty_and_file_only_reports() -> None:
    for report in (Report(), Report([new_issue("no-rows")])):
        assert json.loads(report.to_json(indent=2)) == report.to_dict()
        assert report.to_json() == json.dumps(report.to_dict(), ensure_ascii=False)
    issue = Issue("x", "error", "m")
    report = Report([issue])
    report.add(Issue("y", "warning", "n"))
    assert [i.code for i in report.issues] == ["x", "y"] and not report.valid
