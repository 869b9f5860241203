"""An anonymous visitor sees the published figures and downloads the report; the Spanish UI."""

from __future__ import annotations


def test_visitor_sees_published_figures_and_downloads_the_report(page, demo, screenshot) -> None:  # noqa: ANN001
    page.goto("/")
    # The page's notice (the survey section, loaded by its script, says it too).
    page.get_by_role("note").filter(has_text="Synthetic demonstration data.").first.wait_for()
    cards = page.locator(".card .value").all_inner_texts()
    assert cards and cards[0] not in ("–", "0")
    screenshot("dashboard")
    page.select_option("select[name=sector]", "AREA2")
    page.wait_for_function("() => new URL(location.href).searchParams.get('sector') === 'AREA2'")
    page.locator("#panel").get_by_text("Protection").first.wait_for()
    screenshot("dashboard-protection")
    page.goto("/reports/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Word").first.click()
    assert download.value.suggested_filename == "sitrep-gtrm-peru-2019-11-en.docx"
    page.get_by_role("link", name="HTML").first.click()
    page.get_by_text("Situation Report").first.wait_for()
    screenshot("report")


def test_spanish_interface(page, demo, screenshot) -> None:  # noqa: ANN001
    page.goto("/")
    page.select_option("select[name=language]", "es")
    page.wait_for_load_state()
    page.get_by_role("link", name="Iniciar sesión").wait_for()
    assert page.locator("html").get_attribute("lang") == "es"
    screenshot("dashboard-es")
