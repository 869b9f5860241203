"""DATABASE_URL → Django DATABASES entry; `python -m kipu.web.database ping URL` for scripts.

SQLite (the default, under the data directory) or PostgreSQL; nothing else is supported.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit


def data_dir() -> Path:
    """Where Kipu keeps its SQLite database and rendered files: $KIPU_DATA_DIR or ./var."""
    return Path(os.environ.get("KIPU_DATA_DIR", "var")).resolve()


def default_url() -> str:
    return f"sqlite:///{data_dir() / 'kipu.sqlite3'}"


def parse_database_url(url: str) -> dict[str, Any]:
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        path = unquote(parts.path)
        if parts.netloc:  # sqlite://relative/path
            path = parts.netloc + path
        elif path.startswith("//"):  # sqlite:////absolute/path
            path = path[1:]
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": path or ":memory:",
            # IMMEDIATE: a transaction takes the write lock when it begins, and waits for it
            # (`timeout`). A deferred one that read first could not wait when it came to write:
            # concurrent submissions of one month failed at once with "database is locked".
            "OPTIONS": {
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL;",
                "transaction_mode": "IMMEDIATE",
            },
        }
    if parts.scheme in ("postgres", "postgresql"):
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")) or "kipu",
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "OPTIONS": query,
            "CONN_MAX_AGE": 60,
        }
    raise ValueError(
        f"unsupported DATABASE_URL scheme {parts.scheme!r}: use sqlite:/// or postgresql://"
    )


def ping(url: str) -> bool:
    """True when the PostgreSQL server behind `url` answers (its maintenance database)."""
    config = parse_database_url(url)
    if config["ENGINE"].endswith("sqlite3"):
        return True
    import psycopg

    try:
        psycopg.connect(
            dbname="postgres",
            user=config["USER"] or None,
            password=config["PASSWORD"] or None,
            host=config["HOST"] or None,
            port=config["PORT"] or None,
            connect_timeout=3,
        ).close()
    except psycopg.Error:
        return False
    return True


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "ping":
        sys.exit(0 if ping(sys.argv[2]) else 1)
    sys.exit("usage: python -m kipu.web.database ping URL")
