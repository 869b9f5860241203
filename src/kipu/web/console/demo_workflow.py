"""Make the demonstration platform show the monthly workflow (run after `load_demo`):
January–November 2019 approved and published; December 2019 open and in progress, with some
partners not reported yet and some uploads rejected with validation issues.

The rejected uploads are real 5W workbooks (the partner's own December rows with a few cells
broken) sent through the portal's upload path, so their reports and annotated workbooks are the
ones a partner would get."""

from __future__ import annotations

import datetime as dt
import random
import tempfile
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from kipu.core.export import table_rows, write_xlsx
from kipu.web.accounts.models import Role, RoleName
from kipu.web.audit.services import record
from kipu.web.platforms.models import Organisation, Platform
from kipu.web.platforms.queries import reference_data
from kipu.web.portal.services import upload_submission
from kipu.web.submissions.models import MonthStatus, Submission
from kipu.web.submissions.months import lock_month, publish_month
from kipu.web.submissions.queries import activity_frame

YEAR = 2019
DECEMBER = f"{YEAR}-12"
NOT_REPORTED = 5
REJECTED = 3
SEED = 2019
# Broken cells per rejected upload: (row index in the file, column label, value).
BREAKS: list[list[tuple[int, str, object]]] = [
    [(0, "Indicator Indicator", "AE-99 (old code)"), (1, "Women above 18", "veinte")],
    [(0, "Country Admin1", "Lima Nortee"), (0, "Month", "2019-13")],
    [(0, "Indicator Sector", "Nutrition"), (1, "Total monthly beneficiaries", "-40")],
]


def stage_demo_workflow(platform: Platform, actor: Any) -> dict[str, Any]:
    """Publish January–November, leave December in progress; returns what was done."""
    _backdate_uploads(platform)
    months = [f"{YEAR}-{n:02d}" for n in range(1, 12)]
    statuses = dict(MonthStatus.objects.filter(platform=platform).values_list("month", "status"))
    for month in months:
        if statuses.get(month, MonthStatus.Status.OPEN) == MonthStatus.Status.OPEN:
            lock_month(platform, month, actor)
        if statuses.get(month) != MonthStatus.Status.PUBLISHED:
            publish_month(platform, month, actor)
    chosen = _december_reporters(platform)[: NOT_REPORTED + REJECTED]
    frames = {
        org.pk: activity_frame(platform, organisation=org, month_from=DECEMBER, month_to=DECEMBER)
        for org in chosen
    }
    removed = [_remove_december(platform, org, actor) for org in chosen]
    rejected = []
    for day, (org, breaks) in enumerate(zip(chosen[:REJECTED], BREAKS, strict=False), start=6):
        rejected.append(_rejected_upload(platform, org, frames[org.pk], breaks, actor, day))
    return {
        "published": months,
        "not_reported": [str(o) for o in chosen[REJECTED:]],
        "rejected": [str(s.organisation) for s in rejected],
        "removed_submissions": removed,
    }


def _december_reporters(platform: Platform) -> list[Organisation]:
    """December's reporters, the demo partner account's organisation first (so signing in as
    the partner shows a rejected upload to fix), then a fixed random choice."""
    current = Submission.objects.filter(
        platform=platform, month=DECEMBER, status=Submission.Status.CURRENT
    )
    orgs = list(Organisation.objects.filter(pk__in=current.values("organisation_id")))
    orgs.sort(key=lambda o: o.name_en)
    first = (
        Organisation.objects.filter(memberships__platform=platform, submissions__platform=platform)
        .order_by("name_en")
        .first()
    )
    rest = [o for o in orgs if o != first]
    random.Random(SEED).shuffle(rest)
    return ([first] if first in orgs else []) + rest


@transaction.atomic
def _remove_december(platform: Platform, organisation: Organisation, actor: Any) -> int:
    submission = Submission.objects.get(
        platform=platform, organisation=organisation, month=DECEMBER, status="current"
    )
    pk = submission.pk
    before = {"organisation": organisation.key, "month": DECEMBER, "rows": submission.row_count}
    record(
        actor,
        "remove_submission",
        submission,
        before,
        None,
        platform,
        "demonstration: December not reported yet",
    )
    Submission.objects.filter(platform=platform, organisation=organisation, month=DECEMBER).delete()
    return pk


def _rejected_upload(
    platform: Platform,
    organisation: Organisation,
    frame: Any,
    breaks: list[tuple[int, str, object]],
    actor: Any,
    day: int,
) -> Submission:
    rows = table_rows(frame, reference_data(platform, YEAR))
    header = rows[0]
    for index, label, value in breaks:
        target = min(index, len(rows) - 3) + 2  # past the header and HXL rows
        rows[target][header.index(label)] = value
    uploader = _focal_point(platform, organisation) or actor
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"5W_{organisation.acronym or organisation.key}_{DECEMBER}.xlsx"
        write_xlsx(rows, path)
        done = upload_submission(platform, organisation, DECEMBER, path, uploader, "en")
    if done.outcome != "rejected":
        raise RuntimeError(f"the broken demonstration file of {organisation} was accepted")
    when = timezone.make_aware(dt.datetime(YEAR + 1, 1, day, 15, 30))
    Submission.objects.filter(pk=done.submission.pk).update(uploaded_at=when)
    return done.submission


def _focal_point(platform: Platform, organisation: Organisation) -> User | None:
    role = (
        Role.objects.filter(platform=platform, role=RoleName.PARTNER, organisation=organisation)
        .select_related("user")
        .first()
    )
    return role.user if role else None


def _backdate_uploads(platform: Platform) -> None:
    """Imports are stamped with today's date; give each month's uploads dates around its
    deadline (the 10th of the next month), a few of them late, so completeness reads true."""
    rng = random.Random(SEED)
    rows = Submission.objects.filter(platform=platform).order_by("month", "organisation_id")
    for pk, month in rows.values_list("pk", "month"):
        year, number = int(month[:4]), int(month[5:7])
        day = rng.choice([3, 4, 5, 6, 7, 8, 9, 9, 10, 10]) if rng.random() > 0.08 else 14
        at = dt.datetime(year + number // 12, number % 12 + 1, day, rng.randint(8, 18))
        Submission.objects.filter(pk=pk).update(uploaded_at=timezone.make_aware(at))
