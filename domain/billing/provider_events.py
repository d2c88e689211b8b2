"""What a provider's verified webhook event does to our payments: each kind, once."""

from __future__ import annotations

from domain.billing.payments import Payment
from domain.billing.settlement import (
    ReceivedPayment,
    record_dispute,
    record_refund_total,
    settle_payment,
)
from domain.clock import Clock
from domain.enums import PaymentEventKind
from domain.errors import NotFound
from domain.ports.payments import PaymentEvent
from domain.ports.storage import UnitOfWorkFactory


async def apply_payment_event(
    *, uows: UnitOfWorkFactory, clock: Clock, event: PaymentEvent, platform_currency: str
) -> str:
    """Settle, refund or dispute; returns what happened ("settled", "duplicate", ...).

    Raises NotFound for an event about money we never asked for: the caller answers
    it and logs it, since a provider retrying it would not make it ours.
    """
    if event.kind is PaymentEventKind.COMPLETED:
        settled = await settle_payment(
            uow=uows(),
            clock=clock,
            received=ReceivedPayment(
                provider=event.provider,
                amount=event.amount,
                payment_id=event.payment_id,
                checkout_id=event.checkout_id,
                provider_payment_id=event.provider_payment_id,
                provider_fee_minor=event.provider_fee_minor,
            ),
            platform_currency=platform_currency,
        )
        if settled.duplicate:
            return "duplicate"
        return "refund_due" if settled.refund_due else "settled"
    payment = await _payment(uows, event)
    if event.kind is PaymentEventKind.REFUNDED:
        booked = await record_refund_total(
            uow=uows(), clock=clock, payment_id=payment.id, refunded_total=event.amount
        )
        return "refunded" if booked.amount_minor else "duplicate"
    booked = await record_dispute(
        uow=uows(), clock=clock, payment_id=payment.id, disputed=event.amount, reason=event.reason
    )
    return "disputed" if booked.amount_minor else "duplicate"


async def _payment(uows: UnitOfWorkFactory, event: PaymentEvent) -> Payment:
    async with uows(read_only=True) as u:
        payment = await u.payments.get(event.payment_id) if event.payment_id else None
        if payment is None:
            payment = await u.payments.find(
                event.provider, provider_payment_id=event.provider_payment_id
            )
    if payment is None or payment.provider != event.provider:
        raise NotFound("no payment of ours matches this event")
    return payment
