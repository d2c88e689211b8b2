"""What a cancelled booking gives back: what was paid, less the reader's cancellation fee.

The fee was fixed by the cancellation itself (`Booking.fee_minor`, from the reader's
free window and fee in basis points; never a fee when the reader cancels). The refund
is queued as outbox rows, one per payment, whose keys derive from the amounts already
refunded, so a cancellation effect that runs twice queues nothing twice.
"""

from __future__ import annotations

from uuid import UUID

from domain.billing.money import Money
from domain.billing.settlement import queue_refund
from domain.clock import Clock
from domain.enums import BookingStatus, PaymentStatus
from domain.ports.storage import UnitOfWorkFactory


async def refund_cancelled(*, uows: UnitOfWorkFactory, clock: Clock, booking_id: UUID) -> int:
    """Queue the refunds a cancelled booking is owed; returns the minor units queued."""
    now = clock.now()
    queued = 0
    async with uows() as u:
        booking = await u.bookings.get(booking_id)
        if booking is None or booking.status is not BookingStatus.CANCELLED:
            return 0
        fee_left = booking.fee_minor  # kept from the first payments, in the booking's currency
        for payment in await u.payments.for_booking(booking_id):
            if payment.status is not PaymentStatus.SUCCEEDED:
                continue
            kept = min(fee_left, payment.amount.amount_minor)
            fee_left -= kept
            owed = payment.amount.amount_minor - kept - payment.refunded_minor
            if owed <= 0:
                continue
            money = Money(owed, payment.amount.currency)
            await queue_refund(u, payment, money, reason="cancelled", now=now)
            queued += owed
        await u.commit()
    return queued
