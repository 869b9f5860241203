"""Reads of the IM console: the reporting completeness grid (organisation × month) and the
validation issues of every partner's current and rejected submissions."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Min
from django.utils import timezone

from kipu.web.platforms.models import Membership, Organisation, Platform
from kipu.web.submissions.models import Submission

REPORTED, LATE, REJECTED, MISSING, NOT_EXPECTED = (
    "reported",
    "late",
    "rejected",
    "missing",
    "not-expected",
)
DEFAULT_DEADLINE_DAY = 10


def deadline_day(platform: Platform) -> int:
    """The day of the following month by which a month is due (platform.report_config)."""
    try:
        day = int((platform.report_config or {}).get("deadline_day", DEFAULT_DEADLINE_DAY))
    except (TypeError, ValueError):
        day = DEFAULT_DEADLINE_DAY
    return min(max(day, 1), 28)


def deadline(month: str, day: int) -> dt.date:
    year, number = int(month[:4]), int(month[5:7])
    return dt.date(year + number // 12, number % 12 + 1, day)


def _month_bounds(month: str) -> tuple[dt.date, dt.date]:
    start = dt.date(int(month[:4]), int(month[5:7]), 1)
    return start, deadline(month, 1) - dt.timedelta(days=1)


@dataclass
class Cell:
    month: str
    status: str
    submission_id: int | None = None
    uploaded_at: dt.datetime | None = None


@dataclass
class GridRow:
    organisation: Organisation
    cells: list[Cell]


@dataclass
class Grid:
    months: list[str]
    rows: list[GridRow]
    deadline_day: int
    totals: dict[str, Counter[str]] = field(default_factory=dict)  # month → status counts

    def to_remind(self, month: str) -> list[tuple[Organisation, str]]:
        """Organisations whose `month` is missing or rejected, with that status."""
        found = []
        for row in self.rows:
            cell = next((c for c in row.cells if c.month == month), None)
            if cell is not None and cell.status in (MISSING, REJECTED):
                found.append((row.organisation, cell.status))
        return found


def _expected(membership: Membership, month: str) -> bool:
    start, end = _month_bounds(month)
    if membership.start_date and membership.start_date > end:
        return False
    return not (membership.end_date and membership.end_date < start)


def completeness(platform: Platform, months: list[str], *, only_reporting: bool = False) -> Grid:
    """Every member organisation × `months`: reported (on time), late (first accepted upload
    after the deadline), rejected (uploads, none accepted), missing, or not expected (not a
    member then). `only_reporting` keeps organisations that uploaded something in `months`."""
    day = deadline_day(platform)
    firsts: dict[tuple[int, str], dict[str, Any]] = defaultdict(dict)
    found = (
        Submission.objects.filter(platform=platform, month__in=months)
        .values("organisation_id", "month", "status")
        .annotate(first=Min("uploaded_at"))
    )
    for row in found:
        firsts[(row["organisation_id"], row["month"])][row["status"]] = row
    newest = _newest_submissions(platform, months)
    memberships = Membership.objects.filter(platform=platform).select_related("organisation")
    grid = Grid(months=months, rows=[], deadline_day=day)
    grid.totals = {m: Counter() for m in months}
    for membership in memberships.order_by("organisation__name_en"):
        org = membership.organisation
        cells = [
            _cell(month, firsts.get((org.pk, month), {}), _expected(membership, month), day)
            for month in months
        ]
        for cell in cells:
            cell.submission_id = newest.get((org.pk, cell.month))
            grid.totals[cell.month][cell.status] += 1
        if only_reporting and not any(c.submission_id for c in cells):
            continue
        grid.rows.append(GridRow(org, cells))
    return grid


def _newest_submissions(platform: Platform, months: list[str]) -> dict[tuple[int, str], int]:
    """(organisation, month) → the submission to show: the current one, else the last upload."""
    newest: dict[tuple[int, str], int] = {}
    rows = (
        Submission.objects.filter(platform=platform, month__in=months)
        .order_by("uploaded_at", "pk")
        .values_list("organisation_id", "month", "status", "pk")
    )
    current: dict[tuple[int, str], int] = {}
    for org_id, month, status, pk in rows:
        newest[(org_id, month)] = pk
        if status == Submission.Status.CURRENT:
            current[(org_id, month)] = pk
    newest.update(current)
    return newest


def _cell(month: str, statuses: dict[str, dict[str, Any]], expected: bool, day: int) -> Cell:
    accepted = [statuses[s]["first"] for s in ("current", "superseded") if s in statuses]
    if "current" in statuses:
        first = min(accepted)
        late = timezone.localtime(first).date() > deadline(month, day)
        return Cell(month, LATE if late else REPORTED, uploaded_at=first)
    if "rejected" in statuses:
        return Cell(month, REJECTED, uploaded_at=statuses["rejected"]["first"])
    return Cell(month, MISSING if expected else NOT_EXPECTED)


@dataclass
class IssueList:
    issues: list[dict[str, Any]]
    by_code: dict[str, int]
    organisations: list[tuple[int, str]]
    months: list[str]


def all_issues(
    platform: Platform,
    *,
    code: str = "",
    organisation: int | None = None,
    month: str = "",
    severity: str = "",
) -> IssueList:
    """Issues of the current and rejected submissions (superseded ones were fixed or replaced).
    A multi-month import shares one report among its submissions: its issues appear once."""
    submissions = (
        Submission.objects.filter(
            platform=platform,
            status__in=[Submission.Status.CURRENT, Submission.Status.REJECTED],
        )
        .select_related("organisation")
        .order_by("-month", "organisation__name_en", "-uploaded_at")
    )
    choices = sorted(
        {(s.organisation_id, str(s.organisation)) for s in submissions.only("organisation")},
        key=lambda item: item[1].casefold(),
    )
    months = sorted(set(submissions.values_list("month", flat=True)), reverse=True)
    if organisation:
        submissions = submissions.filter(organisation_id=organisation)
    if month:
        submissions = submissions.filter(month=month)
    seen: set[str] = set()
    found: list[dict[str, Any]] = []
    by_code: Counter[str] = Counter()
    for submission in submissions:
        if submission.checksum and submission.checksum in seen:
            continue
        seen.add(submission.checksum)
        for issue in (submission.report or {}).get("issues") or []:
            if severity and issue.get("severity") != severity:
                continue
            by_code[issue.get("code", "")] += 1
            if code and issue.get("code") != code:
                continue
            found.append({**issue, "submission": submission})
    ordered = dict(sorted(by_code.items(), key=lambda kv: (-kv[1], kv[0])))
    return IssueList(found, ordered, choices, months)
