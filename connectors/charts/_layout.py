"""Where things go on the 1000 x 600 picture, measured in pixels instead of solved for.

matplotlib's constrained layout measured every text twice per chart (about 90 ms of a
300 ms heatmap); every label here is known before drawing, so the margins come from
measuring only the labels that sit in them, once, with the canvas's own text engine.
"""

from __future__ import annotations

from collections.abc import Iterable

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.figure import Figure

from connectors.charts._style import (
    DPI,
    HEIGHT_IN,
    INK,
    MUTED,
    SUBTITLE_PT,
    TICK_PT,
    TITLE_PT,
    WIDTH_IN,
    font,
    text,
)
from domain.analytics.charts import ChartSpec

WIDTH_PX, HEIGHT_PX = WIDTH_IN * DPI, HEIGHT_IN * DPI
EDGE = 28.0  # px of white around everything
TICK_PAD_PT = 8.0  # between a tick label and the plot
TICK_PAD = TICK_PAD_PT * DPI / 72
LINE = 1.3  # line height, as a multiple of the font size


def px(points: float) -> float:
    """Points (font sizes) as pixels at the chart's resolution."""
    return points * DPI / 72


class Sheet:
    """One figure's measuring and placing, with the renderer that will draw it."""

    def __init__(self, figure: Figure, spec: ChartSpec) -> None:
        """Measure with the figure's own Agg renderer (made once, reused by the draw)."""
        self.figure = figure
        self.rtl = spec.rtl
        canvas = figure.canvas
        self._renderer: RendererAgg = canvas.get_renderer()  # type: ignore[attr-defined]
        self.top = self._header(spec)

    def width(self, labels: Iterable[str], *, bold: bool = False, size: float = TICK_PT) -> float:
        """The widest of these labels (each line of a wrapped one), in pixels."""
        prop = font(bold).copy()
        prop.set_size(size)
        widest = 0.0
        for label in labels:
            for line in label.split("\n"):
                if line:
                    measure = self._renderer.get_text_width_height_descent
                    w, _, _ = measure(line, prop, False)  # type: ignore[no-untyped-call]
                    widest = max(widest, w)
        return widest

    def axes(self, *, start: float, end: float, bottom: float, top: float = 0.0) -> Axes:
        """The plot, given the pixels its labels need at the reading start and end sides."""
        left, right = (end, start) if self.rtl else (start, end)
        left, right = EDGE + left, EDGE + right
        low, high = EDGE * 0.6 + bottom, self.top + top
        rect = (
            left / WIDTH_PX,
            low / HEIGHT_PX,
            (WIDTH_PX - left - right) / WIDTH_PX,
            (HEIGHT_PX - low - high) / HEIGHT_PX,
        )
        return self.figure.add_axes(rect)

    def fitted(self, value: str, *, size: float, bold: bool, lines: int) -> list[str]:
        """A heading broken at spaces to fit the width, in at most `lines` lines (then "…")."""
        value = " ".join(value.split())  # a heading is one paragraph, however it was typed
        if not value:
            return []
        room = WIDTH_PX - 2 * EDGE

        def fits(candidate: str) -> bool:
            return self.width([candidate], bold=bold, size=size) <= room

        if fits(value):
            return [value]
        found: list[str] = []
        for word in value.split():
            joined = f"{found[-1]} {word}" if found else word
            if found and fits(joined):
                found[-1] = joined
            else:
                found.append(word)
        if len(found) > lines:
            found = found[:lines]
            last = found[-1]
            while last and not fits(f"{last}…"):
                last = last.rsplit(" ", 1)[0] if " " in last else last[:-1]
            found[-1] = f"{last}…"
        return found

    @property
    def edge(self) -> float:
        """The white edge as a fraction of the width."""
        return EDGE / WIDTH_PX

    def plot_width(self, axes: Axes) -> float:
        """The plot's width in pixels."""
        return float(axes.get_position().width * WIDTH_PX)

    def legend_row(self) -> float:
        """Where a legend's top goes (figure fraction): just under the title lines."""
        return 1 - (self.top - px(TICK_PT) * 2.0) / HEIGHT_PX

    def _header(self, spec: ChartSpec) -> float:
        """Title and subtitle at the reading start; the pixels they (and a legend) take."""
        x = 1 - EDGE / WIDTH_PX if self.rtl else EDGE / WIDTH_PX
        align = "right" if self.rtl else "left"
        y = EDGE * 0.8
        for value, size, bold, colour, lines in (
            (spec.title, TITLE_PT, True, INK, 2),
            (spec.subtitle, SUBTITLE_PT, False, MUTED, 1),
        ):
            for line in self.fitted(value, size=size, bold=bold, lines=lines):
                self.figure.text(
                    x,
                    1 - y / HEIGHT_PX,
                    text(line, self.rtl),
                    ha=align,
                    va="top",
                    fontproperties=font(bold),
                    fontsize=size,
                    color=colour,
                )
                y += px(size) * LINE
            y += 6 if bold else 0
        legend = getattr(spec, "series", ())
        if len(legend) > 1:
            y += px(TICK_PT) * 2.0
        return y + 22.0
