"""ADBC's reading of SQLite files (kipu.web.submissions.sqlite_arrow) gives exactly what the
sqlite3 module gives, or nothing (then the caller reads with sqlite3): the traps of the
driver's type inference, generated: a column NULL for its first rows then text (the driver
infers a type per batch), text that looks like numbers, numbers stored in a text column,
"" beside NULL, quotes, accents, new lines, NUL characters, the largest integers."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import django.db.backends.sqlite3.base  # noqa: F401 - registers Django's converters (bool)
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kipu.web.submissions import sqlite_arrow

# SQLite files read by the ADBC driver and by sqlite3, whatever the site's database.
pytestmark = pytest.mark.backend_independent
SCHEMA = {"s": pl.Utf8, "n": pl.Int64, "f": pl.Float64, "b": pl.Boolean}
SQL = "SELECT a.s, a.n, a.f, a.b FROM t a WHERE a.k = %s"
TEXTS = ["", "007", "12", "1e5", "Ñandú, \"dicho\" y 'hecho'", "línea\nnueva", "  "]


def _write(path: Path, rows: list[tuple[object, ...]], index: bool = False) -> None:
    with sqlite3.connect(path) as db:  # the declared types Django gives these fields
        db.execute("CREATE TABLE t (id integer PRIMARY KEY AUTOINCREMENT, k varchar(10), "
                   "s varchar(200) NULL, n integer NULL, f real NULL, b bool NULL)")  # fmt: skip
        if index:  # as Activity's (platform, month) index, which SQLite's plan may walk
            db.execute("CREATE INDEX t_k_s ON t (k, s)")
        db.executemany("INSERT INTO t (k, s, n, f, b) VALUES (?, ?, ?, ?, ?)", rows)
    db.close()


def _plain(path: Path, key: str) -> pl.DataFrame:
    """What `queries._read_sqlite_rows` gives: Django's connection has detect_types, so a
    `bool` column goes through Django's converter (b"1".__eq__); rows in id order."""
    db = sqlite3.connect(path, detect_types=sqlite3.PARSE_DECLTYPES | sqlite3.PARSE_COLNAMES)
    try:
        rows = db.execute(SQL.replace("%s", "?") + " ORDER BY a.id", [key]).fetchall()
    finally:
        db.close()
    columns = list(zip(*rows, strict=True)) if rows else [[] for _ in SCHEMA]
    return pl.DataFrame(
        [
            pl.Series(n, v, dtype=pl.Int8 if t == pl.Boolean else t, strict=False)
            for (n, t), v in zip(SCHEMA.items(), columns, strict=True)
        ]
    ).cast(SCHEMA)  # type: ignore[arg-type]


def _rows(nulls: int, values: list[tuple[object, ...]], key: str = "x") -> list[tuple[object, ...]]:
    return [(key, None, None, None, None)] * nulls + [(key, *v) for v in values]


@pytest.mark.parametrize("nulls", [0, 1, 1023, 1024, 1025, 3000])
def test_columns_null_for_their_first_rows_then_valued(tmp_path: Path, nulls: int) -> None:
    values = [(text, 2**62 - i, 0.1 * i, i % 2) for i, text in enumerate(TEXTS * 3)]
    _write(tmp_path / "db.sqlite3", _rows(nulls, values) + _rows(5, [], key="other"))
    found = sqlite_arrow.read_file(tmp_path / "db.sqlite3", SQL, ["x"], SCHEMA, "t")
    assert found is not None and found.height == nulls + len(values)
    assert found.equals(_plain(tmp_path / "db.sqlite3", "x"))  # in id order, "" is not NULL
    assert found["s"].tail(len(values)).to_list() == TEXTS * 3


def test_numbers_in_a_text_column_read_as_their_text(tmp_path: Path) -> None:
    # SQLite's text affinity stores 12 as "12": what sqlite3 gives, the driver gives.
    _write(tmp_path / "db.sqlite3", _rows(2000, [(12, 1, 1.0, 1), (3.5, 2, 2, 0)]))
    found = sqlite_arrow.read_file(tmp_path / "db.sqlite3", SQL, ["x"], SCHEMA, "t")
    assert found is not None and found["s"].tail(2).to_list() == ["12", "3.5"]
    assert found.equals(_plain(tmp_path / "db.sqlite3", "x"))


def test_a_value_that_does_not_fit_its_column_gives_nothing(tmp_path: Path) -> None:
    _write(tmp_path / "db.sqlite3", _rows(1500, [("a", "abc", 1.0, 1)]))  # text in an integer
    assert sqlite_arrow.read_file(tmp_path / "db.sqlite3", SQL, ["x"], SCHEMA, "t") is None


def test_parameters_are_written_as_literals_or_refused(tmp_path: Path) -> None:
    _write(tmp_path / "db.sqlite3", _rows(0, [("a", 1, 1.0, 1)], key="it's"))
    found = sqlite_arrow.read_file(tmp_path / "db.sqlite3", SQL, ["it's"], SCHEMA, "t")
    assert found is not None and found.height == 1  # the quote doubled, not an injection
    for refused in (["a\x00b"], [1.5], [None], ["x", "y"]):
        assert sqlite_arrow.read_file(tmp_path / "db.sqlite3", SQL, refused, SCHEMA, "t") is None


def test_an_empty_table_and_a_missing_file(tmp_path: Path) -> None:
    _write(tmp_path / "db.sqlite3", [])
    found = sqlite_arrow.read_file(tmp_path / "db.sqlite3", SQL, ["x"], SCHEMA, "t")
    assert found is not None and found.height == 0 and found.schema == pl.Schema(SCHEMA)
    assert sqlite_arrow.read_file(tmp_path / "none.sqlite3", SQL, ["x"], SCHEMA, "t") is None
    assert not (tmp_path / "none.sqlite3").exists()  # read-only: never created


def test_a_write_between_the_halves_is_read_in_one_statement(tmp_path, monkeypatch) -> None:  # noqa: ANN001
    """Each half sees the database as it was when it started: a commit between them could
    give half of a replaced submission. PRAGMA data_version sees it; one statement reads."""
    path = tmp_path / "db.sqlite3"
    _write(path, _rows(0, [(f"row {i}", i, 0.0, 0) for i in range(10)]))
    child_read = sqlite_arrow._child_read
    asked: list[bool] = []

    def written_between(*args: object, halves: bool) -> list[pl.DataFrame]:
        found = child_read(*args, halves=halves)  # type: ignore[arg-type]
        asked.append(halves)
        if halves:
            assert len(found) == 2  # the split happened
            with sqlite3.connect(path) as other:
                other.execute("UPDATE t SET s = 'changed' WHERE id IN (1, 10)")
            other.close()
        return found

    monkeypatch.setattr(sqlite_arrow, "_child_read", written_between)
    found = sqlite_arrow.read_file(path, SQL, ["x"], SCHEMA, "t")
    assert asked == [True, False]
    assert found is not None and found["s"].to_list().count("changed") == 2
    assert found.equals(_plain(path, "x"))


@pytest.mark.parametrize("journal", ["wal", "delete"])
def test_the_drivers_sqlite_never_touches_this_process_locks(tmp_path: Path, journal: str) -> None:
    """The driver carries its own copy of SQLite: in this process it took the write-ahead
    log's index for its own and, closing, released the locks of this process's connections,
    so another process could switch the database out of WAL mode (or checkpoint and delete
    the log) under an open connection. Read in a child process, the locks hold."""
    path = tmp_path / "db.sqlite3"
    _write(path, _rows(0, [(f"row {i}", i, 0.0, 0) for i in range(10)]))
    mine = sqlite3.connect(path, isolation_level=None)
    mine.execute(f"PRAGMA journal_mode={journal}")
    # What needs this process's SHARED lock gone: leaving WAL mode, or an exclusive writer.
    wanted = {"wal": "PRAGMA journal_mode=DELETE", "delete": "BEGIN EXCLUSIVE"}[journal]
    probe = (
        "import sqlite3, sys; db = sqlite3.connect(sys.argv[1], timeout=0, isolation_level=None)\n"
        f"try:\n    db.execute({wanted!r}).fetchall(); print('taken')\n"
        "except sqlite3.OperationalError as e:\n    print(e)"
    )
    try:
        mine.execute("BEGIN")  # a reader holding its snapshot: a SHARED lock on the file
        assert mine.execute("SELECT count(*) FROM t").fetchone() == (10,)
        found = sqlite_arrow.read_file(path, SQL, ["x"], SCHEMA, "t")
        assert found is not None and found.height == 10
        other = subprocess.run(
            [sys.executable, "-c", probe, str(path)], capture_output=True, text=True, check=True
        )
        assert other.stdout.strip() == "database is locked"
        assert mine.execute("SELECT count(*) FROM t").fetchone() == (10,)
        mine.execute("COMMIT")
    finally:
        mine.close()


def test_a_child_that_fails_gives_nothing_and_a_warning(tmp_path, monkeypatch) -> None:  # noqa: ANN001
    path = tmp_path / "db.sqlite3"
    _write(path, _rows(0, [("a", 1, 1.0, 1)]))
    warned: list[str] = []
    monkeypatch.setattr(sqlite_arrow.log, "warning", lambda *a: warned.append(a[0] % a[1:]))
    monkeypatch.setattr(sqlite_arrow, "CHILD", "kipu.no_such_module")
    assert sqlite_arrow.read_file(path, SQL, ["x"], SCHEMA, "t") is None
    assert len(warned) == 1 and "No module named kipu.no_such_module" in warned[0]
    monkeypatch.setattr(sqlite_arrow, "CHILD", "kipu.web.submissions.sqlite_child")
    assert sqlite_arrow.read_file(path, SQL.replace("a.n", "a.missing"), ["x"], SCHEMA, "t") is None
    assert "no such column: a.missing" in warned[1]


_VALUE = st.one_of(st.none(), st.sampled_from(TEXTS), st.text(max_size=8))
_ROW = st.tuples(
    _VALUE,
    st.none() | st.integers(-(2**63), 2**63 - 1),
    st.none() | st.floats(allow_nan=False),
    st.none() | st.sampled_from([0, 1]),
)


@settings(max_examples=25, deadline=None)
@given(nulls=st.integers(0, 1100), values=st.lists(_ROW, max_size=30))
def test_generated_rows_read_as_sqlite3_reads_them(tmp_path_factory, nulls, values) -> None:  # noqa: ANN001
    path = tmp_path_factory.mktemp("arrow") / "db.sqlite3"
    _write(path, _rows(nulls, values))
    found = sqlite_arrow.read_file(path, SQL, ["x"], SCHEMA, "t")
    assert found is not None and found.equals(_plain(path, "x"))


def test_a_database_path_with_uri_characters(tmp_path: Path) -> None:
    folder = tmp_path / "datos ?#%& ñ"  # the driver opens a URI: each must be escaped
    folder.mkdir()
    _write(folder / "kipu.sqlite3", _rows(3, [("a", 1, 1.0, 1)]))
    found = sqlite_arrow.read_file(folder / "kipu.sqlite3", SQL, ["x"], SCHEMA, "t")
    assert found is not None and found.equals(_plain(folder / "kipu.sqlite3", "x"))


# Found by trying to break it: each of these gave another frame than sqlite3's.


def _both(path: Path) -> tuple[pl.DataFrame | None, pl.DataFrame]:
    return sqlite_arrow.read_file(path, SQL, ["x"], SCHEMA, "t"), _plain(path, "x")


def test_rows_come_in_id_order_whatever_index_the_plan_walks(tmp_path: Path) -> None:
    # Without ORDER BY the query walks the (k, s) index, in (s, id) order; each half did too,
    # and the halves put together were in neither that order nor id order.
    rows = [("x", "2019-0" + str(1 + i % 2), i, 0.0, 0) for i in range(10)]
    _write(tmp_path / "db.sqlite3", rows, index=True)
    found, plain = _both(tmp_path / "db.sqlite3")
    assert found is not None
    assert found["n"].to_list() == plain["n"].to_list() == list(range(10))


def test_a_real_column_with_one_text_value_keeps_its_digits(tmp_path: Path) -> None:
    # One text value ('inf' stays text under REAL affinity) makes the driver read the column
    # as text: every double is printed with 15 digits, then parsed back by the cast.
    _write(tmp_path / "db.sqlite3", [("x", "a", 1, 0.1 + 0.2, 1), ("x", "b", 1, "inf", 1)])
    found, plain = _both(tmp_path / "db.sqlite3")
    assert plain["f"].to_list() == [0.30000000000000004, float("inf")]
    assert found is None or found.equals(plain)  # found: [0.3, inf]


def test_an_integer_column_with_one_real_value_keeps_large_integers(tmp_path: Path) -> None:
    # One REAL value makes the driver read the column as double: 2**62 + 1 becomes 2**62,
    # and the cast back to Int64 succeeds.
    _write(tmp_path / "db.sqlite3", [("x", "a", 2**62 + 1, 1.0, 1), ("x", "b", 1.5, 1.0, 1)])
    found, plain = _both(tmp_path / "db.sqlite3")
    assert plain["n"][0] == 2**62 + 1
    assert found is None or found.equals(plain)


@pytest.mark.parametrize("stored", [2, -1, 0.5])
def test_a_bool_column_reads_as_djangos_converter_reads_it(tmp_path: Path, stored: object) -> None:
    # Django's converter for `bool` is b"1".__eq__: 2 is False; the cast of the driver's
    # integer says True.
    _write(tmp_path / "db.sqlite3", [("x", "a", 1, 1.0, stored)])
    found, plain = _both(tmp_path / "db.sqlite3")
    assert found is None or found.equals(plain)


def test_a_blob_in_a_text_column_reads_as_sqlite3_reads_it(tmp_path: Path) -> None:
    _write(tmp_path / "db.sqlite3", [("x", "a", 1, 1.0, 1), ("x", b"xyz", 1, 1.0, 1)])
    found, plain = _both(tmp_path / "db.sqlite3")
    assert plain["s"].to_list() == ["a", None]
    assert found is None or found.equals(plain)  # found: ["a", "xyz"]


def test_invalid_utf8_text_is_not_handed_over(tmp_path: Path) -> None:
    # sqlite3 refuses it (OperationalError: Could not decode to UTF-8); the driver hands it to
    # polars as a Utf8 column unchecked, and polars panics when a value is taken out.
    _write(tmp_path / "db.sqlite3", [("x", "a", 1, 1.0, 1)])
    with sqlite3.connect(tmp_path / "db.sqlite3") as db:
        db.execute("UPDATE t SET s = CAST(X'ff61' AS TEXT)")
    db.close()
    with pytest.raises(sqlite3.OperationalError):
        _plain(tmp_path / "db.sqlite3", "x")
    found = sqlite_arrow.read_file(tmp_path / "db.sqlite3", SQL, ["x"], SCHEMA, "t")
    assert found is None


def test_at_real_size_a_late_value_still_decides(tmp_path: Path) -> None:
    """100,000 rows: text only in the second half (the first half's statement sees a column
    without a value), and then one text value in the REAL column at the very last row, which
    the driver's one batch must still see ("inf" stays text: every number would come as text
    of 15 digits): the whole reading is refused, not one half."""
    path = tmp_path / "db.sqlite3"
    half = 50_000
    values = [(f"actividad {i}" if i >= half else None, i, i / 7, i % 2) for i in range(2 * half)]
    _write(path, _rows(0, values))
    found = sqlite_arrow.read_file(path, SQL, ["x"], SCHEMA, "t")
    assert found is not None and found.height == 2 * half and found.equals(_plain(path, "x"))
    with sqlite3.connect(path) as db:
        db.execute("UPDATE t SET f = 'inf' WHERE id = (SELECT max(id) FROM t)")
    db.close()
    assert sqlite_arrow.read_file(path, SQL, ["x"], SCHEMA, "t") is None


@pytest.mark.parametrize("journal", ["wal", "delete"])
def test_right_after_a_large_commit_the_halves_wait_for_their_locks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, journal: str
) -> None:
    """A large import leaves a write-ahead log of many pages (its writer still connected):
    the two halves, starting together, contend for the log's read slot. In rollback-journal
    mode a writer holds the file while it commits. Either way the driver's connections wait,
    as Django's do, rather than answer "database is locked" (the rows were then read through
    sqlite3, a Python object per value: 17 s instead of 2.5 s for a million rows)."""
    path = tmp_path / "db.sqlite3"
    _write(path, [])
    writer = sqlite3.connect(path, isolation_level=None, timeout=20, check_same_thread=False)
    writer.execute(f"PRAGMA journal_mode={journal}")
    writer.execute("PRAGMA wal_autocheckpoint = 0")  # the log keeps every page of the import
    rows = _rows(0, [(f"row {i} " * 8, i, i / 3, i % 2) for i in range(60_000)])
    writer.execute("BEGIN")
    writer.executemany("INSERT INTO t (k, s, n, f, b) VALUES (?, ?, ?, ?, ?)", rows)
    writer.execute("COMMIT")
    failures: list[str] = []
    monkeypatch.setattr(sqlite_arrow.log, "warning", lambda *a: failures.append(str(a)))
    holding = {"delete": "BEGIN EXCLUSIVE", "wal": "BEGIN IMMEDIATE"}[journal]
    release = threading.Timer(0.3, writer.execute, args=("COMMIT",))
    try:
        for attempt in range(5):
            if attempt == 4:  # and once while the writer holds its lock for a moment
                writer.execute(holding)
                release.start()
            found = sqlite_arrow.read_file(path, SQL, ["x"], SCHEMA, "t")
            assert found is not None and found.height == 60_000, failures
    finally:
        if release.is_alive() or release.finished.is_set():
            release.join()
        writer.close()
    assert failures == []


@pytest.mark.parametrize(
    "answer", [b"garbage", b'{"files": 3}', b"[1]", b'{"files": []}', b'{"files": ["/etc/hosts"]}']
)
def test_an_answer_that_is_not_the_childs_own_files_gives_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, answer: bytes
) -> None:
    path = tmp_path / "db.sqlite3"
    _write(path, _rows(0, [("a", 1, 1.0, 1)]))
    warned: list[str] = []
    monkeypatch.setattr(sqlite_arrow.log, "warning", lambda *a: warned.append(a[0] % a[1:]))
    done = subprocess.CompletedProcess([], 0, stdout=answer, stderr=b"")
    monkeypatch.setattr(sqlite_arrow.subprocess, "run", lambda *a, **k: done)
    assert sqlite_arrow.read_file(path, SQL, ["x"], SCHEMA, "t") is None
    assert len(warned) == 1 and "answer" in warned[0]


def test_modules_in_the_working_directory_are_not_the_childs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "db.sqlite3"
    _write(path, _rows(0, [("a", 1, 1.0, 1)]))
    here = tmp_path / "here"
    here.mkdir()
    (here / "json.py").write_text("raise SystemExit('the json.py of the working directory')\n")
    monkeypatch.chdir(here)
    found = sqlite_arrow.read_file(path, SQL, ["x"], SCHEMA, "t")
    assert found is not None and found.equals(_plain(path, "x"))


def test_folders_left_by_a_killed_read_are_swept_after_an_hour(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_arrow.tempfile, "tempdir", str(tmp_path))
    old, recent, other = (tmp_path / n for n in ("kipu-rows-old", "kipu-rows-new", "other"))
    for folder in (old, recent, other):
        folder.mkdir()
        (folder / "0.arrow").write_bytes(b"x")
    hours_ago = time.time() - 2 * 3600
    os.utime(old, (hours_ago, hours_ago))
    os.utime(other, (hours_ago, hours_ago))
    path = tmp_path / "db.sqlite3"
    _write(path, _rows(0, [("a", 1, 1.0, 1)]))
    assert sqlite_arrow.read_file(path, SQL, ["x"], SCHEMA, "t") is not None
    assert not old.exists() and recent.exists() and other.exists()
    assert sorted(p.name for p in tmp_path.glob("kipu-rows-*")) == ["kipu-rows-new"]
