"""Fixtures of the background-job tests: a per-test data directory, a low job threshold (so a
small real workbook counts as large), an in-process worker, and the Redis backend when asked."""

from __future__ import annotations

import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "portal"))
sys.path.insert(0, str(Path(__file__).parent))

from jobs_support import REDIS_URL, require_redis  # noqa: E402
from web_actors import client_for, data_dir, record_5w, write_5w  # noqa: E402, F401

THRESHOLD = 1024  # bytes: every test workbook is above it


@pytest.fixture(autouse=True)
def job_settings(settings: Any) -> None:
    settings.KIPU_JOB_THRESHOLD_BYTES = THRESHOLD
    settings.KIPU_SCHEDULE_HOUR = 0


@pytest.fixture
def run_worker() -> Callable[..., int]:
    """Run the waiting jobs in this process (the worker loop in burst mode); returns how many."""
    from kipu.web.jobs.worker import WorkerLoop

    def run(**options: Any) -> int:
        return WorkerLoop(burst=True, with_schedule=False, **options).run()

    return run


@pytest.fixture
def workbook(platform: Any, tmp_path: Path) -> Callable[..., Path]:
    """workbook(name, rows=3, total=10) → a real 5W workbook of partner A for May 2019."""

    def make(name: str = "pa-may.xlsx", rows: int = 3, total: int = 10) -> Path:
        records = [
            record_5w(
                total_monthly=total,
                new_beneficiaries=total,
                in_destination=total,
                women=total,
                activity_name=f"row {i}",
            )
            for i in range(rows)
        ]
        return write_5w(platform, tmp_path / name, records)

    return make


@pytest.fixture
def redis_backend(settings: Any) -> Iterator[str]:
    """The RQ backend on a queue of this test's own (tests running at once never share one)."""
    require_redis()
    queue = f"kipu-test-{uuid.uuid4().hex[:12]}"
    settings.KIPU_TASKS_BACKEND = "rq"
    settings.KIPU_JOBS_QUEUE = queue
    settings.RQ_QUEUES = {queue: {"URL": REDIS_URL}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": [queue]}}
    settings.CACHES = {
        **settings.CACHES,
        "jobs": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL},
    }
    yield queue
    import django_rq

    django_rq.get_queue(queue).empty()
