"""Production settings pass Django's deployment checks; static files collect."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

KIPU = str(Path(sys.executable).with_name("kipu"))


def production_env(tmp_path: Path) -> dict[str, str]:
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {
        **inherited,
        "KIPU_DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "KIPU_ALLOWED_HOSTS": "kipu.example.org",
        "KIPU_DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }


def test_check_deploy_is_clean(tmp_path: Path) -> None:
    done = subprocess.run(
        [KIPU, "manage", "check", "--deploy", "--fail-level", "WARNING"],
        capture_output=True,
        text=True,
        env=production_env(tmp_path),
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    env = production_env(tmp_path)
    del env["SECRET_KEY"]
    done = subprocess.run(
        [KIPU, "manage", "check"], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode != 0 and "SECRET_KEY" in done.stderr


def test_collectstatic_serves_local_assets(tmp_path: Path) -> None:
    done = subprocess.run(
        [KIPU, "manage", "collectstatic", "--noinput"],
        capture_output=True,
        text=True,
        env=production_env(tmp_path),
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert list((tmp_path / "static" / "kipu").glob("kipu.*.css"))  # hashed for caching
