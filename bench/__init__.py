"""Kipu's benchmarks (`make bench`: bench/run.py writes BENCHMARKS.md)."""

from __future__ import annotations

import os

# polars writes its allocator's settings into the environment when it is imported
# (_RJEM_MALLOC_CONF). A command started by a benchmark that imported polars inherits them and
# keeps freed pages in its RSS longer than the same command typed in a shell (measured on
# `kipu validate` of 100,000 rows: 20-60 MB more at the peak), so children get the variable as
# the benchmark found it: what a user's shell gives.
_FOUND = os.environ.get("_RJEM_MALLOC_CONF")


def child_environment(**settings: str) -> dict[str, str]:
    """The environment for a measured child process: this one's, with `settings`, and the
    allocator variable as it was before polars was imported."""
    env = {**os.environ, **settings}
    if _FOUND is None:
        env.pop("_RJEM_MALLOC_CONF", None)
    else:
        env["_RJEM_MALLOC_CONF"] = _FOUND
    return env
