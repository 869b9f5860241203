"""Writes of background jobs: start one (idempotent), record its progress and its end, take
back the jobs of a worker that stopped, and delete old ones.

A job's record lives in the database; its live progress (percent, message, heartbeat) lives
in the "jobs" cache, because an import stores its rows in one transaction that progress
written to the database would wait for (SQLite) or be invisible behind (PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import shutil
import socket
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kipu.web.audit.services import record
from kipu.web.database import data_dir
from kipu.web.jobs.models import Job, ScheduleMark
from kipu.web.platforms.models import Platform

logger = logging.getLogger("kipu.jobs")
# Why an attempt ended without finishing, as the job's starter reads it (in their language).
REASONS = {
    "killed": gettext_lazy("the worker running it was killed or crashed"),
    "silent": gettext_lazy("the worker running it stopped answering"),
    "stopped": gettext_lazy("the worker was stopped during the job"),
}
HEARTBEAT_SECONDS = 10
_LIVE_TIMEOUT = 24 * 60 * 60  # a live entry outlives any job; the end of a job deletes it


CHECK_REPORT = "report.json"  # in a check job's folder (runners.run_check): its page shows it


def job_dir(job_id: uuid.UUID | str) -> Path:
    """The folder of a job's input files: KIPU_DATA_DIR/jobs/<id>/ (shared by web and workers)."""
    return data_dir() / "jobs" / str(job_id)


def _actor(job: Job) -> Any:
    return job.started_by or job.actor_label or None


def start_job(
    kind: str,
    platform: Platform | None,
    actor: Any,
    params: dict[str, Any],
    *,
    idempotency_key: str = "",
    job_id: uuid.UUID | None = None,
    message: str = "",
) -> tuple[Job, bool]:
    """Record a job and put it on the task queue; returns (job, created).

    `actor` is a user (the job runs with their permissions), or a label ("cli:maria",
    "schedule") for work started outside the web. While a job with the same non-empty
    `idempotency_key` is waiting or running, that job is returned instead (created False)."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    label = actor if isinstance(actor, str) else (user.get_username() if user else "system")
    if idempotency_key:
        existing = _active_with_key(idempotency_key)
        if existing is not None:
            return existing, False
    try:
        with transaction.atomic():
            job = Job.objects.create(
                id=job_id or uuid.uuid4(),
                kind=kind,
                platform=platform,
                started_by=user,
                actor_label=label[:150],
                params=params,
                idempotency_key=idempotency_key,
                message=message,
            )
    except IntegrityError:
        existing = _active_with_key(idempotency_key) if idempotency_key else None
        if existing is None:
            raise
        return existing, False
    record(actor, "start_job", job, after={"kind": kind, **_audited(params)}, platform=platform)
    _enqueue_after_commit(job)
    return job, True


def _active_with_key(key: str) -> Job | None:
    return Job.objects.filter(idempotency_key=key, state__in=Job.ACTIVE).first()


def _audited(params: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in params.items() if k not in ("ip",)}


def idempotency_key(*parts: object) -> str:
    """A key from the parts that make two submissions the same job (sha256 hex)."""
    return hashlib.sha256("\x1f".join(map(str, parts)).encode("utf-8")).hexdigest()


def _enqueue_after_commit(job: Job) -> None:
    # The database backend keeps the task in the same transaction as the job; Redis must not
    # hand a worker a job whose record is not committed yet.
    if settings.KIPU_TASKS_BACKEND == "database":
        enqueue(job.pk)
    else:
        transaction.on_commit(lambda: enqueue(job.pk))


class QueueUnreachable(Exception):
    """The task queue cannot be reached: the RQ backend's Redis does not answer. The message is
    the Redis client's."""


def check_queue() -> None:
    """Raise QueueUnreachable when the RQ backend's Redis (REDIS_URL) does not answer, before
    anything is recorded; the database backend's queue is the database itself."""
    if settings.KIPU_TASKS_BACKEND != "rq":
        return
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=5, socket_timeout=5)
    try:
        client.ping()
    except redis.exceptions.RedisError as error:
        raise QueueUnreachable(str(error)) from error
    finally:
        client.close()


def enqueue(job_id: uuid.UUID) -> None:
    """Put the job on the task queue; a queue that cannot be reached fails the job, saying so."""
    from kipu.web.jobs.tasks import run_job

    try:
        result = run_job.using(queue_name=settings.KIPU_JOBS_QUEUE).enqueue(str(job_id))
    except Exception as error:  # noqa: BLE001 - Redis down, refused, misconfigured: all told
        # The reason without a traceback: `kipu import --background` shows this log line.
        logger.error("cannot enqueue job %s: %s: %s", job_id, type(error).__name__, error)
        logger.debug("cannot enqueue job %s", job_id, exc_info=True)
        _end(
            job_id,
            Job.State.FAILED,
            error=_("The task queue cannot be reached: %(error)s") % {"error": error},
        )
        return
    Job.objects.filter(pk=job_id).update(task_id=str(result.id))


# --- running ---------------------------------------------------------------------------


def _live_key(job_id: uuid.UUID | str) -> str:
    return f"kipu-job:{job_id}"


def report_progress(
    job_id: uuid.UUID | str, percent: float, message: str, steps: Sequence[str] = ()
) -> None:
    """Live progress of a running job (0-100, a short sentence, the parts done so far as
    short codes, e.g. a report's "en-pdf") and its heartbeat."""
    value = {"progress": max(0, min(100, int(percent))), "message": message[:300]}
    entry = {**value, "steps": list(steps), "beat": time.time()}
    caches["jobs"].set(_live_key(job_id), entry, _LIVE_TIMEOUT)


def _forget_live(job_id: uuid.UUID | str) -> None:
    """Delete a job's live entry at its end. The entry is read only while the job runs, so one
    left behind (Redis unreachable) is harmless: the end itself must still be recorded."""
    try:
        caches["jobs"].delete(_live_key(job_id))
    except Exception as error:  # noqa: BLE001 - Redis down: the record matters, not the entry
        logger.warning("job %s: live progress not deleted (%s)", job_id, error)


def live(job: Job) -> dict[str, Any]:
    """The progress, message and steps done to show: live ones while the job runs, else the
    record's (no steps: a finished job's result says what it made)."""
    shown = {"progress": job.progress, "message": job.message, "steps": [], "beat": None}
    if job.state == Job.State.RUNNING:
        shown.update(caches["jobs"].get(_live_key(job.pk)) or {})
    return shown


def begin(job_id: uuid.UUID | str) -> Job | None:
    """Claim a waiting job for this process; None when it is not waiting (run already, taken
    by another worker, deleted): a task delivered twice runs its job once."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, state=Job.State.QUEUED).update(
        state=Job.State.RUNNING,
        started_at=now,
        worker_host=socket.gethostname()[:255],
        worker_pid=os.getpid(),
        error="",
    )
    if not claimed:
        return None
    job = Job.objects.select_related("platform", "started_by").get(pk=job_id)
    job.attempts += 1
    job.save(update_fields=["attempts"])
    report_progress(job.pk, 0, str(job.message or ""))
    return job


@contextmanager
def heartbeat(job: Job) -> Iterator[None]:
    """Keep the job's heartbeat fresh while it runs, even through long steps that report no
    progress (reading a million rows). A thread of the worker process, never of the web."""
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(HEARTBEAT_SECONDS):
            try:
                entry = caches["jobs"].get(_live_key(job.pk)) or {"progress": 0, "message": ""}
                entry = {**entry, "beat": time.time()}
                caches["jobs"].set(_live_key(job.pk), entry, _LIVE_TIMEOUT)
            except Exception as error:  # noqa: BLE001 - Redis gone a moment: beat again later
                logger.warning("job %s: heartbeat not recorded (%s)", job.pk, error)

    thread = threading.Thread(target=beat, name=f"kipu-job-{job.pk}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=HEARTBEAT_SECONDS)


def succeed(job: Job, result: dict[str, Any], message: str) -> None:
    _end(job.pk, Job.State.SUCCEEDED, result=result, message=message)


def fail(job: Job, error: str, result: dict[str, Any] | None = None) -> None:
    """End `job` as failed with `error`; `result` (a rejected import's counts and links) is
    kept for the pages, the API and `kipu jobs show`."""
    _end(job.pk, Job.State.FAILED, error=error, result=result)


def _end(
    job_id: uuid.UUID | str,
    state: str,
    *,
    result: dict[str, Any] | None = None,
    message: str = "",
    error: str = "",
) -> None:
    changes: dict[str, Any] = {"state": state, "finished_at": timezone.now(), "error": error}
    if state == Job.State.SUCCEEDED:
        changes.update(progress=100, result=result, message=message[:300])
    else:  # the error says it all ("Trying again…" was left from a retry)
        changes["message"] = ""
        if result is not None:
            changes["result"] = result
    Job.objects.filter(pk=job_id).update(**changes)
    _forget_live(job_id)
    job = Job.objects.select_related("platform", "started_by").get(pk=job_id)
    after = {"state": state, "attempts": job.attempts, "outcome": (result or {}).get("outcome")}
    if error:
        after["error"] = error[:500]
    record(_actor(job), f"{'finish' if state == 'succeeded' else 'fail'}_job", job, after=after)
    if state == Job.State.FAILED or job.kind == Job.Kind.IMPORT:
        shutil.rmtree(job_dir(job_id), ignore_errors=True)  # the import kept its own copy
    elif job.kind == Job.Kind.CHECK:  # its report stays for its page; the check kept a copy
        (job_dir(job_id) / job.params["file"]).unlink(missing_ok=True)


def stopped(job: Job, reason: str) -> Job:
    """The attempt of `job` ended without finishing (`reason`, a key of REASONS): queue it
    again while attempts remain, else fail it with the reason. Nothing of the attempt was kept:
    every job stores its results in one transaction, which the stop rolled back."""
    with transaction.atomic():
        current = Job.objects.select_for_update().get(pk=job.pk)
        if current.state != Job.State.RUNNING or current.attempts != job.attempts:
            return current  # another worker got there first
        again = current.attempts < settings.KIPU_JOB_ATTEMPTS
        with translation.override(current.params.get("lang") or "en"):
            told = str(REASONS[reason])
            retry = _("Trying again: %(reason)s (attempt %(attempt)s).") % {
                "reason": told,
                "attempt": current.attempts,
            }
            failure = _(
                "%(reason)s (attempts: %(attempts)s). Nothing was stored: the previous data "
                "is unchanged. Start it again, or ask the IM team."
            ) % {"reason": told[:1].upper() + told[1:], "attempts": current.attempts}
        if again:
            current.state = Job.State.QUEUED
            current.message = retry[:300]
            current.worker_host, current.worker_pid = "", None
            current.save(update_fields=["state", "message", "worker_host", "worker_pid"])
    _forget_task(current)
    _forget_live(job.pk)
    if again:
        record(_actor(current), "retry_job", current, after={"reason": reason})
        enqueue(current.pk)
    else:
        _end(job.pk, Job.State.FAILED, error=failure)
    return Job.objects.get(pk=job.pk)


def _forget_task(job: Job) -> None:
    """Mark the database backend's task of a stopped attempt failed, so it is pruned."""
    if settings.KIPU_TASKS_BACKEND != "database" or not job.task_id:
        return
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(id=job.task_id, status="RUNNING").update(
        status="FAILED", finished_at=timezone.now()
    )


# --- recovery and retention ---------------------------------------------------------------


def _process_gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    try:  # a killed child its parent has not waited for yet is a zombie: gone all the same
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1].startswith("Z")
    except (OSError, IndexError):
        return False


def lost_reason(job: Job, now: float | None = None) -> str | None:
    """Why a running job's worker is gone (a key of REASONS), or None while it looks alive:
    its process has ended (same machine), or its heartbeat is older than
    KIPU_JOB_LOST_AFTER_SECONDS."""
    now = time.time() if now is None else now
    here = job.worker_host == socket.gethostname()[:255]
    if here and job.worker_pid and job.worker_pid != os.getpid() and _process_gone(job.worker_pid):
        return "killed"
    beat = (caches["jobs"].get(_live_key(job.pk)) or {}).get("beat")
    if beat is None and job.started_at is not None:
        beat = job.started_at.timestamp()
    if beat is not None and now - beat > settings.KIPU_JOB_LOST_AFTER_SECONDS:
        return "silent"
    return None


def recover_lost_jobs() -> list[Job]:
    """Queue again (or fail) every running job whose worker is gone; returns them."""
    recovered = []
    for job in Job.objects.filter(state=Job.State.RUNNING):
        reason = lost_reason(job)
        if reason:
            logger.warning("job %s: %s", job.pk, reason)
            recovered.append(stopped(job, reason))
    return recovered


def clean_old_jobs(now: dt.datetime | None = None) -> int:
    """Delete finished jobs older than KIPU_JOB_RETENTION_DAYS with their files, the task
    backend's results of that age and old schedule marks; audited. Returns jobs deleted."""
    limit = (now or timezone.now()) - dt.timedelta(days=settings.KIPU_JOB_RETENTION_DAYS)
    old = Job.objects.filter(
        state__in=(Job.State.SUCCEEDED, Job.State.FAILED), finished_at__lt=limit
    )
    ids = list(old.values_list("pk", flat=True))
    old.delete()
    for job_id in ids:
        shutil.rmtree(job_dir(job_id), ignore_errors=True)
    ScheduleMark.objects.filter(at__lt=limit).delete()
    if settings.KIPU_TASKS_BACKEND == "database":
        from django_tasks_db.models import DBTaskResult

        DBTaskResult.objects.filter(
            status__in=("SUCCESSFUL", "FAILED"), finished_at__lt=limit
        ).delete()
    if ids:
        record(
            "schedule",
            "clean_jobs",
            after={"deleted": len(ids), "older_than_days": settings.KIPU_JOB_RETENTION_DAYS},
        )
    return len(ids)
