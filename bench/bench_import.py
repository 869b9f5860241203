"""Benchmark: a realistic, valid 100,000-row 5W workbook — validate and import it into SQLite
and PostgreSQL, and compute provisional figures straight from it (`kipu figures --input`),
beside the time it takes just to read it with python-calamine.

Run: .venv/bin/python -m bench.bench_import [--rows 100000] [--backends sqlite,postgresql]

Each backend runs in a child process with a fresh database holding the synthetic demonstration
platform; the workbook repeats the demonstration's 2019 rows with distinct activity names, so
every row is valid and stored.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from bench import child_environment, store

ROOT = Path(__file__).resolve().parent.parent
PG = "postgresql://postgres@127.0.0.1:5432"


def workbook(rows: int, folder: Path) -> Path:
    import polars as pl

    from kipu.core.demo import demo_activities
    from kipu.core.export import table_rows, write_xlsx
    from kipu.core.frame import activity_frame
    from kipu.web.platforms.models import Platform
    from kipu.web.platforms.queries import reference_data

    base = activity_frame(demo_activities())
    copies = -(-rows // base.height)
    frame = pl.concat(
        [base.with_columns(activity_name=pl.col("activity_name") + f" #{i}") for i in range(copies)]
    ).head(rows)
    path = folder / f"valid-{rows}.xlsx"
    write_xlsx(
        table_rows(frame, reference_data(Platform.objects.get(slug="gtrm-peru"), 2019)), path
    )
    return path


def measure(rows: int, repeat: int) -> None:
    """In the child: set up the database, write the workbook, time the three operations
    (median of `repeat`; the import's rows are deleted between repeats)."""
    import django

    django.setup()
    from django.core.management import call_command

    from kipu.core.gazetteer import bundled_locations
    from kipu.web.locations.services import load_locations

    call_command("migrate", interactive=False, verbosity=0)
    load_locations(bundled_locations("PE"))
    from kipu.web.site.services import load_demo

    platform = load_demo()
    path = workbook(rows, Path(os.environ["KIPU_DATA_DIR"]))
    read = [_read_seconds(path) for _ in range(repeat)]
    provisional = [_provisional_seconds(platform, path) for _ in range(repeat)]
    imported = [_import_seconds(platform, path) for _ in range(repeat)]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    backend = "postgresql" if os.environ["DATABASE_URL"].startswith("postgres") else "sqlite"
    r, f, i = (statistics.median(x) for x in (read, provisional, imported))
    print(
        f"{backend:10} {rows:>9,} rows  read (calamine) {r:6.2f} s  figures --input "
        f"{f:6.2f} s ({f / r:.2f}x)  validate+import {i:6.2f} s "
        f"(runs {', '.join(f'{x:.2f}' for x in imported)})  peak RSS {peak:,.0f} MB  "
        f"load {Path('/proc/loadavg').read_text().split()[:3]}",
        flush=True,
    )
    store.emit(backend=backend, rows=rows, read=r, provisional=f, imported=i,
               imported_runs=imported, peak_mb=peak, load=store.machine_load())  # fmt: skip


def _read_seconds(path: Path) -> float:
    from python_calamine import CalamineWorkbook

    started = time.perf_counter()
    CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    return time.perf_counter() - started


def _provisional_seconds(platform: Any, path: Path) -> float:
    from kipu.core.figures import FigureOptions
    from kipu.core.provisional import figures_from_file
    from kipu.web.platforms.queries import reference_data

    reference = reference_data(platform, 2019)
    started = time.perf_counter()
    figures_from_file(path, reference, FigureOptions(date_from="2019-01", date_to="2019-12"))
    return time.perf_counter() - started


def _import_seconds(platform: Any, path: Path) -> float:
    from kipu.web.submissions.imports import import_file
    from kipu.web.submissions.models import Activity, Submission

    started = time.perf_counter()
    if os.environ.get("KIPU_BENCH_PROFILE"):
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        result = profiler.runcall(import_file, platform, path)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    else:
        result = import_file(platform, path)
    seconds = time.perf_counter() - started
    assert result.ok and result.stored, result.validation.report.summary
    stored = [s.pk for s in result.stored]
    Activity.objects.filter(submission_id__in=stored).delete()
    Submission.objects.filter(pk__in=stored).delete()
    return seconds


def run(backend: str, rows: int, repeat: int) -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory() as folder:
        name = f"kipu_bench_import_{uuid.uuid4().hex[:6]}"
        url = f"sqlite:///{folder}/bench.sqlite3" if backend == "sqlite" else f"{PG}/{name}"
        if backend == "postgresql":
            subprocess.run(
                [
                    "psql",
                    "-q",
                    "-h",
                    "127.0.0.1",
                    "-U",
                    "postgres",
                    "-c",
                    f'CREATE DATABASE "{name}"',
                ],
                check=True,
            )
        env = child_environment(
            DATABASE_URL=url, KIPU_DATA_DIR=folder, DJANGO_SETTINGS_MODULE="kipu.web.settings"
        )
        try:
            done = subprocess.run(
                [sys.executable, "-m", "bench.bench_import", "--child", str(rows),
                 "--repeat", str(repeat)],
                cwd=ROOT, env=env, check=True, capture_output=True, text=True,
            )  # fmt: skip
            lines = done.stdout.splitlines()
            print("\n".join(x for x in lines if not x.startswith("RESULT ")), flush=True)
            return [json.loads(x[7:]) for x in lines if x.startswith("RESULT ")]
        finally:
            if backend == "postgresql":
                subprocess.run(
                    [
                        "psql",
                        "-q",
                        "-h",
                        "127.0.0.1",
                        "-U",
                        "postgres",
                        "-c",
                        f'DROP DATABASE "{name}" WITH (FORCE)',
                    ],
                    check=False,
                )


def main(argv: list[str] | None = None) -> list[dict[str, Any]]:
    parser = argparse.ArgumentParser(description="Validate and import a valid 100k-row 5W file.")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        measure(args.child, args.repeat)
        return []
    return [r for backend in args.backends.split(",") for r in run(backend, args.rows, args.repeat)]


if __name__ == "__main__":
    main()
