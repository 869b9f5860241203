"""Reads: report versions a visitor may see, the months the IM team may write a report for,
what is ready to publish in each language, and the data a month's report is computed from
(a version rendered from other data is stale and is never published)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import polars as pl
from django.db.models import QuerySet

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
    of published months computed from their month's current data (`public_versions`)."""
    versions = ReportVersion.objects.filter(platform=scope.platform)
    if scope.can_manage_platform():
        return versions
    return public_versions(versions, scope.published_months)


def public_versions(
    versions: QuerySet[ReportVersion], published_months: frozenset[str] | set[str]
) -> QuerySet[ReportVersion]:
    """The versions anyone may read: published, of a published month, and computed from the
    rows the month's public figures are computed from (not stale: `MonthData`). A month
    published again once another platform of the view released its rows showed its old
    report, rendered without them; a stale version is withdrawn when its month is published
    again (`services.withdraw_stale_reports`), and never shown meanwhile."""
    found = list(versions.filter(published=True, month__in=sorted(published_months)))
    fresh = []
    for platform_id in {v.platform_id for v in found}:
        mine = [v for v in found if v.platform_id == platform_id]
        data = months_data(mine[0].platform, {v.month for v in mine})
        fresh += [v.pk for v in mine if not data[v.month].is_stale(v)]
    return versions.filter(pk__in=fresh)


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


def editable_months(platform: Platform, limit: int = 12) -> list[tuple[str, str, str]]:
    """The months a report may be written for, newest first: (month, status, why a published
    month is not public or "": `months.month_states`) for every month with a status (open,
    locked, published), a narrative or a rendered version."""
    from kipu.web.submissions.months import month_states

    states = month_states(platform)
    months = set(states)
    months |= set(Narrative.objects.filter(platform=platform).values_list("month", flat=True))
    months |= set(ReportVersion.objects.filter(platform=platform).values_list("month", flat=True))
    return [(m, *states.get(m, ("", ""))) for m in sorted(months, reverse=True)[:limit]]


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


VIEW_PREFIX = "view:"  # a fingerprint of the rows of the platform's view (`months_data`)


@dataclass(frozen=True)
class MonthData:
    """The 5W data a month's report is computed from: the rows of the platform's view
    (`view_sources`: its own, those of the platforms under it, its share of those above it)
    from January to that month (the report shows the month and the year to date).
    `fingerprint` names that data (the submissions holding those rows, and the times a month
    of it was reopened on any of their platforms); a report version rendered from other data
    is stale, and is neither published nor shown to the public. `changed_at` is the latest
    upload or reopening among them (None when there is none). `legacy` is the fingerprint
    as it was computed before it covered the whole view (the platform's own submissions),
    with `others_changed_at`, the latest upload or reopening on the view's other platforms:
    a version fingerprinted so is stale when either says so."""

    fingerprint: str
    changed_at: datetime | None
    legacy: Callable[[], str] = field(default=lambda: "", compare=False)
    others_changed_at: datetime | None = None

    def is_stale(self, version: ReportVersion) -> bool:
        """True when `version` was not computed from this data. A version rendered before
        fingerprints were recorded is stale when the data changed after it was created."""
        stored = version.data_fingerprint
        if stored.startswith(VIEW_PREFIX):
            return stored != self.fingerprint
        if stored and stored != self.legacy():
            return True
        changed = self.others_changed_at if stored else self.changed_at
        return changed is not None and changed > version.created_at


def month_data(platform: Platform, month: str) -> MonthData:
    """The data the report of `month` (YYYY-MM) reads, as it is now."""
    return months_data(platform, [month])[month]


def months_data(platform: Platform, months: Collection[str]) -> dict[str, MonthData]:
    """`month_data` of each of `months`: a few queries, and the view's rows as the figures
    hold them in memory (`figures.queries.view_submissions`)."""
    from kipu.web.accounts.scope import public_months
    from kipu.web.figures.queries import view_submissions
    from kipu.web.platforms.queries import view_sources

    if not months:
        return {}
    _version, rows = view_submissions(platform)
    stores = [s.platform.pk for s in view_sources(platform)]
    span = (f"{min(months)[:4]}-01", max(months))
    uploads = _uploads(stores, span)
    reopenings = _reopenings(stores, span)
    public = public_months(platform)
    found = {}
    for month in months:
        start = f"{month[:4]}-01"
        ids = rows.filter(pl.col("month").is_between(pl.lit(start), pl.lit(month)))
        reopened = [r for r in reopenings if start <= r[1] <= month]
        facts: dict[str, object] = {
            "rows": ids["submission_id"].unique().sort().to_list(),
            "reopened": sorted(pk for pk, *_ in reopened),
        }
        # The months before `month` the report counts (`context.counted_months`): a version
        # rendered while one was not public is stale once it is.
        counted = sorted(m for m in public if start <= m < month)
        if counted != [f"{month[:4]}-{n:02d}" for n in range(1, int(month[5:]))]:
            facts["counted"] = counted  # only when one is not: versions stay fresh otherwise
        facts_text = json.dumps(facts)
        times = [at for store, m, at in uploads if start <= m <= month] + [
            at for _pk, m, at, _store in reopened
        ]
        others = [at for store, m, at in uploads if store != platform.pk and start <= m <= month]
        others += [at for _pk, m, at, store in reopened if store != platform.pk]
        found[month] = MonthData(
            fingerprint=VIEW_PREFIX + hashlib.sha256(facts_text.encode()).hexdigest()[:32],
            changed_at=max(times, default=None),
            legacy=_legacy(platform, month),
            others_changed_at=max(others, default=None),
        )
    return found


def _uploads(stores: list[int], span: tuple[str, str]) -> list[tuple[int, str, datetime]]:
    """(platform id, month, upload time) of the accepted submissions of `stores` in `span`."""
    from kipu.web.submissions.models import Submission

    accepted = Submission.objects.filter(
        platform_id__in=stores,
        month__range=span,
        status__in=[Submission.Status.CURRENT, Submission.Status.SUPERSEDED],
    )
    return list(accepted.values_list("platform_id", "month", "uploaded_at"))


def _reopenings(stores: list[int], span: tuple[str, str]) -> list[tuple[int, str, datetime, int]]:
    """(audit event id, month, when, platform id) of each reopening of a month of `stores`
    in `span`."""
    from kipu.web.audit.models import AuditEvent
    from kipu.web.submissions.models import MonthStatus

    statuses = MonthStatus.objects.filter(platform_id__in=stores, month__range=span)
    months = {
        str(pk): (m, store) for pk, m, store in statuses.values_list("pk", "month", "platform_id")
    }
    reopened = AuditEvent.objects.filter(
        action="reopen_month",
        object_type=MonthStatus._meta.label_lower,
        object_id__in=list(months),
    )
    return [
        (pk, months[object_id][0], at, months[object_id][1])
        for pk, object_id, at in reopened.values_list("pk", "object_id", "at")
    ]


def _legacy(platform: Platform, month: str) -> Callable[[], str]:
    """The fingerprint versions rendered before it covered the view were given: the platform's
    own current submissions and reopenings, January to `month` (read only when asked)."""

    def compute() -> str:
        from kipu.web.audit.models import AuditEvent
        from kipu.web.submissions.models import MonthStatus, Submission

        months = (f"{month[:4]}-01", month)
        current = Submission.objects.filter(
            platform=platform, month__range=months, status=Submission.Status.CURRENT
        )
        statuses = MonthStatus.objects.filter(platform=platform, month__range=months)
        reopened = AuditEvent.objects.filter(
            action="reopen_month",
            object_type=MonthStatus._meta.label_lower,
            object_id__in=[str(pk) for pk in statuses.values_list("pk", flat=True)],
        )
        facts = json.dumps(
            {
                "current": sorted(current.values_list("pk", flat=True)),
                "reopened": sorted(reopened.values_list("pk", flat=True)),
            }
        )
        return hashlib.sha256(facts.encode()).hexdigest()[:32]

    return compute
