"""Browser tests: Playwright for Python driving Debian's Chromium (never a downloaded browser)
against the live test server. Screenshots go to test-artifacts/browser/."""

from __future__ import annotations

import dataclasses
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

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


@pytest.fixture(scope="session")
def render_once(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Any]:
    """build_report, rendering each language's report once per session and copying its files
    for every test after: `demo` below stages the same demonstration for every test, so its
    November reports are the same (each takes seconds to render, PDF and Word)."""
    from kipu.core.report.build import BuildResult, build_report

    rendered: dict[tuple[str, str, str], tuple[Path, BuildResult]] = {}

    def build(context: Any, out_dir: Path, **options: Any) -> BuildResult:
        key = (context.slug, context.month, context.lang)
        if key not in rendered:
            folder = tmp_path_factory.mktemp("-".join(key))
            rendered[key] = (folder, build_report(context, folder, **options))
        folder, result = rendered[key]
        shutil.copytree(folder, out_dir, dirs_exist_ok=True)

        def moved(path: Path | None) -> Path | None:
            return None if path is None else out_dir / path.relative_to(folder)

        return dataclasses.replace(
            result,
            html=moved(result.html),
            pdf=moved(result.pdf),
            docx=moved(result.docx),
            figures_json=moved(result.figures_json),
            figure_files=[moved(p) for p in result.figure_files],
        )

    return build


@pytest.fixture
def demo(transactional_db, tmp_path, monkeypatch, render_once):  # noqa: ANN001
    """The demonstration platform with its workflow (months published, December open, the
    November reports published in English and Spanish)."""
    monkeypatch.setenv("KIPU_DATA_DIR", str(tmp_path))
    from kipu.web.reports import services
    from kipu.web.site.services import load_demo, stage_demo

    platform = load_demo()
    with pytest.MonkeyPatch.context() as patch:  # the tests render their own reports anew
        patch.setattr(services, "build_report", render_once)
        stage_demo(platform, with_reports=True)
    return platform
