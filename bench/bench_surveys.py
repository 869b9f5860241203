"""Time survey analysis: `.venv/bin/python -m bench.bench_surveys [--quick]`.

Target (issue 17): 100,000 answers analysed in under 3 s. "Analysed" is what a round's public
results cost: every indicator of the demonstration survey (4 questions, a select_multiple and
a repeat, 1-4 disaggregations each), counts, shares and 95% intervals, then disclosure control
over every table. Measured unweighted and weighted, median of 3, against the floor: a plain
polars group-by of the same data (one `group_by(group, answer).len()` per table), which is
what any tool pays to count at all. Also times reading and validating a 100,000-interview CSV
export against the XLSForm (information: validation is not part of the target).
"""

from __future__ import annotations

import argparse
import csv
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl

from kipu.core.surveys import demo
from kipu.core.surveys.analysis import analyse, dimension_column
from kipu.core.surveys.form import SELECT_MULTIPLE, SurveyForm, load_form
from kipu.core.surveys.indicators import load_indicators
from kipu.core.surveys.public import public
from kipu.core.surveys.validate import validate_file

TARGET_SECONDS = 3.0
SEED = 17


def choices(form: SurveyForm, name: str) -> list[str]:
    return form.question(name).choice_names()


def interviews(form: SurveyForm, count: int) -> tuple[pl.DataFrame, dict[str, pl.DataFrame]]:
    """`count` interviews (and their travel companions) as `analyse` reads them."""
    rng = random.Random(SEED)
    needs = choices(form, "needs")
    sizes = [1 + min(int(rng.expovariate(0.7)), 6) for _ in range(count)]
    frame = pl.DataFrame(
        {
            "_index": [str(i) for i in range(count)],
            "interview/border_point": rng.choices(
                choices(form, "border_point"), [93, 5, 2], k=count
            ),
            "respondent/sex": rng.choices(choices(form, "sex"), k=count),
            "respondent/age": [
                float(18 + min(int(rng.expovariate(1 / 14)), 70)) for _ in range(count)
            ],
            "respondent/nationality": rng.choices(
                choices(form, "nationality"), [95, 3, 2], k=count
            ),
            "intention": rng.choices(choices(form, "intention"), [56, 24, 10, 3, 7], k=count),
            "destination_department": rng.choices(choices(form, "destination_department"), k=count),
            "needs": [[n for n in needs if rng.random() < 0.3] or ["food"] for _ in range(count)],
            "group_size": [float(s) for s in sizes],
            "weight": [f"{rng.uniform(0.5, 2.0):.3f}" for _ in range(count)],
        },
        schema_overrides={"needs": pl.List(pl.Utf8)},
    )
    parents = [str(i) for i, size in enumerate(sizes) for _ in range(size - 1)]
    members = pl.DataFrame(
        {
            "_parent": parents,
            "members/member_sex": rng.choices(choices(form, "member_sex"), k=len(parents)),
        }
    )
    return frame, {"members": members}


def floor(
    frame: pl.DataFrame, repeats: dict[str, pl.DataFrame], spec: Any, form: SurveyForm
) -> int:
    """The plain polars group-by of the same tables: counts only, no grid, no intervals."""
    cells = 0
    used = sorted({n for i in spec.indicators for n in i.by})
    frame = frame.with_columns(dimension_column(spec.dimensions[n], form) for n in used)
    for indicator in spec.indicators:
        question = form.question(indicator.question)
        base = frame
        if question.repeat:
            groups = frame.select(pl.col("_index").alias("_parent"), pl.col("^dim:.*$"))
            base = repeats[question.repeat].join(groups, on="_parent", how="left")
        if question.type == SELECT_MULTIPLE:
            base = base.explode(question.path)
        for name in ("all", *indicator.by):
            keys = [question.path] if name == "all" else [f"dim:{name}", question.path]
            cells += base.group_by(keys).len().height
    return cells


def rounds(
    frame: pl.DataFrame,
    repeats: dict[str, pl.DataFrame],
    form: SurveyForm,
    spec: Any,
    multiple: frozenset[str],
) -> int:
    """The same answers as monthly rounds of 400 interviews: small tables, many withheld."""
    withheld = 0
    members = repeats["members"]
    for start in range(0, frame.height, 400):
        part = frame.slice(start, 400)
        inner = {"members": members.filter(pl.col("_parent").is_in(part["_index"].implode()))}
        withheld += int(public(analyse(part, inner, form, spec), 5, multiple)["suppressed"].sum())
    return withheld


def timed(run: Callable[[], Any], repeat: int = 3) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def write_export(path: Path, frame: pl.DataFrame) -> Path:
    header = [
        "today",
        "interview/border_point",
        "respondent/sex",
        "respondent/age",
        "respondent/nationality",
        "intention",
        "destination_department",
        "needs",
        "group_size",
        "weight",
        "_uuid",
        "_index",
    ]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(header)
        for n, row in enumerate(frame.iter_rows(named=True)):
            stays = row["intention"] == "stay_peru"
            department = row["destination_department"] if stays else ""
            writer.writerow(
                [
                    "2019-11-05",
                    row["interview/border_point"],
                    row["respondent/sex"],
                    int(row["respondent/age"]),
                    row["respondent/nationality"],
                    row["intention"],
                    department or "",
                    " ".join(row["needs"]),
                    int(row["group_size"]),
                    row["weight"],
                    f"u{n}",
                    n,
                ]
            )
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="skip the export validation")
    parser.add_argument("--answers", type=int, default=100_000)
    options = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        form = load_form(demo.write_form(Path(folder) / "form.xlsx"))
        unweighted = load_indicators(demo.INDICATORS, form)
        weighted = load_indicators(
            demo.INDICATORS.replace(
                "[disaggregations]", 'weight = "weight"\n\n[disaggregations]'
            ).replace('slug = "fms-tumbes"', 'slug = "fms-tumbes"\nweight = "weight"', 0),
            form,
        )
        weighted.weight = "weight"
        frame, repeats = interviews(form, options.answers)
        multiple = frozenset(q.path for q in form.questions if q.type == SELECT_MULTIPLE)
        rows = []
        floor_s, cells = timed(lambda: floor(frame, repeats, unweighted, form))
        rows.append(("polars group-by of the same tables (the floor)", floor_s, f"{cells} cells"))
        for label, spec in (("unweighted", unweighted), ("weighted (Kish)", weighted)):
            analysis_s, results = timed(lambda s=spec: analyse(frame, repeats, form, s))
            public_s, shown = timed(lambda r=results: public(r, 5, multiple))
            total = analysis_s + public_s
            withheld = int(shown["suppressed"].sum())
            rows.append((f"analyse, {label}", analysis_s, f"{results.height} cells"))
            rows.append((f"disclosure control, {label}", public_s, f"{withheld} withheld"))
            rows.append(
                (
                    f"total, {label} (target < {TARGET_SECONDS:.0f} s)",
                    total,
                    "ok" if total < TARGET_SECONDS else "SLOW",
                )
            )
        rounds_s, withheld = timed(lambda: rounds(frame, repeats, form, unweighted, multiple), 1)
        rows.append(
            (
                f"{options.answers // 400} rounds of 400, analysed and controlled",
                rounds_s,
                f"{withheld} cells withheld",
            )
        )
        if not options.quick:
            export = write_export(Path(folder) / "export.csv", frame)
            validate_s, data = timed(lambda: validate_file(export, form), repeat=1)
            rows.append(
                (
                    "read and validate a CSV export (information)",
                    validate_s,
                    f"{data.interviews.height} interviews, {len(data.report.issues)} issues",
                )
            )
    print(f"Survey analysis, {options.answers:,} interviews (median of 3):")
    for label, seconds, note in rows:
        print(f"  {label:58} {seconds:7.3f} s  {note}")
    ratio = rows[3][1] / rows[0][1] if rows[0][1] else float("nan")
    print(f"  unweighted total / floor: {ratio:.1f}×")
    slow = [r for r in rows if r[2] == "SLOW"]
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
