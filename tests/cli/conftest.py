from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
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


@pytest.fixture
def fresh_database_url(tmp_path: Path) -> Iterator[str]:
    """An empty database of the kind under test: a new SQLite file, or a new PostgreSQL database."""
    configured = os.environ.get("DATABASE_URL", "")
    if not configured.startswith("postgres"):
        yield f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
        return
    import psycopg

    from kipu.web.database import parse_database_url

    config = parse_database_url(configured)
    name = f"kipu_e2e_{uuid.uuid4().hex[:8]}"
    admin = dict(
        dbname="postgres",
        user=config["USER"] or None,
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        autocommit=True,
    )
    with psycopg.connect(**admin) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    yield configured.rsplit("/", 1)[0] + f"/{name}"
    with psycopg.connect(**admin) as connection:
        connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
