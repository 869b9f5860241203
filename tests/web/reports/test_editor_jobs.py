"""The report editor's render job, run here as `kipu worker` runs it: both languages rendered
file by file and downloadable under their sitrep-<platform>-<month>-<lang>.<ext> names, and a
narrative broken while the job waits is the job's error. Transactional tests (the worker reads
what the request committed), so each loads the demonstration itself; the editor's other tests
are in test_editor.py."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.http import HttpResponse
from django.test import Client

from kipu.web.jobs import runners
from kipu.web.jobs.models import Job
from kipu.web.jobs.worker import WorkerLoop
from kipu.web.platforms.models import Platform
from kipu.web.reports.models import Narrative, ReportVersion
from kipu.web.site.services import load_demo
from page_text import page, raw

EDITOR = "/console/reports/gtrm-peru/2019-11/"


@pytest.fixture
def demo(transactional_db: None, tmp_path, monkeypatch) -> Platform:  # noqa: ANN001
    monkeypatch.setenv("KIPU_DATA_DIR", str(tmp_path))
    return load_demo()


def run_jobs() -> int:
    """Run the waiting jobs here, as `kipu worker` does (needs a transactional test)."""
    return WorkerLoop(burst=True, with_schedule=False).run()


def start_render(client: Client, lang: str = "en") -> HttpResponse:
    """The editor's render button, as its script posts it."""
    return client.post(EDITOR + "render/", {"lang": lang}, HTTP_ACCEPT="application/json")


@pytest.mark.slow
@pytest.mark.render
def test_one_click_renders_both_languages_in_a_job_file_by_file(
    transactional_db: None, admin_client: Client, demo: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    steps: list[list[str]] = []  # the steps done, as the job reported them
    told = runners.report_progress

    def report_progress(job_id: object, percent: float, message: str, done: list[str]) -> None:
        steps.append(list(done))
        told(job_id, percent, message, done)

    monkeypatch.setattr(runners, "report_progress", report_progress)
    answer = start_render(admin_client).json()
    assert answer["ok"] is True and answer["created"] is True
    job = Job.objects.get(pk=answer["job"]["id"])
    assert (job.kind, job.state, job.params["month"]) == ("report", "queued", "2019-11")
    assert f'data-job-url="/api/v1/jobs/{job.pk}"' in answer["html"]
    assert not ReportVersion.objects.exists()  # nothing is rendered in the request
    assert run_jobs() == 1
    order = [f"{lang}-{ext}" for lang in ("en", "es") for ext in ("html", "pdf", "docx")]
    assert [s for s in steps if s] == [order[: n + 1] for n in range(6)]  # file by file
    shown = admin_client.get(f"/api/v1/jobs/{job.pk}").json()
    assert shown["state"] == "succeeded", shown["error"]
    assert [link["rel"] for link in shown["links"]] == order
    for link in shown["links"]:
        lang, ext = link["rel"].split("-")
        response = admin_client.get(link["href"])
        assert response.status_code == 200
        assert (
            f'filename="sitrep-gtrm-peru-2019-11-{lang}.{ext}"' in response["Content-Disposition"]
        )
    assert ReportVersion.objects.filter(published=False).count() == 2
    # The editor, opened again, shows the job and names every file as it is downloaded.
    html = page(admin_client, EDITOR)
    assert f'data-job-url="/api/v1/jobs/{job.pk}" data-finished="1"' in html
    names = re.findall(r'data-step="([a-z]{2}-[a-z]+)" data-name="([^"]+)"', html)
    assert names == [(o, f"sitrep-gtrm-peru-2019-11-{o.replace('-', '.')}") for o in order]


def test_a_narrative_broken_while_the_job_waits_is_the_jobs_error(
    transactional_db: None, admin_client: Client, demo: Platform
) -> None:
    """The job checks the narrative again when it runs: the editor shows its error."""
    assert start_render(admin_client).json()["ok"] is True
    Narrative.objects.update_or_create(
        platform=demo, month="2019-11", lang="en", section="highlights",
        defaults={"markdown": "{{ partner }}"},
    )  # fmt: skip
    assert run_jobs() == 1
    job = Job.objects.get()
    assert job.state == "failed"
    assert job.error.startswith("The report cannot be rendered: en: highlights:")
    assert "unknown figure 'partner'" in job.error
    assert not ReportVersion.objects.exists()
    html = raw(admin_client, EDITOR)
    error = re.search(r'<p class="kipu-job-error error">([^<]*)</p>', html)
    assert error is not None and "unknown figure" in unescape(error[1])
    assert 'data-job="{&quot;id&quot;: &quot;' in html  # the script's copy of the job
    # CSP (script-src 'self', style-src 'self'): nothing inline, even with a job shown.
    assert re.findall(r"<script(?![^>]*\bsrc=)|<[^>]*\s(?:on[a-z]+|style)\s*=", html) == []
