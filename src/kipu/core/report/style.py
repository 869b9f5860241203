"""Platform colours, fonts and palettes for report charts and maps.

Reports are often printed in black and white and read by people with colour-vision
deficiencies, so every palette here is ordered by lightness (CIE L*) and series are told apart
by hatch and line style as well, never by hue alone. Pure Python: no matplotlib import, so
templates can use the colours too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

FONT_FAMILY = "DejaVu Sans"  # ships with matplotlib: charts never depend on system fonts


def _rgb(colour: str) -> tuple[float, float, float]:
    text = colour.lstrip("#")
    if len(text) == 3:
        text = "".join(c * 2 for c in text)
    if len(text) != 6:
        raise ValueError(f"expected a #rrggbb colour, got {colour!r}")
    r, g, b = (int(text[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return r, g, b


def _hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{round(min(max(c, 0.0), 1.0) * 255):02x}" for c in rgb)


def relative_luminance(colour: str) -> float:
    """WCAG relative luminance, 0 (black) to 1 (white)."""

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in _rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def lightness(colour: str) -> float:
    """CIE L* (0–100): how light the colour looks once printed in greyscale."""
    y = relative_luminance(colour)
    return 116 * y ** (1 / 3) - 16 if y > 216 / 24389 else y * 24389 / 27


def mix(colour: str, other: str, fraction: float) -> str:
    """`fraction` of the way from `colour` to `other`, in sRGB."""
    a, b = _rgb(colour), _rgb(other)
    return _hex(tuple(x + (y - x) * fraction for x, y in zip(a, b, strict=True)))  # type: ignore[arg-type]


def sequential(base: str, n: int, lightest: float = 0.8, darkest: float = 0.5) -> list[str]:
    """`n` colours from a pale tint of `base` to a deep shade, strictly darker each step."""
    if n < 1:
        return []
    if n == 1:
        return [base]
    colours = []
    for i in range(n):
        t = i / (n - 1)
        # Walk white→base over the first part, base→black over the rest, by one parameter.
        pos = -lightest + t * (lightest + darkest)
        colours.append(mix(base, "#ffffff", -pos) if pos < 0 else mix(base, "#000000", pos))
    return colours


@dataclass(frozen=True)
class SeriesStyle:
    colour: str
    hatch: str
    linestyle: str
    marker: str


@dataclass(frozen=True)
class Style:
    """A platform's look. Override `primary` (and `accent`) per platform; the rest follows."""

    primary: str = "#1f5f99"
    accent: str = "#e07b24"
    text: str = "#222222"
    muted: str = "#5f5f5f"
    grid: str = "#d9d9d9"
    zero_fill: str = "#ffffff"
    zero_hatch: str = "#9e9e9e"
    outline: str = "#7a7a7a"
    font_family: str = FONT_FAMILY
    base_size: float = 9.0
    hatches: tuple[str, ...] = ("", "////", "....", "xxx", "\\\\\\\\")
    linestyles: tuple[str, ...] = ("-", "--", ":", "-.")
    markers: tuple[str, ...] = ("o", "s", "^", "D")
    extra: dict[str, Any] = field(default_factory=dict)

    def series(self, n: int) -> list[SeriesStyle]:
        """Styles for `n` series: lightness alternates dark/light, hatch and dash differ too."""
        shades = [
            self.primary,
            mix(self.primary, "#ffffff", 0.65),
            mix(self.accent, "#000000", 0.15),
            mix(self.primary, "#000000", 0.55),
        ]
        return [
            SeriesStyle(
                colour=shades[i % len(shades)],
                hatch=self.hatches[i % len(self.hatches)],
                linestyle=self.linestyles[i % len(self.linestyles)],
                marker=self.markers[i % len(self.markers)],
            )
            for i in range(n)
        ]

    def classes(self, n: int) -> list[str]:
        """Sequential fills for `n` non-zero choropleth classes, light to dark."""
        return sequential(self.primary, n)

    def ink_on(self, fill: str) -> str:
        """Text colour readable on `fill`."""
        return "#ffffff" if lightness(fill) < 55 else self.text

    def rc(self) -> dict[str, Any]:
        """matplotlib rcParams: embedded glyph paths, fixed SVG ids, no mathtext surprises."""
        return {
            "font.family": self.font_family,
            "font.size": self.base_size,
            "svg.fonttype": "path",
            "svg.hashsalt": "kipu",
            "text.parse_math": False,
            "text.color": self.text,
            "axes.edgecolor": self.muted,
            "axes.labelcolor": self.text,
            "axes.titlesize": self.base_size + 1,
            "xtick.color": self.muted,
            "ytick.color": self.muted,
            "hatch.linewidth": 0.6,
            "hatch.color": self.text,
            "path.simplify": True,
        }


DEFAULT_STYLE = Style()
