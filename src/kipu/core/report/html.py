"""The report as one self-contained HTML file: inline CSS, inline SVG, data-URI images.

Field offices read it offline, so nothing is fetched: no web fonts, no scripts, no links to
style sheets. The same template prints to A4 (WeasyPrint or a browser's "Print"): page numbers,
a running header and figure captions come from the print CSS. `for_print=True` swaps each inline
SVG for its PNG, because WeasyPrint draws the path-heavy map SVGs about ten times slower.
"""

from __future__ import annotations

import base64
import re
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from kipu.core.report.style import Style
from kipu.core.report.view import FigureView, ReportView

HEX = re.compile(r"#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?")


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("kipu.core.report", "templates"),
        autoescape=select_autoescape(["html", "j2"], default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["data_uri"] = data_uri
    return env


_ENV: Environment | None = None


def environment() -> Environment:
    global _ENV
    if _ENV is None:
        _ENV = _environment()
    return _ENV


def data_uri(data: bytes, mime: str) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def scope_svg(svg: str, prefix: str) -> str:
    """Inline SVG, ids made unique per figure: matplotlib reuses ids such as glyph names, and
    two figures on one page must not resolve each other's references."""
    svg = re.sub(r"<\?xml[^>]*\?>\s*", "", svg, count=1)
    svg = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{prefix}-{m.group(1)}"', svg)
    svg = re.sub(r'href="#([^"]+)"', lambda m: f'href="#{prefix}-{m.group(1)}"', svg)
    return re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{prefix}-{m.group(1)})", svg)


def _colour(value: str, fallback: str) -> str:
    # Platform colours come from settings: only a plain hex colour may reach the CSS.
    return value if HEX.fullmatch(value or "") else fallback


def palette(style: Style) -> dict[str, str]:
    return {
        "primary": _colour(style.primary, "#1f5f99"),
        "accent": _colour(style.accent, "#e07b24"),
        "text": _colour(style.text, "#222222"),
        "muted": _colour(style.muted, "#5f5f5f"),
        "grid": _colour(style.grid, "#d9d9d9"),
    }


def figure_markup(figure: FigureView, for_print: bool) -> Markup:
    if for_print:
        src = data_uri(figure.png, "image/png")
        alt = Markup.escape(figure.caption)
        return Markup(f'<img class="graphic" src="{src}" alt="{alt}">')
    # The SVG is our own matplotlib output (text drawn as paths, no scripts): safe to inline.
    return Markup(scope_svg(figure.svg, figure.key))  # noqa: S704


def render_html(view: ReportView, style: Style, *, for_print: bool = False) -> str:
    """The whole document; `for_print` embeds PNG figures instead of SVG (see module doc)."""
    template = environment().get_template("sitrep.html.j2")
    figures: dict[str, Any] = {
        key: {"view": fig, "markup": figure_markup(fig, for_print)}
        for key, fig in view.figures.items()
    }
    return template.render(
        v=view,
        figures=figures,
        colours=palette(style),
        font=style.font_family if re.fullmatch(r"[\w ,-]+", style.font_family) else "sans-serif",
        safe=Markup,
    )
