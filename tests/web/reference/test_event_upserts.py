"""Loading events updates the stored event of the same date and title, the title compared as
the loader compares two rows (case and runs of spaces ignored): "REUNIÓN  GTRM" made a second
event beside "Reunión GTRM", and the report listed the meeting twice. And the statistics and
events imports say the columns they do not read."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kipu.core.loaders.events import EventRecord
from kipu.web.platforms.models import Event, Platform
from kipu.web.platforms.services import load_events
from kipu.web.reference.services import import_reference

pytestmark = pytest.mark.django_db
DAY = dt.date(2019, 5, 3)


@pytest.mark.parametrize(
    "written", ["REUNIÓN  GTRM", " reunión gtrm ", "Reunio\u0301n GTRM", "Reunión GTRM"]
)
def test_the_stored_event_is_updated(platform: Platform, written: str) -> None:
    Event.objects.create(platform=platform, date=DAY, title_en="Reunión GTRM", attendance=10)
    created, updated = load_events(platform, [EventRecord(DAY, written, attendance=12)])
    assert (created, updated) == (0, 1)
    (event,) = Event.objects.filter(platform=platform)
    assert (event.title_en, event.attendance) == (written, 12)


def test_other_titles_days_and_platforms_are_other_events(
    platform: Platform, other_platform: Platform
) -> None:
    Event.objects.create(platform=platform, date=DAY, title_en="Reunión GTRM", attendance=10)
    Event.objects.create(platform=other_platform, date=DAY, title_en="Reunión GTRM")
    records = [
        EventRecord(DAY, "Reunion GTRM"),  # an accent may tell two events apart
        EventRecord(DAY, "Reunión GTRM 2"),
        EventRecord(DAY + dt.timedelta(days=1), "Reunión GTRM"),
    ]
    assert load_events(platform, records) == (3, 0)
    assert Event.objects.get(platform=platform, date=DAY, title_en="Reunión GTRM").attendance == 10
    assert Event.objects.filter(platform=other_platform).count() == 1


def test_the_exactly_written_event_is_updated_when_both_are_stored(platform: Platform) -> None:
    """A store that already holds both spellings (loaded before this fix) is not made worse:
    the event written exactly as the row is updated, and no title is changed into the other's
    (which the store's one-title-per-day constraint refuses)."""
    for title in ("Reunión GTRM", "REUNIÓN  GTRM"):
        Event.objects.create(platform=platform, date=DAY, title_en=title)
    assert load_events(platform, [EventRecord(DAY, "REUNIÓN  GTRM", attendance=7)]) == (0, 1)
    attendance = dict(Event.objects.values_list("title_en", "attendance"))
    assert attendance == {"Reunión GTRM": None, "REUNIÓN  GTRM": 7}


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        ("events", "date,title,Lugar exacto\n2019-05-01,Launch,Lima\n"),
        ("statistics", "series,period_start,value,Observaciones\nStock,2019-11-30,1,x\n"),
    ],
)
def test_imports_say_the_columns_they_do_not_read(
    platform: Platform, tmp_path: Path, kind: str, text: str
) -> None:
    """Before, the import summary said nothing of them (the loaders did not look)."""
    path = tmp_path / f"{kind}.csv"
    path.write_text(text, encoding="utf-8")
    result = import_reference(kind, platform, path, "cli:im")
    assert result.ok, result.errors
    (warning,) = result.summary["warnings"]
    assert "not read" in warning and ("'Lugar exacto'" in warning or "'Observaciones'" in warning)


def test_a_file_without_a_column_keeps_what_is_stored(platform: Platform, tmp_path: Path) -> None:
    """Before, a file of dates, titles and attendance meant to correct one figure reset the
    stored event's type, Spanish title, place and organisations; and a statistic reloaded
    without its note and source columns erased them (the report lost its footnote)."""
    Event.objects.create(
        platform=platform,
        date=DAY,
        title_en="GBV workshop",
        title_es="Taller VBG",
        type="workshop",
        attendance=30,
        description="Case management",
    )
    events = tmp_path / "events.csv"
    events.write_text("date,title,attendance\n2019-05-03,GBV workshop,32\n", encoding="utf-8")
    assert import_reference("events", platform, events, "cli:im").ok
    event = Event.objects.get(platform=platform)
    assert (event.type, event.title_es, event.attendance, event.description) == (
        "workshop",
        "Taller VBG",
        32,
        "Case management",
    )
    events.write_text("date,title,type,description\n2019-05-03,GBV workshop,,\n")
    assert import_reference("events", platform, events, "cli:im").ok
    event = Event.objects.get(platform=platform)
    assert (event.type, event.description, event.attendance) == ("meeting", "", 32)

    from kipu.web.stats.models import Observation

    stats = tmp_path / "stats.csv"
    stats.write_text(
        "series,period_start,value,note,source\nstock,2019-11-30,862000,n,Migraciones\n"
    )
    assert import_reference("statistics", platform, stats, "cli:im").ok
    stats.write_text("series,period_start,value\nstock,2019-11-30,862377\n")
    assert import_reference("statistics", platform, stats, "cli:im").ok
    observation = Observation.objects.get(series__platform=platform)
    assert (observation.value, observation.note, observation.source) == (862377, "n", "Migraciones")
