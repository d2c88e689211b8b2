"""Availability properties: random rules, exceptions, busy time and zones, checked by hypothesis."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.booking.availability import (
    AvailabilityException,
    ExceptionKind,
    SchedulingPolicy,
    WeeklyRule,
    find_slots,
    find_slots_in_client_day,
    is_bookable,
    open_intervals,
    to_local,
)
from domain.booking.windows import Slot, TimeWindow
from tests.domain.zones import AUCKLAND, DUBAI, LONDON, LORD_HOWE, NEW_YORK, SANTIAGO

HOUR = timedelta(hours=1)

PROPERTY_ZONES = [LONDON, NEW_YORK, LORD_HOWE, DUBAI, AUCKLAND, SANTIAGO]
PROPERTY_DAYS = [
    date(2026, 3, 29), date(2026, 10, 25), date(2026, 3, 8), date(2026, 11, 1),
    date(2026, 4, 5), date(2026, 10, 4), date(2026, 6, 15), date(2026, 4, 4),
    date(2026, 9, 6), date(2026, 9, 27),
]  # fmt: skip
MINUTE = timedelta(minutes=1)


@dataclass(frozen=True)
class Scenario:
    zone: ZoneInfo
    day: date
    duration: timedelta
    rules: list[WeeklyRule]
    exceptions: list[AvailabilityException]
    busy: list[TimeWindow]
    policy: SchedulingPolicy
    now: datetime

    def find(self, day: date) -> list[Slot]:
        return find_slots(
            zone=self.zone,
            day=day,
            duration=self.duration,
            rules=self.rules,
            exceptions=self.exceptions,
            busy=self.busy,
            policy=self.policy,
            now=self.now,
        )

    def intervals(self, day: date) -> list[TimeWindow]:
        return open_intervals(day=day, zone=self.zone, rules=self.rules, exceptions=self.exceptions)


def quarter_time(index: int) -> time:
    return time(0) if index == 96 else time(index // 4, index % 4 * 15)


@st.composite
def clock_range(draw: st.DrawFn) -> tuple[time, time]:
    start = draw(st.integers(0, 95))
    end = draw(st.integers(start + 1, 96))
    return quarter_time(start), quarter_time(end)


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    day = draw(st.sampled_from(PROPERTY_DAYS))
    weekdays = st.sampled_from([day.weekday(), day.weekday(), (day.weekday() + 1) % 7])
    rules = [
        WeeklyRule(draw(weekdays), *draw(clock_range())) for _ in range(draw(st.integers(0, 4)))
    ]
    exceptions: list[AvailabilityException] = []
    for _ in range(draw(st.integers(0, 3))):
        when = day + timedelta(days=draw(st.integers(0, 1)))
        kind = draw(st.sampled_from(ExceptionKind))
        if kind is ExceptionKind.TIME_OFF and draw(st.integers(0, 4)) == 0:
            exceptions.append(AvailabilityException(when, kind))
        else:
            exceptions.append(AvailabilityException(when, kind, *draw(clock_range())))
    origin = datetime(day.year, day.month, day.day, tzinfo=UTC)
    busy = []
    for _ in range(draw(st.integers(0, 8))):
        start = origin + draw(st.integers(-16 * 60, 40 * 60)) * MINUTE
        busy.append(TimeWindow(start, start + draw(st.integers(1, 240)) * MINUTE))
    notice = draw(st.integers(0, 48)) * HOUR
    five_minutes = st.integers(0, 12).map(lambda n: n * 5 * MINUTE)
    policy = SchedulingPolicy(
        buffer_before=draw(five_minutes),
        buffer_after=draw(five_minutes),
        minimum_notice=notice,
        maximum_advance=notice + draw(st.integers(0, 168)) * HOUR,
        slot_step=draw(st.sampled_from([5, 10, 15, 20, 30, 45, 60, 90])) * MINUTE,
    )
    return Scenario(
        zone=draw(st.sampled_from(PROPERTY_ZONES)),
        day=day,
        duration=draw(st.sampled_from([15, 30, 45, 60, 90, 120, 240])) * MINUTE,
        rules=rules,
        exceptions=exceptions,
        busy=busy,
        policy=policy,
        now=origin - notice + draw(st.integers(-30 * 60, 20 * 60)) * MINUTE,
    )


def merged(windows: list[TimeWindow]) -> list[TimeWindow]:
    out: list[TimeWindow] = []
    for w in sorted(windows, key=lambda w: w.start):
        if out and w.start <= out[-1].end:
            out[-1] = TimeWindow(out[-1].start, max(out[-1].end, w.end))
        else:
            out.append(w)
    return out


@settings(max_examples=300, deadline=None)
@given(scenarios())
def test_property_slots_are_free_open_ordered_within_notice_and_complete(case: Scenario) -> None:
    slots = case.find(case.day)
    policy, now = case.policy, case.now
    own = case.intervals(case.day)
    reachable = merged(own + case.intervals(case.day + timedelta(days=1)))

    def admissible(begins: datetime, ends: datetime) -> bool:
        padded = TimeWindow(begins - policy.buffer_before, ends + policy.buffer_after)
        return (
            now + policy.minimum_notice <= begins <= now + policy.maximum_advance
            and any(w.start <= begins and ends <= w.end for w in reachable)
            and not any(padded.overlaps(b) for b in case.busy)
        )

    starts = [s.starts_at for s in slots]
    assert all(a < b for a, b in pairwise(starts))
    for slot in slots:
        assert admissible(slot.starts_at, slot.ends_at)
        assert any(w.start <= slot.starts_at < w.end for w in own)
        assert to_local(slot.starts_at, case.zone).date() == case.day
        assert is_bookable(
            slot=slot.window,
            zone=case.zone,
            rules=case.rules,
            exceptions=case.exceptions,
            busy=case.busy,
            policy=policy,
            now=now,
        )

    # Brute-force oracle: every grid point that passes every rule is offered, nothing else.
    expected = []
    for window in own:
        begins = window.start
        while begins < window.end:
            if admissible(begins, begins + case.duration):
                expected.append(begins)
            begins += policy.slot_step
    assert starts == expected


@settings(max_examples=100, deadline=None)
@given(scenarios(), st.sampled_from(PROPERTY_ZONES))
def test_property_client_day_is_reader_days_filtered_by_client_date(
    case: Scenario, client_zone: ZoneInfo
) -> None:
    found = find_slots_in_client_day(
        reader_zone=case.zone,
        client_zone=client_zone,
        client_day=case.day,
        duration=case.duration,
        rules=case.rules,
        exceptions=case.exceptions,
        busy=case.busy,
        policy=case.policy,
        now=case.now,
    )
    expected = [
        slot
        for offset in (-1, 0, 1)
        for slot in case.find(case.day + timedelta(days=offset))
        if to_local(slot.starts_at, client_zone).date() == case.day
    ]
    assert found == expected
