"""Job records: one per piece of long work (an import of a large file, a report render, an
open-data package, a snapshot rebuild, the daily reminders), whatever task backend runs it.

The task queue (django-tasks: database or Redis) only carries a job's id; the record says who
started it, on which platform, with what, how far it got, and its result or error. Records
are audited when they start and end, and deleted after KIPU_JOB_RETENTION_DAYS
(kipu.web.jobs.services.clean_old_jobs)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Job(models.Model):
    class Kind(models.TextChoices):
        IMPORT = "import", _("Import of a 5W file")
        CHECK = "check", _("Check of a 5W file")
        REPORT = "report", _("Situation report (English and Spanish)")
        OPENDATA = "opendata", _("Open-data package")
        SNAPSHOT = "snapshot", _("Figures snapshot rebuild")
        REMINDERS = "reminders", _("Reminder e-mails")
        CLEANUP = "cleanup", _("Clean-up of old jobs")

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting for a worker")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Done")
        FAILED = "failed", _("Failed")

    ACTIVE = (State.QUEUED, State.RUNNING)

    # A UUID, not a counter: job addresses are not guessable, and a live-progress entry of a
    # job deleted long ago can never be read as a new job's.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    platform = models.ForeignKey(
        "platforms.Platform", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # The person whose permissions the job runs with; None for the command line or the
    # schedule, which `actor_label` names ("cli:maria", "schedule").
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=150, blank=True)
    params = models.JSONField(default=dict, blank=True)
    # Same key while a job is waiting or running: the second submission gets the first job.
    idempotency_key = models.CharField(max_length=64, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)  # percent, 0-100
    message = models.CharField(max_length=300, blank=True)
    result = models.JSONField(null=True, blank=True)  # {"outcome", "links": [...], ...}
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    task_id = models.CharField(max_length=64, blank=True)  # the task backend's id
    # Where the current attempt runs: a worker finding the process gone retries the job.
    worker_host = models.CharField(max_length=255, blank=True)
    worker_pid = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["platform", "state"])]
        constraints = [
            models.UniqueConstraint(
                fields=["idempotency_key"],
                condition=Q(state__in=["queued", "running"]) & ~Q(idempotency_key=""),
                name="one_active_job_per_key",
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="job_progress_percent"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {str(self.id)[:8]} ({self.state})"

    @property
    def finished(self) -> bool:
        return self.state in (self.State.SUCCEEDED, self.State.FAILED)


class ScheduleMark(models.Model):
    """One row per periodic task and period (e.g. reminders, 2025-03-05): the unique pair makes
    every worker, on every machine, enqueue a period's run once."""

    name = models.CharField(max_length=40)
    period = models.CharField(max_length=20)
    job = models.ForeignKey(Job, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["name", "period"], name="one_run_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.period}"
