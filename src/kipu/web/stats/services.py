"""Writes: official statistics (upsert of series by key and observations by period)."""

from __future__ import annotations

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
