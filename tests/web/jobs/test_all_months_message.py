"""A background `kipu import --all-months` names the months it stored in its message (it said
"stored for ." before), in the language of the job: the months are digits and dashes, so the
one sentence of both catalogues holds them."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from web_actors import record_5w, write_5w

from kipu.cli import main
from kipu.web.jobs.models import Job
from kipu.web.jobs.runners import month_ranges
from kipu.web.submissions.models import Submission
from kipu.web.submissions.months import lock_month, publish_month

pytestmark = pytest.mark.django_db(transaction=True)
MONTHS = ("2019-02", "2019-04", "2019-05", "2019-06")


def queue_all_months(path: Path, *options: str) -> None:
    args = ["import", str(path), "--all-months", "--background", *options]
    done = CliRunner().invoke(main, args, catch_exceptions=False)
    assert done.exit_code == 0, done.output


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "Submitted: 8 rows stored for 2019-02, 2019-04–2019-06."),
        ("es", "Enviado: 8 filas guardadas para 2019-02, 2019-04–2019-06."),
    ],
)
def test_a_background_all_months_import_names_the_months_stored(
    platform, tmp_path, run_worker, lang: str, expected: str
) -> None:  # noqa: ANN001
    records = [
        record_5w(org, month, activity_name=f"{org} {month}")
        for month in MONTHS
        for org in ("ORG901", "ORG902")
    ]
    queue_all_months(write_5w(platform, tmp_path / "export.xlsx", records), "--lang", lang)
    assert run_worker() == 1
    job = Job.objects.get()
    assert (job.state, job.message) == ("succeeded", expected)
    assert job.result["rows"] == 8 and len(job.result["submissions"]) == 8


def test_a_background_all_months_import_of_a_published_month_is_refused(
    platform, admin, tmp_path, run_worker, caplog
) -> None:  # noqa: ANN001
    """As in the foreground (exit status 2): the job fails saying which month is published,
    storing nothing; it used to fail as "an unexpected error", a traceback in the log."""
    lock_month(platform, "2019-04", admin)
    publish_month(platform, "2019-04", admin)
    records = [record_5w("ORG901", month, activity_name=month) for month in MONTHS]
    queue_all_months(write_5w(platform, tmp_path / "export.xlsx", records))
    assert run_worker() == 1
    job = Job.objects.get()
    assert job.state == "failed" and "2019-04 is published" in job.error, job.error
    assert "unexpected" not in job.error and "Traceback" not in caplog.text
    assert not Submission.objects.exists()


def test_months_are_named_as_runs_across_years() -> None:
    assert month_ranges(["2020-01", "2019-11", "2019-12", "2019-03", "2019-12"]) == (
        "2019-03, 2019-11–2020-01"
    )
    assert month_ranges(["2019-07"]) == "2019-07"
    assert month_ranges([]) == ""
