"""The event page refuses an event of the date and title of another of the platform's events
as the events file compares them (`title_key`: letter case and runs of spaces aside): the web
created "REUNIÓN GTRM" beside "Reunión GTRM" of the same day, which a file reads as one event
(it updated only one, and the report listed the meeting twice)."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from web_actors import client_for

from kipu.core.loaders.events import title_key
from kipu.web.platforms.models import Event

pytestmark = pytest.mark.django_db
Q = "?platform=gtrm-test"
DAY = dt.date(2019, 5, 3)
STORED = "Reunión GTRM"


def _errors(response) -> list[str]:  # noqa: ANN001
    found = re.findall(r"errorlist[^>]*>(.*?)</ul", response.content.decode(), re.S)
    return [unescape(re.sub("<[^>]+>", "", x)) for x in found]


def _data(title: str, day: dt.date = DAY) -> dict[str, object]:
    return {"date": day.isoformat(), "title_en": title, "type": "meeting"}


# A title written as a person may retype the stored one: each letter in either case, and
# spaces doubled or added around the words.
_retyped = st.tuples(
    st.lists(st.booleans(), min_size=len(STORED), max_size=len(STORED)),
    st.sampled_from(["", " ", "  "]),
    st.sampled_from([" ", "  ", "\t"]),
).map(
    lambda drawn: (
        drawn[1]
        + "".join(
            c.upper() if up else c.lower() for c, up in zip(STORED, drawn[0], strict=True)
        ).replace(" ", drawn[2])
        + drawn[1]
    )
)


# No control characters: a NUL is refused by the form's field (Django's null-character
# validator), whatever the title.
_TEXT = st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=20)


@given(title=st.one_of(_retyped, _TEXT))
@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_a_new_event_is_refused_where_a_file_reads_the_same_event(platform, admin, title) -> None:  # noqa: ANN001
    Event.objects.filter(platform=platform).delete()
    Event.objects.create(platform=platform, date=DAY, title_en=STORED)
    response = client_for(admin).post(f"/reference/events/new/{Q}", _data(title))
    same = title_key(title) == title_key(STORED)
    if not title.strip():
        return  # a required field: refused as empty
    assert response.status_code == (400 if same else 302), _errors(response)
    assert Event.objects.filter(platform=platform).count() == (1 if same else 2)
    if same:
        assert any(
            "already has an event on 2019-05-03 titled 'Reunión GTRM'" in e
            for e in _errors(response)
        )


def test_an_edit_into_another_events_title_is_refused(platform, admin) -> None:  # noqa: ANN001
    Event.objects.create(platform=platform, date=DAY, title_en=STORED)
    other = Event.objects.create(platform=platform, date=DAY, title_en="Taller")
    client = client_for(admin)
    response = client.post(f"/reference/events/{other.pk}/edit/{Q}", _data("REUNIÓN  gtrm"))
    assert response.status_code == 400
    assert Event.objects.get(pk=other.pk).title_en == "Taller"
    # Its own title in another case, another day, or an accent: saved.
    for title, day in (("TALLER", DAY), (STORED, DAY + dt.timedelta(days=1))):
        response = client.post(f"/reference/events/{other.pk}/edit/{Q}", _data(title, day))
        assert response.status_code == 302, _errors(response)
    response = client.post(f"/reference/events/new/{Q}", _data("Reunion GTRM"))
    assert response.status_code == 302, _errors(response)


def test_the_message_is_in_spanish(platform, admin) -> None:  # noqa: ANN001
    Event.objects.create(platform=platform, date=DAY, title_en=STORED)
    client = client_for(admin)
    client.cookies["django_language"] = "es"
    response = client.post(
        f"/reference/events/new/{Q}", _data("reunión gtrm"), HTTP_ACCEPT_LANGUAGE="es"
    )
    assert response.status_code == 400
    assert any("La plataforma ya tiene un evento el 2019-05-03" in e for e in _errors(response))
