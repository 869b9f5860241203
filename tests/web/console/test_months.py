"""Issue 14, points 3, 5 and 11: a month is locked and published only after a summary is
confirmed (POST, CSRF, once); reopening withdraws its report; the months table links to the
report editor and to the consolidated 5W download."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from django.test import Client
from web_actors import client_for, record_5w, write_5w

from kipu.web.audit.models import AuditEvent
from kipu.web.portal.services import upload_submission
from kipu.web.reports.models import ReportVersion
from kipu.web.submissions.models import MonthStatus

pytestmark = pytest.mark.django_db
Q = "?platform=gtrm-test"


def status(month: str) -> str:
    found = MonthStatus.objects.filter(month=month).values_list("status", flat=True).first()
    return found or "open"


def fingerprint(page: str) -> str:
    found = re.search(r'name="fingerprint" value="([0-9a-f]+)"', page)
    assert found, "the confirmation form has no fingerprint"
    return found.group(1)


def version(platform, month: str, lang: str, number: int, *, published: bool = False):  # noqa: ANN001, ANN201
    """A report version row (rendering is tested with the reports; the console reads rows)."""
    folder = f"reports/{platform.slug}/{month}/{lang}/v{number}"
    return ReportVersion.objects.create(
        platform=platform, month=month, lang=lang, number=number, folder=folder, published=published
    )


def test_lock_shows_a_summary_and_needs_a_confirmation(
    platform, admin, org_a, rows, rejected
) -> None:  # noqa: ANN001
    rows(platform, org_a, month="2019-06", count=3)
    client = client_for(admin)
    page = client.get(f"/console/months/2019-06/lock/{Q}").content.decode()
    assert status("2019-06") == "open"  # looking changes nothing
    assert 'data-reported="1"' in page and "1 of 2" in page
    assert 'data-not-reported="1"' in page and "PB" in page  # who has not reported, by name
    assert "1 rejected upload not replaced" in page  # the blocking issue, with a link to it
    assert "/console/issues/?platform=gtrm-test&amp;month=2019-06" in page
    assert ">3<" in page  # rows stored
    assert page.count("no report yet") == 2  # English and Spanish
    # A POST without the summary's fingerprint is sent back to the summary.
    response = client.post(f"/console/months/2019-06/lock/{Q}")
    assert response.status_code == 302 and "/months/2019-06/lock/" in response["Location"]
    assert status("2019-06") == "open"
    done = client.post(f"/console/months/2019-06/lock/{Q}", {"fingerprint": fingerprint(page)})
    assert done.status_code == 302 and status("2019-06") == "locked"
    # Sent twice (a double click, a reloaded form): nothing more happens, nothing is recorded.
    again = client.post(
        f"/console/months/2019-06/lock/{Q}", {"fingerprint": fingerprint(page)}, follow=True
    )
    assert "already locked" in again.content.decode()
    assert AuditEvent.objects.filter(action="lock_month").count() == 1


def test_a_summary_that_changed_is_not_confirmed(
    platform, admin, org_a, partner_a, tmp_path
) -> None:  # noqa: ANN001
    client = client_for(admin)
    page = client.get(f"/console/months/2019-07/lock/{Q}").content.decode()
    late = write_5w(platform, tmp_path / "late.xlsx", [record_5w(month="2019-07")])
    upload_submission(platform, org_a, "2019-07", late, partner_a)
    response = client.post(
        f"/console/months/2019-07/lock/{Q}", {"fingerprint": fingerprint(page)}, follow=True
    )
    assert "changed since you opened its summary" in response.content.decode()
    assert status("2019-07") == "open"
    assert 'data-reported="1"' in response.content.decode()  # the new summary counts it


def test_month_changes_need_the_csrf_token_and_a_post(platform, admin) -> None:  # noqa: ANN001
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(admin)
    page = strict.get(f"/console/months/2019-05/lock/{Q}").content.decode()
    response = strict.post(f"/console/months/2019-05/lock/{Q}", {"fingerprint": fingerprint(page)})
    assert response.status_code == 403 and status("2019-05") == "open"
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    strict.post(
        f"/console/months/2019-05/lock/{Q}",
        {"fingerprint": fingerprint(page), "csrfmiddlewaretoken": token},
    )
    assert status("2019-05") == "locked"
    loose = client_for(admin)
    for verb in ("put", "delete"):
        assert getattr(loose, verb)(f"/console/months/2019-05/publish/{Q}").status_code == 405
    assert loose.post(f"/console/months/2019-13/lock/{Q}").status_code == 404


def test_publish_summary_names_the_report_languages_and_publishes_them(
    platform, admin, org_a, rows
) -> None:  # noqa: ANN001
    rows(platform, org_a, month="2019-05")
    client = client_for(admin)
    open_page = client.get(f"/console/months/2019-05/publish/{Q}").content.decode()
    assert "approve and lock it before publishing" in open_page
    assert 'name="fingerprint"' not in open_page
    refused = client.post(f"/console/months/2019-05/publish/{Q}", {"fingerprint": "x"})
    assert refused.status_code == 302 and status("2019-05") == "open"
    lock_page = client.get(f"/console/months/2019-05/lock/{Q}").content.decode()
    client.post(f"/console/months/2019-05/lock/{Q}", {"fingerprint": fingerprint(lock_page)})
    english = version(platform, "2019-05", "en", 1)
    page = client.get(f"/console/months/2019-05/publish/{Q}").content.decode()
    assert "version 1 rendered, not published" in page
    assert "No report has been rendered in:" in page and "Spanish" in page  # the warning
    assert "/console/reports/gtrm-test/2019-05/" in page  # the way to render it
    assert 'name="with_reports"' in page
    client.post(
        f"/console/months/2019-05/publish/{Q}",
        {"fingerprint": fingerprint(page), "with_reports": "1"},
    )
    english.refresh_from_db()
    assert status("2019-05") == "published" and english.published
    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions[-2:] == ["publish_month", "publish_report"]


def test_reopening_withdraws_the_report_end_to_end(platform, admin, org_a, rows) -> None:  # noqa: ANN001
    rows(platform, org_a, month="2019-05")
    client = client_for(admin)
    for action in ("lock", "publish"):
        page = client.get(f"/console/months/2019-05/{action}/{Q}").content.decode()
        client.post(f"/console/months/2019-05/{action}/{Q}", {"fingerprint": fingerprint(page)})
    reports = [version(platform, "2019-05", lang, 1, published=True) for lang in ("en", "es")]
    public = Client()
    assert public.get("/reports/gtrm-test/2019-05/es/v1/figures.json").status_code in (200, 404)
    assert "2019-05" in public.get(f"/reports/{Q}").content.decode()
    form = client.get(f"/console/months/2019-05/reopen/{Q}").content.decode()
    assert "version 1 published" in form and "will be withdrawn from the public site" in form
    done = client.post(
        f"/console/months/2019-05/reopen/{Q}", {"reason": "PB corrected"}, follow=True
    )
    text = done.content.decode()
    assert "is open again" in text and "Its report is withdrawn" in text
    twice = client.post(f"/console/months/2019-05/reopen/{Q}", {"reason": "again"}, follow=True)
    assert "This month is open already." in twice.content.decode()
    assert AuditEvent.objects.filter(action="reopen_month").count() == 1
    assert text.count("version 1 withdrawn (month reopened)") == 2  # the months table, per language
    for report in reports:
        report.refresh_from_db()
        assert not report.published
    assert "2019-05" not in public.get(f"/reports/{Q}").content.decode()
    events = AuditEvent.objects.filter(action="withdraw_report")
    assert events.count() == 2 and set(events.values_list("note", flat=True)) == {"PB corrected"}
    # Published again, the month offers its report again; nothing is public without asking.
    for action in ("lock", "publish"):
        page = client.get(f"/console/months/2019-05/{action}/{Q}").content.decode()
        client.post(f"/console/months/2019-05/{action}/{Q}", {"fingerprint": fingerprint(page)})
    assert not ReportVersion.objects.filter(published=True).exists()
    assert "version 1 withdrawn" in client.get(f"/console/{Q}").content.decode()


def test_reopening_from_anywhere_withdraws_the_report(platform, admin) -> None:  # noqa: ANN001
    from kipu.web.submissions.months import lock_month, publish_month, reopen_month

    lock_month(platform, "2019-05", admin)
    publish_month(platform, "2019-05", admin)
    report = version(platform, "2019-05", "en", 1, published=True)
    reopen_month(platform, "2019-05", "cli:maria", "late corrections")
    report.refresh_from_db()
    assert not report.published
    with pytest.raises(ValueError, match="needs a reason"):
        reopen_month(platform, "2019-05", admin, " ")


def test_months_table_links_the_editor_and_the_consolidated_5w(
    platform, admin, org_a, org_b, rows
) -> None:  # noqa: ANN001
    rows(platform, org_a, month="2019-05", name='=HYPERLINK("http://x")')
    rows(platform, org_b, month="2019-05")
    client = client_for(admin)
    page = client.get(f"/console/{Q}&year=2019").content.decode()
    assert 'href="/console/reports/gtrm-test/2019-05/"' in page
    link = "/api/v1/activities?platform=gtrm-test&amp;from=2019-05&amp;to=2019-05&amp;format=xlsx"
    assert link in page
    assert "/api/v1/activities?platform=gtrm-test&amp;from=2019-01&amp;to=2019-12" in page
    assert client.get("/console/reports/gtrm-test/2019-05/").status_code == 200
    response = client.get(link.replace("&amp;", "&"))
    assert response.status_code == 200
    assert 'filename="kipu-gtrm-test-5w-2019-05.xlsx"' in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    table = list(book.active.iter_rows(values_only=True))
    organisations = [row[table[0].index("Appealing organisation Name")] for row in table[2:]]
    assert sorted(organisations) == ["Partner A", "Partner B"]  # every organisation's rows
    names = [row[table[0].index("Activity Name")] for row in table[2:]]
    assert '=HYPERLINK("http://x")' in names  # exactly the text, held as text, never a formula
    cells = [c for row in book.active.iter_rows() for c in row]
    assert not [c for c in cells if c.data_type == "f"]


def test_a_report_rendered_before_new_data_is_never_published_with_the_month(
    platform, admin, org_a, partner_a, rows, tmp_path
) -> None:  # noqa: ANN001
    """The tester's case: both languages rendered, then a partner submits a new version of
    its data, then the month is locked and published with the default form."""
    from kipu.web.reports.queries import month_data

    rows(platform, org_a, month="2019-05", count=3)
    rendered = month_data(platform, "2019-05").fingerprint  # what a render records
    old = [version(platform, "2019-05", lang, 1) for lang in ("en", "es")]
    ReportVersion.objects.filter(pk__in=[v.pk for v in old]).update(data_fingerprint=rendered)
    newer = write_5w(platform, tmp_path / "newer.xlsx", [record_5w(month="2019-05")])
    upload_submission(platform, org_a, "2019-05", newer, partner_a)
    client = client_for(admin)
    lock_page = client.get(f"/console/months/2019-05/lock/{Q}").content.decode()
    assert "rendered before the data changed on" in lock_page
    client.post(f"/console/months/2019-05/lock/{Q}", {"fingerprint": fingerprint(lock_page)})
    page = client.get(f"/console/months/2019-05/publish/{Q}").content.decode()
    assert page.count('data-stale="1"') == 2 and "render it again" in page
    assert 'name="with_reports"' not in page  # a stale report is not offered, nor ticked
    assert "data-stale-reports" in page
    # A form that posts it anyway changes nothing: the month stays locked, nothing public.
    forged = client.post(
        f"/console/months/2019-05/publish/{Q}",
        {"fingerprint": fingerprint(page), "with_reports": "1"},
        follow=True,
    )
    assert "rendered before the data changed on" in forged.content.decode()
    assert status("2019-05") == "locked"
    assert not ReportVersion.objects.filter(published=True).exists()
    assert not AuditEvent.objects.filter(action__in=["publish_month", "publish_report"]).exists()
    # Rendered again from the current data: offered, ticked and published with the month.
    fresh = month_data(platform, "2019-05").fingerprint
    assert fresh != rendered
    again = [version(platform, "2019-05", lang, 2) for lang in ("en", "es")]
    ReportVersion.objects.filter(pk__in=[v.pk for v in again]).update(data_fingerprint=fresh)
    page = client.get(f"/console/months/2019-05/publish/{Q}").content.decode()
    assert "data-stale" not in page and 'name="with_reports" value="1" checked' in page
    client.post(
        f"/console/months/2019-05/publish/{Q}",
        {"fingerprint": fingerprint(page), "with_reports": "1"},
    )
    assert status("2019-05") == "published"
    published = ReportVersion.objects.filter(published=True)
    assert sorted(published.values_list("lang", "number")) == [("en", 2), ("es", 2)]
