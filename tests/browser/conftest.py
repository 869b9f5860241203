"""Browser tests: Playwright for Python driving Debian's Chromium (never a downloaded browser)
against the live test server. Screenshots go to test-artifacts/browser/."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium keeps trying to reach the internet, which
# the development and CI machines refuse.
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            if not Path(CHROMIUM).exists():
                item.add_marker(
                    pytest.mark.skip(
                        reason=f"{CHROMIUM} is not installed (make test installs it as root)"
                    )
                )


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # around it are ordinary blocking calls.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=FLAGS
            )
            yield chromium
            chromium.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def csp_violations() -> list[str]:
    """The Content-Security-Policy violations the browser reported during the test."""
    return []


@pytest.fixture
def page(browser, live_server, settings, csp_violations) -> Iterator[object]:  # noqa: ANN001
    """A page of a fresh browser context. Every test fails if the browser reports a
    Content-Security-Policy violation (an inline script, handler or style the policy blocked)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(20_000)

    def note(message) -> None:  # noqa: ANN001
        if "Content Security Policy" in message.text:
            csp_violations.append(message.text)

    page.on("console", note)
    yield page
    context.close()
    assert csp_violations == [], "the browser reported CSP violations"


@pytest.fixture
def screenshot(page, request) -> Callable[[str], Path]:  # noqa: ANN001
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> Path:
        path = ARTIFACTS / f"{request.node.name}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def demo(transactional_db, tmp_path, monkeypatch):  # noqa: ANN001
    """The demonstration platform with its workflow (months published, December open)."""
    monkeypatch.setenv("KIPU_DATA_DIR", str(tmp_path))
    from kipu.web.site.services import load_demo, stage_demo

    platform = load_demo()
    stage_demo(platform, with_reports=True)
    return platform
