"""A large upload in a real browser: the portal answers at once with the job's page; its
progress bar follows the worker (the browser polls /api/v1/jobs/<id>) and ends with the link
to the stored submission, without a reload; at 390 px too. No CSP violation (conftest)."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl
from playwright.sync_api import expect

from kipu.core.export import table_rows, write_xlsx
from kipu.web.accounts.services import create_demo_accounts
from kipu.web.jobs import runners
from kipu.web.jobs.models import Job
from kipu.web.jobs.worker import WorkerLoop
from kipu.web.platforms.queries import reference_data
from kipu.web.submissions.models import Submission
from kipu.web.submissions.queries import activity_frame

PASSWORD = "demo-password-for-tests"


def sign_in(page, username: str) -> None:  # noqa: ANN001
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")


def december_file(platform, org_key: str, path: Path) -> Path:  # noqa: ANN001
    rows = activity_frame(platform, month_from="2019-11", month_to="2019-11")
    rows = rows.filter(pl.col("appealing_org") == org_key).with_columns(month=pl.lit("2019-12"))
    write_xlsx(table_rows(rows, reference_data(platform, 2019)), path)
    return path


def test_a_large_upload_shows_its_progress_bar(
    page, demo, screenshot, tmp_path, settings, monkeypatch
) -> None:  # noqa: ANN001
    settings.KIPU_JOB_THRESHOLD_BYTES = 1024  # the demo file counts as large
    accounts = {role: user for role, user, _ in create_demo_accounts(demo, PASSWORD)}
    from kipu.web.accounts.models import Role

    partner = Role.objects.get(user__username=accounts["partner"], platform=demo).organisation
    before = set(Submission.objects.values_list("pk", flat=True))
    sign_in(page, accounts["partner"])
    page.goto("/portal/upload/")
    page.select_option("select[name=month]", "2019-12")
    page.set_input_files(
        "input[name=file]", str(december_file(demo, partner.key, tmp_path / "big.xlsx"))
    )
    page.get_by_role("button", name="Check and submit").click()
    page.wait_for_url("**/jobs/*/")
    job = Job.objects.get()
    bar = page.locator(".kipu-job-bar")
    assert bar.get_attribute("value") == "0"
    assert page.locator(".kipu-job-state").inner_text() == "Waiting for a worker"
    assert set(Submission.objects.values_list("pk", flat=True)) == before  # nothing stored yet
    screenshot("queued")

    seen: list[str] = []
    original = runners.Reporter.__call__

    def report_and_look(self, percent: float, message: str, steps=()) -> None:  # noqa: ANN001
        original(self, percent, message, steps)
        if len(seen) < 2:  # reading the file, then checking its rows: the page shows both
            expect(page.locator(".kipu-job-bar")).to_have_attribute("value", ["5", "25"][len(seen)])
            expect(page.locator(".kipu-job-state")).to_have_text("Running")
            expect(page.locator(".kipu-job-message")).to_have_text(message)
            seen.append(page.locator(".kipu-job-message").inner_text())
            screenshot(f"running-{len(seen)}")

    monkeypatch.setattr(runners.Reporter, "__call__", report_and_look)
    assert WorkerLoop(burst=True, with_schedule=False).run() == 1
    assert seen[0] == "Reading the file"
    assert re.fullmatch(r"Checking [\d,]+ rows", seen[1]), seen
    page.locator(".kipu-job-succeeded").wait_for()
    assert bar.get_attribute("value") == "100"
    assert page.locator(".kipu-job-state").inner_text() == "Done"
    stored = Submission.objects.get(month="2019-12", organisation=partner, status="current")
    assert "rows stored for 2019-12" in page.locator(".kipu-job-message").inner_text()
    link = page.get_by_role("link", name="Open the submission and its report")
    assert link.get_attribute("href") == f"/portal/submissions/{stored.pk}/?platform={demo.slug}"
    screenshot("done")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.locator(".kipu-job-bar").bounding_box()["width"] <= 390
    screenshot("done-390px")
    job.refresh_from_db()
    assert job.state == "succeeded"
    link.click()
    page.wait_for_url(f"**/portal/submissions/{stored.pk}/**")
