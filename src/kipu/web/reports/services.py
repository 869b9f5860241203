"""Writes: narrative sections and rendered report versions (files under KIPU_DATA_DIR/reports)."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Max

from kipu.core.report.build import BuildResult, build_report
from kipu.web.audit.services import record
from kipu.web.database import data_dir
from kipu.web.platforms.models import Platform
from kipu.web.reports.context import report_context
from kipu.web.reports.models import Narrative, ReportVersion

FORMATS = ("html", "pdf", "docx")


def render_report(
    platform: Platform,
    month: str,
    lang: str,
    out_dir: Path,
    *,
    narrative: dict[str, str] | None = None,
    formats: tuple[str, ...] = FORMATS,
) -> BuildResult:
    """Build the month's report in `lang` into `out_dir` (nothing is recorded)."""
    context = report_context(platform, month, lang, narrative)
    return build_report(context, out_dir, formats=formats)


def save_narrative(
    platform: Platform, month: str, lang: str, section: str, markdown: str, user: User | None
) -> Narrative:
    row, created = Narrative.objects.get_or_create(
        platform=platform, month=month, lang=lang, section=section
    )
    before = {"markdown": row.markdown}
    row.markdown, row.updated_by = markdown, user
    row.save()
    record(
        user,
        "save_narrative",
        row,
        before=None if created else before,
        after={"markdown": markdown},
        platform=platform,
    )
    return row


def _require_published_month(platform: Platform, month: str) -> None:
    """A report is public only while its month is: publishing one of an unpublished month
    is refused (ValueError)."""
    from kipu.web.submissions.months import published_months

    if month not in published_months(platform):
        raise ValueError(f"{month} is not published: publish the month before its report")


@transaction.atomic
def create_report_version(
    platform: Platform, month: str, lang: str, user: User | None = None, *, publish: bool = False
) -> ReportVersion:
    """Render the report and keep it as a numbered version (published ones stay public while
    their month is). Raises ValueError when asked to publish a report of an unpublished
    month."""
    if publish:
        _require_published_month(platform, month)
    number = (
        ReportVersion.objects.select_for_update()
        .filter(platform=platform, month=month, lang=lang)
        .aggregate(n=Max("number"))["n"]
        or 0
    ) + 1
    folder = Path("reports") / platform.slug / month / lang / f"v{number}"
    result = render_report(platform, month, lang, data_dir() / folder)
    version = ReportVersion.objects.create(
        platform=platform,
        month=month,
        lang=lang,
        number=number,
        folder=str(folder),
        figures=result.figures,
        created_by=user,
        published=publish,
    )
    record(
        user,
        "publish_report" if publish else "render_report",
        version,
        platform=platform,
        after={"number": number, "published": publish},
    )
    return version


def publish_report(version: ReportVersion, user: User | None) -> ReportVersion:
    """Make a rendered version public; its month must be published (else ValueError)."""
    _require_published_month(version.platform, version.month)
    version.published = True
    version.save(update_fields=["published"])
    record(
        user,
        "publish_report",
        version,
        before={"published": False},
        after={"published": True},
        platform=version.platform,
    )
    return version


def withdraw_reports(platform: Platform, month: str, user: object, reason: str = "") -> int:
    """Take a month's published report versions off the public site (when the month is
    reopened: its figures may change); audited per version. Returns how many."""
    withdrawn = 0
    for version in ReportVersion.objects.filter(platform=platform, month=month, published=True):
        version.published = False
        version.save(update_fields=["published"])
        record(
            user,
            "withdraw_report",
            version,
            before={"published": True},
            after={"published": False},
            platform=platform,
            note=reason,
        )
        withdrawn += 1
    return withdrawn
