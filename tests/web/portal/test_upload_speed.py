"""Load: a 10,000-row 5W file is validated, stored and its report shown in under 3 seconds
through the portal on SQLite; a file with an error on every tenth row too. PostgreSQL gets a
looser bound: its row inserts (kipu.web.submissions.services) are the slower part there."""

from __future__ import annotations

import time

import pytest
from django.db import connection
from web_actors import client_for, record_5w, write_5w

from kipu.web.submissions.models import Activity, Submission

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
ROWS = 10_000


def limit() -> float:
    return 3.0 if connection.vendor == "sqlite" else 5.0


PLACES = ["PE15", "PE07", "PE24", "PE13", "PE20", "PE04", "PE08", "PE23"]


def records() -> list[dict[str, object]]:
    return [
        record_5w(admin1=PLACES[i % len(PLACES)], activity_name=f"Orientation {i}")
        for i in range(ROWS)
    ]


def timed_upload(client, path) -> tuple[float, object]:  # noqa: ANN001
    # A running server has its URLs and views imported already: so has the timed request.
    client.get("/portal/?platform=gtrm-test")
    started = time.perf_counter()
    with path.open("rb") as handle:
        response = client.post(
            "/portal/upload/?platform=gtrm-test",
            {"month": "2019-05", "file": handle, "action": "submit"},
        )
    page = client.get(response["Location"])
    return time.perf_counter() - started, page


def test_ten_thousand_valid_rows(platform, partner_a, tmp_path, capsys) -> None:  # noqa: ANN001
    path = write_5w(platform, tmp_path / "10k.xlsx", records())
    seconds, page = timed_upload(client_for(partner_a), path)
    assert page.status_code == 200
    assert Activity.objects.count() == ROWS
    with capsys.disabled():
        print(f"\n10,000 valid rows ({connection.vendor}): stored and shown in {seconds:.2f} s")
    assert seconds < limit()


def test_ten_thousand_rows_with_errors(platform, partner_a, tmp_path, capsys) -> None:  # noqa: ANN001
    broken = {(i, "Indicator Indicator"): "NO-SUCH" for i in range(0, ROWS, 10)}
    path = write_5w(platform, tmp_path / "10k-bad.xlsx", records(), broken=broken)
    seconds, page = timed_upload(client_for(partner_a), path)
    assert page.status_code == 200 and "NO-SUCH" in page.content.decode()
    assert Submission.objects.get().report["summary"]["errors"] == ROWS // 10
    with capsys.disabled():
        print(f"\n10,000 rows, 1,000 errors ({connection.vendor}): report shown in {seconds:.2f} s")
    assert seconds < limit()
