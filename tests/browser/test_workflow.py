"""The monthly loop in a real browser: a partner uploads a file with errors, sees them, fixes
and submits; the IM team approves, locks and publishes the month."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from kipu.core.export import table_rows, write_xlsx
from kipu.web.accounts.services import create_demo_accounts
from kipu.web.platforms.queries import reference_data
from kipu.web.submissions.queries import activity_frame

PASSWORD = "demo-password-for-tests"


def sign_in(page, username: str) -> None:  # noqa: ANN001
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")


def december_file(platform, org_key: str, path: Path, broken: bool) -> Path:  # noqa: ANN001
    """The organisation's November rows, moved to December; `broken` misspells two indicators."""
    rows = activity_frame(platform, month_from="2019-11", month_to="2019-11")
    rows = rows.filter(pl.col("appealing_org") == org_key).with_columns(month=pl.lit("2019-12"))
    table = table_rows(rows, reference_data(platform, 2019))
    if broken:
        column = table[0].index("Indicator Indicator")
        for row in table[2:4]:
            row[column] = "PRO-99"
    write_xlsx(table, path)
    return path


def test_partner_fixes_errors_and_submits(page, demo, screenshot, tmp_path) -> None:  # noqa: ANN001
    accounts = {role: user for role, user, _ in create_demo_accounts(demo, PASSWORD)}
    from kipu.web.accounts.models import Role

    partner = Role.objects.get(user__username=accounts["partner"], platform=demo).organisation
    sign_in(page, accounts["partner"])
    page.goto("/portal/upload/")
    page.select_option("select[name=month]", "2019-12")
    page.set_input_files(
        "input[name=file]", str(december_file(demo, partner.key, tmp_path / "bad.xlsx", True))
    )
    page.get_by_role("button", name="Check and submit").click()
    page.locator("#issues td", has_text="unknown-indicator").first.wait_for()
    page.select_option("select[data-filter=code]", "unknown-indicator")
    screenshot("errors")
    assert page.locator("#issues tbody tr:visible").count() >= 2
    page.goto("/portal/upload/")
    page.select_option("select[name=month]", "2019-12")
    page.set_input_files(
        "input[name=file]", str(december_file(demo, partner.key, tmp_path / "good.xlsx", False))
    )
    page.get_by_role("button", name="Check and submit").click()
    page.get_by_text("Current version").wait_for()
    screenshot("submitted")


def test_im_team_locks_and_publishes_december(page, demo, screenshot) -> None:  # noqa: ANN001
    accounts = {role: user for role, user, _ in create_demo_accounts(demo, PASSWORD)}
    sign_in(page, accounts["admin"])
    page.goto("/console/")
    screenshot("console")
    # Each change is confirmed on the month's summary (tests/browser/test_console.py).
    row = page.locator("tr", has_text="December 2019")
    row.get_by_role("link", name="Review and lock").click()
    page.get_by_role("button", name="Approve and lock December 2019").click()
    page.locator("tr", has_text="December 2019").get_by_role(
        "link", name="Review and publish"
    ).click()
    page.get_by_role("button", name="Publish December 2019").click()
    page.locator("tr", has_text="December 2019").get_by_role("link", name="Reopen").wait_for()
    screenshot("published")
    from kipu.web.submissions.months import published_months

    assert "2019-12" in published_months(demo)
    page.goto("/")
    page.get_by_text("January 2019 – December 2019 (2019-01 – 2019-12)").wait_for()
