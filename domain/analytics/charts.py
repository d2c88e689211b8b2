"""What a chart shows, resolved: analytics figures become these specs, a `ChartRenderer` draws them.

Plain frozen data, no drawing and no plotting library, so the domain can build a chart
without importing one and a test can compare specs. Values are floats in display units
(major units of a currency, counts of sessions): a chart is a picture of figures already
computed exactly elsewhere, never an input to money arithmetic. Every label is written in
the reader's language by whoever builds the spec; the renderer only lays it out (right to
left for Arabic) in the reader's brand colours, or the default palette when they have none.
The caller decides what an empty period says: a spec always has something to draw, and
all-zero values draw as zeros.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

__all__ = (
    "BarChart",
    "ChartSpec",
    "Funnel",
    "FunnelStep",
    "Heatmap",
    "LineChart",
    "Series",
    "is_rtl",
)

_RTL = frozenset({"ar", "fa", "he", "ur"})


def is_rtl(language: str) -> bool:
    """Whether a language tag ("ar", "ar-AE") is written right to left."""
    return language.replace("_", "-").split("-")[0].lower() in _RTL


def _tuple(spec: Any, name: str) -> tuple[Any, ...]:
    """A sequence field as a tuple, so a spec built from lists stays frozen and hashable."""
    value = tuple(getattr(spec, name))
    object.__setattr__(spec, name, value)
    return value


def _finite(values: Sequence[float], what: str) -> tuple[float, ...]:
    """The values as floats; NaN or infinity is a bug upstream, refused here."""
    floats = tuple(float(v) for v in values)
    if not all(math.isfinite(v) for v in floats):
        raise ValueError(f"{what}: every value must be a finite number")
    return floats


@dataclass(frozen=True, slots=True, kw_only=True)
class _Chart:
    """What every chart has: a title, the reader's language and brand colours."""

    title: str
    subtitle: str = ""  # one grey line under the title: the period, the time zone
    language: str = "en"  # the reader's: "en", or "ar" (laid out right to left)
    primary_color: str | None = None  # "#5b2a86"; None: the default palette
    accent_color: str | None = None

    @property
    def rtl(self) -> bool:
        """Whether the chart is laid out right to left."""
        return is_rtl(self.language)


@dataclass(frozen=True, slots=True)
class Series:
    """One line of a line chart: its name (the legend) and a value per x label."""

    name: str
    values: tuple[float, ...]

    def __post_init__(self) -> None:
        """Values as a tuple of finite floats."""
        object.__setattr__(self, "values", _finite(self.values, f"series {self.name!r}"))


@dataclass(frozen=True, slots=True, kw_only=True)
class LineChart(_Chart):
    """Values over periods (revenue per week): one or more series over the same x labels."""

    KIND: ClassVar[str] = "line"

    x_labels: tuple[str, ...]
    series: tuple[Series, ...]
    unit: str = ""  # "£", "AED", "sessions": on the value axis and the labelled values

    def __post_init__(self) -> None:
        """Every series has a value per x label."""
        labels, series = _tuple(self, "x_labels"), _tuple(self, "series")
        if not labels or not series:
            raise ValueError("a line chart needs x labels and at least one series")
        for line in series:
            if len(line.values) != len(labels):
                raise ValueError(
                    f"series {line.name!r} has {len(line.values)} values for {len(labels)} x labels"
                )


@dataclass(frozen=True, slots=True, kw_only=True)
class BarChart(_Chart):
    """One value per category (revenue by service, sessions held / cancelled / no-show)."""

    KIND: ClassVar[str] = "bar"

    labels: tuple[str, ...]
    values: tuple[float, ...]
    unit: str = ""
    # Shown at each bar's end instead of the plain number (money formatted by the caller).
    value_labels: tuple[str, ...] = ()
    # None: horizontal when the labels are long or many, so they stay readable on a phone.
    horizontal: bool | None = None

    def __post_init__(self) -> None:
        """A value (and a value label, when given) per category."""
        labels = _tuple(self, "labels")
        object.__setattr__(self, "values", _finite(self.values, "bar values"))
        shown = _tuple(self, "value_labels")
        if not labels or len(self.values) != len(labels):
            raise ValueError(f"{len(self.values)} bar values for {len(labels)} labels")
        if shown and len(shown) != len(labels):
            raise ValueError(f"{len(shown)} value labels for {len(labels)} bars")

    @classmethod
    def ratings(cls, *, counts: Sequence[int], **chart: Any) -> BarChart:
        """How many reviews gave 1 to 5 stars: `counts[0]` is the number of 1-star ones."""
        if len(counts) != 5 or any(c < 0 for c in counts):
            raise ValueError("ratings need five counts (1 to 5 stars), none negative")
        labels = tuple(f"{stars} ★" for stars in range(1, 6))
        return cls(labels=labels, values=tuple(float(c) for c in counts), horizontal=False, **chart)


@dataclass(frozen=True, slots=True, kw_only=True)
class Heatmap(_Chart):
    """A matrix of counts (bookings by weekday and hour, in the reader's zone)."""

    KIND: ClassVar[str] = "heatmap"

    row_labels: tuple[str, ...]  # e.g. the weekdays, top to bottom
    column_labels: tuple[str, ...]  # e.g. the hours "00".."23", in time order
    matrix: tuple[tuple[float, ...], ...]  # matrix[row][column]
    unit: str = ""

    def __post_init__(self) -> None:
        """One row of values per row label, one value per column label in each."""
        rows, columns = _tuple(self, "row_labels"), _tuple(self, "column_labels")
        matrix = tuple(_finite(row, "heatmap values") for row in self.matrix)
        object.__setattr__(self, "matrix", matrix)
        if not rows or not columns or len(matrix) != len(rows):
            raise ValueError(f"{len(matrix)} matrix rows for {len(rows)} row labels")
        if any(len(row) != len(columns) for row in matrix):
            raise ValueError(f"every matrix row needs {len(columns)} values")


@dataclass(frozen=True, slots=True)
class FunnelStep:
    """One step of a funnel and how many got that far."""

    label: str
    count: int

    def __post_init__(self) -> None:
        """A count is never negative."""
        if self.count < 0:
            raise ValueError(f"funnel step {self.label!r} has a negative count")


@dataclass(frozen=True, slots=True, kw_only=True)
class Funnel(_Chart):
    """Steps from first to last (started, picked a time, confirmed, paid) with their counts."""

    KIND: ClassVar[str] = "funnel"

    steps: tuple[FunnelStep, ...]

    def __post_init__(self) -> None:
        """At least one step."""
        if not _tuple(self, "steps"):
            raise ValueError("a funnel needs at least one step")


ChartSpec = LineChart | BarChart | Heatmap | Funnel
