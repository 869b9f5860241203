"""The RQ backend with Redis unreachable (REDIS_URL naming a port nobody listens on): `kipu
worker` and `kipu import --background` end with one `error:` line naming REDIS_URL and what
to check, exit status 1, no traceback; the import leaves nothing half-done (no job, or a job
recorded as failed with the reason, said so, and no file kept). No Redis needed."""

from __future__ import annotations

import socket
import uuid
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from kipu.cli import main
from kipu.web.audit.models import AuditEvent
from kipu.web.jobs import services
from kipu.web.jobs.models import Job
from kipu.web.submissions.models import Submission

pytestmark = pytest.mark.django_db(transaction=True)


def free_port() -> int:
    """A port nothing listens on (the system's pick, released at once)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def dead_redis(settings: Any) -> str:
    """The RQ backend, its queue and the jobs cache at a Redis that is not there."""
    url = f"redis://127.0.0.1:{free_port()}/0"
    queue = f"kipu-test-{uuid.uuid4().hex[:12]}"
    settings.KIPU_TASKS_BACKEND, settings.REDIS_URL, settings.KIPU_JOBS_QUEUE = "rq", url, queue
    settings.RQ_QUEUES = {queue: {"URL": url}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": [queue]}}
    settings.CACHES = {
        **settings.CACHES,
        "jobs": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url},
    }
    return url


def kipu(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def one_error_line(result: Result) -> str:
    (line,) = result.stderr.splitlines()
    assert line.startswith("error: ") and "Traceback" not in result.output
    return line


def background_import(workbook: Any) -> Result:
    return kipu("import", str(workbook()), "--org", "ORG901", "--month", "2019-05", "--background")


def test_an_import_is_not_queued_and_nothing_recorded(
    dead_redis: str, platform, workbook, data_dir: Path
) -> None:  # noqa: ANN001
    done = background_import(workbook)
    assert done.exit_code == 1
    line = one_error_line(done)
    assert line.startswith("error: the import was not queued (nothing recorded): ")
    assert f"cannot reach Redis at REDIS_URL={dead_redis} (" in line
    assert "check that Redis is running there and that REDIS_URL names it" in line
    assert not Job.objects.exists() and not Submission.objects.exists()
    assert not list((data_dir / "jobs").glob("*"))


def test_redis_gone_between_the_check_and_the_queue_fails_the_job_and_says_so(
    dead_redis: str, platform, workbook, data_dir: Path, monkeypatch
) -> None:  # noqa: ANN001
    monkeypatch.setattr(services, "check_queue", lambda: None)  # it answered a moment ago
    done = background_import(workbook)
    assert done.exit_code == 1
    job = Job.objects.get()
    assert job.state == "failed" and job.error.startswith("The task queue cannot be reached: ")
    line = done.stderr.splitlines()[-1]  # after the log line saying why the queue refused it
    assert line.startswith(f"error: the import was not queued: job {job.pk} is recorded as failed")
    assert "nothing was stored. Check the task queue (Redis at " in line
    assert "Traceback" not in done.output
    assert AuditEvent.objects.filter(action="fail_job").exists()
    assert not Submission.objects.exists() and not (data_dir / "jobs" / str(job.pk)).exists()


def test_the_worker_does_not_start(dead_redis: str) -> None:
    done = kipu("worker", "--burst", "--no-schedule")
    assert done.exit_code == 1 and done.stdout == ""
    line = one_error_line(done)
    assert line.startswith(f"error: cannot reach Redis at REDIS_URL={dead_redis} (")


def test_a_worker_that_loses_redis_stops_saying_so(dead_redis: str, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(services, "check_queue", lambda: None)  # it answered at the start
    done = kipu("worker", "--burst", "--no-schedule")
    assert done.exit_code == 1
    line = one_error_line(done)
    assert line.startswith("error: the worker stopped after 0 jobs: cannot reach Redis at ")


def test_a_password_in_redis_url_is_not_shown(settings, dead_redis: str) -> None:  # noqa: ANN001
    settings.REDIS_URL = dead_redis.replace("//", "//:s3cret@")
    line = one_error_line(kipu("worker", "--burst"))
    assert "s3cret" not in line and "REDIS_URL=redis://:***@127.0.0.1:" in line
