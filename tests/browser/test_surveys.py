"""The dashboard's survey section in a real browser: loaded by its script under the CSP, its
filters update it, and it reads at 390 px."""

from __future__ import annotations

import pytest


@pytest.fixture
def demo_without_reports(transactional_db, tmp_path, monkeypatch):  # noqa: ANN001
    monkeypatch.setenv("KIPU_DATA_DIR", str(tmp_path))
    from kipu.web.site.services import load_demo, stage_demo

    platform = load_demo()
    stage_demo(platform, with_reports=False)
    return platform


def test_dashboard_survey_section(page, screenshot, demo_without_reports) -> None:  # noqa: ANN001
    page.goto("/")
    section = page.locator("#surveys")
    section.locator("text=People interviewed in 2019-11").wait_for()
    assert section.locator(".card .value").first.inner_text() == "400"
    assert section.locator("img[alt='Where do you intend to go?']").count() == 1
    section.locator("select[name=question]").select_option("needs")
    section.locator("img[alt='Most urgent needs']").wait_for()
    assert "Food" in section.locator("table.survey-table").inner_text()
    section.locator("select[name=by]").select_option("sex")
    section.locator("select[name=group]").wait_for()
    section.locator("select[name=group]").select_option("female")
    section.locator("text=Answered this question (in this group)").wait_for()
    screenshot("dashboard")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/surveys/gtrm-peru/?question=needs")
    width = page.evaluate("document.documentElement.scrollWidth")
    screenshot("survey-page-390")
    assert width <= 390 + 1
