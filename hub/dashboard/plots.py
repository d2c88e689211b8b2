"""Plotly figures (plain JSON-able dicts) for the dashboard's charts.

The browser draws them with the vendored plotly.js (cartesian bundle, served
by the hub, no CDN). Built for a phone first: fixed height, no drag-to-zoom (a finger
scrolls the page instead), hover labels carrying the formatted value, the value axis on
the reading side (the right in Arabic) and horizontal bars growing from it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans Arabic", "Noto Sans", sans-serif'
GRID = "#ece8f1"
EMPTY_CELL = "#f1edf6"  # a cell with nothing in it: visible, not a colour of its own
MUTED = "#5f5870"
CONFIG = {"displayModeBar": False, "responsive": True, "scrollZoom": False}


@dataclass(frozen=True, slots=True)
class Look:
    """What every chart of a page shares: direction and the brand's two colours."""

    rtl: bool
    primary: str
    accent: str


def _layout(
    look: Look, *, height: int, legend: bool = False, side: int = 44, **extra: Any
) -> dict[str, Any]:
    """`side`: room for the labels on the reading side (the left, or the right in Arabic)."""
    near, far = ("r", "l") if look.rtl else ("l", "r")
    layout: dict[str, Any] = {
        "height": height,
        "margin": {near: side, far: 12, "t": 8, "b": 8, "pad": 4},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "font": {"family": FONT, "size": 13, "color": MUTED},
        "dragmode": False,
        "hovermode": "closest",
        "hoverlabel": {"font": {"family": FONT}},
        "showlegend": legend,
        "legend": {
            "orientation": "h",
            "y": -0.18,
            "x": 1 if look.rtl else 0,
            "xanchor": "right" if look.rtl else "left",
        },
    }
    layout.update(extra)
    return layout


def _value_axis(look: Look, **extra: Any) -> dict[str, Any]:
    axis = {
        "gridcolor": GRID,
        "zeroline": False,
        "rangemode": "tozero",
        "fixedrange": True,
        "automargin": True,
        "side": "right" if look.rtl else "left",
    }
    return axis | extra


def _category_axis(**extra: Any) -> dict[str, Any]:
    return {"fixedrange": True, "automargin": True, "showgrid": False, **extra}


def _label_room(labels: Sequence[str]) -> int:
    """Pixels for the longest of some axis labels at the chart's font size."""
    return max(40, min(160, 12 + 7 * max((len(label) for label in labels), default=0)))


def line(
    look: Look,
    x: Sequence[str],
    series: Sequence[tuple[str, Sequence[float], Sequence[str]]],
) -> dict[str, Any]:
    """One or more lines over the same labels; each value with its formatted hover text."""
    colours = [look.primary, look.accent, MUTED]
    traces = [
        {
            "type": "scatter",
            "mode": "lines+markers" if len(x) <= 45 else "lines",
            "name": name,
            "x": list(x),
            "y": list(values),
            "text": list(shown),
            "hovertemplate": "%{x}<br><b>%{text}</b><extra>" + name + "</extra>",
            "line": {"color": colours[i % len(colours)], "width": 2.5, "shape": "linear"},
            "marker": {"size": 6},
            "fill": "tozeroy" if len(series) == 1 else "none",
            "fillcolor": _tint(colours[i % len(colours)]),
        }
        for i, (name, values, shown) in enumerate(series)
    ]
    return {
        "data": traces,
        "layout": _layout(
            look,
            height=260,
            legend=len(series) > 1,
            xaxis=_category_axis(
                type="category", nticks=6, tickangle=0, autorange="reversed" if look.rtl else True
            ),
            yaxis=_value_axis(look),
        ),
    }


def bars(
    look: Look,
    labels: Sequence[str],
    values: Sequence[float],
    shown: Sequence[str],
    *,
    horizontal: bool | None = None,
    colours: Sequence[str] | None = None,
    counts: bool = False,
    values_on_bars: bool = True,
) -> dict[str, Any]:
    """One bar per category, its formatted value at its end; long labels lie down.

    `counts` keeps the value axis on whole numbers; many bars (the days of a month) carry
    their value in the hover label only.
    """
    flat = horizontal if horizontal is not None else len(labels) > 6 or max(map(len, labels)) > 10
    order = slice(None, None, -1) if flat else slice(None)  # ranked lists read top down
    bar: dict[str, Any] = {
        "type": "bar",
        "text": list(shown)[order],
        "textposition": ("auto" if flat else "outside") if values_on_bars else "none",
        "textangle": 0,
        "cliponaxis": False,
        "hovertemplate": "%{" + ("y" if flat else "x") + "}: <b>%{text}</b><extra></extra>",
        "marker": {"color": list(colours)[order] if colours else look.primary},
    }
    ticks = _whole_ticks(values) if counts else {}
    if flat:
        # A phone has no room for long names beside the bars: shortened, whole in the hover.
        short = _distinct([_shorten(label) for label in labels])
        bar |= {
            "orientation": "h",
            "x": list(values)[order],
            "y": short[order],
            "hovertext": list(labels)[order],
            "hovertemplate": "%{hovertext}: <b>%{text}</b><extra></extra>",
        }
        # The values are written on the bars; an axis of numbers would only crowd them.
        value_axis = _value_axis(look, side="bottom", showticklabels=not values_on_bars, **ticks)
        if look.rtl:
            value_axis["autorange"] = "reversed"
        return {
            "data": [bar],
            "layout": _layout(
                look,
                height=max(150, 40 + 36 * len(labels)),
                side=_label_room(short),
                xaxis=value_axis,
                yaxis=_category_axis(type="category", side="right" if look.rtl else "left"),
            ),
        }
    bar |= {"x": list(labels), "y": list(values)}
    return {
        "data": [bar],
        "layout": _layout(
            look,
            height=230,
            bargap=0.25 if len(labels) > 12 else 0.35 if len(labels) > 2 else 0.6,
            xaxis=_category_axis(
                type="category", nticks=5, tickangle=0, autorange="reversed" if look.rtl else True
            ),
            yaxis=_value_axis(look, **ticks),
        ),
    }


def _shorten(label: str, most: int = 20) -> str:
    """A label cut to `most` characters, with an ellipsis when it was longer."""
    return label if len(label) <= most else label[: most - 1].rstrip() + "…"


def _distinct(labels: list[str]) -> list[str]:
    """Labels made unique (a category axis merges equal ones) with invisible marks."""
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        seen[label] = seen.get(label, -1) + 1
        out.append(label + "\u200b" * seen[label])
    return out


def _whole_ticks(values: Sequence[float]) -> dict[str, Any]:
    """Ticks on whole numbers only: no "0.4 sessions"."""
    raw = max(max(values, default=0) / 5, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    return {"tick0": 0, "dtick": step, "tickformat": ",d"}


def heatmap(
    look: Look,
    rows: Sequence[str],
    columns: Sequence[str],
    matrix: Sequence[Sequence[float | None]],
    *,
    hover: str,
    zmax: float | None = None,
    cell_text: str | None = None,
) -> dict[str, Any]:
    """A matrix of counts shaded from white to the brand's colour; rows top to bottom."""
    return {
        "data": [
            {
                "type": "heatmap",
                "z": [list(r) for r in matrix],
                "x": list(columns),
                "y": list(rows),
                "colorscale": [[0, EMPTY_CELL], [1, look.primary]],
                "zmin": 0,
                "showscale": False,
                "hoverongaps": False,
                "xgap": 2,
                "ygap": 2,
                "hovertemplate": hover + "<extra></extra>",
                **({"zmax": zmax} if zmax is not None else {}),
                **({"texttemplate": cell_text} if cell_text else {}),
            }
        ],
        "layout": _layout(
            look,
            height=60 + 30 * len(rows),
            side=_label_room(rows),
            xaxis=_category_axis(
                type="category", nticks=12, autorange="reversed" if look.rtl else True
            ),
            yaxis=_category_axis(
                type="category", autorange="reversed", side="right" if look.rtl else "left"
            ),
        ),
    }


def _tint(colour: str) -> str:
    """The colour at 12% over white, for the area under a single line."""
    hexes = colour.lstrip("#")
    if len(hexes) == 3:
        hexes = "".join(c * 2 for c in hexes)
    try:
        r, g, b = (int(hexes[i : i + 2], 16) for i in (0, 2, 4))
    except ValueError:
        return "rgba(0,0,0,0.06)"
    return f"rgba({r},{g},{b},0.12)"


__all__ = ("CONFIG", "Look", "bars", "heatmap", "line")
