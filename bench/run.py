"""Run every benchmark in bench/ and write BENCHMARKS.md (`make bench`).

Run: .venv/bin/python -m bench.run [--quick] [--output BENCHMARKS.md] [--only read]

Full: validation (--quick), figure engine (10k-1M), survey analysis (100,000 answers),
100k-row import (SQLite and PostgreSQL, median of 3), Kipu beside the read floor on
100k-row R4V-shaped (XLSX, and ODS as LibreOffice writes it) and synthetic workbooks (whole
processes, median of 5),
R4V's regional export (22,496 rows, both backends), stored figures
(10k/100k/1M on SQLite and PostgreSQL), dashboard under load (1M, SQLite and
PostgreSQL), report rendering (demo and 1M), API streaming (1M). About 25 minutes on the
2-core machine once the stores exist under bench/data/ (the first run builds the SQLite stores
and the workbooks, a few minutes more); PostgreSQL databases are built for the run and
dropped after it. --quick: SQLite only, 1M store figures, shorter load test, 100k API stream.

The machine is shared: each table row carries the load average when it was measured.
--only read: Kipu beside the read floor alone (about 3 minutes); its rows of the table are
replaced, dated and loaded anew, and the rest of BENCHMARKS.md is kept.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import (
    bench_dashboard,
    bench_import,
    bench_jobs,
    bench_read,
    bench_regional,
    bench_report,
    bench_store,
    child_environment,
    store,
)

ROOT = Path(__file__).resolve().parent.parent
Row = dict[str, Any]


def _external(module: str, *args: str) -> tuple[Row, str]:
    """An existing benchmark run as it is; its output goes to the appendix."""
    command = f".venv/bin/python -m {module} {' '.join(args)}".strip()
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", module, *args], cwd=ROOT, capture_output=True,
                          text=True, check=False, env=child_environment())  # fmt: skip
    seconds = time.perf_counter() - started
    status = "ran" if done.returncode == 0 else f"FAILED ({done.returncode})"
    print(f"{command}: {status} in {seconds:.0f} s", flush=True)
    row = {"target": f"{module} (see its output below)", "measured": f"{status}, {seconds:.0f} s",
           "ok": None if done.returncode == 0 else False, "command": command,
           "load": store.machine_load()}  # fmt: skip
    return row, f"### {command}\n\n```\n{done.stdout}{done.stderr[-2000:]}```\n"


def _store_rows(records: list[Row], command: str) -> list[Row]:
    return [{**row, "command": command} for row in bench_store.targets(records)]


def _dashboard_rows(records: list[Row], command: str) -> list[Row]:
    return [
        {
            "target": f"dashboard, 1M rows, {r['backend']}, {r['clients']} clients: "
            "p95 < 300 ms, no errors",
            "measured": f"p50 {r['p50'] * 1e3:.0f} / p95 {r['p95'] * 1e3:.0f} / p99 "
            f"{r['p99'] * 1e3:.0f} ms, {r['requests']} requests, {r['errors']} errors "
            f"(slowest first answer {r['first']:.1f} s)",
            "ok": r["p95"] < 0.3 and r["errors"] == 0,
            "command": command,
            "load": r["load"],
        }
        for r in records
    ]


def _import_rows(records: list[Row], command: str) -> list[Row]:
    """Issue #3's targets for a valid 100,000-row workbook, and #4's for `figures --input`."""
    rows = []
    for r in records:
        limit = 6 if r["backend"] == "postgresql" else 8
        runs = ", ".join(f"{x:.2f}" for x in r["imported_runs"])
        found = [
            (f"validate + import 100k-row XLSX, {r['backend']}: < {limit} s",
             f"{r['imported']:.2f} s (runs {runs})", r["imported"] < limit),
            (f"peak memory of that import, {r['backend']}: < 600 MB",
             f"{r['peak_mb']:.0f} MB", r["peak_mb"] < 600),
        ]  # fmt: skip
        if r["backend"] == "sqlite":
            ratio = r["provisional"] / r["read"]
            found.append(
                ("figures --input 100k-row XLSX: < 4 s and ≤ 1.5× the calamine read",
                 f"{r['provisional']:.2f} s, {ratio:.2f}× (read {r['read']:.2f} s)",
                 r["provisional"] < 4 and ratio <= 1.5)
            )  # fmt: skip
        rows += [{"target": t, "measured": m, "ok": ok, "command": command, "load": r["load"]}
                 for t, m, ok in found]  # fmt: skip
    return rows


def _read_rows(records: list[Row], command: str) -> list[Row]:
    """Issue #15's targets: Kipu beside the read floor (polars + fastexcel) on the same
    100,000-row workbook, whole processes, measured in the same run. The ODS case has no
    target (the issue sets them for R4V's XLSX): its rows are measured beside the floor."""
    rows = []
    what = {
        "r4v": "R4V-shaped XLSX",
        "synthetic": "synthetic (all valid) XLSX",
        "r4v-formulas": "R4V-shaped, totals as formulas, XLSX",
        "r4v-ods": "R4V-shaped ODS (as LibreOffice writes it)",
    }
    for r in records:
        shape = what.get(r["case"], r["case"])
        targeted = r["case"] != "r4v-ods"
        for step, limit, verb in (("figures", 1.3, "figures --input (max-sector)"),
                                  ("validate", 1.2, "validate")):  # fmt: skip
            goal = f"≤ {limit}× the read floor" if targeted else "beside the read floor"
            rows.append({
                "target": f"{verb}, 100k {shape}: {goal}",
                "measured": f"{r[step]:.2f} s, {r[f'{step}_ratio']:.2f}× (floor "
                            f"{r['floor']:.2f} s; CPU {r[f'{step}_cpu']:.2f} s, "
                            f"{r[f'{step}_cpu_ratio']:.2f}×)",
                "ok": r[f"{step}_ratio"] <= limit if targeted else None,
                "command": command, "load": r["load"],
            })  # fmt: skip
            rows.append({
                "target": f"peak memory of {verb}, 100k {shape}"
                          + (": < 400 MB" if targeted else ""),
                "measured": f"{r[f'{step}_mb']:.0f} MB (floor {r['floor_mb']:.0f} MB)",
                "ok": r[f"{step}_mb"] < 400 if targeted else None,
                "command": command, "load": r["load"],
            })  # fmt: skip
    return rows


def _regional_rows(records: list[Row], command: str) -> list[Row]:
    """Issue #13's targets: R4V's regional export of a year, on each backend."""
    rows = []
    for r in records:
        for step, limit in (("validated", 5), ("imported", 5)):
            verb = "validate" if step == "validated" else "import (validation included)"
            rows.append({"target": f"{verb} R4V's regional export, {r['rows']:,} rows, 17 "
                                   f"countries, {r['backend']}: < {limit} s",
                         "measured": f"{r[step]:.2f} s", "ok": r[step] < limit,
                         "command": command, "load": r["load"]})  # fmt: skip
    return rows


def _jobs_rows(records: list[Row], command: str) -> list[Row]:
    """Issue #16: a 100k-row upload answers at once; the worker does the storing."""
    rows = []
    for r in records:
        if r["mode"] != "after":
            continue
        same = [b for b in records if (b["backend"], b["way"]) == (r["backend"], r["way"])]
        before = next((b["request_s"] for b in same if b["mode"] == "before"), None)
        measured = f"{r['request_s']:.2f} s (in the request before jobs: "
        measured += f"{before:.1f} s); worker {r['worker_s']:.1f} s" if before else "n/a)"
        rows.append({"target": f"100k-row upload through the {r['way']}, {r['backend']}: "
                               "answers in < 1 s with jobs",
                     "measured": measured, "ok": r["request_s"] < 1, "command": command,
                     "load": r["load"]})  # fmt: skip
    return rows


def _report_rows(records: list[Row], command: str) -> list[Row]:
    rows = []
    for r in records:
        limit = 5 if r["scenario"] == "demo" else 10
        what = "demo database" if r["scenario"] == "demo" else f"1M store ({r['backend']})"
        rows.append({"target": f"full report (HTML, PDF, DOCX), {what}, {r['phase']} render: "
                               f"< {limit} s",
                     "measured": f"{r['seconds']:.2f} s", "ok": r["seconds"] < limit,
                     "command": command, "load": r["load"]})  # fmt: skip
    return rows


def _machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text()
                .splitlines() if line.startswith("model name")), platform.machine())  # fmt: skip
    memory = int(Path("/proc/meminfo").read_text().split()[1]) / 1024 / 1024
    return f"{os.cpu_count()} CPUs ({cpu}), {memory:.0f} GB RAM, Python {platform.python_version()}"


def _markdown(rows: list[Row], appendix: list[str], started: str, quick: bool) -> str:
    lines = [
        "# Kipu benchmarks",
        "",
        f"Written by `make bench` (`.venv/bin/python -m bench.run{' --quick' if quick else ''}`)"
        f" on {started}. Machine: {_machine()}. The machine is shared with other work: the load "
        "column is the 1/5/15-minute load average when the row was measured; times are "
        "medians of repeated runs unless marked first/cold/rebuild.",
        "",
        "| target | measured | met | command | date | machine load |",
        "|---|---|---|---|---|---|",
    ]
    lines += [_row(r, started) for r in rows]
    return "\n".join([*lines, "", "## Output of the other benchmarks", "", *appendix])


def _replaced(path: Path, rows: list[Row], started: str, command: str) -> str:
    """BENCHMARKS.md with the table rows of `command` replaced by `rows` (where the first of
    them was; at the table's end when there was none)."""
    said = f"Rows of `{command}` re-measured by `bench.run --only` on {started}: {_machine()}."
    lines = path.read_text(encoding="utf-8").splitlines()
    table = lines.index("| target | measured | met | command | date | machine load |")
    if lines[table - 2].startswith(f"Rows of `{command}`"):  # the last time's
        del lines[table - 2 : table]
        table -= 2
    lines[table:table] = [said, ""]
    new = [_row(r, started) for r in rows]
    mine = [i for i, line in enumerate(lines) if line.startswith("| ") and f"`{command}`" in line]
    if mine:
        kept = [line for i, line in enumerate(lines) if i not in mine]
        return "\n".join([*kept[: mine[0]], *new, *kept[mine[0] :]]) + "\n"
    end = max(i for i, line in enumerate(lines) if line.startswith("| "))
    return "\n".join([*lines[: end + 1], *new, *lines[end + 1 :]]) + "\n"


def _row(r: Row, started: str) -> str:
    met = {True: "yes", False: "**no**", None: "—"}[r["ok"]]
    cells = [r["target"], r["measured"], met, f"`{r['command']}`", started[:10], r["load"]]
    return "| " + " | ".join(str(cell) for cell in cells) + " |"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--output", type=Path, default=ROOT / "BENCHMARKS.md")
    parser.add_argument("--only", choices=["read"], help="re-measure these rows only")
    args = parser.parse_args(argv)
    started = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    if args.only == "read":
        options = ["--repeat", "5"]
        command = f"python -m bench.bench_read {' '.join(options)}"
        rows = _read_rows(bench_read.main(options), command)
        args.output.write_text(_replaced(args.output, rows, started, command), encoding="utf-8")
        print(f"written: {args.output} (its bench_read rows)")
        return 0
    rows: list[Row] = []
    appendix: list[str] = []
    externals = [("bench.bench_validation", "--quick"),
                 ("bench.bench_figures", "--sizes", "10000,100000,1000000"),
                 ("bench.bench_surveys", *(["--quick"] if args.quick else []))]  # fmt: skip
    for module, *options in externals:
        row, text = _external(module, *options)
        rows.append(row)
        appendix.append(text)
    backends = ["sqlite"] if args.quick else ["sqlite", "postgresql"]
    options = ["--backends", ",".join(backends), "--repeat", "1" if args.quick else "3"]
    rows += _import_rows(bench_import.main(options),
                         f"python -m bench.bench_import {' '.join(options)}")  # fmt: skip
    options = ["--repeat", "3" if args.quick else "5"]
    rows += _read_rows(bench_read.main(options), f"python -m bench.bench_read {' '.join(options)}")
    options = ["--backends", ",".join(backends), "--repeat", "1" if args.quick else "3"]
    rows += _regional_rows(bench_regional.main(options),
                           f"python -m bench.bench_regional {' '.join(options)}")  # fmt: skip
    options = ["--backends", ",".join(backends)]
    rows += _jobs_rows(bench_jobs.main(options), f"python -m bench.bench_jobs {' '.join(options)}")
    sizes = "1000000" if args.quick else "10000,100000,1000000"
    options = ["--sizes", sizes, "--backends", ",".join(backends), "--keep-postgres"]
    rows += _store_rows(
        bench_store.main(options), f"python -m bench.bench_store {' '.join(options)}"
    )
    try:
        for backend in backends:
            options = ["--backend", backend, "--seconds", "15" if args.quick else "30"]
            command = f"python -m bench.bench_dashboard {' '.join(options)}"
            rows += _dashboard_rows(bench_dashboard.main(options), command)
        options = ["--backend", "sqlite", "--repeat", "1" if args.quick else "3"]
        command = f"python -m bench.bench_report {' '.join(options)}"
        rows += _report_rows(bench_report.main(options), command)
    finally:
        if "postgresql" in backends:
            for rows_count in (10_000, 100_000, 1_000_000):
                store.postgres(f"DROP DATABASE IF EXISTS kipu_bench_{store.label(rows_count)}")
    if (ROOT / "bench" / "bench_api.py").exists():
        api = ["--rows", "100000" if args.quick else "1000000", "--keep",
               str(store.DATA / ("api-100k" if args.quick else "api-1m"))]  # fmt: skip
        row, text = _external("bench.bench_api", *api)
        rows.append(row)
        appendix.append(text)
    args.output.write_text(_markdown(rows, appendix, started, args.quick) + "\n", encoding="utf-8")
    print(f"written: {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
