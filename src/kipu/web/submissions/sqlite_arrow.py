"""SQLite's stored rows read straight into Arrow by the ADBC SQLite driver, in two halves at
once: a snapshot rebuild of a million rows reads in about 2.5 s, against 17 s through the
sqlite3 module (a Python object per value) and 4-5 s through one ADBC statement.

The halves are two statements on two read-only connections, split by row id. Each statement
sees the database as it was when it started; `PRAGMA data_version` on a third connection,
asked before and after, says whether another connection committed in between (SQLite:
"the integer values returned by two invocations of PRAGMA data_version from the same
connection will be different if changes were committed to the database by any other
connection in the interim"). Then the halves may come from two states of the database (a
submission replaced between them: half of its rows), and the rows are read again in one
statement, which is consistent by itself.

The driver infers each column's type from the rows of a batch and fails when a later batch
disagrees (a text column whose first thousand values are NULL), so each statement returns a
single batch; the frame is then cast to the schema, and any failure gives None: the caller
reads through the sqlite3 module.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
from pathlib import Path
from typing import Any

import polars as pl
from django.db import connection

log = logging.getLogger(__name__)
_ONE_BATCH = str(2**30)  # rows per batch: every row, so the types come from all of them
# The driver's connections wait for a lock as Django's do (its `timeout`, 20 s), rather than
# answer "database is locked" at once: two halves starting together after a large import
# (a write-ahead log of many pages) contend for the same read slot, and a writer in
# rollback-journal mode holds the file for the length of its commit.
BUSY_TIMEOUT = "PRAGMA busy_timeout = 20000"


def read(sql: str, params: list[Any], schema: dict[str, Any], table: str) -> pl.DataFrame | None:
    """The rows of `sql` on Django's SQLite database (see `read_file`), or None when the
    database is in memory (tests) or the current transaction may hold rows of its own (the
    driver's connections cannot see them)."""
    path = connection.settings_dict.get("NAME")
    if connection.in_atomic_block or not _file_database(path):
        return None
    return read_file(Path(str(path)), sql, params, schema, table)


def read_file(
    path: Path, sql: str, params: list[Any], schema: dict[str, Any], table: str
) -> pl.DataFrame | None:
    """The rows of `sql` (`%s` placeholders; `a` is the alias of `table`, which has an integer
    `id`; no ORDER BY or LIMIT) in the SQLite file `path`, as a frame of `schema` (one column
    per selected expression, in order), in id order (`ORDER BY a.id`: the order the sqlite3
    reading is asked for too). None when this reading does not apply: the driver is not
    installed, a parameter cannot be written as a literal, the driver fails, or a column
    holds what the sqlite3 reading would read otherwise (`_typed`)."""
    try:
        import adbc_driver_manager
        import adbc_driver_sqlite  # noqa: F401 - checked here, used by _statement
    except ImportError:
        return None
    query = _with_literals(sql, params)
    if query is None:
        return None
    uri = path.resolve().as_uri() + "?mode=ro"
    try:
        with contextlib.closing(sqlite3.connect(uri, uri=True, timeout=20)) as watch:
            before = _data_version(watch)
            frames = _halves(uri, query, _id_range(watch, table))
            if _data_version(watch) != before:  # written to between the halves: one state
                frames = [_statement(uri, query)]
        typed = [_typed(frame, schema) for frame in frames]
    except (adbc_driver_manager.Error, pl.exceptions.PolarsError, sqlite3.Error, OSError) as error:
        first = (str(error).splitlines() or [""])[0][:200]  # the driver's message ends with the SQL
        log.warning("reading the rows through ADBC SQLite failed (%s): sqlite3 instead", first)
        return None
    if any(frame is None for frame in typed):
        return None
    return pl.concat([frame for frame in typed if frame is not None])


# The driver's type of a column (from its values: SQLite stores any value in any column) that
# reads as the sqlite3 reading reads it, for each type of the schema. Anything else, and the
# values are not what they seem: one text value in a REAL column makes the driver give every
# number as text of 15 digits (0.30000000000000004 → "0.3"); one REAL value in an integer
# column, every integer as a double (2**62 + 1 → 2**62); a blob in a text column, its bytes
# (sqlite3 gives None).
_READS_AS: dict[Any, tuple[Any, ...]] = {
    pl.Int64: (pl.Int64,),
    pl.Float64: (pl.Float64, pl.Int64),
    pl.Utf8: (pl.Utf8,),
    pl.Boolean: (pl.Int64,),
}


def _typed(frame: pl.DataFrame, schema: dict[str, Any]) -> pl.DataFrame | None:
    """`frame` (as the driver gave it) cast to `schema`, or None when a column holds what the
    sqlite3 reading reads otherwise (see `_READS_AS`). Booleans must be 0 or 1: Django reads a
    `bool` column as value == 1, so a stored 2 is False there and would be True here. Text is
    checked to be UTF-8 (sqlite3 refuses what is not; the driver hands it over unchecked).
    Raises PolarsError for invalid UTF-8."""
    frame.columns = list(schema)  # the driver names columns by their SQL expressions
    for name, wanted in schema.items():
        found = frame.schema[name]
        if found not in _READS_AS.get(wanted, (wanted,)) and frame[name].count():
            return None  # (a column without a value comes as Int64, the driver's default)
    flags = [n for n, t in schema.items() if t == pl.Boolean and frame.schema[n] == pl.Int64]
    if flags and frame.select(pl.col(flags).is_in([0, 1]).all()).row(0) != (True,) * len(flags):
        return None
    texts = [n for n, t in schema.items() if t == pl.Utf8 and frame.schema[n] == pl.Utf8]
    checked = frame.with_columns(pl.col(texts).cast(pl.Binary).cast(pl.Utf8)) if texts else frame
    return checked.cast(schema)  # type: ignore[arg-type]


def _file_database(path: object) -> bool:
    name = str(path or "")
    return bool(name) and name != ":memory:" and "mode=memory" not in name and Path(name).is_file()


def _with_literals(sql: str, params: list[Any]) -> str | None:
    """`sql` with its `%s` replaced by SQLite literals (the driver binds parameters from Arrow
    arrays only); None for a value that is not an integer or a plain string."""
    parts = sql.split("%s")
    if len(parts) != len(params) + 1:
        return None
    literals: list[str] = []
    for value in params:
        if isinstance(value, bool | int):
            literals.append(str(int(value)))
        elif isinstance(value, str) and "\x00" not in value:
            literals.append("'" + value.replace("'", "''") + "'")  # SQLite has no \ escapes
        else:
            return None
    return parts[0] + "".join(v + rest for v, rest in zip(literals, parts[1:], strict=True))


def _data_version(watch: sqlite3.Connection) -> int:
    return int(watch.execute("PRAGMA data_version").fetchone()[0])


def _id_range(watch: sqlite3.Connection, table: str) -> tuple[int, int] | None:
    low, high = watch.execute(f'SELECT min(id), max(id) FROM "{table}"').fetchone()
    return None if low is None else (int(low), int(high))


def _halves(uri: str, query: str, ids: tuple[int, int] | None) -> list[pl.DataFrame]:
    """The rows with ids up to the middle of the table's range, and those above, read at once
    (the driver leaves the GIL while SQLite steps through rows), in id order."""
    if ids is None or ids[1] - ids[0] < 2:
        return [_statement(uri, query)]
    middle = (ids[0] + ids[1]) // 2
    queries = [f"{query} AND a.id <= {middle}", f"{query} AND a.id > {middle}"]
    found: list[pl.DataFrame | BaseException | None] = [None, None]

    def run(index: int) -> None:
        try:
            found[index] = _statement(uri, queries[index])
        except BaseException as error:  # noqa: BLE001 - raised again below, in the caller
            found[index] = error

    # Joined before returning: no thread outlives the call (this is not background work).
    other = threading.Thread(target=run, args=(1,), name="kipu sqlite read")
    other.start()
    run(0)
    other.join()
    for result in found:
        if isinstance(result, BaseException):
            raise result
    return [f for f in found if isinstance(f, pl.DataFrame)]


def _statement(uri: str, query: str) -> pl.DataFrame:
    import adbc_driver_manager
    import adbc_driver_sqlite

    with (
        adbc_driver_sqlite.connect(uri) as database,
        adbc_driver_manager.AdbcConnection(database) as link,
        adbc_driver_manager.AdbcStatement(link) as statement,
    ):
        statement.set_sql_query(BUSY_TIMEOUT)
        statement.execute_update()
        statement.set_options(**{adbc_driver_sqlite.StatementOptions.BATCH_ROWS.value: _ONE_BATCH})
        statement.set_sql_query(f"{query} ORDER BY a.id")
        stream, _ = statement.execute_query()
        return pl.DataFrame(stream)
