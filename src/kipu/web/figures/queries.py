"""Reads: figures computed from a platform's stored activities.

Every page, export, API answer and report of a platform asks here, so a number is computed in
one place only. Rows come from the snapshots (kipu.web.figures.snapshot) of the platforms whose
stored rows make up the platform's view (`view_sources`: one store, every level's view), kept
in memory per data version: a million rows are read from the database once per change, not
once per question.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Collection

import polars as pl

from kipu.core.figures import FigureOptions, Figures, compute_figures
from kipu.core.figures.notes import note
from kipu.core.figures.periods import plan_year_end
from kipu.core.figures.plans import STORED_ON
from kipu.core.frame import ACTIVITY_FRAME
from kipu.core.reference import ReferenceData
from kipu.web.figures.snapshot import code_marks, platform_snapshot
from kipu.web.plans.models import Proportion
from kipu.web.plans.queries import plan_for, plan_holder
from kipu.web.platforms.models import Platform
from kipu.web.platforms.queries import Source, platform_countries, reference_data, view_sources
from kipu.web.submissions.queries import Codes, reference_codes


def proportions_frame(platform: Platform, year: int | None) -> pl.DataFrame | None:
    """The plan's age/sex proportions for the max-cell model, or None when none are loaded.
    Read as plain tuples: the dashboard reads them on each page it computes."""
    plan = plan_for(platform, year)
    if plan is None:
        return None
    names = ("admin1", "sector", "population_type", "girls", "boys", "women", "men")
    rows = Proportion.objects.filter(plan=plan).values_list(
        "admin1__pcode", "sector__code", "population_type", "girls", "boys", "women", "men"
    )
    records = [dict(zip(names, row, strict=True)) for row in rows]
    return pl.DataFrame(records) if records else None


def platform_figures(
    platform: Platform,
    *,
    model: str = "max-cell",
    date_from: str | None = None,
    date_to: str | None = None,
    rmrp_only: bool = False,
    with_issues: bool = False,
    countries: list[str] | None = None,
    disclosure_k: int | None = None,
    roll_up_subsectors: bool = False,
    months: Collection[str] | None = None,
) -> Figures:
    """The figures of `platform` for the period (and `countries`, when given), from its
    current submissions; of the period's `months` only, when given (the published ones: the
    report counted an open month's rows in its year-to-date figures).

    Rows stored with accepted issues count only when `with_issues` is true. `disclosure_k`:
    for published figures, places finer than the department as the open data shows them
    (`kipu.core.figures.partners.places_shown`). `roll_up_subsectors`: sub-sectors count as
    their parent sector (the figures of an area with sub-sectors).
    """
    _, clean, every, _ = _frames(platform)
    frame = every.select(*ACTIVITY_FRAME, STORED_ON) if with_issues else clean
    # The plan (targets, proportions) of the period's end, as the engine bounds it: without
    # `date_to`, the last month with rows within `date_from`'s plan year, or the last month
    # with rows (before, the latest plan, whatever year the figures were of).
    end = date_to or _last_month(frame, plan_year_end(date_from) if date_from else None)
    year = int((end or date_from or "0")[:4]) or None
    reference = cached_reference_data(platform, year)
    conditions = [
        pl.col("month") >= date_from if date_from else None,
        pl.col("month") <= date_to if date_to else None,
        pl.col("country").is_in(countries) if countries is not None else None,
        pl.col("month").is_in(sorted(months)) if months is not None else None,
    ]
    if any(c is not None for c in conditions):
        frame = frame.filter(*(c for c in conditions if c is not None))
    options = FigureOptions(
        model=model,
        date_from=date_from,
        date_to=date_to,
        rmrp_only=rmrp_only,
        countries=countries,
        admin1=reference.admin1_scope or None,
        proportions=proportions_frame(platform, year),
        disclosure_k=disclosure_k,
        roll_up_subsectors=roll_up_subsectors,
        counted_months=months,
    )
    figures = compute_figures(frame, reference, options)
    if not with_issues and every.height > clean.height:
        _say_left_out(figures, every, countries, months)
    return figures


def _say_left_out(
    figures: Figures,
    every: pl.DataFrame,
    countries: list[str] | None,
    months: Collection[str] | None = None,
) -> None:
    """A note of the rows stored with accepted errors in the figures' period, which they do
    not count: the figures said nothing of them ("no data" over two such rows)."""
    start, end = figures.date_from, figures.date_to
    conditions = [
        ~pl.col("clean"),
        pl.col("month") >= start if start else None,
        pl.col("month") <= end if end else None,
        pl.col("country").is_in(countries) if countries is not None else None,
        pl.col("month").is_in(sorted(months)) if months is not None else None,
    ]
    left_out = every.filter(*(c for c in conditions if c is not None)).height
    if left_out:
        figures.notes.append(note("accepted_errors", left_out))


def _last_month(frame: pl.DataFrame, until: str | None) -> str | None:
    """The last month with rows, not after `until` when given."""
    months = frame["month"].drop_nulls()
    if until:
        months = months.filter(months <= until)
    return str(months.max()) if len(months) else None


# --- cached frames, for pages asked for on every click ------------------------------------

# platform → (data version, rows without accepted issues, every row with the snapshot columns,
# the rows without accepted issues as ACTIVITY_FRAME alone)
_FRAMES: dict[int, tuple[tuple[object, ...], pl.DataFrame, pl.DataFrame, pl.DataFrame]] = {}
# platform → (the codes of its view last read, their marks, when read): the marks are a
# digest of every code, worth computing again only when a code changed.
_CODES: dict[int, tuple[Codes, tuple[object, ...], float]] = {}
# Codes are read again at most this often. Reading them on every request took 40% of the
# dashboard's throughput on a million rows (4,068 places, 400 organisations: 57 → 33
# requests a second); a renamed code shows within this many seconds, never later.
CODES_SECONDS = 5.0
_now = time.monotonic
_FRAME_LOCK = threading.Lock()


def data_version(platform: Platform) -> tuple[object, ...]:
    """Changes whenever the stored activities of the platform's view (`view_sources`: its own,
    those of the platforms under it, its share of those above it), its month statuses, or the
    codes its rows are read with (`codes_version`), or the disclosure thresholds change."""
    from django.db.models import Count, Max

    from kipu.web.submissions.models import MonthStatus, Submission
    from kipu.web.surveys.models import DisclosureSetting

    sources = view_sources(platform)
    stores = [s.platform.pk for s in sources]
    submissions = Submission.objects.filter(platform_id__in=stores).aggregate(
        n=Count("id"), last=Max("id"), at=Max("uploaded_at")
    )
    # The month statuses of every store: a month this platform published is public only once
    # every other store holding rows of it published it too (`Scope.published_months`).
    months = MonthStatus.objects.filter(platform_id__in=stores).aggregate(
        last=Max("changed_at"), n=Count("id")
    )
    # The disclosure thresholds of the stores: published figures count provinces with them
    # (`rows_disclosure_k`), so a changed k is a new version of what is shown.
    thresholds = DisclosureSetting.objects.filter(platform_id__in=stores).values_list(
        "platform_id", "k"
    )
    # created_at and the upload time tell apart a platform or submission made again under an
    # id used before (SQLite reuses ids after a rollback or a delete).
    return (
        platform.created_at,
        tuple((s.platform.pk, s.platform.slug, s.countries, s.admin1) for s in sources),
        submissions["n"],
        submissions["last"],
        submissions["at"],
        months["last"],
        months["n"],
        codes_version(platform, sources),
        tuple(sorted(thresholds)),
    )


def codes_version(platform: Platform, sources: list[Source]) -> tuple[object, ...]:
    """The marks (`snapshot.code_marks`) of the codes the rows of `platform`'s view are read
    with, from `sources` (its `view_sources`), as (table, highest id, digest) per table.

    The rows hold codes, not ids: an organisation given a registry id, a P-code or a sector or
    indicator code changed, makes every row read before wrong, though no submission changed.
    A code added changes the marks too (the frames are then made again from the snapshots,
    which keep their rows). Reads the codes (a few thousand short rows) at most every
    CODES_SECONDS; the digest is computed again only when they changed."""
    now = _now()
    with _FRAME_LOCK:
        known = _CODES.get(platform.pk)
    if known is not None and now - known[2] < CODES_SECONDS:
        return known[1]
    first, *others = [s.platform for s in sources]
    codes = reference_codes(first, *others)
    if known is not None and known[0] == codes:
        version = known[1]
    else:
        marks = code_marks(codes)
        version = tuple((name, *marks[name]) for name in sorted(marks))
    with _FRAME_LOCK:
        _CODES[platform.pk] = (codes, version, now)
    return version


def view_snapshot(platform: Platform) -> pl.DataFrame:
    """Every current row of the platform's view, from the snapshots of the platforms that
    store them (each kept once, whichever views read it)."""
    from kipu.web.submissions.models import Submission

    sources = view_sources(platform)
    stored = set(
        Submission.objects.filter(platform_id__in=[s.platform.pk for s in sources])
        .values_list("platform_id", flat=True)
        .distinct()
    )
    parts = []
    for source in sources:
        if source.platform.pk not in stored and source.platform.pk != platform.pk:
            continue
        frame = platform_snapshot(source.platform)
        if source.countries is not None:
            frame = frame.filter(pl.col("country").is_in(list(source.countries)))
        if source.admin1 is not None:
            frame = frame.filter(pl.col("admin1").is_in(list(source.admin1)))
        # Which platform stores each row: it is counted with that platform's plans
        # (`ReferenceData.store_plans`), the ones it was checked against.
        parts.append(frame.with_columns(pl.lit(source.platform.slug).alias(STORED_ON)))
    return parts[0] if len(parts) == 1 else pl.concat([p for p in parts if p.height] or parts[:1])


def _frames(
    platform: Platform,
) -> tuple[tuple[object, ...], pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """The rows of the platform's view for its current data version."""
    version = data_version(platform)
    with _FRAME_LOCK:
        cached = _FRAMES.get(platform.pk)
        if cached is not None and cached[0] == version:
            return cached
    every = view_snapshot(platform)
    clean = every.filter(pl.col("clean")) if not every["clean"].all() else every
    kept = clean.select(*ACTIVITY_FRAME, STORED_ON)
    entry = (version, kept, every, kept.drop(STORED_ON))
    with _FRAME_LOCK:
        _FRAMES[platform.pk] = entry
    return entry


def cached_activity_frame(platform: Platform) -> tuple[tuple[object, ...], pl.DataFrame]:
    """The platform's current activities (accepted-issue rows excluded) and their data version,
    kept in memory per version and shared between processes through the snapshot file."""
    version, _, _, plain = _frames(platform)
    return version, plain


def view_submissions(platform: Platform) -> tuple[tuple[object, ...], pl.DataFrame]:
    """The submissions whose rows make up the platform's view, by month: (month, submission_id)
    once each, accepted-issue rows' too, with the data version. What a report was computed
    from (`reports.queries.months_data`), read from the frame every figure reads."""
    version, _, every, _ = _frames(platform)
    with _FRAME_LOCK:
        cached = _SUBMISSIONS.get(platform.pk)
    if cached is not None and cached[0] == version:
        return cached
    found = every.select("month", "submission_id").unique().sort("month", "submission_id")
    with _FRAME_LOCK:
        _SUBMISSIONS[platform.pk] = (version, found)
    return version, found


_SUBMISSIONS: dict[int, tuple[tuple[object, ...], pl.DataFrame]] = {}


def cached_view_frame(platform: Platform) -> tuple[tuple[object, ...], pl.DataFrame]:
    """`cached_activity_frame` with the `STORED_ON` column figures count each row's plan
    with (`ReferenceData.store_plans`): what `compute_figures` is given."""
    version, clean, _, _ = _frames(platform)
    return version, clean


def cached_left_out_frame(platform: Platform) -> pl.DataFrame:
    """The current rows stored with accepted errors, which figures do not count: the
    dashboard says how many of them its period and filters hold (`accepted_errors`), as
    `platform_figures` does, instead of a smaller number with no word."""
    _, _, every, _ = _frames(platform)
    return every.filter(~pl.col("clean")) if not every["clean"].all() else every.clear()


# --- cached reference data ----------------------------------------------------------------
# Building a ReferenceData (gazetteer of every country, organisations, plan) through the ORM
# takes about a second for a regional platform; reading its content back as plain tuples to
# check it has not changed takes a few tens of milliseconds.

_REFERENCES: dict[tuple[int, int | None], tuple[str, ReferenceData]] = {}


def reference_digest(platform: Platform, year: int | None) -> str:
    """A digest of everything reference_data(platform, year) is made of."""
    from kipu.web.locations.models import Location, LocationAlias
    from kipu.web.plans.models import Indicator, Plan, Sector, Target
    from kipu.web.platforms.models import Membership

    plan = plan_for(platform, year)
    fields = ("id", "external_id", "name_en", "name_es", "name_pt", "acronym", "org_type")
    members = Membership.objects.filter(platform=platform).order_by("id")
    parts: list[object] = [
        Platform.objects.filter(pk=platform.pk).values_list("country", "created_at").first(),
        platform_countries(platform),
        list(platform.admin1.order_by("id").values_list("id", flat=True)),
        list(members.values_list(*(f"organisation__{f}" for f in fields), "organisation__aliases")),
        list(Location.objects.order_by("id").values_list()),
        list(LocationAlias.objects.order_by("id").values_list()),
    ]
    parts.append(plan.pk if plan is not None else None)
    # Every plan of every platform whose rows the view reads: each row is counted with its
    # store's plans of its own year (`ReferenceData.store_plans`).
    holders = {s.platform.slug: plan_holder(s.platform).pk for s in view_sources(platform)}
    parts.append(sorted(holders.items()))
    for every in Plan.objects.filter(platform_id__in=set(holders.values())).order_by("id"):
        parts.append((every.pk, every.name, every.year, every.classification))
        for model in (Sector, Indicator, Target):
            parts.append(list(model.objects.filter(plan=every).order_by("id").values_list()))
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()


def cached_reference_data(platform: Platform, year: int | None = None) -> ReferenceData:
    """reference_data(platform, year), rebuilt only when what it is made of changed."""
    digest = reference_digest(platform, year)
    key = (platform.pk, year)
    with _FRAME_LOCK:
        cached = _REFERENCES.get(key)
    if cached is not None and cached[0] == digest:
        return cached[1]
    reference = reference_data(platform, year)
    with _FRAME_LOCK:
        _REFERENCES[key] = (digest, reference)
    return reference
