"""The partner's month in a real browser (issue 14, points 6, 7, 8 and 14): sign in → land on
the portal → the menu shows only what the role may open → a forbidden address is the styled
403 with a way home → check only → submit without picking the file again → what was stored
and the confirmation e-mail → a late partner on a closed month is told who to contact, in
English and Spanish, and everything fits a 390 px phone. Screenshots: test-artifacts/browser/."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from django.core import mail

from kipu.core.export import table_rows, write_xlsx
from kipu.web.platforms.queries import reference_data
from kipu.web.submissions.queries import activity_frame

PASSWORD = "demo-password-for-tests"
PHONE = {"width": 390, "height": 844}
ALLOWED = ["/", "/reports/", "/portal/", "/api/v1/docs/"]


@pytest.fixture
def platform(transactional_db, tmp_path, monkeypatch):  # noqa: ANN001, ANN201
    """The demonstration platform: January–November published, December open (no reports
    rendered: this journey does not need them)."""
    monkeypatch.setenv("KIPU_DATA_DIR", str(tmp_path))
    from kipu.web.site.services import load_demo, stage_demo

    made = load_demo()
    stage_demo(made, with_reports=False)
    return made


@pytest.fixture
def partner(platform):  # noqa: ANN001, ANN201
    from kipu.web.accounts.models import Role
    from kipu.web.accounts.services import create_demo_accounts

    accounts = {role: user for role, user, _ in create_demo_accounts(platform, PASSWORD)}
    return Role.objects.select_related("user", "organisation").get(
        user__username=accounts["partner"], platform=platform
    )


def five_w(platform, org_key: str, path: Path, *, broken: bool = False) -> Path:  # noqa: ANN001
    """The organisation's November rows as its December file; `broken` misspells an
    indicator."""
    rows = activity_frame(platform, month_from="2019-11", month_to="2019-11")
    rows = rows.filter(pl.col("appealing_org") == org_key).with_columns(month=pl.lit("2019-12"))
    table = table_rows(rows, reference_data(platform, 2019))
    if broken:
        table[2][table[0].index("Indicator Indicator")] = "PRO-99"
    write_xlsx(table, path)
    return path


def sign_in(page, username: str) -> None:  # noqa: ANN001
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def menu_links(page) -> list[str]:  # noqa: ANN001
    return page.eval_on_selector_all(
        "nav[aria-label] a", "links => links.map(a => a.getAttribute('href'))"
    )


def fits(page) -> None:  # noqa: ANN001
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url}: {width} px wide"


def test_partner_journey(page, platform, partner, screenshot, tmp_path) -> None:  # noqa: ANN001
    # Sign in: the partner lands on the portal, and the menu offers only what they may open.
    sign_in(page, partner.user.username)
    page.wait_for_url("**/portal/")
    assert menu_links(page) == ALLOWED
    assert page.locator("nav a[aria-current=page]").inner_text() == "My submissions"
    screenshot("1-landed-on-portal")

    # A forbidden address: the styled 403, in the site's layout, with a way home.
    response = page.goto("/console/")
    assert response is not None and response.status == 403
    page.get_by_role("heading", name="You cannot open this page").wait_for()
    header = page.locator("header.top").evaluate("h => getComputedStyle(h).backgroundColor")
    assert header == "rgb(11, 92, 173)"  # kipu.css applied
    screenshot("2-forbidden")
    page.get_by_role("link", name="Go to your home page").click()
    page.wait_for_url("**/portal/")

    # Check only, then Submit without picking the file again.
    good = five_w(platform, partner.organisation.key, tmp_path / "december.xlsx")
    page.goto("/portal/upload/")
    page.select_option("select[name=month]", "2019-12")
    page.set_input_files("input[name=file]", str(good))
    page.get_by_role("button", name="Check only (stores nothing)").click()
    page.get_by_text("Valid: you can submit it.").wait_for()
    screenshot("3-checked")
    page.get_by_role("button", name="Submit december.xlsx for December 2019").click()
    page.get_by_role("heading", name="What was stored").wait_for()
    screenshot("4-stored")

    from kipu.web.submissions.models import Submission

    stored = Submission.objects.filter(
        platform=platform, organisation=partner.organisation, month="2019-12"
    ).order_by("-uploaded_at", "-pk")[0]
    assert stored.status == "current" and stored.uploaded_by == partner.user
    facts = page.locator("dl.facts").inner_text()
    assert "December 2019" in facts and f"{stored.row_count}" in facts
    assert page.locator("table.stored tbody tr").count() >= 1
    (sent,) = [m for m in mail.outbox if partner.user.email in m.to]
    assert "December 2019" in sent.subject and f"Rows stored: {stored.row_count}" in sent.body
    page.get_by_text(f"A confirmation was sent to {partner.user.email}.").wait_for()

    # A late partner on a closed month: which month, since when, who to contact, what to do.
    page.goto("/portal/upload/?month=2019-11")
    notice = page.locator("#closed-month")
    notice.get_by_text("November 2019 is closed: it was published on").wait_for()
    assert "im@example.org" in notice.inner_text() and "What to do" in notice.inner_text()
    assert notice.locator("a[href^='mailto:im@example.org']").count() == 1
    screenshot("5-closed-month-en")

    # The same in Spanish (the language menu submits by itself: kipu.js, no inline script).
    page.select_option("select[name=language]", "es")
    notice = page.locator("#closed-month")
    notice.get_by_text("Noviembre de 2019 está cerrado: se publicó el").wait_for()
    assert "A quién escribir" in notice.inner_text() and "Qué hacer" in notice.inner_text()
    screenshot("6-closed-month-es")


@pytest.mark.parametrize("lang", ["en", "es"])
def test_partner_pages_fit_a_390_px_phone(
    page,
    platform,
    partner,
    screenshot,
    tmp_path,
    lang: str,  # noqa: ANN001
) -> None:
    page.set_viewport_size(PHONE)
    sign_in(page, partner.user.username)
    page.wait_for_url("**/portal/")
    # The menu is folded behind one switch: the header is a single row until it is opened.
    nav, switch = page.locator("nav[aria-label]"), page.locator("label.menu-label")
    assert not nav.is_visible() and switch.is_visible()
    box = page.locator("header.top").bounding_box()
    assert box is not None and box["height"] < 70, box
    switch.click()
    assert nav.is_visible() and menu_links(page) == ALLOWED
    if lang == "es":
        page.select_option("select[name=language]", "es")  # reloads the page in Spanish
        page.wait_for_selector("html[lang=es]")
        switch.click()
        assert nav.is_visible()
    fits(page)
    screenshot(f"phone-menu-{lang}")

    # The history table and a validation report: wide tables scroll inside their box.
    bad = five_w(platform, partner.organisation.key, tmp_path / "bad.xlsx", broken=True)
    page.goto("/portal/upload/")
    page.select_option("select[name=month]", "2019-12")
    page.set_input_files("input[name=file]", str(bad))
    page.locator("button[name=action][value=check]").click()
    page.locator("#issues").wait_for()
    fits(page)
    screenshot(f"phone-report-{lang}")
    page.goto("/portal/")
    fits(page)
    screenshot(f"phone-history-{lang}")
    latest = page.locator("a[href^='/portal/submissions/']").first
    latest.click()
    page.locator("h2").first.wait_for()
    fits(page)
    screenshot(f"phone-submission-{lang}")
    page.goto("/portal/upload/?month=2019-11")
    page.locator("#closed-month").wait_for()
    fits(page)
    screenshot(f"phone-closed-month-{lang}")
    page.goto("/console/")
    fits(page)
    screenshot(f"phone-403-{lang}")
