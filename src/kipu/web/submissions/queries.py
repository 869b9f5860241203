"""Reads: submissions and stored activities as activity frames.

Reading a million stored rows through the DB-API row by row takes tens of seconds, so
`activity_frame` takes a fast path per database: PostgreSQL streams the rows out with
`COPY … TO STDOUT (FORMAT csv)` into polars' CSV reader, or ADBC; SQLite's small results are
read through the sqlite3 module in large batches straight into column lists, its large ones by
ADBC into Arrow in a child process (`sqlite_arrow`). Either way the rows come with the ids of
their places, organisations, sectors and indicators, and polars puts the codes in. The plain
path stays as the reference the fast paths are tested against.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Sequence
from typing import Any

import polars as pl
from django.db import connection
from django.db.models import Count, Exists, Q, Sum

from kipu.core.frame import ACTIVITY_FRAME
from kipu.web.platforms.models import Organisation, Platform
from kipu.web.submissions import sqlite_arrow
from kipu.web.submissions.models import (
    REFERENCE_COLUMNS,
    REQUIRED_REFERENCES,
    Activity,
    Submission,
)

_SELECT = """
SELECT a."row", a.country, a.admin1_id, a.admin2_id, a.appealing_org_id, a.implementation,
       a.implementing_partner_id, a.month, a.sector_id, a.indicator_id, a.activity_name,
       a.activity_description, a.rmrp_activity, a.covid19, a.support_space, a.cva, a.value_usd,
       a.delivery_mechanism, {counts}{extra}
FROM {activity} a
JOIN {submission} sub ON sub.id = a.submission_id AND {which}
WHERE a.platform_id = %s {where}
"""
_CURRENT = "sub.status = 'current'"
# The rows are read with the ids of their places, organisations, sector and indicator, and
# the codes are put in by polars from the (small) reference tables: joining them in SQL made
# reading a million rows two to three times slower.
Codes = dict[str, list[tuple[int, str]]]  # reference table → (id, code), in id order
# Columns the snapshot keeps besides the frame's: which submission a row came from, and
# whether it was stored without accepted issues.
SNAPSHOT_COLUMNS: dict[str, Any] = {"submission_id": pl.Int64, "clean": pl.Boolean}
# `clean`: no error accepted with the row (rows with warnings only are clean: they count).
_SNAPSHOT_SQL = ", a.submission_id, CASE WHEN a.has_error THEN 0 ELSE 1 END"
Param = str | int | bool | None
# Rows read through the sqlite3 module before the child process of `sqlite_arrow` is worth its
# start (about 0.3 s, what sqlite3 takes for some 30,000 rows of activities); a large result
# wastes them (0.1 s).
IN_PROCESS_ROWS = 10_000
_COUNTS = [n for n in ACTIVITY_FRAME if ACTIVITY_FRAME[n] == pl.Int64 and n != "row"]
log = logging.getLogger(__name__)


def _sql(
    platform: Platform,
    conditions: Sequence[tuple[str, Param]],
    extra: str = "",
    which: str = _CURRENT,
) -> tuple[str, list[Param]]:
    """`_SELECT` with the `conditions` whose value is not None (`%s` bound to it), and the
    submissions whose rows are read: `which`, a condition on `sub` (the current ones unless
    told). Returns (sql, params)."""
    where: list[str] = []
    params: list[Param] = [platform.pk]
    for condition, value in conditions:
        if value is not None:
            where.append(condition)
            if "%s" in condition:
                params.append(value)
    sql = _SELECT.format(
        counts=", ".join(f"a.{c}" for c in _COUNTS),
        extra=extra,
        activity=Activity._meta.db_table,
        submission=Submission._meta.db_table,
        which=which,
        where="".join(f" AND {w}" for w in where),
    )
    if connection.vendor == "sqlite":
        # Left to itself, SQLite walks the activities through the submission index: one random
        # read per row, ten times slower than a scan. CROSS JOIN fixes the activities as the
        # outer loop (its own WHERE terms may still use an index).
        sql = sql.replace("\nJOIN ", "\nCROSS JOIN ")
    return sql, params


def _with_ids(schema: dict[str, Any]) -> dict[str, Any]:
    return {
        name: pl.Int64 if name in REFERENCE_COLUMNS else dtype for name, dtype in schema.items()
    }


def reference_codes(platform: Platform, *others: Platform) -> Codes:
    """The codes a platform's stored rows are read with: P-codes, organisation keys, and the
    sector and indicator codes of its plans (and of the plans of `others`: the platforms of a
    view), each with its id."""
    from kipu.web.locations.models import Location
    from kipu.web.plans.models import Indicator, Sector

    in_plans = {"plan__platform__in": [platform.pk, *(o.pk for o in others)]}
    return {
        "location": list(Location.objects.order_by("id").values_list("id", "pcode")),
        "organisation": [
            (o.pk, o.key) for o in Organisation.objects.order_by("id").only("id", "external_id")
        ],
        "sector": list(Sector.objects.filter(**in_plans).order_by("id").values_list("id", "code")),
        "indicator": list(
            Indicator.objects.filter(**in_plans).order_by("id").values_list("id", "code")
        ),
    }


def _with_codes(frame: pl.DataFrame, codes: Codes) -> pl.DataFrame:
    """Ids replaced by codes; rows whose place, organisation, sector or indicator is gone are
    left out, as an inner join would."""
    lookups = {table: dict(pairs) for table, pairs in codes.items()}
    coded = frame.with_columns(
        pl.col(name).replace_strict(lookups[table], default=None, return_dtype=pl.Utf8)
        for name, table in REFERENCE_COLUMNS.items()
    )
    return coded.filter(pl.all_horizontal(pl.col(n).is_not_null() for n in REQUIRED_REFERENCES))


def activity_frame(
    platform: Platform,
    *,
    organisation: Organisation | None = None,
    month_from: str | None = None,
    month_to: str | None = None,
    exclude_month: str | None = None,
    with_issues: bool = True,
    fast: bool = True,
) -> pl.DataFrame:
    """The current activities of `platform` as an activity frame (codes and keys, not ids).

    Rows stored with accepted errors are included unless `with_issues` is false (rows with
    warnings only are always included). `fast=False`
    reads through the plain DB-API path (the reference the fast paths must equal).
    """
    sql, params = _sql(
        platform,
        [
            ("a.appealing_org_id = %s", organisation.pk if organisation else None),
            ("a.month >= %s", month_from),
            ("a.month <= %s", month_to),
            ("a.month <> %s", exclude_month),
            ("NOT a.has_error", None if with_issues else True),
        ],
    )
    return read_frame(sql, params, ACTIVITY_FRAME, reference_codes(platform), fast=fast)


def snapshot_frame(
    platform: Platform,
    submissions: Sequence[int] | None = None,
    codes: Codes | None = None,
    *,
    whole: bool = False,
) -> pl.DataFrame:
    """The activities of the given submissions of `platform` (every current activity when
    `submissions` is None), accepted-issue rows included, with the SNAPSHOT_COLUMNS added.

    Given submissions are read whatever their status now: a snapshot lists the current
    submissions and then reads their rows, and one replaced in between must still give its
    rows (the stamps recorded say it is held), not none. `whole`: they are most of the
    platform's, read by one pass over its activities rather than through the submission
    index (the same rows either way). `codes` (from `reference_codes`) saves reading them
    again."""
    if submissions is None:
        sql, params = _sql(platform, [], _SNAPSHOT_SQL)
        current = Submission.objects.filter(platform=platform, status="current")
        expected = current.aggregate(rows=Sum("row_count"))["rows"] or 0
    else:
        # Integers written in the SQL: thousands of them would pass SQLite's limit of bound
        # parameters.
        listed = f"({', '.join(str(int(pk)) for pk in submissions) or 'NULL'})"
        # On the joined submission, a whole read still scans the activities (see `_sql`);
        # on the activities, a few submissions' rows are found through their index.
        condition = [] if whole else [(f"a.submission_id IN {listed}", listed)]
        sql, params = _sql(platform, condition, _SNAPSHOT_SQL, which=f"sub.id IN {listed}")
        expected = _row_count(platform, listed)
    schema = {**ACTIVITY_FRAME, **SNAPSHOT_COLUMNS}
    return read_frame(sql, params, schema, codes or reference_codes(platform), expected=expected)


def _row_count(platform: Platform, listed: str) -> int:
    """The rows the submissions `listed` (an SQL list of ids) of `platform` say they hold."""
    table = Submission._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT SUM(row_count) FROM {table} WHERE platform_id = %s AND id IN {listed}",
            [platform.pk],
        )
        found = cursor.fetchone()
    return int(found[0] or 0) if found else 0


def read_frame(
    sql: str,
    params: list[Param],
    schema: dict[str, Any],
    codes: Codes,
    *,
    fast: bool = True,
    expected: int | None = None,
) -> pl.DataFrame:
    """The rows of `sql` (`_SELECT`: ids, not codes) as a frame of `schema`, with codes.
    `expected`: how many rows the submissions say there are, when known (it only chooses
    how SQLite's rows are read)."""
    frame = _read_ids(sql, params, _with_ids(schema), fast=fast, expected=expected)
    return _with_codes(frame, codes) if frame.height else pl.DataFrame(schema=schema)


def _read_ids(
    sql: str, params: list[Param], schema: dict[str, Any], *, fast: bool, expected: int | None
) -> pl.DataFrame:
    if not fast:
        with connection.cursor() as cursor:
            cursor.execute(sql + _sqlite_order(), params)
            records = cursor.fetchall()
        frame = pl.DataFrame(records, schema=schema, orient="row", strict=False)
    elif connection.vendor == "postgresql":
        found = _read_arrow(sql, params, schema)
        frame = found if found is not None else _read_postgres(sql, params, schema)
    else:
        frame = _read_sqlite(sql, params, schema, expected)
    return frame if frame.height else pl.DataFrame(schema=schema)


_LIBPQ = ("sslmode", "sslrootcert", "sslcert", "sslkey", "connect_timeout", "options")


def _read_arrow(sql: str, params: list[Param], schema: dict[str, Any]) -> pl.DataFrame | None:
    """PostgreSQL's rows read straight into Arrow by its ADBC driver (libpq, binary COPY): no
    Python object per value, a million rows in about a second.

    None, and the caller reads with `_read_postgres`, when the driver is not installed, when
    the current transaction may hold rows of its own (the driver's connection is another
    one, which cannot see them), or when the driver fails.
    """
    if connection.in_atomic_block:
        return None
    try:
        import adbc_driver_manager
        import adbc_driver_postgresql
        from psycopg import sql as pgsql
        from psycopg.conninfo import make_conninfo
    except ImportError:
        return None
    query = pgsql.SQL(sql.replace("%s", "{}")).format(*(pgsql.Literal(p) for p in params))
    where = connection.settings_dict
    options = {k: v for k, v in (where.get("OPTIONS") or {}).items() if k in _LIBPQ}
    known = {"dbname": where["NAME"], "user": where["USER"], "password": where["PASSWORD"],
             "host": where["HOST"], "port": where["PORT"], **options}  # fmt: skip
    # The driver hands text over as the server sends it, unchecked: in the database's encoding
    # (or PGCLIENTENCODING's) unless told UTF-8, which this overrides.
    conninfo = make_conninfo("", **{k: v for k, v in known.items() if v}, client_encoding="UTF8")
    try:
        with (
            adbc_driver_postgresql.connect(conninfo) as database,
            adbc_driver_manager.AdbcConnection(database) as link,
            adbc_driver_manager.AdbcStatement(link) as statement,
        ):
            statement.set_sql_query(query.as_string())
            stream, _ = statement.execute_query()
            frame = pl.DataFrame(stream)
        frame.columns = list(schema)
        return _utf8_checked(frame).cast(schema)  # type: ignore[arg-type]
    except (adbc_driver_manager.Error, pl.exceptions.PolarsError, OSError) as error:
        log.warning("reading the rows through ADBC failed (%s): COPY instead", error)
        return None


def _utf8_checked(frame: pl.DataFrame) -> pl.DataFrame:
    """`frame` with its text columns checked to be UTF-8 (polars takes Arrow text as it comes:
    other bytes would fail later, or panic, where the frame is used). Raises PolarsError
    (InvalidOperationError) for a value that is not UTF-8."""
    texts = [name for name, dtype in frame.schema.items() if dtype == pl.Utf8]
    if not texts:
        return frame
    return frame.with_columns(pl.col(texts).cast(pl.Binary).cast(pl.Utf8))


def _read_postgres(sql: str, params: list[Param], schema: dict[str, Any]) -> pl.DataFrame:
    from psycopg import sql as pgsql

    query = pgsql.SQL(sql.replace("%s", "{}")).format(*(pgsql.Literal(p) for p in params))
    copy_sql = pgsql.SQL("COPY ({}) TO STDOUT WITH (FORMAT csv)").format(query)
    connection.ensure_connection()
    with connection.connection.cursor() as cursor, cursor.copy(copy_sql) as copy:
        data = b"".join(copy)  # psycopg hands over one block per row
    if not data:
        return pl.DataFrame(schema=schema)
    # PostgreSQL writes booleans as t/f, and an unquoted empty field for NULL but "" for an
    # empty string, which polars' reader tells apart.
    texts = {n: (pl.Utf8 if t == pl.Boolean else t) for n, t in schema.items()}
    frame = pl.read_csv(io.BytesIO(data), has_header=False, schema=texts)
    flags = [n for n, t in schema.items() if t == pl.Boolean and n != "clean"]
    return frame.with_columns(
        *(pl.col(n).replace_strict({"t": True, "f": False}, default=None, return_dtype=pl.Boolean)
          for n in flags),
        *([pl.col("clean").cast(pl.Int64).cast(pl.Boolean)] if "clean" in schema else []),
    )  # fmt: skip


def _sqlite_order() -> str:
    """SQLite's rows in id order, whichever index its plan walks: `sqlite_arrow` reads the
    rows in two halves of the id range, and every SQLite reading gives the same frame."""
    return " ORDER BY a.id" if connection.vendor == "sqlite" else ""


def _read_sqlite(
    sql: str, params: list[Param], schema: dict[str, Any], expected: int | None
) -> pl.DataFrame:
    """Small results through the sqlite3 module; large ones through ADBC in a child process
    (`sqlite_arrow`), whose start costs what sqlite3 takes for about 30,000 rows. Unless the
    `expected` row count says, the first IN_PROCESS_ROWS + 1 rows decide: a small result is
    read in that one pass (counting the rows first cost small reads of a large store a second
    scan), a large one wastes them."""
    large = expected is not None and expected > IN_PROCESS_ROWS
    if large and sqlite_arrow.applies():
        found = sqlite_arrow.read(sql, params, schema, Activity._meta.db_table)
        if found is not None:
            return found
    connection.ensure_connection()
    query = sql.replace("%s", "?") + _sqlite_order()
    cursor = connection.connection.execute(query, params)
    batches = [cursor.fetchmany(IN_PROCESS_ROWS + 1)]
    if not large and len(batches[0]) > IN_PROCESS_ROWS and sqlite_arrow.applies():
        cursor.close()
        found = sqlite_arrow.read(sql, params, schema, Activity._meta.db_table)
        if found is not None:
            return found
        cursor, batches = connection.connection.execute(query, params), []
    while batch := cursor.fetchmany(50_000):
        batches.append(batch)
    cursor.close()
    return _rows_frame(batches, schema)


def _read_sqlite_rows(sql: str, params: list[Param], schema: dict[str, Any]) -> pl.DataFrame:
    """Every row through the sqlite3 module (the reference the other readings are tested
    against)."""
    connection.ensure_connection()
    cursor = connection.connection.execute(sql.replace("%s", "?") + _sqlite_order(), params)
    batches = []
    while batch := cursor.fetchmany(50_000):
        batches.append(batch)
    cursor.close()
    return _rows_frame(batches, schema)


def _rows_frame(batches: list[list[tuple[Any, ...]]], schema: dict[str, Any]) -> pl.DataFrame:
    """Batches of sqlite3 rows as a frame of `schema`, straight into column lists."""
    columns: list[list[object]] = [[] for _ in schema]
    for batch in filter(None, batches):
        for values, column in zip(zip(*batch, strict=True), columns, strict=True):
            column.extend(values)
    # SQLite hands booleans back as 0/1 integers.
    return pl.DataFrame(
        [
            pl.Series(name, values, dtype=pl.Int8 if dtype == pl.Boolean else dtype, strict=False)
            for (name, dtype), values in zip(schema.items(), columns, strict=True)
        ]
    ).cast({n: pl.Boolean for n, t in schema.items() if t == pl.Boolean})


def history_frame(
    platform: Platform, organisation: Organisation | None, exclude_month: str | None
) -> pl.DataFrame | None:
    """An organisation's other months, for the `outlier` warning."""
    if organisation is None:
        return None
    return activity_frame(platform, organisation=organisation, exclude_month=exclude_month)


def current_rows_by_indicator_sector(
    indicator_ids: Sequence[int],
) -> dict[int, list[tuple[int, str, int]]]:
    """Indicator id → (sector id, its English name, rows) per sector the rows of current
    submissions name it under (indicators no row names: left out). A row keeps the sector it
    was reported under, which is not always the indicator's sector now."""
    if not indicator_ids:
        return {}
    rows = (
        Activity.objects.filter(indicator_id__in=list(indicator_ids), submission__status="current")
        .values("indicator_id", "sector_id", "sector__name_en")
        .annotate(rows=Count("id"))
        .order_by("sector__name_en")
    )
    found: dict[int, list[tuple[int, str, int]]] = {}
    for row in rows:
        entry = (row["sector_id"], row["sector__name_en"], row["rows"])
        found.setdefault(row["indicator_id"], []).append(entry)
    return found


def list_submissions(
    platform: Platform, organisation: Organisation | None = None, month: str | None = None
) -> list[dict[str, object]]:
    rows = Submission.objects.filter(platform=platform).select_related("organisation")
    if organisation is not None:
        rows = rows.filter(organisation=organisation)
    if month:
        rows = rows.filter(month=month)
    return [
        submission_summary(s)
        for s in rows.order_by("organisation__name_en", "month", "-uploaded_at")
    ]


def submission_summary(s: Submission) -> dict[str, object]:
    return {
        "id": s.pk,
        "organisation": s.organisation.key,
        "organisation_name": str(s.organisation),
        "month": s.month,
        "status": s.status,
        "file_name": s.file_name,
        "rows": s.row_count,
        "uploaded_at": s.uploaded_at.isoformat(timespec="seconds"),
        "checksum": s.checksum[:12],
        "replaces": s.replaces_id,
        "accepted_issues": s.accepted_issues,
    }


def scoped_report(report: dict[str, Any], rows: frozenset[int] | None) -> dict[str, Any]:
    """A stored validation report narrowed to `rows` (see `Scope.submission_rows`): issues of
    other rows are removed and the counts recomputed from what is left; file-level issues
    stay. `rows` None gives the report unchanged."""
    if rows is None or not report:
        return report
    issues = [i for i in report.get("issues") or [] if i.get("row") is None or i["row"] in rows]
    by_code: dict[str, int] = {}
    for issue in issues:
        by_code[issue["code"]] = by_code.get(issue["code"], 0) + 1
    with_errors = {i["row"] for i in issues if i.get("row") and i["severity"] == "error"}
    with_warnings = {i["row"] for i in issues if i.get("row") and i["severity"] == "warning"}
    summary = {
        **(report.get("summary") or {}),
        "rows_read": len(rows),
        "rows_valid": len(rows) - len(with_errors),
        "rows_with_errors": len(with_errors),
        "rows_with_warnings": len(with_warnings),
        "errors": sum(1 for i in issues if i["severity"] == "error"),
        "warnings": sum(1 for i in issues if i["severity"] == "warning"),
        "issues_by_code": dict(sorted(by_code.items(), key=lambda kv: (-kv[1], kv[0]))),
        "issues_by_code_and_org": {},
        "rows_shown": "your sectors only",
    }
    return {**report, "summary": summary, "issues": issues}


# Conditions `activities_exist` asks in one query: a query's columns and parameters are
# bounded (SQLite reads up to 2,000 columns; each condition takes a few parameters).
EXISTS_PER_QUERY = 250


def activities_exist(conditions: Sequence[Q]) -> list[bool]:
    """Whether any stored activity meets each of `conditions`: one EXISTS each (an index seek
    when it names a platform and a month), EXISTS_PER_QUERY of them in one query."""
    found: list[bool] = []
    for start in range(0, len(conditions), EXISTS_PER_QUERY):
        chunk = conditions[start : start + EXISTS_PER_QUERY]
        checks = {f"e{i}": Exists(Activity.objects.filter(c)) for i, c in enumerate(chunk)}
        # Any one row to select them from: the platforms' table is never empty here.
        row = Platform.objects.values(**checks).order_by().first() or {}
        found += [bool(row.get(f"e{i}")) for i in range(len(chunk))]
    return found
