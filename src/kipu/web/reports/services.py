"""Writes: narrative sections and rendered report versions (files under KIPU_DATA_DIR/reports).

`render_versions` renders a month's report in several languages at once and reports each file
as it is written: what the report job (kipu.web.jobs.runners.run_report) calls, the one way
the editor renders. `publish_reports` publishes a month's languages together, refusing a
missing language unless told, any version whose narrative cites a figure that no longer
resolves, and any stale version (rendered from data that changed since: `StaleReport`)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from kipu.core.report.build import BuildResult, build_report, narrative_problems
from kipu.core.report.context import ReportContext
from kipu.core.report.narrative import NarrativeError, parse_expression
from kipu.web.audit.services import record
from kipu.web.database import data_dir
from kipu.web.platforms.models import Platform
from kipu.web.reports.context import report_context
from kipu.web.reports.models import Narrative, ReportVersion
from kipu.web.reports.queries import MonthData, month_data

FORMATS = ("html", "pdf", "docx")
LANGS = ("en", "es")
NARRATIVE = "narrative/"  # prefix of the narrative's figures in figures.json


def download_name(platform_slug: str, month: str, lang: str, name: str) -> str:
    """What a report file is saved as: sitrep-gtrm-peru-2019-11-es.pdf (.html, .docx),
    figures-gtrm-peru-2019-11-es.json; a chart keeps its own name."""
    stem, _, extension = Path(name).name.rpartition(".")
    if name.startswith("figures/"):
        return Path(name).name
    return f"{stem}-{platform_slug}-{month}-{lang}.{extension}"


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


def report_warnings(platform: Platform, month: str) -> list[str]:
    """What the month's report shows otherwise than its plan says: sectors each other's parent
    (`kipu.web.plans.queries.parent_cycles`; an edit let them be) are shown as areas, where
    the report left them all out without a word."""
    from kipu.web.plans.queries import parent_cycles, plan_for

    plan = plan_for(platform, int(month[:4]))
    if plan is None:
        return []
    return [
        f"in the {plan.year} plan, sectors {' and '.join(cycle)} are each other's parent: "
        "the report shows each as an area; give them their parents again (the plan page, or "
        "kipu plan load)"
        for cycle in parent_cycles(plan)
    ]


def save_narrative(
    platform: Platform,
    month: str,
    lang: str,
    section: str,
    markdown: str,
    user: User | None,
    title: str | None = None,
) -> Narrative:
    """Store one section's Markdown (and a custom section's `title`), audited."""
    row, created = Narrative.objects.get_or_create(
        platform=platform, month=month, lang=lang, section=section
    )
    before = {"markdown": row.markdown, "title": row.title}
    row.markdown, row.updated_by = markdown, user
    if title is not None:
        row.title = title
    row.save()
    record(
        user,
        "save_narrative",
        row,
        before=None if created else before,
        after={"markdown": markdown, "title": row.title},
        platform=platform,
    )
    return row


@dataclass(frozen=True)
class RenderedFile:
    """One file of a rendered version, as the render job reports it (its step "en-pdf")."""

    lang: str
    format: str  # html, pdf, docx
    number: int  # the version
    path: Path


FileDone = Callable[[RenderedFile], None]


def check_languages(platform: Platform, month: str, langs: Sequence[str]) -> list[ReportContext]:
    """The report context of each language; raises NarrativeError listing every problem of
    every language's narrative ("es: highlights: …") before anything is drawn."""
    contexts = [report_context(platform, month, lang) for lang in langs]
    problems = [f"{c.lang}: {p}" for c in contexts for p in narrative_problems(c)]
    if problems:
        raise NarrativeError("\n".join(problems))
    return contexts


def render_versions(
    platform: Platform,
    month: str,
    langs: Sequence[str] = LANGS,
    user: User | None = None,
    *,
    progress: FileDone | None = None,
) -> list[ReportVersion]:
    """Render the month's report in each of `langs` as a new unpublished version, calling
    `progress` as each file is written. Every language's narrative is checked first: when any
    is wrong nothing is rendered (NarrativeError listing every problem)."""
    # Named before the data is read: a submission stored meanwhile makes the version stale.
    fingerprint = month_data(platform, month).fingerprint
    contexts = check_languages(platform, month, langs)
    return [
        _new_version(platform, month, context, user, fingerprint, publish=False, progress=progress)
        for context in contexts
    ]


def _require_published_month(platform: Platform, month: str) -> None:
    """A report is public only while its month is: publishing one of an unpublished month
    is refused (ValueError)."""
    from kipu.web.accounts.scope import public_months

    if month not in public_months(platform):
        raise ValueError(f"{month} is not published: publish the month before its report")


def create_report_version(
    platform: Platform, month: str, lang: str, user: User | None = None, *, publish: bool = False
) -> ReportVersion:
    """Render the report and keep it as a numbered version (published ones stay public while
    their month is). Raises ValueError when asked to publish a report of an unpublished
    month, NarrativeError (a ValueError) when the narrative is wrong."""
    if publish:
        _require_published_month(platform, month)
    fingerprint = month_data(platform, month).fingerprint
    (context,) = check_languages(platform, month, [lang])
    return _new_version(platform, month, context, user, fingerprint, publish=publish)


@transaction.atomic
def _new_version(
    platform: Platform,
    month: str,
    context: ReportContext,
    user: User | None,
    fingerprint: str,
    *,
    publish: bool,
    progress: FileDone | None = None,
) -> ReportVersion:
    lang = context.lang
    number = (
        ReportVersion.objects.select_for_update()
        .filter(platform=platform, month=month, lang=lang)
        .aggregate(n=Max("number"))["n"]
        or 0
    ) + 1
    folder = Path("reports") / platform.slug / month / lang / f"v{number}"

    def written(format_: str, path: Path) -> None:
        if progress is not None:
            progress(RenderedFile(lang, format_, number, path))

    result = build_report(context, data_dir() / folder, formats=FORMATS, progress=written)
    version = ReportVersion.objects.create(
        platform=platform,
        month=month,
        lang=lang,
        number=number,
        folder=str(folder),
        figures=result.figures,
        data_fingerprint=fingerprint,
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


def figure_problems(version: ReportVersion) -> list[str]:
    """The narrative figures of a rendered version that no longer resolve against the
    month's figures (an argument naming nothing: a version rendered before arguments were
    checked printed 0 for it). Empty when every one resolves."""
    calls = [key[len(NARRATIVE) :] for key in version.figures if key.startswith(NARRATIVE)]
    if not calls:
        return []
    catalogue = report_context(version.platform, version.month, version.lang).catalogue
    problems = []
    for call in calls:
        try:
            expression = parse_expression(call)
            catalogue.call(expression.name, **expression.arguments)
        except NarrativeError as error:
            problems.append(str(error))
    return problems


class StaleReport(ValueError):
    """The version was rendered before the data of its month changed (`changed_at`, None when
    unknown): its figures are not the current ones."""

    def __init__(self, version: ReportVersion, changed_at: datetime | None) -> None:
        when = timezone.localtime(changed_at).strftime("%Y-%m-%d %H:%M") if changed_at else ""
        named = {"number": version.number, "lang": version.lang, "date": when}
        text = (
            _(
                "version %(number)s (%(lang)s) was rendered before the data changed on %(date)s: "
                "render it again"
            )
            if when
            else _(
                "version %(number)s (%(lang)s) was rendered before the data changed: "
                "render it again"
            )
        )
        super().__init__(text % named)
        self.version, self.changed_at = version, changed_at


def require_fresh(version: ReportVersion, data: MonthData | None = None) -> None:
    """Raise StaleReport unless `version` was computed from its month's current data
    (`data`, read now when not given)."""
    data = data or month_data(version.platform, version.month)
    if data.is_stale(version):
        raise StaleReport(version, data.changed_at)


def publish_report(version: ReportVersion, user: User | None) -> ReportVersion:
    """Make a rendered version public. Raises ValueError when its month is not published,
    StaleReport (a ValueError) when the month's data changed after it was rendered,
    NarrativeError (a ValueError) when its narrative cites a figure that does not resolve."""
    _require_published_month(version.platform, version.month)
    require_fresh(version)
    problems = figure_problems(version)
    if problems:
        raise NarrativeError(
            f"version {version.number} ({version.lang}) cannot be published: " + "; ".join(problems)
        )
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
        _withdraw(version, user, platform, reason, {"published": False})
        withdrawn += 1
    return withdrawn


def _withdraw(
    version: ReportVersion, user: object, platform: Platform, reason: str, after: dict
) -> None:
    """One published version taken off the public site, audited with why."""
    version.published = False
    version.save(update_fields=["published"])
    record(user, "withdraw_report", version, before={"published": True}, after=after,
           platform=platform, note=reason)  # fmt: skip


def withdraw_stale_reports(platform: Platform, month: str, user: object) -> int:
    """Take off the public site the published versions of `month` and the later months of its
    year (their year to date holds it) that are stale: rendered from other rows than their
    month's now (`MonthData`), when another platform of the view published or reopened a
    month. Audited per version, with why. Returns how many."""
    from kipu.web.reports.queries import months_data

    published = list(
        ReportVersion.objects.filter(
            platform=platform, published=True, month__gte=month, month__lte=f"{month[:4]}-12"
        )
    )
    if not published:
        return 0
    data = months_data(platform, {v.month for v in published})
    stale = [v for v in published if data[v.month].is_stale(v)]
    reason = "the rows of its month changed since it was rendered: render it again"
    for version in stale:
        _withdraw(version, user, platform, reason, {"published": False, "stale": True})
    return len(stale)


class MissingLanguages(ValueError):
    """Publishing would leave a language without a report; `langs` lists them."""

    def __init__(self, langs: Sequence[str]) -> None:
        super().__init__(f"no report to publish in {', '.join(langs)}")
        self.langs = list(langs)


@transaction.atomic
def publish_reports(
    platform: Platform,
    month: str,
    numbers: Mapping[str, int | None],
    user: User | None,
    *,
    without: Collection[str] = (),
) -> list[ReportVersion]:
    """Publish the chosen version of each language together (`numbers`: lang → version
    number, None for none). A language of LANGS left without a published version raises
    MissingLanguages unless it is in `without` (the user confirmed); any other refusal of
    `publish_report` publishes nothing."""
    chosen = {lang: n for lang, n in numbers.items() if n is not None}
    already = set(
        ReportVersion.objects.filter(platform=platform, month=month, published=True).values_list(
            "lang", flat=True
        )
    )
    missing = [lang for lang in LANGS if lang not in chosen and lang not in already]
    if [lang for lang in missing if lang not in without]:
        raise MissingLanguages([lang for lang in missing if lang not in without])
    versions = []
    for lang, number in chosen.items():
        found = ReportVersion.objects.filter(
            platform=platform, month=month, lang=lang, number=number
        ).first()
        if found is None:
            raise ValueError(f"there is no version {number} of the {month} report in {lang}")
        versions.append(found)
    return [publish_report(v, user) if not v.published else v for v in versions]
