"""Output escaped and neutralised everywhere; submissions scoped to a coordinator's rows; rows
of another month never stored; a report public only while its month is. Each test is one
finding of the security review, with the input that showed it."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.core import mail
from web_actors import client_for, record_5w, write_5w

from kipu.core.export import write_csv as export_csv
from kipu.web.api.auth import create_token
from kipu.web.audit.models import AuditEvent
from kipu.web.platforms.models import Organisation
from kipu.web.reports.models import ReportVersion
from kipu.web.reports.services import publish_report
from kipu.web.submissions.models import Activity, Submission
from kipu.web.submissions.months import lock_month, publish_month

pytestmark = pytest.mark.django_db
Q = "?platform=gtrm-test"
SCRIPT = "<script>alert('x')</script>"
FORMULA = '=HYPERLINK("http://evil.example","click")'


def _upload(client, path: Path, month: str = "2019-05", org: str = "", **extra: str):  # noqa: ANN001, ANN201
    query = f"{Q}&org={org}" if org else Q
    with path.open("rb") as handle:
        data = {"month": month, "file": handle, "action": "submit", **extra}
        return client.post(f"/portal/upload/{query}", data)


# --- 2. Output is escaped and neutralised ---------------------------------------------------


def test_reminders_page_escapes_organisation_names(admin, org_a, partner_a) -> None:  # noqa: ANN001
    Organisation.objects.filter(pk=org_a.pk).update(name_en=SCRIPT, acronym="")
    client = client_for(admin)
    page = client.get(f"/console/reminders/{Q}&month=2019-06").content.decode()
    assert SCRIPT not in page and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    client.post(f"/console/reminders/{Q}&month=2019-06", {"organisation": [org_a.pk]})
    assert SCRIPT in mail.outbox[0].body  # plain text in the e-mail, as written


def test_dashboard_tables_neutralise_formulas(admin, platform, org_a, rows) -> None:  # noqa: ANN001
    from kipu.web.plans.models import Sector

    Sector.objects.filter(plan__platform=platform, code="PRO").update(name_en=FORMULA)
    rows(platform, org_a, "PRO", "2019-05", 2)
    lock_month(platform, "2019-05", admin)
    publish_month(platform, "2019-05", admin)
    client = client_for(admin)
    response = client.get("/dashboard/gtrm-test/table/sectors.csv?month_from=2019-05")
    assert response.status_code == 200
    cells = [c for row in csv.reader(io.StringIO(response.content.decode())) for c in row]
    assert "'" + FORMULA in cells
    assert not any(c.startswith(("=", "+", "@")) for c in cells)
    answer = client.get("/dashboard/gtrm-test/table/sectors.xlsx?month_from=2019-05")
    book = openpyxl.load_workbook(io.BytesIO(answer.content))
    values = [c for row in book.active.iter_rows() for c in row if c.value]
    # In XLSX the text itself, held as text with Excel's quote prefix: no apostrophe in it.
    (formula,) = [c for c in values if c.value == FORMULA]
    assert formula.data_type == "s" and formula.quotePrefix
    assert not [c for c in values if c.data_type == "f"]


def test_every_csv_writer_neutralises(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    export_csv([["name"], [FORMULA], ["+1"], ["@cmd"], [-5]], path)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[1].startswith("\"'=HYPERLINK") and lines[2] == "'+1" and lines[4] == "-5"


def test_annotated_workbook_neutralises_and_strips_macros(partner_a, platform, tmp_path) -> None:  # noqa: ANN001
    source = write_5w(platform, tmp_path / "x.xlsx", [record_5w(activity_name="x")])
    macro = tmp_path / "x.xlsm"
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(macro, "w") as out:
        for item in original.infolist():
            out.writestr(item, original.read(item.filename))
        out.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 fake macros")
    client = client_for(partner_a)
    _upload(client, macro)
    submission = Submission.objects.get()
    answer = client.get(f"/portal/submissions/{submission.pk}/annotated.xlsx{Q}")
    names = zipfile.ZipFile(io.BytesIO(answer.content)).namelist()
    assert not [n for n in names if "vba" in n.lower()]
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "Country,Admin1,Appealing organisation Name,Month,Indicator Sector,Indicator Indicator\n"
        f'Peru,Lima,PA,2019-05,PRO,"{FORMULA.replace(chr(34), chr(34) * 2)}"\n',
        encoding="utf-8",
    )
    _upload(client, bad)
    rejected = Submission.objects.filter(file_name="bad.csv").get()
    answer = client.get(f"/portal/submissions/{rejected.pk}/annotated.xlsx{Q}")
    book = openpyxl.load_workbook(io.BytesIO(answer.content))
    cells = [c for sheet in book for row in sheet.iter_rows() for c in row if c.value]
    assert not [c for c in cells if c.data_type == "f"]
    assert any(c.value == FORMULA and c.quotePrefix for c in cells)


# --- 3. Scope and month status ---------------------------------------------------------------


@pytest.fixture
def two_sectors(partner_a, platform, tmp_path):  # noqa: ANN001, ANN201
    """A partner's May upload with one protection row and two WASH rows, one of them bad."""
    path = write_5w(
        platform,
        tmp_path / "mixed.xlsx",
        [
            record_5w(activity_name="Legal aid"),
            record_5w(sector="WASH", indicator="WASH-01", activity_name="Kits"),
            record_5w(sector="WASH", indicator="WASH-01", activity_name="Secret WASH", women=7),
        ],
    )
    client = client_for(admin_of(platform))
    _upload(client, path, org=str(partner_a.kipu_roles.get().organisation_id), accept_issues="on")
    stored = Submission.objects.filter(status="current").first()
    assert stored is not None, Submission.objects.values_list("status", "report")
    return stored


def admin_of(platform):  # noqa: ANN001, ANN201
    from web_actors import make_user

    from kipu.web.accounts.services import assign_role

    user = make_user("another.admin")
    assign_role(user, platform, "admin")
    return user


def test_a_coordinator_sees_only_their_sectors_rows(coordinator, two_sectors) -> None:  # noqa: ANN001
    client = client_for(coordinator)
    page = client.get(f"/portal/submissions/{two_sectors.pk}/{Q}").content.decode()
    assert "Secret WASH" not in page and "agd-breakdown-mismatch" not in page
    token = create_token(coordinator, "test")
    api = client.get(f"/api/v1/submissions/{two_sectors.pk}", HTTP_AUTHORIZATION=f"Bearer {token}")
    report = api.json()["report"]
    assert {i["row"] for i in report["issues"] if i["row"]} <= {3}
    assert report["summary"]["rows_read"] == 1
    answer = client.get(f"/portal/submissions/{two_sectors.pk}/annotated.xlsx{Q}")
    book = openpyxl.load_workbook(io.BytesIO(answer.content))
    values = {c.value for sheet in book for row in sheet.iter_rows() for c in row}
    assert "Legal aid" in values and "Kits" not in values and "Secret WASH" not in values
    assert len(book.sheetnames) == 2  # Errors and the 5W sheet, nothing else


def test_rows_of_another_month_are_never_stored(admin, org_a, platform, tmp_path) -> None:  # noqa: ANN001
    path = write_5w(platform, tmp_path / "june.xlsx", [record_5w(month="2019-06")])
    client = client_for(admin)
    _upload(client, path, org=str(org_a.pk), accept_issues="on")
    assert not Activity.objects.exists()
    token = create_token(admin, "test")
    response = client.post(
        f"/api/v1/submissions{Q}&month=2019-05&organisation=PA&accept_issues=true",
        {"rows": [{**record_5w(month="2019-06"), "appealing_org": "PA"}]},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 422 and not Activity.objects.exists()
    assert response.json()["error"]["details"]["blocked_row_numbers"] == [1]


def test_a_report_is_public_only_while_its_month_is(admin, platform, tmp_path, settings) -> None:  # noqa: ANN001
    version = ReportVersion.objects.create(
        platform=platform, month="2019-05", lang="en", number=1, folder="reports/x"
    )
    with pytest.raises(ValueError, match="not published"):
        publish_report(version, admin)
    lock_month(platform, "2019-05", admin)
    publish_month(platform, "2019-05", admin)
    publish_report(version, admin)
    client = client_for(admin)
    client.post(f"/console/months/2019-05/reopen/{Q}", {"reason": "late corrections"})
    version.refresh_from_db()
    assert not version.published
    assert AuditEvent.objects.filter(action="withdraw_report").count() == 1
