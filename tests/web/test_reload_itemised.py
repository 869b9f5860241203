"""A reload of official statistics or events says what it changed: only a row whose stored
values change is "updated", and each change is in the audit log with its value before and after.

A tester's: reloading a statistics file where one observation went from 1234.5 to 999 and
another was as stored printed "0 added, 2 updated", and the audit log held only the counts, so
the old value was gone without a trace; events reloads the same. And `kipu plan load FILE
--targets TARGETS` audited the plan file's name only, not the targets file's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from kipu.cli import main
from kipu.web.audit.models import AuditEvent
from kipu.web.platforms.models import Event, Platform
from kipu.web.reference.services import import_reference
from kipu.web.stats import services as stats_services
from kipu.web.stats.models import Observation

pytestmark = pytest.mark.django_db
ACTOR = "cli:tester"
STATS = "series,period_start,period_end,value\n"
FIRST = STATS + "exits,2016-01-01,2016-01-31,1234.5\nexits,2016-02-01,2016-02-29,10\n"
EVENTS = "date,title,attendance\n2019-05-03,Reunión GTRM,12\n2019-05-04,Taller,5\n"


def load(kind: str, platform: Platform, tmp_path: Path, text: str, **options: Any) -> Any:
    path = tmp_path / f"{kind}.csv"
    path.write_text(text, encoding="utf-8")
    result = import_reference(kind, platform, path, ACTOR, options)
    assert result.ok, result.errors
    return result


def audited(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))


def counts(result: Any) -> tuple[int, int, int]:
    return result.summary["created"], result.summary["updated"], result.summary["unchanged"]


def test_a_statistics_reload_counts_and_audits_only_what_changed(
    platform: Platform, tmp_path: Path
) -> None:
    load("statistics", platform, tmp_path, FIRST)
    done = load("statistics", platform, tmp_path, FIRST.replace("1234.5", "999"))
    assert counts(done) == (0, 1, 1)
    (event,) = audited("import_series")
    assert event.platform == platform and event.object_repr == "exits"
    assert event.before == {"2016-01-01 to 2016-01-31 value": "1234.50"}
    assert event.after == {"2016-01-01 to 2016-01-31 value": "999.00"}
    assert event.note == "statistics.csv, observations changed: 1"
    summary = audited("import_statistics")[-1].after
    assert (summary["updated"], summary["unchanged"]) == (1, 1)
    assert sorted(Observation.objects.values_list("value", flat=True)) == [10, 999]


def test_the_same_statistics_file_again_changes_nothing_and_says_so(
    platform: Platform, tmp_path: Path
) -> None:
    load("statistics", platform, tmp_path, FIRST)
    assert counts(load("statistics", platform, tmp_path, FIRST)) == (0, 0, 2)
    assert audited("import_series") == []


def test_a_changed_note_and_series_name_are_audited(platform: Platform, tmp_path: Path) -> None:
    header = "series,period_start,period_end,value,note,name_en\n"
    load("statistics", platform, tmp_path, header + "stock,2019-11-30,2019-11-30,5,a,Stock\n")
    done = load("statistics", platform, tmp_path, header + "stock,2019-11-30,2019-11-30,5,b,All\n")
    assert counts(done) == (0, 1, 0)
    (event,) = audited("import_series")
    assert event.before == {"name_en": "Stock", "2019-11-30 note": "a"}
    assert event.after == {"name_en": "All", "2019-11-30 note": "b"}


def test_a_large_statistics_reload_is_audited_in_full_in_parts(
    platform: Platform, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stats_services, "AUDITED_PER_EVENT", 2)
    rows = [f"entries,2019-01-{day:02},2019-01-{day:02},{day}\n" for day in range(1, 6)]
    load("statistics", platform, tmp_path, STATS + "".join(rows))
    bigger = [row.rsplit(",", 1)[0] + ",100\n" for row in rows]
    assert counts(load("statistics", platform, tmp_path, STATS + "".join(bigger))) == (0, 5, 0)
    events = audited("import_series")
    assert [e.note.split(", ", 1)[1] for e in events] == [
        f"observations changed: 5, part {n} of 3" for n in (1, 2, 3)
    ]
    after: dict[str, Any] = {}
    for event in events:
        after.update(event.after)
    assert after == {f"2019-01-{day:02} value": "100.00" for day in range(1, 6)}


def test_an_events_reload_counts_and_audits_only_what_changed(
    platform: Platform, tmp_path: Path
) -> None:
    load("events", platform, tmp_path, EVENTS)
    assert counts(load("events", platform, tmp_path, EVENTS)) == (0, 0, 2)
    assert audited("import_event") == []
    done = load("events", platform, tmp_path, EVENTS.replace(",12", ",7"))
    assert counts(done) == (0, 1, 1)
    (event,) = audited("import_event")
    changed = Event.objects.get(title_en="Reunión GTRM")
    assert (event.object_id, event.platform) == (str(changed.pk), platform)
    assert event.changes == [("attendance", 12, 7)]
    assert event.note == "events.csv, changed by the file"


def test_the_command_line_says_unchanged_rows(platform: Platform, tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text(FIRST, encoding="utf-8")
    run = CliRunner().invoke
    assert run(main, ["stats", "load", str(path)], catch_exceptions=False).exit_code == 0
    path.write_text(FIRST.replace("1234.5", "999"), encoding="utf-8")
    again = run(main, ["stats", "load", str(path)], catch_exceptions=False)
    assert "0 observations added, 1 updated, 1 unchanged." in again.output


def test_a_plan_load_audits_its_targets_file(platform: Platform, tmp_path: Path) -> None:
    targets = tmp_path / "metas.csv"
    targets.write_text("sector,admin1,people_targeted\nPRO,Lima,5000\n", encoding="utf-8")
    plan = "sector,sector_code,indicator,code,type\nProtection,PRO,People oriented,PRO-01,PiN\n"
    load("plan", platform, tmp_path, plan, year=2019, targets_file=targets)
    (event,) = audited("import_plan")
    assert (event.after["file"], event.after["targets_file"]) == ("plan.csv", "metas.csv")


@pytest.mark.parametrize("key", ["arrivals_lima", "stock"])  # a key of its own; a known one
def test_a_reload_without_name_columns_keeps_the_series_names(
    platform: Platform, tmp_path: Path, key: str
) -> None:
    """A file without a name column renamed "Arrivals in Lima" back to its key (or a known
    key's default name) while saying "0 updated, 1 unchanged"."""
    from kipu.web.stats.models import Series

    named = (
        f"series,name_en,name_es,period_start,value\n{key},Arrivals in Lima,Llegadas,2019-11-30,5\n"
    )
    load("statistics", platform, tmp_path, named)
    again = load(
        "statistics", platform, tmp_path, f"series,period_start,value\n{key},2019-11-30,5\n"
    )
    assert again.summary["unchanged"] == 1 and again.summary["updated"] == 0
    series = Series.objects.get(platform=platform, key=key)
    assert (series.name_en, series.name_es) == ("Arrivals in Lima", "Llegadas")
    assert not audited("import_series")[1:]  # no change to audit after the first load
    renamed = named.replace("Arrivals in Lima", "Entries to Lima")
    load("statistics", platform, tmp_path, renamed)
    series.refresh_from_db()
    assert series.name_en == "Entries to Lima"
