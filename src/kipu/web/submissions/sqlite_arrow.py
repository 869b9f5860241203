"""SQLite's stored rows read straight into Arrow by the ADBC SQLite driver, in a child process
(`kipu.web.submissions.sqlite_child`), in two halves at once: a snapshot rebuild of a million
rows reads in about 1.5 s, against 8 s through the sqlite3 module (a Python object per value).

The driver carries its own copy of SQLite, which must never open a file this process has open
through Python's sqlite3: POSIX locks belong to the process, and the two copies would release
and take each other's (see `sqlite_child`). So the driver runs in a process of its own, which
writes Arrow IPC files that this one loads; the caller reads small results through sqlite3
first (`queries._read_sqlite`), so only large ones pay for the process (about 0.3 s).

The halves are two statements on two read-only connections, split by row id. Each statement
sees the database as it was when it started; `PRAGMA data_version` on a connection of this
process, asked before and after, says whether another connection committed in between
(SQLite: "the integer values returned by two invocations of PRAGMA data_version from the same
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
import importlib.util
import json
import logging
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import polars as pl
from django.db import connection

log = logging.getLogger(__name__)
CHILD = "kipu.web.submissions.sqlite_child"
FOLDER_PREFIX = "kipu-rows-"
STALE_SECONDS = 3600.0


class ChildFailed(Exception):
    """The child process could not read the rows (its message says why)."""


def applies() -> bool:
    """Whether Django's SQLite database can be read this way: not when it is in memory
    (tests), nor when the current transaction may hold rows of its own (the driver's
    connections cannot see them)."""
    return not connection.in_atomic_block and _file_database(connection.settings_dict.get("NAME"))


def read(sql: str, params: list[Any], schema: dict[str, Any], table: str) -> pl.DataFrame | None:
    """The rows of `sql` on Django's SQLite database (see `read_file`), or None when this
    reading does not apply to it (`applies`)."""
    if not applies():
        return None
    return read_file(Path(str(connection.settings_dict["NAME"])), sql, params, schema, table)


def read_file(
    path: Path, sql: str, params: list[Any], schema: dict[str, Any], table: str
) -> pl.DataFrame | None:
    """The rows of `sql` (`%s` placeholders; `a` is the alias of `table`, which has an integer
    `id`; no ORDER BY or LIMIT) in the SQLite file `path`, as a frame of `schema` (one column
    per selected expression, in order), in id order (`ORDER BY a.id`: the order the sqlite3
    reading is asked for too). None when this reading does not apply: the driver is not
    installed, a parameter cannot be written as a literal, the child process fails, or a
    column holds what the sqlite3 reading would read otherwise (`_typed`)."""
    if importlib.util.find_spec("adbc_driver_sqlite") is None:
        return None
    query = _with_literals(sql, params)
    if query is None or not path.is_file():
        return None
    uri = path.resolve().as_uri() + "?mode=ro"
    _sweep(Path(tempfile.gettempdir()))
    try:
        with (
            contextlib.closing(sqlite3.connect(uri, uri=True, timeout=20)) as watch,
            tempfile.TemporaryDirectory(prefix=FOLDER_PREFIX) as folder,
        ):
            before = _data_version(watch)
            frames = _child_read(uri, query, table, Path(folder), halves=True)
            if _data_version(watch) != before:  # written to between the halves: one state
                frames = _child_read(uri, query, table, Path(folder), halves=False)
        typed = [_typed(frame, schema) for frame in frames]
    except (ChildFailed, pl.exceptions.PolarsError, sqlite3.Error, OSError) as error:
        log.warning("reading the rows through ADBC SQLite failed (%s): sqlite3 instead", error)
        return None
    if any(frame is None for frame in typed):
        return None
    return pl.concat([frame for frame in typed if frame is not None])


def _child_read(
    uri: str, query: str, table: str, folder: Path, *, halves: bool
) -> list[pl.DataFrame]:
    """The frames the child process reads (see `sqlite_child`), loaded from its IPC files.
    Raises ChildFailed. The child is waited for: no process outlives the call (this is not
    background work)."""
    request = {"uri": uri, "query": query, "table": table, "folder": str(folder), "halves": halves}
    done = subprocess.run(  # -P: a json.py or polars/ in the working directory is not imported
        [sys.executable, "-P", "-m", CHILD],
        input=json.dumps(request).encode(),
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ChildFailed(message[-1] if message else f"exit status {done.returncode}")
    try:
        files = [Path(name) for name in json.loads(done.stdout)["files"]]
    except (ValueError, KeyError, TypeError) as error:
        raise ChildFailed(f"unreadable answer ({error})") from error
    if not files or any(name.parent != folder for name in files):
        raise ChildFailed(f"unexpected answer ({done.stdout[:200]!r})")
    return [pl.read_ipc(name) for name in files]


def _sweep(folder: Path, older_than: float = STALE_SECONDS) -> None:
    """Remove the folders of reads whose process was killed before it could (the OOM killer,
    a hard stop of a worker): a million rows leave 400 MB. No read takes an hour."""
    now = time.time()
    for stale in folder.glob(f"{FOLDER_PREFIX}*"):
        with contextlib.suppress(OSError):
            if now - stale.stat().st_mtime > older_than:
                shutil.rmtree(stale, ignore_errors=True)


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
