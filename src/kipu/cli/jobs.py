"""`kipu worker` runs background jobs; `kipu jobs` lists and follows them."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlsplit

import click

from kipu.cli.base import (
    FORMAT,
    PLATFORM,
    cli_actor,
    current_platform,
    emit,
    fail,
    setup_django,
)


@click.command()
@click.option("--burst", is_flag=True, help="Run the waiting jobs, then exit.")
@click.option(
    "--interval",
    default=1.0,
    show_default=True,
    type=click.FloatRange(0.1, 60),
    help="Seconds between looks at an empty queue.",
)
@click.option(
    "--schedule/--no-schedule",
    default=True,
    show_default=True,
    help="Start the daily jobs (reminders due, clean-up of old jobs) when due.",
)
def worker(burst: bool, interval: float, schedule: bool) -> None:
    """Run background jobs (imports of large files, report renders, open-data packages,
    snapshot rebuilds, the daily reminders) from the queue KIPU_TASKS_BACKEND names
    (database, or rq for Redis at REDIS_URL). One job at a time: start several workers for
    more. Ctrl-C or SIGTERM stops after the current job."""
    setup_django()
    from kipu.web.jobs.services import QueueUnreachable, check_queue
    from kipu.web.jobs.worker import WorkerLoop

    try:
        check_queue()
    except QueueUnreachable as error:
        fail([queue_unreachable(error)], status=1)
    until = " (until the queue is empty)" if burst else ""
    click.echo(f"Kipu worker: jobs from {queue_place()}{until}.")
    loop = WorkerLoop(burst=burst, interval=interval, with_schedule=schedule)
    try:
        ran = loop.run()
    except QueueUnreachable as error:  # Redis went away while the worker ran
        fail([f"the worker stopped after {_jobs(loop.ran)}: {queue_unreachable(error)}"])
    if loop.forced:
        fail(["the worker was stopped during a job: what the job had done was rolled back"
              " (it is tried again while it has attempts left)"])  # fmt: skip
    click.echo(f"Kipu worker stopped after {_jobs(ran)}.")


def _jobs(count: int) -> str:
    return f"{count} job{'s' if count != 1 else ''}"


def queue_place() -> str:
    """Where the jobs wait: Redis at REDIS_URL (RQ backend), or the database."""
    from django.conf import settings

    return f"Redis at {redis_url()}" if settings.KIPU_TASKS_BACKEND == "rq" else "the database"


def redis_url() -> str:
    """REDIS_URL as shown on the terminal: its password, if any, left out."""
    from django.conf import settings

    parts = urlsplit(settings.REDIS_URL)
    if parts.password is None:
        return str(settings.REDIS_URL)
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return parts._replace(netloc=netloc).geturl()


def queue_unreachable(error: object) -> str:
    """What `kipu worker` and `kipu import --background` say when Redis does not answer."""
    return (
        f"cannot reach Redis at REDIS_URL={redis_url()} ({error}): check that Redis is "
        "running there and that REDIS_URL names it"
    )


@click.group()
def jobs() -> None:
    """Background jobs: start one, list them, follow one."""


def _text(job: dict[str, Any]) -> str:
    line = f"{job['id']}  {job['kind']:9} {job['state']:9} {job['progress']:3}%  {job['message']}"
    if job["error"]:
        line += f"\n  error: {job['error']}"
    return line


@jobs.command("list")
@PLATFORM
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 1000))
@FORMAT
def jobs_list(platform_slug: str | None, limit: int, output_format: str) -> None:
    """The platform's latest jobs, newest first."""
    setup_django()
    from kipu.web.jobs.models import Job
    from kipu.web.jobs.queries import job_summary

    platform = current_platform(platform_slug)
    found = [job_summary(j) for j in Job.objects.filter(platform=platform)[:limit]]
    emit(found, output_format, lambda data: "\n".join(map(_text, data)) or "No jobs.")


@jobs.command("show")
@click.argument("job_id")
@click.option("--wait", is_flag=True, help="Follow it with a progress bar until it finishes.")
@FORMAT
def jobs_show(job_id: str, wait: bool, output_format: str) -> None:
    """One job. Exit status 0 done, 1 failed (an import whose file was not stored: 1 for
    errors in the data, 2 for an unusable file, as `kipu import`), 3 still waiting or running."""
    setup_django()
    summary = follow(job_id) if wait else _summary(job_id)
    emit(summary, output_format, _text)
    failed = summary["result"].get("exit_status", 1)
    raise SystemExit({"succeeded": 0, "failed": failed}.get(summary["state"], 3))


@jobs.command("start")
@click.argument("kind", type=click.Choice(["report", "opendata", "snapshot"]))
@PLATFORM
@click.option("--month", metavar="YYYY-MM", help="The month (report, opendata).")
@FORMAT
def jobs_start(kind: str, platform_slug: str | None, month: str | None, output_format: str) -> None:
    """Queue what the web console's buttons start: the month's report in both languages (a
    new version each, from the report editor's narrative; `kipu sitrep` renders a folder in
    the foreground instead), the month's open-data package, or a snapshot rebuild. Prints
    the job's id; `kipu jobs show ID --wait` follows it."""
    from kipu.cli.collect import check_month

    check_month(month)
    if kind != "snapshot" and month is None:
        fail([f"--month is needed for a {kind} job"], status=2)
    setup_django()
    from kipu.core.report.narrative import NarrativeError
    from kipu.web.jobs.start import start_opendata, start_report, start_snapshot

    platform = current_platform(platform_slug)
    starts = {
        "report": lambda: start_report(platform, str(month), cli_actor()),
        "opendata": lambda: start_opendata(platform, str(month), cli_actor()),
        "snapshot": lambda: start_snapshot(platform, cli_actor()),
    }
    try:
        queue(starts[kind], f"the {kind} job", output_format)
    except NarrativeError as error:  # checked before anything is queued
        fail([error], status=1)


def queue(start: Any, what: str, output_format: str, nothing: str = "nothing was done") -> None:
    """Start a job (`start()` → (job, created)) once the queue answers, and say so: its id
    and how to follow it. `kipu import --background` and `kipu jobs start`."""
    from kipu.web.jobs.services import QueueUnreachable, check_queue

    try:  # before the job is recorded: a queue that cannot take it leaves nothing behind
        check_queue()
    except QueueUnreachable as error:
        fail([f"{what} was not queued (nothing recorded): {queue_unreachable(error)}"])
    job, created = start()
    job.refresh_from_db(fields=["state", "error"])
    if job.state == job.State.FAILED:  # the queue went away since the check: said on the job
        fail(
            [
                f"{what} was not queued: job {job.pk} is recorded as failed ({job.error}); "
                f"{nothing}. Check the task queue ({queue_place()}) and run the command again."
            ]
        )
    data = {"job": str(job.pk), "created": created, "state": job.state}
    emit(
        data,
        output_format,
        lambda d: (
            f"{'Queued' if d['created'] else 'Already queued'}: job {d['job']} "
            f"(follow it: kipu jobs show {d['job']} --wait)."
        ),
    )


def _summary(job_id: str) -> dict[str, Any]:
    import uuid

    from kipu.web.jobs.models import Job
    from kipu.web.jobs.queries import job_summary

    try:
        found = Job.objects.filter(pk=uuid.UUID(job_id)).first()
    except ValueError:
        found = None
    if found is None:
        fail([f"no job {job_id}"], status=1)
    return job_summary(found)


def follow(job_id: str) -> dict[str, Any]:
    """Show the job's progress on the terminal until it finishes; returns its summary."""
    import sys

    from rich.progress import Progress

    summary = _summary(job_id)
    if not sys.stderr.isatty():
        while not summary["finished"]:
            time.sleep(1)
            summary = _summary(job_id)
        return summary
    with Progress(transient=True) as bar:
        task = bar.add_task(summary["message"] or summary["state"], total=100)
        while True:
            label = summary["message"] or summary["state_label"]
            bar.update(task, completed=summary["progress"], description=label)
            if summary["finished"]:
                return summary
            time.sleep(0.5)
            summary = _summary(job_id)


COMMANDS: tuple[click.Command, ...] = (worker, jobs)
