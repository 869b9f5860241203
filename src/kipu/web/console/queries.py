"""Reads of the IM console: the reporting completeness grid (organisation × month), which every
count of "reported / not reported" on every page comes from; the summary shown before a month
is locked or published; the month's report in each language; and the reporting schedule."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import string
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Min, Sum
from django.utils import timezone

from kipu.core.validation.issues import CATALOGUE, message
from kipu.web.console.models import DEFAULT_DEADLINE_DAY, ReportingSchedule, SentReminder
from kipu.web.platforms.models import Membership, Organisation, Platform
from kipu.web.submissions.models import MonthStatus, Submission

REPORTED, LATE, REJECTED, MISSING, NOT_EXPECTED = (
    "reported",
    "late",
    "rejected",
    "missing",
    "not-expected",
)
REPORT_LANGS = ("en", "es")


def schedule_of(platform: Platform) -> ReportingSchedule:
    """The platform's schedule; an unsaved default (day 10, no reminders) when never set."""
    found = ReportingSchedule.objects.filter(platform=platform).first()
    return found or ReportingSchedule(platform=platform, deadline_day=DEFAULT_DEADLINE_DAY)


def deadline_day(platform: Platform) -> int:
    """The day of the following month by which a month is due (the console's schedule)."""
    return schedule_of(platform).deadline_day


def deadline(month: str, day: int) -> dt.date:
    """The due date of `month` (YYYY-MM): `day` of the following month."""
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


@dataclass(frozen=True)
class MonthCounts:
    """Expected organisations of one month by status. Every page that says how many reported
    or did not report reads these numbers (`Grid.counts`)."""

    reported: int = 0  # on time
    late: int = 0
    rejected: int = 0  # uploaded, nothing accepted
    missing: int = 0  # nothing uploaded

    @property
    def submitted(self) -> int:
        return self.reported + self.late

    @property
    def not_reported(self) -> int:
        return self.rejected + self.missing

    @property
    def expected(self) -> int:
        return self.submitted + self.not_reported


@dataclass
class Grid:
    months: list[str]
    rows: list[GridRow]
    deadline_day: int
    totals: dict[str, Counter[str]] = field(default_factory=dict)  # month → status counts

    def counts(self, month: str) -> MonthCounts:
        found = self.totals.get(month) or Counter()
        return MonthCounts(found[REPORTED], found[LATE], found[REJECTED], found[MISSING])

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
    member then). A replaced (superseded) version keeps its month on time; a reopened month
    keeps its uploads. `only_reporting` keeps organisations that uploaded something in
    `months` (the totals always count every member)."""
    day = deadline_day(platform)
    firsts: dict[tuple[int, str], dict[str, Any]] = defaultdict(dict)
    found = (
        Submission.objects.filter(platform=platform, month__in=months)
        .values("organisation_id", "month", "status")
        .annotate(first=Min("uploaded_at"))
    )
    for row in found:
        firsts[(row["organisation_id"], row["month"])][row["status"]] = row
    shown = shown_submissions(platform, months)
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
            cell.submission_id = shown.get((org.pk, cell.month))
            grid.totals[cell.month][cell.status] += 1
        if only_reporting and not any(c.submission_id for c in cells):
            continue
        grid.rows.append(GridRow(org, cells))
    return grid


def shown_submissions(
    platform: Platform, months: list[str] | None = None
) -> dict[tuple[int, str], int]:
    """(organisation id, month) → the version that stands for it: the current one, else the
    last upload (a rejected one). The grid links to it and the issue list shows its issues."""
    newest: dict[tuple[int, str], int] = {}
    current: dict[tuple[int, str], int] = {}
    rows = Submission.objects.filter(platform=platform)
    if months is not None:
        rows = rows.filter(month__in=months)
    ordered = rows.order_by("uploaded_at", "pk").values_list(
        "organisation_id", "month", "status", "pk"
    )
    for org_id, month, status, pk in ordered:
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
class ReportState:
    """The month's situation report in one language."""

    lang: str
    latest: int | None = None  # the newest rendered version
    published: int | None = None  # the newest published version
    withdrawn: int | None = None  # a version taken off the public site when the month reopened
    # The month's data changed after the newest unpublished version was rendered (when):
    # it is never published (reports.services.StaleReport); rendering again makes it fresh.
    stale: bool = False
    data_changed_at: dt.datetime | None = None
    # The published version is stale too (rows of the view changed, e.g. on a platform under
    # this one): it is not shown to the public (`reports.queries.public_versions`).
    published_stale: bool = False
    # The withdrawn version was withdrawn for that (`reports.services.withdraw_stale_reports`),
    # not because the month was reopened.
    withdrawn_stale: bool = False

    @property
    def unpublished_latest(self) -> int | None:
        """The newest version if it is not public yet (the one publishing would add)."""
        return self.latest if self.latest and self.latest != self.published else None

    @property
    def publishable_latest(self) -> int | None:
        """The newest unpublished version when it may be published (not stale)."""
        return None if self.stale else self.unpublished_latest


def report_states(platform: Platform, months: list[str]) -> dict[str, dict[str, ReportState]]:
    """month → language → its report's versions (for both report languages), the newest
    unpublished one marked stale when its month's data changed after it was rendered."""
    from kipu.web.audit.models import AuditEvent
    from kipu.web.reports.models import ReportVersion
    from kipu.web.reports.queries import months_data

    states = {m: {lang: ReportState(lang) for lang in REPORT_LANGS} for m in months}
    versions = ReportVersion.objects.filter(platform=platform, month__in=months)
    by_pk = {}
    newest: dict[tuple[str, str], ReportVersion] = {}
    for version in versions.order_by("number"):
        state = states[version.month].get(version.lang)
        if state is None:
            continue
        by_pk[str(version.pk)] = version
        newest[(version.month, version.lang)] = version
        state.latest = version.number
        if version.published:
            state.published = version.number
    data = months_data(platform, {m for m, _lang in newest})
    for (month, lang), version in newest.items():
        if not version.published and data[month].is_stale(version):
            states[month][lang].stale = True
            states[month][lang].data_changed_at = data[month].changed_at
    for version in by_pk.values():
        state = states[version.month][version.lang]
        if version.published and version.number == state.published:
            state.published_stale = data[version.month].is_stale(version)
            state.data_changed_at = state.data_changed_at or data[version.month].changed_at
    withdrawn = AuditEvent.objects.filter(
        action="withdraw_report", object_type="reports.reportversion", object_id__in=list(by_pk)
    ).values_list("object_id", "after")
    for pk, after in withdrawn.order_by("at", "pk"):
        version = by_pk[pk]
        state = states[version.month][version.lang]
        if not version.published and (state.withdrawn or 0) <= version.number:
            state.withdrawn = version.number
            state.withdrawn_stale = bool((after or {}).get("stale"))
    return states


@dataclass
class MonthSummary:
    """What locking or publishing a month would lock or make public."""

    month: str
    status: str
    counts: MonthCounts
    not_reported: list[tuple[Organisation, str]]
    rows: int
    errors: int  # errors the current versions were stored with (accepted issues)
    warnings: int
    reports: dict[str, ReportState]
    fingerprint: str = ""

    @property
    def published_langs(self) -> list[str]:
        return [lang for lang, r in self.reports.items() if r.published]

    @property
    def langs_without_report(self) -> list[str]:
        return [lang for lang, r in self.reports.items() if not (r.published or r.latest)]

    @property
    def stale_langs(self) -> list[str]:
        """Languages whose newest unpublished report was rendered before the data changed."""
        return [lang for lang, r in self.reports.items() if r.stale]

    @property
    def reports_to_publish(self) -> bool:
        """Whether "also publish the newest rendered report" may be offered: some language
        has an unpublished version and none is stale (a stale one is never published)."""
        return not self.stale_langs and any(r.unpublished_latest for r in self.reports.values())


def month_summary(platform: Platform, month: str) -> MonthSummary:
    """The month's completeness, rows, issues of its current versions and report per language,
    with a fingerprint of all of it: a confirmation made on an older summary is refused."""
    grid = completeness(platform, [month])
    status = (
        MonthStatus.objects.filter(platform=platform, month=month)
        .values_list("status", flat=True)
        .first()
    ) or MonthStatus.Status.OPEN
    current = Submission.objects.filter(
        platform=platform, month=month, status=Submission.Status.CURRENT
    )
    rows = current.aggregate(n=Sum("row_count"))["n"] or 0
    errors = warnings = 0
    seen: set[str] = set()
    for checksum, report in current.values_list("checksum", "report"):
        if checksum and checksum in seen:
            continue
        seen.add(checksum)
        summary = (report or {}).get("summary") or {}
        errors += int(summary.get("errors") or 0)
        warnings += int(summary.get("warnings") or 0)
    summary = MonthSummary(
        month=month,
        status=str(status),
        counts=grid.counts(month),
        not_reported=grid.to_remind(month),
        rows=rows,
        errors=errors,
        warnings=warnings,
        reports=report_states(platform, [month])[month],
    )
    summary.fingerprint = _fingerprint(summary, sorted(current.values_list("pk", flat=True)))
    return summary


def _fingerprint(summary: MonthSummary, current_ids: list[int]) -> str:
    facts = {
        "status": summary.status,
        "counts": [summary.counts.reported, summary.counts.late, summary.counts.not_reported],
        "current": current_ids,
        "reports": {k: [r.latest, r.published, r.stale] for k, r in summary.reports.items()},
    }
    return hashlib.sha256(json.dumps(facts, sort_keys=True).encode()).hexdigest()[:16]


def reminder_dates(schedule: ReportingSchedule, month: str) -> list[dt.date]:
    """The days the schedule reminds partners of `month`, in order."""
    due = deadline(month, schedule.deadline_day)
    return sorted({due + dt.timedelta(days=int(d)) for d in schedule.remind_days or []})


def sent_reminders(platform: Platform, month: str | None = None, limit: int = 200) -> list[Any]:
    """The reminders sent for the platform (newest first), of `month` when given."""
    found = SentReminder.objects.filter(platform=platform).select_related("organisation")
    if month:
        found = found.filter(month=month)
    return list(found[:limit])


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
    """Issues of the version that stands for each organisation's month (`shown_submissions`:
    the current one, else the last rejected upload). Replaced versions and rejected uploads
    an accepted version made obsolete are left out. A multi-month import shares one report
    among its submissions: its issues appear once."""
    shown = shown_submissions(platform)
    submissions = (
        Submission.objects.filter(platform=platform, pk__in=list(shown.values()))
        .select_related("organisation")
        .order_by("-month", "organisation__name_en", "-uploaded_at")
    )
    choices = sorted(
        {(s.organisation_id, str(s.organisation)) for s in submissions},
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


def issue_message(issue: dict[str, Any], lang: str) -> str:
    """A stored issue's message in `lang`. Reports keep the message in the language of the
    upload, with its code, value, column and suggestion but not the detail the message was
    built with; the detail is read back from the stored text (kipu.core.validation.issues
    templates, either language). A message no template matches is shown as it was stored."""
    code = str(issue.get("code") or "")
    stored = str(issue.get("message") or "")
    info = CATALOGUE.get(code)
    if info is None:
        return stored
    value, column, suggestion = issue.get("value"), issue.get("column"), issue.get("suggestion")
    for source, template in (("en", info.en), ("es", info.es)):
        bare = message(code, source, value, column, "", None)
        suffix = message(code, source, value, column, "", suggestion)[len(bare) :]
        text = stored[: len(stored) - len(suffix)] if suffix and stored.endswith(suffix) else stored
        detail = _detail_in(template, text, value, column)
        if detail is not None:
            return message(code, lang, value, column, detail, suggestion)
    return stored


def _detail_in(template: str, text: str, value: object, column: object) -> str | None:
    """The {detail} that formatting `template` with value and column gives `text`, or None."""
    pattern, named = [], False
    known = {"value": str(value or ""), "column": str(column or "")}
    for literal, name, _spec, _conversion in string.Formatter().parse(template):
        pattern.append(re.escape(literal))
        if name in known:
            pattern.append(re.escape(known[name]))
        elif name == "detail":
            pattern.append("(?P=detail)" if named else "(?P<detail>.*?)")
            named = True
        elif name is not None:
            return None
    found = re.fullmatch("".join(pattern), text, flags=re.DOTALL)
    if found is None:
        return None
    return found.group("detail") if named else ""
