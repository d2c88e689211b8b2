"""Booking use cases: hold, confirm, reschedule, cancel, complete; each one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

from domain.billing.payments import requires_prepayment
from domain.booking import rules
from domain.booking.availability import is_bookable
from domain.booking.windows import TimeWindow
from domain.clock import Clock
from domain.crm import sequences
from domain.crm.redemption import give_back_redeemed
from domain.enums import BookingStatus, Channel, OutboxKind, PricingModel
from domain.errors import (
    HoldExpired,
    InvalidRequest,
    InvalidTransition,
    NotFound,
    PaymentRequired,
    SlotUnavailable,
)
from domain.models import Booking, DatedException, OutboxEntry, Reader, Service, WeeklyHours
from domain.ports.storage import UnitOfWork

DEFAULT_HOLD = timedelta(minutes=10)
# Busy windows are loaded this far around a requested slot: enough for any buffer.
_BUSY_MARGIN = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class HoldRequest:
    """A client asks to reserve one slot of one service."""

    client_id: UUID
    service_id: UUID
    starts_at: datetime
    client_timezone: str
    source_channel: Channel
    hold_for: timedelta = DEFAULT_HOLD


@dataclass(frozen=True, slots=True)
class Cancellation:
    """A cancelled booking and the fee it carried."""

    booking: Booking
    fee_minor: int


async def hold_slot(*, uow: UnitOfWork, clock: Clock, request: HoldRequest) -> Booking:
    """Reserve the slot for a few minutes so two clients cannot confirm it at once."""
    now = clock.now()
    async with uow:
        service = await _service(uow, request.service_id)
        reader = await _reader(uow, service.reader_id)
        window = TimeWindow(
            request.starts_at, request.starts_at + timedelta(minutes=service.duration_minutes)
        )
        # Only bookings are written under the schedule lock: hours, time off, the synced
        # calendar and package credits are read before it, so it is held for less time.
        schedule = await _schedule_around(uow, reader, window)
        credit = await _credit_for(uow, request.client_id, service, now)
        await uow.readers.lock_schedule(service.reader_id)
        await _ensure_free(uow, reader, window, now, schedule)
        price = rules.price_for(service, has_package_credit=credit is not None)
        booking = Booking(
            id=uuid4(),
            reader_id=reader.id,
            client_id=request.client_id,
            service_id=service.id,
            starts_at=window.start,
            ends_at=window.end,
            client_timezone=request.client_timezone,
            status=BookingStatus.HELD,
            hold_expires_at=now + request.hold_for,
            service_kind=service.kind,
            pricing_model=price.pricing_model,
            price_minor=price.price_minor,
            currency=price.currency,
            package_credit_id=credit,
            source_channel=request.source_channel,
            created_at=now,
            updated_at=now,
        )
        await uow.bookings.add(booking)
        await uow.commit()
    return booking


async def confirm_booking(
    *, uow: UnitOfWork, clock: Clock, hold_id: UUID, client_id: UUID
) -> Booking:
    """Turn a live hold into a booking; confirming twice returns the same booking.

    A hold of a service paid in advance is refused with PaymentRequired: it confirms when
    its payment arrives (`domain.billing.settlement`), never before.
    """
    now = clock.now()
    async with uow:
        booking = await _booking(uow, hold_id, client_id=client_id)
        await uow.readers.lock_schedule(booking.reader_id)
        booking = await _booking(uow, hold_id, client_id=client_id)  # re-read under the lock
        if booking.status is BookingStatus.CONFIRMED:
            return booking
        if booking.status is not BookingStatus.HELD:
            raise HoldExpired("hold no longer held", status=booking.status)
        if booking.hold_expires_at is None or booking.hold_expires_at <= now:
            _transition(booking, BookingStatus.EXPIRED, now)
            await uow.bookings.save(booking)
            await uow.commit()
            raise HoldExpired("hold expired")
        if booking.price_minor > 0 and await _paid_in_advance(uow, booking):
            raise PaymentRequired("this reading is paid before it is confirmed")
        await _confirm(uow, booking, now)
        await uow.commit()
    return booking


async def confirm_paid_hold(*, uow: UnitOfWork, booking_id: UUID, now: datetime) -> Booking | None:
    """In the caller's transaction: confirm the booking its payment just paid for.

    A hold that lapsed is confirmed still if nobody took the slot meanwhile; None when the
    slot is gone (or the booking was cancelled), so the caller refunds the payment.
    """
    booking = await payable_booking(uow=uow, booking_id=booking_id, now=now)
    if booking is not None and booking.status in (BookingStatus.HELD, BookingStatus.EXPIRED):
        await _confirm(uow, booking, now)
    return booking


async def payable_booking(*, uow: UnitOfWork, booking_id: UUID, now: datetime) -> Booking | None:
    """In the caller's transaction: what a payment now would confirm (None: the slot is gone).

    Settlement and a provider's check before it charges both ask this, so they agree.
    """
    booking = await uow.bookings.get(booking_id)
    if booking is None:
        return None
    await uow.readers.lock_schedule(booking.reader_id)
    booking = await uow.bookings.get(booking_id)
    if booking is None or booking.status is BookingStatus.CANCELLED:
        return None
    if booking.status is not BookingStatus.HELD and booking.status is not BookingStatus.EXPIRED:
        return booking  # confirmed already (a pay-later booking paid), or finished
    if booking.hold_expires_at is None or booking.hold_expires_at <= now:
        reader = await _reader(uow, booking.reader_id)
        window = TimeWindow(booking.starts_at, booking.ends_at)
        schedule = await _schedule_around(uow, reader, window)
        try:  # our lapsed hold is expired by the check itself, so it does not count
            await _ensure_free(uow, reader, window, now, schedule)
        except SlotUnavailable:
            return None
        booking = await uow.bookings.get(booking_id)  # the check may have expired our hold
    return booking


async def _confirm(uow: UnitOfWork, booking: Booking, now: datetime) -> None:
    """The hold becomes a booking: its package session used, the effects queued."""
    await _settle_package(uow, booking, now)
    _transition(booking, BookingStatus.CONFIRMED, now)
    booking.confirmed_at = now
    booking.hold_expires_at = None
    await uow.bookings.save(booking)
    await _emit(uow, OutboxKind.BOOKING_CONFIRMED, booking, now)
    await sequences.booking_confirmed(uow, booking=booking, now=now)  # welcome, win-back, pack


async def _paid_in_advance(uow: UnitOfWork, booking: Booking) -> bool:
    """Whether the booking's service (or, by default, its reader) wants payment first."""
    reader = await _reader(uow, booking.reader_id)
    service = await uow.services.get(booking.service_id)  # a retired service still books
    return requires_prepayment(reader, service) if service else reader.prepayment_required


async def reschedule_booking(
    *, uow: UnitOfWork, clock: Clock, booking_id: UUID, client_id: UUID, new_start: datetime
) -> Booking:
    """Move a confirmed booking to another free slot, inside the reader's policy."""
    now = clock.now()
    async with uow:
        booking = await _booking(uow, booking_id, client_id=client_id)
        await uow.readers.lock_schedule(booking.reader_id)
        booking = await _booking(uow, booking_id, client_id=client_id)
        if booking.status is not BookingStatus.CONFIRMED:
            raise InvalidTransition("only confirmed bookings move", status=booking.status)
        reader = await _reader(uow, booking.reader_id)
        rules.check_client_may_reschedule(booking, reader, now)
        length = booking.ends_at - booking.starts_at
        window = TimeWindow(new_start, new_start + length)
        schedule = await _schedule_around(uow, reader, window)
        await _ensure_free(uow, reader, window, now, schedule, ignore=booking)
        booking.starts_at, booking.ends_at = window.start, window.end
        booking.rescheduled_count += 1
        booking.updated_at = now
        await uow.bookings.save(booking)
        await _emit(uow, OutboxKind.BOOKING_RESCHEDULED, booking, now)
        await uow.commit()
    return booking


async def cancel_booking(
    *,
    uow: UnitOfWork,
    clock: Clock,
    booking_id: UUID,
    client_id: UUID | None = None,
    reader_id: UUID | None = None,
    reason: str | None = None,
) -> Cancellation:
    """Cancel as the client (policy applies) or as the reader (never a fee)."""
    if (client_id is None) == (reader_id is None):
        raise InvalidRequest("cancel as exactly one of client or reader")
    now = clock.now()
    async with uow:
        booking = await _booking(uow, booking_id, client_id=client_id, reader_id=reader_id)
        if booking.status is BookingStatus.CANCELLED:
            return Cancellation(booking, booking.fee_minor)
        if booking.status not in BookingStatus.active():
            raise InvalidTransition("booking already finished", status=booking.status)
        reader = await _reader(uow, booking.reader_id)
        was_confirmed = booking.status is BookingStatus.CONFIRMED
        fee = 0
        if client_id is not None and was_confirmed:
            fee = rules.client_cancellation_fee(booking, reader, now)
        if booking.package_credit_id and was_confirmed and fee == 0:
            await uow.packages.restore(booking.package_credit_id)
        _transition(booking, BookingStatus.CANCELLED, now)
        booking.cancelled_at, booking.cancel_reason, booking.fee_minor = now, reason, fee
        await uow.bookings.save(booking)
        await give_back_redeemed(uow, booking, now)  # points spent on it come back
        if was_confirmed:
            await _emit(uow, OutboxKind.BOOKING_CANCELLED, booking, now)
        await uow.commit()
    return Cancellation(booking, fee)


async def mark_attendance(
    *, uow: UnitOfWork, clock: Clock, booking_id: UUID, reader_id: UUID, attended: bool
) -> Booking:
    """The reader records how a reading went: completed or no-show, once it has started."""
    now = clock.now()
    target = BookingStatus.COMPLETED if attended else BookingStatus.NO_SHOW
    async with uow:
        booking = await _booking(uow, booking_id, reader_id=reader_id)
        if booking.status is target:
            return booking
        if booking.status is not BookingStatus.CONFIRMED:
            raise InvalidTransition("only confirmed bookings finish", status=booking.status)
        if booking.starts_at > now:
            raise InvalidRequest("the reading has not started yet")
        _transition(booking, target, now)
        await uow.bookings.save(booking)
        kind = OutboxKind.BOOKING_COMPLETED if attended else OutboxKind.BOOKING_NO_SHOW
        await _emit(uow, kind, booking, now)
        await sequences.booking_finished(
            uow, client_id=booking.client_id, reader_id=booking.reader_id,
            booking_id=booking.id, attended=attended, now=now,
        )  # fmt: skip
        await uow.commit()
    return booking


async def expire_lapsed_holds(*, uow: UnitOfWork, clock: Clock, limit: int = 500) -> int:
    """Free the slots of holds nobody confirmed in time."""
    now = clock.now()
    async with uow:
        lapsed = await uow.bookings.lapsed_holds(now, limit)
        for booking in lapsed:
            _transition(booking, BookingStatus.EXPIRED, now)
            await uow.bookings.save(booking)
        await uow.commit()
    return len(lapsed)


@dataclass(frozen=True, slots=True)
class _Schedule:
    """Around one window: what decides whether it is open, apart from other bookings."""

    around: TimeWindow
    zone: ZoneInfo  # the reader's
    weekly: list[WeeklyHours]
    exceptions: list[DatedException]
    own_calendar: list[TimeWindow]  # busy times synced from the reader's calendar


async def _schedule_around(uow: UnitOfWork, reader: Reader, window: TimeWindow) -> _Schedule:
    """Hours, time off and own-calendar busy times around the window."""
    around = TimeWindow(window.start - _BUSY_MARGIN, window.end + _BUSY_MARGIN)
    zone = rules.zone_of(reader.timezone)
    local_days = {window.start.astimezone(zone).date(), window.end.astimezone(zone).date()}
    exceptions = await uow.availability.exceptions(
        reader.id, min(local_days) - timedelta(days=1), max(local_days) + timedelta(days=1)
    )
    return _Schedule(
        around=around,
        zone=zone,
        weekly=await uow.availability.weekly(reader.id),
        exceptions=exceptions,
        own_calendar=await uow.calendar_busy.overlapping(reader.id, around),
    )


async def _ensure_free(
    uow: UnitOfWork,
    reader: Reader,
    window: TimeWindow,
    now: datetime,
    schedule: _Schedule,
    ignore: Booking | None = None,
) -> None:
    """Re-check under the schedule lock: open hours, notice, buffers, nobody else there."""
    await uow.bookings.expire_overlapping_holds(reader.id, schedule.around, now)
    occupied = await uow.bookings.occupied(reader.id, schedule.around, now)
    if ignore is not None:
        occupied = [w for w in occupied if (w.start, w.end) != (ignore.starts_at, ignore.ends_at)]
    bookable = is_bookable(
        slot=window,
        zone=schedule.zone,
        rules=rules.weekly_rules(schedule.weekly),
        exceptions=rules.dated_exceptions(schedule.exceptions),
        busy=rules.padded_busy(occupied + schedule.own_calendar, reader),
        policy=rules.scheduling_policy(reader),
        now=now,
    )
    if not bookable:
        raise SlotUnavailable("slot not bookable", starts_at=window.start)


async def _credit_for(
    uow: UnitOfWork, client_id: UUID, service: Service, now: datetime
) -> UUID | None:
    if service.pricing_model is not PricingModel.PACKAGE:
        return None
    return await uow.packages.available_credit(client_id, service.id, now)


async def _settle_package(uow: UnitOfWork, booking: Booking, now: datetime) -> None:
    """Use a session of the client's pack, or record the pack this booking buys."""
    if booking.pricing_model is not PricingModel.PACKAGE:
        return
    if booking.package_credit_id is not None:
        if not await uow.packages.consume(booking.package_credit_id):
            raise InvalidRequest("package credit already used up")
        return
    service = await _service(uow, booking.service_id)
    sessions = service.package_sessions or 1
    booking.package_credit_id = await uow.packages.grant(
        client_id=booking.client_id,
        service_id=service.id,
        sessions_total=sessions,
        sessions_remaining=sessions - 1,
        now=now,
    )


def _transition(booking: Booking, status: BookingStatus, now: datetime) -> None:
    booking.status = status
    booking.updated_at = now


async def _emit(uow: UnitOfWork, kind: OutboxKind, booking: Booking, now: datetime) -> None:
    """Outbox row for the flows; the key makes a replayed change a no-op."""
    payload = {
        "booking_id": str(booking.id),
        "reader_id": str(booking.reader_id),
        "client_id": str(booking.client_id),
        "starts_at": booking.starts_at.isoformat(),
        "ends_at": booking.ends_at.isoformat(),
        "status": booking.status.value,
    }
    key = f"{kind.value}:{booking.id}:{booking.rescheduled_count}"
    await uow.outbox.add(OutboxEntry(key=key, kind=kind, payload=payload), now)


async def _service(uow: UnitOfWork, service_id: UUID) -> Service:
    service = await uow.services.get(service_id)
    if service is None or not service.is_active:
        raise NotFound("service not found")
    return service


async def _reader(uow: UnitOfWork, reader_id: UUID) -> Reader:
    reader = await uow.readers.get(reader_id)
    if reader is None:
        raise NotFound("reader not found")
    return reader


async def _booking(
    uow: UnitOfWork,
    booking_id: UUID,
    *,
    client_id: UUID | None = None,
    reader_id: UUID | None = None,
) -> Booking:
    """A booking that belongs to the asker; someone else's is 'not found', not 'forbidden'."""
    booking = await uow.bookings.get(booking_id)
    if booking is None:
        raise NotFound("booking not found")
    if client_id is not None and booking.client_id != client_id:
        raise NotFound("booking not found")
    if reader_id is not None and booking.reader_id != reader_id:
        raise NotFound("booking not found")
    return booking
