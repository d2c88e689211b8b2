"""The four chart kinds drawn on a matplotlib Figure (object-oriented API only, no pyplot)."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from typing import Any, Literal

from matplotlib.axes import Axes
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.ticker import MaxNLocator

from connectors.charts._layout import HEIGHT_PX, LINE, TICK_PAD, TICK_PAD_PT, Sheet, px
from connectors.charts._style import (
    DPI,
    GRID,
    INK,
    MUTED,
    SMALL_PT,
    TICK_PT,
    VALUE_PT,
    WHITE,
    Palette,
    axis_labels,
    compact,
    font,
    is_dark,
    text,
    tint,
    with_unit,
)
from domain.analytics.charts import BarChart, Funnel, Heatmap, LineChart

MAX_X_LABELS = 8  # more period labels than this collide on a 1000 px wide picture
WRAP_AT = 14  # characters per line of a category label under a vertical bar
LONG_LABEL = 12  # a category label longer than this turns the bars horizontal
MANY_BARS = 7
EMPTY_CELL = "#f3f3f3"
LABEL_EVERY_CELL_UP_TO = 12  # columns
VALUE_GAP_PT = 7.0  # between a bar's end (or a point) and its value


def _frame(axes: Axes, *, rtl: bool, grid: Literal["x", "y"] | None = None) -> None:
    """No box; at most a light grid along the value axis; labels on the reading side."""
    for spine in axes.spines.values():
        spine.set_visible(False)
    if grid is not None:
        axes.grid(True, axis=grid, color=GRID, linewidth=1.0)
        axes.set_axisbelow(True)
    axes.tick_params(length=0, colors=MUTED, pad=TICK_PAD_PT)
    if rtl:
        axes.yaxis.tick_right()


def _ticks(labels: Sequence[str], rtl: bool) -> tuple[list[str], dict[str, Any]]:
    """Tick labels as the chart writes them, and the text properties they are drawn with."""
    props: dict[str, Any] = {"fontproperties": font(), "fontsize": TICK_PT, "color": MUTED}
    return [text(label, rtl) for label in labels], props


def _x_labels(axes: Axes, positions: Sequence[float], labels: Sequence[str], rtl: bool) -> None:
    """Category or period labels under the plot."""
    shown, props = _ticks(labels, rtl)
    axes.set_xticks(positions, shown, **props)


def _categories(axes: Axes, labels: Sequence[str], width: float, rtl: bool) -> None:
    """Category labels beside the plot, top to bottom, flush with the title's edge.

    In English they end at the plot (right-aligned); in Arabic they start at the right
    margin, where the title and the reading start, so short and long labels line up.
    """
    shown, props = _ticks(labels, rtl)
    if rtl:
        props["ha"] = "right"
        axes.tick_params(axis="y", pad=(width + TICK_PAD) * 72 / DPI)
    axes.set_yticks(list(range(len(labels))), shown, **props)


def _span(values: Sequence[float]) -> tuple[float, float]:
    """Zero (or the lowest value) to the highest; never an empty range (all-zero data)."""
    low, high = min(0.0, *values), max(0.0, *values)
    return low, (high if high > low else low + 1.0)


def _value() -> dict[str, Any]:
    return {
        "fontproperties": font(bold=True),
        "fontsize": VALUE_PT,
        "color": INK,
        "textcoords": "offset points",
    }


def line(sheet: Sheet, spec: LineChart, palette: Palette) -> None:
    """Lines over periods; the first filled lightly; each line's latest value written by it."""
    rtl, count = spec.rtl, len(spec.x_labels)
    low, high = _span([v for s in spec.series for v in s.values])
    high += (high - low) * 0.12  # room above the highest point for its value
    counts = all(v == int(v) for s in spec.series for v in s.values)  # no "2.5 sessions"
    locator = MaxNLocator(nbins=5, integer=counts, min_n_ticks=2)
    ticks = [t for t in locator.tick_values(low, high) if low <= t <= high]
    tick_labels, props = _ticks([with_unit(t, spec.unit) for t in axis_labels(ticks)], rtl)
    latest = [text(with_unit(compact(s.values[-1]), spec.unit), rtl) for s in spec.series]
    start = sheet.width(tick_labels) + TICK_PAD
    axes = sheet.axes(start=start, end=8, bottom=px(TICK_PT) * LINE + TICK_PAD)
    _frame(axes, rtl=rtl, grid="y")
    # Room after the latest period so its value is not cut or run into the value axis.
    plot = sheet.plot_width(axes)
    half = sheet.width(latest, bold=True, size=VALUE_PT) / 2 + 6
    room = max(0.0, (half * count - 0.5 * plot) / (plot - half))
    xs = list(range(count))
    marker = "o" if count <= 31 else None
    for index, series in enumerate(spec.series):
        shade = palette.series(index)
        axes.plot(
            xs,
            series.values,
            color=shade,
            linewidth=3.2,
            marker=marker,
            markersize=7,
            label=text(series.name, rtl),
            solid_capstyle="round",
            zorder=3,
        )
        if index == 0:
            axes.fill_between(xs, series.values, color=shade, alpha=0.08, linewidth=0)
    _latest_values(axes, spec, palette, latest, low, high)
    axes.set_yticks(ticks, tick_labels, **props)
    axes.set_ylim(low, high)
    step = max(1, math.ceil(count / MAX_X_LABELS))
    shown = list(range(count - 1, -1, -step))[::-1]  # always the latest period
    _x_labels(axes, shown, [spec.x_labels[i] for i in shown], rtl)
    axes.set_xlim(-0.5, count - 0.5 + room)
    if len(spec.series) > 1:
        legend = font().copy()
        legend.set_size(TICK_PT)
        x = 1 - sheet.edge if rtl else sheet.edge
        axes.legend(
            loc="upper right" if rtl else "upper left",
            frameon=False,
            ncols=len(spec.series),
            prop=legend,
            markerfirst=not rtl,
            reverse=rtl,
            bbox_to_anchor=(x, sheet.legend_row()),
            bbox_transform=sheet.figure.transFigure,
            borderaxespad=0,
            borderpad=0,
            handlelength=1.8,
            columnspacing=1.6,
        )


def _latest_values(
    axes: Axes, spec: LineChart, palette: Palette, labels: list[str], low: float, high: float
) -> None:
    """Each line's latest value by its last point: above it, or below when labels would meet."""
    height = axes.get_position().height * HEIGHT_PX
    last = len(spec.x_labels) - 1
    above_at: float | None = None  # pixel height of the last label placed above a point
    order = sorted(range(len(spec.series)), key=lambda i: -spec.series[i].values[-1])
    for index in order:
        value = spec.series[index].values[-1]
        y = (value - low) / (high - low) * height
        below = above_at is not None and above_at - y < px(VALUE_PT) * 1.6
        axes.annotate(
            labels[index],
            (last, value),
            xytext=(0, -11 if below else 11),
            ha="center",
            va="top" if below else "bottom",
            zorder=4,
            **_value() | {"color": palette.series(index)},
        )
        if not below:
            above_at = y


def _horizontal(spec: BarChart) -> bool:
    if spec.horizontal is not None:
        return spec.horizontal
    return len(spec.labels) > MANY_BARS or max(len(label) for label in spec.labels) > LONG_LABEL


def bar(sheet: Sheet, spec: BarChart, palette: Palette) -> None:
    """One bar per category with its value written at its end: no value axis to read."""
    shown = spec.value_labels or tuple(with_unit(compact(v), spec.unit) for v in spec.values)
    values = [text(label, spec.rtl) for label in shown]
    if _horizontal(spec):
        _bars_across(sheet, spec, palette, values)
    else:
        _bars_up(sheet, spec, palette, values)


def _bars_across(sheet: Sheet, spec: BarChart, palette: Palette, values: list[str]) -> None:
    """Horizontal bars, the first category on top, growing from the reading side."""
    rtl = spec.rtl
    low, high = _span(spec.values)
    positions = list(range(len(spec.labels)))
    width = sheet.width([text(label, rtl) for label in spec.labels])
    axes = sheet.axes(start=width + TICK_PAD, end=0, bottom=0)
    _frame(axes, rtl=rtl)
    # Widen the value range so the longest value still fits after the longest bar.
    plot = sheet.plot_width(axes)
    need = (sheet.width(values, bold=True, size=VALUE_PT) + px(VALUE_GAP_PT) + 4) / plot
    span = (high - low) / (1 - need * (1 + (low < 0)))
    axes.set_xlim(low - span * need * (low < 0), high + span * need)
    axes.barh(positions, spec.values, color=palette.primary, height=0.62, zorder=3)
    for y, value, label in zip(positions, spec.values, values, strict=True):
        outward = (value >= 0) != rtl  # the axis is mirrored in Arabic
        axes.annotate(
            label,
            (value, y),
            xytext=(VALUE_GAP_PT * (1 if outward else -1), 0),
            ha="left" if outward else "right",
            va="center",
            **_value(),
        )
    _categories(axes, spec.labels, width, rtl)
    axes.set_ylim(len(positions) - 0.5, -0.5)
    axes.set_xticks([])
    axes.axvline(0, color=GRID, linewidth=1.2, zorder=2)
    if rtl:  # bars grow from the right, where Arabic reading starts
        axes.invert_xaxis()


def _bars_up(sheet: Sheet, spec: BarChart, palette: Palette, values: list[str]) -> None:
    """Vertical bars, the first category where reading starts, labels wrapped under them."""
    rtl = spec.rtl
    low, high = _span(spec.values)
    positions = list(range(len(spec.labels)))
    wrapped = ["\n".join(textwrap.wrap(label, WRAP_AT)) or label for label in spec.labels]
    lines = max(label.count("\n") + 1 for label in wrapped)
    axes = sheet.axes(start=0, end=0, bottom=px(TICK_PT) * LINE * lines + TICK_PAD)
    _frame(axes, rtl=rtl)
    axes.bar(positions, spec.values, color=palette.primary, width=0.62, zorder=3)
    for x, value, label in zip(positions, spec.values, values, strict=True):
        up = value >= 0
        axes.annotate(
            label,
            (x, value),
            xytext=(0, VALUE_GAP_PT if up else -VALUE_GAP_PT),
            ha="center",
            va="bottom" if up else "top",
            **_value(),
        )
    _x_labels(axes, positions, wrapped, rtl)
    axes.set_yticks([])
    room = (high - low) * 0.16  # the value above the highest bar (below the lowest)
    axes.set_ylim(low - room * (low < 0), high + room)
    axes.set_xlim(-0.6, len(positions) - 0.4)
    axes.axhline(0, color=GRID, linewidth=1.2, zorder=2)
    if rtl:  # the first category where the eye starts: on the right
        axes.invert_xaxis()


def heatmap(sheet: Sheet, spec: Heatmap, palette: Palette) -> None:
    """Cells shaded from pale to the primary colour, the counts written where they matter."""
    rtl = spec.rtl
    rows, columns = len(spec.row_labels), len(spec.column_labels)
    width = sheet.width([text(label, rtl) for label in spec.row_labels])
    axes = sheet.axes(start=width + TICK_PAD, end=0, bottom=px(TICK_PT) * LINE + TICK_PAD)
    _frame(axes, rtl=rtl)
    peak = max(max(row) for row in spec.matrix)
    top = peak if peak > 0 else 1.0
    # A count of one is already visibly coloured; nothing at all is a neutral grey.
    shades = LinearSegmentedColormap.from_list(
        "brand", [tint(palette.primary, 0.16), tint(palette.primary, 0.6), palette.primary]
    ).with_extremes(under=EMPTY_CELL)
    low = min(top, 1.0) * 0.5
    axes.imshow(
        spec.matrix,
        cmap=shades,
        vmin=low,
        vmax=top,
        aspect="auto",
        interpolation="nearest",
    )
    size = SMALL_PT if columns <= 16 else SMALL_PT - 0.5
    # A narrow grid has every count written; a wide one (24 hours) only its busy cells,
    # which is what a peak-hour chart is read for (and each label costs ~0.5 ms to draw).
    shown_from = 0.0 if columns <= LABEL_EVERY_CELL_UP_TO else top * 0.5
    for r, row in enumerate(spec.matrix):
        for c, value in enumerate(row):
            if value > shown_from:
                red, green, blue, _ = shades((value - low) / (top - low))
                on_dark = 0.2126 * red + 0.7152 * green + 0.0722 * blue < 0.5
                axes.text(
                    c,
                    r,
                    compact(value),
                    ha="center",
                    va="center",
                    fontsize=size,
                    fontproperties=font(bold=True),
                    color=WHITE if on_dark else INK,
                )
    # White gaps between the cells.
    axes.vlines([c - 0.5 for c in range(1, columns)], -0.5, rows - 0.5, color=WHITE, linewidth=2.5)
    axes.hlines([r - 0.5 for r in range(1, rows)], -0.5, columns - 0.5, color=WHITE, linewidth=2.5)
    step = 1 if columns <= 12 else 3
    shown = list(range(0, columns, step))
    _x_labels(axes, shown, [spec.column_labels[c] for c in shown], rtl)
    _categories(axes, spec.row_labels, width, rtl)


def funnel(sheet: Sheet, spec: Funnel, palette: Palette) -> None:
    """Centred bars narrowing step by step, each with its count and share of the first step."""
    rtl = spec.rtl
    labels = [step.label for step in spec.steps]
    width = sheet.width([text(label, rtl) for label in labels])
    axes = sheet.axes(start=width + TICK_PAD, end=0, bottom=0)
    _frame(axes, rtl=rtl)
    first = spec.steps[0].count
    widest = max(max(step.count for step in spec.steps), 1)
    gap = VALUE_GAP_PT + 3
    for y, step in enumerate(spec.steps):
        shade = tint(palette.primary, 1.0 - 0.45 * y / max(len(spec.steps) - 1, 1))
        axes.barh(y, step.count, left=-step.count / 2, height=0.72, color=shade, zorder=3)
        label = f"{step.count:,}"
        if y > 0 and first > 0:
            label += f"  ·  {round(100 * step.count / first)}%"
        inside = step.count / widest > 0.42 and is_dark(shade)
        if inside:
            axes.annotate(
                text(label, rtl),
                (0, y),
                xytext=(0, 0),
                ha="center",
                va="center",
                **_value() | {"color": WHITE, "fontsize": VALUE_PT + 1},
            )
            continue
        side = -1 if rtl else 1  # beside the bar's far end, on the reading side's end
        axes.annotate(
            text(label, rtl),
            (side * step.count / 2, y),
            xytext=(side * gap, 0),
            ha="right" if rtl else "left",
            va="center",
            **_value() | {"fontsize": VALUE_PT + 1},
        )
    _categories(axes, labels, width, rtl)
    axes.set_ylim(len(spec.steps) - 0.5, -0.5)
    axes.set_xlim(-widest * 0.62, widest * 0.62)
    axes.set_xticks([])
