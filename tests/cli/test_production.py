"""Production settings are the default and pass Django's deployment checks; without SECRET_KEY
a key is generated once and kept in the data directory; static files collect; development mode
is explicit."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

# Each `kipu` here runs on a SQLite file of its own, whatever the suite's database.
pytestmark = pytest.mark.backend_independent
KIPU = str(Path(sys.executable).with_name("kipu"))
# What the test process sets for itself (pytest's settings module is the development one).
NOT_INHERITED = ("DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE", "KIPU_DEBUG", "SECRET_KEY")
SHOW = (
    "from django.conf import settings as s; "
    "print(s.DEBUG, s.SECRET_KEY == 'kipu-development-only-not-secret', len(s.SECRET_KEY))"
)


def production_env(tmp_path: Path) -> dict[str, str]:
    """The production settings README.md documents (KIPU_DEBUG=0 is the default now)."""
    inherited = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
    return {
        **inherited,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "KIPU_ALLOWED_HOSTS": "kipu.example.org",
        "KIPU_DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [KIPU, "manage", *args], capture_output=True, text=True, env=env, timeout=120
    )


def shell(env: dict[str, str], code: str) -> list[str]:
    """What `code` prints on its last line, split (`kipu manage shell` says more before)."""
    done = run(env, "shell", "-v", "0", "-c", code)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1].split()


def test_check_deploy_is_clean(tmp_path: Path) -> None:
    done = run(production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_debug_is_off_by_default(tmp_path: Path) -> None:
    assert shell(production_env(tmp_path), SHOW)[:2] == ["False", "False"]


def test_without_a_secret_key_one_is_made_once_and_kept(tmp_path: Path) -> None:
    """No SECRET_KEY: a random key in KIPU_DATA_DIR/secret_key (0600), the same at every start,
    and the deployment checks stay clean."""
    env = production_env(tmp_path)
    del env["SECRET_KEY"]
    first = run(env, "check", "--deploy", "--fail-level", "WARNING")
    assert first.returncode == 0, first.stdout + first.stderr
    key_file = tmp_path / "secret_key"
    key = key_file.read_text().strip()
    assert len(key) >= 50
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    show = (
        "from django.conf import settings as s; from pathlib import Path; "
        f"print(s.SECRET_KEY == Path({str(key_file)!r}).read_text().strip())"
    )
    assert shell(env, show) == ["True"] and key_file.read_text().strip() == key
    # Another data directory, another key.
    other = production_env(tmp_path / "other")
    del other["SECRET_KEY"]
    assert run(other, "check").returncode == 0
    assert (tmp_path / "other" / "secret_key").read_text().strip() != key


def test_a_kept_key_file_is_made_private_again(tmp_path: Path) -> None:
    key_file = tmp_path / "secret_key"
    key_file.write_text("a-restored-key-" + "x" * 50 + "\n")
    key_file.chmod(0o644)
    env = production_env(tmp_path)
    del env["SECRET_KEY"]
    assert shell(env, "from django.conf import settings as s; print(s.SECRET_KEY)") == [
        "a-restored-key-" + "x" * 50
    ]
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_an_unusable_data_directory_refuses_with_advice(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("")
    env = production_env(tmp_path)
    del env["SECRET_KEY"]
    env["KIPU_DATA_DIR"] = str(tmp_path / "a-file" / "var")
    done = run(env, "check")
    assert done.returncode != 0
    assert "SECRET_KEY" in done.stderr and "KIPU_DATA_DIR" in done.stderr


def test_development_mode_is_explicit(tmp_path: Path) -> None:
    env = {**production_env(tmp_path), "KIPU_DEBUG": "1"}
    del env["SECRET_KEY"]
    assert shell(env, SHOW)[:2] == ["True", "True"]
    assert not (tmp_path / "secret_key").exists()


def test_serve_says_it_runs_in_development_mode(kipu, monkeypatch) -> None:  # noqa: ANN001
    calls = []
    monkeypatch.setenv("KIPU_DEBUG", "0")  # restored after the test
    monkeypatch.setattr("django.core.management.call_command", lambda *a, **k: calls.append((a, k)))
    done = kipu("serve", "--port", "8123")
    assert done.exit_code == 0, done.output
    assert "Development mode (KIPU_DEBUG=1)" in done.output
    assert os.environ["KIPU_DEBUG"] == "1"
    assert calls and calls[0][0] == ("runserver", "127.0.0.1:8123")


def test_the_makefile_runs_the_demo_in_development_mode() -> None:
    makefile = (Path(__file__).resolve().parents[2] / "Makefile").read_text()
    assert "demo serve: export KIPU_DEBUG := 1" in makefile


def test_collectstatic_serves_local_assets(tmp_path: Path) -> None:
    done = run(production_env(tmp_path), "collectstatic", "--noinput")
    assert done.returncode == 0, done.stderr
    assert list((tmp_path / "static" / "kipu").glob("kipu.*.css"))  # hashed for caching
    assert list((tmp_path / "static" / "kipu").glob("kipu.*.js"))


def test_the_suite_runs_in_development_mode() -> None:
    """pytest uses kipu.web.settings_dev (pyproject.toml): plain HTTP, no manifest storage."""
    from kipu.web import settings as configured

    assert configured.DEBUG is True
    assert not hasattr(configured, "SECURE_SSL_REDIRECT")


@pytest.mark.parametrize("backend", ["database", "rq"])
def test_the_tasks_backend_installs_what_it_needs_and_checks_clean(
    tmp_path: Path, backend: str
) -> None:
    """django_rq (redis and rq, a seventh of a second at every start) is installed only for
    the RQ backend, whose system check requires it; the database backend starts without it."""
    env = {**production_env(tmp_path), "KIPU_TASKS_BACKEND": backend}
    done = run(env, "check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode == 0, done.stdout + done.stderr
    code = "from django.apps import apps; print(apps.is_installed('django_rq'))"
    assert shell(env, code) == [str(backend == "rq")]


def test_a_database_made_without_rq_is_upgraded_by_init_when_rq_is_chosen(tmp_path: Path) -> None:
    """Switching an installation to the RQ backend adds django_rq's tables: `kipu init` says
    so and applies them (the other way round, its tables are left unused)."""
    env = production_env(tmp_path)
    assert subprocess.run([KIPU, "init"], env=env, capture_output=True, timeout=300).returncode == 0
    add = [KIPU, "platforms", "add", "gtrm", "--name", "GTRM Peru", "--country", "PER"]
    assert subprocess.run(add, env=env, capture_output=True, timeout=120).returncode == 0
    rq = {**env, "KIPU_TASKS_BACKEND": "rq"}
    figures = [KIPU, "figures", "--format", "json"]
    refused = subprocess.run(figures, env=rq, capture_output=True, text=True, timeout=120)
    assert refused.returncode == 1 and "run `kipu init`" in refused.stderr
    assert subprocess.run([KIPU, "init"], env=rq, capture_output=True, timeout=300).returncode == 0
    for backend in (rq, env):  # and back: django_rq's tables stay, unused
        done = subprocess.run(figures, env=backend, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        assert '"model": "max-cell"' in done.stdout


def test_a_command_freezes_the_collector_at_exit_and_still_writes_its_output(
    tmp_path: Path,
) -> None:
    """`kipu` takes its objects out of the last collections at exit (they cost a quarter of a
    second after a 100,000-row reading); its output is still whole."""
    out = tmp_path / "figures.json"
    code = (
        "import atexit, gc, sys\n"
        # atexit runs last-registered first: this runs after the command's own handler.
        "atexit.register(lambda: print('frozen', gc.get_freeze_count() > 0, file=sys.stderr))\n"
        "from kipu.cli import main\n"
        "main(['init'], standalone_mode=False)\n"
        "main(['platforms', 'add', 'gtrm', '--name', 'GTRM', '--country', 'PER'],"
        " standalone_mode=False)\n"
        f"main(['figures', '--format', 'json', '-o', {str(out)!r}])\n"
    )
    env = production_env(tmp_path)
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0 and "frozen True" in done.stderr, done.stderr
    assert json.loads(out.read_text())["model"] == "max-cell"
    # The database was closed: SQLite folded its log back, and the file alone holds the platform.
    assert sorted(p.name for p in tmp_path.glob("db.sqlite3*")) == ["db.sqlite3"]
    copy = tmp_path / "copy.sqlite3"
    shutil.copyfile(tmp_path / "db.sqlite3", copy)
    with sqlite3.connect(copy) as connection:
        slugs = connection.execute("SELECT slug FROM platforms_platform").fetchall()
    assert slugs == [("gtrm",)]


def test_every_command_leaves_the_sqlite_file_whole(tmp_path: Path) -> None:
    """`kipu init`, then `kipu platforms add`, each as a process of its own: after each, a copy
    of the database file alone (what a backup takes) holds what the command stored."""
    env = production_env(tmp_path)
    add = [KIPU, "platforms", "add", "gtrm", "--name", "GTRM Peru", "--country", "PER"]
    for command, table in (([KIPU, "init"], "locations_location"), (add, "platforms_platform")):
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        assert not list(tmp_path.glob("db.sqlite3-wal")), command
        copy = tmp_path / "copy.sqlite3"
        shutil.copyfile(tmp_path / "db.sqlite3", copy)
        with sqlite3.connect(copy) as connection:
            assert connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0] > 0
        copy.unlink()
