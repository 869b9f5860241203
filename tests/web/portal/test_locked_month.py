"""A late partner on a closed month is told which month, since when, who to contact and what
to do (issue 14, point 8), in English and Spanish; and the contact the platform gives."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone, translation
from web_actors import client_for

from kipu.web.portal.queries import im_contacts, reporting_months
from kipu.web.submissions.models import MonthStatus
from kipu.web.submissions.months import lock_month, publish_month

pytestmark = pytest.mark.django_db
Q = "?platform=gtrm-test"


@pytest.fixture(autouse=True)
def english_after() -> object:
    yield
    translation.activate("en")


def closed_on(platform, month: str, day: dt.datetime) -> None:  # noqa: ANN001
    MonthStatus.objects.filter(platform=platform, month=month).update(changed_at=day)


def text(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", page))


def test_a_locked_month_says_which_since_when_who_and_what(partner_a, platform, admin) -> None:  # noqa: ANN001
    lock_month(platform, "2019-11", admin)
    closed_on(platform, "2019-11", dt.datetime(2019, 12, 9, 15, 0, tzinfo=dt.UTC))
    page = client_for(partner_a).get(f"/portal/upload/{Q}&month=2019-11").content.decode()
    said = text(page)
    assert "November 2019 is closed: the IM team locked it on 9 December 2019." in said
    assert "It takes no new or corrected files." in said
    assert "Who to contact: im.admin@example.org (the IM team of Platform gtrm-test)" in said
    assert 'href="mailto:im.admin@example.org?subject=' in page
    assert "What to do: if your organisation's data for November 2019 are missing" in said
    assert 'value="2019-11"' not in page  # the closed month is not offered; open ones are
    assert 'value="2019-12"' in page


def test_in_spanish(partner_a, platform, admin) -> None:  # noqa: ANN001
    publish_month_after_lock(platform, "2019-11", admin)
    closed_on(platform, "2019-11", dt.datetime(2019, 12, 10, 9, 0, tzinfo=dt.UTC))
    client = client_for(partner_a)
    client.cookies["django_language"] = "es"
    said = text(client.get(f"/portal/upload/{Q}&month=2019-11").content.decode())
    assert "Noviembre de 2019 está cerrado: se publicó el 10 de diciembre de 2019." in said
    assert "No admite archivos nuevos ni corregidos." in said
    assert "A quién escribir: im.admin@example.org" in said
    assert "Qué hacer:" in said


def publish_month_after_lock(platform, month: str, admin) -> None:  # noqa: ANN001
    lock_month(platform, month, admin)
    publish_month(platform, month, admin)


def test_when_no_month_is_open_the_latest_closed_one_is_explained(
    partner_a,
    platform,
    admin,  # noqa: ANN001
) -> None:
    for month in reporting_months(platform):
        lock_month(platform, month, admin)
    latest = max(reporting_months(platform))
    page = client_for(partner_a).get(f"/portal/upload/{Q}").content.decode()
    said = text(page)
    assert "No month is open for submissions." in said
    label = dt.date(int(latest[:4]), int(latest[5:]), 1).strftime("%B %Y")
    assert f"{label} is closed: the IM team locked it on" in said
    assert "im.admin@example.org" in said
    home = text(client_for(partner_a).get(f"/portal/{Q}").content.decode())
    assert "none: every month is locked" in home and f"{label} is closed" in home


def test_the_portal_home_names_the_latest_closed_month(partner_a, platform, admin) -> None:  # noqa: ANN001
    lock_month(platform, "2019-10", admin)
    closed_on(platform, "2019-10", dt.datetime(2019, 11, 8, tzinfo=dt.UTC))
    said = text(client_for(partner_a).get(f"/portal/{Q}").content.decode())
    assert "The latest closed month is October 2019 (since 8 November 2019)" in said
    assert "To add or correct data for a closed month, write to im.admin@example.org." in said


def test_the_submission_page_of_a_closed_month_explains_it(
    partner_a,
    platform,
    admin,
    org_a,
    rows,  # noqa: ANN001
) -> None:
    submission = rows(platform, org_a, month="2019-05")
    lock_month(platform, "2019-05", admin)
    said = text(
        client_for(partner_a).get(f"/portal/submissions/{submission.pk}/{Q}").content.decode()
    )
    assert "May 2019 is closed: the IM team locked it on" in said
    assert "Who to contact: im.admin@example.org" in said


def test_the_contact_is_the_platform_address_then_im_contacts_then_the_im_team(
    platform,
    admin,  # noqa: ANN001
) -> None:
    assert im_contacts(platform) == ["im.admin@example.org"]
    platform.contacts = [
        {"name": "Ana", "role": "Sector lead", "email": "ana@example.org"},
        {"name": "Luis", "role": "Information Management Officer", "email": "luis@example.org"},
    ]
    platform.save()
    assert im_contacts(platform) == ["luis@example.org"]
    platform.im_email = "im@gtrm.example.org"
    platform.save()
    assert im_contacts(platform) == ["im@gtrm.example.org"]


def test_without_any_contact_the_page_says_whom_to_ask(partner_a, platform, admin) -> None:  # noqa: ANN001
    lock_month(platform, "2019-11", admin)
    admin.email = ""
    admin.save()
    said = text(client_for(partner_a).get(f"/portal/upload/{Q}&month=2019-11").content.decode())
    assert "this platform has no IM contact address yet" in said


def test_closed_since_is_the_time_of_closing(partner_a, platform, admin) -> None:  # noqa: ANN001
    before = timezone.now()
    lock_month(platform, "2019-11", admin)
    row = MonthStatus.objects.get(platform=platform, month="2019-11")
    assert row.changed_at >= before
    said = text(Client().get("/").content.decode())  # the public page says nothing of it
    assert "is closed" not in said
