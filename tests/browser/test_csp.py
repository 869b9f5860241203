"""The Content-Security-Policy in a real browser: the pages' own scripts still run (they are
served locally), and a script slipped into a page would not."""

from __future__ import annotations


def test_local_scripts_run_and_inline_ones_are_blocked(page, demo, csp_violations) -> None:  # noqa: ANN001
    page.goto("/")
    policy = page.evaluate("async () => (await fetch('/')).headers.get('content-security-policy')")
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    # The language menu submits on change through kipu.js (it was an inline onchange).
    page.select_option("select[name=language]", "es")
    page.get_by_role("link", name="Iniciar sesión").wait_for()
    assert csp_violations == []
    # What one missed escape would give: the policy stops it before it runs.
    page.evaluate(
        """() => {
            const s = document.createElement('script');
            s.textContent = 'window.injected = true';
            document.body.appendChild(s);
            const b = document.createElement('button');
            b.setAttribute('onclick', 'window.clicked = true');
            document.body.appendChild(b);
            b.click();
        }"""
    )
    page.wait_for_timeout(300)
    assert page.evaluate("() => window.injected === undefined && window.clicked === undefined")
    assert len(csp_violations) >= 2 and all("script-src" in v for v in csp_violations)
    csp_violations.clear()  # expected here; every other test fails on any violation
