"""What a background import ends as: the portal submitter's confirmation e-mail (as the
immediate upload sends it), a failed job for a file that was not stored (its reason, the exit
status of `kipu import`, a link to an annotated workbook only when there is one), and the
command line refusing a locked month before queueing anything. Real worker, real files."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from django.core import mail
from test_uploads import api_client, api_upload, post_upload
from web_actors import client_for, record_5w, write_5w

from kipu.cli import main
from kipu.web.accounts.models import InterfaceLanguage
from kipu.web.jobs.models import Job
from kipu.web.submissions.models import Submission
from kipu.web.submissions.months import lock_month

pytestmark = pytest.mark.django_db(transaction=True)


def kipu(*args: str):  # noqa: ANN201
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def broken(tmp_path: Path) -> Path:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"this is not a workbook\n" * 100)  # above the job threshold
    return path


def invalid(platform, tmp_path: Path) -> Path:  # noqa: ANN001
    records = [record_5w(activity_name=f"row {i}") for i in range(4)]
    return write_5w(
        platform, tmp_path / "bad.xlsx", records, broken={(0, "Country Admin1"): "Atlantis"}
    )


def test_a_large_portal_upload_is_confirmed_once_in_the_submitter_language(
    partner_a, workbook, run_worker
) -> None:  # noqa: ANN001
    client = client_for(partner_a)  # signing in keeps the language it signs in with
    InterfaceLanguage.objects.update_or_create(user=partner_a, defaults={"lang": "es"})
    post_upload(client, workbook(rows=3))
    assert mail.outbox == []  # not before it is stored
    assert run_worker() == 1
    job = Job.objects.get()
    (sent,) = mail.outbox
    assert job.state == "succeeded" and sent.to == ["partner.pa@example.org"]
    assert sent.subject == "Kipu: el 5W de PA para mayo de 2019 está guardado (versión 1)"
    assert "Filas guardadas: 3" in sent.body
    submission = Submission.objects.get(status="current")
    assert f"/portal/submissions/{submission.pk}/?platform=gtrm-test" in sent.body
    assert job.message.endswith("A confirmation was sent to partner.pa@example.org.")
    assert run_worker() == 0 and len(mail.outbox) == 1


def test_a_mail_failure_is_said_in_the_job_and_the_file_stays_stored(
    partner_a, workbook, run_worker, settings
) -> None:  # noqa: ANN001
    # A real SMTP connection to a port nobody listens on.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 5
    post_upload(client_for(partner_a), workbook(rows=2))
    run_worker()
    job = Job.objects.get()
    assert job.state == "succeeded" and Submission.objects.get().status == "current"
    assert "could not be sent; the file is stored" in job.message


def test_a_large_api_upload_sends_no_confirmation_as_the_immediate_api_does(
    partner_a, workbook, run_worker
) -> None:  # noqa: ANN001
    assert api_upload(api_client(partner_a), workbook(rows=2)).status_code == 202
    run_worker()
    assert Job.objects.get().state == "succeeded" and mail.outbox == []


def test_a_large_invalid_upload_fails_its_job_with_the_annotated_workbook(
    partner_a, platform, tmp_path, run_worker
) -> None:  # noqa: ANN001
    client = client_for(partner_a)
    post_upload(client, invalid(platform, tmp_path))
    run_worker()
    job = Job.objects.get()
    rejected = Submission.objects.get(status="rejected")
    assert job.state == "failed" and mail.outbox == []
    assert job.error.startswith("Not stored: the file has errors (")
    assert "annotated workbook shows where" in job.error
    shown = client.get(f"/api/v1/jobs/{job.pk}").json()
    assert (shown["state"], shown["outcome"], shown["result"]["exit_status"]) == (
        "failed",
        "rejected",
        1,
    )
    (annotated,) = [link for link in shown["links"] if link["rel"] == "annotated"]
    assert (
        annotated["href"] == f"/portal/submissions/{rejected.pk}/annotated.xlsx?platform=gtrm-test"
    )
    download = client.get(annotated["href"])
    assert download.status_code == 200 and download.content[:2] == b"PK"
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "Not stored: the file has errors (" in page and annotated["href"] in page.replace(
        "&amp;", "&"
    )


def test_cli_background_import_of_an_unusable_file_fails_with_status_2(
    platform, tmp_path, run_worker
) -> None:  # noqa: ANN001
    queued = kipu(
        "import",
        str(broken(tmp_path)),
        "--org",
        "ORG901",
        "--month",
        "2019-05",
        "--background",
        "--format",
        "json",
    )
    assert queued.exit_code == 0, queued.output
    run_worker()
    job = Job.objects.get()
    shown = kipu("jobs", "show", str(job.pk), "--wait")
    assert (job.state, shown.exit_code) == ("failed", 2), shown.output
    assert job.error.startswith("Not stored: the file cannot be used (")
    assert "annotated" not in job.error
    assert [link["rel"] for link in job.result["links"]] == ["page", "submission"]


def test_cli_background_import_of_invalid_data_fails_with_status_1(
    platform, tmp_path, run_worker
) -> None:  # noqa: ANN001
    kipu(
        "import",
        str(invalid(platform, tmp_path)),
        "--org",
        "ORG901",
        "--month",
        "2019-05",
        "--background",
    )
    run_worker()
    shown = kipu("jobs", "show", str(Job.objects.get().pk), "--wait")
    assert shown.exit_code == 1 and "error: Not stored: the file has errors (" in shown.output


def test_cli_background_import_refuses_a_locked_month_before_queueing(
    platform, admin, workbook
) -> None:  # noqa: ANN001
    lock_month(platform, "2019-05", admin)
    refused = kipu(
        "import", str(workbook()), "--org", "ORG901", "--month", "2019-05", "--background"
    )
    assert refused.exit_code == 2
    assert "2019-05 is locked: it takes no new submissions" in refused.output
    assert not Job.objects.exists()
