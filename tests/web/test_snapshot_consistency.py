"""The snapshot and the frames kept in memory hold exactly what they say they hold: the rows of
the submissions they list, even when one is replaced while they read (no organisation-month
left with no rows), and the codes as they are now, even when only a code changed."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import polars as pl
import pytest

from kipu.core.frame import activity_frame as frame_of
from kipu.web.figures import queries, snapshot
from kipu.web.figures.queries import cached_activity_frame, data_version
from kipu.web.platforms.models import Organisation, Platform
from kipu.web.submissions.models import Submission
from kipu.web.submissions.queries import activity_frame, snapshot_frame
from kipu.web.submissions.services import store_submission

ORDER = ["appealing_org", "month", "row"]
MONTH = "2019-06"


def _version(org: str, tag: str, count: int) -> pl.DataFrame:
    """`count` rows of `org` for MONTH, each named `tag` (which upload they came from)."""
    return frame_of(
        [
            {
                "row": n + 1,
                "country": "PER",
                "admin1": "PE15",
                "admin2": None,
                "appealing_org": org,
                "implementation": n % 2 == 0,
                "month": MONTH,
                "sector": "PRO",
                "indicator": "PRO-01",
                "activity_name": tag,
                "rmrp_activity": True,
                "cva": False,
                "new_beneficiaries": n,
                "total_monthly": n + 1,
                "women": n,
            }
            for n in range(count)
        ]
    )


def _upload(platform: Platform, org: str, tag: str, count: int) -> Submission:
    organisation = Organisation.objects.get(external_id=org)
    return store_submission(platform, organisation, MONTH, _version(org, tag, count))


@pytest.fixture
def store(make_platform: Callable[..., Platform], tmp_path, monkeypatch) -> Iterator[Platform]:  # noqa: ANN001
    """A platform with ORG901's June ("first", 3 rows) and ORG902's (4 rows), and a data
    folder of its own."""
    monkeypatch.setenv("KIPU_DATA_DIR", str(tmp_path))
    snapshot.forget()
    platform = make_platform()
    _upload(platform, "ORG901", "first", 3)
    _upload(platform, "ORG902", "partner", 4)
    yield platform
    snapshot.forget()


def _replaced_after_listing(monkeypatch, platform: Platform, tag: str, count: int) -> None:  # noqa: ANN001
    """The next listing of the current submissions is followed at once by an upload of
    ORG901's June (`tag`): another worker commits between the listing and the reading."""
    listed = snapshot.current_submissions

    def then_replaced(asked: Platform) -> dict[int, int]:
        wanted = listed(asked)
        monkeypatch.setattr(snapshot, "current_submissions", listed)  # once
        _upload(platform, "ORG901", tag, count)
        return wanted

    monkeypatch.setattr(snapshot, "current_submissions", then_replaced)


def _names(frame: pl.DataFrame, org: str = "ORG901") -> list[str]:
    return frame.filter(pl.col("appealing_org") == org)["activity_name"].to_list()


def _same(left: pl.DataFrame, right: pl.DataFrame) -> bool:
    return left.sort(ORDER).equals(right.sort(ORDER))


def _race_on_a_full_read(store: Platform, monkeypatch) -> None:  # noqa: ANN001
    _replaced_after_listing(monkeypatch, store, "second", 5)
    raced = snapshot.platform_snapshot(store)  # no snapshot yet: one read of every row
    # The rows of the submissions listed: the replaced one's, not none.
    assert _names(raced) == ["first"] * 3 and _names(raced, "ORG902") == ["partner"] * 4
    assert raced.height == 7
    # The next read lists the new submission and brings the snapshot up to date.
    after = snapshot.platform_snapshot(store)
    assert _names(after) == ["second"] * 5 and after.height == 9
    assert _same(after, snapshot_frame(store))
    snapshot.forget()  # another process, from the file written
    assert _same(snapshot.platform_snapshot(store), snapshot_frame(store))


def test_a_submission_replaced_during_a_full_read_keeps_its_rows(store, monkeypatch) -> None:  # noqa: ANN001
    _race_on_a_full_read(store, monkeypatch)


@pytest.mark.django_db(transaction=True)
def test_replaced_during_a_full_read_outside_a_transaction(store, monkeypatch) -> None:  # noqa: ANN001
    """Committed, as in a worker: on PostgreSQL the rows come through ADBC, on another
    connection."""
    _race_on_a_full_read(store, monkeypatch)


def test_a_submission_replaced_during_an_update_keeps_its_rows(store, monkeypatch) -> None:  # noqa: ANN001
    reads: list[object] = []
    read = snapshot.snapshot_frame

    def spy(platform, submissions=None, codes=None, **options):  # noqa: ANN001, ANN003, ANN202
        reads.append("whole" if options.get("whole") else sorted(submissions or []))
        return read(platform, submissions, codes, **options)

    snapshot.platform_snapshot(store)
    second = _upload(store, "ORG901", "second", 2)
    monkeypatch.setattr(snapshot, "snapshot_frame", spy)
    _replaced_after_listing(monkeypatch, store, "third", 6)
    raced = snapshot.platform_snapshot(store)
    assert reads == [[second.pk]]  # only the new submission read, by its id
    assert _names(raced) == ["second"] * 2 and raced.height == 6
    after = snapshot.platform_snapshot(store)
    assert _names(after) == ["third"] * 6 and _same(after, snapshot_frame(store))


def test_listed_submissions_are_read_whatever_their_status(store, monkeypatch) -> None:  # noqa: ANN001
    """The rows of given submissions, in the order of the rows of every current one, and as
    many as the submissions say they hold (which chooses how SQLite reads them)."""
    from django.db import connection

    from kipu.web.submissions import queries

    first = store.submissions.get(organisation__external_id="ORG901", status="current")
    current = sorted(store.submissions.filter(status="current").values_list("pk", flat=True))
    every = snapshot_frame(store)
    assert snapshot_frame(store, current, whole=True).equals(every)
    assert snapshot_frame(store, current).equals(every)
    expected: list[int | None] = []
    read_sqlite = queries._read_sqlite
    monkeypatch.setattr(
        queries, "_read_sqlite", lambda *a: expected.append(a[-1]) or read_sqlite(*a)
    )
    _upload(store, "ORG901", "second", 2)  # `first` is retired
    assert _names(snapshot_frame(store, [first.pk])) == ["first"] * 3
    assert _names(snapshot_frame(store, [first.pk], whole=True)) == ["first"] * 3
    assert snapshot_frame(store, []).height == 0
    if connection.vendor == "sqlite":
        assert expected == [3, 3, 0]


# --- the frames kept in memory follow a changed code --------------------------------------


def test_cached_frame_follows_a_new_registry_id(platform, rows, tmp_path, monkeypatch) -> None:  # noqa: ANN001
    """An organisation given its registry id by the organisations loader: its key changes
    from org-<pk> to the id, in a process that computed figures before too."""
    from kipu.core.loaders.organisations import OrganisationRecord
    from kipu.web.platforms.models import Membership
    from kipu.web.platforms.services import load_organisations

    monkeypatch.setenv("KIPU_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(queries, "CODES_SECONDS", 0.0)  # read the codes on every call
    snapshot.forget()
    plain = Organisation.objects.create(name_en="Sin Registro")
    Membership.objects.create(platform=platform, organisation=plain)
    rows(platform, plain, "PRO", "2019-05", 3)
    version, before = cached_activity_frame(platform)
    assert set(before["appealing_org"]) == {f"org-{plain.pk}"}
    load_organisations(platform, [OrganisationRecord("Sin Registro", external_id="ORG777")])
    assert set(activity_frame(platform, fast=False)["appealing_org"]) == {"ORG777"}
    new_version, after = cached_activity_frame(platform)
    assert set(after["appealing_org"]) == {"ORG777"}
    assert new_version != version  # what is cached by version (dashboards) is made again
    assert new_version == data_version(platform)


def test_cached_frame_follows_changed_sector_and_indicator_codes(  # noqa: ANN001
    platform, rows, org_a, tmp_path, monkeypatch
) -> None:
    from kipu.web.plans.models import Indicator, Sector

    monkeypatch.setenv("KIPU_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(queries, "CODES_SECONDS", 0.0)
    snapshot.forget()
    rows(platform, org_a, "PRO", "2019-05", 2)
    _, before = cached_activity_frame(platform)
    assert set(before["sector"]) == {"PRO"} and set(before["indicator"]) == {"PRO-01"}
    Sector.objects.filter(plan__platform=platform, code="PRO").update(code="PROT")
    Indicator.objects.filter(plan__platform=platform, code="PRO-01").update(code="PROT-01")
    _, after = cached_activity_frame(platform)
    assert set(after["sector"]) == {"PROT"} and set(after["indicator"]) == {"PROT-01"}
    assert after.equals(activity_frame(platform, with_issues=False))


def test_cached_frame_follows_a_changed_pcode(platform, rows, org_a, tmp_path, monkeypatch) -> None:  # noqa: ANN001
    from kipu.web.locations.models import Location

    monkeypatch.setenv("KIPU_DATA_DIR", str(tmp_path))
    snapshot.forget()
    clock = iter([1000.0, 1001.0, 1000.0 + queries.CODES_SECONDS + 0.1])
    monkeypatch.setattr(queries, "_now", lambda: next(clock))
    queries._CODES.clear()
    rows(platform, org_a, "PRO", "2019-05", 2)
    _, before = cached_activity_frame(platform)
    (old,) = set(before["admin1"])
    Location.objects.filter(pcode=old).update(pcode=f"{old}X")
    _, within = cached_activity_frame(platform)  # read again at most every CODES_SECONDS
    assert set(within["admin1"]) == {old}
    _, after = cached_activity_frame(platform)
    assert set(after["admin1"]) == {f"{old}X"}


def test_unchanged_data_gives_the_same_frame_without_reading_it_again(  # noqa: ANN001
    platform, rows, org_a, tmp_path, monkeypatch
) -> None:
    """Nothing is read again for the frame: no snapshot is asked for."""
    from kipu.web.figures import queries

    monkeypatch.setenv("KIPU_DATA_DIR", str(tmp_path))
    snapshot.forget()
    rows(platform, org_a, "PRO", "2019-05", 2)
    version, frame = cached_activity_frame(platform)
    monkeypatch.setattr(queries, "view_snapshot", lambda p: pytest.fail("read again"))
    again_version, again = cached_activity_frame(platform)
    assert again_version == version and again is frame
