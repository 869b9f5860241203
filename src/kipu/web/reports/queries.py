"""Reads: report versions a visitor may see."""

from __future__ import annotations

from pathlib import Path

from django.db.models import QuerySet

from kipu.web.accounts.scope import Scope
from kipu.web.database import data_dir
from kipu.web.reports.models import ReportVersion

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
