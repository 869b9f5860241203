"""Kipu's benchmarks (`make bench`: bench/run.py writes BENCHMARKS.md)."""

from __future__ import annotations

import compileall
import os
from pathlib import Path

# polars writes its allocator's settings into the environment when it is imported
# (_RJEM_MALLOC_CONF). A command started by a benchmark that imported polars inherits them and
# keeps freed pages in its RSS longer than the same command typed in a shell (measured on
# `kipu validate` of 100,000 rows: 20-60 MB more at the peak), so children get the variable as
# the benchmark found it: what a user's shell gives.
_FOUND = os.environ.get("_RJEM_MALLOC_CONF")


# A measured command starts from bytecode, as an installed Kipu does (pip compiles a package's
# modules when it installs it; its dependencies here are compiled so too). A source checkout
# run with PYTHONDONTWRITEBYTECODE=1, as in some shells and CI, compiled every module of Kipu
# at every start instead: about 0.2 s of CPU per command, a cost no user of a package pays.
_SOURCES = Path(__file__).resolve().parent.parent / "src"


def child_environment(**settings: str) -> dict[str, str]:
    """The environment for a measured child process: this one's, with `settings`, and the
    allocator variable as it was before polars was imported. Kipu's modules are compiled to
    bytecode first (`_SOURCES`)."""
    compileall.compile_dir(_SOURCES, quiet=1)
    env = {**os.environ, **settings}
    if _FOUND is None:
        env.pop("_RJEM_MALLOC_CONF", None)
    else:
        env["_RJEM_MALLOC_CONF"] = _FOUND
    return env
