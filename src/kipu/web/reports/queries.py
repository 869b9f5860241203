"""Reads: report versions a visitor may see, the months the IM team may write a report for,
what is ready to publish in each language, and the data a month's report is computed from
(a version rendered from other data is stale and is never published)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from django.db.models import Max, QuerySet

from kipu.web.accounts.scope import Scope
from kipu.web.database import data_dir
from kipu.web.platforms.models import Platform
from kipu.web.reports.models import Narrative, ReportVersion

FILES = {
    "sitrep.html": "text/html",
    "sitrep.pdf": "application/pdf",
    "sitrep.docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "figures.json": "application/json",
}


def visible_versions(scope: Scope) -> QuerySet[ReportVersion]:
    """Every version for the platform's admins; for everyone else, the published versions
    of published months (a reopened month's report is not public)."""
    versions = ReportVersion.objects.filter(platform=scope.platform)
    if scope.can_manage_platform():
        return versions
    return public_versions(versions, scope.published_months)


def public_versions(
    versions: QuerySet[ReportVersion], published_months: frozenset[str] | set[str]
) -> QuerySet[ReportVersion]:
    """The versions anyone may read: published, of a published month."""
    return versions.filter(published=True, month__in=sorted(published_months))


def latest_published(scope: Scope) -> list[ReportVersion]:
    """The newest published version of each (month, language)."""
    seen: set[tuple[str, str]] = set()
    found = []
    for version in (
        visible_versions(scope).filter(published=True).order_by("-month", "lang", "-number")
    ):
        if (version.month, version.lang) not in seen:
            seen.add((version.month, version.lang))
            found.append(version)
    return found


def version_file(version: ReportVersion, name: str) -> Path | None:
    """A file of a version: one of FILES, or a figure under figures/; None if absent."""
    folder = (data_dir() / version.folder).resolve()
    target = (folder / name).resolve()
    allowed = name in FILES or (name.startswith("figures/") and name.endswith((".svg", ".png")))
    if not allowed or folder not in target.parents or not target.is_file():
        return None
    return target


def editable_months(platform: Platform, limit: int = 12) -> list[tuple[str, str]]:
    """The months a report may be written for, newest first: (month, status) for every month
    with a status (open, locked, published), a narrative or a rendered version."""
    from kipu.web.submissions.months import month_statuses

    statuses = month_statuses(platform)
    months = set(statuses)
    months |= set(Narrative.objects.filter(platform=platform).values_list("month", flat=True))
    months |= set(ReportVersion.objects.filter(platform=platform).values_list("month", flat=True))
    return [(m, statuses.get(m, "")) for m in sorted(months, reverse=True)[:limit]]


@dataclass
class LanguageState:
    """What one language of a month's report has: its versions (newest first), the newest,
    the one published (if any)."""

    lang: str
    versions: list[ReportVersion] = field(default_factory=list)

    @property
    def latest(self) -> ReportVersion | None:
        return self.versions[0] if self.versions else None

    @property
    def published(self) -> ReportVersion | None:
        return next((v for v in self.versions if v.published), None)


def language_states(platform: Platform, month: str, langs: tuple[str, ...]) -> list[LanguageState]:
    """One LanguageState per language of `langs`, in that order."""
    versions = ReportVersion.objects.filter(platform=platform, month=month).order_by("-number")
    states = {lang: LanguageState(lang) for lang in langs}
    for version in versions:
        if version.lang in states:
            states[version.lang].versions.append(version)
    return list(states.values())


@dataclass(frozen=True)
class MonthData:
    """The 5W data a month's report is computed from: the current submissions of January to
    that month (the report shows the month and the year to date). `fingerprint` names that
    data (the current submissions' ids and the times a month of it was reopened); a report
    version rendered from other data is stale. `changed_at` is the latest upload or reopening
    among them (None when there is none)."""

    fingerprint: str
    changed_at: datetime | None

    def is_stale(self, version: ReportVersion) -> bool:
        """True when `version` was not computed from this data. A version rendered before
        fingerprints were recorded is stale when the data changed after it was created."""
        if version.data_fingerprint:
            return version.data_fingerprint != self.fingerprint
        return self.changed_at is not None and self.changed_at > version.created_at


def month_data(platform: Platform, month: str) -> MonthData:
    """The data the report of `month` (YYYY-MM) reads, as it is now."""
    from kipu.web.audit.models import AuditEvent
    from kipu.web.submissions.models import MonthStatus, Submission

    months = (f"{month[:4]}-01", month)
    accepted = Submission.objects.filter(
        platform=platform,
        month__range=months,
        status__in=[Submission.Status.CURRENT, Submission.Status.SUPERSEDED],
    )
    current = sorted(accepted.filter(status=Submission.Status.CURRENT).values_list("pk", flat=True))
    statuses = MonthStatus.objects.filter(platform=platform, month__range=months)
    reopened = AuditEvent.objects.filter(
        action="reopen_month",
        object_type=MonthStatus._meta.label_lower,
        object_id__in=[str(pk) for pk in statuses.values_list("pk", flat=True)],
    )
    reopenings = sorted(reopened.values_list("pk", flat=True))
    facts: dict[str, object] = {"current": current, "reopened": reopenings}
    # The months before `month` the report counts (`context.counted_months`): a version
    # rendered while one was unpublished is stale once it is published.
    from kipu.web.accounts.scope import public_months

    counted = sorted(m for m in public_months(platform) if months[0] <= m < month)
    if counted != [f"{month[:4]}-{n:02d}" for n in range(1, int(month[5:]))]:
        facts["counted"] = counted  # only when one is not: versions stay fresh otherwise
    facts_text = json.dumps(facts)
    times = [
        accepted.aggregate(at=Max("uploaded_at"))["at"],
        reopened.aggregate(at=Max("at"))["at"],
    ]
    return MonthData(
        fingerprint=hashlib.sha256(facts_text.encode()).hexdigest()[:32],
        changed_at=max((t for t in times if t is not None), default=None),
    )
