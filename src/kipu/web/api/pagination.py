"""Activity rows for the API: the scoped queryset, pages in a stable order (by id), and
polars slices read through a server-side cursor so exports of any size keep memory flat."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl
from django.db import connections
from django.db.models import Q, QuerySet

from kipu.core.frame import ACTIVITY_FRAME
from kipu.web.accounts.scope import Scope
from kipu.web.locations.models import Location
from kipu.web.plans.models import Indicator, Sector
from kipu.web.platforms.models import Organisation, Platform
from kipu.web.platforms.queries import view_sources
from kipu.web.submissions.models import Activity, Submission

BATCH = 20_000  # rows per fetch and per polars slice

# The API's activity row: id and submission, the activity frame's columns (codes and keys,
# as kipu.core.frame defines them), then the accepted issue codes.
COLUMNS: dict[str, Any] = {
    "id": pl.Int64,
    "submission": pl.Int64,
    **ACTIVITY_FRAME,
    "issues": pl.Utf8,  # JSON text in the database; decoded for JSON answers
}


# Columns read as foreign-key ids and turned into codes and keys in polars: cheaper than six
# joins per row, and the look-up tables are small (places, organisations, plan).
_IDS = {
    "submission": "submission_id",
    "admin1": "admin1_id",
    "admin2": "admin2_id",
    "appealing_org": "appealing_org_id",
    "implementing_partner": "implementing_partner_id",
    "sector": "sector_id",
    "indicator": "indicator_id",
}
_RAW = {name: (pl.Int64 if name in _IDS else dtype) for name, dtype in COLUMNS.items()}


def _codes(platform_id: int) -> dict[str, dict[int, str]]:
    """id → code for each foreign key of an activity row."""
    orgs = {o.pk: o.key for o in Organisation.objects.all()}
    places = dict(Location.objects.values_list("pk", "pcode"))
    # The plans of every platform whose rows the view reads (one store, every level's view).
    stores = [s.platform.pk for s in view_sources(Platform.objects.get(pk=platform_id))]
    sectors = dict(Sector.objects.filter(plan__platform_id__in=stores).values_list("pk", "code"))
    indicators = dict(
        Indicator.objects.filter(plan__platform_id__in=stores).values_list("pk", "code")
    )
    return {
        "admin1": places,
        "admin2": places,
        "appealing_org": orgs,
        "implementing_partner": orgs,
        "sector": sectors,
        "indicator": indicators,
    }


@dataclass(frozen=True)
class ActivityFilter:
    date_from: str | None = None
    date_to: str | None = None
    sector: str | None = None
    admin1: str | None = None
    organisation: Organisation | None = None
    country: str | None = None


def activity_queryset(scope: Scope, wanted: ActivityFilter) -> QuerySet[Activity]:
    """Current rows the scope may read, narrowed by the caller's filters, ordered by id."""
    rows = scope.activities(Activity.objects.filter(submission__status=Submission.Status.CURRENT))
    if wanted.date_from:
        rows = rows.filter(month__gte=wanted.date_from)
    if wanted.date_to:
        rows = rows.filter(month__lte=wanted.date_to)
    if wanted.sector:
        # A sector includes its sub-sectors, as the figures and the coordinators' remit do.
        rows = rows.filter(Q(sector__code=wanted.sector) | Q(sector__parent__code=wanted.sector))
    if wanted.country:
        rows = rows.filter(country=wanted.country.upper())
    if wanted.admin1:
        rows = rows.filter(admin1__pcode=wanted.admin1)
    if wanted.organisation is not None:
        rows = rows.filter(appealing_org=wanted.organisation)
    return rows.order_by("pk")


def _values(rows: QuerySet[Activity], names: Sequence[str] = tuple(COLUMNS)) -> QuerySet[Any]:
    return rows.values_list(*[_IDS.get(n, n) for n in names])


def _decode(frame: pl.DataFrame, codes: dict[str, dict[int, str]]) -> pl.DataFrame:
    return frame.with_columns(
        pl.col(name).replace_strict(mapping, default=None, return_dtype=pl.Utf8)
        for name, mapping in codes.items()
        if name in frame.columns
    )


def activity_slices(
    rows: QuerySet[Activity],
    platform_id: int,
    names: Sequence[str] = tuple(COLUMNS),
    batch: int = BATCH,
) -> Iterator[pl.DataFrame]:
    """The rows as polars frames of `batch` rows (only the columns `names`), read with a
    server-side cursor on PostgreSQL (a lazily stepped statement on SQLite): memory holds one
    batch at a time. Every value crosses into Python once, so fewer columns read faster."""
    codes = _codes(platform_id)
    query = _values(rows, names)
    schema = {name: _RAW[name] for name in names}
    sql, params = query.query.sql_with_params()
    with connections[query.db].chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while records := cursor.fetchmany(batch):
            raw = pl.DataFrame(records, schema=schema, orient="row", strict=False)
            yield _decode(raw, codes)


def activity_page(
    rows: QuerySet[Activity], platform_id: int, page: int, size: int
) -> tuple[int, list[dict]]:
    """The total count and the records of one page (through the ORM: values come converted,
    booleans as booleans and issues as lists)."""
    count = rows.count()
    start = (page - 1) * size
    records = list(_values(rows)[start : start + size]) if start < count else []
    codes = _codes(platform_id) if records else {}
    found = []
    for record in records:
        item = dict(zip(COLUMNS, record, strict=True))
        for name, mapping in codes.items():
            item[name] = mapping.get(item[name]) if item[name] is not None else None
        found.append(item)
    return count, found
