"""Through real flow runs (Prefect's local API): 30 % of provider calls fail, nothing doubles.

Failures are 500s and 429s (with Retry-After) before the provider acts, and timeouts
after it acted (the event or meeting exists but we never heard back).
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest

from domain.booking.reminders import reminder_key
from domain.enums import OutboxStatus
from domain.models import Booking
from domain.ports.notify import NoticeKind
from flows._deps import use_deps
from flows.outbox import process_outbox
from flows.reminders import send_reminders
from tests.flows.conftest import World, make_world
from tests.support.accounts import StaticAccounts
from tests.support.flaky import Flaky

# One xdist worker runs every test that needs the local API, so it starts once.
pytestmark = [pytest.mark.usefixtures("prefect_harness"), pytest.mark.xdist_group("prefect")]


async def drain(world: World, flow: object, *, step: timedelta, rounds: int = 30) -> None:
    """Run the flow until nothing is due, moving the clock on to each batch of retries."""
    for _ in range(rounds):
        result = await flow()  # type: ignore[operator]
        if not result:
            return
        if "retry_later" in result:
            world.clock.advance(step)
    raise AssertionError("the outbox never drained")


async def test_200_bookings_end_with_one_event_one_meeting_and_their_reminders(
    database_url: str,
) -> None:
    world = await make_world(database_url, readers=2, clients=20)
    calendar, meetings, notifier = (
        Flaky(x, seed=s) for s, x in enumerate((world.calendar, world.meetings, world.notifier))
    )
    deps = world.deps(accounts=StaticAccounts(calendar, meetings), notifier=notifier)
    first = world.clock.now() + timedelta(days=3)
    try:
        with use_deps(deps):
            bookings = await world.book_many(200, first=first)
            await drain(world, process_outbox, step=timedelta(hours=1, minutes=1))
            await check_externals(world, bookings)
            await check_reminder_rows(world, bookings)
            world.clock.set(first - timedelta(hours=20))  # 24 h reminders of the first 4 hours
            await drain(world, send_reminders, step=timedelta(minutes=5))
    finally:
        await world.database.dispose()

    assert sum(f.failures.total() for f in (calendar, meetings, notifier)) > 100
    sent = Counter(
        (s.notice.booking_id, s.notice.params["lead"])
        for s in world.notifier.of_kind(NoticeKind.REMINDER)
    )
    due = {
        (b.id, "24h") for b in bookings if b.starts_at - timedelta(hours=24) <= world.clock.now()
    }
    assert len(due) >= 16
    assert set(sent) == due
    assert set(sent.values()) == {1}


async def check_externals(world: World, bookings: list[Booking]) -> None:
    events = Counter(e.session.booking_id for e in world.calendar.live_events() if e.session)
    meetings = Counter(m.request.booking_id for m in world.meetings.live_meetings())
    assert events == dict.fromkeys((b.id for b in bookings), 1)
    assert meetings == dict.fromkeys((b.id for b in bookings), 1)
    confirmed = Counter(
        s.notice.booking_id for s in world.notifier.of_kind(NoticeKind.BOOKING_CONFIRMED)
    )
    assert confirmed == dict.fromkeys((b.id for b in bookings), 1)
    async with world.database.uows() as uow:
        counts = await uow.outbox.counts()
    assert counts[OutboxStatus.DEAD] == 0
    assert counts[OutboxStatus.FAILED] == 0


async def check_reminder_rows(world: World, bookings: list[Booking]) -> None:
    async with world.database.uows() as uow:
        for booking in bookings:
            for lead, ahead in (("24h", timedelta(hours=24)), ("1h", timedelta(hours=1))):
                row = await uow.outbox.get_by_key(reminder_key(booking.id, 0, lead))
                if booking.starts_at - ahead <= booking.confirmed_at:  # type: ignore[operator]
                    assert row is None
                else:
                    assert row is not None
                    assert row.status is OutboxStatus.PENDING
                    assert row.next_attempt_at == booking.starts_at - ahead
