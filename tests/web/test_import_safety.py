"""An import is all or nothing: a crash or a kill in the middle leaves the previous version,
and two simultaneous imports for one organisation and month end with one complete version."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.db import connection

from kipu.core.export import table_rows, write_xlsx
from kipu.core.frame import activity_frame
from kipu.web.platforms.models import Organisation
from kipu.web.platforms.queries import reference_data
from kipu.web.submissions import services
from kipu.web.submissions.imports import import_file
from kipu.web.submissions.models import Activity, Submission

ROW = {
    "country": "PER",
    "admin1": "PE15",
    "appealing_org": "ORG901",
    "implementation": False,
    "month": "2019-11",
    "sector": "PRO",
    "indicator": "PRO-01",
    "rmrp_activity": True,
    "cva": False,
    "total_monthly": 10,
    "new_beneficiaries": 6,
    "in_destination": 6,
    "girls": 1,
    "boys": 1,
    "women": 2,
    "men": 2,
}


def workbook(path: Path, platform, count: int, total: int) -> Path:  # noqa: ANN001
    rows = [{**ROW, "total_monthly": total, "activity_name": f"row {i}"} for i in range(count)]
    write_xlsx(table_rows(activity_frame(rows), reference_data(platform, 2019)), path)
    return path


def state(platform) -> tuple[list[tuple[str, int]], int, int]:  # noqa: ANN001
    current = Activity.objects.filter(platform=platform, submission__status="current")
    return (
        sorted(Submission.objects.values_list("status", "row_count")),
        current.count(),
        sum(current.values_list("total_monthly", flat=True)),
    )


def test_a_crash_while_storing_keeps_the_previous_version(
    make_platform, tmp_path, monkeypatch
) -> None:  # noqa: ANN001
    platform = make_platform()
    org = Organisation.objects.get(external_id="ORG901")
    assert import_file(
        platform, workbook(tmp_path / "v1.xlsx", platform, 3, 10), organisation=org, month="2019-11"
    ).ok
    before = state(platform)
    original = services.insert_activities

    def crash(*args):  # noqa: ANN002, ANN202
        original(*args)  # the new rows are written, then the process fails
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "insert_activities", crash)
    with pytest.raises(RuntimeError, match="disk full"):
        import_file(
            platform,
            workbook(tmp_path / "v2.xlsx", platform, 5, 20),
            organisation=org,
            month="2019-11",
        )
    assert state(platform) == before == ([("current", 3)], 3, 30)


@pytest.mark.django_db
def test_a_submission_is_stored_with_its_audit_record_or_not_at_all(
    make_platform, tmp_path, monkeypatch
) -> None:  # noqa: ANN001
    """The audit record is written in the transaction that stores the submission (the
    validation runs before it, outside any transaction): if it fails, nothing is stored."""
    from kipu.web.audit.models import AuditEvent
    from kipu.web.portal.services import upload_submission

    platform = make_platform()
    org = Organisation.objects.get(external_id="ORG901")
    assert import_file(
        platform, workbook(tmp_path / "v1.xlsx", platform, 3, 10), organisation=org, month="2019-11"
    ).ok
    before, events = state(platform), AuditEvent.objects.count()

    def broken(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr("kipu.web.portal.services.record", broken)
    with pytest.raises(RuntimeError, match="audit log unavailable"):
        upload_submission(
            platform, org, "2019-11", workbook(tmp_path / "v2.xlsx", platform, 5, 20), None
        )
    assert state(platform) == before and AuditEvent.objects.count() == events


KILLER = """
import os, signal, sys
import django
os.environ["DJANGO_SETTINGS_MODULE"] = "kipu.web.settings"
django.setup()
import kipu.web.submissions.services as services
original = services.insert_activities
def insert_then_die(*args):
    original(*args)
    os.kill(os.getpid(), signal.SIGKILL)
services.insert_activities = insert_then_die
from kipu.cli import main
sys.argv = ["kipu"] + sys.argv[1:]
main()
"""


def run_kipu(
    url: str, tmp_path: Path, *args: str, killer: bool = False
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": url, "KIPU_DATA_DIR": str(tmp_path / "var")}
    command = (
        [sys.executable, "-c", KILLER, *args]
        if killer
        else [str(Path(sys.executable).with_name("kipu")), *args]
    )
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)


@pytest.mark.slow
def test_a_killed_import_leaves_the_previous_data(
    fresh_database_url: str,
    make_platform,  # noqa: ANN001
    tmp_path: Path,
) -> None:
    platform = make_platform()  # in the test database: only used to write the files
    first = workbook(tmp_path / "v1.xlsx", platform, 4, 10)
    second = workbook(tmp_path / "v2.xlsx", platform, 6, 99)
    orgs = tmp_path / "orgs.csv"
    orgs.write_text("name,id\nPartner A,ORG901\n", encoding="utf-8")
    plan = tmp_path / "plan.csv"
    plan.write_text(
        "sector_code,sector,indicator,code,type\nPRO,Protection,People oriented,PRO-01,PiN\n",
        encoding="utf-8",
    )
    url = fresh_database_url
    for args in (
        ("init",),
        ("platforms", "add", "p", "--name", "P", "--country", "PER"),
        ("orgs", "load", str(orgs)),
        ("plan", "load", str(plan), "--year", "2019"),
        ("import", str(first), "--org", "ORG901", "--month", "2019-11"),
    ):
        done = run_kipu(url, tmp_path, *args)
        assert done.returncode == 0, done.stderr + done.stdout
    killed = run_kipu(
        url, tmp_path, "import", str(second), "--org", "ORG901", "--month", "2019-11", killer=True
    )
    assert killed.returncode == -9
    history = json.loads(run_kipu(url, tmp_path, "submissions", "list", "--format", "json").stdout)
    assert [(s["status"], s["rows"]) for s in history] == [("current", 4)]
    figures = json.loads(run_kipu(url, tmp_path, "figures", "--format", "json").stdout)
    totals = [
        r["monthly_total"]
        for r in figures["rows"]
        if r["admin1"] is None and r["sector"] == "Intersector"
    ]
    assert totals == [40]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_imports_end_with_one_complete_version(make_platform, tmp_path) -> None:  # noqa: ANN001
    if connection.vendor != "postgresql":
        pytest.skip("row locking between connections is tested on PostgreSQL")
    platform = make_platform()
    org = Organisation.objects.get(external_id="ORG901")
    files = [
        workbook(tmp_path / "a.xlsx", platform, 300, 10),
        workbook(tmp_path / "b.xlsx", platform, 200, 70),
    ]
    start, errors = threading.Barrier(2), []

    def run(path: Path) -> None:
        try:
            start.wait()
            result = import_file(platform, path, organisation=org, month="2019-11")
            assert result.ok, [i.message for i in result.validation.report.issues[:3]]
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(f,)) for f in files]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    statuses, count, total = state(platform)
    assert sorted(s for s, _ in statuses) == ["current", "superseded"]
    assert (count, total) in ((300, 3000), (200, 14000))  # one whole file, never a mix
    assert Activity.objects.filter(platform=platform).count() == 500


@pytest.mark.django_db
def test_a_month_locked_while_the_file_is_validated_takes_nothing(
    make_platform, tmp_path, monkeypatch
) -> None:  # noqa: ANN001
    """A tester's: the month was checked open before the validation, which runs outside the
    storing transaction: a lock made meanwhile let the file in. It is checked again there."""
    from kipu.web.portal.services import UploadRefused, upload_submission
    from kipu.web.submissions import imports
    from kipu.web.submissions.months import lock_month

    platform = make_platform()
    org = Organisation.objects.get(external_id="ORG901")
    original = imports.validate_file

    def validated_then_locked(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        found = original(*args, **kwargs)
        lock_month(platform, "2019-11", "system")  # the IM team approves the month meanwhile
        return found

    monkeypatch.setattr(imports, "validate_file", validated_then_locked)
    path = workbook(tmp_path / "v1.xlsx", platform, 3, 10)
    with pytest.raises(UploadRefused, match="2019-11 is locked"):
        upload_submission(platform, org, "2019-11", path, None)
    assert not Submission.objects.exists()
    # The IM team's own import (the command line) may still store into a locked month.
    assert import_file(platform, path, organisation=org, month="2019-11").stored
