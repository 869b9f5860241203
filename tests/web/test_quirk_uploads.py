"""Quirk files through the partner portal and the API: the same report as the core, the
stored rows as validated (or nothing), and an annotated workbook that always opens (merged
cells and unreadable files included). One file per kind of tests/quirk_files.py."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from django.test import Client

from kipu.core.validation import validate_file
from kipu.web.api.auth import create_token
from kipu.web.platforms.queries import reference_data
from kipu.web.submissions.models import Activity, Submission
from quirk_files import GENERATORS, add_hash_indicator, one_case, write_case

pytestmark = pytest.mark.django_db
Q = "?platform=gtrm-test"
MONTH = "2019-03"
KINDS = [k for k in sorted(GENERATORS) if one_case(k).month in (None, MONTH) and k != "dates"]
PATHS = [(kind, fmt) for kind in KINDS for fmt in one_case(kind).formats]


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("KIPU_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


@pytest.fixture
def quirk_platform(platform):  # noqa: ANN001
    return add_hash_indicator(platform)


def _portal(user) -> Client:  # noqa: ANN001
    client = Client()
    client.force_login(user)
    return client


def _codes(issues: list[dict]) -> list[tuple]:
    return sorted((i["row"] or 0, i["code"]) for i in issues)


@pytest.mark.parametrize(("kind", "fmt"), PATHS)
def test_portal_upload_and_annotated_workbook(
    quirk_platform, partner_a, tmp_path, kind, fmt
) -> None:  # noqa: ANN001
    case = one_case(kind)
    path = write_case(case, tmp_path / kind, fmt)
    core = validate_file(path, reference_data(quirk_platform, 2019), org="ORG901", month=MONTH)
    client = _portal(partner_a)
    with path.open("rb") as handle:
        response = client.post(
            f"/portal/upload/{Q}", {"month": MONTH, "file": handle, "action": "submit"}
        )
    assert response.status_code == 302, response.content[:500]
    submission = Submission.objects.get()
    assert _codes(submission.report["issues"]) == _codes(core.report.to_dict()["issues"])
    stored = Activity.objects.filter(submission=submission).count()
    assert stored == (len(case.records) if core.report.valid else 0)
    annotated = client.get(f"/portal/submissions/{submission.pk}/annotated.xlsx{Q}")
    assert annotated.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(annotated.content))
    assert book.sheetnames[0] == "Errors" and len(book.sheetnames) == 2


@pytest.mark.parametrize("kind", KINDS)
def test_api_file_submission(quirk_platform, partner_a, tmp_path, kind) -> None:  # noqa: ANN001
    case = one_case(kind)
    path = write_case(case, tmp_path / kind, case.formats[-1])
    core = validate_file(path, reference_data(quirk_platform, 2019), org="ORG901", month=MONTH)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {create_token(partner_a, 'test')}")
    with path.open("rb") as handle:
        response = client.post(f"/api/v1/submissions{Q}&month={MONTH}", {"file": handle})
    body = response.json()
    report = body["report"] if response.status_code == 201 else body["error"]["details"]["report"]
    assert response.status_code == (201 if core.report.valid else 422), body
    assert _codes(report["issues"]) == _codes(core.report.to_dict()["issues"])


def test_unreadable_upload_gives_a_clean_report_and_workbook(
    quirk_platform, partner_a, tmp_path
) -> None:  # noqa: ANN001
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\x01" * 300)
    client = _portal(partner_a)
    with path.open("rb") as handle:
        client.post(f"/portal/upload/{Q}", {"month": MONTH, "file": handle, "action": "submit"})
    submission = Submission.objects.get()
    assert [i["code"] for i in submission.report["issues"]] == ["unreadable-file"]
    page = client.get(f"/portal/submissions/{submission.pk}/{Q}")
    assert page.status_code == 200 and "broken.xlsx" in page.content.decode()
    annotated = client.get(f"/portal/submissions/{submission.pk}/annotated.xlsx{Q}")
    assert annotated.status_code == 200
    assert openpyxl.load_workbook(io.BytesIO(annotated.content)).sheetnames == ["Errors"]


def test_unicode_text_upload_in_the_portal(quirk_platform, partner_a, tmp_path) -> None:  # noqa: ANN001
    case = one_case("unicode-text")
    case.encoding, case.delimiter = "utf-16", "\t"
    path = write_case(case, tmp_path / "unicode", "csv").rename(tmp_path / "unicode.txt")
    client = _portal(partner_a)
    with path.open("rb") as handle:
        response = client.post(
            f"/portal/upload/{Q}", {"month": MONTH, "file": handle, "action": "submit"}
        )
    assert response.status_code == 302
    submission = Submission.objects.get()
    assert submission.status == "current" and submission.row_count == len(case.records)
