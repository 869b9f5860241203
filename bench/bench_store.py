"""Benchmark: figures from a stored 5W store of 10k, 100k and 1M rows, SQLite and PostgreSQL.

Run: .venv/bin/python -m bench.bench_store [--sizes 10000,100000,1000000]
     [--backends sqlite,postgresql] [--repeat 5] [--keep-postgres]

Stores are built by bench.store (kept under bench/data/ for SQLite; PostgreSQL databases
kipu_bench_* are dropped at the end unless --keep-postgres). Each phase runs in its own
process, through the web query path (kipu.web.figures.queries.platform_figures):

- rebuild: no snapshot file: the rows are read from the database and the snapshot written;
- cold: a fresh process with the snapshot on disk (what a new worker or `kipu figures` sees);
- warm: the same process asking again (median of --repeat), country-year for each model and
  region-year; then again right after one submission is re-imported (incremental update);
- cli: `kipu figures --format text` for the region-year, whole process included (1M rows
  only; the JSON output of a region-year is tens of MB and its encoding dominates).

Targets (issues): one country-year, any model, under 1 s; the region-year under 3 s.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

from bench import child_environment, store

MODELS = ("sum", "max-sector", "max-agd", "max-cell")  # `grouped` needs groups: bench_figures
YEAR = (f"{store.YEAR}-01", f"{store.YEAR}-12")
COUNTRY = "COL"


def _seconds(function: Callable[[], Any]) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def _cache(rows: int, backend: str) -> str:
    return str(store.DATA / f"cache-{backend}-{store.label(rows)}")


def _figures(platform: Any, model: str = "max-cell", country: bool = False) -> Any:
    from kipu.web.figures.queries import platform_figures

    countries = [COUNTRY] if country else None
    return platform_figures(
        platform, model=model, date_from=YEAR[0], date_to=YEAR[1], countries=countries
    )


def phase_rebuild(platform: Any, data_dir: str) -> None:
    shutil.rmtree(os.path.join(data_dir, "cache"), ignore_errors=True)
    store.emit(phase="rebuild", scenario="region-year max-cell", seconds=_seconds(
        lambda: _figures(platform)))  # fmt: skip


def phase_cold(platform: Any) -> None:
    country = _seconds(lambda: _figures(platform, country=True))
    region = _seconds(lambda: _figures(platform))
    store.emit(phase="cold", scenario="country-year max-cell", seconds=country)
    store.emit(phase="cold", scenario="region-year max-cell", seconds=region)


def phase_warm(platform: Any, repeat: int) -> None:
    _figures(platform)
    for model in MODELS:
        times = [_seconds(lambda m=model: _figures(platform, m, True)) for _ in range(repeat)]
        store.emit(phase="warm", scenario=f"country-year {model}", seconds=statistics.median(times))
    times = [_seconds(lambda: _figures(platform)) for _ in range(repeat)]
    store.emit(phase="warm", scenario="region-year max-cell", seconds=statistics.median(times))
    _reimport(platform)
    store.emit(phase="after import", scenario="region-year max-cell",
               seconds=_seconds(lambda: _figures(platform)))  # fmt: skip


def _reimport(platform: Any) -> None:
    """Store one organisation-month again as it is (a new current submission, same rows)."""
    from kipu.web.submissions.queries import activity_frame
    from kipu.web.submissions.services import store_submission

    submission = platform.submissions.filter(status="current").order_by("id").last()
    month = submission.month
    rows = activity_frame(
        platform, organisation=submission.organisation, month_from=month, month_to=month
    )
    store_submission(platform, submission.organisation, month, rows, file_name="bench-again")


def _run_phase(phase: str, url: str, rows: int, data_dir: str, repeat: int) -> None:
    """In a child process: set Django up on the store and run one phase."""
    store.setup(url, data_dir)
    platform, built = store.build(rows)
    if built:
        store.emit(phase="build", scenario="store build", seconds=built)
    if phase == "rebuild":
        phase_rebuild(platform, data_dir)
    elif phase == "cold":
        phase_cold(platform)
    else:
        phase_warm(platform, repeat)


def _cli(url: str, data_dir: str) -> float:
    command = [os.path.join(os.path.dirname(store.PYTHON), "kipu"), "figures", "--platform",
               store.SLUG, "--from", YEAR[0], "--to", YEAR[1], "--format", "text",
               "-o", os.devnull]  # fmt: skip
    env = child_environment(DATABASE_URL=url, KIPU_DATA_DIR=data_dir, KIPU_DEBUG="0",
                            SECRET_KEY="bench-only")  # fmt: skip
    started = time.perf_counter()
    subprocess.run(command, env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def measure(backend: str, rows: int, repeat: int) -> list[dict[str, Any]]:
    url, data_dir = store.store_url(backend, rows), _cache(rows, backend)
    if backend == "postgresql" and not store.postgres(f"CREATE DATABASE {url.rsplit('/', 1)[1]}"):
        print(f"PostgreSQL unreachable at {store.POSTGRES}: skipped", file=sys.stderr)
        return []
    found: list[dict[str, Any]] = []
    for phase in ("rebuild", "cold", "warm"):
        args = ["--phase", phase, "--url", url, "--rows", str(rows), "--data-dir", data_dir]
        found += store.child("bench.bench_store", *args, "--repeat", str(repeat))
    if rows >= 1_000_000:
        times = [_cli(url, data_dir) for _ in range(3)]
        found.append({"phase": "cli", "scenario": "kipu figures region-year",
                      "seconds": statistics.median(times)})  # fmt: skip
    for record in found:
        record.update(backend=backend, rows=rows, load=store.machine_load())
        print(f"{backend:<10} {rows:>9,} {record['phase']:<12} {record['scenario']:<26} "
              f"{record['seconds']:>7.3f} s   load {record['load']}", flush=True)  # fmt: skip
    return found


def targets(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows of BENCHMARKS.md: the worst country-year model and the region-year, at 1M."""
    rows = []
    for record in records:
        if record["rows"] < 1_000_000 or record["phase"] in ("build",):
            continue
        limit = 1.0 if record["scenario"].startswith("country") else 3.0
        if record["phase"] == "rebuild" and record["backend"] == "postgresql":
            limit = 5.0  # issue #15: rows read into Arrow (ADBC), no Python object per value
        rows.append({
            "target": f"figures {record['scenario']}, 1M rows, {record['backend']}, "
                      f"{record['phase']}: < {limit:g} s",
            "measured": f"{record['seconds']:.2f} s",
            "ok": record["seconds"] < limit,
            "load": record["load"],
        })  # fmt: skip
    return rows


def main(argv: list[str] | None = None) -> list[dict[str, Any]]:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep-postgres", action="store_true")
    parser.add_argument("--phase", choices=("rebuild", "cold", "warm"), help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--rows", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.phase:
        _run_phase(args.phase, args.url, args.rows, args.data_dir, args.repeat)
        return []
    store.DATA.mkdir(exist_ok=True)
    records: list[dict[str, Any]] = []
    for backend in args.backends.split(","):
        for rows in (int(s) for s in args.sizes.split(",")):
            records += measure(backend, rows, args.repeat)
            if backend == "postgresql" and not args.keep_postgres:
                store.postgres(f"DROP DATABASE IF EXISTS kipu_bench_{store.label(rows)}")
    return records


if __name__ == "__main__":
    main()
