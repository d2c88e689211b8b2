"""Issuing invoices and credit notes: numbered, priced and stored in one transaction."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from uuid import UUID
from zoneinfo import ZoneInfo

from domain.billing.invoices import (
    Invoice,
    LineRequest,
    TaxRule,
    draft_invoice,
    invoice_number,
)
from domain.billing.money import InvalidAmount, Money
from domain.billing.tax import place_of_supply, rule_for
from domain.clock import Clock
from domain.enums import InvoiceKind, InvoiceStatus, OutboxKind
from domain.errors import InvalidTransition, NotFound
from domain.models import OutboxEntry, Reader
from domain.ports.storage import UnitOfWork


@dataclass(frozen=True, slots=True)
class InvoiceRequest:
    """Bill a client of a reader for these lines, under this tax rule."""

    reader_id: UUID
    client_id: UUID
    currency: str
    lines: list[LineRequest]
    rule: TaxRule = field(default_factory=TaxRule)
    booking_id: UUID | None = None


async def tax_rule_for(
    uow: UnitOfWork, reader: Reader, client_country: str | None, day: date, *, inclusive: bool
) -> TaxRule:
    """The reader's rule for one client: the rate of the place of supply that day, or none."""
    country = place_of_supply(reader.country, client_country)
    rate = await uow.tax_rates.rate_for(country, day) if country else None
    return rule_for(rate, inclusive=inclusive)


async def issue_invoice(*, uow: UnitOfWork, clock: Clock, request: InvoiceRequest) -> Invoice:
    """The next number of the reader's year, the lines priced, stored; all or nothing."""
    async with uow:
        invoice = await issue_in(uow, clock.now(), request)
        await uow.commit()
    return invoice


async def issue_in(
    uow: UnitOfWork,
    now: datetime,
    request: InvoiceRequest,
    status: InvoiceStatus = InvoiceStatus.ISSUED,
) -> Invoice:
    """Issue inside the caller's transaction (a payment and its invoice commit together)."""
    reader = await uow.readers.get(request.reader_id)
    if reader is None:
        raise NotFound("reader not found")
    if await uow.clients.get(request.client_id) is None:
        raise NotFound("client not found")
    year = now.astimezone(ZoneInfo(reader.timezone)).year
    sequence = await uow.invoices.next_sequence(reader.id, year)
    invoice = draft_invoice(
        number=invoice_number(reader.slug, year, sequence),
        kind=InvoiceKind.INVOICE,
        reader_id=reader.id,
        client_id=request.client_id,
        currency=request.currency,
        lines=request.lines,
        rule=request.rule,
        issued_at=now,
        booking_id=request.booking_id,
    )
    invoice = replace(invoice, status=status)
    await uow.invoices.add(invoice)
    return invoice


async def credit_invoice(
    *, uow: UnitOfWork, clock: Clock, invoice_id: UUID, lines: list[LineRequest] | None = None
) -> Invoice:
    """A credit note for all of an invoice (or for `lines`), never more than is left of it."""
    async with uow:
        now = clock.now()
        note = await credit_in(uow, now, invoice_id, lines)
        await uow.outbox.add(send_invoice_entry(note, reminder=False), now)
        await uow.commit()
    return note


async def credit_in(
    uow: UnitOfWork, now: datetime, invoice_id: UUID, lines: list[LineRequest] | None = None
) -> Invoice:
    """Credit inside the caller's transaction (a refund and its credit note commit together).

    The note is numbered in the same series and keeps the invoice's tax rule, so its tax
    reverses the invoice's own.
    """
    invoice = await uow.invoices.get(invoice_id)
    if invoice is None:
        raise NotFound("invoice not found")
    if invoice.kind is not InvoiceKind.INVOICE or invoice.status is InvoiceStatus.VOID:
        raise InvalidTransition("only an issued invoice can be credited")
    reader = await uow.readers.get(invoice.reader_id)
    if reader is None:
        raise NotFound("reader not found")
    year = now.astimezone(ZoneInfo(reader.timezone)).year
    wanted = lines or [
        LineRequest(line.description, line.unit_price_minor, line.quantity)
        for line in invoice.lines
    ]
    note = draft_invoice(
        number="",  # numbered below, once it is known to fit
        kind=InvoiceKind.CREDIT_NOTE,
        reader_id=invoice.reader_id,
        client_id=invoice.client_id,
        currency=invoice.currency,
        lines=wanted,
        rule=invoice.rule,
        issued_at=now,
        booking_id=invoice.booking_id,
        credits_invoice_id=invoice.id,
    )
    credited = sum(n.total.amount_minor for n in await uow.invoices.credits_of(invoice.id))
    left = invoice.total.amount_minor - credited
    if note.total.amount_minor > left:
        raise InvalidAmount(f"at most {Money(left, invoice.currency)} can still be credited")
    sequence = await uow.invoices.next_sequence(reader.id, year)
    note = replace(note, number=invoice_number(reader.slug, year, sequence))
    await uow.invoices.add(note)
    return note


def send_invoice_entry(invoice: Invoice, *, reminder: bool, nth: int = 0) -> OutboxEntry:
    """The row that sends an invoice to its client (chat document and email), once."""
    purpose = f"remind-{nth}" if reminder else "issue"
    key = f"{OutboxKind.INVOICE_SEND.value}:{invoice.id}:{purpose}"
    payload = {
        "invoice_id": str(invoice.id),
        "reader_id": str(invoice.reader_id),
        "client_id": str(invoice.client_id),
        "booking_id": str(invoice.booking_id) if invoice.booking_id else None,
        "reminder": reminder,
    }
    return OutboxEntry(key=key, kind=OutboxKind.INVOICE_SEND, payload=payload)
