"""An observation whose period overlaps another of its series without being it is stored
with a warning: a one-day correction "2019-11-01" beside November's month was a second
November point on the arrivals chart, without a word. Cumulative series overlap by design;
the same period again is an update."""

from __future__ import annotations

from pathlib import Path

from kipu.web.reference.services import import_reference
from kipu.web.stats.models import Observation


def _load(platform, admin, tmp_path: Path, text: str):  # noqa: ANN001, ANN202
    path = tmp_path / "stats.csv"
    path.write_text(text, encoding="utf-8")
    return import_reference("statistics", platform, path, admin, {})


MONTH = "series,period_start,period_end,value\nentries,2019-11-01,2019-11-30,4886\n"


def test_a_correction_of_another_period_is_kept_and_said(platform, admin, tmp_path) -> None:  # noqa: ANN001
    assert _load(platform, admin, tmp_path, MONTH).ok
    done = _load(platform, admin, tmp_path, "series,period_start,value\nentries,2019-11-01,9999\n")
    assert done.ok and Observation.objects.count() == 2
    assert done.summary["warnings"] == [
        "entries 2019-11-01 overlaps 2019-11-01 to 2019-11-30 (4886.00): both are kept and "
        "charted; a correction gives the same period"
    ]


def test_overlaps_in_one_file_are_said_once(platform, admin, tmp_path) -> None:  # noqa: ANN001
    done = _load(platform, admin, tmp_path, MONTH + "entries,2019-11-15,2019-12-15,10\n")
    assert len(done.summary["warnings"]) == 1


def test_the_same_period_and_cumulative_series_are_no_overlap(platform, admin, tmp_path) -> None:  # noqa: ANN001
    assert _load(platform, admin, tmp_path, MONTH).ok
    again = _load(platform, admin, tmp_path, MONTH.replace("4886", "4900"))
    assert "warnings" not in again.summary and Observation.objects.get().value == 4900
    cumulative = (
        "series,period_start,period_end,value\n"
        "asylum_claims_cumulative,2016-01-01,2019-10-31,1000\n"
        "asylum_claims_cumulative,2016-01-01,2019-11-30,1100\n"
    )
    assert "warnings" not in _load(platform, admin, tmp_path, cumulative).summary


def test_overlaps_as_one_query_per_row_found_them(platform) -> None:  # noqa: ANN001
    """Generated periods (days, months, years, nested, repeated): the warnings are those of
    the query per row the search replaced (which took 19 s for 20,000 rows)."""
    import random
    from datetime import date, timedelta

    from kipu.core.loaders.statistics import ObservationRecord
    from kipu.web.stats.models import Series
    from kipu.web.stats.services import _period, overlapping

    for seed in range(4):
        Observation.objects.all().delete()
        chance = random.Random(seed)
        series, _ = Series.objects.get_or_create(platform=platform, key="entries")
        periods = set()
        for _ in range(150):
            start = date(2019, 1, 1) + timedelta(days=chance.randrange(400))
            periods.add((start, start + timedelta(days=chance.choice([0, 0, 29, 30, 364]))))
        for start, end in periods:
            Observation.objects.create(series=series, period_start=start, period_end=end, value=1)
        records = [
            ObservationRecord("entries", start, end, 1)
            for start, end in chance.sample(sorted(periods), 60)
        ]
        expected, said = [], set()
        for record in records:
            period = (record.period_start, record.period_end)
            others = sorted(
                (s, e) for s, e in periods if s <= period[1] and e >= period[0] and (s, e) != period
            )[:3]
            for other in others:
                if (pair := frozenset({period, other})) not in said:
                    said.add(pair)
                    expected.append(f"entries {_period(*period)} overlaps {_period(*other)} (1.00)")
        found = [w.split(":")[0] for w in overlapping(platform, records)]
        assert found == expected, seed
