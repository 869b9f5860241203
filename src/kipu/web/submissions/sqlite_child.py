"""The child process of `kipu.web.submissions.sqlite_arrow`: an SQLite file's rows read into
Arrow by the ADBC SQLite driver, written as Arrow IPC files for the parent to load.

It runs in a process of its own because the driver carries its own copy of SQLite, and two
copies of SQLite must never open the same file in one process (sqlite.org/howtocorrupt.html,
"Multiple copies of SQLite linked into the same application"): POSIX advisory locks belong
to the process, so the driver's copy, opening the file, takes the write-ahead log's index for
its own (it found no other connection) and, closing it, releases the locks Python's sqlite3
(Django's connections) holds on it. Another process may then checkpoint, reset or delete the
log under those connections: rows read wrong, commits lost. Measured here before the move: a
second process could switch the database out of WAL mode while Django's connection was open.

Protocol: a JSON request on standard input (`uri`, `query`, `table`, `folder`, `halves`); on
success, exit status 0 and `{"files": [...]}` on standard output, one IPC file per statement,
in id order; on failure, status 1 and one line on standard error. This module imports
neither Django nor Python's sqlite3.
"""

from __future__ import annotations

import json
import sys
import threading
from pathlib import Path

import adbc_driver_manager
import adbc_driver_sqlite
import polars as pl

_ONE_BATCH = str(2**30)  # rows per batch: every row, so the types come from all of them
# The driver's connections wait for a lock as Django's do (its `timeout`, 20 s), rather than
# answer "database is locked" at once: two halves starting together after a large import
# (a write-ahead log of many pages) contend for the same read slot, and a writer in
# rollback-journal mode holds the file for the length of its commit.
BUSY_TIMEOUT = "PRAGMA busy_timeout = 20000"


def statement_frame(uri: str, query: str, *, ordered: bool = True) -> pl.DataFrame:
    """The rows of `query` (a `SELECT … WHERE …` of alias `a`), in id order, in one batch."""
    with (
        adbc_driver_sqlite.connect(uri) as database,
        adbc_driver_manager.AdbcConnection(database) as link,
        adbc_driver_manager.AdbcStatement(link) as statement,
    ):
        statement.set_sql_query(BUSY_TIMEOUT)
        statement.execute_update()
        statement.set_options(**{adbc_driver_sqlite.StatementOptions.BATCH_ROWS.value: _ONE_BATCH})
        statement.set_sql_query(f"{query} ORDER BY a.id" if ordered else query)
        stream, _ = statement.execute_query()
        return pl.DataFrame(stream)


def id_range(uri: str, table: str) -> tuple[int, int] | None:
    frame = statement_frame(uri, f'SELECT min(id), max(id) FROM "{table}"', ordered=False)
    low, high = frame.row(0)
    return None if low is None else (int(low), int(high))


def read(uri: str, query: str, table: str, folder: Path, halves: bool) -> list[str]:
    """The IPC files of the rows: two halves of the table's id range read at once (the driver
    leaves the GIL while SQLite steps through rows), each written as soon as it is read; or
    one statement when `halves` is false or the range is too small to split."""
    ids = id_range(uri, table) if halves else None
    if ids is None or ids[1] - ids[0] < 2:
        queries = [query]
    else:
        middle = (ids[0] + ids[1]) // 2
        queries = [f"{query} AND a.id <= {middle}", f"{query} AND a.id > {middle}"]
    files = [str(folder / f"{index}.arrow") for index in range(len(queries))]
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            statement_frame(uri, queries[index]).write_ipc(files[index])
        except BaseException as error:  # noqa: BLE001 - reported below, by the main thread
            errors.append(error)

    others = [threading.Thread(target=run, args=(i,)) for i in range(1, len(queries))]
    for other in others:
        other.start()
    run(0)
    for other in others:
        other.join()
    if errors:
        raise errors[0]
    return files


def main() -> int:
    try:
        request = json.loads(sys.stdin.buffer.read())
        files = read(
            request["uri"],
            request["query"],
            request["table"],
            Path(request["folder"]),
            bool(request["halves"]),
        )
    except Exception as error:  # noqa: BLE001 - the parent reads with sqlite3 instead
        first = (str(error).splitlines() or [""])[0][:200]  # the driver's message ends with the SQL
        print(f"{type(error).__name__}: {first}", file=sys.stderr)
        return 1
    json.dump({"files": files}, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
