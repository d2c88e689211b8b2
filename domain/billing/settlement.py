"""Money arriving and leaving: a payment settled once, refunds and disputes as running totals.

Settling a payment is one transaction: the payment (with its FX snapshot), the booking it
confirms, the invoice it pays (issued now if the booking had none) and the balanced
ledger posting commit together or not at all. A payment that arrives after its hold
lapsed and the slot went to someone else is kept and queued for an automatic refund.

Providers report refunds as a running total, and our own refunds are recorded the same
way, so a webhook redelivered, arriving before our own refund is booked, or out of order
never gives money back twice.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from uuid import UUID

from domain.billing.fx import convert_on
from domain.billing.invoices import Invoice, LineRequest, isolated
from domain.billing.invoicing import (
    InvoiceRequest,
    credit_in,
    issue_in,
    send_invoice_entry,
    tax_rule_for,
)
from domain.billing.ledger import (
    BASIS_POINTS,
    PaymentSplit,
    payment_posting,
    refund_posting,
    refund_split,
    split_payment,
)
from domain.billing.money import InvalidAmount, Money
from domain.billing.payments import Payment, platform_fee_bps
from domain.booking.service import confirm_paid_hold
from domain.clock import Clock
from domain.crm.loyalty import earn_on_settle, reverse_on_refund
from domain.crm.referrals import credit_referral
from domain.enums import (
    InvoiceStatus,
    LedgerAccount,
    OutboxKind,
    PaymentMethod,
    PaymentStatus,
    PostingKind,
)
from domain.errors import NotFound
from domain.models import Booking, OutboxEntry, Reader
from domain.ports.storage import UnitOfWork

REFUND_KINDS = (PostingKind.REFUND, PostingKind.DISPUTE)


@dataclass(frozen=True, slots=True)
class ReceivedPayment:
    """Money a provider (or the reader, for cash) says arrived."""

    provider: str
    amount: Money
    payment_id: UUID | None = None
    checkout_id: str | None = None
    provider_payment_id: str | None = None
    provider_fee_minor: int = 0
    method: PaymentMethod = PaymentMethod.CARD
    processor_charge_id: str | None = None  # Telegram's provider_payment_charge_id


@dataclass(frozen=True, slots=True)
class Settlement:
    """What settling did: the payment, the booking it confirmed, whether it must go back."""

    payment: Payment
    booking: Booking | None = None
    invoice: Invoice | None = None
    duplicate: bool = False  # settled before: nothing changed
    refund_due: bool = False  # the slot was gone: the money is queued to go back


async def settle_payment(
    *, uow: UnitOfWork, clock: Clock, received: ReceivedPayment, platform_currency: str
) -> Settlement:
    """Book money that arrived, once: confirm, invoice, split, snapshot its FX value."""
    now = clock.now()
    async with uow:
        payment = await _match(uow, received)
        if payment.status is not PaymentStatus.PENDING:
            return Settlement(payment, duplicate=True)
        if received.amount.currency != payment.amount.currency:
            raise InvalidAmount(f"this payment is in {payment.amount.currency}")
        reader = await _reader(uow, payment.reader_id)
        payment.amount = received.amount  # what was taken, even if it differs from the ask
        await _snapshot(uow, payment, reader, platform_currency, now)
        booking = None
        if payment.booking_id is not None:
            booking = await confirm_paid_hold(uow=uow, booking_id=payment.booking_id, now=now)
        refund_due = payment.booking_id is not None and booking is None
        invoice = await _invoice_for(uow, payment, reader, now)
        split = split_payment(
            payment.amount,
            tax_minor=_tax_share(invoice, payment.amount),
            platform_fee_bps=await _platform_fee_bps(uow, reader, booking),
            provider_fee_minor=received.provider_fee_minor,
        )
        payment.tax_minor = split.tax.amount_minor
        payment.platform_fee_minor = split.platform_fee.amount_minor
        payment.provider_fee_minor = split.provider_fee.amount_minor
        payment.status, payment.received_at = PaymentStatus.SUCCEEDED, now
        payment.invoice_id = invoice.id
        payment.provider_payment_id = received.provider_payment_id or payment.provider_payment_id
        payment.processor_charge_id = received.processor_charge_id or payment.processor_charge_id
        payment.method = received.method  # how it was paid is what the provider says
        await uow.payments.save(payment)
        await uow.invoices.mark_paid(invoice.id, now)
        if not refund_due:  # settled money earns points; a friend's first one, a referral
            await earn_on_settle(uow, payment, now)
            await credit_referral(uow, payment, now)
        await uow.ledger.post(
            payment_posting(
                split, reader_id=reader.id, payment_id=payment.id, booking_id=payment.booking_id
            ),
            now,
        )
        if refund_due:
            await queue_refund(uow, payment, payment.amount, reason="slot_taken", now=now)
        else:  # the paid invoice goes to the client (chat and email) as their receipt
            await uow.outbox.add(send_invoice_entry(invoice, reminder=False), now)
        await uow.commit()
    return Settlement(payment, booking, invoice, refund_due=refund_due)


async def queue_refund(
    uow: UnitOfWork, payment: Payment, amount: Money, *, reason: str, now: datetime
) -> str:
    """An outbox row that gives `amount` back through the provider, then books it."""
    if amount.amount_minor <= 0 or amount.amount_minor > payment.refundable.amount_minor:
        raise InvalidAmount(f"at most {payment.refundable} can still be refunded")
    target = payment.refunds_minor + amount.amount_minor  # the provider's running total
    key = f"{OutboxKind.PAYMENT_REFUND.value}:{payment.id}:{target}"
    payload = {
        "payment_id": str(payment.id),
        "booking_id": str(payment.booking_id) if payment.booking_id else None,
        "refunded_total_minor": target,
        "amount_minor": amount.amount_minor,
        "currency": payment.amount.currency,
        "reason": reason,
    }
    await uow.outbox.add(OutboxEntry(key=key, kind=OutboxKind.PAYMENT_REFUND, payload=payload), now)
    return key


async def record_refund_total(
    *, uow: UnitOfWork, clock: Clock, payment_id: UUID, refunded_total: Money
) -> Money:
    """Book a payment's refunds up to a running total; what was booked already is skipped.

    Returns what this call booked (zero when the total was reached before). The total
    counts refunds only, never disputes, as providers report it. Each refund
    takes its proportional part back from the tax, the platform's fee and the reader's
    share, and gets a credit note against the payment's invoice.
    """
    now = clock.now()
    async with uow:
        payment = await uow.payments.get(payment_id, for_update=True)
        if payment is None:
            raise NotFound("payment not found")
        if refunded_total.currency != payment.amount.currency:
            raise InvalidAmount(f"this payment is in {payment.amount.currency}")
        # Providers count refunds apart from disputes (Stripe's amount_refunded).
        delta = min(
            refunded_total.amount_minor - payment.refunds_minor, payment.refundable.amount_minor
        )
        if delta <= 0 or payment.status is PaymentStatus.PENDING:
            return Money(0, payment.amount.currency)
        amount = Money(delta, payment.amount.currency)
        await _book_refund(uow, payment, amount, now, dispute=False)
        await uow.commit()
    return amount


async def record_dispute(
    *, uow: UnitOfWork, clock: Clock, payment_id: UUID, disputed: Money, reason: str | None
) -> Money:
    """A client's bank took money back: booked like a refund, the reader alerted; once."""
    now = clock.now()
    async with uow:
        payment = await uow.payments.get(payment_id, for_update=True)
        if payment is None:
            raise NotFound("payment not found")
        if disputed.currency != payment.amount.currency:
            raise InvalidAmount(f"this payment is in {payment.amount.currency}")
        wanted = min(
            disputed.amount_minor - payment.disputed_minor, payment.refundable.amount_minor
        )
        if wanted <= 0 or payment.status is PaymentStatus.PENDING:
            return Money(0, payment.amount.currency)
        amount = Money(wanted, payment.amount.currency)
        await _book_refund(uow, payment, amount, now, dispute=True)
        payload = {
            "payment_id": str(payment.id),
            "reader_id": str(payment.reader_id),
            "booking_id": str(payment.booking_id) if payment.booking_id else None,
            "amount_minor": amount.amount_minor,
            "currency": amount.currency,
            "reason": reason,
        }
        key = f"{OutboxKind.PAYMENT_DISPUTED.value}:{payment.id}:{payment.disputed_minor}"
        await uow.outbox.add(OutboxEntry(key, OutboxKind.PAYMENT_DISPUTED, payload), now)
        await uow.commit()
    return amount


async def _book_refund(
    uow: UnitOfWork, payment: Payment, amount: Money, now: datetime, *, dispute: bool
) -> None:
    """The ledger posting, the payment's totals and the credit note of money going back."""
    before = await _refunded_split(uow, payment)
    split = refund_split(payment.split, before, amount)
    posting = refund_posting(
        split, reader_id=payment.reader_id, payment_id=payment.id, booking_id=payment.booking_id
    )
    if dispute:
        posting = replace(posting, kind=PostingKind.DISPUTE, memo="dispute")
        payment.disputed_minor += amount.amount_minor
    await uow.ledger.post(posting, now)
    payment.refunded_minor += amount.amount_minor
    if payment.refunded_minor >= payment.amount.amount_minor:
        payment.status = PaymentStatus.REFUNDED
    await uow.payments.save(payment)
    await reverse_on_refund(uow, payment, now)  # the refunded share of its points
    if payment.invoice_id is not None:
        note = await _credit_note(uow, now, payment.invoice_id, amount)
        # A refund's note goes to the client like the invoice did; a chargeback's is
        # only booked (the client's bank, not the reader, gave the money back).
        if note is not None and not dispute:
            await uow.outbox.add(send_invoice_entry(note, reminder=False), now)


async def _match(uow: UnitOfWork, received: ReceivedPayment) -> Payment:
    """Our payment, by the id the provider carried back, else by its checkout or money id."""
    payment = None
    if received.payment_id is not None:
        payment = await uow.payments.get(received.payment_id, for_update=True)
    if payment is None:
        payment = await uow.payments.find(
            received.provider,
            checkout_id=received.checkout_id,
            provider_payment_id=received.provider_payment_id,
            for_update=True,
        )
    if payment is None or payment.provider != received.provider:
        raise NotFound("no payment of ours matches this checkout")
    return payment


async def _snapshot(
    uow: UnitOfWork, payment: Payment, reader: Reader, platform_currency: str, now: datetime
) -> None:
    """What the payment is worth to the reader and the platform, at the day's rates."""
    day = now.date()
    payment.reader_value = await convert_on(uow.fx_rates, payment.amount, reader.currency, day)
    payment.platform_value = await convert_on(uow.fx_rates, payment.amount, platform_currency, day)


async def _invoice_for(uow: UnitOfWork, payment: Payment, reader: Reader, now: datetime) -> Invoice:
    """The invoice this payment pays: its own, its booking's, or one issued now (paid)."""
    if payment.invoice_id is not None:
        invoice = await uow.invoices.get(payment.invoice_id)
        if invoice is not None:
            return invoice
    if payment.booking_id is not None:
        invoice = await uow.invoices.for_booking(payment.booking_id)
        if invoice is not None:
            return invoice
    client = await uow.clients.get(payment.client_id)
    # What the client paid is the price, tax inside: an exclusive reader's price had its
    # tax added before the checkout was opened.
    rule = await tax_rule_for(
        uow, reader, client.country if client else None, now.date(), inclusive=True
    )
    description = await _description(uow, payment)
    request = InvoiceRequest(
        reader_id=reader.id,
        client_id=payment.client_id,
        currency=payment.amount.currency,
        lines=[LineRequest(description, payment.amount.amount_minor)],
        rule=rule,
        booking_id=payment.booking_id,
    )
    return await issue_in(uow, now, request, status=InvoiceStatus.PAID)


async def _description(uow: UnitOfWork, payment: Payment) -> str:
    if payment.booking_id is None:
        return "Reading"
    booking = await uow.bookings.get(payment.booking_id)
    service = await uow.services.get(booking.service_id) if booking else None
    if booking is None or service is None:
        return "Reading"
    when = f"{booking.starts_at:%Y-%m-%d %H:%M} UTC"
    return f"{isolated(service.name)} ({when}, ref {booking.reference})"


def _tax_share(invoice: Invoice, amount: Money) -> int:
    """The invoice's tax, or its proportion when the payment covers part of the invoice."""
    total = invoice.total.amount_minor
    if not total or amount.amount_minor >= total:
        return min(invoice.tax.amount_minor, amount.amount_minor)
    return invoice.tax.amount_minor * amount.amount_minor // total


async def _platform_fee_bps(uow: UnitOfWork, reader: Reader, booking: Booking | None) -> int:
    service = await uow.services.get(booking.service_id) if booking else None
    return platform_fee_bps(reader, service)


async def _refunded_split(uow: UnitOfWork, payment: Payment) -> PaymentSplit | None:
    """What the payment's refunds and disputes took back so far, share by share."""
    legs = await uow.ledger.payment_legs(payment.id, REFUND_KINDS)
    if not legs:
        return None
    currency = payment.amount.currency
    taken = {account: 0 for account in LedgerAccount}
    for leg in legs:
        taken[leg.account] += leg.money.amount_minor
    return PaymentSplit(
        Money(taken[LedgerAccount.CASH], currency),
        Money(taken[LedgerAccount.TAX_PAYABLE], currency),
        Money(taken[LedgerAccount.PLATFORM_REVENUE], currency),
        Money(0, currency),
    )


async def _credit_note(
    uow: UnitOfWork, now: datetime, invoice_id: UUID, amount: Money
) -> Invoice | None:
    """A credit note for the refunded amount, as much as the invoice still allows."""
    invoice = await uow.invoices.get(invoice_id)
    if invoice is None:
        return None
    credited = sum(n.total.amount_minor for n in await uow.invoices.credits_of(invoice_id))
    left = invoice.total.amount_minor - credited
    gross = min(amount.amount_minor, left)
    if gross <= 0:
        return None
    unit = gross
    if not invoice.rule.inclusive and invoice.rule.rate_bps and not invoice.rule.reverse_charge:
        unit = gross * BASIS_POINTS // (BASIS_POINTS + invoice.rule.rate_bps)  # its net
    return await credit_in(uow, now, invoice_id, [LineRequest("Refund", unit)])


async def _reader(uow: UnitOfWork, reader_id: UUID) -> Reader:
    reader = await uow.readers.get(reader_id)
    if reader is None:
        raise NotFound("reader not found")
    return reader
