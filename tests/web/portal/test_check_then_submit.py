"""Check only, then Submit without picking the file again; what was stored; the confirmation
e-mail (issue 14, point 7)."""

from __future__ import annotations

import hashlib
import os
import re
import time
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client
from django.utils import translation
from web_actors import client_for, record_5w, write_5w

from kipu.web.submissions.models import Activity, Submission
from kipu.web.submissions.months import lock_month

pytestmark = pytest.mark.django_db
Q = "?platform=gtrm-test"


@pytest.fixture(autouse=True)
def english_after() -> object:
    yield
    translation.activate("en")


@pytest.fixture
def valid(platform, tmp_path):  # noqa: ANN001, ANN201
    return write_5w(
        platform,
        tmp_path / "pa-may.xlsx",
        [
            record_5w(),
            record_5w(
                admin1="PE07", new_beneficiaries=7, total_monthly=12, women=7, in_destination=7
            ),
            record_5w(sector="WASH", indicator="WASH-01", activity_name="Kits", women=10),
        ],
    )


def check(client: Client, path: Path, month: str = "2019-05"):  # noqa: ANN201
    with path.open("rb") as handle:
        return client.post(
            f"/portal/upload/{Q}", {"month": month, "file": handle, "action": "check"}
        )


def submit_checked(client: Client, digest: str, month: str = "2019-05"):  # noqa: ANN201
    return client.post(
        f"/portal/upload/{Q}", {"month": month, "checked": digest, "action": "submit_checked"}
    )


def digest_in(page: str) -> str:
    found = re.search(r'name="checked" value="([0-9a-f]{64})"', page)
    assert found, page
    return found.group(1)


def test_a_valid_check_offers_submit_and_submits_the_kept_file(
    partner_a,
    valid,
    data_dir,  # noqa: ANN001
) -> None:
    client = client_for(partner_a)
    response = check(client, valid)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Valid: you can submit it." in page
    assert "Submit pa-may.xlsx for May 2019" in page
    digest = digest_in(page)
    assert digest == hashlib.sha256(valid.read_bytes()).hexdigest()
    assert not Submission.objects.exists()  # the check stored nothing

    response = submit_checked(client, digest)
    assert response.status_code == 302
    submission = Submission.objects.get()
    assert (submission.status, submission.row_count, submission.file_name) == (
        "current",
        3,
        "pa-may.xlsx",
    )
    assert submission.checksum == digest and submission.uploaded_by == partner_a
    assert Activity.objects.filter(submission=submission).count() == 3
    assert not list((data_dir / "uploads" / "gtrm-test" / "checked").rglob("*.xlsx"))

    again = submit_checked(client, digest)  # kept once: a second click stores nothing
    assert again.status_code == 302 and Submission.objects.count() == 1
    assert "no longer kept" in client.get(again["Location"]).content.decode()


def test_after_submitting_the_summary_and_the_confirmation_email(partner_a, valid) -> None:  # noqa: ANN001
    client = client_for(partner_a)
    response = submit_checked(client, digest_in(check(client, valid).content.decode()))
    page = client.get(response["Location"]).content.decode()
    assert "Submitted: 3 rows stored for 2019-05." in page
    assert "A confirmation was sent to partner.pa@example.org." in page
    stored = page[page.index("What was stored") :]
    assert re.search(r"<dt>Month</dt><dd>May 2019</dd>", stored)
    assert re.search(r"<dt>Version</dt><dd>v1</dd>", stored)
    assert re.search(r"<dt>Rows stored</dt><dd>3</dd>", stored)
    # Per sector: rows, sums of new and of total monthly beneficiaries.
    cells = lambda name: re.findall(  # noqa: E731
        rf"<td>{name}</td><td class=\"num\">(\d+)</td><td class=\"num\">(\d+)</td>"
        rf"<td class=\"num\">(\d+)</td>",
        stored,
    )
    assert cells("Protection") == [("2", "17", "22")]
    assert cells("Water, sanitation, hygiene") == [("1", "10", "10")]

    (sent,) = mail.outbox
    assert sent.to == ["partner.pa@example.org"]
    assert sent.subject == "Kipu: PA's 5W for May 2019 is stored (version 1)"
    assert "Rows stored: 3" in sent.body and "Version: 1" in sent.body
    assert "- Protection: 2 rows, 17 new beneficiaries, 22 total monthly" in sent.body
    assert f"http://testserver{response['Location']}" in sent.body


def test_the_confirmation_is_in_the_submitter_language(partner_a, valid) -> None:  # noqa: ANN001
    client = client_for(partner_a)
    client.cookies["django_language"] = "es"
    submit_checked(client, digest_in(check(client, valid).content.decode()))
    (sent,) = mail.outbox
    assert sent.subject == "Kipu: el 5W de PA para mayo de 2019 está guardado (versión 1)"
    assert "Filas guardadas: 3" in sent.body
    assert (
        "- Protección: 2 filas, 17 nuevos beneficiarios, 22 beneficiarios mensuales" in sent.body
    ), sent.body


def test_the_second_version_is_numbered_and_confirmed(
    partner_a,
    valid,
    platform,
    tmp_path,  # noqa: ANN001
) -> None:
    client = client_for(partner_a)
    submit_checked(client, digest_in(check(client, valid).content.decode()))
    second = write_5w(platform, tmp_path / "again.xlsx", [record_5w(activity_name="Again")])
    response = submit_checked(client, digest_in(check(client, second).content.decode()))
    assert Submission.objects.filter(status="current").get().row_count == 1
    assert "(version 2)" in mail.outbox[-1].subject
    assert "<dd>v2</dd>" in client.get(response["Location"]).content.decode()


def test_without_an_email_address_the_page_says_so(partner_a, valid) -> None:  # noqa: ANN001
    partner_a.email = ""
    partner_a.save()
    client = client_for(partner_a)
    response = submit_checked(client, digest_in(check(client, valid).content.decode()))
    assert Submission.objects.get().row_count == 3
    assert mail.outbox == []
    page = client.get(response["Location"]).content.decode()
    assert "No confirmation e-mail: your account has no e-mail address." in page


def test_a_mail_failure_is_said_and_the_file_stays_stored(partner_a, valid, monkeypatch) -> None:  # noqa: ANN001
    def refuse(*args: object, **kwargs: object) -> None:
        raise ConnectionRefusedError("no mail server")

    monkeypatch.setattr("kipu.web.portal.services.send_mail", refuse)
    client = client_for(partner_a)
    response = submit_checked(client, digest_in(check(client, valid).content.decode()))
    assert Submission.objects.get().status == "current"
    page = client.get(response["Location"]).content.decode()
    assert "could not be sent; the file is stored" in page


def test_an_invalid_check_keeps_nothing_and_offers_no_submit(
    partner_a,
    platform,
    tmp_path,
    data_dir,  # noqa: ANN001
) -> None:
    bad = write_5w(
        platform, tmp_path / "bad.xlsx", [record_5w()], broken={(0, "Country Admin1"): "Atlantis"}
    )
    page = check(client_for(partner_a), bad).content.decode()
    assert "Invalid: fix the errors" in page and 'name="checked"' not in page
    assert not list((data_dir / "uploads").rglob("bad.xlsx"))


def test_a_kept_file_is_found_only_by_its_user_for_its_organisation(
    partner_a,
    partner_b,
    admin,
    valid,  # noqa: ANN001
) -> None:
    digest = digest_in(check(client_for(partner_a), valid).content.decode())
    for other in (partner_b, admin):
        client = client_for(other)
        query = Q if other != admin else f"{Q}&org={partner_a.kipu_roles.get().organisation.pk}"
        response = client.post(
            f"/portal/upload/{query}",
            {"month": "2019-05", "checked": digest, "action": "submit_checked"},
        )
        assert response.status_code == 302
        assert "no longer kept" in client.get(response["Location"]).content.decode()
    assert not Submission.objects.exists()


@pytest.mark.parametrize("digest", ["../../etc/passwd", "A" * 64, "0" * 63, ""])
def test_a_forged_hash_is_refused(partner_a, valid, digest: str) -> None:  # noqa: ANN001
    client = client_for(partner_a)
    check(client, valid)
    response = submit_checked(client, digest)
    assert response.status_code == 302 and not Submission.objects.exists()


def test_a_kept_file_expires(partner_a, valid, data_dir, settings) -> None:  # noqa: ANN001
    settings.KIPU_CHECKED_FILE_HOURS = 2
    client = client_for(partner_a)
    digest = digest_in(check(client, valid).content.decode())
    (kept,) = (data_dir / "uploads" / "gtrm-test" / "checked").rglob("pa-may.xlsx")
    old = time.time() - 3 * 3600
    os.utime(kept, (old, old))
    response = submit_checked(client, digest)
    assert not Submission.objects.exists()
    assert "expires after 2 hours" in client.get(response["Location"]).content.decode()
    check(client, valid.with_name("pa-may.xlsx"))  # a new check sweeps the expired one away
    assert len(list((data_dir / "uploads" / "gtrm-test" / "checked").rglob("*.xlsx"))) == 1


def test_a_month_locked_after_the_check_refuses_the_submit(
    partner_a,
    valid,
    platform,
    admin,  # noqa: ANN001
) -> None:
    client = client_for(partner_a)
    digest = digest_in(check(client, valid).content.decode())
    lock_month(platform, "2019-05", admin)
    response = submit_checked(client, digest)
    assert not Submission.objects.exists()
    assert response.status_code == 302
    follow = client.get(response["Location"]).content.decode()
    assert "May 2019 is no longer open for submissions." in follow
    assert "Select a valid choice" not in follow  # a form error the partner cannot act on


def test_an_invalid_check_promises_no_workbook_it_does_not_give(
    partner_a,
    platform,
    tmp_path,  # noqa: ANN001
) -> None:
    records = [record_5w(activity_name=f"row {i}") for i in range(3)]
    bad = write_5w(platform, tmp_path / "bad.xlsx", records, broken={(0, "Country Admin1"): "X"})
    page = check(client_for(partner_a), bad).content.decode()
    assert "Invalid: fix the errors" in page and "annotated.xlsx" not in page
    assert "“Check only” keeps nothing, so it gives no annotated workbook" in page
    assert "the annotated workbook lists them all" not in page


@pytest.mark.parametrize(
    ("lang", "rows", "expected"),
    [
        ("en", 44956, "- Protection: 44,956 rows, 1,234,567 new beneficiaries"),
        ("es", 44956, "- Protection: 44\u00a0956 filas, 1\u00a0234\u00a0567 nuevos beneficiarios"),
        ("en", 1, "- Protection: 1 row, 1,234,567 new beneficiaries"),
        ("es", 10**6, "- Protection: 1\u00a0000\u00a0000 de filas, 1\u00a0234\u00a0567 nuevos"),
    ],
)
def test_the_confirmation_groups_every_count(lang: str, rows: int, expected: str) -> None:
    """A sector's rows were written 44956 beside 6,399,985 beneficiaries: every count is
    grouped as the language groups numbers (a no-break space in Spanish), and the plural
    follows the count."""
    from django.template.loader import render_to_string

    sector = {"name": "Protection", "rows": rows, "new_beneficiaries": 1234567,
              "total_monthly": 2000000}  # fmt: skip
    summary = {"month": "2019-05", "version": 1, "rows": rows, "sectors": [sector]}
    submission = {"organisation": "PA", "platform": "GTRM", "file_name": "f.xlsx",
                  "uploaded_at": None}  # fmt: skip
    with translation.override(lang):
        body = render_to_string(
            "portal/confirmation_email.txt",
            {"summary": summary, "submission": submission, "url": "http://x"},
        )
    assert expected in body, body
