"""The benchmarks still run: `make bench` is where the performance targets live, and a benchmark
broken by an API change (as bench_figures was by `people_reached` returning a pair) is only
found when someone next runs it. Small sizes here; the numbers are not looked at."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_figures_benchmark_runs_and_agrees_with_pandas() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bench.bench_figures", "--sizes", "2000"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    assert "people reached: pandas" in done.stdout  # it compared both, and they agreed
