"""How every chart looks: size, fonts, colours, number formats and the right-to-left mirror."""

from __future__ import annotations

import colorsys
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from matplotlib.font_manager import FontProperties

# The files the Arabic invoice PDFs use (DejaVu Sans, shipped inside matplotlib).
from connectors.documents._fonts import _FILES, _mpl_font_dir

WIDTH_IN, HEIGHT_IN, DPI = 10.0, 6.0, 100  # 1000 x 600 px: a phone's width, read without zoom
DEFAULT_PRIMARY = "#5b2a86"  # the invoices' defaults, so a reader without colours matches them
DEFAULT_ACCENT = "#c9a227"
INK, MUTED, GRID, BACKGROUND, WHITE = "#222222", "#6b6b6b", "#e6e6e6", "#ffffff", "#ffffff"
TITLE_PT, SUBTITLE_PT, TICK_PT, VALUE_PT, SMALL_PT = 24, 15, 15, 14, 12
_HEX = re.compile(r"#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})")
# Paragraph direction: raqm takes it from the first strong character, so a right-to-left
# label that starts with a Latin service name ("Tarot قراءة") gets RLM in front.
RLM = "\u200f"


def colour(value: str | None, default: str) -> str:
    """ "#5b2a86" (or "#53a") as "#rrggbb"; the default when missing or not a colour."""
    match = _HEX.fullmatch((value or "").strip()) or _HEX.fullmatch(default)
    assert match is not None
    digits = match.group(1)
    if len(digits) == 3:
        digits = "".join(ch * 2 for ch in digits)
    return f"#{digits.lower()}"


def tint(hex_colour: str, share: float) -> str:
    """`hex_colour` mixed with white: `share` 0 is white, 1 the colour itself."""
    red, green, blue = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    mixed = (round(255 - (255 - c) * share) for c in (red, green, blue))
    return "#" + "".join(f"{c:02x}" for c in mixed)


def is_dark(hex_colour: str) -> bool:
    """Whether white text reads better than dark text on this colour."""
    red, green, blue = (int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return colorsys.rgb_to_hls(red, green, blue)[1] < 0.6


@dataclass(frozen=True, slots=True)
class Palette:
    """The reader's two brand colours, resolved, and the greys for further series."""

    primary: str
    accent: str

    @classmethod
    def of(cls, primary: str | None, accent: str | None) -> Palette:
        """The reader's colours, or the defaults for whatever is missing or unusable."""
        return cls(colour(primary, DEFAULT_PRIMARY), colour(accent, DEFAULT_ACCENT))

    def series(self, index: int) -> str:
        """The colour of the index-th line: primary, accent, then greys."""
        return (self.primary, self.accent, "#8c8c8c", "#b5b5b5")[min(index, 3)]


@cache
def font(bold: bool = False) -> FontProperties:
    """DejaVu Sans from matplotlib's own files (Latin and Arabic), as the PDFs use it."""
    return FontProperties(fname=str(_mpl_font_dir() / _FILES["B" if bold else ""]))


def text(value: str, rtl: bool) -> str:
    """A label as raqm should lay it out: a right-to-left paragraph in an Arabic chart."""
    if not rtl or not value:
        return value
    return "\n".join(f"{RLM}{line}" for line in value.split("\n"))  # each line its own paragraph


def compact(value: float) -> str:
    """A number short enough for a bar end or a point: 950, 1,200, 12.5k, 1.2M, 0.25."""
    size = abs(value)
    if size >= 1_000_000:
        return f"{value / 1_000_000:.1f}".rstrip("0").rstrip(".") + "M"
    if size >= 100_000:
        return f"{value / 1000:.0f}k"
    if size >= 10_000:
        return f"{value / 1000:.1f}".rstrip("0").rstrip(".") + "k"
    if size >= 1000 or value == int(value):
        return f"{value:,.0f}"
    return f"{value:,.1f}" if size >= 10 else f"{value:,.2f}".rstrip("0").rstrip(".")


def axis_labels(ticks: Sequence[float]) -> list[str]:
    """Tick values in one scale and one number of decimals: 0, 3k, 6k, 9k, 12k."""
    top = max((abs(t) for t in ticks), default=0.0)
    scale, suffix = (1e6, "M") if top >= 1e6 else (1e3, "k") if top >= 1e4 else (1.0, "")
    scaled = [t / scale for t in ticks]
    places = next((p for p in range(3) if all(abs(round(v, p) - v) < 1e-9 for v in scaled)), 2)
    return [f"{v:,.{places}f}{suffix}" if v else "0" for v in scaled]


def with_unit(value: str, unit: str) -> str:
    """A value and its unit: "£1,200" for a symbol, "1,200 AED" for a code or a word."""
    if not unit:
        return value
    if len(unit) == 1 and not unit.isalpha():  # a symbol goes after the sign: -£340
        sign, digits = ("-", value[1:]) if value.startswith("-") else ("", value)
        return f"{sign}{unit}{digits}"
    return f"{value} {unit}"
