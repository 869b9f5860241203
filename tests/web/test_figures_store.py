"""Store-scale read paths: the fast activity_frame equals the plain one, and the shared Parquet
snapshot follows imports, replacements and month publication (on SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from kipu.core.figures.notes import note_text
from kipu.core.frame import ACTIVITY_FRAME
from kipu.core.frame import activity_frame as frame_of
from kipu.web.figures import snapshot
from kipu.web.figures.queries import cached_activity_frame, data_version, platform_figures
from kipu.web.submissions.months import lock_month, publish_month
from kipu.web.submissions.queries import activity_frame, snapshot_frame
from kipu.web.submissions.services import store_submission

ORDER = ["appealing_org", "month", "row"]


def _rows(org: str, month: str, count: int, start: int = 0, issues: bool = False) -> pl.DataFrame:
    records = [
        {
            "row": start + n,
            "country": "PER",
            "admin1": ("PE15", "PE24", "PE00")[n % 3],
            "admin2": "PE1501" if n % 3 == 0 else None,
            "appealing_org": org,
            "implementation": (True, False, None)[n % 3],
            "implementing_partner": "ORG902" if n % 2 else None,
            "month": month,
            "sector": "PRO",
            "indicator": "PRO-01",
            "activity_name": ('Orientación, "legal"', "", "línea\nnueva")[n % 3],
            "activity_description": None if n % 2 else "Descripción, con comas",
            "rmrp_activity": n % 4 != 0,
            "covid19": None if n % 5 == 0 else n % 2 == 0,
            "cva": n % 3 == 1,
            "value_usd": 0.1 + n / 3 if n % 3 == 1 else None,
            "delivery_mechanism": "Voucher" if n % 3 == 1 else None,
            "new_beneficiaries": 10 + n,
            "total_monthly": 20 + n,
            "in_destination": 10 + n,
            "women": 4 + n,
            "men": 6,
        }
        for n in range(count)
    ]
    frame = frame_of(records)
    if issues:  # every other row stored with an accepted error
        codes = [["new-exceeds-total"] if n % 2 else [] for n in range(count)]
        errors = [bool(n % 2) for n in range(count)]
    else:  # rows with warnings only count in every figure (they are not "with issues")
        codes = [["unknown-implementing-partner", "outlier"] if n % 2 else [] for n in range(count)]
        errors = [False] * count
    return frame.with_columns(
        issue_codes=pl.Series(codes, dtype=pl.List(pl.Utf8)), has_error=pl.Series(errors)
    )


def _organisation(key: str):  # noqa: ANN202
    from kipu.web.platforms.models import Organisation

    return Organisation.objects.get(external_id=key)


@pytest.fixture
def store(make_platform, tmp_path, monkeypatch):  # noqa: ANN001
    monkeypatch.setenv("KIPU_DATA_DIR", str(tmp_path))
    snapshot.forget()
    platform = make_platform()
    for month in ("2019-01", "2019-02", "2019-03"):
        store_submission(platform, _organisation("ORG901"), month, _rows("ORG901", month, 7))
    store_submission(
        platform, _organisation("ORG902"), "2019-02", _rows("ORG902", "2019-02", 6, issues=True)
    )
    return platform


def _same(left: pl.DataFrame, right: pl.DataFrame) -> bool:
    return left.sort(ORDER).equals(right.sort(ORDER))


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"with_issues": False},
        {"month_from": "2019-02", "month_to": "2019-02"},
        {"exclude_month": "2019-01"},
        {"organisation": "ORG902"},
        {"month_from": "2030-01"},  # nothing
    ],
)
def test_fast_path_returns_exactly_the_plain_frame(store, options: dict) -> None:  # noqa: ANN001
    if "organisation" in options:
        options = {**options, "organisation": _organisation(options["organisation"])}
    fast = activity_frame(store, **options)
    plain = activity_frame(store, fast=False, **options)
    assert fast.schema == plain.schema == pl.Schema(ACTIVITY_FRAME)
    assert fast.equals(plain)  # same rows in the same (database) order, nulls and all
    if not options:
        assert fast.height == 27
        assert fast.filter(pl.col("activity_name") == "")["activity_name"].len() > 0
        assert fast["activity_description"].null_count() == 0  # stored as "" not NULL


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_arrow_read_returns_exactly_the_plain_frame(store, arrow_reads) -> None:  # noqa: ANN001
    """Outside a transaction, PostgreSQL's rows come through ADBC (Arrow, no Python object per
    value): the same frame as the plain read, as COPY's, and as the snapshot's."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the ADBC driver reads PostgreSQL")
    assert not connection.in_atomic_block
    plain = activity_frame(store, fast=False)
    fast = activity_frame(store)
    assert arrow_reads == [True] and fast.schema == plain.schema and fast.equals(plain)
    assert fast.filter(pl.col("activity_name") == "").height > 0  # "" is not NULL
    flagged = snapshot_frame(store)
    from django.db import transaction

    with transaction.atomic():  # COPY, on the connection that sees the transaction's rows
        assert snapshot_frame(store).equals(flagged)
    assert arrow_reads == [True, True, False]
    assert flagged.height == fast.height and flagged["clean"].dtype == pl.Boolean


def test_snapshot_frame_flags_rows_with_accepted_issues(store) -> None:  # noqa: ANN001
    rows = snapshot_frame(store)
    assert rows.height == 27 and rows.filter(~pl.col("clean")).height == 3
    assert _same(rows.filter(pl.col("clean")).select(list(ACTIVITY_FRAME)),
                 activity_frame(store, with_issues=False))  # fmt: skip


def test_snapshot_is_written_once_and_read_back_by_another_process(store, tmp_path) -> None:  # noqa: ANN001
    _, first = cached_activity_frame(store)
    files = list((tmp_path / "cache").glob("activities-*.parquet"))
    assert len(files) == 1
    snapshot.forget()  # as a fresh worker process would start
    written = files[0].stat().st_mtime_ns
    again = snapshot.platform_snapshot(store)
    assert files[0].stat().st_mtime_ns == written  # read, not rebuilt
    assert _same(again.filter(pl.col("clean")).select(list(ACTIVITY_FRAME)), first)


def test_snapshot_follows_an_import_and_a_replacement(store, tmp_path) -> None:  # noqa: ANN001
    before = platform_figures(store, date_from="2019-01", date_to="2019-03")
    version, frame = cached_activity_frame(store)
    # A new month, and a replacement of February with fewer rows.
    store_submission(store, _organisation("ORG901"), "2019-04", _rows("ORG901", "2019-04", 5))
    store_submission(store, _organisation("ORG901"), "2019-02", _rows("ORG901", "2019-02", 2, 50))
    new_version, new_frame = cached_activity_frame(store)
    assert new_version != version
    assert new_frame.height == frame.height + 5 - 7 + 2
    assert _same(new_frame, activity_frame(store, with_issues=False))
    after = platform_figures(store, date_from="2019-01", date_to="2019-03")
    assert after.reached() != before.reached()
    snapshot.forget()
    on_disk = snapshot.platform_snapshot(store)  # the updated file, for the other processes
    assert _same(on_disk, snapshot_frame(store))


def test_figures_with_and_without_accepted_issues(store) -> None:  # noqa: ANN001
    clean = platform_figures(store, date_from="2019-02", date_to="2019-02")
    every = platform_figures(store, date_from="2019-02", date_to="2019-02", with_issues=True)
    assert every.reached() > clean.reached()
    assert platform_figures(store, countries=["COL"]).reached() == 0
    # The figures say what they leave out (they said nothing: "no data" over such rows).
    stored = activity_frame(store, with_issues=True)
    february = stored.filter(pl.col("month") == "2019-02")
    left_out = (
        february.height
        - activity_frame(store, with_issues=False).filter(pl.col("month") == "2019-02").height
    )
    assert left_out > 0
    rows = "row" if left_out == 1 else "rows"
    assert f"{left_out} stored {rows} with accepted errors not counted" in clean.notes
    (said,) = [n for n in clean.notes if "accepted errors" in n]
    filas = "1 fila guardada" if left_out == 1 else f"{left_out} filas guardadas"
    assert note_text(said, "es").startswith(f"{filas} con errores aceptados no se cuent")
    assert note_text(said, "es") in clean.to_text("es") and said not in clean.to_text("es")
    assert not any("accepted errors" in note for note in every.notes)
    empty = platform_figures(store, date_from="2019-05", date_to="2019-05")
    assert not any("accepted errors" in note for note in empty.notes)


def test_month_publication_changes_the_version_and_the_dashboard(store, client) -> None:  # noqa: ANN001
    version, frame = cached_activity_frame(store)
    assert client.get("/dashboard/gtrm-test/data.json").json()["months"] == []
    lock_month(store, "2019-02", "test")
    publish_month(store, "2019-02", "test")
    new_version, new_frame = cached_activity_frame(store)
    assert new_version == data_version(store) != version
    assert new_frame.equals(frame)  # publication changes what is shown, not the rows
    assert client.get("/dashboard/gtrm-test/data.json").json()["months"] == ["2019-02"]


def test_works_from_memory_without_a_writable_cache_folder(store, tmp_path, monkeypatch) -> None:  # noqa: ANN001
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("KIPU_DATA_DIR", str(blocker))
    snapshot.forget()
    _, frame = cached_activity_frame(store)
    assert frame.height == 24


def test_snapshot_files_can_be_turned_off(store, tmp_path, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("KIPU_SNAPSHOTS", "0")
    snapshot.forget()
    assert snapshot.platform_snapshot(store).height == 27
    assert not list(Path(tmp_path).glob("cache/*.parquet"))


def _reads(monkeypatch) -> list[object]:  # noqa: ANN001
    """The database reads the snapshot makes: None for a full read, else the submissions."""
    made: list[object] = []

    def spy(platform, submissions=None, codes=None, *, whole=False):  # noqa: ANN001, ANN202
        made.append(None if submissions is None or whole else sorted(submissions))
        return snapshot_frame(platform, submissions, codes, whole=whole)

    monkeypatch.setattr(snapshot, "snapshot_frame", spy)
    return made


def test_new_reference_rows_do_not_make_the_snapshot_read_everything_again(  # noqa: ANN001
    store, monkeypatch
) -> None:
    from kipu.core.loaders.organisations import OrganisationRecord
    from kipu.web.platforms.services import load_organisations

    cached_activity_frame(store)
    reads = _reads(monkeypatch)
    load_organisations(store, [OrganisationRecord("Partner C", acronym="PC", external_id="ORG903")])
    new = store_submission(store, _organisation("ORG903"), "2019-03", _rows("ORG903", "2019-03", 4))
    _, frame = cached_activity_frame(store)
    assert reads == [[new.pk]]  # only the new submission's rows
    assert frame.filter(pl.col("appealing_org") == "ORG903").height == 4
    snapshot.forget()  # another process: the file on disk is current too
    assert _same(snapshot.platform_snapshot(store), snapshot_frame(store))
    assert reads == [[new.pk]]


def test_a_changed_code_makes_the_snapshot_read_everything_again(  # noqa: ANN001
    store, monkeypatch
) -> None:
    cached_activity_frame(store)
    reads = _reads(monkeypatch)
    partner = _organisation("ORG902")
    partner.external_id = "ORG9020"
    partner.save()
    store_submission(store, _organisation("ORG901"), "2019-04", _rows("ORG901", "2019-04", 1))
    _, frame = cached_activity_frame(store)
    assert reads == [None]
    keys = set(frame["appealing_org"]) | set(frame["implementing_partner"].drop_nulls())
    assert "ORG9020" in keys and "ORG902" not in keys
    assert _same(frame, activity_frame(store, with_issues=False))


@pytest.mark.django_db(transaction=True)
def test_sqlite_arrow_read_of_the_stored_rows_is_the_sqlite3_read(store, tmp_path) -> None:  # noqa: ANN001
    """The activities table as stored (the test database, copied to a file the driver can
    open): ADBC's two halves give exactly the sqlite3 module's frame, ids and flags included,
    for the snapshot's query and a narrowed one."""
    import sqlite3

    from django.db import connection

    from kipu.web.submissions import queries, sqlite_arrow
    from kipu.web.submissions.models import Activity

    if connection.vendor != "sqlite":
        pytest.skip("the SQLite driver reads SQLite files")
    copy = sqlite3.connect(tmp_path / "copy.sqlite3")
    connection.ensure_connection()
    connection.connection.backup(copy)
    copy.close()
    schema = queries._with_ids({**ACTIVITY_FRAME, **queries.SNAPSHOT_COLUMNS})
    for conditions in ([], [("a.month >= %s", "2019-02"), ("NOT a.has_error", True)]):
        sql, params = queries._sql(store, conditions, queries._SNAPSHOT_SQL)
        found = sqlite_arrow.read_file(
            tmp_path / "copy.sqlite3", sql, params, schema, Activity._meta.db_table
        )
        plain = queries._read_sqlite_rows(sql, params, schema)
        assert found is not None and found.height > 0 and found.equals(plain)


@pytest.mark.parametrize("limit", [26, 27])
def test_only_results_above_the_limit_go_to_the_child_process(store, monkeypatch, limit) -> None:  # noqa: ANN001
    """SQLite: 27 rows read in this process up to a limit of 27; above it, through the ADBC
    child (told here that it applies, though the database is in memory: it gives nothing,
    and sqlite3 reads every row again)."""
    from django.db import connection

    from kipu.web.submissions import queries, sqlite_arrow

    if connection.vendor != "sqlite":
        pytest.skip("the child process reads SQLite files")
    asked: list[int] = []
    monkeypatch.setattr(sqlite_arrow, "applies", lambda: True)
    monkeypatch.setattr(sqlite_arrow, "read", lambda *a: asked.append(1))
    monkeypatch.setattr(queries, "IN_PROCESS_ROWS", limit)
    found = activity_frame(store)
    assert asked == ([1] if limit < 27 else [])
    assert found.height == 27 and found.equals(activity_frame(store, fast=False))


@pytest.mark.parametrize("limit", [1, 26, 27, 28])
def test_where_the_child_does_not_apply_the_rows_read_so_far_are_kept(  # noqa: ANN001
    store, monkeypatch, limit
) -> None:
    from django.db import connection

    from kipu.web.submissions import queries, sqlite_arrow

    if connection.vendor != "sqlite":
        pytest.skip("the child process reads SQLite files")
    monkeypatch.setattr(sqlite_arrow, "read", lambda *a: pytest.fail("must not be asked"))
    monkeypatch.setattr(queries, "IN_PROCESS_ROWS", limit)
    found = activity_frame(store)
    assert found.height == 27 and found.equals(activity_frame(store, fast=False))


@pytest.mark.parametrize("limit", [26, 27])
def test_the_snapshot_goes_by_the_submissions_row_counts(store, monkeypatch, limit) -> None:  # noqa: ANN001
    """The snapshot knows its row count from the submissions (27, and 7 for one of them):
    above the limit it asks the child at once; if the child gives nothing, sqlite3 reads the
    rows, and the child is not asked twice."""
    from django.db import connection

    from kipu.web.submissions import queries, sqlite_arrow

    if connection.vendor != "sqlite":
        pytest.skip("the child process reads SQLite files")
    asked: list[int] = []
    expected: list[int | None] = []
    read_sqlite = queries._read_sqlite
    monkeypatch.setattr(sqlite_arrow, "applies", lambda: True)
    monkeypatch.setattr(sqlite_arrow, "read", lambda *a: asked.append(1))
    monkeypatch.setattr(
        queries, "_read_sqlite", lambda *a: expected.append(a[-1]) or read_sqlite(*a)
    )
    monkeypatch.setattr(queries, "IN_PROCESS_ROWS", limit)
    found = snapshot_frame(store)
    one = store.submissions.filter(status="current").order_by("id").first()
    assert snapshot_frame(store, [one.pk]).height == one.row_count == 7
    assert expected == [27, 7]
    assert asked == ([1] if limit < 27 else [])
    assert found.height == 27
