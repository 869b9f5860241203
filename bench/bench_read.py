"""Benchmark: Kipu beside the read floor, whole processes, on the same 100,000-row workbooks.

Run: .venv/bin/python -m bench.bench_read [--rows 100000] [--repeat 5]
     [--cases r4v,synthetic,r4v-formulas]

Three workbooks: "r4v", shaped like R4V's regional 5W export (`kipu.core.demo_regional`: 17
countries, long texts, "# of" indicators, a fifth of the rows repeated, an eighth with an
age/sex breakdown that does not add up), and "synthetic", the older kind one of
bench_import (the demonstration's 2019 rows repeated, every row valid); and "r4v-formulas",
the first with each row's total and new beneficiaries as formulas (cached values), as
partners build their sheets; and "r4v-ods", the first as an ODS file written the way
LibreOffice Calc writes one (`bench.ods_export`). For each, three
commands run as fresh processes, interleaved run by run so the machine's load falls on all
alike:

- floor: `polars.read_excel` (fastexcel) of the workbook, nothing else;
- figures: `kipu figures --input FILE --model max-sector` (the year's months);
- validate: `kipu validate FILE` (text report).

Per command: the median wall time, the median CPU time (user + system, all threads: on a
shared machine it moves less than wall time), the peak RSS, and both ratios to the floor.
The database (SQLite, the demonstration and R4V's set-up) and the workbooks are kept under
bench/data/read-<rows>/ and reused.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import child_environment, store

ROOT = Path(__file__).resolve().parent.parent
KIPU = str(Path(sys.executable).with_name("kipu"))
FLOOR = "import sys, polars; polars.read_excel(sys.argv[1])"
# Platform and year; "r4v-formulas" is "r4v" with each row's total and new beneficiaries
# written as formulas with cached values (the marks scan reads each formula cell).
CASES = {
    "r4v": ("r4v", "2021"),
    "synthetic": ("gtrm-peru", "2019"),
    "r4v-formulas": ("r4v", "2021"),
    "r4v-ods": ("r4v", "2021"),
}
FILES = {"r4v-ods": "r4v.ods"}  # the others: "<case>.xlsx"


def folder(rows: int) -> Path:
    return store.DATA / f"read-{store.label(rows)}"


def environment(where: Path) -> dict[str, str]:
    return child_environment(
        DATABASE_URL=f"sqlite:///{where}/db.sqlite3",
        KIPU_DATA_DIR=str(where),
        SECRET_KEY="bench-only",
        KIPU_DEBUG="0",
        KIPU_SSL_REDIRECT="0",
        DJANGO_SETTINGS_MODULE="kipu.web.settings",
    )


def set_up(rows: int) -> None:
    """In a child process: the database (R4V's regional platform and the demonstration) and
    both workbooks."""
    from bench import bench_import, bench_regional, ods_export
    from kipu.core import demo_regional

    where = Path(os.environ["KIPU_DATA_DIR"])
    bench_regional._setup(where)  # django.setup(), `kipu init`, R4V's officer set-up
    from kipu.web.site.services import load_demo

    load_demo()
    demo_regional.write_export(where / "r4v.xlsx", rows)
    demo_regional.write_export(where / "r4v-formulas.xlsx", rows, formulas=True)
    ods_export.write_ods(where / "r4v.ods", rows)
    bench_import.workbook(rows, where).rename(where / "synthetic.xlsx")


def ensure(rows: int) -> Path:
    where = folder(rows)
    if (where / "synthetic.xlsx").exists() and not (where / "r4v-formulas.xlsx").exists():
        from kipu.core import demo_regional  # a folder set up before the case was added

        demo_regional.write_export(where / "r4v-formulas.xlsx", rows, formulas=True)
    if (where / "synthetic.xlsx").exists() and not (where / "r4v.ods").exists():
        from bench import ods_export

        ods_export.write_ods(where / "r4v.ods", rows)
    if not (where / "synthetic.xlsx").exists():
        where.mkdir(parents=True, exist_ok=True)
        for stale in where.glob("*"):
            stale.unlink()
        command = [sys.executable, "-m", "bench.bench_read", "--setup", str(rows)]
        env = environment(where)
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
        if done.returncode:
            raise SystemExit(f"set-up failed:\n{done.stderr[-3000:]}")
    # A database set up before a migration was added: the commands answered "not
    # initialised" at once (exit 1), and the bench read 0.8 s as Kipu's time.
    done = subprocess.run([KIPU, "init"], cwd=ROOT, env=environment(where), capture_output=True,
                          text=True)  # fmt: skip
    if done.returncode:
        raise SystemExit(f"kipu init failed:\n{done.stderr[-3000:]}")
    return where


def run_once(command: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user + system) and peak RSS (MB) of one process."""
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        child = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                 stderr=errors)  # fmt: skip
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        errors.seek(0)
        text = errors.read().decode(errors="replace")
        # 1: an invalid file, which these are meant to be; not a command that could not run
        # (`error: …`, the CLI's own failures, which exit 1 too).
        if child.returncode not in (0, 1) or text.startswith("error:") or "\nerror:" in text:
            raise SystemExit(f"{' '.join(command)} failed ({child.returncode}):\n{text[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def commands(case: str, path: Path) -> dict[str, list[str]]:
    platform, year = CASES[case]
    months = ["--from", f"{year}-01", "--to", f"{year}-12"]
    return {
        "floor": [sys.executable, "-c", FLOOR, str(path)],
        "figures": [KIPU, "figures", "--input", str(path), "--platform", platform,
                    "--model", "max-sector", *months],
        "validate": [KIPU, "validate", str(path), "--platform", platform],
    }  # fmt: skip


def measure(case: str, rows: int, repeat: int) -> dict[str, Any]:
    where = ensure(rows)
    env = environment(where)
    steps = commands(case, where / FILES.get(case, f"{case}.xlsx"))
    runs: dict[str, list[tuple[float, float, float]]] = {name: [] for name in steps}
    for _ in range(repeat):
        for name, command in steps.items():
            runs[name].append(run_once(command, env))
    found: dict[str, Any] = {"case": case, "rows": rows, "load": store.machine_load()}
    for name, measured in runs.items():
        found[name] = statistics.median(w for w, _, _ in measured)
        found[f"{name}_cpu"] = statistics.median(c for _, c, _ in measured)
        found[f"{name}_runs"] = [round(w, 2) for w, _, _ in measured]
        found[f"{name}_mb"] = max(m for _, _, m in measured)
    for name in ("figures", "validate"):
        found[f"{name}_ratio"] = found[name] / found["floor"]
        found[f"{name}_cpu_ratio"] = found[f"{name}_cpu"] / found["floor_cpu"]
    return found


def report(found: dict[str, Any]) -> None:
    print(f"{found['case']:9} {found['rows']:,} rows, load {found['load']}")
    for name in ("floor", "figures", "validate"):
        ratio = (
            ""
            if name == "floor"
            else (f"  {found[f'{name}_ratio']:.2f}x wall, {found[f'{name}_cpu_ratio']:.2f}x CPU")
        )
        print(f"  {name:9} {found[name]:6.2f} s wall (runs {found[f'{name}_runs']}), "
              f"{found[f'{name}_cpu']:5.2f} s CPU, peak {found[f'{name}_mb']:.0f} MB{ratio}",
              flush=True)  # fmt: skip


def main(argv: list[str] | None = None) -> list[dict[str, Any]]:
    parser = argparse.ArgumentParser(description="Kipu beside the read floor, whole processes.")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--cases", default=",".join(CASES))
    parser.add_argument("--setup", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.setup:
        set_up(args.setup)
        return []
    found = []
    for case in args.cases.split(","):
        found.append(measure(case, args.rows, args.repeat))
        report(found[-1])
    return found


if __name__ == "__main__":
    main()
