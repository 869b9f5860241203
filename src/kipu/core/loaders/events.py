"""Coordination events file: meetings, trainings, launches, with attendance.

Columns: date (YYYY-MM-DD, required), title (required), title_es, type (meeting, training,
workshop, launch, mission, other), attendance (a whole number), organisations ('|'-separated
names, acronyms or registry ids of member organisations), admin1 (name or code), description.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from kipu.core.gazetteer import Gazetteer
from kipu.core.loaders import Columns, Loaded, LoadError, open_table, parse_date, split_list
from kipu.core.reference import Organisation
from kipu.core.text import closest, normalise

EVENT_TYPES = ("meeting", "training", "workshop", "launch", "mission", "other")
ACCEPTED = {
    "date": ("fecha",),
    "title": ("title_en", "event", "titulo"),
    "title_es": (),
    "type": ("event_type", "tipo"),
    "attendance": ("participants", "attendees", "asistentes"),
    "organisations": ("organizations", "organisation", "organizaciones"),
    "admin1": ("department", "location", "departamento"),
    "description": ("notes",),
}


@dataclass
class EventRecord:
    date: date
    title: str
    title_es: str = ""
    type: str = "meeting"
    attendance: int | None = None
    organisations: list[str] = field(default_factory=list)  # organisation keys
    admin1: str = ""  # P-code
    description: str = ""


def load_events(
    path: Path | str, organisations: list[Organisation], gazetteer: Gazetteer, country: str
) -> Loaded[EventRecord]:
    result: Loaded[EventRecord] = Loaded()
    table = open_table(path)
    if isinstance(table, LoadError):
        result.errors.append(table)
        return result
    columns = Columns(table, ACCEPTED)
    if missing := columns.missing(("date", "title")):
        result.errors.extend(missing)
        return result
    by_label = {
        normalise(label): org.key for org in organisations for label in [org.key, *org.labels()]
    }
    for number, record in zip(table.row_numbers, table.records, strict=True):
        event = _event(columns, number, record, by_label, gazetteer, country, result.errors)
        if event is not None:
            result.records.append(event)
    return result


def _event(
    columns: Columns,
    number: int,
    record: dict[str, object],
    by_label: dict[str, str],
    gazetteer: Gazetteer,
    country: str,
    errors: list[LoadError],
) -> EventRecord | None:
    source, before = columns.table.source, len(errors)

    def fail(column: str, message: str) -> None:
        errors.append(LoadError(source, number, columns.label(column), message))

    when = parse_date(columns.value(record, "date"))
    if when is None:
        fail("date", f"{columns.value(record, 'date')!r} is not a date (YYYY-MM-DD)")
    title = columns.value(record, "title")
    if not title:
        fail("title", "the event has no title")
    kind = normalise(columns.value(record, "type")) or "meeting"
    if kind not in EVENT_TYPES:
        fail("type", f"unknown type {kind!r}; use one of {', '.join(EVENT_TYPES)}")
    attendance_text = columns.value(record, "attendance").replace(",", "")
    if attendance_text and not attendance_text.isdigit():
        fail("attendance", f"{attendance_text!r} is not a whole number")
    keys = []
    for name in split_list(columns.value(record, "organisations")):
        key = by_label.get(normalise(name))
        if key is None:
            hint = closest(name, list(by_label))
            fail(
                "organisations",
                f"{name!r} is not a member organisation"
                + (f"; did you mean {hint!r}?" if hint else ""),
            )
        else:
            keys.append(key)
    place = columns.value(record, "admin1")
    unit = gazetteer.find(place, country, 1) if place else None
    if place and unit is None:
        fail("admin1", f"unknown admin1 {place!r}")
    if len(errors) > before or when is None:
        return None
    return EventRecord(
        when,
        title,
        columns.value(record, "title_es"),
        kind,
        int(attendance_text) if attendance_text else None,
        keys,
        unit.pcode if unit and not unit.national else "",
        columns.value(record, "description"),
    )
