"""Dates are unambiguous in both languages (issue 14, point 13): "9 Dec 2019" / "9 dic 2019",
never 12/09/2019. Checked for every date format the site uses, on every day whose day and
month could be swapped, and on the portal's pages."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django import forms
from django.utils import formats, translation
from web_actors import client_for

from kipu.web.submissions.models import Submission

pytestmark = pytest.mark.django_db
NUMERIC = re.compile(r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b")
FORMATS = (
    "DATE_FORMAT",
    "DATETIME_FORMAT",
    "SHORT_DATE_FORMAT",
    "SHORT_DATETIME_FORMAT",
    "MONTH_DAY_FORMAT",
    "YEAR_MONTH_FORMAT",
)
# Every date whose day could be read as a month.
AMBIGUOUS = [dt.datetime(2019, m, d, 14, 30) for m in range(1, 13) for d in range(1, 13)]
MONTHS = {
    "en": ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"],
    "es": ["ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic"],
}


@pytest.fixture(autouse=True)
def english_after() -> object:
    yield
    translation.activate("en")


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("name", FORMATS)
def test_every_format_names_the_month(lang: str, name: str) -> None:
    with translation.override(lang):
        for day in AMBIGUOUS:
            shown = formats.date_format(day, name)
            assert not NUMERIC.search(shown), (lang, name, shown)
            month = MONTHS[lang][day.month - 1]
            assert month in shown.casefold(), (lang, name, shown)


@pytest.mark.parametrize(
    ("lang", "name", "expected"),
    [
        ("en", "SHORT_DATE_FORMAT", "9 Dec 2019"),
        ("es", "SHORT_DATE_FORMAT", "9 dic 2019"),
        ("en", "DATE_FORMAT", "9 December 2019"),
        ("es", "DATE_FORMAT", "9 de diciembre de 2019"),
        ("en", "SHORT_DATETIME_FORMAT", "9 Dec 2019, 14:30"),
        ("es", "SHORT_DATETIME_FORMAT", "9 dic 2019, 14:30"),
    ],
)
def test_the_ninth_of_december(lang: str, name: str, expected: str) -> None:
    with translation.override(lang):
        assert formats.date_format(dt.datetime(2019, 12, 9, 14, 30), name) == expected


def test_a_typed_numeric_date_is_not_guessed_in_english() -> None:
    field = forms.DateField()
    with translation.override("en"):
        assert field.clean("2019-12-09") == dt.date(2019, 12, 9)
        assert field.clean("9 Dec 2019") == dt.date(2019, 12, 9)
        with pytest.raises(forms.ValidationError):
            field.clean("12/09/2019")


@pytest.mark.parametrize(("lang", "expected"), [("en", "9 Dec 2019"), ("es", "9 dic 2019")])
def test_the_portal_shows_unambiguous_upload_dates(
    partner_a,
    platform,
    org_a,
    rows,
    lang: str,
    expected: str,  # noqa: ANN001
) -> None:
    submission = rows(platform, org_a, month="2019-11")
    moment = dt.datetime(2019, 12, 9, 14, 30, tzinfo=dt.UTC)
    Submission.objects.filter(pk=submission.pk).update(uploaded_at=moment)
    client = client_for(partner_a)
    client.cookies["django_language"] = lang
    for url in ("/portal/?platform=gtrm-test", f"/portal/submissions/{submission.pk}/"):
        page = client.get(url).content.decode()
        assert f"{expected}, 14:30" in page, url
        assert not NUMERIC.search(re.sub(r"<[^>]+>", " ", page)), url
