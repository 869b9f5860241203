from __future__ import annotations

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
