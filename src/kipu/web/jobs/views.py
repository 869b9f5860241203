"""Job pages: one job with its live progress bar, the files a job made, and the buttons of the
console that start a job (which then show its progress where they are)."""

from __future__ import annotations

import re
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kipu.web.accounts.scope import MANAGE_PLATFORM, Scope, require, scope_of
from kipu.web.jobs.models import Job
from kipu.web.jobs.queries import job_summary, visible_job
from kipu.web.jobs.services import job_dir
from kipu.web.jobs.start import start_opendata, start_snapshot

MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
FILE_NAME = re.compile(r"^[\w.-]+\.zip$")


def _job(request: HttpRequest, pk: uuid.UUID) -> Job:
    """The job if the user may see it (Scope.jobs on the job's platform), else 404."""
    found = Job.objects.select_related("platform").filter(pk=pk).first()
    if found is None or found.platform is None:
        raise Http404("no such job")
    job = visible_job(Scope.for_user(request.user, found.platform), pk)
    if job is None:
        raise Http404("no such job")
    return job


@login_required
@require_GET
def detail(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    job = _job(request, pk)
    return render(
        request,
        "jobs/detail.html",
        {"job": job, "summary": job_summary(job), "platform": job.platform},
    )


@login_required
@require_GET
def download(request: HttpRequest, pk: uuid.UUID, name: str) -> FileResponse:
    job = _job(request, pk)
    path = job_dir(job.pk) / name
    if not FILE_NAME.match(name) or not path.is_file():
        raise Http404("no such file")
    return FileResponse(path.open("rb"), as_attachment=True, filename=name)


@require(MANAGE_PLATFORM)
@require_POST
def start(request: HttpRequest, kind: str) -> HttpResponse:
    """Start an open-data package or a snapshot rebuild (IM team), then go back to the page
    that asked (`next`), whose job list shows the progress. (Report renders start from the
    report editor, which checks the narrative first: kipu.web.reports.views.start_render.)"""
    scope = scope_of(request)
    month = request.POST.get("month", "")
    lang = (request.LANGUAGE_CODE or "en")[:2]
    if kind == "opendata" and not MONTH.match(month):
        raise Http404("a month YYYY-MM is needed")
    if kind == "opendata":
        job, _created = start_opendata(scope.platform, month, request.user, lang)
    elif kind == "snapshot":
        job, _created = start_snapshot(scope.platform, request.user, lang)
    else:
        raise Http404("no such kind of job")
    messages.info(
        request, _("Started: %(job)s. Its progress shows below.") % {"job": job.get_kind_display()}
    )
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        return redirect(back)
    return redirect("jobs:detail", pk=job.pk)
