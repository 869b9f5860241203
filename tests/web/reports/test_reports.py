"""Situation reports on the web: the editor's live preview, rendered versions, publication,
and who may download what."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from kipu.web.accounts.services import assign_role
from kipu.web.reports.models import Narrative, ReportVersion
from kipu.web.reports.services import create_report_version
from kipu.web.submissions.months import lock_month, publish_month, published_months

EDITOR = "/console/reports/gtrm-peru/2019-11/"


@pytest.fixture
def viewer_client(demo) -> Client:  # noqa: ANN001
    user = User.objects.create_user("viewer", password="x" * 12)
    assign_role(user, demo, "viewer")
    client = Client()
    client.force_login(user)
    return client


def test_editor_is_for_platform_admins(admin_client, viewer_client, client) -> None:  # noqa: ANN001
    assert client.get(EDITOR).status_code == 302  # to the login page
    assert viewer_client.get(EDITOR).status_code == 403
    page = admin_client.get(EDITOR + "?lang=es")
    assert page.status_code == 200
    html = page.content.decode()
    # the figures that can be cited, and the picker's data for the script
    assert "partners(area=…, admin1=…, admin2=…, kind=…, month=…)" in html
    assert 'id="picker" class="picker" hidden data-picker="{&quot;figures&quot;: [' in html
    assert "Unos {{ partners(area=" in html  # the stored Spanish narrative


def test_preview_renders_live_figures_or_names_the_problem(admin_client) -> None:  # noqa: ANN001
    ok = admin_client.post(
        EDITOR + "preview/",
        {"markdown": '{{ partners(area="AREA2") | words | capfirst }} partners', "lang": "en"},
    ).json()
    assert ok == {"ok": True, "html": "<p>Twenty-five partners</p>"}
    bad = admin_client.post(EDITOR + "preview/", {"markdown": "{{ partner }}", "lang": "en"}).json()
    assert bad["ok"] is False and "unknown figure 'partner'" in bad["error"]
    hostile = admin_client.post(
        EDITOR + "preview/", {"markdown": "<script>alert(1)</script>"}
    ).json()
    assert "<script>" not in hostile["html"]


def test_saving_the_narrative_is_audited(admin_client, demo) -> None:  # noqa: ANN001
    from kipu.web.audit.models import AuditEvent

    response = admin_client.post(EDITOR + "?lang=en", {"section-highlights": "New text."})
    assert response.status_code == 302
    assert (
        Narrative.objects.get(
            platform=demo, month="2019-11", lang="en", section="highlights"
        ).markdown
        == "New text."
    )
    assert AuditEvent.objects.filter(action="save_narrative").count() == 1


@pytest.mark.slow
@pytest.mark.render
def test_versions_are_private_until_published(admin_client, viewer_client, client, demo) -> None:  # noqa: ANN001
    version = create_report_version(demo, "2019-11", "en")
    url = f"/reports/gtrm-peru/2019-11/en/v{version.number}/sitrep.pdf"
    assert admin_client.get(url).status_code == 200
    assert client.get(url).status_code == 404
    assert viewer_client.get(url).status_code == 404
    assert "No report has been published yet" in client.get("/reports/").content.decode()
    # A report is published only once its month is.
    publish = {"version-en": version.number, "without": "es"}
    admin_client.post(f"{EDITOR}publish/", publish)
    assert not ReportVersion.objects.get(pk=version.pk).published
    if "2019-11" not in published_months(demo):
        lock_month(demo, "2019-11", "test")
        publish_month(demo, "2019-11", "test")
    admin_client.post(f"{EDITOR}publish/", publish)
    assert ReportVersion.objects.get(pk=version.pk).published
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert 'filename="sitrep-gtrm-peru-2019-11-en.pdf"' in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert "sitrep-gtrm-peru-2019-11-en.docx" in client.get("/reports/").content.decode()
    figures = client.get(f"/reports/gtrm-peru/2019-11/en/v{version.number}/figures.json")
    assert b"partners" in b"".join(figures.streaming_content)
    assert client.get(f"/reports/gtrm-peru/2019-11/en/v{version.number}/../../x").status_code == 404
