"""Follow-up sequences: enrolled once per event, sent once across crashes, moved out of
quiet hours (across DST nights), left on a new booking, by email outside Meta's window."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from uuid import UUID

import pytest
import sqlalchemy as sa

from domain.booking import service
from domain.booking.service import HoldRequest
from domain.clock import FixedClock
from domain.crm import sequences
from domain.crm.consent import record_consent
from domain.crm.follow_up_delivery import FollowUpPolicy, FollowUpSenders, send_follow_ups
from domain.enums import (
    BookingStatus,
    Channel,
    ConsentKind,
    DeliveryStatus,
    EmailKind,
    EnrolmentStatus,
)
from domain.models import Client, Reader, Service
from domain.ports.notify import DeliveryReport, Notice, NoticeKind
from domain.ports.storage import UnitOfWork
from storage.mailbox import SqlMailbox
from storage.models import Client as ClientRow
from storage.models import FollowUpDelivery, FollowUpEnrolment
from storage.uow import Database
from tests.support.factories import (
    make_booking,
    make_client,
    make_identity,
    make_reader,
    make_service,
    seed,
    seed_open_reader,
)
from tests.support.notifier import FakeNotifier

# Monday 2 March 2026, 09:00 UTC.
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
FAST = FollowUpPolicy(batch=2, lease=timedelta(minutes=10))


@dataclass
class FollowUpWorld:
    database: Database
    clock: FixedClock
    reader: Reader
    service: Service
    client: Client

    def uows(self) -> UnitOfWork:
        return self.database.uows()


@pytest.fixture
async def world(database_url: str) -> AsyncIterator[FollowUpWorld]:
    clock = FixedClock(START)
    database = Database.from_url(database_url, clock=clock)
    reader = make_reader(buffer_after_minutes=0, minimum_notice_minutes=60)
    svc = make_service(reader)
    client = make_client(timezone="UTC")
    await seed_open_reader(database.uows, reader, svc, client, weekdays=range(7))
    await seed(database.uows, make_identity(client=client, channel=Channel.TELEGRAM))
    yield FollowUpWorld(database, clock, reader, svc, client)
    await database.dispose()


class Killed(BaseException):
    """The worker dying between the send and its record (not an error code may catch)."""


class DiesAfterSending(FakeNotifier):
    """Delivers through the shared notifier, then the process dies before marking."""

    def __init__(self, shared: FakeNotifier) -> None:
        super().__init__()
        self.shared = shared

    async def notify_client(
        self, *, client_id: UUID, notice: Notice, idempotency_key: str
    ) -> DeliveryReport:
        await self.shared.notify_client(
            client_id=client_id, notice=notice, idempotency_key=idempotency_key
        )
        raise Killed


class OutsideWindow(FakeNotifier):
    """Meta's 24-hour window is closed for everyone: every chat notice waits."""

    async def notify_client(
        self, *, client_id: UUID, notice: Notice, idempotency_key: str
    ) -> DeliveryReport:
        self.attempts += 1
        return DeliveryReport(delivered=False, waiting=True, detail="outside 24 hours")


async def _session(world: FollowUpWorld, starts: datetime) -> UUID:
    booking = make_booking(world.service, world.client, starts)
    await seed(world.database.uows, booking)
    return booking.id


async def _finish(world: FollowUpWorld, booking_id: UUID, *, attended: bool = True) -> None:
    await service.mark_attendance(
        uow=world.uows(), clock=world.clock, booking_id=booking_id,
        reader_id=world.reader.id, attended=attended,
    )  # fmt: skip


async def _send(world: FollowUpWorld, notifier: object, **senders: object) -> object:
    return await send_follow_ups(
        uows=world.database.uows, clock=world.clock,
        senders=FollowUpSenders(notifier, **senders),  # type: ignore[arg-type]
        policy=FAST,
    )  # fmt: skip


async def _rows(world: FollowUpWorld, model: type) -> list[object]:
    async with world.database.uows(read_only=True) as uow:
        rows: list[object] = list((await uow.session.scalars(sa.select(model))).all())
        uow.session.expunge_all()  # read after the unit of work ends
    return rows


async def _set_client(world: FollowUpWorld, **values: object) -> None:
    async with world.database.uows() as uow:
        await uow.session.execute(
            sa.update(ClientRow).where(ClientRow.id == world.client.id).values(**values)
        )
        await uow.commit()


async def test_a_completed_session_delivered_twice_enrols_once_and_thanks_once(
    world: FollowUpWorld,
) -> None:
    booking_id = await _session(world, START - timedelta(hours=1))
    await _finish(world, booking_id)
    async with world.database.uows() as uow:  # the same event handled again
        again = await sequences.booking_finished(
            uow, client_id=world.client.id, reader_id=world.reader.id,
            booking_id=booking_id, attended=True, now=world.clock.now(),
        )  # fmt: skip
        await uow.commit()
    assert again == 0
    assert len(await _rows(world, FollowUpEnrolment)) == 1
    notifier = FakeNotifier()
    await _send(world, notifier)
    assert notifier.of_kind(NoticeKind.FOLLOW_UP) == []  # due 2 hours after
    world.clock.advance(timedelta(hours=2))
    await _send(world, notifier)
    await _send(world, notifier)
    sent = notifier.of_kind(NoticeKind.FOLLOW_UP)
    assert [(s.notice.params["key"], s.notice.booking_id) for s in sent] == [
        ("thank_you", booking_id)
    ]
    (enrolment,) = await _rows(world, FollowUpEnrolment)
    assert enrolment.status is EnrolmentStatus.DONE  # type: ignore[attr-defined]


async def test_a_no_show_gets_the_reschedule_step_an_hour_later(world: FollowUpWorld) -> None:
    booking_id = await _session(world, START - timedelta(hours=1))
    await _finish(world, booking_id, attended=False)
    world.clock.advance(timedelta(minutes=59))
    notifier = FakeNotifier()
    await _send(world, notifier)
    assert notifier.sent == []
    world.clock.advance(timedelta(minutes=1))
    await _send(world, notifier)
    (sent,) = notifier.of_kind(NoticeKind.FOLLOW_UP)
    assert (sent.notice.params["key"], sent.notice.params["button"]) == ("no_show", "reschedule")
    assert sent.notice.params["next_slot"]  # the reader is open every day


async def test_a_crash_between_send_and_mark_resumes_without_a_second_message(
    world: FollowUpWorld,
) -> None:
    booking_id = await _session(world, START - timedelta(hours=1))
    await _finish(world, booking_id)
    world.clock.advance(timedelta(hours=2))
    shared = FakeNotifier()
    with pytest.raises(Killed):
        await _send(world, DiesAfterSending(shared))
    (row,) = await _rows(world, FollowUpDelivery)
    assert row.status is DeliveryStatus.PENDING  # type: ignore[attr-defined]
    await _send(world, shared)  # claimed by the dead run: nothing yet
    assert len(shared.sent) == 1
    world.clock.advance(FAST.lease)
    await _send(world, shared)
    assert len(shared.of_kind(NoticeKind.FOLLOW_UP)) == 1
    (row,) = await _rows(world, FollowUpDelivery)
    assert row.status is DeliveryStatus.SENT  # type: ignore[attr-defined]


async def _quiet_for_sixty_days(world: FollowUpWorld) -> UUID:
    await record_consent(
        uow=world.uows(), clock=world.clock, client_id=world.client.id,
        purpose=ConsentKind.MARKETING, granted=True, source="test",
    )  # fmt: skip
    last = make_booking(
        world.service, world.client, START - timedelta(days=61), status=BookingStatus.COMPLETED
    )
    await seed(world.database.uows, last)
    return last.id


async def test_sixty_quiet_days_enrol_once_and_a_new_booking_leaves_the_win_back(
    world: FollowUpWorld,
) -> None:
    last_id = await _quiet_for_sixty_days(world)
    assert await sequences.daily_scans(uows=world.database.uows, clock=world.clock) == 1
    assert await sequences.daily_scans(uows=world.database.uows, clock=world.clock) == 0
    assert await sequences.daily_scans(uows=world.database.uows, clock=world.clock, force=True) == 0
    (enrolment,) = await _rows(world, FollowUpEnrolment)
    assert enrolment.anchor_ref == f"quiet:{last_id}"  # type: ignore[attr-defined]
    request = HoldRequest(
        client_id=world.client.id, service_id=world.service.id,
        starts_at=START + timedelta(days=2, hours=2), client_timezone="UTC",
        source_channel=Channel.TELEGRAM,
    )  # fmt: skip
    hold = await service.hold_slot(uow=world.uows(), clock=world.clock, request=request)
    await service.confirm_booking(
        uow=world.uows(), clock=world.clock, hold_id=hold.id, client_id=world.client.id
    )
    (enrolment,) = await _rows(world, FollowUpEnrolment)
    assert enrolment.status is EnrolmentStatus.LEFT  # type: ignore[attr-defined]
    notifier = FakeNotifier()
    await _send(world, notifier)
    assert notifier.sent == []
    (row,) = await _rows(world, FollowUpDelivery)
    assert row.status is DeliveryStatus.SKIPPED  # type: ignore[attr-defined]


async def test_win_back_is_marketing_and_skipped_without_consent(world: FollowUpWorld) -> None:
    await _quiet_for_sixty_days(world)
    await sequences.daily_scans(uows=world.database.uows, clock=world.clock)
    await record_consent(
        uow=world.uows(), clock=world.clock, client_id=world.client.id,
        purpose=ConsentKind.MARKETING, granted=False, source="stop",
    )  # fmt: skip
    notifier = FakeNotifier()
    await _send(world, notifier)
    assert notifier.sent == []
    (row,) = await _rows(world, FollowUpDelivery)
    assert row.status is DeliveryStatus.SKIPPED  # type: ignore[attr-defined]


async def test_a_reader_who_switched_win_back_off_enrols_nobody(world: FollowUpWorld) -> None:
    await _quiet_for_sixty_days(world)
    assert await sequences.switch_sequence(
        uow=world.uows(), reader_id=world.reader.id, key="win_back", active=False
    )
    assert await sequences.daily_scans(uows=world.database.uows, clock=world.clock) == 0
    states = await sequences.reader_sequences(uow=world.uows(), reader_id=world.reader.id)
    assert {s.key: s.active for s in states}["win_back"] is False


async def test_a_birthday_is_greeted_at_ten_local_once(world: FollowUpWorld) -> None:
    await _quiet_for_sixty_days(world)  # a past session and marketing consent
    await _set_client(world, birthday=date(1990, 3, 3), timezone="Asia/Dubai")
    await sequences.daily_scans(uows=world.database.uows, clock=world.clock)
    rows = {r.anchor_ref for r in await _rows(world, FollowUpEnrolment)}  # type: ignore[attr-defined]
    assert "birthday:2026" in rows
    notifier = FakeNotifier()
    world.clock.set(datetime(2026, 3, 3, 5, 59, tzinfo=UTC))  # 09:59 in Dubai
    await _send(world, notifier)
    assert [s.notice.params["key"] for s in notifier.sent] == ["win_back"]
    world.clock.set(datetime(2026, 3, 3, 6, 0, tzinfo=UTC))
    await sequences.daily_scans(uows=world.database.uows, clock=world.clock)
    await _send(world, notifier)
    assert [s.notice.params["key"] for s in notifier.sent] == ["win_back", "birthday"]


@pytest.mark.parametrize(
    ("zone", "night"),
    [("America/New_York", date(2026, 3, 8)), ("Europe/London", date(2026, 10, 25))],
)
async def test_a_step_due_in_quiet_hours_waits_for_eight_local_across_a_dst_night(
    world: FollowUpWorld, zone: str, night: date
) -> None:
    from zoneinfo import ZoneInfo

    tz = ZoneInfo(zone)
    await _set_client(
        world, timezone=zone, quiet_hours_start=time(22, 0), quiet_hours_end=time(8, 0)
    )
    due = datetime.combine(night, time(7, 30), tzinfo=tz).astimezone(UTC)
    world.clock.set(due - timedelta(hours=2, minutes=10))
    booking_id = await _session(world, due - timedelta(hours=3))
    world.clock.set(due - timedelta(hours=2))
    await _finish(world, booking_id)
    notifier = FakeNotifier()
    world.clock.set(due)
    await _send(world, notifier)
    assert notifier.sent == []
    (row,) = await _rows(world, FollowUpDelivery)
    eight = datetime.combine(night, time(8, 0), tzinfo=tz).astimezone(UTC)
    moved = row.due_at.replace(tzinfo=UTC) if row.due_at.tzinfo is None else row.due_at  # type: ignore[attr-defined]
    assert moved == eight
    assert moved.astimezone(tz).time() == time(8, 0)
    world.clock.set(eight - timedelta(seconds=1))
    await _send(world, notifier)
    assert notifier.sent == []
    world.clock.set(eight)
    await _send(world, notifier)
    assert len(notifier.of_kind(NoticeKind.FOLLOW_UP)) == 1


async def test_outside_metas_window_the_step_goes_by_email_once(world: FollowUpWorld) -> None:
    from bots.notice_emails import NoticeEmails

    booking_id = await _session(world, START - timedelta(hours=1))
    await _finish(world, booking_id)
    world.clock.advance(timedelta(hours=2))
    mailbox = SqlMailbox(world.database.uows, world.clock)
    closed = OutsideWindow()
    await _send(world, closed, mailer=mailbox, emails=NoticeEmails())
    await _send(world, closed, mailer=mailbox, emails=NoticeEmails())
    assert world.client.email is not None
    (email,) = await mailbox.recent(to=world.client.email)
    assert email.kind is EmailKind.FOLLOW_UP
    assert world.reader.name in email.subject or world.reader.name in email.text
    (row,) = await _rows(world, FollowUpDelivery)
    assert (row.status, row.channel) == (DeliveryStatus.SENT, Channel.EMAIL)  # type: ignore[attr-defined]


async def test_outside_the_window_without_email_it_waits_for_the_client(
    world: FollowUpWorld,
) -> None:
    await _set_client(world, email=None)
    booking_id = await _session(world, START - timedelta(hours=1))
    await _finish(world, booking_id)
    world.clock.advance(timedelta(hours=2))
    await _send(world, OutsideWindow())
    (row,) = await _rows(world, FollowUpDelivery)
    assert row.status is DeliveryStatus.PENDING  # type: ignore[attr-defined]
    opened = FakeNotifier()  # the client wrote: the window is open again
    await _send(world, opened)
    assert opened.sent == []  # tried again at the next run, not in a loop
    world.clock.advance(timedelta(minutes=5))
    await _send(world, opened)
    assert len(opened.of_kind(NoticeKind.FOLLOW_UP)) == 1
