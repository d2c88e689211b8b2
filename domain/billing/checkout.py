"""Asking a client to pay for a held booking: one pending payment, one provider checkout.

The pending payment is written (and the hold stretched to the payment window) before
the provider is called, and the provider is called with the payment's id as its
idempotency key: a retry, a double tap or a crash in between never opens a second
checkout, and a paid checkout always finds its payment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID, uuid4

from domain.billing.money import Money
from domain.billing.payments import Payment, requires_prepayment
from domain.clock import Clock
from domain.enums import BookingStatus, PaymentMethod, PaymentStatus
from domain.errors import HoldExpired, InvalidRequest, NotFound
from domain.ports.payments import CheckoutRequest, PaymentProvider
from domain.ports.storage import UnitOfWorkFactory


@dataclass(frozen=True, slots=True)
class PaymentPages:
    """Where the client lands after paying or giving up (the chat, or a thank-you page)."""

    success_url: str
    cancel_url: str


async def request_payment(
    *,
    uows: UnitOfWorkFactory,
    clock: Clock,
    provider: PaymentProvider,
    booking_id: UUID,
    client_id: UUID,
    pages: PaymentPages,
) -> Payment:
    """The open checkout of a held booking, opened now if it has none; the hold waits for it."""
    pending = await _pending_payment(uows, clock, provider.name, booking_id, client_id)
    payment = pending.payment
    if payment.checkout_url:
        return payment
    assert payment.expires_at is not None  # a pending checkout always has its window
    checkout = await provider.create_checkout(
        request=CheckoutRequest(
            payment_id=payment.id,
            amount=payment.amount,
            description=pending.description,
            expires_at=payment.expires_at,
            success_url=pages.success_url,
            cancel_url=pages.cancel_url,
            client_email=pending.client_email,
            booking_id=booking_id,
            locale=pending.locale,
        ),
        idempotency_key=f"checkout:{payment.id}",
    )
    async with uows() as u:
        stored = await u.payments.get(payment.id, for_update=True)
        if stored is None:
            raise NotFound("payment not found")
        stored.checkout_id, stored.checkout_url = checkout.checkout_id, checkout.url
        await u.payments.save(stored)
        await u.commit()
    return stored


@dataclass(frozen=True, slots=True)
class _Pending:
    """A pending payment and what its checkout says, read in the transaction that made it."""

    payment: Payment
    description: str = "Reading"
    client_email: str | None = None
    locale: str = "en"


async def _pending_payment(
    uows: UnitOfWorkFactory, clock: Clock, provider: str, booking_id: UUID, client_id: UUID
) -> _Pending:
    """The booking's open pending payment, or a new one with the hold stretched to match."""
    now = clock.now()
    async with uows() as u:
        booking = await u.bookings.get(booking_id)
        if booking is None or booking.client_id != client_id:
            raise NotFound("booking not found")
        await u.readers.lock_schedule(booking.reader_id)  # one pending payment per hold
        booking = await u.bookings.get(booking_id)
        assert booking is not None
        if booking.status is not BookingStatus.HELD:
            raise HoldExpired("hold no longer held", status=booking.status)
        if booking.hold_expires_at is None or booking.hold_expires_at <= now:
            raise HoldExpired("hold expired")
        opened = next(
            (p for p in await u.payments.for_booking(booking_id) if _still_open(p, provider, now)),
            None,
        )
        if opened is not None and opened.checkout_url:
            return _Pending(opened)
        reader = await u.readers.get(booking.reader_id)
        service = await u.services.get(booking.service_id)
        client = await u.clients.get(client_id)
        if reader is None or service is None:
            raise NotFound("booking not found")
        email, locale = (client.email, client.language) if client else (None, "en")
        if opened is not None:  # opened before, but its checkout never came back: ask again
            return _Pending(opened, service.name, email, locale)
        if booking.price_minor <= 0 or not requires_prepayment(reader, service):
            raise InvalidRequest("this reading is not paid in advance")
        expires_at = now + timedelta(minutes=reader.payment_window_minutes)
        payment = Payment(
            id=uuid4(),
            reader_id=booking.reader_id,
            client_id=client_id,
            amount=Money(booking.price_minor, booking.currency),
            provider=provider,
            method=PaymentMethod.CARD,
            status=PaymentStatus.PENDING,
            created_at=now,
            booking_id=booking_id,
            expires_at=expires_at,
        )
        await u.payments.add(payment)
        booking.hold_expires_at = max(booking.hold_expires_at, expires_at)
        await u.bookings.save(booking)
        await u.commit()
    return _Pending(payment, service.name, email, locale)


def _still_open(payment: Payment, provider: str, now: datetime) -> bool:
    return (
        payment.status is PaymentStatus.PENDING
        and payment.provider == provider
        and payment.expires_at is not None
        and payment.expires_at > now
    )


@dataclass(frozen=True, slots=True)
class PayPage:
    """What the test-mode pay page shows about one payment."""

    payment: Payment
    reader_name: str
    description: str
    starts_at: datetime | None
    client_timezone: str
    language: str


async def pay_page(*, uows: UnitOfWorkFactory, provider: str, checkout_id: str) -> PayPage:
    """The payment behind a pay-page token, with what it is for; unknown tokens are NotFound."""
    async with uows(read_only=True) as u:
        payment = await u.payments.find(provider, checkout_id=checkout_id)
        if payment is None:
            raise NotFound("payment link not found")
        reader = await u.readers.get(payment.reader_id)
        client = await u.clients.get(payment.client_id)
        booking = await u.bookings.get(payment.booking_id) if payment.booking_id else None
        service = await u.services.get(booking.service_id) if booking else None
    return PayPage(
        payment=payment,
        reader_name=reader.brand if reader else "",
        description=service.name if service else "Reading",
        starts_at=booking.starts_at if booking else None,
        client_timezone=booking.client_timezone if booking else "UTC",
        language=client.language if client else "en",
    )
