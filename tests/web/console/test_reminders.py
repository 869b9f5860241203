"""Reminders. Issue 14, point 12: sent to many in one action, a reason and a way forward for an
organisation without a focal point, the organisation's name in the draft's language. Issue 16:
reminders on each platform's schedule, once per reminder day, in each recipient's language,
from `send_due_reminders` and `kipu remind --due`."""

from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner
from django.core import mail
from django.db import IntegrityError
from django.utils import translation
from django.utils.formats import date_format
from web_actors import PASSWORD, client_for, make_user

from kipu.cli.remind import remind
from kipu.web.accounts.models import InterfaceLanguage
from kipu.web.accounts.services import assign_role
from kipu.web.audit.models import AuditEvent
from kipu.web.console import services
from kipu.web.console.models import SentReminder
from kipu.web.platforms.models import Membership, Organisation
from kipu.web.submissions.months import lock_month

pytestmark = pytest.mark.django_db
Q = "?platform=gtrm-test"
JUNE = "2019-06"  # due on 10 July 2019


def long_date(day: dt.date) -> str:
    """The English long date the pages and e-mails use (the month by name: never 7/10)."""
    with translation.override("en"):
        text = date_format(day, "DATE_FORMAT")
    assert "July" in text and "/" not in text
    return text


def speaks(user, lang: str) -> None:  # noqa: ANN001
    InterfaceLanguage.objects.update_or_create(user=user, defaults={"lang": lang})


@pytest.fixture
def lonely(platform):  # noqa: ANN001, ANN201
    """A member organisation nobody speaks for."""
    organisation = Organisation.objects.create(name_en="Lonely Org", acronym="LO")
    Membership.objects.create(platform=platform, organisation=organisation)
    return organisation


def test_send_to_every_organisation_in_one_action(
    platform, admin, partner_a, partner_b, lonely
) -> None:  # noqa: ANN001, E501
    client = client_for(admin)
    page = client.get(f"/console/reminders/{Q}&month={JUNE}").content.decode()
    assert "Send to all 2 organisations with a focal point" in page
    assert 'data-select-all="organisation"' in page  # "tick all", shown by console.js
    response = client.post(f"/console/reminders/{Q}&month={JUNE}", {"all": "1"}, follow=True)
    assert "Reminders sent to 2 organisations." in response.content.decode()
    assert sorted(m.to[0] for m in mail.outbox) == [
        "partner.pa@example.org",
        "partner.pb@example.org",
    ]
    assert SentReminder.objects.filter(due_date=None, sent_by="im.admin").count() == 2
    assert AuditEvent.objects.filter(action="send_reminder", actor=admin).count() == 2
    page = client.get(f"/console/reminders/{Q}&month={JUNE}").content.decode()
    assert page.count("partner.pa@example.org (EN)") == 2  # the draft and the sent list


def test_ticked_ones_only_and_nothing_ticked(platform, admin, org_a, partner_a, partner_b) -> None:  # noqa: ANN001
    client = client_for(admin)
    nothing = client.post(f"/console/reminders/{Q}&month={JUNE}", {}, follow=True)
    assert "Tick at least one organisation" in nothing.content.decode() and not mail.outbox
    client.post(f"/console/reminders/{Q}&month={JUNE}", {"organisation": [org_a.pk]})
    assert [m.to for m in mail.outbox] == [["partner.pa@example.org"]]


def test_an_organisation_without_focal_point_says_why_and_how(platform, admin, lonely) -> None:  # noqa: ANN001
    client = client_for(admin)
    page = client.get(f"/console/reminders/{Q}&month={JUNE}").content.decode()
    assert "no partner focal point with an e-mail is registered" in page
    link = f"/accounts/platform/gtrm-test/invite/?role=partner&amp;organisation={lonely.pk}"
    assert link in page
    assert f'value="{lonely.pk}" disabled' in page
    invite = client.get(link.replace("&amp;", "&")).content.decode()
    assert '<option value="partner" selected>' in invite
    assert f'<option value="{lonely.pk}" selected>' in invite
    client.post(f"/console/reminders/{Q}&month={JUNE}", {"organisation": [lonely.pk]})
    assert not mail.outbox and not SentReminder.objects.exists()


def test_drafts_name_the_organisation_in_their_language(platform, admin, org_a, org_b) -> None:  # noqa: ANN001
    pending = [(org_a, "missing"), (org_b, "rejected")]
    english = {d.organisation.key: d for d in services.reminder_drafts(platform, JUNE, pending)}
    spanish = {
        d.organisation.key: d for d in services.reminder_drafts(platform, JUNE, pending, lang="es")
    }
    assert "Dear colleagues of Partner B," in english["ORG902"].body
    assert "Socio B" in spanish["ORG902"].body and "Partner B" not in spanish["ORG902"].body
    assert "Partner A" in spanish["ORG901"].body  # no Spanish name: the English one
    assert "junio de 2019" in spanish["ORG901"].subject
    assert "10 de julio de 2019" in spanish["ORG901"].body
    assert long_date(dt.date(2019, 7, 10)) in english["ORG901"].body
    client = client_for(admin)
    client.cookies["django_language"] = "es"
    assert "Socio B" in client.get(f"/console/reminders/{Q}&month={JUNE}").content.decode()


def test_each_recipient_gets_their_own_language(platform, admin, org_b, partner_b) -> None:  # noqa: ANN001
    english = make_user("partner.pb2")
    assign_role(english, platform, "partner", organisation=org_b)
    speaks(partner_b, "es")
    speaks(english, "en")
    drafts = services.reminder_drafts(platform, JUNE, [(org_b, "missing")])
    services.send_reminders(platform, JUNE, drafts, admin)
    by_to = {m.to[0]: m for m in mail.outbox}
    assert "Socio B" in by_to["partner.pb@example.org"].body
    assert "junio" in by_to["partner.pb@example.org"].subject
    assert "Partner B" in by_to["partner.pb2@example.org"].body
    assert "June" in by_to["partner.pb2@example.org"].subject


def test_signing_in_keeps_the_interface_language(platform, partner_b) -> None:  # noqa: ANN001
    client = client_for(None)
    client.cookies["django_language"] = "es"
    client.post("/accounts/login/", {"username": partner_b.username, "password": PASSWORD})
    assert InterfaceLanguage.objects.get(user=partner_b).lang == "es"


def test_switching_the_language_keeps_it_for_the_reminders(platform, partner_b) -> None:  # noqa: ANN001
    client = client_for(None)
    client.post("/accounts/login/", {"username": partner_b.username, "password": PASSWORD})
    assert InterfaceLanguage.objects.get(user=partner_b).lang == "en"
    answer = client.post("/i18n/setlang/", {"language": "es", "next": "/portal/"})
    assert answer.status_code == 302 and answer["Location"] == "/portal/"
    assert InterfaceLanguage.objects.get(user=partner_b).lang == "es"
    client.post("/i18n/setlang/", {"language": "xx", "next": "/portal/"})  # not a language
    assert InterfaceLanguage.objects.get(user=partner_b).lang == "es"
    client_for(None).post("/i18n/setlang/", {"language": "en"})  # anonymous: nobody's
    assert InterfaceLanguage.objects.get(user=partner_b).lang == "es"


# --- On schedule (issue 16) ----------------------------------------------------------------


@pytest.fixture
def scheduled(platform, admin, partner_a, partner_b):  # noqa: ANN001, ANN201
    """Deadline the 10th; reminders 5 and 1 days before, 2 days after. A writes in English,
    B in Spanish."""
    speaks(partner_a, "en")
    speaks(partner_b, "es")
    return services.save_schedule(platform, 10, [-5, -1, 2], admin)


def due(day: int, month: int = 7) -> services.DueReport:
    return services.send_due_reminders(dt.date(2019, month, day))


def june_mail() -> list[tuple[str, str]]:
    return [(m.to[0], m.subject) for m in mail.outbox if "2019" in m.subject]


def test_reminders_go_once_per_reminder_day(scheduled, platform, org_a, rows, stamp) -> None:  # noqa: ANN001
    assert due(4).sent == []  # no reminder day yet
    first = due(5)  # five days before the deadline
    assert sorted(r.organisation.key for r in first.sent if r.month == JUNE) == ["ORG901", "ORG902"]
    june = {m.to[0]: m for m in mail.outbox if "2019" in m.subject and "June" in m.subject}
    spanish = [m for m in mail.outbox if "junio de 2019" in m.subject]
    assert list(june) == ["partner.pa@example.org"]
    assert [m.to for m in spanish] == [["partner.pb@example.org"]]
    assert "Socio B" in spanish[0].body and "10 de julio de 2019" in spanish[0].body
    assert f"by {long_date(dt.date(2019, 7, 10))}" in june["partner.pa@example.org"].body
    count = len(mail.outbox)
    again = due(5)
    assert again.sent == [] and again.already_sent >= 2 and len(mail.outbox) == count
    assert due(6).sent == [] and len(mail.outbox) == count  # no new reminder day
    # A submits before the next reminder day: only B is reminded.
    stamp(rows(platform, org_a, month=JUNE), dt.date(2019, 7, 8))
    ninth = [r.organisation.key for r in due(9).sent if r.month == JUNE]
    assert ninth == ["ORG902"]
    overdue = [r for r in due(12).sent if r.month == JUNE]
    assert [r.organisation.key for r in overdue] == ["ORG902"]
    assert "El plazo venció el 10 de julio de 2019" in mail.outbox[-1].body
    assert [r for r in due(20).sent if r.month == JUNE] == []  # past the catch-up days
    rows_june = SentReminder.objects.filter(month=JUNE, sent_by="schedule")
    assert sorted((r.organisation.key, r.due_date.day) for r in rows_june) == [
        ("ORG901", 5),
        ("ORG902", 5),
        ("ORG902", 9),
        ("ORG902", 12),
    ]
    sent_to_b = rows_june.filter(organisation__external_id="ORG902").first()
    assert sent_to_b.recipients == [{"email": "partner.pb@example.org", "lang": "es"}]
    events = AuditEvent.objects.filter(action="send_reminder", actor_label="system:schedule")
    assert events.count() == 4


def test_a_missed_day_is_caught_up_within_three_days(scheduled) -> None:  # noqa: ANN001
    late = due(7)  # the cron job did not run on the 5th
    assert {r.due_date for r in late.sent if r.month == JUNE} == {dt.date(2019, 7, 5)}
    assert due(8).sent == []
    assert {r.due_date for r in due(9).sent if r.month == JUNE} == {dt.date(2019, 7, 9)}
    assert [
        r for r in services.send_due_reminders(dt.date(2019, 7, 16)).sent if r.month == JUNE
    ] == []


def test_locked_months_and_absent_members_get_none(scheduled, platform, org_b, lonely) -> None:  # noqa: ANN001
    lock_month(platform, JUNE, "test")
    report = due(5)
    assert [r for r in report.sent if r.month == JUNE] == []
    lock_month(platform, "2019-05", "test")  # May's reminders are due in June
    Membership.objects.filter(organisation=org_b).update(start_date=dt.date(2019, 8, 1))
    lock_month(platform, JUNE, "test")
    july = services.send_due_reminders(dt.date(2019, 8, 5))  # July's reminder day
    assert {r.organisation.key for r in july.sent} == {"ORG901"}
    assert {o.key for _p, _m, o in july.without_focal_point} == {lonely.key}


def test_a_failed_sending_is_tried_again(scheduled, monkeypatch) -> None:  # noqa: ANN001
    def refuse(*args, **kwargs) -> None:  # noqa: ANN002, ANN003
        raise OSError("connection refused")

    monkeypatch.setattr(services, "send_mail", refuse)
    failed = due(5)
    assert failed.sent == [] and len(failed.failed) >= 2
    assert (
        not SentReminder.objects.exists()
        and not AuditEvent.objects.filter(action="send_reminder").exists()
    )
    monkeypatch.undo()
    assert len([r for r in due(5).sent if r.month == JUNE]) == 2


def test_the_database_refuses_a_second_reminder_for_a_day(scheduled, platform, org_a) -> None:  # noqa: ANN001
    due(5)
    with pytest.raises(IntegrityError):
        SentReminder.objects.create(
            platform=platform,
            organisation=org_a,
            month=JUNE,
            due_date=dt.date(2019, 7, 5),
            deadline=dt.date(2019, 7, 10),
            status="missing",
            sent_by="schedule",
        )


def test_the_schedule_is_edited_in_the_console(platform, admin) -> None:  # noqa: ANN001
    client = client_for(admin)
    page = client.get(f"/console/schedule/{Q}").content.decode()
    assert 'name="deadline_day"' in page and 'value="10"' in page
    wrong = client.post(f"/console/schedule/{Q}", {"deadline_day": 31, "before": "five"})
    assert wrong.status_code == 400
    assert "not five" in wrong.content.decode()
    client.post(f"/console/schedule/{Q}", {"deadline_day": 12, "before": "5, 1", "after": "2"})
    schedule = platform.reporting_schedule
    assert (schedule.deadline_day, schedule.remind_days) == (12, [-5, -1, 2])
    page = client.get(f"/console/schedule/{Q}").content.decode()
    assert 'value="5, 1"' in page and 'value="2"' in page
    assert "A month is due by day 12" in client.get(f"/console/{Q}").content.decode()


def test_the_console_shows_what_was_sent(scheduled, admin) -> None:  # noqa: ANN001
    due(5)
    client = client_for(admin)
    for url in (f"/console/schedule/{Q}", f"/console/reminders/{Q}&month={JUNE}"):
        page = client.get(url).content.decode()
        assert "partner.pb@example.org (ES)" in page
        assert f"schedule, reminder of {long_date(dt.date(2019, 7, 5))}" in page


def test_kipu_remind_due(scheduled) -> None:  # noqa: ANN001
    runner = CliRunner()
    result = runner.invoke(
        remind, ["--due", "--today", "2019-07-05", "--site-url", "https://k.example"]
    )
    assert result.exit_code == 0, result.output
    assert (
        "ORG901" not in result.output and "PB: sent to partner.pb@example.org (es)" in result.output
    )
    assert "https://k.example/portal/" in mail.outbox[0].body
    again = runner.invoke(remind, ["--due", "--today", "2019-07-05", "--format", "json"])
    assert again.exit_code == 0 and '"sent": []' in again.output
    assert runner.invoke(remind, ["--today", "2019-07-05"]).exit_code == 2
    assert runner.invoke(remind, ["--due", "--today", "5/7/2019"]).exit_code == 2
