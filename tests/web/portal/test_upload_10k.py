"""A real-size portal upload: a 10,000-row 5W file is validated, stored and its report shown;
a file with an error on every tenth row too, every error listed. How long this takes is
measured in the benchmarks (bench/bench_import.py, bench/bench_jobs.py), never here."""

from __future__ import annotations

import pytest
from web_actors import client_for, record_5w, write_5w

from kipu.web.submissions.models import Activity, Submission

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
ROWS = 10_000


PLACES = ["PE15", "PE07", "PE24", "PE13", "PE20", "PE04", "PE08", "PE23"]


def records() -> list[dict[str, object]]:
    return [
        record_5w(admin1=PLACES[i % len(PLACES)], activity_name=f"Orientation {i}")
        for i in range(ROWS)
    ]


def upload(client, path) -> object:  # noqa: ANN001
    with path.open("rb") as handle:
        response = client.post(
            "/portal/upload/?platform=gtrm-test",
            {"month": "2019-05", "file": handle, "action": "submit"},
        )
    return client.get(response["Location"])


def test_ten_thousand_valid_rows(platform, partner_a, tmp_path) -> None:  # noqa: ANN001
    path = write_5w(platform, tmp_path / "10k.xlsx", records())
    page = upload(client_for(partner_a), path)
    assert page.status_code == 200
    assert Activity.objects.count() == ROWS
    assert sorted(Activity.objects.values_list("admin1__pcode", flat=True).distinct()) == sorted(
        PLACES
    )


def test_ten_thousand_rows_with_errors(platform, partner_a, tmp_path) -> None:  # noqa: ANN001
    broken = {(i, "Indicator Indicator"): "NO-SUCH" for i in range(0, ROWS, 10)}
    path = write_5w(platform, tmp_path / "10k-bad.xlsx", records(), broken=broken)
    page = upload(client_for(partner_a), path)
    assert page.status_code == 200 and "NO-SUCH" in page.content.decode()
    assert Submission.objects.get().report["summary"]["errors"] == ROWS // 10
