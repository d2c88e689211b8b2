"""Booking rules through the real storage: holds, confirmation, policy, outbox."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from domain import errors
from domain.booking import queries, service
from domain.booking.service import HoldRequest
from domain.enums import BookingStatus, Channel, LateCancelPolicy, OutboxKind
from domain.models import Client
from storage.models import OutboxMessage
from tests.domain.conftest import World
from tests.support.factories import make_client

FRIDAY_11 = datetime(2026, 11, 27, 11, 0, tzinfo=UTC)


def hold_request(world: World, client: Client, start: datetime = FRIDAY_11) -> HoldRequest:
    return HoldRequest(
        client_id=client.id,
        service_id=world.service.id,
        starts_at=start,
        client_timezone="Europe/London",
        source_channel=Channel.WEBCHAT,
    )


async def outbox_kinds(world: World) -> list[str]:
    async with world.uows() as uow:
        rows = await uow.session.execute(sa.select(OutboxMessage.kind).order_by(OutboxMessage.key))
        return [str(kind) for kind in rows.scalars()]


async def test_held_slot_disappears_from_search_for_everyone(world: World) -> None:
    before = await queries.free_slots(
        uow=world.uows(),
        now=world.clock.now(),
        service_id=world.service.id,
        client_zone="Europe/London",
        client_day=FRIDAY_11.date(),
    )
    await service.hold_slot(
        uow=world.uows(), clock=world.clock, request=hold_request(world, world.clients[0])
    )

    after = await queries.free_slots(
        uow=world.uows(),
        now=world.clock.now(),
        service_id=world.service.id,
        client_zone="Europe/London",
        client_day=FRIDAY_11.date(),
    )
    assert FRIDAY_11 in [s.starts_at for s in before]
    assert FRIDAY_11 not in [s.starts_at for s in after]


async def test_second_client_cannot_hold_a_held_slot(world: World) -> None:
    await service.hold_slot(
        uow=world.uows(), clock=world.clock, request=hold_request(world, world.clients[0])
    )

    with pytest.raises(errors.SlotUnavailable):
        await service.hold_slot(
            uow=world.uows(), clock=world.clock, request=hold_request(world, world.clients[1])
        )


async def test_expired_hold_frees_the_slot_and_cannot_be_confirmed(world: World) -> None:
    hold = await service.hold_slot(
        uow=world.uows(), clock=world.clock, request=hold_request(world, world.clients[0])
    )
    world.clock.advance(timedelta(minutes=11))

    with pytest.raises(errors.HoldExpired):
        await service.confirm_booking(
            uow=world.uows(), clock=world.clock, hold_id=hold.id, client_id=world.clients[0].id
        )
    other = await service.hold_slot(
        uow=world.uows(), clock=world.clock, request=hold_request(world, world.clients[1])
    )
    assert other.status is BookingStatus.HELD


async def test_confirm_writes_the_booking_and_one_outbox_row_even_when_tapped_twice(
    world: World,
) -> None:
    client = world.clients[0]
    hold = await service.hold_slot(
        uow=world.uows(), clock=world.clock, request=hold_request(world, client)
    )

    first = await service.confirm_booking(
        uow=world.uows(), clock=world.clock, hold_id=hold.id, client_id=client.id
    )
    second = await service.confirm_booking(
        uow=world.uows(), clock=world.clock, hold_id=hold.id, client_id=client.id
    )

    assert first.status is second.status is BookingStatus.CONFIRMED
    assert second.id == first.id
    assert await outbox_kinds(world) == [OutboxKind.BOOKING_CONFIRMED.value]


async def test_someone_elses_hold_is_not_found(world: World) -> None:
    hold = await service.hold_slot(
        uow=world.uows(), clock=world.clock, request=hold_request(world, world.clients[0])
    )

    with pytest.raises(errors.NotFound):
        await service.confirm_booking(
            uow=world.uows(), clock=world.clock, hold_id=hold.id, client_id=world.clients[1].id
        )


@pytest.mark.parametrize(
    "start",
    [
        datetime(2026, 11, 28, 11, 0, tzinfo=UTC),  # Saturday: closed
        datetime(2026, 11, 27, 17, 45, tzinfo=UTC),  # runs past closing
        datetime(2026, 11, 26, 9, 30, tzinfo=UTC),  # inside minimum notice
        datetime(2027, 6, 1, 11, 0, tzinfo=UTC),  # beyond maximum advance
    ],
    ids=["closed-day", "past-closing", "too-soon", "too-far"],
)
async def test_slots_outside_the_rules_cannot_be_held(world: World, start: datetime) -> None:
    with pytest.raises(errors.SlotUnavailable):
        await service.hold_slot(
            uow=world.uows(),
            clock=world.clock,
            request=hold_request(world, world.clients[0], start),
        )


async def confirmed(world: World, client: Client, start: datetime = FRIDAY_11):  # type: ignore[no-untyped-def]
    hold = await service.hold_slot(
        uow=world.uows(), clock=world.clock, request=hold_request(world, client, start)
    )
    return await service.confirm_booking(
        uow=world.uows(), clock=world.clock, hold_id=hold.id, client_id=client.id
    )


async def test_free_cancellation_before_the_window(world: World) -> None:
    booking = await confirmed(world, world.clients[0], FRIDAY_11 + timedelta(days=4))

    outcome = await service.cancel_booking(
        uow=world.uows(), clock=world.clock, booking_id=booking.id, client_id=world.clients[0].id
    )

    assert outcome.fee_minor == 0
    assert outcome.booking.status is BookingStatus.CANCELLED
    assert OutboxKind.BOOKING_CANCELLED.value in await outbox_kinds(world)


async def test_late_cancellation_charges_the_readers_fee(world: World) -> None:
    booking = await confirmed(world, world.clients[0])  # 26 hours ahead
    world.clock.advance(timedelta(hours=10))

    outcome = await service.cancel_booking(
        uow=world.uows(), clock=world.clock, booking_id=booking.id, client_id=world.clients[0].id
    )

    assert outcome.fee_minor == 2250  # 50 % of 45.00


async def test_late_cancellation_is_refused_when_the_reader_says_so(world: World) -> None:
    async with world.uows() as uow:
        await uow.session.execute(
            sa.text("UPDATE readers SET late_cancel_policy = :p"),
            {"p": LateCancelPolicy.REFUSE.value},
        )
        await uow.commit()
    booking = await confirmed(world, world.clients[0])
    world.clock.advance(timedelta(hours=10))

    with pytest.raises(errors.CancellationRefused):
        await service.cancel_booking(
            uow=world.uows(),
            clock=world.clock,
            booking_id=booking.id,
            client_id=world.clients[0].id,
        )
    async with world.uows() as uow:
        stored = await uow.bookings.get(booking.id)
    assert stored is not None
    assert stored.status is BookingStatus.CONFIRMED


async def test_reschedule_moves_the_booking_and_frees_the_old_slot(world: World) -> None:
    client = world.clients[0]
    booking = await confirmed(world, client, FRIDAY_11 + timedelta(days=4))
    new_start = FRIDAY_11 + timedelta(days=4, hours=3)

    moved = await service.reschedule_booking(
        uow=world.uows(),
        clock=world.clock,
        booking_id=booking.id,
        client_id=client.id,
        new_start=new_start,
    )

    assert moved.starts_at == new_start
    assert moved.rescheduled_count == 1
    again = await confirmed(world, world.clients[1], FRIDAY_11 + timedelta(days=4))
    assert again.status is BookingStatus.CONFIRMED
    assert OutboxKind.BOOKING_RESCHEDULED.value in await outbox_kinds(world)


async def test_reschedule_onto_an_overlapping_own_slot_shifts_by_half_an_hour(
    world: World,
) -> None:
    client = world.clients[0]
    booking = await confirmed(world, client, FRIDAY_11 + timedelta(days=4))

    moved = await service.reschedule_booking(
        uow=world.uows(),
        clock=world.clock,
        booking_id=booking.id,
        client_id=client.id,
        new_start=FRIDAY_11 + timedelta(days=4, minutes=15),
    )

    assert moved.starts_at == FRIDAY_11 + timedelta(days=4, minutes=15)


async def test_attendance_only_after_start(world: World) -> None:
    booking = await confirmed(world, world.clients[0])

    with pytest.raises(errors.InvalidRequest):
        await service.mark_attendance(
            uow=world.uows(),
            clock=world.clock,
            booking_id=booking.id,
            reader_id=world.reader.id,
            attended=True,
        )
    world.clock.set(FRIDAY_11 + timedelta(minutes=35))
    done = await service.mark_attendance(
        uow=world.uows(),
        clock=world.clock,
        booking_id=booking.id,
        reader_id=world.reader.id,
        attended=True,
    )
    assert done.status is BookingStatus.COMPLETED
    assert OutboxKind.BOOKING_COMPLETED.value in await outbox_kinds(world)


async def test_fifty_concurrent_confirmations_of_one_slot_make_exactly_one_booking(
    world: World,
) -> None:
    clients = [make_client() for _ in range(50)]
    async with world.uows() as uow:
        for client in clients:
            await uow.clients.add(client)
        await uow.commit()

    async def attempt(client: Client) -> bool:
        try:
            await confirmed(world, client)
        except errors.SlotUnavailable:
            return False
        return True

    results = await asyncio.gather(*(attempt(c) for c in clients))

    assert results.count(True) == 1
    async with world.uows() as uow:
        active = await uow.bookings.query(reader_id=world.reader.id, status=BookingStatus.CONFIRMED)
    assert len(active) == 1


async def test_expire_lapsed_holds_frees_slots(world: World) -> None:
    await service.hold_slot(
        uow=world.uows(), clock=world.clock, request=hold_request(world, world.clients[0])
    )
    world.clock.advance(timedelta(minutes=15))

    assert await service.expire_lapsed_holds(uow=world.uows(), clock=world.clock) == 1
    assert await service.expire_lapsed_holds(uow=world.uows(), clock=world.clock) == 0
