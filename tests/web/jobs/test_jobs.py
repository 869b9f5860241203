"""Jobs run with the permissions of who started them; lost workers' jobs are retried, then
failed with the reason; old jobs are cleaned; the console and report editor start jobs; the
daily schedule sends the reminders once a day."""

from __future__ import annotations

import datetime as dt
import socket
import subprocess
import time
from typing import Any

import pytest
from django.core.cache import caches
from django.utils import timezone
from web_actors import client_for

from kipu.web.accounts.models import Role
from kipu.web.audit.models import AuditEvent
from kipu.web.jobs import schedule, services
from kipu.web.jobs.models import Job, ScheduleMark
from kipu.web.jobs.start import start_import, start_snapshot
from kipu.web.submissions.models import Submission
from kipu.web.submissions.months import lock_month, publish_month

# Transactional: the worker loop closes obsolete connections, as a worker process must.
pytestmark = pytest.mark.django_db(transaction=True)


def queued_import(platform, org_a, partner_a, workbook) -> Job:  # noqa: ANN001
    job, created = start_import(platform, org_a, "2019-05", workbook(), partner_a)
    assert created
    return job


@pytest.mark.parametrize("change", ["role removed", "account deactivated", "month locked"])
def test_the_job_checks_the_starters_permissions_again(
    change: str, platform, org_a, partner_a, admin, workbook, run_worker
) -> None:  # noqa: ANN001
    job = queued_import(platform, org_a, partner_a, workbook)
    if change == "role removed":
        Role.objects.filter(user=partner_a).delete()
    elif change == "account deactivated":
        partner_a.is_active = False
        partner_a.save()
    else:
        lock_month(platform, "2019-05", admin)
    run_worker()
    job.refresh_from_db()
    assert job.state == "failed"
    assert job.error, "a failed job says why"
    assert not Submission.objects.exists()
    assert AuditEvent.objects.filter(action="fail_job").count() == 1


def dead_pid() -> int:
    done = subprocess.run(["true"], check=True)
    assert done.returncode == 0
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def running(job: Job, **where: Any) -> Job:
    Job.objects.filter(pk=job.pk).update(
        state="running", attempts=job.attempts + 1, started_at=timezone.now(), **where
    )
    job.refresh_from_db()
    return job


def test_a_job_whose_worker_died_is_retried_then_failed_with_the_reason(
    platform, org_a, partner_a, workbook, settings
) -> None:  # noqa: ANN001
    settings.KIPU_JOB_ATTEMPTS = 2
    job = queued_import(platform, org_a, partner_a, workbook)
    here = {"worker_host": socket.gethostname(), "worker_pid": dead_pid()}
    running(job, **here)
    [again] = services.recover_lost_jobs()
    assert (again.state, again.attempts) == ("queued", 1)
    assert "killed or crashed" in again.message
    running(again, **here)
    [failed] = services.recover_lost_jobs()
    assert (failed.state, failed.attempts) == ("failed", 2)
    assert "killed or crashed" in failed.error and "(attempts: 2)" in failed.error
    assert "previous data is unchanged" in failed.error
    assert not services.job_dir(job.pk).exists()
    assert list(AuditEvent.objects.filter(object_id=str(job.pk)).values_list("action", flat=True))


def test_a_live_worker_keeps_its_job_and_a_silent_one_loses_it(
    platform, org_a, partner_a, workbook, settings
) -> None:  # noqa: ANN001
    job = queued_import(platform, org_a, partner_a, workbook)
    running(job, worker_host="another-machine", worker_pid=1)
    services.report_progress(job.pk, 40, "Storing rows")
    assert services.lost_reason(job) is None
    later = time.time() + settings.KIPU_JOB_LOST_AFTER_SECONDS + 1
    assert services.lost_reason(job, now=later) == "silent"
    # This very process is alive: its own job is never taken for lost.
    import os

    running(job, worker_host=socket.gethostname(), worker_pid=os.getpid())
    assert services.lost_reason(job) is None


def test_live_progress_shows_while_running_and_the_record_after(
    platform, org_a, partner_a, workbook
) -> None:  # noqa: ANN001
    job = running(queued_import(platform, org_a, partner_a, workbook))
    services.report_progress(job.pk, 62.7, "Storing rows: 6 of 10", ["read"])
    assert services.live(job) | {"beat": None} == {
        "progress": 62,
        "message": "Storing rows: 6 of 10",
        "steps": ["read"],
        "beat": None,
    }
    services.succeed(job, {"outcome": "stored", "links": []}, "Submitted.")
    job.refresh_from_db()
    assert services.live(job) == {
        "progress": 100,
        "message": "Submitted.",
        "steps": [],
        "beat": None,
    }
    assert caches["jobs"].get(f"kipu-job:{job.pk}") is None


def test_old_jobs_are_cleaned_after_the_retention(
    platform, org_a, partner_a, workbook, settings, run_worker
) -> None:  # noqa: ANN001
    settings.KIPU_JOB_RETENTION_DAYS = 30
    old = queued_import(platform, org_a, partner_a, workbook)
    run_worker()
    recent, _ = start_snapshot(platform, "cli:test")
    run_worker()
    waiting, _ = start_snapshot(platform, "cli:test")
    long_ago = timezone.now() - dt.timedelta(days=31)
    Job.objects.filter(pk=old.pk).update(finished_at=long_ago)
    (services.job_dir(old.pk)).mkdir(parents=True, exist_ok=True)
    assert services.clean_old_jobs() == 1
    assert set(Job.objects.values_list("pk", flat=True)) == {recent.pk, waiting.pk}
    assert not services.job_dir(old.pk).exists()
    event = AuditEvent.objects.get(action="clean_jobs")
    assert event.after == {"deleted": 1, "older_than_days": 30}


def test_the_im_team_starts_a_snapshot_and_an_open_data_package(
    platform, admin, partner_a, rows, org_a, run_worker
) -> None:  # noqa: ANN001
    rows(platform, org_a, "PRO", "2019-05", 3)
    lock_month(platform, "2019-05", admin)
    publish_month(platform, "2019-05", admin)
    client = client_for(admin)
    back = "/console/?platform=gtrm-test"
    for kind in ("snapshot", "opendata"):
        response = client.post(
            f"/jobs/start/{kind}/?platform=gtrm-test", {"month": "2019-05", "next": back}
        )
        assert response.status_code == 302 and response["Location"] == back
    # The same request again while the first waits starts nothing new.
    client.post("/jobs/start/snapshot/?platform=gtrm-test", {"next": back})
    assert Job.objects.count() == 2
    assert run_worker() == 2
    snapshot = Job.objects.get(kind="snapshot")
    assert (snapshot.state, snapshot.result["rows"]) == ("succeeded", 3)
    package = Job.objects.get(kind="opendata")
    assert package.state == "succeeded", package.error
    download = client.get(package.result["links"][0]["href"])
    assert download.status_code == 200
    import io
    import zipfile

    names = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))).namelist()
    assert sorted(names) == ["activities.csv", "datapackage.json", "figures.csv"]
    # Partners may not start them, nor see the IM team's jobs.
    partner = client_for(partner_a)
    assert partner.post("/jobs/start/snapshot/?platform=gtrm-test").status_code == 403
    assert partner.get(f"/jobs/{package.pk}/").status_code == 404
    assert partner.get(package.result["links"][0]["href"]).status_code == 404


def test_an_unpublished_month_gets_no_open_data_package(platform, admin, run_worker) -> None:  # noqa: ANN001
    client_for(admin).post("/jobs/start/opendata/?platform=gtrm-test", {"month": "2019-06"})
    run_worker()
    job = Job.objects.get()
    assert job.state == "failed" and "not published" in job.error


# --- the daily schedule ------------------------------------------------------------------------


def at(day: int, hour: int = 13) -> dt.datetime:
    return dt.datetime(2019, 11, day, hour, tzinfo=dt.UTC)


def test_the_schedule_sends_the_reminders_once_a_day(settings, monkeypatch, run_worker) -> None:  # noqa: ANN001
    import kipu.web.console.services as console

    settings.KIPU_SCHEDULE_HOUR = 12
    calls: list[dt.date] = []

    class Done:
        sent: list[object] = []
        already_sent = 0
        without_focal_point: list[object] = []
        failed: list[object] = []

    def send_due_reminders(today: dt.date, **options: Any) -> Done:
        calls.append(today)
        return Done()

    monkeypatch.setattr(console, "send_due_reminders", send_due_reminders)
    assert schedule.tick(at(4, hour=11)) == []  # before the hour: nothing yet
    for moment in (at(4), at(4, 15), at(4, 23), at(5), at(5, 18)):
        schedule.tick(moment)
        run_worker()
    assert calls == [dt.date(2019, 11, 4), dt.date(2019, 11, 5)]
    reminders = Job.objects.filter(kind="reminders")
    assert sorted(reminders.values_list("params__day", flat=True)) == ["2019-11-04", "2019-11-05"]
    assert set(reminders.values_list("state", flat=True)) == {"succeeded"}
    assert Job.objects.filter(kind="cleanup").count() == 2
    assert ScheduleMark.objects.count() == 4


def test_two_workers_ticking_at_once_start_one_run(settings) -> None:  # noqa: ANN001
    first = schedule.tick(at(6))
    second = schedule.tick(at(6))
    assert [j.kind for j in first] == ["reminders", "cleanup"] and second == []
    # A second worker that read "not started" before the first wrote its mark: the unique
    # (name, day) row turns its insert into a no-op.
    ScheduleMark.objects.filter(name="cleanup").delete()
    original = ScheduleMark.objects.filter

    class Stale:
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            pass

        def exists(self) -> bool:
            return False

    settings.KIPU_SCHEDULE_HOUR = 0
    ScheduleMark.objects.filter = Stale  # type: ignore[method-assign]
    try:
        again = schedule.tick(at(6))
    finally:
        ScheduleMark.objects.filter = original  # type: ignore[method-assign]
    assert [j.kind for j in again] == ["cleanup"]
    assert Job.objects.filter(kind="reminders").count() == 1


@pytest.mark.render
def test_the_report_editor_renders_both_languages_in_a_job(
    platform, admin, rows, org_a, run_worker
) -> None:  # noqa: ANN001
    from kipu.web.reports.models import ReportVersion

    rows(platform, org_a, "PRO", "2019-05", 3)
    editor = "/console/reports/gtrm-test/2019-05/"
    client = client_for(admin)
    response = client.post(editor + "render/", {"lang": "en"})
    assert response.status_code == 302 and response["Location"] == editor + "?lang=en"
    assert not ReportVersion.objects.exists()
    # The editor is the one way to start a render: the console's generic route does not.
    assert (
        client.post("/jobs/start/report/?platform=gtrm-test", {"month": "2019-05"}).status_code
        == 404
    )
    assert run_worker() == 1
    job = Job.objects.get(kind="report")
    assert job.state == "succeeded", job.error
    assert sorted(ReportVersion.objects.values_list("lang", "number")) == [("en", 1), ("es", 1)]
    rels = [link["rel"] for link in job.result["links"]]
    assert rels == ["en-html", "en-pdf", "en-docx", "es-html", "es-pdf", "es-docx"]
    for link in job.result["links"]:
        assert client.get(link["href"]).status_code == 200, link


def test_the_portal_console_and_editor_show_their_jobs(
    platform, admin, partner_a, org_a, workbook
) -> None:  # noqa: ANN001
    imported = queued_import(platform, org_a, partner_a, workbook)
    snapshot, _ = start_snapshot(platform, admin)
    upload = client_for(partner_a).get("/portal/upload/?platform=gtrm-test")
    assert upload.status_code == 200
    page = upload.content.decode()
    assert f'data-job-url="/api/v1/jobs/{imported.pk}"' in page
    assert str(snapshot.pk) not in page  # a partner sees only the jobs they started
    assert "/static/jobs/progress.js" in page
    admin_client = client_for(admin)
    console = admin_client.get("/console/?platform=gtrm-test").content.decode()
    assert f'data-job-url="/api/v1/jobs/{snapshot.pk}"' in console
    assert 'action="/jobs/start/snapshot/?platform=gtrm-test"' in console
    editor = admin_client.get("/console/reports/gtrm-test/2019-05/").content.decode()
    assert 'action="render/" id="render-form"' in editor
    assert "/jobs/start/" not in editor and "data-job-url" not in editor  # no render yet
    assert admin_client.post("/console/reports/gtrm-test/2019-05/render/").status_code == 302
    report = Job.objects.get(kind="report")
    editor = admin_client.get("/console/reports/gtrm-test/2019-05/").content.decode()
    assert f'data-job-url="/api/v1/jobs/{report.pk}"' in editor
    assert str(snapshot.pk) not in editor  # the editor shows its own month's render only
    other = admin_client.get("/console/reports/gtrm-test/2019-06/").content.decode()
    assert str(report.pk) not in other
