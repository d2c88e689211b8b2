"""Availability rules: weekly hours, exceptions, buffers, notice, DST days, client days."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

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
from domain.booking.windows import BusyIndex, Slot, TimeWindow
from tests.domain.zones import AUCKLAND, DUBAI, LONDON, LORD_HOWE, NEW_YORK, SANTIAGO

MONDAY = date(2026, 6, 15)
LONG_AGO = datetime(2026, 1, 1, tzinfo=UTC)
NO_LIMITS = SchedulingPolicy(minimum_notice=timedelta(0), maximum_advance=timedelta(days=3650))
HALF_HOUR = timedelta(minutes=30)
HOUR = timedelta(hours=1)


def every_day(start: time, end: time) -> list[WeeklyRule]:
    return [WeeklyRule(weekday, start, end) for weekday in range(7)]


def at(zone: ZoneInfo, day: date, hour: int, minute: int = 0, fold: int = 0) -> datetime:
    """A reader wall time as a UTC instant (test helper; the wall time must exist)."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone, fold=fold).astimezone(
        UTC
    )


def labels(slots: list[Slot], zone: ZoneInfo) -> list[str]:
    return [to_local(s.starts_at, zone).strftime("%H:%M") for s in slots]


def search(
    *,
    zone: ZoneInfo = DUBAI,
    day: date = MONDAY,
    duration: timedelta = HOUR,
    rules: list[WeeklyRule] | None = None,
    exceptions: list[AvailabilityException] | None = None,
    busy: Sequence[TimeWindow] | None = None,
    policy: SchedulingPolicy = NO_LIMITS,
    now: datetime = LONG_AGO,
) -> list[Slot]:
    return find_slots(
        zone=zone,
        day=day,
        duration=duration,
        rules=rules if rules is not None else [WeeklyRule(day.weekday(), time(9), time(12))],
        exceptions=exceptions or [],
        busy=busy or [],
        policy=policy,
        now=now,
    )


# --- weekly hours, buffers, notice, advance -------------------------------------------


def test_weekly_hours_produce_slots_on_the_step_grid_that_fit_before_closing() -> None:
    slots = search()
    assert labels(slots, DUBAI) == ["09:00", "09:30", "10:00", "10:30", "11:00"]
    assert all(s.ends_at - s.starts_at == HOUR for s in slots)
    assert all(s.starts_at.tzinfo is UTC for s in slots)


def test_day_without_weekly_rule_has_no_slots() -> None:
    assert search(rules=[WeeklyRule(MONDAY.weekday() + 1, time(9), time(12))]) == []


def test_adjacent_rules_merge_into_one_interval_and_one_grid() -> None:
    rules = [WeeklyRule(0, time(9), time(10)), WeeklyRule(0, time(10), time(11))]
    assert labels(search(rules=rules), DUBAI) == ["09:00", "09:30", "10:00"]


def test_busy_window_blocks_only_overlapping_slots() -> None:
    busy = [TimeWindow(at(DUBAI, MONDAY, 10), at(DUBAI, MONDAY, 10, 30))]
    assert labels(search(busy=busy), DUBAI) == ["09:00", "10:30", "11:00"]


def test_back_to_back_busy_windows_do_not_block_without_buffers() -> None:
    busy = [
        TimeWindow(at(DUBAI, MONDAY, 8), at(DUBAI, MONDAY, 9)),
        TimeWindow(at(DUBAI, MONDAY, 12), at(DUBAI, MONDAY, 13)),
    ]
    assert labels(search(busy=busy), DUBAI) == ["09:00", "09:30", "10:00", "10:30", "11:00"]


def test_buffers_block_slots_adjacent_to_busy_window() -> None:
    policy = SchedulingPolicy(
        buffer_before=timedelta(minutes=15),
        buffer_after=timedelta(minutes=15),
        minimum_notice=timedelta(0),
    )
    busy = [TimeWindow(at(DUBAI, MONDAY, 10), at(DUBAI, MONDAY, 11))]
    rules = [WeeklyRule(0, time(8), time(14))]
    slots = search(rules=rules, busy=busy, policy=policy, now=at(DUBAI, MONDAY, 0))
    assert labels(slots, DUBAI) == ["08:00", "08:30", "11:30", "12:00", "12:30", "13:00"]


def test_buffers_do_not_need_to_fit_inside_open_hours() -> None:
    policy = SchedulingPolicy(buffer_before=HOUR, buffer_after=HOUR, minimum_notice=timedelta(0))
    rules = [WeeklyRule(0, time(9), time(10))]
    assert labels(search(rules=rules, policy=policy, now=at(DUBAI, MONDAY, 0)), DUBAI) == ["09:00"]


def test_minimum_notice_hides_slots_starting_too_soon() -> None:
    policy = SchedulingPolicy(minimum_notice=timedelta(hours=2))
    slots = search(policy=policy, now=at(DUBAI, MONDAY, 8, 10))
    assert labels(slots, DUBAI) == ["10:30", "11:00"]


def test_minimum_notice_boundary_is_inclusive() -> None:
    policy = SchedulingPolicy(minimum_notice=timedelta(hours=2))
    slots = search(policy=policy, now=at(DUBAI, MONDAY, 8))
    assert labels(slots, DUBAI) == ["10:00", "10:30", "11:00"]


def test_maximum_advance_hides_slots_too_far_ahead_inclusive() -> None:
    policy = SchedulingPolicy(minimum_notice=timedelta(0), maximum_advance=timedelta(days=7))
    now = at(DUBAI, MONDAY - timedelta(days=7), 9, 30)
    assert labels(search(policy=policy, now=now), DUBAI) == ["09:00", "09:30"]
    assert search(policy=policy, now=now - timedelta(days=1)) == []


# --- exceptions ------------------------------------------------------------------------


def test_whole_day_time_off_removes_every_slot_even_extra_hours() -> None:
    exceptions = [
        AvailabilityException(MONDAY, ExceptionKind.TIME_OFF),
        AvailabilityException(MONDAY, ExceptionKind.EXTRA_HOURS, time(18), time(20)),
    ]
    assert search(exceptions=exceptions) == []
    assert search(day=MONDAY + timedelta(days=7), exceptions=exceptions) != []


def test_partial_time_off_removes_only_that_part_and_regrids_after_it() -> None:
    exceptions = [AvailabilityException(MONDAY, ExceptionKind.TIME_OFF, time(10, 15), time(10, 45))]
    slots = search(rules=[WeeklyRule(0, time(9), time(13))], exceptions=exceptions)
    assert labels(slots, DUBAI) == ["09:00", "10:45", "11:15", "11:45"]


def test_extra_hours_open_a_day_without_weekly_rule() -> None:
    tuesday = MONDAY + timedelta(days=1)
    extra = [AvailabilityException(tuesday, ExceptionKind.EXTRA_HOURS, time(18), time(20))]
    slots = search(day=tuesday, rules=[WeeklyRule(0, time(9), time(12))], exceptions=extra)
    assert labels(slots, DUBAI) == ["18:00", "18:30", "19:00"]


def test_extra_hours_extend_weekly_hours() -> None:
    extra = [AvailabilityException(MONDAY, ExceptionKind.EXTRA_HOURS, time(12), time(13))]
    assert labels(search(exceptions=extra), DUBAI)[-1] == "12:00"


def test_slot_may_run_past_midnight_into_next_days_hours() -> None:
    rules = [WeeklyRule(0, time(22), time(0)), WeeklyRule(1, time(0), time(2))]
    assert labels(search(rules=rules), DUBAI) == ["22:00", "22:30", "23:00", "23:30"]
    tuesday = search(day=MONDAY + timedelta(days=1), rules=rules)
    assert labels(tuesday, DUBAI) == ["00:00", "00:30", "01:00"]


def test_slot_stops_at_midnight_when_next_day_is_closed() -> None:
    rules = [WeeklyRule(0, time(22), time(0))]
    assert labels(search(rules=rules), DUBAI) == ["22:00", "22:30", "23:00"]


# --- DST --------------------------------------------------------------------------------

DST_DAYS = [
    # zone, day, real length of the day, local gap [start, end) or None
    (LONDON, date(2026, 3, 29), timedelta(hours=23), (time(1), time(2))),
    (LONDON, date(2026, 10, 25), timedelta(hours=25), None),
    (NEW_YORK, date(2026, 3, 8), timedelta(hours=23), (time(2), time(3))),
    (NEW_YORK, date(2026, 11, 1), timedelta(hours=25), None),
    (LORD_HOWE, date(2026, 4, 5), timedelta(hours=24, minutes=30), None),
    (LORD_HOWE, date(2026, 10, 4), timedelta(hours=23, minutes=30), (time(2), time(2, 30))),
    (SANTIAGO, date(2026, 4, 4), timedelta(hours=25), None),
    (SANTIAGO, date(2026, 9, 6), timedelta(hours=23), (time(0), time(1))),
    (DUBAI, date(2026, 3, 29), timedelta(hours=24), None),
]


@pytest.mark.parametrize(("zone", "day", "real_length", "gap"), DST_DAYS)
def test_dst_days_yield_one_slot_per_real_half_hour(
    zone: ZoneInfo, day: date, real_length: timedelta, gap: tuple[time, time] | None
) -> None:
    # Check with zoneinfo that the transition is on this day: the real length matches the offsets.
    midnight = datetime(day.year, day.month, day.day, tzinfo=zone)
    next_midnight = (midnight + timedelta(days=1)).replace(tzinfo=zone)
    assert next_midnight.astimezone(UTC) - midnight.astimezone(UTC) == real_length
    shift = real_length - timedelta(days=1)
    offsets = [m.utcoffset() or timedelta(0) for m in (midnight, next_midnight)]
    assert offsets[0] - offsets[1] == shift

    slots = search(zone=zone, day=day, duration=HALF_HOUR, rules=every_day(time(0), time(0)))

    assert len(slots) == real_length // HALF_HOUR
    starts = [s.starts_at for s in slots]
    assert len(set(starts)) == len(starts)
    assert starts == sorted(starts)
    for slot in slots:
        local = to_local(slot.starts_at, zone)
        assert local.date() == day
        rebuilt = datetime.combine(local.date(), local.time(), tzinfo=zone).replace(fold=local.fold)
        assert rebuilt.astimezone(UTC) == slot.starts_at
        if gap is not None:
            assert not gap[0] <= local.time() < gap[1], f"slot at missing time {local}"


def test_spring_forward_gap_yields_no_slot_at_missing_local_time() -> None:
    day = date(2026, 3, 29)
    rules = [WeeklyRule(6, time(0), time(4))]
    slots = search(zone=LONDON, day=day, duration=HALF_HOUR, rules=rules)
    assert labels(slots, LONDON) == ["00:00", "00:30", "02:00", "02:30", "03:00", "03:30"]


def test_open_hours_across_spring_forward_gap_are_shorter_in_real_time() -> None:
    day = date(2026, 3, 29)
    (window,) = open_intervals(
        day=day, zone=LONDON, rules=[WeeklyRule(6, time(1), time(4))], exceptions=[]
    )
    assert window.duration == timedelta(hours=2)
    assert window.start == datetime(2026, 3, 29, 1, tzinfo=UTC)  # 02:00 BST, the jump


def test_hours_starting_inside_gap_open_when_the_clock_jumps() -> None:
    day = date(2026, 3, 8)
    slots = search(zone=NEW_YORK, day=day, rules=[WeeklyRule(6, time(2, 30), time(4))])
    assert labels(slots, NEW_YORK) == ["03:00"]


def test_hours_entirely_inside_gap_are_closed() -> None:
    day = date(2026, 3, 8)
    rules = [WeeklyRule(6, time(2), time(2, 45))]
    assert open_intervals(day=day, zone=NEW_YORK, rules=rules, exceptions=[]) == []


def test_missing_midnight_opens_when_clock_jumps_and_joins_previous_evening() -> None:
    rules = [WeeklyRule(5, time(23), time(0)), WeeklyRule(6, time(0), time(2))]
    sunday = search(zone=SANTIAGO, day=date(2026, 9, 6), rules=rules)
    assert labels(sunday, SANTIAGO) == ["01:00"]
    saturday = search(zone=SANTIAGO, day=date(2026, 9, 5), rules=rules)
    assert labels(saturday, SANTIAGO) == ["23:00", "23:30"]
    assert saturday[-1].ends_at == at(SANTIAGO, date(2026, 9, 6), 1, 30)


def test_fall_back_day_has_an_extra_real_hour_of_distinct_slots() -> None:
    day = date(2026, 10, 25)
    slots = search(
        zone=LONDON, day=day, duration=HALF_HOUR, rules=[WeeklyRule(6, time(0), time(3))]
    )
    assert labels(slots, LONDON) == [
        "00:00", "00:30", "01:00", "01:30", "01:00", "01:30", "02:00", "02:30",
    ]  # fmt: skip
    folds = [to_local(s.starts_at, LONDON).fold for s in slots]
    assert folds == [0, 0, 0, 0, 1, 1, 0, 0]


def test_fall_back_hours_ending_in_repeated_hour_run_to_its_last_occurrence() -> None:
    day = date(2026, 10, 25)
    rules = [WeeklyRule(6, time(0), time(1, 30))]
    (window,) = open_intervals(day=day, zone=LONDON, rules=rules, exceptions=[])
    assert window.start == at(LONDON, day, 0)
    assert window.end == at(LONDON, day, 1, 30, fold=1)
    assert window.duration == timedelta(hours=2, minutes=30)


# --- client day ----------------------------------------------------------------------------


def test_client_day_in_auckland_spans_two_reader_days_in_london() -> None:
    client_day = date(2026, 6, 10)  # NZST +12, BST +1: the client's day is 13:00-13:00 London
    slots = find_slots_in_client_day(
        reader_zone=LONDON,
        client_zone=AUCKLAND,
        client_day=client_day,
        duration=HOUR,
        rules=every_day(time(9), time(17)),
        exceptions=[],
        busy=[],
        policy=NO_LIMITS,
        now=LONG_AGO,
    )
    assert {to_local(s.starts_at, AUCKLAND).date() for s in slots} == {client_day}
    assert {to_local(s.starts_at, LONDON).date() for s in slots} == {
        date(2026, 6, 9),
        date(2026, 6, 10),
    }
    assert labels(slots, LONDON) == [
        "13:00", "13:30", "14:00", "14:30", "15:00", "15:30", "16:00",
        "09:00", "09:30", "10:00", "10:30", "11:00", "11:30", "12:00", "12:30",
    ]  # fmt: skip


# --- is_bookable -----------------------------------------------------------------------


def check(
    window: TimeWindow,
    *,
    busy: Sequence[TimeWindow] = (),
    policy: SchedulingPolicy = NO_LIMITS,
    now: datetime = LONG_AGO,
) -> bool:
    return is_bookable(
        slot=window,
        zone=DUBAI,
        rules=[WeeklyRule(0, time(9), time(12))],
        exceptions=[],
        busy=busy,
        policy=policy,
        now=now,
    )


def test_is_bookable_accepts_every_slot_find_slots_offers() -> None:
    assert all(check(slot.window) for slot in search())


def test_is_bookable_rejects_windows_outside_open_hours() -> None:
    assert not check(TimeWindow(at(DUBAI, MONDAY, 11, 30), at(DUBAI, MONDAY, 12, 30)))
    assert not check(TimeWindow(at(DUBAI, MONDAY, 8, 30), at(DUBAI, MONDAY, 9, 30)))


def test_is_bookable_rejects_windows_taken_since_the_hold_or_too_soon() -> None:
    window = TimeWindow(at(DUBAI, MONDAY, 10), at(DUBAI, MONDAY, 11))
    busy = [TimeWindow(at(DUBAI, MONDAY, 10, 30), at(DUBAI, MONDAY, 10, 45))]
    assert not check(window, busy=busy)
    assert not check(window, busy=BusyIndex(busy))
    assert not check(window, policy=SchedulingPolicy(), now=at(DUBAI, MONDAY, 9))


def test_is_bookable_ignores_the_offer_grid() -> None:
    assert check(TimeWindow(at(DUBAI, MONDAY, 9, 10), at(DUBAI, MONDAY, 10, 10)))


# --- validation ------------------------------------------------------------------------


def test_naive_now_is_rejected_with_a_clear_message() -> None:
    with pytest.raises(ValueError, match="now must be timezone-aware"):
        search(now=datetime(2026, 1, 1))  # noqa: DTZ001


def test_naive_busy_window_is_rejected() -> None:
    with pytest.raises(ValueError, match=r"TimeWindow\.start must be timezone-aware"):
        TimeWindow(datetime(2026, 1, 1), LONG_AGO)  # noqa: DTZ001


@pytest.mark.parametrize("duration", [timedelta(0), -HOUR])
def test_non_positive_duration_is_rejected(duration: timedelta) -> None:
    with pytest.raises(ValueError, match="duration must be positive"):
        search(duration=duration)


def test_rule_end_must_follow_start_but_midnight_means_end_of_day() -> None:
    with pytest.raises(ValueError, match="must be after start"):
        WeeklyRule(0, time(22), time(2))
    with pytest.raises(ValueError, match="must be after start"):
        WeeklyRule(0, time(9), time(9))
    with pytest.raises(ValueError, match="weekday"):
        WeeklyRule(7, time(9), time(10))
    assert WeeklyRule(0, time(22), time(0)).end == time(0)


def test_exception_and_policy_reject_incomplete_or_negative_values() -> None:
    with pytest.raises(ValueError, match="EXTRA_HOURS needs"):
        AvailabilityException(MONDAY, ExceptionKind.EXTRA_HOURS)
    with pytest.raises(ValueError, match="both start and end"):
        AvailabilityException(MONDAY, ExceptionKind.TIME_OFF, start=time(9))
    with pytest.raises(ValueError, match="buffer_before"):
        SchedulingPolicy(buffer_before=-HOUR)
    with pytest.raises(ValueError, match="slot_step"):
        SchedulingPolicy(slot_step=timedelta(0))


def test_busy_windows_in_other_zones_compare_as_instants() -> None:
    busy_in_london = TimeWindow(
        at(DUBAI, MONDAY, 10).astimezone(LONDON), at(DUBAI, MONDAY, 10, 30).astimezone(LONDON)
    )
    assert busy_in_london.start.tzinfo is UTC
    assert labels(search(busy=[busy_in_london]), DUBAI) == ["09:00", "10:30", "11:00"]


def test_large_busy_list_gives_same_slots_as_only_the_nearby_windows() -> None:
    base = at(DUBAI, MONDAY, 0) - timedelta(days=200)
    every = timedelta(minutes=97)
    busy = [TimeWindow(base + i * every, base + i * every + HALF_HOUR) for i in range(10_000)]
    rules = every_day(time(0), time(0))
    near = TimeWindow(base + timedelta(days=199), base + timedelta(days=202))
    nearby = [w for w in busy if w.overlaps(near)]
    expected = search(rules=rules, busy=nearby, duration=HALF_HOUR)
    assert expected
    assert search(rules=rules, busy=busy, duration=HALF_HOUR) == expected
    assert search(rules=rules, busy=BusyIndex(busy), duration=HALF_HOUR) == expected
