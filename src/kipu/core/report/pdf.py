"""The print-ready PDF: WeasyPrint on the report's HTML, with the network shut out.

The HTML embeds everything as data URIs, so a fetcher that allows only `data:` turns a stray
external reference into an error rather than a silent wait on an offline field laptop.
"""

from __future__ import annotations

from typing import Any

from weasyprint import HTML


def offline_fetcher() -> Any:
    try:
        from weasyprint.urls import URLFetcher  # WeasyPrint >= 66
    except ImportError:  # pragma: no cover - older WeasyPrint: a plain function
        from weasyprint import default_url_fetcher

        def fetch(url: str, *args: Any, **kwargs: Any) -> Any:
            if not url.startswith("data:"):
                raise ValueError(f"the report must be self-contained; it referenced {url!r}")
            return default_url_fetcher(url, *args, **kwargs)

        return fetch
    return URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)


def render_pdf(html: str) -> bytes:
    """A4 PDF bytes from self-contained HTML (see `html.render_html(..., for_print=True)`)."""
    result = HTML(string=html, base_url=None, url_fetcher=offline_fetcher()).write_pdf()
    if result is None:  # only when a target is given; keeps the type checker honest
        raise RuntimeError("WeasyPrint returned no PDF")
    return result
