""" "Check only" of a large file is a background job, as its submission is: the request answers at
once, the worker validates (nothing stored, a valid file kept for its user), and the upload
page shows the report the job wrote, with the button that submits the kept file. Before, a
check of a 100 MB workbook ran in the web request."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from web_actors import client_for

from kipu.web.jobs.models import Job
from kipu.web.submissions.models import Submission

pytestmark = pytest.mark.django_db(transaction=True)
Q = "?platform=gtrm-test"


def post_check(client, path: Path, month: str = "2019-05"):  # noqa: ANN001, ANN201
    with path.open("rb") as handle:
        return client.post(
            f"/portal/upload/{Q}", {"month": month, "file": handle, "action": "check"}
        )


def checked_job(client, path: Path, run_worker) -> tuple[Job, str]:  # noqa: ANN001
    """Check `path` through the portal and the worker: (the job, the report page's HTML)."""
    response = post_check(client, path)
    job = Job.objects.get(kind="check")
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    assert job.state == "queued" and not Submission.objects.exists()
    assert run_worker() == 1
    job.refresh_from_db()
    assert job.state == "succeeded", job.error
    [link] = job.result["links"]
    assert link["rel"] == "check"
    page = client.get(link["href"])
    assert page.status_code == 200
    return job, page.content.decode()


def test_a_valid_file_checked_by_the_worker_then_submitted(partner_a, workbook, run_worker) -> None:  # noqa: ANN001
    client = client_for(partner_a)
    job, page = checked_job(client, workbook(rows=4), run_worker)
    assert (job.result["outcome"], job.result["rows"], job.result["errors"]) == ("valid", 4, 0)
    assert "Valid: you can submit it." in page and "No problems found." in page
    assert not Submission.objects.exists()  # a check stores nothing
    digest = re.search(r'name="checked" value="([0-9a-f]{64})"', page)
    assert digest, page
    answer = client.post(
        f"/portal/upload/{Q}",
        {"action": "submit_checked", "month": "2019-05", "checked": digest[1]},
    )
    assert answer.status_code == 302
    run_worker()  # the submission of a large file is a job too
    assert Submission.objects.get(status="current").row_count == 4


def test_an_invalid_file_shows_its_issues_and_no_submit_button(
    partner_a, workbook, run_worker
) -> None:  # noqa: ANN001
    job, page = checked_job(client_for(partner_a), workbook(rows=3, total=-5), run_worker)
    assert job.result["outcome"] == "invalid" and job.result["errors"] >= 3
    assert "Invalid: fix the errors before submitting." in page
    assert "invalid-number" in page and 'name="checked"' not in page
    assert not Submission.objects.exists()


def test_a_file_that_is_no_workbook_is_reported_not_crashed(
    partner_a, tmp_path: Path, run_worker
) -> None:  # noqa: ANN001
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04" + b"not a zip" * 200)
    job, page = checked_job(client_for(partner_a), broken, run_worker)
    assert job.result["outcome"] == "invalid"
    assert "unreadable-file" in page


def test_only_its_starter_and_the_im_team_see_the_check(
    partner_a, partner_b, admin, workbook, run_worker
) -> None:  # noqa: ANN001
    _job, _page = checked_job(client_for(partner_a), workbook(), run_worker)
    job = Job.objects.get(kind="check")
    link = job.result["links"][0]["href"]
    assert client_for(partner_b).get(f"/jobs/{job.pk}/").status_code == 404
    assert client_for(partner_b).get(link).status_code == 404
    assert client_for(admin).get(link).status_code == 200
    # Another organisation's page with this job's id shows nothing of it.
    other = link.replace(f"org={job.params['organisation']}", "org=999999")
    assert client_for(admin).get(other).status_code == 404


def test_small_checks_stay_in_the_request(partner_a, workbook, settings) -> None:  # noqa: ANN001
    settings.KIPU_JOB_THRESHOLD_BYTES = 10 * 1024 * 1024
    response = post_check(client_for(partner_a), workbook())
    assert response.status_code == 200 and "Valid: you can submit it." in response.content.decode()
    assert not Job.objects.exists()


def test_the_im_team_sees_a_partners_check_without_its_submit_button(
    partner_a, admin, workbook, run_worker
) -> None:  # noqa: ANN001
    """The kept file is its checker's: a button for anyone else could only fail."""
    job, _page = checked_job(client_for(partner_a), workbook(), run_worker)
    page = client_for(admin).get(job.result["links"][0]["href"]).content.decode()
    assert "Valid: you can submit it." in page and 'name="checked"' not in page
    assert "Checked by partner.pa: only they can submit the file they checked." in page


def test_a_month_locked_after_the_check_offers_no_submit(
    partner_a, admin, platform, workbook, run_worker
) -> None:  # noqa: ANN001
    from kipu.web.submissions.months import lock_month

    client = client_for(partner_a)
    job, page = checked_job(client, workbook(), run_worker)
    digest = re.search(r'name="checked" value="([0-9a-f]{64})"', page)
    assert digest
    lock_month(platform, "2019-05", admin)
    page = client.get(job.result["links"][0]["href"]).content.decode()
    assert 'name="checked"' not in page and "May 2019 is no longer open for submissions." in page
    answer = client.post(  # the button of a page opened before the lock
        f"/portal/upload/{Q}",
        {"action": "submit_checked", "month": "2019-05", "checked": digest[1]},
    )
    said = client.get(answer["Location"]).content.decode()
    assert "May 2019 is no longer open for submissions." in said
    assert "Select a valid choice" not in said and not Submission.objects.exists()


def test_the_file_keeps_its_name_and_the_job_keeps_only_its_report(
    partner_a, workbook, run_worker
) -> None:  # noqa: ANN001
    from kipu.web.jobs.services import job_dir

    path = workbook("Informe Año 2019 (final).xlsx")
    job, page = checked_job(client_for(partner_a), path, run_worker)
    assert "Submit Informe Año 2019 (final).xlsx for May 2019" in page
    assert [p.name for p in job_dir(job.pk).iterdir()] == ["report.json"]


def test_what_a_killed_process_left_in_incoming_is_swept(
    partner_a, workbook, run_worker, data_dir
) -> None:  # noqa: ANN001
    """A worker killed while it checked or stored a file left its copy in incoming/; the
    next upload removes copies older than INCOMING_HOURS, never a fresh one."""
    import os
    import time

    from kipu.web.portal.services import INCOMING_HOURS

    incoming = data_dir / "uploads" / "gtrm-test" / "incoming"
    old, fresh = incoming / "old", incoming / "fresh"
    for folder in (old, fresh):
        folder.mkdir(parents=True)
        (folder / "left.xlsx").write_bytes(b"x" * 1000)
    then = time.time() - INCOMING_HOURS * 3600 - 60
    os.utime(old, (then, then))
    checked_job(client_for(partner_a), workbook(), run_worker)
    assert sorted(p.name for p in incoming.iterdir()) == ["fresh"]


def test_a_failed_job_keeps_no_retry_message(partner_a, workbook) -> None:  # noqa: ANN001
    from kipu.web.jobs.services import fail

    post_check(client_for(partner_a), workbook())
    job = Job.objects.get(kind="check")
    Job.objects.filter(pk=job.pk).update(message="Trying again: the worker was killed")
    fail(job, "Stopped: the worker was killed (attempts: 2).")
    job.refresh_from_db()
    assert (job.state, job.message) == ("failed", "")


@pytest.mark.parametrize(
    ("total", "verdict"), [(None, "Checked: no errors"), (-5, "Checked: errors found")]
)
def test_the_job_shows_its_stages_its_file_and_its_verdict(
    partner_a, workbook, run_worker, monkeypatch, total, verdict
) -> None:  # noqa: ANN001
    """The bar sat at 5% while the file was validated, an invalid file's job said only
    "Done", and the list of jobs did not name the file."""
    from kipu.web.jobs import runners

    told: list[tuple[int, str]] = []
    original = runners.Reporter.__call__

    def spy(self, percent, message, steps=()):  # noqa: ANN001, ANN202
        told.append((int(percent), message))
        original(self, percent, message, steps)

    monkeypatch.setattr(runners.Reporter, "__call__", spy)
    client = client_for(partner_a)
    path = workbook(rows=3, **({} if total is None else {"total": total}))
    job, _page = checked_job(client, path, run_worker)
    assert told[:2] == [(5, "Reading the file"), (25, "Checking 3 rows")]
    shown = client.get(f"/api/v1/jobs/{job.pk}").json()
    assert shown["state_label"] == verdict
    assert shown["subject"] == f"{path.name}, 2019-05"
    detail = client.get(f"/jobs/{job.pk}/").content.decode()
    assert verdict in detail and path.name in detail
    assert ("kipu-job-outcome-invalid" in detail) == (total is not None)
    upload = client.get(f"/portal/upload/{Q}").content.decode()  # its recent jobs
    assert f'<span class="kipu-job-subject">{path.name}, 2019-05</span>' in upload
