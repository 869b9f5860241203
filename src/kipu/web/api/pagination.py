"""Activity rows for the API: the scoped queryset, pages in a stable order (by id), and
polars slices read through a server-side cursor so exports of any size keep memory flat."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import polars as pl
from django.db import connections
from django.db.models import Case, CharField, F, Q, QuerySet, Value, When
from django.db.models.functions import Cast, Coalesce, Concat

from kipu.core.frame import ACTIVITY_FRAME
from kipu.web.accounts.scope import Scope
from kipu.web.platforms.models import Organisation
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


def _org_key(prefix: str) -> Case:
    """An organisation's key as Organisation.key computes it: registry id, else org-<id>;
    null without an organisation (Concat would turn NULL into "org-")."""
    return Case(
        When(**{f"{prefix}__isnull": True}, then=Value(None)),
        default=Coalesce(
            F(f"{prefix}__external_id"),
            Concat(Value("org-"), Cast(f"{prefix}_id", CharField())),
        ),
        output_field=CharField(),
    )


_EXPRESSIONS: dict[str, Any] = {
    "id": F("pk"),
    "submission": F("submission_id"),
    "admin1": F("admin1__pcode"),
    "admin2": F("admin2__pcode"),
    "appealing_org": _org_key("appealing_org"),
    "implementing_partner": _org_key("implementing_partner"),
    "sector": F("sector__code"),
    "indicator": F("indicator__code"),
}


@dataclass(frozen=True)
class ActivityFilter:
    date_from: str | None = None
    date_to: str | None = None
    sector: str | None = None
    admin1: str | None = None
    organisation: Organisation | None = None


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
    if wanted.admin1:
        rows = rows.filter(admin1__pcode=wanted.admin1)
    if wanted.organisation is not None:
        rows = rows.filter(appealing_org=wanted.organisation)
    return rows.order_by("pk")


def _values(rows: QuerySet[Activity]) -> QuerySet[Any]:
    named = {f"_{n}": e for n, e in _EXPRESSIONS.items()}
    return rows.annotate(**named).values_list(
        *[f"_{n}" if n in _EXPRESSIONS else n for n in COLUMNS]
    )


def _frame(records: list[tuple[Any, ...]]) -> pl.DataFrame:
    return pl.DataFrame(records, schema=COLUMNS, orient="row", strict=False)


def activity_slices(rows: QuerySet[Activity], batch: int = BATCH) -> Iterator[pl.DataFrame]:
    """The rows as polars frames of `batch` rows, read with a server-side cursor on
    PostgreSQL (a lazily stepped statement on SQLite): memory holds one batch at a time."""
    query = _values(rows)
    sql, params = query.query.sql_with_params()
    connection = connections[query.db]
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while records := cursor.fetchmany(batch):
            yield _frame(records)


def activity_page(rows: QuerySet[Activity], page: int, size: int) -> tuple[int, list[dict]]:
    """The total count and the records of one page (through the ORM: values come converted,
    booleans as booleans and issues as lists)."""
    count = rows.count()
    start = (page - 1) * size
    records = list(_values(rows)[start : start + size]) if start < count else []
    return count, [dict(zip(COLUMNS, record, strict=True)) for record in records]
