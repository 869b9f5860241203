"""The partner portal: template, upload (valid, invalid, replaced, unchanged, locked, too big),
check only, the report page and its filters, the annotated workbook, history and scoping."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from web_actors import client_for, record_5w, write_5w

from kipu.web.audit.models import AuditEvent
from kipu.web.portal.services import UploadRefused, stored_file, upload_submission
from kipu.web.submissions.models import Activity, Submission
from kipu.web.submissions.months import lock_month

pytestmark = pytest.mark.django_db
Q = "?platform=gtrm-test"


def upload_file(path: Path) -> SimpleUploadedFile:
    return SimpleUploadedFile(path.name, path.read_bytes())


def post(client, path: Path, month: str = "2019-05", action: str = "submit", query: str = Q):  # noqa: ANN001, ANN201
    with path.open("rb") as handle:
        return client.post(
            f"/portal/upload/{query}", {"month": month, "file": handle, "action": action}
        )


@pytest.fixture
def valid(platform, tmp_path):  # noqa: ANN001, ANN201
    return write_5w(platform, tmp_path / "pa-may.xlsx", [record_5w(), record_5w(admin1="PE07")])


@pytest.fixture
def invalid(platform, tmp_path):  # noqa: ANN001, ANN201
    return write_5w(
        platform,
        tmp_path / "pa-may-bad.xlsx",
        [record_5w(), record_5w()],
        broken={(0, "Indicator Indicator"): "NO-SUCH", (1, "Country Admin1"): "Atlantis"},
    )


def test_template_download(partner_a) -> None:  # noqa: ANN001
    response = client_for(partner_a).get(f"/portal/template/{Q}&month=2019-05")
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('ORG901-2019-05.xlsx"')
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert "5W" in book.sheetnames


def test_valid_upload_is_stored_as_the_cli_stores_it(partner_a, org_a, valid, data_dir) -> None:  # noqa: ANN001
    client = client_for(partner_a)
    response = post(client, valid)
    submission = Submission.objects.get(status="current")
    assert response.status_code == 302
    assert response["Location"].startswith(f"/portal/submissions/{submission.pk}/")
    assert (submission.organisation, submission.month, submission.row_count) == (
        org_a,
        "2019-05",
        2,
    )
    assert Activity.objects.filter(submission=submission).count() == 2
    assert submission.uploaded_by == partner_a
    assert (
        stored_file(submission)
        == data_dir / "uploads" / "gtrm-test" / str(submission.pk) / "pa-may.xlsx"
    )
    event = AuditEvent.objects.get(action="upload_submission")
    assert (event.actor, event.object_id, event.before) == (partner_a, str(submission.pk), None)
    assert event.after["row_count"] == 2
    page = client.get(response["Location"]).content.decode()
    assert "Current version" in page and "No problems found." in page
    assert not (data_dir / "uploads" / "gtrm-test" / "incoming").exists() or not any(
        (data_dir / "uploads" / "gtrm-test" / "incoming").iterdir()
    )


def test_invalid_upload_is_recorded_as_rejected_with_its_report(partner_a, invalid) -> None:  # noqa: ANN001
    client = client_for(partner_a)
    response = post(client, invalid)
    rejected = Submission.objects.get()
    assert rejected.status == "rejected" and rejected.row_count == 0
    assert not Activity.objects.exists()
    assert rejected.report["summary"]["errors"] >= 2
    assert {i["code"] for i in rejected.report["issues"]} >= {"unknown-indicator"}
    assert AuditEvent.objects.filter(action="reject_submission", actor=partner_a).exists()
    page = client.get(response["Location"]).content.decode()
    assert "Rejected: nothing was stored" in page and "NO-SUCH" in page
    assert "Upload a corrected file" in page and "annotated.xlsx" in page
    annotated = client.get(f"/portal/submissions/{rejected.pk}/annotated.xlsx{Q}")
    assert annotated.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(annotated.content))
    assert book.sheetnames[0] == "Errors"
    codes = {row[1] for row in book["Errors"].iter_rows(min_row=2, values_only=True)}
    assert "unknown-indicator" in codes
    # The bad indicator cell is marked where it is, not in column A.
    header = [c.value for c in book["5W"][1]]
    cell = book["5W"].cell(row=3, column=header.index("Indicator Indicator") + 1)
    assert cell.fill.start_color.rgb.endswith("FFC7CE")


def test_report_filters_on_the_server(partner_a, invalid) -> None:  # noqa: ANN001
    client = client_for(partner_a)
    location = post(client, invalid)["Location"]
    page = client.get(f"{location}&code=unknown-indicator").content.decode()
    assert "NO-SUCH" in page and "Atlantis" not in page
    page = client.get(f"{location}&q=atlantis").content.decode()
    assert "Atlantis" in page and "NO-SUCH" not in page
    assert 'src="/static/portal/filter.js"' in page


def test_fix_and_reupload_keeps_versions(partner_a, invalid, valid) -> None:  # noqa: ANN001
    client = client_for(partner_a)
    post(client, invalid)
    post(client, valid)
    second = write_5w(
        partner_a.kipu_roles.get().platform, valid.with_name("v3.xlsx"), [record_5w()]
    )
    post(client, second)
    statuses = list(
        Submission.objects.order_by("uploaded_at", "pk").values_list("status", flat=True)
    )
    assert statuses == ["rejected", "superseded", "current"]
    page = client.get(f"/portal/{Q}").content.decode()
    assert page.count("v3") >= 1 and "replaced" in page and "rejected" in page
    event = AuditEvent.objects.filter(action="upload_submission").order_by("at").last()
    assert event.before["row_count"] == 2 and event.after["row_count"] == 1


def test_same_file_twice_changes_nothing(partner_a, valid) -> None:  # noqa: ANN001
    client = client_for(partner_a)
    post(client, valid)
    response = post(client, valid)
    assert Submission.objects.count() == 1
    page = client.get(response["Location"]).content.decode()
    assert "current version already" in page


def test_locked_month_is_refused(partner_a, platform, admin, valid) -> None:  # noqa: ANN001
    lock_month(platform, "2019-05", admin)
    response = post(client_for(partner_a), valid)
    assert response.status_code == 400
    assert not Submission.objects.exists()
    with pytest.raises(UploadRefused):
        upload_submission(
            platform, partner_a.kipu_roles.get().organisation, "2019-05", valid, admin
        )


def test_too_big_upload_changes_nothing(partner_a, valid, settings, data_dir) -> None:  # noqa: ANN001
    settings.KIPU_MAX_UPLOAD_MB = 0
    response = post(client_for(partner_a), valid)
    assert response.status_code == 400
    assert "the limit is 0 MB" in response.content.decode()
    assert not Submission.objects.exists()
    assert not AuditEvent.objects.filter(action__contains="submission").exists()
    assert not (data_dir / "uploads").exists()


def test_check_only_stores_nothing(partner_a, invalid, data_dir) -> None:  # noqa: ANN001
    response = post(client_for(partner_a), invalid, action="check")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Invalid: fix the errors" in page and "NO-SUCH" in page
    assert not Submission.objects.exists()
    assert not AuditEvent.objects.filter(action__contains="submission").exists()
    assert not any((data_dir / "uploads" / "gtrm-test" / "incoming").iterdir())


def test_messages_follow_the_language(partner_a, invalid) -> None:  # noqa: ANN001
    client = client_for(partner_a)
    client.cookies["django_language"] = "es"
    response = post(client, invalid)
    page = client.get(response["Location"]).content.decode()
    assert "El indicador “NO-SUCH” no está en el plan." in page
    assert '<html lang="es">' in page and "mayo de 2019" in page


def test_partners_see_only_their_own(partner_a, partner_b, invalid) -> None:  # noqa: ANN001
    post(client_for(partner_a), invalid)
    rejected = Submission.objects.get()
    other = client_for(partner_b)
    assert other.get(f"/portal/submissions/{rejected.pk}/{Q}").status_code == 404
    assert other.get(f"/portal/submissions/{rejected.pk}/annotated.xlsx{Q}").status_code == 404
    assert "pa-may-bad.xlsx" not in other.get(f"/portal/{Q}").content.decode()


def test_coordinator_reads_their_sector(
    coordinator, partner_a, valid, rows, platform, org_b
) -> None:  # noqa: ANN001
    post(client_for(partner_a), valid)
    wash = rows(platform, org_b, "WASH")
    client = client_for(coordinator)
    page = client.get(f"/portal/{Q}").content.decode()
    assert "pa-may.xlsx" in page
    assert client.get(f"/portal/submissions/{wash.pk}/{Q}").status_code == 404
    assert client.get(f"/portal/upload/{Q}").status_code == 403


def test_admin_uploads_for_an_organisation(admin, org_b, platform, tmp_path) -> None:  # noqa: ANN001
    path = write_5w(
        platform, tmp_path / "pb.xlsx", [record_5w("ORG902"), record_5w("ORG902", admin1="XX")]
    )
    client = client_for(admin)
    assert client.get(f"/portal/upload/{Q}").status_code == 404  # no organisation chosen
    query = f"{Q}&org={org_b.pk}"
    with path.open("rb") as handle:
        client.post(
            f"/portal/upload/{query}",
            {"month": "2019-05", "file": handle, "action": "submit", "accept_issues": "on"},
        )
    # An unknown place cannot be stored even with issues accepted: the upload is rejected.
    assert Submission.objects.get().status == "rejected"
    assert "Partner B" in client.get(f"/portal/{query}").content.decode()
