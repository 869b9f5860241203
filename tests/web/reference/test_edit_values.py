"""The reference edit pages read numbers and dates as the files' loaders do, with the same
functions, and refuse what they refuse with their message (in the page's language): a
target edited to "150.000" was stored as 150 and "48.000" as 48 (Django's IntegerField strips
a trailing ".000"; a plan file refuses both as ambiguous), a negative budget was stored (a
file refuses it), an event's attendance "1.000" was stored as 1, and an observation whose
period ends before it starts was stored (`kipu stats load` refuses it)."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
from django import forms
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st
from web_actors import client_for

from kipu.core.loaders import VALUE_RULES, Problem, read_date
from kipu.core.loaders.events import attendance
from kipu.core.loaders.plan import LEVEL_RULES
from kipu.core.loaders.statistics import observation_value
from kipu.core.loaders.targets import target_number
from kipu.web.plans.models import Sector, Target
from kipu.web.platforms.models import Event
from kipu.web.reference.fields import PROBLEM_WORDS, problem_text
from kipu.web.reference.forms import EventForm, MembershipForm, ObservationForm, TargetForm
from kipu.web.stats.models import Observation, Series

Q = "?platform=gtrm-test"


@st.composite
def written_numbers(draw: st.DrawFn) -> str:
    """A number as people write one: a sign, digits grouped by a comma, a dot or a space,
    a decimal part after a dot or a comma; or any text of those characters."""
    if draw(st.booleans()):
        return draw(st.text(alphabet="0123456789.,- kM$", max_size=12))
    whole = str(draw(st.integers(0, 10**16)))
    group = draw(st.sampled_from(["", ",", ".", " ", "'"]))
    if group:
        head = len(whole) % 3 or 3
        whole = group.join([whole[:head], *re.findall("...", whole[head:])])
    decimals = draw(st.text(alphabet="0123456789", max_size=4))
    mark = draw(st.sampled_from([".", ","]))
    sign = draw(st.sampled_from(["", "-", "+"]))
    return f"{sign}{whole}{mark + decimals if decimals else ''}"


def _same_as_loader(field: forms.Field, read: object, text: str) -> None:
    """`field` accepts `text` as the loader's function `read` does, with its value, or
    refuses it with the loader's message. A file's cell is read trimmed (`Columns.value`)."""
    value, problem = read(text.strip())  # type: ignore[operator]
    if not text.strip():  # nothing written: the field's own rule (required or not)
        return
    if problem is not None:
        with pytest.raises(forms.ValidationError) as refused:
            field.clean(text)
        assert refused.value.messages == [str(problem)]
    else:
        assert value is not None
        assert float(field.clean(text)) == pytest.approx(value, rel=0, abs=0.001)


@given(written_numbers(), st.sampled_from(["people_in_need", "people_targeted", "budget_usd"]))
@settings(max_examples=300, deadline=None)
def test_a_target_is_read_as_a_plan_file_reads_it(text: str, column: str) -> None:
    field = TargetForm.base_fields[column]
    _same_as_loader(field, lambda t: target_number(column, t), text)


@given(written_numbers())
@settings(max_examples=200, deadline=None)
def test_an_observation_and_an_attendance_are_read_as_their_files_read_them(text: str) -> None:
    _same_as_loader(ObservationForm.base_fields["value"], observation_value, text)
    _same_as_loader(EventForm.base_fields["attendance"], attendance, text)


@given(
    st.one_of(
        st.dates(dt.date(1990, 1, 1), dt.date(2100, 1, 1)).map(str),
        st.dates().map(lambda d: d.strftime("%m/%d/%Y")),
        st.dates().map(lambda d: f"{d} (preliminar)"),
        st.text(alphabet="0123456789-/ :T", max_size=20),
    )
)
@settings(max_examples=200, deadline=None)
def test_a_date_is_read_as_the_files_read_it(text: str) -> None:
    """Django's DateField also took "11/30/2019", which a statistics file refuses."""
    for field in (
        ObservationForm.base_fields["period_start"],
        EventForm.base_fields["date"],
        MembershipForm.base_fields["start_date"],
    ):
        when, problem = read_date(text.strip())
        if not text.strip():
            continue
        if problem is not None:
            with pytest.raises(forms.ValidationError) as refused:
                field.clean(text)
            assert refused.value.messages == [str(problem)]
        else:
            assert field.clean(text) == when


RULES = {**VALUE_RULES, **LEVEL_RULES}


@pytest.mark.parametrize("rule", sorted(RULES))
def test_the_pages_words_are_the_loaders(rule: str) -> None:
    """The web says a loader's problem in its words (English), and in Spanish."""
    names = re.findall(r"{(\w+)}", RULES[rule])
    problem = Problem(rule, RULES[rule], **{name: f"'{name}-value'" for name in names})
    with translation.override("en"):
        assert problem_text(problem) == str(problem)
    with translation.override("es"):
        spanish = problem_text(problem)
    assert spanish != str(problem), f"{rule} has no Spanish"
    assert all(f"'{name}-value'" in spanish for name in names)
    assert set(PROBLEM_WORDS) >= set(RULES)


def _errors(response) -> list[str]:  # noqa: ANN001
    found = re.findall(r"errorlist[^>]*>(.*?)</ul", response.content.decode(), re.S)
    return [unescape(re.sub("<[^>]+>", "", x)) for x in found]


@pytest.mark.django_db
def test_a_target_edit_refuses_what_a_plan_file_refuses(platform, admin) -> None:  # noqa: ANN001
    sector = Sector.objects.get(plan__platform=platform, code="PRO")
    target = Target.objects.create(
        plan=sector.plan, sector=sector, people_in_need=120000, budget_usd=6000000
    )
    data = {"people_in_need": "150.000", "people_targeted": "48.000", "budget_usd": "-6000000"}
    response = client_for(admin).post(f"/reference/plan/targets/{target.pk}/edit/{Q}", data)
    assert response.status_code == 400
    assert _errors(response) == [
        "'150.000' could be 150000 or 150: write it without a thousands separator",
        "'48.000' could be 48000 or 48: write it without a thousands separator",
        "'-6000000' is negative",
    ]
    target.refresh_from_db()
    assert (target.people_in_need, target.people_targeted, target.budget_usd) == (
        120000,
        None,
        6000000,
    )
    spanish = client_for(admin).post(
        f"/reference/plan/targets/{target.pk}/edit/{Q}",
        {"people_in_need": "150.000"},
        HTTP_ACCEPT_LANGUAGE="es",
    )
    assert "podría ser 150000 o 150" in unescape(spanish.content.decode())


@pytest.mark.django_db
def test_an_observation_and_an_event_edit_refuse_what_their_files_refuse(
    platform,  # noqa: ANN001
    admin,  # noqa: ANN001
) -> None:
    series = Series.objects.create(platform=platform, key="stock", name_en="Venezuelans")
    observation = Observation.objects.create(
        series=series,
        period_start=dt.date(2019, 11, 30),
        period_end=dt.date(2019, 11, 30),
        value=862377,
    )
    client = client_for(admin)
    data = {"period_start": "2019-11-30", "period_end": "2019-11-01", "value": "862.377"}
    url = f"/reference/statistics/observations/{observation.pk}/edit/{Q}"
    response = client.post(url, data)
    assert response.status_code == 400
    assert _errors(response) == [
        "the period ends before it starts",
        "'862.377' could be 862377 or 862.377: write it without a thousands separator",
    ]
    observation.refresh_from_db()
    assert (observation.period_end, observation.value) == (dt.date(2019, 11, 30), 862377)
    event = Event.objects.create(
        platform=platform, date=dt.date(2019, 11, 18), title_en="Launch", attendance=100
    )
    data = {"date": "2019-11-18", "title_en": "Launch", "type": "meeting", "attendance": "1.000"}
    response = client.post(f"/reference/events/{event.pk}/edit/{Q}", data)
    assert response.status_code == 400
    assert _errors(response) == [
        "'1.000' could be 1000 or 1: write it without a thousands separator"
    ]
    event.refresh_from_db()
    assert event.attendance == 100


@pytest.mark.django_db
def test_an_observation_edit_onto_another_of_its_period_is_refused(
    platform,  # noqa: ANN001
    admin,  # noqa: ANN001
) -> None:
    """The series is not a field of the form: a second observation of one period was a 500
    (the database's constraint) rather than a message. An empty end is the start, as in a
    statistics file."""
    series = Series.objects.create(platform=platform, key="entries", name_en="Entries")
    first, second = (
        Observation.objects.create(
            series=series,
            period_start=dt.date(2017, month, 1),
            period_end=dt.date(2017, month, 28),
            value=10 * month,
        )  # fmt: skip
        for month in (1, 2)
    )
    client = client_for(admin)
    data = {"period_start": "2017-01-01", "period_end": "2017-01-28", "value": "5"}
    response = client.post(f"/reference/statistics/observations/{second.pk}/edit/{Q}", data)
    assert response.status_code == 400
    assert _errors(response) == ["this series has an observation of this period already"]
    second.refresh_from_db()
    assert (second.period_start, second.value) == (dt.date(2017, 2, 1), 20)
    data = {"period_start": "2017-03-01", "period_end": "", "value": "5"}
    response = client.post(f"/reference/statistics/observations/{first.pk}/edit/{Q}", data)
    assert response.status_code < 400
    first.refresh_from_db()
    assert (first.period_start, first.period_end) == (dt.date(2017, 3, 1), dt.date(2017, 3, 1))


@pytest.mark.django_db
def test_a_sector_order_is_a_whole_number_in_digits(platform, admin) -> None:  # noqa: ANN001
    sector = Sector.objects.get(plan__platform=platform, code="WASH")
    data = {"name_en": sector.name_en, "order": "1.000"}
    response = client_for(admin).post(f"/reference/plan/sectors/{sector.pk}/edit/{Q}", data)
    assert response.status_code == 400
    assert _errors(response) == ["Write a whole number in digits only."]
