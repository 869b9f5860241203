"""GET /api/v1/jobs/<id>: a job's state, progress and result links, for the job's starter and
the IM team of its platform (others, and ids that are not jobs, get the same 404)."""

from __future__ import annotations

import uuid

from django.http import JsonResponse
from django.http.response import HttpResponseBase

from kipu.web.accounts.scope import Scope
from kipu.web.api.base import Call, handler, json_answer
from kipu.web.api.errors import ApiError
from kipu.web.jobs.models import Job
from kipu.web.jobs.queries import job_summary, visible_job


def job_answer(job: Job, status: int = 200) -> JsonResponse:
    """The `Job` answer; 202 ones carry the job's URL in `Location`."""
    response = json_answer(job_summary(job), status=status)
    if status == 202:
        response["Location"] = f"/api/v1/jobs/{job.pk}"
    return response


@handler("job")
def job(call: Call) -> HttpResponseBase:
    job_id = call.path["id"]
    found = _visible(call.user, job_id)
    if found is None:
        raise ApiError(404, f"no job {job_id}", details={"id": job_id})
    return job_answer(found)


def _visible(user: object, job_id: str) -> Job | None:
    """The job if `user` may see it on its own platform (Scope.jobs), else None."""
    try:
        key = uuid.UUID(str(job_id))
    except ValueError:
        return None
    owner = Job.objects.select_related("platform").filter(pk=key).first()
    if owner is None or owner.platform is None:
        return None
    return visible_job(Scope.for_user(user, owner.platform), key)
