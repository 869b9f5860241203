"""Periodic jobs, started by the workers' schedule (`kipu worker`): the reminder e-mails due
that day and the clean-up of old jobs, once a day each, from KIPU_SCHEDULE_HOUR (UTC, the
settings' TIME_ZONE) on.

Every worker on every machine ticks the schedule; a (name, day) row that only one of them can
insert makes each day's run start once. Installations without a running worker use cron
instead: `kipu remind --due` once a day runs the same service."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from kipu.web.jobs.models import Job, ScheduleMark
from kipu.web.jobs.services import start_job


@dataclass(frozen=True)
class Periodic:
    name: str
    kind: str
    params: Callable[[dt.date], dict[str, Any]]


DAILY = (
    Periodic("reminders", Job.Kind.REMINDERS, lambda day: {"day": day.isoformat()}),
    Periodic("cleanup", Job.Kind.CLEANUP, lambda day: {}),
)


def tick(now: dt.datetime | None = None) -> list[Job]:
    """Start the daily jobs not started yet today (once the hour is reached); returns them."""
    now = timezone.localtime(now or timezone.now())
    if now.hour < settings.KIPU_SCHEDULE_HOUR:
        return []
    day, started = now.date(), []
    for entry in DAILY:
        if ScheduleMark.objects.filter(name=entry.name, period=day.isoformat()).exists():
            continue
        try:
            with transaction.atomic():
                mark = ScheduleMark.objects.create(name=entry.name, period=day.isoformat())
                job, _created = start_job(
                    entry.kind,
                    None,
                    "schedule",
                    {**entry.params(day), "system": True},
                    idempotency_key=f"schedule:{entry.name}:{day.isoformat()}",
                )
                mark.job = job
                mark.save(update_fields=["job"])
        except IntegrityError:  # another worker started today's run a moment ago
            continue
        started.append(job)
    return started
