"""Spending points on a booking: a discount, or a free reading; given back if it is cancelled.

The REDEEMED entry and the lowered price are written in one transaction, keyed by the
booking, so a double tap spends once. Only a confirmed, upcoming reading nobody has
paid or invoiced yet can take points: the price a checkout or an invoice already
carries is never changed under it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID, uuid4

from domain.billing.money import Money
from domain.clock import Clock
from domain.crm import loyalty_rules as rules
from domain.enums import BookingStatus, LoyaltyKind, PaymentStatus
from domain.errors import InvalidRequest
from domain.models import Booking
from domain.ports.loyalty import PointsEntry
from domain.ports.storage import UnitOfWork

PAID = (PaymentStatus.SUCCEEDED, PaymentStatus.REFUNDED)


class NothingToRedeem(InvalidRequest):
    """No upcoming unpaid reading, or no points with its reader."""

    code = "nothing_to_redeem"

    def __init__(self, *, has_booking: bool) -> None:
        """Say which of the two is missing."""
        super().__init__("nothing to redeem")
        self.has_booking = has_booking


@dataclass(frozen=True, slots=True)
class Redemption:
    """What was spent and what it took off the booking's price."""

    booking: Booking
    points: int
    discount: Money
    free_session: bool


async def _redeemable(uow: UnitOfWork, booking: Booking, now: datetime) -> bool:
    if booking.status is not BookingStatus.CONFIRMED or booking.starts_at <= now:
        return False
    if booking.price_minor <= 0 or booking.package_credit_id is not None:
        return False
    if await uow.loyalty.for_booking(booking.id, LoyaltyKind.REDEEMED):
        return False
    if any(p.status in PAID for p in await uow.payments.for_booking(booking.id)):
        return False
    return await uow.invoices.for_booking(booking.id) is None


async def redeem_points(*, uow: UnitOfWork, clock: Clock, client_id: UUID) -> Redemption:
    """Points off the client's next unpaid reading: a free one if the balance reaches it."""
    now = clock.now()
    async with uow:
        upcoming = await uow.bookings.for_client(
            client_id, statuses=[BookingStatus.CONFIRMED], since=now
        )
        booking = None
        for candidate in upcoming:
            if await _redeemable(uow, candidate, now):
                booking = candidate
                break
        if booking is None:
            raise NothingToRedeem(has_booking=False)
        reader_rules = await uow.loyalty.rules(booking.reader_id)
        balance = next(
            (
                b.points
                for b in await uow.loyalty.balances(client_id)
                if b.reader_id == booking.reader_id
            ),
            0,
        )
        price = Money(booking.price_minor, booking.currency)
        free = reader_rules is not None and 0 < reader_rules.free_session_points <= balance
        if free and reader_rules is not None:
            points, discount = reader_rules.free_session_points, price
        else:
            value = rules.points_value(balance, booking.currency)
            discount = Money(min(value.amount_minor, price.amount_minor), booking.currency)
            points = rules.points_for_discount(discount)
        if points <= 0 or discount.amount_minor <= 0:
            raise NothingToRedeem(has_booking=True)
        await uow.loyalty.add(
            PointsEntry(
                id=uuid4(),
                client_id=client_id,
                reader_id=booking.reader_id,
                kind=LoyaltyKind.REDEEMED,
                points=-points,
                idempotency_key=f"loyalty:redeem:{booking.id}",
                created_at=now,
                booking_id=booking.id,
                reason="free_session" if free else "discount",
            )
        )
        booking.price_minor -= discount.amount_minor
        await uow.bookings.save(booking)
        await uow.commit()
    return Redemption(booking, points, discount, free)


async def give_back_redeemed(uow: UnitOfWork, booking: Booking, now: datetime) -> int:
    """Inside the cancelling transaction: the points spent on this booking come back, once."""
    spent = await uow.loyalty.for_booking(booking.id, LoyaltyKind.REDEEMED)
    net = -sum(e.points for e in spent)
    if net <= 0:
        return 0
    await uow.loyalty.add(
        PointsEntry(
            id=uuid4(),
            client_id=booking.client_id,
            reader_id=booking.reader_id,
            kind=LoyaltyKind.REDEEMED,
            points=net,
            idempotency_key=f"loyalty:redeem-back:{booking.id}",
            created_at=now,
            booking_id=booking.id,
            reason="booking_cancelled",
        )
    )
    return net
