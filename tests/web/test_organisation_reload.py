"""Reloading an organisations file: what it says of a membership is stored, what it does not
say is kept, and each change is audited; a cell saying "nothing" ("-", "N/A") names nothing.

A tester's: reloading R4V's registry (no member_since, member_until or sub_working_groups
columns) erased every membership's dates and sub-working groups as "1 updated", without a
warning or an audit; a date the loader could not read erased the stored one; "-" and "N/A"
were stored as acronyms, and events whose organisation cell said "N/A" went to them."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from kipu.core.loaders.organisations import OrganisationRecord
from kipu.web.audit.models import AuditEvent
from kipu.web.platforms.models import Event, Membership, Organisation, Platform
from kipu.web.platforms.services import load_organisations
from kipu.web.reference.services import import_reference

pytestmark = pytest.mark.django_db
ACTOR = "cli:tester"
FULL = (
    "id,name,member_since,member_until,sub_working_groups\n"
    "ORG901,Partner A,2019-03-01,2025-12-31,Health|Protection\n"
)


def load(platform: Platform, tmp_path: Path, text: str, name: str = "orgs.csv") -> Any:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = import_reference("organisations", platform, path, ACTOR)
    assert result.ok, result.errors
    return result


def membership(platform: Platform, external_id: str = "ORG901") -> tuple[Any, ...]:
    found = Membership.objects.get(platform=platform, organisation__external_id=external_id)
    return found.start_date, found.end_date, found.sub_working_groups


def audited(action: str = "import_membership") -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))


def test_a_registry_without_membership_columns_keeps_them(
    platform: Platform, tmp_path: Path
) -> None:
    load(platform, tmp_path, FULL)
    before = len(audited())
    registry = "Organization ID,Organization Name,Type\nORG901,Partner A,INGO\n"
    result = load(platform, tmp_path, registry, "registry.csv")
    assert result.summary["updated"] == 1
    assert membership(platform) == (date(2019, 3, 1), date(2025, 12, 31), ["Health", "Protection"])
    assert len(audited()) == before  # nothing changed, nothing to audit


def test_a_date_that_cannot_be_read_keeps_the_stored_one_and_says_so(
    platform: Platform, tmp_path: Path
) -> None:
    load(platform, tmp_path, FULL)
    result = load(platform, tmp_path, "id,name,member_since\nORG901,Partner A,01/03/2019\n")
    assert membership(platform)[0] == date(2019, 3, 1)
    assert result.summary["warnings"] == [
        "orgs.csv, row 2, column 'member_since': '01/03/2019' is not a date (YYYY-MM-DD): "
        "left as stored (empty if new)"
    ]


def test_an_empty_cell_in_a_column_the_file_has_clears_it(
    platform: Platform, tmp_path: Path
) -> None:
    load(platform, tmp_path, FULL)
    load(platform, tmp_path, "id,name,member_until,sub_working_groups\nORG901,Partner A,,\n")
    assert membership(platform) == (date(2019, 3, 1), None, [])
    # Records built in code (the demonstration's) have no `absent`: they say every field.
    load_organisations(platform, [OrganisationRecord("Partner A", external_id="ORG901")])
    assert membership(platform) == (None, None, [])


def test_a_membership_change_is_audited_on_its_platform_with_before_and_after(
    platform: Platform, other_platform: Platform, tmp_path: Path
) -> None:
    """Partner A is a member of both platforms: a change to one platform's membership is that
    platform's, audited there, and leaves the other's as it is."""
    load(platform, tmp_path, FULL)
    load(other_platform, tmp_path, FULL)
    first = len(audited())
    load(platform, tmp_path, "id,name,member_until\nORG901,Partner A,2026-06-30\n", "later.csv")
    (event,) = audited()[first:]
    assert event.platform == platform
    assert event.object_type == "platforms.membership"
    assert event.note == "later.csv, row 2"
    assert event.before is not None and event.after is not None
    assert (event.before["end_date"], event.after["end_date"]) == ("2025-12-31", "2026-06-30")
    assert event.before["start_date"] == event.after["start_date"] == "2019-03-01"
    assert membership(other_platform)[1] == date(2025, 12, 31)
    # A platform's membership is its file's: nothing is taken from another platform's.
    load(other_platform, tmp_path, "id,name,member_since\nORG901,Partner A,2020-01-01\n")
    assert membership(other_platform) == (
        date(2020, 1, 1),
        date(2025, 12, 31),
        ["Health", "Protection"],
    )
    assert membership(platform) == (date(2019, 3, 1), date(2026, 6, 30), ["Health", "Protection"])


def test_placeholder_acronyms_are_not_stored_and_name_no_event(
    platform: Platform, tmp_path: Path
) -> None:
    load(
        platform,
        tmp_path,
        "id,name,acronym,type\nORG501,Asociación Uno,-,NNGO\nORG502,Asociación Dos,N/A,NNGO\n",
    )
    stored = Organisation.objects.filter(external_id__in=["ORG501", "ORG502"])
    assert sorted(stored.values_list("acronym", flat=True)) == ["", ""]
    events = tmp_path / "events.csv"
    events.write_text(
        "date,title,organisations\n2024-04-01,Reunión sin socios,N/A\n2024-04-02,Otra,-\n",
        encoding="utf-8",
    )
    result = import_reference("events", platform, events, ACTOR)
    assert result.ok, result.errors
    assert not Event.objects.filter(platform=platform, organisations__isnull=False).exists()


def test_an_event_reloaded_with_a_placeholder_loses_its_organisations(
    platform: Platform, tmp_path: Path
) -> None:
    """As an empty cell does: the file says the event had no organisation."""
    events = tmp_path / "events.csv"
    events.write_text("date,title,organisations\n2024-04-01,Reunión,PA\n", encoding="utf-8")
    assert import_reference("events", platform, events, ACTOR).ok
    assert Event.objects.get(title_en="Reunión").organisations.count() == 1
    events.write_text("date,title,organisations\n2024-04-01,Reunión,N/A\n", encoding="utf-8")
    assert import_reference("events", platform, events, ACTOR).ok
    assert Event.objects.get(title_en="Reunión").organisations.count() == 0


def test_contradictory_membership_dates_change_nothing(platform: Platform, tmp_path: Path) -> None:
    """Two rows of Partner A with other start dates (the second was loaded without a word),
    and a row ending before it starts: refused at their rows, nothing stored."""
    load(platform, tmp_path, FULL)
    organisations = Organisation.objects.count()
    text = (
        "id,name,member_since,member_until\n"
        "ORG901,Partner A,2020-01-01,\n"
        "ORG901,Partner A,2021-01-01,\n"
        ",New Partner,2022-01-01,2021-01-01\n"
    )
    path = tmp_path / "contradicts.csv"
    path.write_text(text, encoding="utf-8")
    result = import_reference("organisations", platform, path, ACTOR)
    assert [e.split(":")[0] for e in result.errors] == [
        "contradicts.csv, row 3, column 'member_since'",
        "contradicts.csv, row 4, column 'member_until'",
    ]
    assert membership(platform)[:2] == (date(2019, 3, 1), date(2025, 12, 31))
    assert Organisation.objects.count() == organisations
