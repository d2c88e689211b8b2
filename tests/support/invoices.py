"""Invoices issued through the domain, and what their PDFs say (pypdf)."""

from __future__ import annotations

import io
import re
from datetime import datetime

from pypdf import PdfReader

from domain.billing.invoices import Invoice, LineRequest, TaxRule
from domain.billing.invoicing import InvoiceRequest, issue_invoice
from domain.clock import FixedClock
from domain.models import Client, Reader
from domain.ports.storage import UnitOfWorkFactory

# The canvas writes bidi marks and isolates on purpose; text comparisons ignore them.
_MARKS = re.compile("[\u200e\u200f\u061c\u2066-\u2069]")


async def issue(
    uows: UnitOfWorkFactory,
    clock: FixedClock,
    reader: Reader,
    client: Client,
    amount_minor: int,
    reason: str = "Tarot reading",
    *,
    paid_at: datetime | None = None,
    rule: TaxRule | None = None,
) -> Invoice:
    """One invoice of one line, numbered by the reader's series; paid when `paid_at` is given."""
    invoice = await issue_invoice(
        uow=uows(),
        clock=clock,
        request=InvoiceRequest(
            reader_id=reader.id,
            client_id=client.id,
            currency=reader.currency,
            lines=[LineRequest(reason, amount_minor)],
            rule=rule or TaxRule(),
        ),
    )
    if paid_at is not None:
        async with uows() as uow:
            await uow.invoices.mark_paid(invoice.id, paid_at)
            await uow.commit()
    return invoice


def pdf_text(pdf: bytes) -> str:
    """Every page's text, bidi marks removed."""
    assert pdf.startswith(b"%PDF-"), pdf[:20]
    reader = PdfReader(io.BytesIO(pdf))
    return _MARKS.sub("", "\n".join(page.extract_text() or "" for page in reader.pages))
