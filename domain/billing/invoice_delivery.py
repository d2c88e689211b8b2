"""The `invoice.send` outbox row: the client gets the invoice in chat and by email, once.

The chat notice carries a signed link to the PDF and goes through the notifier under the
row's key, so a retry finds it sent. Email has no such key at the provider (SMTP cannot
be asked what it already took), so an `external_refs` marker says how far sending got:
"sending" is committed before the mailer is called and "sent" after it answered. A
retry that finds "sent" skips the email; one that finds "sending" (the process died
while the mailer had it) cannot know whether it left and does not send it again, as a
second invoice in a client's inbox is worse than an operator re-sending one. A mailer
that says it did not take the email (a transient or permanent error) clears the marker,
so the retry sends it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from uuid import UUID

from domain.billing.invoice_views import render_invoice
from domain.billing.invoices import Invoice
from domain.booking.externals import EffectResult, finish_effect
from domain.clock import Clock
from domain.enums import EmailKind, InvoiceStatus
from domain.errors import ConnectorError, PermanentConnectorError
from domain.models import Client, OutboxEntry, Reader
from domain.ports.documents import DocumentRenderer
from domain.ports.email import Attachment, EmailWriter, Mailer, OutgoingEmail
from domain.ports.links import ExternalLink
from domain.ports.notify import DeliveryReport, Notice, NoticeKind, Notifier
from domain.ports.storage import UnitOfWorkFactory

INVOICE = "invoice"
SENDING, SENT, FAILED = "sending", "sent", "failed"
PDF = "application/pdf"


@dataclass(frozen=True, slots=True)
class InvoiceSender:
    """What sending an invoice needs besides storage: its PDF, its link, and email."""

    documents: DocumentRenderer
    link: Callable[[UUID], str]  # a signed link to the invoice's PDF that needs no sign-in
    mailer: Mailer | None = None  # None: chat only
    emails: EmailWriter | None = None


@dataclass(frozen=True, slots=True)
class _Parties:
    invoice: Invoice
    reader: Reader
    client: Client


async def send_invoice(
    *,
    uows: UnitOfWorkFactory,
    clock: Clock,
    notifier: Notifier,
    sender: InvoiceSender | None,
    entry: OutboxEntry,
) -> EffectResult:
    """Carry out one `invoice.send` row; transient errors propagate so the run retries it."""
    if sender is None:
        raise PermanentConnectorError("no document renderer is configured to send invoices")
    parties = await _parties(uows, UUID(entry.payload["invoice_id"]))
    if parties is None:
        return await finish_effect(uows, clock, entry, "skipped", detail="invoice not found")
    reminder = bool(entry.payload.get("reminder"))
    if reminder and parties.invoice.status is not InvoiceStatus.ISSUED:
        detail = f"invoice {parties.invoice.status.value}: no reminder"
        return await finish_effect(uows, clock, entry, "skipped", detail=detail)
    notice = invoice_notice(parties, sender.link(parties.invoice.id), reminder=reminder)
    report = await notifier.notify_client(
        client_id=parties.client.id, notice=notice, idempotency_key=f"{entry.key}:notice"
    )
    emailed = await _email(uows, clock, sender, entry, parties, notice)
    return await finish_effect(
        uows, clock, entry, "done", detail=f"chat: {_chat_outcome(report)}; email: {emailed}"
    )


def invoice_notice(parties: _Parties, document_url: str, *, reminder: bool) -> Notice:
    """What the client is told: the number, the amount, who from, and the PDF's link."""
    invoice = parties.invoice
    return Notice(
        NoticeKind.INVOICE_REMINDER if reminder else NoticeKind.INVOICE_ISSUED,
        {
            "number": invoice.number,
            "amount_minor": str(invoice.total.amount_minor),
            "currency": invoice.currency,
            "reader": parties.reader.brand,
            "document_url": document_url,
            "document": invoice.kind.value,  # an invoice or a credit note
        },
    )


async def _email(
    uows: UnitOfWorkFactory,
    clock: Clock,
    sender: InvoiceSender,
    entry: OutboxEntry,
    parties: _Parties,
    notice: Notice,
) -> str:
    """The email with the PDF attached, at most once per row; says what became of it."""
    address = parties.client.email
    if not address:
        return "the client has no email address"
    if sender.mailer is None or sender.emails is None:
        return "no mailer configured"
    purpose = f"email:{entry.key.rsplit(':', 1)[-1]}"[:32]
    async with uows(read_only=True) as u:
        marker = await u.external_refs.get(INVOICE, parties.invoice.id, purpose)
    state = marker.data.get("state") if marker else None
    if state == SENT:
        return f"sent before to {marker.external_id if marker else address}"
    if state == SENDING:
        return "an earlier attempt was cut off while sending; not sent again"
    rendered = await render_invoice(
        uow=uows(read_only=True), renderer=sender.documents, invoice_id=parties.invoice.id
    )
    copy = sender.emails.write(notice, language=parties.client.language)
    email = OutgoingEmail(
        to=address,
        subject=copy.subject,
        text=copy.text,
        kind=EmailKind.INVOICE,
        attachments=(Attachment(rendered.filename, PDF, rendered.pdf),),
    )
    link = ExternalLink(INVOICE, parties.invoice.id, purpose, sender.mailer.provider, address)
    await _mark(uows, clock, link, SENDING)
    try:
        await sender.mailer.send(email)
    except ConnectorError:
        await _mark(uows, clock, link, FAILED)  # not taken: the next attempt sends it
        raise
    await _mark(uows, clock, link, SENT)
    return f"sent to {address}"


async def _mark(uows: UnitOfWorkFactory, clock: Clock, link: ExternalLink, state: str) -> None:
    async with uows() as u:
        await u.external_refs.put(
            ExternalLink(
                link.entity_kind,
                link.entity_id,
                link.purpose,
                link.provider,
                link.external_id,
                {"state": state},
            ),
            clock.now(),
        )
        await u.commit()


async def _parties(uows: UnitOfWorkFactory, invoice_id: UUID) -> _Parties | None:
    """The invoice with its reader and client, in one read."""
    async with uows(read_only=True) as u:
        invoice = await u.invoices.get(invoice_id)
        if invoice is None:
            return None
        reader = await u.readers.get(invoice.reader_id)
        client = await u.clients.get(invoice.client_id)
    if reader is None or client is None:
        return None
    return _Parties(invoice, reader, client)


def _chat_outcome(report: DeliveryReport) -> str:
    if report.duplicate:
        return "sent before"
    if report.delivered:
        return f"sent on {report.channel.value}" if report.channel else "sent"
    return f"waiting ({report.detail})" if report.waiting else report.detail or "not sent"
