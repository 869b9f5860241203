"""Writes: official statistics (upsert of series by key and observations by period)."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from kipu.core.loaders.statistics import ObservationRecord
from kipu.web.platforms.models import Platform
from kipu.web.stats.models import Observation, Series


@transaction.atomic
def load_statistics(platform: Platform, records: list[ObservationRecord]) -> tuple[int, int]:
    series: dict[str, Series] = {}
    created = updated = 0
    for record in records:
        if record.series not in series:
            defaults = {
                k: v
                for k, v in (
                    ("name_en", record.name_en),
                    ("name_es", record.name_es),
                    ("unit", record.unit),
                    ("url", record.url),
                )
                if v
            }
            series[record.series], _ = Series.objects.update_or_create(
                platform=platform, key=record.series, defaults=defaults
            )
        kept = {"note": record.note, "source": record.source}
        _, was_created = Observation.objects.update_or_create(
            series=series[record.series],
            period_start=record.period_start,
            period_end=record.period_end,
            # A column the file lacks keeps what is stored (`ObservationRecord.given`).
            defaults={
                "value": record.value,
                **{k: v for k, v in kept.items() if k in record.given},
            },
        )
        created, updated = (created + 1, updated) if was_created else (created, updated + 1)
    return created, updated


def overlapping(platform: Platform, records: list[ObservationRecord]) -> list[str]:
    """A warning per stored observation whose period overlaps, without being, the period of
    an observation of `records` in the same series: both are kept, and a chart plots both (a
    one-day correction "2019-11-01" beside November's month was a second November point).
    Cumulative series (a key with "cumulative" or "acumulad") overlap by design."""
    found: list[str] = []
    said: set[tuple[str, frozenset[tuple[date, date]]]] = set()  # each pair once
    for record in records:
        if "cumulative" in record.series or "acumulad" in record.series:
            continue
        others = Observation.objects.filter(
            series__platform=platform,
            series__key=record.series,
            period_start__lte=record.period_end,
            period_end__gte=record.period_start,
        ).exclude(period_start=record.period_start, period_end=record.period_end)
        for other in others.order_by("period_start", "period_end")[:3]:
            pair = frozenset(
                {(record.period_start, record.period_end), (other.period_start, other.period_end)}
            )
            if (record.series, pair) in said:
                continue
            said.add((record.series, pair))
            found.append(
                f"{record.series} {_period(record.period_start, record.period_end)} overlaps "
                f"{_period(other.period_start, other.period_end)} ({other.value}): both are "
                "kept and charted; a correction gives the same period"
            )
    return found


def _period(start: date, end: date) -> str:
    return start.isoformat() if start == end else f"{start.isoformat()} to {end.isoformat()}"
