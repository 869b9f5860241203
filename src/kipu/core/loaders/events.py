"""Coordination events file: meetings, trainings, launches, with attendance.

Columns: date (YYYY-MM-DD, required), title (required), title_es, type (meeting, training,
workshop, launch, mission, other, or their Spanish names), attendance (a whole number),
organisations ('|'-separated names, acronyms or registry ids of member organisations; a
placeholder for nothing, `NOTHING`, names none), admin1 (name or code), description. One event
is one row: a date and title (`title_key`) given twice is refused.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from kipu.core.gazetteer import Gazetteer
from kipu.core.loaders import (
    VALUE_RULES,
    Columns,
    Loaded,
    LoadError,
    Problem,
    did_you_mean,
    open_table,
    read_date,
    reference_number,
    split_list,
)
from kipu.core.read.values import NOTHING
from kipu.core.reference import Organisation
from kipu.core.text import closest, normalise

EVENT_TYPES = ("meeting", "training", "workshop", "launch", "mission", "other")
# Every name of a type → the type; compared by `normalise` (accents and case ignored).
TYPE_NAMES: dict[str, str] = {
    **{kind: kind for kind in EVENT_TYPES},
    "reunión": "meeting",
    "capacitación": "training",
    "formación": "training",
    "taller": "workshop",
    "lanzamiento": "launch",
    "misión": "mission",
    "otro": "other",
    "otra": "other",
}
_TYPES = {normalise(name): kind for name, kind in TYPE_NAMES.items()}
ACCEPTED = {
    "date": ("fecha",),
    "title": ("title_en", "event", "titulo", "título"),
    "title_es": (),
    "type": ("event_type", "tipo", "tipo de evento"),
    "attendance": ("participants", "attendees", "asistentes", "participantes"),
    "organisations": ("organizations", "organisation", "organizaciones"),
    "admin1": ("department", "location", "departamento"),
    "description": ("notes", "descripción"),
}
MOST_ATTENDANCE = 2**31 - 1  # the store's attendance column


def title_key(title: str) -> str:
    """How titles of one day's events are compared: case and runs of spaces ignored ("Reunión
    GTRM" is "REUNIÓN  GTRM"), and how an accent is encoded; accents and punctuation count, as
    they may tell two events apart."""
    return " ".join(unicodedata.normalize("NFC", title).casefold().split())


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
    # The fields the file has a column for: a stored event keeps the others (a file of
    # dates, titles and attendance reset its type, Spanish title, place and organisations).
    given: frozenset[str] = frozenset(
        ("title_es", "type", "attendance", "organisations", "admin1", "description")
    )


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
    result.warnings.extend([*columns.unread(), *columns.hidden()])
    # A label that says nothing ("-", "N/A": stored as acronyms before the organisations loader
    # read them as empty) or nothing once normalised ("-" is "") names no organisation.
    by_label = {
        normalise(label): org.key
        for org in organisations
        for label in [org.key, *org.labels()]
        if normalise(label) and not _nothing(label)
    }
    seen: dict[tuple[date, str], int] = {}
    for number, record in zip(table.row_numbers, table.records, strict=True):
        event = _event(columns, number, record, by_label, gazetteer, country, result.errors)
        if event is None:
            continue
        # Two rows of one event: the last silently won.
        key = (event.date, title_key(event.title))
        if key in seen:
            message = f"same date and title as row {seen[key]}: one event is one row"
            result.errors.append(LoadError(table.source, number, columns.label("title"), message))
            continue
        seen[key] = number
        result.records.append(event)
    return result


def _kind(text: str) -> tuple[str, str | None]:
    """The event type `text` names, in English or Spanish ("meeting" when empty), or ("", why
    not)."""
    if not text:
        return "meeting", None
    kind = _TYPES.get(normalise(text))
    if kind is None:
        return "", (
            f"unknown type {text!r}; use one of {', '.join(EVENT_TYPES)}"
            + did_you_mean(text, TYPE_NAMES)
        )
    return kind, None


def attendance(text: str, typed: float | None = None) -> tuple[int | None, Problem | None]:
    """The attendance written, None for an empty cell (not counted, which is not 0), or (None,
    why not): "12,5" was stored as 125, the comma taken for a thousands separator. The web's
    edit page reads it so too."""
    if not text:
        return None, None
    value, problem = reference_number(text, whole=True, typed=typed)
    if value is None:
        return None, problem
    if value > MOST_ATTENDANCE:
        return None, Problem(
            "attendance-too-large", VALUE_RULES["attendance-too-large"], said=repr(text)
        )
    return int(value), None


def _organisations(text: str, by_label: dict[str, str]) -> tuple[list[str], list[str]]:
    """The keys of the organisations `text` names, and a message per name that is none. A name
    saying nothing ("N/A", "-") is none, as an empty cell: such an event was attributed to the
    organisations whose acronym was stored as "N/A" or "-"."""
    keys, problems = [], []
    for name in split_list(text):
        if _nothing(name):
            continue
        key = by_label.get(normalise(name))
        if key is None:
            hint = closest(name, list(by_label))
            problems.append(
                f"{name!r} is not a member organisation"
                + (f"; did you mean {hint!r}?" if hint else "")
            )
        else:
            keys.append(key)
    return keys, problems


def _nothing(text: str) -> bool:
    """Whether `text` is a placeholder for nothing ("-", "N/A", "ninguno")."""
    return " ".join(text.split()).casefold() in NOTHING


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

    when, wrong_date = read_date(columns.value(record, "date"))
    if wrong_date:
        fail("date", wrong_date)
    title = columns.value(record, "title")
    if not title:
        fail("title", "the event has no title")
    kind, problem = _kind(columns.value(record, "type"))
    if problem:
        fail("type", problem)
    people, problem = attendance(
        columns.value(record, "attendance"), columns.typed(record, "attendance")
    )
    if problem:
        fail("attendance", problem)
    keys, problems = _organisations(columns.value(record, "organisations"), by_label)
    for problem in problems:
        fail("organisations", problem)
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
        people,
        keys,
        unit.pcode if unit and not unit.national else "",
        columns.value(record, "description"),
        frozenset(columns.found),
    )
