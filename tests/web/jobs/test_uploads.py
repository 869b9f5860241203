"""Large uploads through the portal and the API become jobs: the request answers at once, the
worker stores the file; the job endpoint reports it, scoped; a duplicate stores one version.
Both task backends: the database (SQLite and PostgreSQL) and Redis (RQ)."""

from __future__ import annotations

from pathlib import Path

import pytest
from web_actors import client_for

from kipu.web.api.auth import create_token
from kipu.web.audit.models import AuditEvent
from kipu.web.jobs.models import Job
from kipu.web.submissions.models import Activity, Submission

pytestmark = pytest.mark.django_db(transaction=True)
Q = "?platform=gtrm-test"


def post_upload(client, path: Path, month: str = "2019-05"):  # noqa: ANN001, ANN201
    with path.open("rb") as handle:
        return client.post(
            f"/portal/upload/{Q}", {"month": month, "file": handle, "action": "submit"}
        )


def api_client(user):  # noqa: ANN001, ANN201
    from django.test import Client

    return Client(HTTP_AUTHORIZATION=f"Bearer {create_token(user, 'test')}")


def api_upload(client, path: Path, month: str = "2019-05"):  # noqa: ANN001, ANN201
    url = f"/api/v1/submissions?platform=gtrm-test&month={month}"
    with path.open("rb") as handle:
        return client.post(url, {"file": handle})


def queued_tasks(queue: str | None) -> int:
    """Tasks waiting on the backend under test: Redis's queue, or the database's table."""
    if queue is not None:
        import django_rq

        return django_rq.get_queue(queue).count
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(status="READY").count()


def web_upload_then_worker(partner_a, workbook, run_worker, queue=None) -> None:  # noqa: ANN001
    client = client_for(partner_a)
    response = post_upload(client, workbook(rows=4))
    job = Job.objects.get()
    assert queued_tasks(queue) == 1
    assert response.status_code == 302
    assert response["Location"] == f"/jobs/{job.pk}/"
    # Answered before anything was stored: the worker has not run yet.
    assert (job.kind, job.state, job.started_by) == ("import", "queued", partner_a)
    assert not Submission.objects.exists()
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert f'data-job-url="/api/v1/jobs/{job.pk}"' in page.content.decode()
    assert run_worker() == 1
    assert queued_tasks(queue) == 0
    job.refresh_from_db()
    assert (job.state, job.progress, job.result["outcome"], job.result["rows"]) == (
        "succeeded",
        100,
        "stored",
        4,
    )
    submission = Submission.objects.get(status="current")
    assert submission.uploaded_by == partner_a and submission.row_count == 4
    assert Activity.objects.filter(submission=submission).count() == 4
    assert job.result["links"][0]["href"] == f"/portal/submissions/{submission.pk}/{Q}"
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"start_job", "finish_job", "upload_submission"} <= actions


def test_large_web_upload_answers_at_once_and_the_worker_stores_it(
    partner_a, workbook, run_worker
) -> None:  # noqa: ANN001
    web_upload_then_worker(partner_a, workbook, run_worker)


@pytest.mark.redis
def test_large_web_upload_on_the_redis_backend(
    redis_backend, partner_a, workbook, run_worker
) -> None:  # noqa: ANN001
    web_upload_then_worker(partner_a, workbook, run_worker, queue=redis_backend)


def test_small_uploads_stay_immediate(partner_a, workbook, settings) -> None:  # noqa: ANN001
    settings.KIPU_JOB_THRESHOLD_BYTES = 10 * 1024 * 1024
    response = post_upload(client_for(partner_a), workbook())
    assert response.status_code == 302 and "/portal/submissions/" in response["Location"]
    assert not Job.objects.exists()
    assert Submission.objects.get().status == "current"


def api_job_flow(partner_a, partner_b, admin, workbook, run_worker) -> None:  # noqa: ANN001
    response = api_upload(api_client(partner_a), workbook(rows=5))
    assert response.status_code == 202, response.content
    job = response.json()
    assert response["Location"] == job["url"] == f"/api/v1/jobs/{job['id']}"
    assert (job["state"], job["finished"], job["progress"], job["links"]) == (
        "queued",
        False,
        0,
        [],
    )
    assert not Submission.objects.exists()
    own = api_client(partner_a)
    assert own.get(job["url"]).json()["state"] == "queued"
    assert run_worker() == 1
    done = own.get(job["url"]).json()
    submission = Submission.objects.get(status="current")
    assert (done["state"], done["finished"], done["progress"], done["outcome"]) == (
        "succeeded",
        True,
        100,
        "stored",
    )
    assert {"rel": "submission", "href": f"/api/v1/submissions/{submission.pk}"}.items() <= {
        **done["links"][1]
    }.items()
    assert own.get(done["links"][1]["href"]).status_code == 200
    # Scoped: the IM team sees it, another partner and anonymous callers do not.
    assert api_client(admin).get(job["url"]).status_code == 200
    assert api_client(partner_b).get(job["url"]).status_code == 404
    from django.test import Client

    assert Client().get(job["url"]).status_code == 401
    assert own.get("/api/v1/jobs/not-a-uuid").status_code == 404
    assert own.get("/api/v1/jobs/00000000-0000-0000-0000-000000000000").status_code == 404


def test_api_upload_answers_202_and_the_job_endpoint_follows_it(
    partner_a, partner_b, admin, workbook, run_worker
) -> None:  # noqa: ANN001
    api_job_flow(partner_a, partner_b, admin, workbook, run_worker)


@pytest.mark.redis
def test_api_job_endpoint_on_the_redis_backend(
    redis_backend, partner_a, partner_b, admin, workbook, run_worker
) -> None:  # noqa: ANN001
    api_job_flow(partner_a, partner_b, admin, workbook, run_worker)


def test_the_same_file_twice_while_waiting_is_one_job_and_one_version(
    partner_a, workbook, run_worker
) -> None:  # noqa: ANN001
    path = workbook(rows=3)
    first = post_upload(client_for(partner_a), path)
    second = post_upload(client_for(partner_a), path)
    third = api_upload(api_client(partner_a), path)
    job = Job.objects.get()
    assert first["Location"] == second["Location"] == f"/jobs/{job.pk}/"
    assert third.status_code == 202 and third.json()["id"] == str(job.pk)
    assert run_worker() == 1
    assert list(Submission.objects.values_list("status", "row_count")) == [("current", 3)]
    # Once it is done, the same file again is a new job that changes nothing.
    post_upload(client_for(partner_a), path)
    assert run_worker() == 1
    again = Job.objects.exclude(pk=job.pk).get()
    assert (again.state, again.result["outcome"]) == ("succeeded", "unchanged")
    assert list(Submission.objects.values_list("status", "row_count")) == [("current", 3)]


def test_another_file_while_one_waits_is_another_job(partner_a, workbook, run_worker) -> None:  # noqa: ANN001
    post_upload(client_for(partner_a), workbook("a.xlsx", rows=3))
    post_upload(client_for(partner_a), workbook("b.xlsx", rows=6))
    assert Job.objects.count() == 2
    assert run_worker() == 2
    assert sorted(Submission.objects.values_list("status", "row_count")) == [
        ("current", 6),
        ("superseded", 3),
    ]
