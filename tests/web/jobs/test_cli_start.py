"""`kipu jobs start`: what the web console's buttons start, from the command line (the report
in both languages, the open-data package, the snapshot), queued for the worker, followed by
`kipu jobs show`; refused at once, with nothing recorded, when it cannot be done."""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner, Result
from test_queue_unreachable import dead_redis, one_error_line  # noqa: F401

from kipu.cli import main
from kipu.web.jobs.models import Job

pytestmark = pytest.mark.django_db(transaction=True)


def kipu(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_a_snapshot_queued_then_run_by_the_worker(platform: Any, run_worker: Any) -> None:
    started = kipu("jobs", "start", "snapshot", "--platform", "gtrm-test", "--format", "json")
    assert started.exit_code == 0, started.output
    data = json.loads(started.stdout)
    assert (data["created"], data["state"]) == (True, "queued")
    again = kipu("jobs", "start", "snapshot", "--platform", "gtrm-test")
    assert again.stdout.startswith(f"Already queued: job {data['job']} (follow it: kipu jobs")
    assert run_worker() == 1
    shown = kipu("jobs", "show", data["job"])
    assert shown.exit_code == 0 and " succeeded " in shown.stdout
    job = Job.objects.get()
    assert (job.kind, job.actor_label.startswith("cli:"), job.started_by) == (
        "snapshot",
        True,
        None,
    )


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["opendata"], "--month is needed for a opendata job"),
        (["report", "--month", "2019-13"], "--month must be YYYY-MM"),
    ],
)
def test_refused_before_anything_is_recorded(platform: Any, args: list[str], said: str) -> None:
    result = kipu("jobs", "start", *args, "--platform", "gtrm-test")
    assert result.exit_code == 2 and said in one_error_line(result)
    assert not Job.objects.exists()


def test_a_report_is_queued_then_rendered_in_both_languages(platform: Any, run_worker: Any) -> None:
    result = kipu("jobs", "start", "report", "--month", "2019-05", "--platform", "gtrm-test")
    assert result.exit_code == 0, result.output
    assert run_worker() == 1
    job = Job.objects.get()
    assert (job.kind, job.state) == ("report", "succeeded"), job.error
    assert {link["rel"] for link in job.result["links"]} >= {"en-html", "es-pdf"}


def test_a_narrative_that_cannot_render_queues_nothing(
    platform: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As the report editor's button: every language's narrative is checked first."""
    from kipu.core.report.narrative import NarrativeError
    from kipu.web.reports import services

    def refuse(*args: Any) -> None:
        raise NarrativeError("es: {{ people_reached(sector='X') }}: no sector X")

    monkeypatch.setattr(services, "check_languages", refuse)
    result = kipu("jobs", "start", "report", "--month", "2019-05", "--platform", "gtrm-test")
    assert result.exit_code == 1 and "no sector X" in one_error_line(result)
    assert not Job.objects.exists()


def test_an_unreachable_queue_records_nothing(platform: Any, dead_redis: str) -> None:  # noqa: F811
    result = kipu("jobs", "start", "snapshot", "--platform", "gtrm-test")
    assert result.exit_code == 1
    line = one_error_line(result)
    assert line.startswith("error: the snapshot job was not queued (nothing recorded): ")
    assert not Job.objects.exists()


def test_a_second_signal_during_a_job_stops_the_worker_with_status_1(
    platform: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C twice: the job stops at once, is queued again, and the worker says so with exit
    status 1 (it said "stopped after 1 job", status 0, as after a clean stop)."""
    import os
    import signal

    from kipu.web.jobs import tasks

    def interrupted(job: Any) -> Any:
        os.kill(os.getpid(), signal.SIGINT)
        os.kill(os.getpid(), signal.SIGINT)
        raise AssertionError("the second signal stops the job at once")

    assert kipu("jobs", "start", "snapshot", "--platform", "gtrm-test").exit_code == 0
    monkeypatch.setattr(tasks, "execute", interrupted)
    result = CliRunner().invoke(main, ["worker", "--burst", "--no-schedule"])
    assert result.exit_code == 1, result.output
    assert "stopped during a job" in result.output and "stopped after" not in result.output
    job = Job.objects.get()
    assert job.state == Job.State.QUEUED and job.attempts == 1
