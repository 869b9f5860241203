"""Writes: submissions and their activities. A valid submission replaces, in one transaction,
the organisation's current rows for that month and platform; the replaced version is kept."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from typing import TypeGuard

import polars as pl
from django.contrib.auth.models import User
from django.db import connection, models, transaction

from kipu.core.frame import ACTIVITY_FRAME
from kipu.web.locations.models import Location
from kipu.web.plans.models import Indicator, Sector
from kipu.web.plans.queries import plan_for
from kipu.web.platforms.models import Organisation, Platform
from kipu.web.submissions.models import (
    REFERENCE_COLUMNS,
    REQUIRED_REFERENCES,
    Activity,
    Submission,
)

# Told (rows stored so far, rows to store) after each batch: a long import's progress bar.
RowsStored = Callable[[int, int], None]

# Rows written per statement batch: big enough to be fast, small enough to show progress.
BATCH_ROWS = 20_000


def rows_digest(rows: pl.DataFrame) -> str:
    """A SHA-256 of what `rows` (an activity frame) stores: its columns, their types and its
    rows in order. A file or JSON body sent again is unchanged only when its digest is the
    current version's too: its checksum alone said "unchanged" of rows the reference data
    now reads otherwise (an implementing partner registered since: a tester's). polars'
    row hashes may change with its version: a file sent again after an upgrade is then
    stored again, which changes nothing."""
    digest = hashlib.sha256(json.dumps([rows.columns, [str(t) for t in rows.dtypes]]).encode())
    if rows.height:
        hashes = rows.hash_rows(seed=0)
        digest.update(hashes.to_numpy().tobytes())
    return digest.hexdigest()


def unchanged(current: Submission | None, checksum: str, digest: str) -> TypeGuard[Submission]:
    """Whether `current` (the current version) holds what a file or body of `checksum`
    would store, rows of `digest` (`rows_digest`)."""
    return current is not None and (current.checksum, current.rows_digest) == (checksum, digest)


@transaction.atomic
def store_submission(
    platform: Platform,
    organisation: Organisation,
    month: str,
    rows: pl.DataFrame,
    *,
    file_name: str = "",
    checksum: str = "",
    report: dict | None = None,
    uploaded_by: User | None = None,
    accepted_issues: bool = False,
    keys: dict[str, dict[str, int]] | None = None,
    on_rows: RowsStored | None = None,
    digest: str = "",
) -> Submission:
    """Store `rows` (an activity frame) as the current version of (organisation, month).
    `keys` (from `key_maps`) saves the look-ups when one file stores many submissions;
    `digest`, the rows' `rows_digest` when the caller has it."""
    previous = (
        Submission.objects.select_for_update()
        .filter(
            platform=platform,
            organisation=organisation,
            month=month,
            status=Submission.Status.CURRENT,
        )
        .first()
    )
    if previous is not None:
        previous.status = Submission.Status.SUPERSEDED
        previous.save(update_fields=["status"])
    submission = Submission.objects.create(
        platform=platform,
        organisation=organisation,
        month=month,
        file_name=file_name,
        checksum=checksum,
        rows_digest=digest or rows_digest(rows),
        report=report or {},
        uploaded_by=uploaded_by,
        status=Submission.Status.CURRENT,
        replaces=previous,
        accepted_issues=accepted_issues,
        row_count=rows.height,
    )
    insert_activities(submission, rows, keys, on_rows)
    return submission


def key_maps(platform: Platform, rows: pl.DataFrame) -> dict[str, dict[str, int]]:
    """Database ids of the places, organisations, sectors and indicators `rows` name."""
    pcodes = set(rows["admin1"].drop_nulls()) | set(rows["admin2"].drop_nulls())
    locations = dict(Location.objects.filter(pcode__in=pcodes).values_list("pcode", "id"))
    organisations = {
        o.key: o.pk for o in Organisation.objects.filter(memberships__platform=platform)
    }
    # Each year's rows were checked against the plan of that year (`plan_year_for`: its own,
    # else the nearest; the holder's, for a platform using the plan of one above it), and
    # are stored against it, keyed "YEAR|code" (`_plan_key`): a 2020 row valid against the
    # 2019 plan had no indicator to be stored with, and with one map over several plans the
    # same code of two plans went to the last one.
    years = {int(m[:4]) for m in rows["month"].drop_nulls()}
    plans = {year: plan for year in years if (plan := plan_for(platform, year)) is not None}
    sectors: dict[str, int] = {}
    indicators: dict[str, int] = {}
    for year, plan in plans.items():
        sectors |= {f"{year}|{c}": i for c, i in plan.sectors.values_list("code", "id")}
        indicators |= {f"{year}|{c}": i for c, i in plan.indicators.values_list("code", "id")}
    return {
        "admin1": locations,
        "admin2": locations,
        "appealing_org": organisations,
        "implementing_partner": organisations,
        "sector": sectors,
        "indicator": indicators,
    }


def _plan_key(name: str) -> pl.Expr:
    """The column as `key_maps` keys it: sectors and indicators by "YEAR|code" (each year's
    rows against their own plan), the rest by code."""
    if name in ("sector", "indicator"):
        return pl.concat_str(pl.col("month").str.slice(0, 4), pl.lit("|"), pl.col(name))
    return pl.col(name)


def insert_activities(
    submission: Submission,
    rows: pl.DataFrame,
    keys: dict[str, dict[str, int]] | None = None,
    on_rows: RowsStored | None = None,
) -> int:
    """Insert an activity frame's rows for `submission` in batches; returns the count."""
    owned = rows.with_columns(pl.lit(submission.pk).alias("submission_id"))
    return insert_rows(submission.platform, owned, keys, on_rows)


def insert_rows(
    platform: Platform,
    rows: pl.DataFrame,
    keys: dict[str, dict[str, int]] | None = None,
    on_rows: RowsStored | None = None,
) -> int:
    """Insert activity-frame rows that carry their `submission_id` (one statement stream for
    a whole file, whatever the number of submissions it makes)."""
    maps = keys or key_maps(platform, rows)
    frame = rows.with_columns(
        _plan_key(name).replace_strict(maps[name], default=None, return_dtype=pl.Int64).alias(name)
        for name in REFERENCE_COLUMNS
    )
    missing = frame.filter(pl.any_horizontal(pl.col(n).is_null() for n in REQUIRED_REFERENCES))
    if missing.height:
        raise ValueError(
            f"{missing.height} rows name a place, organisation, sector or indicator "
            "that is not in the platform's reference data"
        )
    lock_reference_rows(platform, frame)
    issues = rows["issue_codes"] if "issue_codes" in rows.columns else None
    has_error = rows["has_error"].fill_null(False) if "has_error" in rows.columns else pl.lit(False)
    data = frame.select([*ACTIVITY_FRAME, "submission_id"]).with_columns(
        pl.col("activity_name", "activity_description", "delivery_mechanism").fill_null(""),
        pl.lit(platform.pk).alias("platform_id"),
        _issues_json(issues).alias("issues"),
        has_error.alias("has_error"),
    )
    columns = [str(f.column) for f in Activity._meta.concrete_fields if f.column != "id"]
    ordered = data.rename({name: f"{name}_id" for name in REFERENCE_COLUMNS}).select(columns)
    write = _copy_rows if connection.vendor == "postgresql" else _insert_batches
    done = 0
    for batch in write(ordered, columns):
        done += batch
        if on_rows:
            on_rows(done, ordered.height)
    return ordered.height


def _insert_batches(rows: pl.DataFrame, columns: list[str]) -> Iterator[int]:
    sql = (
        f"INSERT INTO {Activity._meta.db_table} ({', '.join(columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    with connection.cursor() as cursor:
        for batch in rows.iter_slices(BATCH_ROWS):
            cursor.executemany(sql, batch.rows())
            yield batch.height


def lock_reference_rows(platform: Platform, frame: pl.DataFrame) -> None:
    """Hold, until the transaction ends, the reference rows that `frame`'s resolved ids name,
    and make sure they still exist: what the database's foreign keys would do row by row,
    done once per table (see the `Activity` docstring). SQLite has one writer at a time."""
    if connection.vendor != "postgresql":
        return
    tables = {
        "location": Location,
        "organisation": Organisation,
        "sector": Sector,
        "indicator": Indicator,
    }
    wanted: dict[type[models.Model], set[int]] = {Platform: {platform.pk}}
    for name, table in REFERENCE_COLUMNS.items():
        model = tables[table]
        wanted[model] = wanted.get(model, set()) | set(frame[name].drop_nulls().to_list())
    with connection.cursor() as cursor:
        for model, ids in wanted.items():
            cursor.execute(
                f"SELECT count(*) FROM (SELECT 1 FROM {model._meta.db_table} "
                "WHERE id = ANY(%s) FOR KEY SHARE) AS locked",
                [sorted(ids)],
            )
            if cursor.fetchone()[0] != len(ids):
                raise ValueError(
                    f"a {model._meta.verbose_name} named by these rows was deleted meanwhile"
                )


def _copy_rows(rows: pl.DataFrame, columns: list[str]) -> Iterator[int]:
    """PostgreSQL's COPY, inside the current transaction: ten times faster than INSERTs. The
    rows travel as CSV written by polars: text columns are quoted (so "" stays an empty
    string), nulls are bare (so they stay NULL)."""
    statement = (
        f"COPY {Activity._meta.db_table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv)"
    )
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for batch in rows.iter_slices(BATCH_ROWS):
            copy.write(batch.write_csv(include_header=False, quote_style="non_numeric"))
            yield batch.height


def _issues_json(issues: pl.Series | None) -> pl.Expr:
    """The JSON list of accepted issue codes per row ("[]" for clean rows)."""
    if issues is None or issues.list.len().sum() == 0:
        return pl.lit("[]")
    return pl.lit(pl.Series([json.dumps(codes or []) for codes in issues.to_list()]))
