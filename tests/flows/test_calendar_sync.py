"""`sync-calendars`: outside events block slots, clashes reach the reader, syncs are incremental."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from connectors.calendar.google import GoogleCalendar
from domain.booking.queries import free_slots
from domain.booking.service import HoldRequest, hold_slot
from domain.booking.windows import TimeWindow
from domain.enums import Channel
from domain.errors import SlotUnavailable
from domain.ports.notify import NoticeKind
from flows._deps import use_deps
from flows.calendars import CalendarSweep, sync_calendars
from flows.outbox import process_outbox
from tests.flows.conftest import World
from tests.support.accounts import StaticAccounts
from tests.support.fakes.google_calendar_api import GoogleCalendarApiFake

pytestmark = pytest.mark.usefixtures("installed")


def window(world: World, hours: float, length: float = 1.0) -> TimeWindow:
    start = world.clock.now() + timedelta(hours=hours)
    return TimeWindow(start, start + timedelta(hours=length))


async def slots_on(world: World, day_of: TimeWindow) -> set[Any]:
    found = await free_slots(
        uow=world.database.uows(),
        now=world.clock.now(),
        service_id=world.services[0].id,
        client_zone="UTC",
        client_day=day_of.start.date(),
    )
    return {slot.starts_at for slot in found}


async def test_an_outside_event_blocks_its_slots_until_it_is_deleted(world: World) -> None:
    reader = world.readers[0]
    busy = window(world, 30)
    assert busy.start in await slots_on(world, busy)

    world.calendar.add_external(reader.slug, "dentist", busy)
    await sync_calendars.fn()

    assert busy.start not in await slots_on(world, busy)
    request = HoldRequest(
        world.clients[0].id, world.services[0].id, busy.start, "UTC", Channel.WEBCHAT
    )
    with pytest.raises(SlotUnavailable):
        await hold_slot(uow=world.database.uows(), clock=world.clock, request=request)

    world.calendar.remove_external(reader.slug, "dentist")
    await sync_calendars.fn()
    assert busy.start in await slots_on(world, busy)


async def test_our_own_events_are_not_taken_for_outside_ones(world: World) -> None:
    booking = await world.book(world.clock.now() + timedelta(days=1))
    await process_outbox.fn()

    assert await sync_calendars.fn() == {"synced": 1, "skipped": 0, "failed": 0, "conflicts": 0}
    async with world.database.uows() as uow:
        assert await uow.calendar_busy.overlapping(booking.reader_id, window(world, 0, 72)) == []


async def test_an_outside_event_over_a_booking_alerts_the_reader_once(world: World) -> None:
    booking = await world.book(world.clock.now() + timedelta(days=1))
    await process_outbox.fn()
    clash = TimeWindow(booking.starts_at - timedelta(minutes=15), booking.ends_at)

    world.calendar.add_external(world.readers[0].slug, "gym", clash)
    await sync_calendars.fn()
    await sync_calendars.fn()

    [alert] = world.notifier.of_kind(NoticeKind.CALENDAR_CONFLICT)
    assert alert.person_id == booking.reader_id
    assert alert.notice.booking_id == booking.id


async def test_the_second_sync_asks_only_for_changes(world: World) -> None:
    world.calendar.add_external(world.readers[0].slug, "dentist", window(world, 30))
    await sync_calendars.fn()
    await sync_calendars.fn()

    first, second = world.calendar.calls_to("sync")
    assert first.kwargs["cursor"] is None
    assert second.kwargs["cursor"] is not None


async def test_an_expired_cursor_resyncs_everything_and_forgets_deleted_events(
    world: World,
) -> None:
    slug = world.readers[0].slug
    world.calendar.add_external(slug, "a", window(world, 30))
    world.calendar.add_external(slug, "b", window(world, 40))
    await sync_calendars.fn()
    world.calendar.remove_external(slug, "a")
    world.calendar.expire_cursors()

    await sync_calendars.fn()

    async with world.database.uows() as uow:
        left = await uow.calendar_busy.overlapping(world.readers[0].id, window(world, 0, 72))
    assert left == [window(world, 40)]


async def test_readers_on_the_built_in_calendar_are_skipped(world: World) -> None:
    from connectors.calendar.local import LocalCalendar

    with use_deps(world.deps(accounts=StaticAccounts(LocalCalendar(), None))):
        result = await sync_calendars.fn(CalendarSweep(reader_ids=[world.readers[0].id]))

    assert result == {"synced": 0, "skipped": 1, "failed": 0, "conflicts": 0}


@pytest.fixture(scope="module")
def google() -> Iterator[GoogleCalendarApiFake]:
    with GoogleCalendarApiFake() as server:
        yield server


async def test_syncing_an_unchanged_google_calendar_costs_one_call(
    world: World, google: GoogleCalendarApiFake
) -> None:
    google.reset()
    connector = GoogleCalendar.for_testing(google.url)
    calendar_id = "reader@example.com"
    google.add_event(
        calendar_id,
        {
            "summary": "Dentist",
            "start": {"dateTime": window(world, 30).start.isoformat()},
            "end": {"dateTime": window(world, 30).end.isoformat()},
        },
    )
    accounts = StaticAccounts(connector, None, calendar_id=calendar_id)
    try:
        with use_deps(world.deps(accounts=accounts)):
            await sync_calendars.fn()
            before = connector.api_calls
            await sync_calendars.fn()
            calls = connector.api_calls - before
    finally:
        connector.close()

    assert calls == 1
    assert google.violations == []
    async with world.database.uows() as uow:
        assert await uow.calendar_busy.overlapping(world.readers[0].id, window(world, 0, 72)) == [
            window(world, 30)
        ]


async def test_expired_calendar_credentials_ask_the_reader_to_reconnect(world: World) -> None:
    from domain.errors import AuthExpired

    world.calendar.fail_next(1, AuthExpired("revoked", provider="google", status=401))

    assert (await sync_calendars.fn())["skipped"] == 1

    [ask] = world.notifier.of_kind(NoticeKind.RECONNECT_ACCOUNT)
    assert ask.person_id == world.readers[0].id
    assert ask.notice.params == {"provider": "google"}
