"""The task the queue carries: `run_job(job_id)`. One task for every kind of job, so the
backend (database or Redis) only ever holds a job's id; the job record holds the rest."""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils.translation import gettext as _
from django_tasks import task

from kipu.web.jobs import services
from kipu.web.jobs.runners import JobRefused, execute

logger = logging.getLogger("kipu.jobs")


@task(queue_name=settings.KIPU_JOBS_QUEUE)
def run_job(job_id: str) -> str:
    """Run the job if it is still waiting; returns the state it ended in ("skipped" when
    another delivery of the task ran it). A failure is the job's, recorded with its reason:
    the task itself succeeds."""
    job = services.begin(job_id)
    if job is None:
        return "skipped"
    try:
        with services.heartbeat(job):
            result, message = execute(job)
    except JobRefused as refusal:
        services.fail(job, str(refusal), refusal.result)
        return "failed"
    except (KeyboardInterrupt, SystemExit):
        # The worker was told to stop at once: the attempt's transaction is rolled back.
        services.stopped(job, "stopped")
        raise
    except Exception as error:
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        services.fail(
            job,
            _("The job stopped on an unexpected error (%(error)s).")
            % {"error": f"{type(error).__name__}: {error}"[:300]},
        )
        return "failed"
    services.succeed(job, result, message)
    return "succeeded"
