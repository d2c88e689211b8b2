"""The `payment.refund` outbox row: money back through the provider, booked, the client told.

The provider is called with the row's key as its idempotency key and always the same
amount, so a retry after a crash never refunds twice; the booking of the refund is a
running total (`record_refund_total`), so a provider webhook that reported the same
refund first makes this a no-op.
"""

from __future__ import annotations

from collections.abc import Mapping
from uuid import UUID

from domain.billing.money import Money
from domain.billing.settlement import record_refund_total
from domain.booking.externals import EffectResult, finish_effect
from domain.clock import Clock
from domain.errors import PermanentConnectorError
from domain.models import OutboxEntry
from domain.ports.notify import Notice, NoticeKind, Notifier
from domain.ports.payments import PaymentProvider
from domain.ports.storage import UnitOfWorkFactory


async def apply_refund(
    *,
    uows: UnitOfWorkFactory,
    clock: Clock,
    notifier: Notifier,
    payments: Mapping[str, PaymentProvider],
    entry: OutboxEntry,
) -> EffectResult:
    """Carry out one refund row; transient errors propagate so the run retries the row."""
    payment_id = UUID(entry.payload["payment_id"])
    async with uows(read_only=True) as u:
        payment = await u.payments.get(payment_id)
    if payment is None:
        return await finish_effect(uows, clock, entry, "skipped", detail="payment not found")
    target = Money(int(entry.payload["refunded_total_minor"]), payment.amount.currency)
    amount = Money(int(entry.payload["amount_minor"]), payment.amount.currency)
    if payment.refunds_minor < target.amount_minor:
        provider = payments.get(payment.provider)
        if provider is None:
            raise PermanentConnectorError(
                f"no {payment.provider} provider is configured to refund through",
                provider=payment.provider,
            )
        await provider.refund(
            provider_payment_id=payment.provider_payment_id or str(payment.id),
            amount=amount,
            idempotency_key=entry.key,
        )
        await record_refund_total(
            uow=uows(), clock=clock, payment_id=payment.id, refunded_total=target
        )
    await notifier.notify_client(
        client_id=payment.client_id,
        notice=Notice(
            NoticeKind.PAYMENT_REFUNDED,
            {
                "amount_minor": str(amount.amount_minor),
                "currency": amount.currency,
                "reason": str(entry.payload.get("reason", "")),
            },
            booking_id=payment.booking_id,
        ),
        idempotency_key=f"{entry.key}:notice",
    )
    return await finish_effect(uows, clock, entry, "done", detail=f"refunded {amount}")


async def alert_dispute(
    *, uows: UnitOfWorkFactory, clock: Clock, notifier: Notifier, entry: OutboxEntry
) -> EffectResult:
    """Tell the reader, once, that a client's bank disputed a payment."""
    reader_id = UUID(entry.payload["reader_id"])
    booking_id = entry.payload.get("booking_id")
    await notifier.notify_reader(
        reader_id=reader_id,
        notice=Notice(
            NoticeKind.PAYMENT_DISPUTED,
            {
                "amount_minor": str(entry.payload["amount_minor"]),
                "currency": str(entry.payload["currency"]),
                "reason": str(entry.payload.get("reason") or ""),
            },
            booking_id=UUID(booking_id) if booking_id else None,
        ),
        idempotency_key=f"{entry.key}:notice",
    )
    return await finish_effect(uows, clock, entry, "done", detail="reader alerted")
