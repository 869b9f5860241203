"""SIGTERM or Ctrl-C (SIGINT) to an idle `kipu worker` stops it after the current job, exit
status 0, on both backends. The RQ worker used to end with RQ's StopRequested traceback and
exit status 1 (its work loop put its own signal handlers in place of the worker's). Real
processes on a SQLite file of their own; the RQ half needs Redis."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from jobs_support import REDIS_URL, require_redis

pytestmark = pytest.mark.backend_independent
KIPU = str(Path(sys.executable).with_name("kipu"))


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A fresh database made by `kipu init` for the RQ backend (which adds django_rq's
    tables; the database backend runs on it all the same)."""
    folder = tmp_path_factory.mktemp("worker-signals")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "KIPU_DATA_DIR": str(folder),
        "REDIS_URL": REDIS_URL,
        "KIPU_TASKS_BACKEND": "rq",
        "PYTHONUNBUFFERED": "1",  # the worker's first line arrives as it is printed
    }
    done = subprocess.run([KIPU, "init"], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return env


def forget_rq_worker(queue: str, pid: int) -> None:
    """Delete what the RQ worker left in Redis (its keys expire anyway, in a minute)."""
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    name = f"rq:worker:{socket.gethostname()[:40]}-{pid}"
    client.srem("rq:workers", name)
    keys = [*client.scan_iter(f"{name}*"), *client.scan_iter(f"*{queue}*")]
    if keys:
        client.delete(*keys)
    client.close()


@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGINT])
@pytest.mark.parametrize("backend", ["database", pytest.param("rq", marks=pytest.mark.redis)])
def test_an_idle_worker_stops_cleanly_on_a_signal(database, backend: str, number) -> None:  # noqa: ANN001
    if backend == "rq":
        require_redis()
    queue = f"kipu-test-{uuid.uuid4().hex[:12]}"
    env = {**database, "KIPU_TASKS_BACKEND": backend, "KIPU_JOBS_QUEUE": queue}
    command = [KIPU, "worker", "--no-schedule", "--interval", "0.2"]
    worker = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert worker.stdout is not None
        assert worker.stdout.readline().startswith("Kipu worker: jobs from ")
        time.sleep(2)  # several looks at the empty queue: RQ's work loop has run by now
        worker.send_signal(number)
        out, err = worker.communicate(timeout=20)  # RQ's took 60 s (see _worker_class)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
        if backend == "rq":
            forget_rq_worker(queue, worker.pid)
    assert "Traceback" not in err, err
    assert worker.returncode == 0, err
    assert f"{signal.strsignal(number)}: stopping after the current job" in err
    assert out.strip() == "Kipu worker stopped after 0 jobs."
