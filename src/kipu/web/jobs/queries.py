"""Reads of background jobs: the ones a user may follow, and a job as the API, the job page
and the progress component show it."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kipu.web.accounts.scope import Scope
from kipu.web.jobs.models import Job
from kipu.web.jobs.services import live

RECENT = dt.timedelta(days=1)  # how long a finished job stays on the pages that started it


def visible_jobs(scope: Scope) -> QuerySet[Job]:
    """The jobs of the scope's platform the user may see (Scope.jobs), newest first."""
    return scope.jobs(Job.objects.select_related("platform", "started_by"))


def visible_job(scope: Scope, job_id: Any) -> Job | None:
    """One visible job by id (a UUID, as text or not), or None."""
    try:
        key = uuid.UUID(str(job_id))
    except ValueError:
        return None
    return visible_jobs(scope).filter(pk=key).first()


def recent_jobs(scope: Scope, kinds: list[str] | None = None) -> QuerySet[Job]:
    """The visible jobs of the last day (RECENT) of `kinds` (all when None), newest first."""
    found = visible_jobs(scope).filter(created_at__gte=timezone.now() - RECENT)
    return found.filter(kind__in=kinds) if kinds else found


def check_report(scope: Scope, job_id: Any, organisation: Any) -> tuple[Job, dict[str, Any]] | None:
    """A finished "Check only" job of `organisation` the user may see, with its report (as
    `runners.run_check` wrote it: valid, summary, first issues, total, the kept file's
    SHA-256 or None), or None."""
    import json

    from kipu.web.jobs.services import CHECK_REPORT, job_dir

    job = visible_job(scope, job_id)
    if job is None or job.kind != Job.Kind.CHECK or job.state != Job.State.SUCCEEDED:
        return None
    if job.params.get("organisation") != organisation.pk:
        return None
    path = job_dir(job.pk) / CHECK_REPORT
    if not path.is_file():
        return None
    return job, json.loads(path.read_text("utf-8"))


def latest_report_job(scope: Scope, month: str) -> Job | None:
    """The newest visible report render of `month` of the last day, or None."""
    return recent_jobs(scope, [Job.Kind.REPORT]).filter(params__month=month).first()


def _label(rel: str) -> str:
    lang, _sep, kind = rel.partition("-")
    reports = {"en": _("English report (%(format)s)"), "es": _("Spanish report (%(format)s)")}
    if lang in reports and kind:
        return reports[lang] % {"format": kind.upper()}
    labels = {
        "page": _("Open the submission and its report"),
        "check": _("Open the check and its report"),
        "submission": _("The submission in the API (JSON)"),
        "package": _("Download the package (zip)"),
    }
    return labels.get(rel, rel)


def _subject(job: Job) -> str | None:
    """What the job works on, for lists of jobs: "5w-may.xlsx, 2019-05" (a file's name as
    its user gave it, and its month), a month, or None."""
    params = job.params or {}
    parts = [params.get("name") or params.get("file"), params.get("month")]
    return ", ".join(str(p) for p in parts if p) or None


def _state_label(job: Job, outcome: str | None) -> str:
    """The state as shown; a check that ran tells whether the file has errors (its job
    succeeded either way, and "Done" alone read as "valid")."""
    if job.kind == Job.Kind.CHECK and job.state == Job.State.SUCCEEDED:
        if outcome == "invalid":
            return _("Checked: errors found")
        if outcome == "valid":
            return _("Checked: no errors")
    return str(job.get_state_display())


def job_summary(job: Job) -> dict[str, Any]:
    """The job as the API's `Job` schema: state, progress 0-100, message, the steps done so
    far while it runs (a report's "en-html", "en-pdf", …), result links (site-relative URLs),
    error, what it works on (`subject`), and when it was created, started and finished."""
    shown = live(job)
    result = job.result or {}
    return {
        "id": str(job.pk),
        "url": f"/api/v1/jobs/{job.pk}",
        "page": reverse("jobs:detail", args=[job.pk]),
        "kind": job.kind,
        "kind_label": str(job.get_kind_display()),
        "platform": job.platform.slug if job.platform else None,
        "started_by": job.actor_label,
        "state": job.state,
        "state_label": _state_label(job, result.get("outcome")),
        "subject": _subject(job),
        "finished": job.finished,
        "progress": shown["progress"],
        "message": shown["message"],
        "steps": list(shown.get("steps") or []),
        "outcome": result.get("outcome"),
        "links": [{**link, "label": _label(link["rel"])} for link in result.get("links", [])],
        "result": {k: v for k, v in result.items() if k not in ("links", "outcome")},
        "error": job.error or None,
        "attempts": job.attempts,
        "created_at": job.created_at.isoformat(),
        "started_at": job.started_at.isoformat() if job.started_at else None,
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
    }
