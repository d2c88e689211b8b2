"""What a reader does with money from chat: record cash, bill a client, log an expense."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

from domain.billing.invoices import Invoice, LineRequest
from domain.billing.invoicing import InvoiceRequest, issue_in, send_invoice_entry, tax_rule_for
from domain.billing.money import InvalidAmount, Money, parse_amount
from domain.billing.payments import BUILTIN_PROVIDER, Expense, Payment
from domain.billing.receipts import receipt_entry
from domain.billing.settlement import ReceivedPayment, Settlement, settle_payment
from domain.booking.windows import TimeWindow
from domain.clock import Clock
from domain.enums import (
    BookingStatus,
    ExpenseRecurrence,
    InvoiceStatus,
    PaymentMethod,
    PaymentStatus,
)
from domain.errors import InvalidRequest, NotFound
from domain.files import check_declared
from domain.models import Booking, Client
from domain.ports.files import ChannelFile
from domain.ports.storage import UnitOfWork, UnitOfWorkFactory

# A reader quotes a booking by its reference; bookings this far around today are searched.
_REFERENCE_SPAN = timedelta(days=120)
MAX_EXPENSE_CATEGORY = 64
_PAYABLE = (BookingStatus.CONFIRMED, BookingStatus.COMPLETED, BookingStatus.NO_SHOW)


@dataclass(frozen=True, slots=True)
class InvoiceLine:
    """One invoice as a reader's list shows it."""

    invoice: Invoice
    client_name: str
    paid: bool


async def record_offline_payment(
    *,
    uows: UnitOfWorkFactory,
    clock: Clock,
    reader_id: UUID,
    reference: str,
    method: PaymentMethod,
    platform_currency: str,
    amount_text: str | None = None,
) -> Settlement:
    """The reader took cash or a transfer for a booking (its price, or the amount typed in
    the booking's currency): settled like any payment, once."""
    now = clock.now()
    async with uows() as u:
        booking = await _booking_by_reference(u, reader_id, reference, now)
        for existing in await u.payments.for_booking(booking.id):
            if existing.status is PaymentStatus.SUCCEEDED:
                raise InvalidRequest(f"booking {booking.reference} is paid already")
        money = (
            parse_amount(amount_text, booking.currency)
            if amount_text
            else Money(booking.price_minor, booking.currency)
        )
        if money.amount_minor <= 0:
            raise InvalidAmount("a payment is more than zero")
        payment = Payment(
            id=uuid4(),
            reader_id=reader_id,
            client_id=booking.client_id,
            amount=money,
            provider=BUILTIN_PROVIDER,
            method=method,
            status=PaymentStatus.PENDING,
            created_at=now,
            booking_id=booking.id,
            checkout_id=f"recorded-{uuid4().hex}",
        )
        await u.payments.add(payment)
        await u.commit()
    return await settle_payment(
        uow=uows(),
        clock=clock,
        received=ReceivedPayment(BUILTIN_PROVIDER, money, payment_id=payment.id, method=method),
        platform_currency=platform_currency,
    )


async def invoice_client(
    *,
    uow: UnitOfWork,
    clock: Clock,
    reader_id: UUID,
    client_ref: str,
    amount_text: str,
    reason: str,
) -> Invoice:
    """An ad-hoc invoice to one of the reader's clients, under the reader's tax rule."""
    now = clock.now()
    async with uow:
        reader = await uow.readers.get(reader_id)
        if reader is None:
            raise NotFound("reader not found")
        client = await _client(uow, client_ref)
        money = parse_amount(amount_text, reader.currency)
        if money.amount_minor <= 0:
            raise InvalidAmount("an invoice is for more than zero")
        rule = await tax_rule_for(
            uow, reader, client.country, now.date(), inclusive=reader.tax_inclusive
        )
        invoice = await issue_in(
            uow,
            now,
            InvoiceRequest(
                reader_id=reader.id,
                client_id=client.id,
                currency=money.currency,
                lines=[LineRequest(reason.strip() or "Reading", money.amount_minor)],
                rule=rule,
            ),
        )
        await uow.outbox.add(send_invoice_entry(invoice, reminder=False), now)
        await uow.commit()
    return invoice


async def remind_invoice(*, uow: UnitOfWork, clock: Clock, reader_id: UUID, number: str) -> Invoice:
    """Nudge the client about an unpaid invoice (at most once a day per invoice)."""
    now = clock.now()
    async with uow:
        found = await uow.invoices.by_number(number.strip().upper(), reader_id=reader_id)
        if not found:
            raise NotFound("invoice not found")
        invoice = found[0]
        if invoice.status is not InvoiceStatus.ISSUED:
            raise InvalidRequest(f"invoice {invoice.number} is {invoice.status.value}")
        nth = (now.date() - invoice.issued_at.date()).days
        await uow.outbox.add(send_invoice_entry(invoice, reminder=True, nth=nth), now)
        await uow.commit()
    return invoice


async def reader_invoices(
    *, uow: UnitOfWork, reader_id: UUID, limit: int = 20
) -> list[InvoiceLine]:
    """The reader's latest invoices with who they are for and whether they are paid."""
    async with uow:
        invoices = await uow.invoices.for_reader(reader_id, limit)
        lines = []
        for invoice in invoices:
            client = await uow.clients.get(invoice.client_id)
            name = (client.name or client.email or "") if client else ""
            lines.append(InvoiceLine(invoice, name, invoice.status is InvoiceStatus.PAID))
    return lines


async def add_expense(
    *,
    uow: UnitOfWork,
    clock: Clock,
    reader_id: UUID,
    text: str,
    recurrence: ExpenseRecurrence | None = None,
    receipt: ChannelFile | None = None,
) -> Expense:
    """'12.50 GBP cards', '12.50 cards' (the reader's currency) or '12.50 GBP cards deck'.

    A `receipt` sent in chat is fetched by the `expense.receipt` row written with the
    expense; one the platform already says is too large or not a photo or PDF is refused
    before anything is recorded.
    """
    parts = text.split()
    if not parts:
        raise InvalidAmount("say how much and what for: expense 12.50 GBP cards")
    if receipt is not None:
        check_declared(receipt.file.content_type, receipt.file.size)
    async with uow:
        reader = await uow.readers.get(reader_id)
        if reader is None:
            raise NotFound("reader not found")
        currency, rest = reader.currency, parts[1:]
        if rest and len(rest[0]) == 3 and rest[0].isalpha():
            currency, rest = rest[0], rest[1:]
        money = parse_amount(parts[0], currency)
        if money.amount_minor <= 0:
            raise InvalidAmount("an expense is more than zero")
        category = (rest[0] if rest else "other").lower()[:MAX_EXPENSE_CATEGORY]
        expense = Expense(
            id=uuid4(),
            reader_id=reader_id,
            category=category,
            amount=money,
            incurred_on=clock.now().astimezone(ZoneInfo(reader.timezone)).date(),
            description=" ".join(rest[1:]) or None,
            recurrence=recurrence,
        )
        await uow.expenses.add(expense)
        if receipt is not None:
            await uow.outbox.add(receipt_entry(expense, receipt), clock.now())
        await uow.commit()
    return expense


async def recent_expenses(
    *, uow: UnitOfWork, clock: Clock, reader_id: UUID, days: int = 60, limit: int = 10
) -> list[Expense]:
    """The reader's latest expenses (their calendar's last `days` days), newest first."""
    async with uow:
        reader = await uow.readers.get(reader_id)
        if reader is None:
            raise NotFound("reader not found")
        today = clock.now().astimezone(ZoneInfo(reader.timezone)).date()
        found = await uow.expenses.for_reader(
            reader_id, today - timedelta(days=days), today + timedelta(days=1)
        )
    return found[::-1][:limit]


async def _booking_by_reference(
    uow: UnitOfWork, reader_id: UUID, reference: str, now: datetime
) -> Booking:
    """One of the reader's bookings near today by its 8-character reference."""
    wanted = reference.strip().lstrip("#").upper()
    if len(wanted) < 6:
        raise InvalidRequest("quote the booking reference, e.g. #1A2B3C4D")
    window = TimeWindow(now - _REFERENCE_SPAN, now + _REFERENCE_SPAN)
    bookings = await uow.bookings.for_reader(reader_id, window, statuses=_PAYABLE)
    for booking in bookings:
        if booking.reference.startswith(wanted):
            return booking
    raise NotFound(f"no booking #{wanted}")


async def _client(uow: UnitOfWork, ref: str) -> Client:
    """A client by the email the reader quotes."""
    email = ref.strip().lstrip("@").lower()
    if "@" not in email:
        raise InvalidRequest("give the client's email: invoice lina@example.com 40 reading")
    client = await uow.clients.get_by_email(email)
    if client is None:
        raise NotFound(f"no client {email}")
    return client
