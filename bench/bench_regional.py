"""Benchmark: R4V's regional export of a year (22,496 rows, 17 countries, R4V-shaped: long
texts, "# of" indicators, a fifth of rows repeated, an eighth with a breakdown error) —
validate it and import it into a regional platform, on SQLite and PostgreSQL.

Run: .venv/bin/python -m bench.bench_regional [--rows 22496] [--backends sqlite,postgresql]

Each backend runs in a child process with a fresh database set up with the same commands an
R4V officer runs (admin1 list, regional platform, registry, three plan years); the file comes
from `kipu.core.demo_regional`, the generator the regional end-to-end test uses.
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
ROWS = 22_496  # R4V's 2021 regional export


def _setup(folder: Path) -> Any:
    """The officer's set-up, through the `kipu` command (as the end-to-end test runs it)."""
    import django

    django.setup()
    from click.testing import CliRunner

    from kipu.cli import main as kipu
    from kipu.core import demo_regional as r4v
    from kipu.web.platforms.models import Platform

    def file(name: str, text: str) -> str:
        (folder / name).write_text(text, encoding="utf-8")
        return str(folder / name)

    def ok(*args: str) -> None:
        done = CliRunner().invoke(kipu, list(args), catch_exceptions=False)
        assert done.exit_code == 0, f"kipu {' '.join(args)}: {done.output[-2000:]}"

    ok("init")  # the database and the bundled Peru gazetteer
    ok("locations", "load", file("admin1.csv", r4v.admin1_list_csv()))
    countries = ",".join(iso3 for iso3, *_ in r4v.ALL_COUNTRIES)
    ok("platforms", "add", "r4v", "--name", "R4V", "--level", "regional", "--countries", countries)
    ok("orgs", "load", file("registry.csv", r4v.registry_csv()), "--platform", "r4v")
    for year in r4v.YEARS:
        plan = file(f"plan-{year}.csv", r4v.plan_csv(year))
        ok("plan", "load", plan, "--year", str(year), "--platform", "r4v")
    return Platform.objects.get(slug="r4v")


def measure(rows: int, repeat: int) -> None:
    """In the child: set up, write the export, time validation and import (median)."""
    from kipu.core import demo_regional as r4v

    folder = Path(os.environ["KIPU_DATA_DIR"])
    platform = _setup(folder)
    path = r4v.write_export(folder / f"r4v-{rows}.xlsx", rows)
    validated = [_validate_seconds(platform, path) for _ in range(repeat)]
    imported = [_import_seconds(platform, path) for _ in range(repeat)]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    backend = "postgresql" if os.environ["DATABASE_URL"].startswith("postgres") else "sqlite"
    v, i = statistics.median(validated), statistics.median(imported)
    print(
        f"{backend:10} {rows:>9,} rows  validate {v:6.2f} s  import {i:6.2f} s "
        f"(runs {', '.join(f'{x:.2f}' for x in imported)})  peak RSS {peak:,.0f} MB  "
        f"load {Path('/proc/loadavg').read_text().split()[:3]}",
        flush=True,
    )
    store.emit(backend=backend, rows=rows, validated=v, imported=i, imported_runs=imported,
               peak_mb=peak, load=store.machine_load())  # fmt: skip


def _validate_seconds(platform: Any, path: Path) -> float:
    from kipu.core.validation import validate_file
    from kipu.web.platforms.queries import reference_data

    started = time.perf_counter()
    result = validate_file(path, reference_data(platform, None))
    seconds = time.perf_counter() - started
    assert result.report.rows_read > 0, result.report.summary
    return seconds


def _import_seconds(platform: Any, path: Path) -> float:
    from kipu.web.submissions.imports import import_file
    from kipu.web.submissions.models import Activity, Submission

    started = time.perf_counter()
    result = import_file(platform, path, accept_issues=True)
    seconds = time.perf_counter() - started
    assert result.stored and not result.blocked, result.validation.report.summary
    stored = [s.pk for s in result.stored]
    Activity.objects.filter(submission_id__in=stored).delete()
    Submission.objects.filter(pk__in=stored).delete()
    return seconds


def run(backend: str, rows: int, repeat: int) -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory() as folder:
        name = f"kipu_bench_regional_{uuid.uuid4().hex[:6]}"
        url = f"sqlite:///{folder}/bench.sqlite3" if backend == "sqlite" else f"{PG}/{name}"
        if backend == "postgresql":
            store.postgres(f'CREATE DATABASE "{name}"')
        env = child_environment(DATABASE_URL=url, KIPU_DATA_DIR=folder,
                                DJANGO_SETTINGS_MODULE="kipu.web.settings")  # fmt: skip
        try:
            done = subprocess.run(
                [sys.executable, "-m", "bench.bench_regional", "--child", str(rows),
                 "--repeat", str(repeat)],
                cwd=ROOT, env=env, check=False, capture_output=True, text=True,
            )  # fmt: skip
            if done.returncode:
                raise SystemExit(f"{backend}: the benchmark failed\n{done.stderr[-3000:]}")
            lines = done.stdout.splitlines()
            print("\n".join(x for x in lines if not x.startswith("RESULT ")), flush=True)
            return [json.loads(x[7:]) for x in lines if x.startswith("RESULT ")]
        finally:
            if backend == "postgresql":
                store.postgres(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main(argv: list[str] | None = None) -> list[dict[str, Any]]:
    parser = argparse.ArgumentParser(description="Validate and import R4V's regional export.")
    parser.add_argument("--rows", type=int, default=ROWS)
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
