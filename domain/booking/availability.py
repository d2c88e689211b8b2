"""When a reader can be booked: pure slot-search rules, no I/O, no clock of its own.

Reader hours are wall-clock times in the reader's IANA zone; everything else is a tz-aware
UTC instant. Wall times are converted per day, so DST transitions are handled on the day
they happen, and slots are generated on the UTC timeline so every slot is a distinct instant.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from math import ceil, floor
from zoneinfo import ZoneInfo

from domain.booking.windows import (
    BusyIndex,
    Slot,
    TimeWindow,
    as_utc,
    index_near,
    merge_windows,
    subtract_windows,
)
from domain.enums import AvailabilityExceptionKind as ExceptionKind

MIDNIGHT = time(0)
_ONE_DAY = timedelta(days=1)


def _check_clock_range(start: time, end: time, owner: str) -> None:
    """Refuse ranges that cross midnight or run backwards, so one range always means one day."""
    if start.tzinfo is not None or end.tzinfo is not None:
        raise ValueError(f"{owner}: start/end are reader wall-clock times and must be naive")
    if not (end > start or end == MIDNIGHT):
        raise ValueError(
            f"{owner}: end {end.isoformat()} must be after start {start.isoformat()} "
            "(use 00:00 for 'until midnight'; split ranges that cross midnight over two days)"
        )


def _check_duration(duration: timedelta) -> None:
    """A zero or negative reading length would make every window 'fit'."""
    if duration <= timedelta(0):
        raise ValueError(f"duration must be positive, got {duration}")


@dataclass(frozen=True, slots=True)
class WeeklyRule:
    """Recurring reader-local open hours on one weekday (0=Monday); end 00:00 means midnight."""

    weekday: int
    start: time
    end: time

    def __post_init__(self) -> None:
        """Catch impossible rules when they are entered, not when a client searches."""
        if not 0 <= self.weekday <= 6:
            raise ValueError(f"weekday must be 0 (Monday) .. 6 (Sunday), got {self.weekday}")
        _check_clock_range(self.start, self.end, "WeeklyRule")


@dataclass(frozen=True, slots=True)
class AvailabilityException:
    """A dated, reader-local change to the weekly hours; TIME_OFF without times is a day off."""

    day: date
    kind: ExceptionKind
    start: time | None = None
    end: time | None = None

    def __post_init__(self) -> None:
        """Times come in pairs; extra hours need them, time off may omit them for a whole day."""
        if (self.start is None) != (self.end is None):
            raise ValueError("AvailabilityException needs both start and end, or neither")
        if self.start is None or self.end is None:
            if self.kind is ExceptionKind.EXTRA_HOURS:
                raise ValueError("EXTRA_HOURS needs a start and an end time")
            return
        _check_clock_range(self.start, self.end, "AvailabilityException")


@dataclass(frozen=True, slots=True)
class SchedulingPolicy:
    """A reader's booking constraints; slot_step is the grid from each open interval's start."""

    buffer_before: timedelta = timedelta(0)
    buffer_after: timedelta = timedelta(0)
    minimum_notice: timedelta = timedelta(hours=2)
    maximum_advance: timedelta = timedelta(days=60)
    slot_step: timedelta = timedelta(minutes=30)

    def __post_init__(self) -> None:
        """Negative buffers or a non-positive step would silently produce nonsense slots."""
        for name in ("buffer_before", "buffer_after", "minimum_notice", "maximum_advance"):
            if getattr(self, name) < timedelta(0):
                raise ValueError(f"SchedulingPolicy.{name} must not be negative")
        if self.slot_step <= timedelta(0):
            raise ValueError("SchedulingPolicy.slot_step must be positive")


def to_local(instant: datetime, zone: ZoneInfo) -> datetime:
    """Render an aware instant on a person's wall clock (fold tells the two 01:30s apart)."""
    return as_utc(instant, "instant").astimezone(zone)


def _first_instant_from(wall: datetime, zone: ZoneInfo) -> datetime:
    """When a skipped wall time is reached: the instant the clock jumps over it (bisect secs)."""
    candidates = [wall.replace(tzinfo=zone, fold=f).astimezone(UTC) for f in (0, 1)]
    lo, hi = floor(min(candidates).timestamp()), ceil(max(candidates).timestamp())
    while hi - lo > 1:  # invariant: clock at lo shows before `wall`, at hi at/after it
        mid = (lo + hi) // 2
        if datetime.fromtimestamp(mid, zone).replace(tzinfo=None) >= wall:
            hi = mid
        else:
            lo = mid
    return datetime.fromtimestamp(hi, UTC)


def _wall_to_utc(day: date, clock: time, zone: ZoneInfo, *, fold: int) -> datetime:
    """Map a reader wall time to a real instant; fold picks the pass of a repeated hour."""
    wall = datetime.combine(day, clock).replace(fold=fold)
    instant = wall.replace(tzinfo=zone).astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) == wall:
        return instant
    # The wall time does not exist (spring-forward gap): it is reached when the clock jumps,
    # so an interval touching the gap starts/ends at the jump and the gap adds no real time.
    return _first_instant_from(wall, zone)


def _local_span(day: date, start: time, end: time, zone: ZoneInfo) -> TimeWindow | None:
    """Real time covered by a wall-clock range on one reader day (None if the gap ate it)."""
    # Start: the FIRST time the clock shows `start` (fold=0). End: the LAST time it shows `end`
    # (fold=1), so 00:00-03:00 on a fall-back day is four real hours and the reader works the
    # whole repeated hour; if fold=1 did not keep end > start we would fall back to fold=0.
    # Midnight as an end means "end of this day" = the first instant of the next day (fold=0),
    # so a day's hours never reach into the next day's repeated hour and every slot found for
    # a day starts on that day. Skipped wall times map to the jump (see _wall_to_utc).
    opens = _wall_to_utc(day, start, zone, fold=0)
    if end == MIDNIGHT:
        closes = _wall_to_utc(day + _ONE_DAY, MIDNIGHT, zone, fold=0)
    else:
        closes = _wall_to_utc(day, end, zone, fold=1)
        if closes <= opens:
            closes = _wall_to_utc(day, end, zone, fold=0)
    return TimeWindow(opens, closes) if closes > opens else None


def open_intervals(
    *,
    day: date,
    zone: ZoneInfo,
    rules: Sequence[WeeklyRule],
    exceptions: Sequence[AvailabilityException],
) -> list[TimeWindow]:
    """A reader's open hours on one local day as sorted UTC windows (rules + extra - time off)."""
    todays = [e for e in exceptions if e.day == day]
    if any(e.kind is ExceptionKind.TIME_OFF and e.start is None for e in todays):
        return []  # a whole day off also cancels extra hours entered for that day
    opened: list[TimeWindow | None] = [
        _local_span(day, r.start, r.end, zone) for r in rules if r.weekday == day.weekday()
    ]
    closed: list[TimeWindow | None] = []
    for exc in todays:
        if exc.start is not None and exc.end is not None:
            span = _local_span(day, exc.start, exc.end, zone)
            (opened if exc.kind is ExceptionKind.EXTRA_HOURS else closed).append(span)
    return subtract_windows(
        merge_windows(w for w in opened if w is not None),
        merge_windows(w for w in closed if w is not None),
    )


def _stretches(
    day: date,
    zone: ZoneInfo,
    rules: Sequence[WeeklyRule],
    exceptions: Sequence[AvailabilityException],
) -> list[tuple[TimeWindow, datetime]]:
    """Each open interval of the day with how far open time runs on past it (into tomorrow)."""
    own = open_intervals(day=day, zone=zone, rules=rules, exceptions=exceptions)
    if not own:
        return []
    # Rules cannot cross midnight, so late hours are written as 22:00-00:00 + 00:00-02:00;
    # a reading that starts at 23:30 may then run on into the next day's first interval.
    reach = own[-1].end
    for window in open_intervals(day=day + _ONE_DAY, zone=zone, rules=rules, exceptions=exceptions):
        if window.start > reach:
            break
        reach = max(reach, window.end)
    return [(w, w.end) for w in own[:-1]] + [(own[-1], reach)]


def _slots_in(
    window: TimeWindow,
    reach: datetime,
    duration: timedelta,
    policy: SchedulingPolicy,
    index: BusyIndex,
    earliest: datetime,
    latest: datetime,
) -> Iterator[Slot]:
    """Walk the grid of one open interval on the UTC timeline, yielding the free slots."""
    step = policy.slot_step
    skip = max(0, -((window.start - earliest) // step))  # ceil: first grid point >= notice
    begins = window.start + skip * step
    while begins < window.end and begins <= latest:
        ends = begins + duration
        if ends > reach:
            return  # later starts end even later
        if not index.overlaps(begins - policy.buffer_before, ends + policy.buffer_after):
            yield Slot(begins, ends)
        begins += step


def find_slots(
    *,
    zone: ZoneInfo,
    day: date,
    duration: timedelta,
    rules: Sequence[WeeklyRule],
    exceptions: Sequence[AvailabilityException],
    busy: Sequence[TimeWindow],
    policy: SchedulingPolicy,
    now: datetime,
) -> list[Slot]:
    """Bookable slots starting on one reader-local day."""
    _check_duration(duration)
    now = as_utc(now, "now")
    stretches = _stretches(day, zone, rules, exceptions)
    if not stretches:
        return []
    index = index_near(
        busy,
        stretches[0][0].start - policy.buffer_before,
        stretches[-1][1] + policy.buffer_after,
    )
    earliest, latest = now + policy.minimum_notice, now + policy.maximum_advance
    return [
        slot
        for window, reach in stretches
        for slot in _slots_in(window, reach, duration, policy, index, earliest, latest)
    ]


def find_slots_in_client_day(
    *,
    reader_zone: ZoneInfo,
    client_zone: ZoneInfo,
    client_day: date,
    duration: timedelta,
    rules: Sequence[WeeklyRule],
    exceptions: Sequence[AvailabilityException],
    busy: Sequence[TimeWindow],
    policy: SchedulingPolicy,
    now: datetime,
) -> list[Slot]:
    """Slots starting on one CLIENT-local day, which may span two reader-local days."""
    _check_duration(duration)
    lo = _wall_to_utc(client_day, MIDNIGHT, client_zone, fold=0)
    hi = _wall_to_utc(client_day + _ONE_DAY, MIDNIGHT, client_zone, fold=0)
    index = index_near(busy, lo - policy.buffer_before, hi + duration + policy.buffer_after)
    reader_day, last_day = to_local(lo, reader_zone).date(), to_local(hi, reader_zone).date()
    slots: list[Slot] = []
    while reader_day <= last_day:
        found = find_slots(
            zone=reader_zone,
            day=reader_day,
            duration=duration,
            rules=rules,
            exceptions=exceptions,
            busy=index,
            policy=policy,
            now=now,
        )
        slots.extend(s for s in found if lo <= s.starts_at < hi)
        reader_day += _ONE_DAY
    return slots


def is_bookable(
    *,
    slot: TimeWindow,
    zone: ZoneInfo,
    rules: Sequence[WeeklyRule],
    exceptions: Sequence[AvailabilityException],
    busy: Sequence[TimeWindow],
    policy: SchedulingPolicy,
    now: datetime,
) -> bool:
    """Re-check one requested window at write time (used when confirming a hold).

    Same rules as find_slots except the slot_step grid, which only shapes what is offered.
    `busy` must not contain the hold being confirmed, or it would block itself.
    """
    _check_duration(slot.duration)
    now = as_utc(now, "now")
    if not now + policy.minimum_notice <= slot.start <= now + policy.maximum_advance:
        return False
    day = to_local(slot.start, zone).date()
    if not any(
        window.start <= slot.start < window.end and slot.end <= reach
        for window, reach in _stretches(day, zone, rules, exceptions)
    ):
        return False
    lo, hi = slot.start - policy.buffer_before, slot.end + policy.buffer_after
    return not index_near(busy, lo, hi).overlaps(lo, hi)
