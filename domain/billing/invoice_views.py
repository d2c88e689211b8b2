"""Invoices as people read them: the admin's filtered list, one by number, and its PDF.

The PDF is rendered on request, never stored: an invoice is never edited (a correction
is a credit note), so the same invoice always renders the same document, in the client's
language with the reader's branding as they are now.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from uuid import UUID

from domain.billing.invoices import Invoice
from domain.enums import InvoiceKind, InvoiceStatus
from domain.errors import InvalidRequest, NotFound
from domain.ports.documents import DocumentRenderer, InvoiceDocument
from domain.ports.storage import UnitOfWork

MAX_PAGE = 1000


@dataclass(frozen=True, slots=True)
class InvoiceSummary:
    """An invoice with who it is from (the reader's slug) and for (the client's email)."""

    invoice: Invoice
    reader_slug: str
    client_email: str | None


@dataclass(frozen=True, slots=True)
class RenderedInvoice:
    """An invoice's PDF and the number its file is named after."""

    number: str
    pdf: bytes

    @property
    def filename(self) -> str:
        """`SAM-2026-000123.pdf`."""
        return f"{self.number}.pdf"


async def list_invoices(
    *,
    uow: UnitOfWork,
    reader: str | None = None,
    client_email: str | None = None,
    status: InvoiceStatus | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[InvoiceSummary]:
    """Invoices newest first, filtered by reader slug, client email and status.

    An unknown reader or client matches nothing (an empty list, not an error), as the
    bookings API does.
    """
    async with uow:
        reader_id = client_id = None
        if reader:
            found = await uow.readers.get_by_slug(reader.strip())
            if found is None:
                return []
            reader_id = found.id
        if client_email:
            client = await uow.clients.get_by_email(client_email.strip().lower())
            if client is None:
                return []
            client_id = client.id
        invoices = await uow.invoices.query(
            reader_id=reader_id,
            client_id=client_id,
            status=status,
            limit=max(1, min(limit, MAX_PAGE)),
            offset=max(0, offset),
        )
        return await _summaries(uow, invoices)


async def invoice_by_number(
    *, uow: UnitOfWork, number: str, reader_slug: str | None = None
) -> InvoiceSummary:
    """One invoice or credit note by its number ("sam-2026-000123" too), of one reader."""
    async with uow:
        reader_id = None
        if reader_slug is not None:
            reader = await uow.readers.get_by_slug(reader_slug)
            if reader is None:
                raise NotFound(f"no reader {reader_slug}")
            reader_id = reader.id
        found = await uow.invoices.by_number(number.strip().upper(), reader_id=reader_id)
        if not found:
            raise NotFound(f"no invoice {number.strip()}")
        if len(found) > 1:
            raise InvalidRequest(
                f"{len(found)} readers have an invoice {number.strip()}: say which reader"
            )
        [summary] = await _summaries(uow, found)
        return summary


async def invoice_document(*, uow: UnitOfWork, invoice_id: UUID) -> InvoiceDocument:
    """Everything the PDF shows: the client's language, the reader's name, zone and colours."""
    async with uow:
        invoice = await uow.invoices.get(invoice_id)
        if invoice is None:
            raise NotFound("invoice not found")
        reader = await uow.readers.get(invoice.reader_id)
        client = await uow.clients.get(invoice.client_id)
        if reader is None or client is None:
            raise NotFound("invoice not found")
        credits_number = None
        if invoice.kind is InvoiceKind.CREDIT_NOTE and invoice.credits_invoice_id is not None:
            credited = await uow.invoices.get(invoice.credits_invoice_id)
            credits_number = credited.number if credited else None
    return InvoiceDocument(
        invoice=invoice,
        reader_name=reader.brand,
        client_name=client.name,
        client_email=client.email,
        language=client.language,
        timezone=reader.timezone,
        reader_email=reader.email,
        brand_primary_color=reader.brand_primary_color,
        brand_accent_color=reader.brand_accent_color,
        credits_number=credits_number,
    )


async def render_invoice(
    *, uow: UnitOfWork, renderer: DocumentRenderer, invoice_id: UUID
) -> RenderedInvoice:
    """The invoice's PDF, rendered in a worker thread so the event loop keeps answering."""
    document = await invoice_document(uow=uow, invoice_id=invoice_id)
    pdf = await asyncio.to_thread(renderer.render_invoice, document)
    return RenderedInvoice(document.invoice.number, pdf)


async def _summaries(uow: UnitOfWork, invoices: list[Invoice]) -> list[InvoiceSummary]:
    """Each invoice with its reader's slug and client's email, each person read once."""
    slugs: dict[UUID, str] = {}
    emails: dict[UUID, str | None] = {}
    found = []
    for invoice in invoices:
        if invoice.reader_id not in slugs:
            reader = await uow.readers.get(invoice.reader_id)
            slugs[invoice.reader_id] = reader.slug if reader else ""
        if invoice.client_id not in emails:
            client = await uow.clients.get(invoice.client_id)
            emails[invoice.client_id] = client.email if client else None
        found.append(InvoiceSummary(invoice, slugs[invoice.reader_id], emails[invoice.client_id]))
    return found
