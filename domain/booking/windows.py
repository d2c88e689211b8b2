"""Spans of real time: half-open UTC windows, offered slots, and an index of busy time.

Everything here is a tz-aware UTC instant; reader wall-clock rules live in availability.py.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import overload


def as_utc(value: datetime, name: str) -> datetime:
    """Reject naive datetimes (a wall time without a zone is a caller bug) and normalise to UTC."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware (UTC), got naive {value.isoformat()}")
    return value.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class TimeWindow:
    """A half-open [start, end) span of real time, kept in UTC so comparisons never need a zone."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        """Normalise to UTC and refuse naive or inverted windows."""
        start = as_utc(self.start, "TimeWindow.start")
        end = as_utc(self.end, "TimeWindow.end")
        if end < start:
            raise ValueError(f"TimeWindow end {end.isoformat()} before start {start.isoformat()}")
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "end", end)

    def overlaps(self, other: TimeWindow) -> bool:
        """Half-open overlap, so back-to-back windows do not collide (empty windows never do)."""
        return max(self.start, other.start) < min(self.end, other.end)

    @property
    def duration(self) -> timedelta:
        """Real elapsed time, which differs from the wall-clock span on DST days."""
        return self.end - self.start


@dataclass(frozen=True, slots=True)
class Slot:
    """One bookable reading offered to a client, in UTC."""

    starts_at: datetime
    ends_at: datetime

    def __post_init__(self) -> None:
        """Normalise to UTC and refuse naive or empty slots."""
        starts_at = as_utc(self.starts_at, "Slot.starts_at")
        ends_at = as_utc(self.ends_at, "Slot.ends_at")
        if ends_at <= starts_at:
            raise ValueError("Slot must end after it starts")
        object.__setattr__(self, "starts_at", starts_at)
        object.__setattr__(self, "ends_at", ends_at)

    @property
    def window(self) -> TimeWindow:
        """The slot as a window, e.g. to re-check it with is_bookable."""
        return TimeWindow(self.starts_at, self.ends_at)


def merge_windows(windows: Iterable[TimeWindow]) -> list[TimeWindow]:
    """Union of windows, sorted; touching windows join because [a,b)+[b,c) is [a,c)."""
    merged: list[TimeWindow] = []
    for window in sorted((w for w in windows if w.start < w.end), key=lambda w: w.start):
        if merged and window.start <= merged[-1].end:
            if window.end > merged[-1].end:
                merged[-1] = TimeWindow(merged[-1].start, window.end)
        else:
            merged.append(window)
    return merged


def subtract_windows(base: list[TimeWindow], cuts: list[TimeWindow]) -> list[TimeWindow]:
    """Remove merged, sorted cuts from merged, sorted base windows."""
    result: list[TimeWindow] = []
    for window in base:
        start = window.start
        for cut in cuts:
            if cut.end <= start or cut.start >= window.end:
                continue
            if cut.start > start:
                result.append(TimeWindow(start, cut.start))
            start = max(start, cut.end)
        if start < window.end:
            result.append(TimeWindow(start, window.end))
    return result


class BusyIndex(Sequence[TimeWindow]):
    """Busy time merged and sorted once, so each overlap test is one bisect, not a scan.

    Pass one to find_slots / is_bookable when the same busy list serves many searches; a
    plain sequence is accepted too and only its windows near the searched day are indexed.
    """

    __slots__ = ("_ends", "_starts", "_windows")

    def __init__(self, windows: Iterable[TimeWindow] = ()) -> None:
        """Merge overlapping windows: overlap with any of them equals overlap with their union."""
        self._windows = tuple(merge_windows(windows))
        self._starts = [w.start for w in self._windows]
        self._ends = [w.end for w in self._windows]

    def overlaps(self, start: datetime, end: datetime) -> bool:
        """Whether [start, end) touches busy time; merged windows make both lists sorted."""
        i = bisect_right(self._ends, start)  # first busy window ending after `start`
        return start < end and i < len(self._starts) and self._starts[i] < end

    @overload
    def __getitem__(self, index: int) -> TimeWindow: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[TimeWindow]: ...
    def __getitem__(self, index: int | slice) -> TimeWindow | Sequence[TimeWindow]:
        """Merged busy windows in time order."""
        return self._windows[index]

    def __len__(self) -> int:
        """Number of merged busy windows."""
        return len(self._windows)


def index_near(busy: Sequence[TimeWindow], lo: datetime, hi: datetime) -> BusyIndex:
    """Index only the busy windows that can touch [lo, hi): one linear pass, tiny sort."""
    if isinstance(busy, BusyIndex):
        return busy
    return BusyIndex(w for w in busy if w.start < hi and w.end > lo)
