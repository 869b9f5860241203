"""Benchmark: render the full situation report (HTML, PDF, DOCX) from the demo database and
from the 1,000,000-row store.

Run: .venv/bin/python -m bench.bench_report [--backend sqlite|postgresql] [--rows 1000000]
     [--repeat 3]

Each database is rendered in its own process through kipu.web.reports.services.render_report:
the first render of the process (snapshot on disk, nothing in memory) and the median of the
next --repeat renders. Targets (issues): demo under 5 s, 1M-row store under 10 s.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import store

DEMO_MONTH, STORE_MONTH = "2019-11", f"{store.YEAR}-12"


def _render(platform: Any, month: str) -> float:
    from kipu.web.reports.services import render_report

    with tempfile.TemporaryDirectory(prefix="kipu-bench-report-") as folder:
        started = time.perf_counter()
        result = render_report(platform, month, "en", Path(folder))
        seconds = time.perf_counter() - started
        assert result.html.exists() and result.pdf and result.docx, "a format is missing"
    return seconds


def _demo_platform() -> Any:
    from kipu.core.gazetteer import bundled_locations
    from kipu.web.locations.services import load_locations
    from kipu.web.platforms.models import Platform
    from kipu.web.site.services import load_demo

    found = Platform.objects.filter(slug="gtrm-peru").first()
    if found is not None:
        return found
    load_locations(bundled_locations("PE"))
    return load_demo()


def _phase(which: str, url: str, rows: int, data_dir: str, repeat: int) -> None:
    store.setup(url, data_dir)
    if which == "demo":
        platform, month = _demo_platform(), DEMO_MONTH
    else:
        platform, month = store.build(rows)[0], STORE_MONTH
    store.emit(scenario=which, phase="first", seconds=_render(platform, month))
    times = [_render(platform, month) for _ in range(repeat)]
    store.emit(scenario=which, phase="again", seconds=statistics.median(times))


def main(argv: list[str] | None = None) -> list[dict[str, Any]]:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--phase", choices=("demo", "store"), help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.phase:
        _phase(args.phase, args.url, args.rows, args.data_dir, args.repeat)
        return []
    store.DATA.mkdir(exist_ok=True)
    runs = {
        "demo": (f"sqlite:///{store.DATA / 'demo.sqlite3'}", str(store.DATA / "cache-demo")),
        "store": (
            store.store_url(args.backend, args.rows),
            str(store.DATA / f"cache-{args.backend}-{store.label(args.rows)}"),
        ),
    }
    records = []
    for which, (url, data_dir) in runs.items():
        options = ["--url", url, "--rows", str(args.rows), "--data-dir", data_dir]
        found = store.child("bench.bench_report", "--phase", which, *options,
                            "--repeat", str(args.repeat))  # fmt: skip
        for record in found:
            backend = args.backend if which == "store" else "sqlite"
            record.update(backend=backend, rows=args.rows if which == "store" else 0,
                          load=store.machine_load())  # fmt: skip
            print(f"report {which:<6} {record['backend']:<10} {record['phase']:<6} "
                  f"{record['seconds']:>7.2f} s   load {record['load']}", flush=True)  # fmt: skip
        records += found
    return records


if __name__ == "__main__":
    main()
