"""The report editor in a real browser, in English and Spanish and on a 390 px phone: reached by
links from the home page (never by typing its address), the figure picker inserts a figure,
a wrong argument shows an error in the preview (never a 0) and stops a render before any job
is queued, one click starts the background job of both languages whose files show up one by
one as the worker writes them (no reload), and a download is named
sitrep-<platform>-<month>-<lang>.pdf."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from kipu.web.accounts.services import assign_role
from kipu.web.jobs import runners
from kipu.web.jobs.models import Job
from kipu.web.jobs.worker import WorkerLoop

PASSWORD = "report-editor-password"
TEXT = {
    "en": {
        "reports": "Reports",
        "open": "Open the report editor",
        "protection": "Protection",
        "render": "Render English and Spanish (HTML, PDF, Word)",
        "sign_in": "Sign in",
        "menu": "Menu",
    },
    "es": {
        "reports": "Informes",
        "open": "Abrir el editor de informes",
        "protection": "Protección",
        "render": "Generar en inglés y español (HTML, PDF, Word)",
        "sign_in": "Sign in",
        "menu": "Menú",
    },
}


@pytest.fixture
def platform(transactional_db, tmp_path, monkeypatch):  # noqa: ANN001
    monkeypatch.setenv("KIPU_DATA_DIR", str(tmp_path))
    from kipu.web.site.services import load_demo

    demo = load_demo()
    user = User.objects.create_user("im.officer", password=PASSWORD)
    assign_role(user, demo, "admin")
    return demo


def sign_in(page) -> None:  # noqa: ANN001
    page.goto("/accounts/login/")
    page.fill("input[name=username]", "im.officer")
    page.fill("input[name=password]", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()


def save(page) -> None:  # noqa: ANN001
    with page.expect_navigation():
        page.locator("#narrative button[type=submit]").click()


def follow_link(page, name: str, narrow: bool, text: dict[str, str]) -> None:  # noqa: ANN001
    """Click a link of the main menu, opening it first on a narrow screen."""
    if narrow:
        page.locator("label.menu-label").click()
    page.locator("header nav").get_by_role("link", name=name, exact=True).click()


# Each language once, each width once: the Spanish journey on a phone, the English one wide.
@pytest.mark.parametrize(("lang", "width"), [("en", 1280), ("es", 390)])
def test_the_im_officer_writes_renders_and_downloads_the_report(
    page,
    platform,
    screenshot,
    monkeypatch,
    lang: str,
    width: int,  # noqa: ANN001
) -> None:
    text = TEXT[lang]
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page)
    if lang == "es":
        if width < 500:
            page.locator("label.menu-label").click()  # the language menu is in the menu
        with page.expect_navigation():
            page.select_option("select[name=language]", "es")
    page.goto("/")
    follow_link(page, text["reports"], width < 500, text)
    page.locator("table.report-months tr", has_text="2019-11").get_by_role(
        "link", name=text["open"]
    ).click()
    page.wait_for_url("**/console/reports/gtrm-peru/2019-11/")
    assert page.locator("label[for='section-AREA2']").inner_text() == text["protection"]

    # The picker writes the figure reference and puts it where the cursor is.
    page.locator("#section-coordination").click()
    page.select_option("#picker-figure", "partners")
    page.select_option("#picker-arguments select[data-parameter=area]", "AREA2")
    page.select_option("#picker-filter", "words")
    page.check("#picker-capfirst")
    expression = '{{ partners(area="AREA2") | words | capfirst }}'
    assert page.locator("#picker-expression").inner_text() == expression
    page.locator("#picker-insert").click()
    assert page.locator("#section-coordination").input_value() == expression
    page.locator("#preview-coordination", has_text="Twenty-five").wait_for()

    # A wrong argument: an error that says what would work, never "0 received food".
    page.fill("#section-custom-1", '{{ indicator(code="AE-01") }} received food.')
    error = page.locator("#preview-custom-1.error")
    error.wait_for()
    assert "no indicator 'AE-01'" in error.inner_text() and "DEA-01" in error.inner_text()
    assert "0 received food" not in page.locator("main").inner_text()
    screenshot("picker-and-error")
    if width < 500:
        overflow = page.evaluate("document.documentElement.scrollWidth")
        assert overflow <= width, f"the editor is {overflow} px wide on a {width} px screen"
    page.fill("#section-custom-1", "")

    # A narrative error is told before any job is queued: nothing is rendered.
    page.fill("#section-coordination", '{{ indicator(code="AE-01") }} received food.')
    save(page)
    page.get_by_role("button", name=text["render"]).click()
    failure = page.locator("#render-error")
    failure.wait_for()
    assert "AE-01" in failure.inner_text() and "DEA-01" in failure.inner_text()
    progress = page.locator("#render-progress")
    assert progress.locator("li[data-state=failed]").count() == 6
    assert page.locator("#render-job .kipu-job").count() == 0 and not Job.objects.exists()
    screenshot("narrative-error")
    page.fill("#section-coordination", expression)
    save(page)

    # One click starts the job of both languages; each file shows up as the worker writes it,
    # the language being rendered marked, then every download.
    page.get_by_role("button", name=text["render"]).click()
    box = page.locator("#render-job .kipu-job")
    box.wait_for()
    assert progress.locator("li[data-state=waiting]").count() == 6
    assert page.get_by_role("button", name=text["render"]).is_disabled()
    seen: list[int] = []
    original = runners.Reporter.__call__

    def report_and_look(self, percent: float, message: str, steps=()) -> None:  # noqa: ANN001
        original(self, percent, message, steps)
        if len(steps) == 4 and not seen:  # English done, the first Spanish file written
            expect(progress.locator("li[data-lang=es][data-format=pdf]")).to_have_attribute(
                "data-state", "rendering"
            )
            expect(progress.locator("li[data-lang=en][data-state=done]")).to_have_count(3)
            expect(progress.locator("li[data-state=done]")).to_have_count(4)
            seen.append(int(page.locator(".kipu-job-bar").get_attribute("value") or 0))
            screenshot("rendering")

    monkeypatch.setattr(runners.Reporter, "__call__", report_and_look)
    assert WorkerLoop(burst=True, with_schedule=False).run() == 1
    assert seen and 0 < seen[0] < 100
    page.locator("#render-job .kipu-job-succeeded").wait_for()
    assert progress.locator("li[data-state=done]").count() == 6
    names = progress.locator("a.download").all_inner_texts()
    assert names == [
        f"sitrep-gtrm-peru-2019-11-{code}.{ext}"
        for code in ("en", "es")
        for ext in ("html", "pdf", "docx")
    ]
    assert not page.get_by_role("button", name=text["render"]).is_disabled()
    screenshot("rendered")
    with page.expect_download() as download:
        progress.locator("li[data-lang=es][data-format=pdf] a.download").click()
    assert download.value.suggested_filename == "sitrep-gtrm-peru-2019-11-es.pdf"
    with open(download.value.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    assert re.search(r"v\d+", progress.locator("li[data-lang=es] .state").first.inner_text())
    # Opened again, the editor shows the finished job and its downloads.
    page.reload()
    assert page.locator("#render-job .kipu-job-succeeded").count() == 1
    assert progress.locator("a.download").all_inner_texts() == names

    # Publishing says which languages are ready (the month itself is not published yet).
    page.locator("#publish-link").click()
    page.wait_for_url("**/console/reports/gtrm-peru/2019-11/publish/")
    assert page.locator("table.languages tbody tr .ok").count() == 2  # English and Spanish
    assert page.locator("main .notice").count() == 1  # publish the month first
    assert page.locator("#publish-form button[type=submit]").is_disabled()
    screenshot("publish")
    if width < 500:
        assert page.evaluate("document.documentElement.scrollWidth") <= width
