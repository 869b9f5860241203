"""The worker loop `kipu worker` runs: the day's schedule, taking back the jobs of workers that
stopped, then the queued tasks one at a time, on whichever backend the settings choose.

A worker runs one job at a time, in its own process: start more workers (on this machine or
others) for more at once. SIGTERM or Ctrl-C stops it after the current job; a second one stops
it at once (the job's transaction is rolled back and the job queued again)."""

from __future__ import annotations

import logging
import os
import signal
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from types import FrameType
from typing import Any

from django.conf import settings
from django.db import close_old_connections

from kipu.web.jobs import schedule
from kipu.web.jobs.services import QueueUnreachable, recover_lost_jobs

logger = logging.getLogger("kipu.jobs")
HOUSEKEEPING_SECONDS = 30


class DatabaseRunner:
    """django-tasks-db: claims the next task with a row lock, runs it in this process."""

    def __init__(self, worker_id: str) -> None:
        self.worker_id = worker_id

    def run_one(self) -> bool:
        from django_tasks_db.management.commands.db_worker import Worker

        worker = Worker(
            queue_names=[settings.KIPU_JOBS_QUEUE],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=1,
            worker_id=self.worker_id,
            excluded_queue_names=[],
        )
        worker.run()
        return worker._run_tasks > 0


class RedisRunner:
    """django-tasks-rq: RQ's SimpleWorker, which runs the job in this process (no fork, so
    the database connection is never shared with a child)."""

    def __init__(self, worker_id: str) -> None:
        import django_rq
        from django_tasks_rq import Job as TaskJob

        self.worker = django_rq.get_worker(
            settings.KIPU_JOBS_QUEUE,
            job_class=TaskJob,
            worker_class=_worker_class(),
            name=worker_id,
        )

    def run_one(self) -> bool:
        return bool(self.worker.work(burst=True, max_jobs=1, logging_level="WARNING"))


def _worker_class() -> type:
    """RQ's SimpleWorker, leaving SIGTERM and SIGINT to the loop. Its `work()` would install
    its own handlers and never put the loop's back: a signal while the loop waited between
    looks at the queue then raised RQ's StopRequested out of the wait, a traceback."""
    from rq.worker import SimpleWorker

    class LoopSignalsWorker(SimpleWorker):
        def _install_signal_handlers(self) -> None:
            """The loop's handlers stay (WorkerLoop._stop: after the current job)."""

        def subscribe(self) -> None:
            """No channel for RQ's worker commands: the loop is stopped by signals. Each
            `work()` subscribed and, ending, waited for the listening thread, which with
            redis-py 8.2 waits out its 60 s read: an idle worker looked at the queue once a
            minute and took a minute to stop."""

    return LoopSignalsWorker


def _queue_errors() -> tuple[type[BaseException], ...]:
    """What the task queue raises when it cannot be reached: Redis's connection errors for
    the RQ backend; nothing for the database backend (its errors are the database's)."""
    if settings.KIPU_TASKS_BACKEND != "rq":
        return ()
    import redis

    return (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)


@dataclass
class WorkerLoop:
    burst: bool = False
    interval: float = 1.0
    with_schedule: bool = True
    on_job: Callable[[int], None] | None = None
    stopping: bool = False
    forced: bool = False  # a second signal stopped the job at once (it is queued again)
    ran: int = 0
    worker_id: str = field(default_factory=lambda: f"{socket.gethostname()[:40]}-{os.getpid()}")

    def run(self) -> int:
        """Run until stopped (or, with `burst`, until the queue is empty); returns jobs run.
        Raises QueueUnreachable when the queue cannot be reached (Redis down)."""
        try:
            return self._run()
        except _queue_errors() as error:
            raise QueueUnreachable(str(error)) from error

    def _run(self) -> int:
        runner: Any = (
            RedisRunner(self.worker_id)
            if settings.KIPU_TASKS_BACKEND == "rq"
            else DatabaseRunner(self.worker_id)
        )
        previous = {s: signal.signal(s, self._stop) for s in (signal.SIGTERM, signal.SIGINT)}
        next_housekeeping = 0.0
        try:
            while not self.stopping:
                if time.monotonic() >= next_housekeeping:
                    self.housekeeping()
                    next_housekeeping = time.monotonic() + HOUSEKEEPING_SECONDS
                if runner.run_one():
                    self.ran += 1
                    if self.on_job:
                        self.on_job(self.ran)
                    continue
                if self.burst:
                    break
                close_old_connections()
                time.sleep(self.interval)
        finally:
            for number, handler in previous.items():
                signal.signal(number, handler)
        return self.ran

    def housekeeping(self) -> None:
        close_old_connections()
        recover_lost_jobs()
        if self.with_schedule:
            schedule.tick()

    def _stop(self, number: int, frame: FrameType | None) -> None:
        if self.stopping:
            # The second signal: stop now. The task runner catches the exit (RQ's catches
            # anything) and the loop then ends: `forced` tells the command it was not clean.
            self.forced = True
            raise SystemExit(1)
        logger.warning("%s: stopping after the current job", signal.strsignal(number))
        self.stopping = True
