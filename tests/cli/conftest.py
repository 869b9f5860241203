from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from kipu.cli import main


@pytest.fixture
def kipu(db, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN001
    """Run `kipu ARGS…` in-process against the test database."""
    monkeypatch.setenv("KIPU_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("DATABASE_URL", raising=False)  # the test database is already configured
    runner = CliRunner()

    def run(*args: str) -> Result:
        return runner.invoke(main, list(args), catch_exceptions=False)

    return run


@pytest.fixture(scope="session")
def process_env() -> Callable[[Path], dict[str, str]]:
    return _process_env


def _process_env(folder: Path) -> dict[str, str]:
    """The environment of real `kipu` processes on a SQLite file of their own in `folder`,
    initialised, with the GTRM Peru platform."""
    kipu = str(Path(sys.executable).with_name("kipu"))
    made = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "KIPU_DATA_DIR": str(folder),
    }
    add = ["platforms", "add", "gtrm", "--name", "GTRM Peru", "--country", "PER"]
    for args in (["init"], add):
        done = subprocess.run([kipu, *args], env=made, capture_output=True, timeout=300)
        assert done.returncode == 0, done.stderr
    return made
