"""Writes: official statistics (upsert of series by key and observations by period)."""

from __future__ import annotations

import bisect
import itertools
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction

from kipu.core.loaders.statistics import ObservationRecord
from kipu.web.platforms.models import Platform
from kipu.web.stats.models import Observation, Series

# The most changed observations one audit event holds: a reload correcting a whole series
# (10,000 rows) is audited in full, as several events of a readable size, not one of megabytes.
AUDITED_PER_EVENT = 500
_OBSERVATION_FIELDS = ("value", "note", "source")
_SERIES_FIELDS = ("name_en", "name_es", "unit", "url")


@dataclass
class StatisticsLoaded:
    """What `load_statistics` did. `updated` counts observations whose stored values changed,
    `unchanged` those the file gave again as stored (a reload of the same file changes
    nothing, and says so). `changed`: per series, the values it changed, before and after,
    keyed "<field>" for the series' own and "<period> <field>" for an observation's, with a
    note (for the audit log; a series with many changes is in several parts)."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    changed: list[tuple[Series, dict[str, Any], dict[str, Any], str]] = field(default_factory=list)


@transaction.atomic
def load_statistics(platform: Platform, records: list[ObservationRecord]) -> StatisticsLoaded:
    """Upsert series by key and their observations by period."""
    done = StatisticsLoaded()
    by_series: dict[str, list[ObservationRecord]] = {}
    for record in records:
        by_series.setdefault(record.series, []).append(record)
    for key, rows in by_series.items():
        _load_series(platform, key, rows, done)
    return done


def _load_series(
    platform: Platform, key: str, rows: list[ObservationRecord], done: StatisticsLoaded
) -> None:
    """Store one series' rows; only what differs from the store is written and audited."""
    series, before, after = _store_series(platform, key, rows[0])
    stored = {(o.period_start, o.period_end): o for o in series.observations.all()}
    new: list[Observation] = []
    changed: list[tuple[Observation, dict[str, Any], dict[str, Any]]] = []
    for record in rows:
        values = _observation_values(record)
        row = stored.get((record.period_start, record.period_end))
        if row is None:
            new.append(Observation(series=series, **_period_of(record), **values))
            continue
        differ = [f for f, v in values.items() if getattr(row, f) != v]
        if not differ:
            done.unchanged += 1
            continue
        was = {f: getattr(row, f) for f in differ}
        for name in differ:
            setattr(row, name, values[name])
        changed.append((row, was, {f: values[f] for f in differ}))
    Observation.objects.bulk_create(new)
    Observation.objects.bulk_update([row for row, _, _ in changed], list(_OBSERVATION_FIELDS))
    done.created += len(new)
    done.updated += len(changed)
    done.changed.extend(_audit_parts(series, before, after, changed))


def _store_series(
    platform: Platform, key: str, first: ObservationRecord
) -> tuple[Series, dict[str, Any], dict[str, Any]]:
    """The series of `key`, created or described as the file's first row of it describes it
    (a field the row does not write keeps what is stored: `ObservationRecord.described`);
    with its fields the row changed, before and after."""
    values = {f: getattr(first, f) for f in _SERIES_FIELDS if getattr(first, f)}
    series = Series.objects.filter(platform=platform, key=key).first()
    if series is None:
        return Series.objects.create(platform=platform, key=key, **values), {}, {}
    values = {f: v for f, v in values.items() if f in first.described}
    differ = [f for f, v in values.items() if getattr(series, f) != v]
    before = {f: getattr(series, f) for f in differ}
    after = {f: values[f] for f in differ}
    if differ:
        for name in differ:
            setattr(series, name, values[name])
        series.save(update_fields=differ)
    return series, before, after


def _observation_values(record: ObservationRecord) -> dict[str, Any]:
    """The values `record` stores: the value as the store keeps it (two decimals, so that a
    file giving 10.004 again is not a change each time); note and source only when the file
    has their column (`ObservationRecord.given`: a corrected value erased the footnote)."""
    values: dict[str, Any] = {"value": Decimal(record.value).quantize(_CENTS)}
    values.update({f: getattr(record, f) for f in ("note", "source") if f in record.given})
    return values


_CENTS = Decimal("0.01")  # Observation.value's decimal places


def _period_of(record: ObservationRecord) -> dict[str, date]:
    return {"period_start": record.period_start, "period_end": record.period_end}


def _audit_parts(
    series: Series,
    before: dict[str, Any],
    after: dict[str, Any],
    changed: list[tuple[Observation, dict[str, Any], dict[str, Any]]],
) -> list[tuple[Series, dict[str, Any], dict[str, Any], str]]:
    """The series' changes as audit events of at most `AUDITED_PER_EVENT` observations each,
    every one kept (the series' own fields, `before` and `after`, in the first); an
    observation's field is keyed "<period> <field>", as the audit log lists it. None when
    nothing changed."""
    if not before and not changed:
        return []
    size = AUDITED_PER_EVENT
    parts = [changed[i : i + size] for i in range(0, len(changed), size)] or [[]]
    found = []
    for number, part in enumerate(parts):
        was, now = (dict(before), dict(after)) if number == 0 else ({}, {})
        for row, old, new in part:
            period = _period(row.period_start, row.period_end)
            was.update({f"{period} {f}": v for f, v in old.items()})
            now.update({f"{period} {f}": v for f, v in new.items()})
        note = f"observations changed: {len(changed)}"
        if len(parts) > 1:
            note += f", part {number + 1} of {len(parts)}"
        found.append((series, was, now, note))
    return found


def overlapping(platform: Platform, records: list[ObservationRecord]) -> list[str]:
    """A warning per stored observation whose period overlaps, without being, the period of
    an observation of `records` in the same series: both are kept, and a chart plots both (a
    one-day correction "2019-11-01" beside November's month was a second November point).
    Cumulative series (a key with "cumulative" or "acumulad") overlap by design. At most
    three per observation of the file, the earliest; each pair once. One query per series
    (one per row took 19 s for 20,000 rows)."""
    found: list[str] = []
    said: set[tuple[str, frozenset[tuple[date, date]]]] = set()  # each pair once
    stored: dict[str, _Periods] = {}
    for record in records:
        if "cumulative" in record.series or "acumulad" in record.series:
            continue
        if record.series not in stored:
            stored[record.series] = _Periods(platform, record.series)
        period = (record.period_start, record.period_end)
        for other in stored[record.series].overlapping(*period)[:3]:
            pair = frozenset({period, (other.period_start, other.period_end)})
            if (record.series, pair) in said:
                continue
            said.add((record.series, pair))
            found.append(
                f"{record.series} {_period(*period)} overlaps "
                f"{_period(other.period_start, other.period_end)} ({other.value}): both are "
                "kept and charted; a correction gives the same period"
            )
    return found


class _Periods:
    """A series' stored observations by period, for `overlapping`: sorted by (start, end),
    with the latest end among each prefix, so a search stops at the first observation whose
    prefix ends before the period starts."""

    def __init__(self, platform: Platform, key: str) -> None:
        rows = Observation.objects.filter(series__platform=platform, series__key=key)
        self.rows = list(rows.order_by("period_start", "period_end"))
        self.starts = [row.period_start for row in self.rows]
        self.latest: list[date] = list(itertools.accumulate((r.period_end for r in self.rows), max))

    def overlapping(self, start: date, end: date) -> list[Observation]:
        """The stored observations overlapping start–end but for that very period, in order."""
        found = []
        for at in range(bisect.bisect_right(self.starts, end) - 1, -1, -1):
            if self.latest[at] < start:
                break
            row = self.rows[at]
            if row.period_end >= start and (row.period_start, row.period_end) != (start, end):
                found.append(row)
        return found[::-1]


def _period(start: date, end: date) -> str:
    return start.isoformat() if start == end else f"{start.isoformat()} to {end.isoformat()}"
