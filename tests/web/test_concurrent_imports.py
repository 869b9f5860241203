"""Submissions of one organisation's month at the same moment, each in a process of its own (as
web workers and `kipu import` run), on the embedded SQLite file and on PostgreSQL: every one
ends stored or unchanged, and exactly one version is current. A tester's: on SQLite some
failed at once with "database is locked" (HTTP 500), because a transaction that had read
could not wait for the write lock; transactions now take it when they begin."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from test_import_safety import workbook  # noqa: E402

pytestmark = pytest.mark.django_db(transaction=True)
KIPU = str(Path(sys.executable).with_name("kipu"))
PROCESSES = 5


def _env(url: str, tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": url, "KIPU_DATA_DIR": str(tmp_path / "var")}


def _run(env: dict[str, str], *args: str) -> None:
    done = subprocess.run([KIPU, *args], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr + done.stdout


def test_simultaneous_submissions_all_end_well(
    fresh_database_url: str, make_platform, tmp_path: Path
) -> None:  # noqa: ANN001
    platform = make_platform()  # in the test database: only used to write the files
    files = [workbook(tmp_path / f"v{i}.xlsx", platform, 20 + i, 10 + i) for i in range(PROCESSES)]
    (tmp_path / "orgs.csv").write_text("name,id\nPartner A,ORG901\n", encoding="utf-8")
    (tmp_path / "plan.csv").write_text(
        "sector_code,sector,indicator,code,type\nPRO,Protection,People oriented,PRO-01,PiN\n",
        encoding="utf-8",
    )
    env = _env(fresh_database_url, tmp_path)
    _run(env, "init")
    _run(env, "platforms", "add", "p", "--name", "P", "--country", "PER")
    _run(env, "orgs", "load", str(tmp_path / "orgs.csv"))
    _run(env, "plan", "load", str(tmp_path / "plan.csv"), "--year", "2019")
    month = ["--org", "ORG901", "--month", "2019-11"]
    started = [
        subprocess.Popen(
            [KIPU, "import", str(f), *month],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for f in [*files, files[0]]  # the first file twice: one of them is "unchanged"
    ]
    outcomes = [(p.wait(timeout=300), p.stderr.read() if p.stderr else "") for p in started]
    assert [code for code, _ in outcomes] == [0] * len(started), outcomes
    listed = subprocess.run(
        [KIPU, "submissions", "list", "--format", "json"],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    versions = json.loads(listed.stdout)
    current = [s for s in versions if s["status"] == "current"]
    assert len(current) == 1, versions
    assert current[0]["rows"] in {20 + i for i in range(PROCESSES)}
    assert len(versions) in (PROCESSES, PROCESSES + 1)  # each file stored once, or twice
