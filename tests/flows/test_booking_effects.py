"""Booking side effects through `process_outbox.fn()`: fakes for providers, real storage."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from connectors.errors import AuthExpired, PermanentConnectorError, TransientConnectorError
from domain.booking.reminders import reminder_key
from domain.booking.service import cancel_booking, reschedule_booking
from domain.enums import OutboxKind, OutboxStatus
from domain.models import Booking
from domain.ports.notify import NoticeKind
from flows._deps import RunPolicy, use_deps
from flows.outbox import process_outbox
from flows.reminders import send_reminders
from tests.flows.conftest import World
from tests.support.accounts import StaticAccounts

pytestmark = pytest.mark.usefixtures("installed")


async def outbox_row(world: World, key: str) -> Any:
    async with world.database.uows() as uow:
        return await uow.outbox.get_by_key(key)


async def stored(world: World, booking: Booking) -> Booking:
    async with world.database.uows() as uow:
        found = await uow.bookings.get(booking.id)
    assert found is not None
    return found


class TestConfirmation:
    async def test_confirmed_booking_gets_one_event_one_meeting_and_the_join_link(
        self, world: World
    ) -> None:
        booking = await world.book(world.clock.now() + timedelta(days=2))

        assert await process_outbox.fn() == {"done": 1}

        [event] = world.calendar.live_events()
        [meeting] = world.meetings.live_meetings()
        [told] = world.notifier.of_kind(NoticeKind.BOOKING_CONFIRMED)
        assert told.notice.params["meeting_url"] == meeting.join_url
        assert told.person_id == booking.client_id
        assert event.window.start == booking.starts_at
        assert event.session is not None
        assert event.session.location == meeting.join_url
        row = await stored(world, booking)
        assert (row.calendar_event_id, row.meeting_url) == (event.event_id, meeting.join_url)

    async def test_reminders_are_queued_24_hours_and_1_hour_before(self, world: World) -> None:
        booking = await world.book(world.clock.now() + timedelta(days=2))
        await process_outbox.fn()

        for lead, ahead in (("24h", timedelta(hours=24)), ("1h", timedelta(hours=1))):
            row = await outbox_row(world, reminder_key(booking.id, 0, lead))
            assert row.status is OutboxStatus.PENDING
            assert row.next_attempt_at == booking.starts_at - ahead

    async def test_a_reminder_already_past_is_not_queued(self, world: World) -> None:
        booking = await world.book(world.clock.now() + timedelta(hours=5))
        await process_outbox.fn()

        assert await outbox_row(world, reminder_key(booking.id, 0, "24h")) is None
        assert await outbox_row(world, reminder_key(booking.id, 0, "1h")) is not None

    async def test_running_the_batch_again_changes_nothing(self, world: World) -> None:
        await world.book(world.clock.now() + timedelta(days=2))
        await process_outbox.fn()
        calls = len(world.calendar.calls) + len(world.meetings.calls)

        assert await process_outbox.fn() == {}
        assert len(world.calendar.calls) + len(world.meetings.calls) == calls
        assert len(world.notifier.sent) == 1

    async def test_first_attempt_creates_the_meeting_without_a_lookup(self, world: World) -> None:
        spy = LookupSpy(world.meetings)
        with use_deps(world.deps(accounts=StaticAccounts(world.calendar, spy))):
            await world.book(world.clock.now() + timedelta(days=2))
            await process_outbox.fn()

        assert spy.lookups == [False]


class LookupSpy:
    """Records the `lookup` flag of every create_meeting call."""

    provider = "fake"

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.lookups: list[bool] = []

    async def create_meeting(
        self, *, request: Any, idempotency_key: str, lookup: bool = True
    ) -> Any:
        self.lookups.append(lookup)
        return await self.inner.create_meeting(
            request=request, idempotency_key=idempotency_key, lookup=lookup
        )

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


class CrashAfterCreate:
    """The provider makes the meeting, then our process dies before anything is stored."""

    provider = "fake"

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.crashes = 1
        self.lookups: list[bool] = []

    async def create_meeting(
        self, *, request: Any, idempotency_key: str, lookup: bool = True
    ) -> Any:
        self.lookups.append(lookup)
        ref = await self.inner.create_meeting(
            request=request, idempotency_key=idempotency_key, lookup=lookup
        )
        if self.crashes:
            self.crashes -= 1
            raise RuntimeError("worker killed after the provider answered")
        return ref

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


class TestCrashRecovery:
    async def test_a_crash_after_the_meeting_was_made_is_adopted_on_the_rerun(
        self, world: World
    ) -> None:
        crashing = CrashAfterCreate(world.meetings)
        with use_deps(world.deps(accounts=StaticAccounts(world.calendar, crashing))):
            booking = await world.book(world.clock.now() + timedelta(days=2))
            assert await process_outbox.fn() == {"retry_later": 1}
            world.clock.advance(timedelta(minutes=5))
            assert await process_outbox.fn() == {"done": 1}

        assert crashing.lookups == [False, True]  # the rerun looked before creating
        assert len(world.meetings.live_meetings()) == 1
        assert len(world.calendar.live_events()) == 1
        assert len(world.notifier.of_kind(NoticeKind.BOOKING_CONFIRMED, booking_id=booking.id)) == 1

    async def test_a_message_that_failed_is_retried_without_making_the_event_again(
        self, world: World
    ) -> None:
        booking = await world.book(world.clock.now() + timedelta(days=2))
        world.notifier.fail_next(1, TransientConnectorError("chat down", status=503))
        with use_deps(world.deps(policy=RunPolicy(retries=0))):
            assert await process_outbox.fn() == {"retry_later": 1}
        world.clock.advance(timedelta(minutes=5))
        assert await process_outbox.fn() == {"done": 1}

        assert len(world.calendar.live_events()) == 1
        assert len(world.calendar.calls_to("create_event")) == 1  # the stored link was reused
        assert len(world.notifier.of_kind(NoticeKind.BOOKING_CONFIRMED, booking_id=booking.id)) == 1


class TestChanges:
    async def test_reschedule_moves_event_meeting_and_reminders(self, world: World) -> None:
        booking = await world.book(world.clock.now() + timedelta(days=2))
        await process_outbox.fn()
        new_start = booking.starts_at + timedelta(days=1)

        await reschedule_booking(
            uow=world.database.uows(),
            clock=world.clock,
            booking_id=booking.id,
            client_id=booking.client_id,
            new_start=new_start,
        )
        assert await process_outbox.fn() == {"done": 1}

        [event] = world.calendar.live_events()
        [meeting] = world.meetings.live_meetings()
        assert event.window.start == new_start
        assert meeting.request.starts_at == new_start
        assert len(world.calendar.calls_to("create_event")) == 1
        assert world.notifier.of_kind(NoticeKind.BOOKING_RESCHEDULED, booking_id=booking.id)
        old = await outbox_row(world, reminder_key(booking.id, 0, "1h"))
        new = await outbox_row(world, reminder_key(booking.id, 1, "1h"))
        assert old.status is OutboxStatus.DONE
        assert new.status is OutboxStatus.PENDING
        assert new.next_attempt_at == new_start - timedelta(hours=1)

    async def test_cancel_removes_event_meeting_reminders_and_tells_the_client(
        self, world: World
    ) -> None:
        booking = await world.book(world.clock.now() + timedelta(days=2))
        await process_outbox.fn()

        await cancel_booking(
            uow=world.database.uows(),
            clock=world.clock,
            booking_id=booking.id,
            client_id=booking.client_id,
        )
        assert await process_outbox.fn() == {"done": 1}

        assert world.calendar.live_events() == []
        assert world.meetings.live_meetings() == []
        assert world.notifier.of_kind(NoticeKind.BOOKING_CANCELLED, booking_id=booking.id)
        for lead in ("24h", "1h"):
            row = await outbox_row(world, reminder_key(booking.id, 0, lead))
            assert row.status is OutboxStatus.DONE
        assert await send_reminders.fn() == {}

    async def test_cancelled_before_the_flow_ran_makes_nothing(self, world: World) -> None:
        booking = await world.book(world.clock.now() + timedelta(days=2))
        await cancel_booking(
            uow=world.database.uows(),
            clock=world.clock,
            booking_id=booking.id,
            client_id=booking.client_id,
        )

        assert await process_outbox.fn() == {"done": 2}

        assert world.calendar.calls_to("create_event") == []
        assert world.meetings.calls_to("create_meeting") == []
        assert world.notifier.of_kind(NoticeKind.BOOKING_CONFIRMED) == []
        assert world.notifier.of_kind(NoticeKind.BOOKING_CANCELLED)


class TestReminders:
    async def test_a_due_reminder_reaches_the_client_with_the_join_link(self, world: World) -> None:
        booking = await world.book(world.clock.now() + timedelta(days=2))
        await process_outbox.fn()
        world.clock.set(booking.starts_at - timedelta(hours=1))

        assert await send_reminders.fn() == {"done": 2}  # the 24 h one was due too

        sent = world.notifier.of_kind(NoticeKind.REMINDER, booking_id=booking.id)
        assert sorted(s.notice.params["lead"] for s in sent) == ["1h", "24h"]
        [meeting] = world.meetings.live_meetings()
        assert {s.notice.params["meeting_url"] for s in sent} == {meeting.join_url}

    async def test_a_reminder_for_a_moved_booking_is_dropped(self, world: World) -> None:
        booking = await world.book(world.clock.now() + timedelta(days=2))
        await process_outbox.fn()
        key = reminder_key(booking.id, 0, "1h")
        await reschedule_booking(
            uow=world.database.uows(),
            clock=world.clock,
            booking_id=booking.id,
            client_id=booking.client_id,
            new_start=booking.starts_at + timedelta(days=3),
        )
        world.clock.set(booking.starts_at - timedelta(minutes=30))  # old 1 h reminder is due

        await send_reminders.fn()

        assert (await outbox_row(world, key)).status is OutboxStatus.DONE
        assert world.notifier.of_kind(NoticeKind.REMINDER) == []


class TestFailures:
    async def test_expired_credentials_tell_the_reader_and_still_confirm_to_the_client(
        self, world: World
    ) -> None:
        world.calendar.fail_next(1, AuthExpired("token revoked", provider="google", status=401))
        booking = await world.book(world.clock.now() + timedelta(days=2))

        assert await process_outbox.fn() == {"gave_up": 1}

        row = await outbox_row(world, f"{OutboxKind.BOOKING_CONFIRMED.value}:{booking.id}:0")
        assert row.status is OutboxStatus.DEAD
        assert "google" in (row.last_error or "")
        [ask] = world.notifier.of_kind(NoticeKind.RECONNECT_ACCOUNT)
        assert ask.person_id == booking.reader_id
        assert ask.notice.params["provider"] == "google"
        [told] = world.notifier.of_kind(NoticeKind.BOOKING_CONFIRMED)
        assert told.notice.params["meeting_url"]

    async def test_a_permanent_error_is_given_up_with_a_visible_reason(self, world: World) -> None:
        world.meetings.fail_next(
            1, PermanentConnectorError("user not found", provider="zoom", status=404)
        )
        booking = await world.book(world.clock.now() + timedelta(days=2))

        assert await process_outbox.fn() == {"gave_up": 1}

        row = await outbox_row(world, f"{OutboxKind.BOOKING_CONFIRMED.value}:{booking.id}:0")
        assert row.status is OutboxStatus.DEAD
        assert "user not found" in (row.last_error or "")
        assert len(world.calendar.live_events()) == 1  # the rest still happened

    async def test_transient_failures_go_back_to_the_outbox_with_backoff(
        self, world: World
    ) -> None:
        world.calendar.fail_next(
            1, TransientConnectorError("slow down", provider="google", status=429, retry_after=90)
        )
        booking = await world.book(world.clock.now() + timedelta(days=2))

        assert await process_outbox.fn() == {"retry_later": 1}

        row = await outbox_row(world, f"{OutboxKind.BOOKING_CONFIRMED.value}:{booking.id}:0")
        assert row.status is OutboxStatus.FAILED
        assert row.next_attempt_at == world.clock.now() + timedelta(seconds=90)


class RevokedAccounts:
    """The reader's stored credentials cannot be used any more."""

    async def for_reader(self, reader: Any) -> Any:
        raise AuthExpired("stored credentials cannot be read", provider="zoom")


async def test_unreadable_reader_credentials_still_confirm_to_the_client(world: World) -> None:
    with use_deps(world.deps(accounts=RevokedAccounts())):
        booking = await world.book(world.clock.now() + timedelta(days=2))
        assert await process_outbox.fn() == {"gave_up": 1}

    assert world.notifier.of_kind(NoticeKind.BOOKING_CONFIRMED, booking_id=booking.id)
    [ask] = world.notifier.of_kind(NoticeKind.RECONNECT_ACCOUNT)
    assert ask.notice.params == {"provider": "zoom"}
    assert await outbox_row(world, reminder_key(booking.id, 0, "1h")) is not None
