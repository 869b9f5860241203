"""A worker process killed in the middle of an import (SIGKILL, after it wrote the new rows and
before it committed) leaves the previous version as it was; the next worker finds the job's
process gone and runs it again (one version stored), or, with no attempts left, marks it
failed with the reason. Real processes: `kipu` commands on a fresh database, both backends."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from jobs_support import REDIS_URL, require_redis

from kipu.core.export import table_rows, write_xlsx
from kipu.core.frame import activity_frame
from kipu.web.platforms.queries import reference_data

# `kipu worker`, whose first insert of activity rows kills its own process (as `kill -9` would).
KILLED_WORKER = """
import os, signal, sys
import django
os.environ["DJANGO_SETTINGS_MODULE"] = "kipu.web.settings"
django.setup()
import kipu.web.submissions.services as services
original = services.insert_activities
def insert_then_die(*args):
    original(*args)
    os.kill(os.getpid(), signal.SIGKILL)
services.insert_activities = insert_then_die
from kipu.cli import main
main(["worker", "--burst", "--no-schedule"], prog_name="kipu")
"""
ROW = {
    "country": "PER",
    "admin1": "PE15",
    "appealing_org": "ORG901",
    "implementation": False,
    "month": "2019-11",
    "sector": "PRO",
    "indicator": "PRO-01",
    "rmrp_activity": True,
    "cva": False,
    "new_beneficiaries": 6,
    "in_destination": 6,
    "women": 6,
}


def workbook(path: Path, platform, count: int, total: int) -> Path:  # noqa: ANN001
    rows = [{**ROW, "total_monthly": total, "activity_name": f"row {i}"} for i in range(count)]
    write_xlsx(table_rows(activity_frame(rows), reference_data(platform, 2019)), path)
    return path


# Several `kipu` commands in one process (each process start costs seconds): their outputs as
# a JSON list; a command that fails stops the script with its message.
COMMANDS = """
import contextlib, io, json, sys
from kipu.cli import main
outputs = []
for args in json.loads(sys.argv[1]):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        try:
            main.main(args, prog_name="kipu", standalone_mode=False)
            code = 0
        except SystemExit as stop:
            code = stop.code or 0
    if code != 0 and args[0] != "jobs":  # `jobs show` tells the state by its status
        sys.exit(f"kipu {' '.join(args)} exited {code}: {out.getvalue()}")
    outputs.append(out.getvalue())
print(json.dumps(outputs))
"""


class Kipu:
    """`kipu` commands against one fresh database and data directory."""

    def __init__(self, url: str, tmp_path: Path, backend: str, attempts: int) -> None:
        self.env = {
            **os.environ,
            "DATABASE_URL": url,
            "KIPU_DATA_DIR": str(tmp_path / "var"),
            "KIPU_TASKS_BACKEND": backend,
            "KIPU_JOBS_QUEUE": f"kipu-test-{uuid.uuid4().hex[:12]}",
            "REDIS_URL": REDIS_URL,
            "KIPU_JOB_ATTEMPTS": str(attempts),
        }

    def run(self, script: str, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", script, *args],
            capture_output=True,
            text=True,
            env=self.env,
            timeout=300,
        )

    def __call__(self, *commands: list[str]) -> list[str]:
        done = self.run(COMMANDS, json.dumps(commands))
        assert done.returncode == 0, done.stderr + done.stdout
        return json.loads(done.stdout.splitlines()[-1])

    def state(self, job_id: str) -> tuple[dict, list[tuple[str, int]]]:
        """The job, and the (status, rows) of every submission."""
        job, listed = self(["jobs", "show", job_id, "--format", "json"], SUBMISSIONS)
        versions = sorted((s["status"], s["rows"]) for s in json.loads(listed))
        return json.loads(job), versions


SUBMISSIONS = ["submissions", "list", "--format", "json"]


def prepared(fresh_database_url, make_platform, tmp_path, backend, attempts) -> tuple[Kipu, str]:  # noqa: ANN001
    """Version 1 (4 rows) stored; version 2 (6 rows) queued as a job: (kipu, the job's id)."""
    if backend == "rq":
        require_redis()
    platform = make_platform()  # in the test database: only used to write the files
    first = workbook(tmp_path / "v1.xlsx", platform, 4, 10)
    second = workbook(tmp_path / "v2.xlsx", platform, 6, 99)
    (tmp_path / "orgs.csv").write_text("name,id\nPartner A,ORG901\n", encoding="utf-8")
    (tmp_path / "plan.csv").write_text(
        "sector_code,sector,indicator,code,type\nPRO,Protection,People oriented,PRO-01,PiN\n",
        encoding="utf-8",
    )
    kipu = Kipu(fresh_database_url, tmp_path, backend, attempts)
    month = ["--org", "ORG901", "--month", "2019-11"]
    outputs = kipu(
        ["init"],
        ["platforms", "add", "p", "--name", "P", "--country", "PER"],
        ["orgs", "load", str(tmp_path / "orgs.csv")],
        ["plan", "load", str(tmp_path / "plan.csv"), "--year", "2019"],
        ["import", str(first), *month],
        ["import", str(second), *month, "--background", "--format", "json"],
    )
    return kipu, json.loads(outputs[-1])["job"]


def kill_mid_import(kipu: Kipu, job_id: str) -> None:
    killed = kipu.run(KILLED_WORKER)
    assert killed.returncode == -9, killed.stderr
    job, versions = kipu.state(job_id)
    assert (job["state"], job["attempts"]) == ("running", 1)  # its worker is gone
    assert versions == [("current", 4)]  # nothing of the new file


BACKENDS = ["database", pytest.param("rq", marks=pytest.mark.redis)]


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS)
def test_a_killed_worker_leaves_the_previous_version_and_the_job_is_retried(
    backend: str, fresh_database_url: str, make_platform, tmp_path: Path
) -> None:  # noqa: ANN001
    kipu, job_id = prepared(fresh_database_url, make_platform, tmp_path, backend, attempts=2)
    kill_mid_import(kipu, job_id)
    kipu(["worker", "--burst", "--no-schedule"])
    job, versions = kipu.state(job_id)
    assert (job["state"], job["attempts"], job["outcome"]) == ("succeeded", 2, "stored")
    assert versions == [("current", 6), ("superseded", 4)]


@pytest.mark.slow
def test_a_killed_worker_with_no_attempt_left_fails_the_job_with_the_reason(
    fresh_database_url: str, make_platform, tmp_path: Path
) -> None:  # noqa: ANN001
    kipu, job_id = prepared(fresh_database_url, make_platform, tmp_path, "database", attempts=1)
    kill_mid_import(kipu, job_id)
    kipu(["worker", "--burst", "--no-schedule"])
    job, versions = kipu.state(job_id)
    assert job["state"] == "failed"
    assert "killed or crashed" in job["error"] and "previous data is unchanged" in job["error"]
    assert versions == [("current", 4)]
