"""The IM officer's month in a real browser (issue 14, points 3, 5, 10–14): review the issues,
lock December after its summary, open its report editor from the months table, publish it after
its summary, reopen November and see its report withdrawn; in English on a desktop and in
Spanish on a 390 px phone, where no console page scrolls sideways."""

from __future__ import annotations

from typing import Any

import pytest

from kipu.web.accounts.services import create_demo_accounts

PASSWORD = "demo-password-for-tests"
PHONE = 390
# What the officer reads and clicks, per interface language.
WORDS: dict[str, dict[str, str]] = {
    "en": {
        "lock": "Review and lock",
        "confirm_lock": "Approve and lock December 2019",
        "locked": "December 2019 is approved and locked.",
        "editor": "Report editor",
        "publish": "Review and publish",
        "confirm_publish": "Publish December 2019",
        "published": "December 2019 is published.",
        "no_report": "No report has been rendered in:",
        "reopen": "Reopen",
        "reason": "Why is the month reopened?",
        "will_withdraw": "will be withdrawn from the public site",
        "withdrawn": "version 1 withdrawn (month reopened)",
        "issues": "Validation issues across partners",
        "not_reported": "Not reported",
        "tick_all": "Tick all",
    },
    "es": {
        "lock": "Revisar y bloquear",
        "confirm_lock": "Aprobar y bloquear diciembre de 2019",
        "locked": "diciembre de 2019 está aprobado y bloqueado.",
        "editor": "Editor de informes",
        "publish": "Revisar y publicar",
        "confirm_publish": "Publicar diciembre de 2019",
        "published": "diciembre de 2019 está publicado.",
        "no_report": "No se ha generado ningún informe en:",
        "reopen": "Reabrir",
        "reason": "¿Por qué se reabre el mes?",
        "will_withdraw": "se retirará del sitio público",
        "withdrawn": "versión 1 retirada (mes reabierto)",
        "issues": "Problemas de validación de todos los socios",
        "not_reported": "No reportado",
        "tick_all": "Marcar todas",
    },
}


def fits(page: Any, width: int) -> None:
    """The page does not scroll sideways: wide tables scroll inside their own box."""
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{page.url} is {scroll}px wide at {width}px"


def month_row(page: Any, month: str) -> Any:
    return page.locator(f"tr[data-month='{month}']")


@pytest.mark.parametrize(("lang", "width"), [("en", 1280), ("es", PHONE)], ids=["en", "es-390"])
def test_im_officer_month(page, demo, screenshot, live_server, lang, width) -> None:  # noqa: ANN001, PLR0915
    words = WORDS[lang]
    accounts = {role: user for role, user, _ in create_demo_accounts(demo, PASSWORD)}
    page.set_viewport_size({"width": width, "height": 900})
    page.context.add_cookies([{"name": "django_language", "value": lang, "url": live_server.url}])
    page.goto("/accounts/login/?next=/console/")
    page.fill("input[name=username]", accounts["admin"])
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url("**/console/**")
    december = month_row(page, "2019-12")
    not_reported = december.locator("[data-not-reported]").get_attribute("data-not-reported")
    assert int(not_reported or 0) >= 8  # five never reported, three rejected
    screenshot("months")
    fits(page, width)

    # Review the issues of December: the rejected uploads, in the interface language.
    december.locator("a[href*='/console/issues/']").click()
    page.get_by_role("heading", name=words["issues"]).wait_for()
    assert page.locator("#issues tbody tr").count() >= 3
    if lang == "es":
        assert page.locator("#issues", has_text="no está en el plan").count() == 1
    screenshot("issues")
    fits(page, width)

    # Lock after the summary, which counts the organisations as the months table does.
    page.goto("/console/")
    month_row(page, "2019-12").get_by_role("link", name=words["lock"]).click()
    summary = page.locator("dd[data-not-reported]")
    assert summary.get_attribute("data-not-reported") == not_reported
    screenshot("lock-summary")
    fits(page, width)
    page.get_by_role("button", name=words["confirm_lock"]).click()
    page.get_by_text(words["locked"]).wait_for()

    # The report editor opens from the months table.
    month_row(page, "2019-12").get_by_role("link", name=words["editor"]).click()
    page.wait_for_url("**/console/reports/*/2019-12/**")
    screenshot("editor")
    page.goto("/console/")

    # Publish after the summary, which says December has no report yet in either language.
    month_row(page, "2019-12").get_by_role("link", name=words["publish"]).click()
    page.get_by_text(words["no_report"]).wait_for()
    screenshot("publish-summary")
    fits(page, width)
    page.get_by_role("button", name=words["confirm_publish"]).click()
    page.get_by_text(words["published"]).wait_for()

    # Reopen November: its published reports (English and Spanish) are withdrawn.
    assert "2019-11" in page.request.get(f"{live_server.url}/reports/").text()
    month_row(page, "2019-11").get_by_role("link", name=words["reopen"]).click()
    page.get_by_text(words["will_withdraw"]).wait_for()
    page.get_by_label(words["reason"]).fill("Partner corrected its November figures")
    screenshot("reopen")
    fits(page, width)
    page.get_by_role("button", name=words["reopen"]).click()
    november = month_row(page, "2019-11")
    november.get_by_text(words["withdrawn"]).first.wait_for()
    assert november.get_by_text(words["withdrawn"]).count() == 2
    screenshot("reopened")
    fits(page, width)
    public = page.context.browser.new_context(base_url=live_server.url)
    try:
        listing = public.new_page()
        listing.goto("/reports/")
        assert listing.locator("a[href*='/2019-11/']").count() == 0
    finally:
        public.close()

    # The other console pages fit the phone too.
    for path in (
        "/console/completeness/?year=2019",
        "/console/reminders/?month=2019-12",
        "/console/schedule/",
        "/console/audit/",
    ):
        page.goto(path)
        fits(page, width)
        if (
            "reminders" in path
        ):  # "tick all" (console.js) ticks every organisation with a focal point
            boxes = page.locator("input[name=organisation]:not([disabled])")
            assert boxes.count() >= 1
            page.get_by_label(words["tick_all"]).check()
            assert all(boxes.nth(i).is_checked() for i in range(boxes.count()))
            screenshot("reminders")
    screenshot("audit")
    if lang == "es":
        assert page.get_by_text("Mes reabierto").count() >= 1  # audit actions in Spanish
