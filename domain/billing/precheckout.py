"""A provider's last question before it charges: may this payment still be taken?

Telegram asks it (`pre_checkout_query`) after the client pressed Pay and before the card
is charged; a no charges nothing, and the client sees our reason. The answer is yes only
while the payment is pending, for exactly the amount and currency it asks, while a payment
now would confirm its booking (the hold is live, or it lapsed and nobody took the slot:
the rule settlement itself applies), and while the money can be booked (today's FX rates
are there). Nothing is written: the check rolls back, so asking twice is harmless.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.billing.fx import MissingFxRate, convert_on
from domain.billing.money import Money
from domain.billing.payments import Payment
from domain.booking.service import payable_booking
from domain.clock import Clock
from domain.enums import BookingStatus, ChargeRefusal, PaymentStatus
from domain.ports.storage import UnitOfWork, UnitOfWorkFactory


@dataclass(frozen=True, slots=True)
class ChargeCheck:
    """The answer to give the provider, and the client's language (None: not known)."""

    refusal: ChargeRefusal | None
    language: str | None = None

    @property
    def ok(self) -> bool:
        """Whether the provider may charge."""
        return self.refusal is None


async def check_before_charge(
    *,
    uows: UnitOfWorkFactory,
    clock: Clock,
    provider: str,
    checkout_id: str,
    amount: Money,
    platform_currency: str,
) -> ChargeCheck:
    """Whether the payment behind a provider's checkout may be charged `amount` now."""
    now = clock.now()
    # A writing unit of work, never committed: the slot check takes the schedule lock
    # (so it sees what a settlement now would) and may expire lapsed holds it finds.
    async with uows() as u:
        payment = await u.payments.find(provider, checkout_id=checkout_id)
        if payment is None:
            return ChargeCheck(ChargeRefusal.UNKNOWN)
        client = await u.clients.get(payment.client_id)
        refusal = await _refusal(u, payment, amount, platform_currency, now)
    return ChargeCheck(refusal, client.language if client else None)


async def _refusal(
    uow: UnitOfWork, payment: Payment, amount: Money, platform_currency: str, now: datetime
) -> ChargeRefusal | None:
    """Why not, in the order a client can act on; None when it may be charged."""
    if payment.status is not PaymentStatus.PENDING:
        return ChargeRefusal.SETTLED
    if amount != payment.amount:
        return ChargeRefusal.AMOUNT_CHANGED
    if payment.booking_id is not None:
        booking = await payable_booking(uow=uow, booking_id=payment.booking_id, now=now)
        if booking is None:
            return ChargeRefusal.SLOT_TAKEN
        if booking.status not in (BookingStatus.HELD, BookingStatus.EXPIRED):
            return ChargeRefusal.SETTLED  # confirmed (or done) already: this would pay twice
    reader = await uow.readers.get(payment.reader_id)
    try:  # settlement snapshots both values; without a rate it could not book the money
        for currency in {reader.currency if reader else amount.currency, platform_currency}:
            await convert_on(uow.fx_rates, amount, currency, now.date())
    except MissingFxRate:
        return ChargeRefusal.UNAVAILABLE
    return None
