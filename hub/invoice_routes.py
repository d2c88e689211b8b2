"""`GET /api/v1/invoices` (admin) and `GET /api/v1/invoices/{id}.pdf` (admin or a signed link).

The PDF is what chat sends as a document and email links to, so it opens without signing
in through a link signed for that one invoice (`hub.signed_links`); an admin's bearer
token opens any. It is rendered on request in the client's language with the reader's
branding: invoices are never edited, so there is nothing to keep in step.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Header, HTTPException, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel

from domain.billing.invoice_views import InvoiceSummary, list_invoices, render_invoice
from domain.clock import Clock
from domain.enums import InvoiceKind, InvoiceStatus
from domain.errors import NotFound
from hub.api import admin_guard
from hub.documents import document_renderer
from hub.link_guard import API_PREFIX, document_id, pdf_response, require_admin_or_link
from hub.settings import Settings
from hub.signed_links import LinkSigner, links_to

if TYPE_CHECKING:
    from hub.runtime import Runtime


class InvoiceOut(BaseModel):
    """An invoice or credit note as the API shows it; amounts in minor units."""

    id: str
    number: str
    kind: InvoiceKind
    reader: str
    client_email: str | None
    currency: str
    subtotal_minor: int
    tax_minor: int
    total_minor: int
    status: InvoiceStatus
    issued_at: datetime
    pdf_url: str


def invoice_pdf_path(invoice_id: UUID) -> str:
    """The app's own path of an invoice's PDF: what links are signed over."""
    return f"{API_PREFIX}/invoices/{invoice_id}.pdf"


def invoice_link(links: LinkSigner, clock: Clock) -> Callable[[UUID], str]:
    """Signed absolute links to invoice PDFs."""
    return links_to(links, clock, invoice_pdf_path)


def router(settings: Settings) -> APIRouter:
    """The invoice routes, mounted under /api/v1 beside the rest of the API."""
    routes = APIRouter()
    require_admin = admin_guard(settings)
    public_url = settings.public_url.rstrip("/")

    @routes.get("/invoices", response_model=list[InvoiceOut], dependencies=[Depends(require_admin)])
    async def invoices(
        request: Request,
        reader: str | None = None,
        client_email: str | None = None,
        status: InvoiceStatus | None = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
        offset: Annotated[int, Query(ge=0)] = 0,
    ) -> list[InvoiceOut]:
        runtime: Runtime = request.app.state.runtime
        found = await list_invoices(
            uow=runtime.database.uows(read_only=True),
            reader=reader,
            client_email=client_email,
            status=status,
            limit=limit,
            offset=offset,
        )
        return [_out(summary, public_url) for summary in found]

    @routes.get(
        "/invoices/{invoice_id}.pdf",
        response_class=Response,
        responses={200: {"content": {"application/pdf": {}}}},
    )
    async def invoice_pdf(
        invoice_id: str,
        request: Request,
        exp: str | None = None,
        sig: str | None = None,
        authorization: Annotated[str | None, Header()] = None,
    ) -> Response:
        """The PDF, for the admin's bearer token or a link signed for this invoice."""
        runtime: Runtime = request.app.state.runtime
        wanted = document_id(invoice_id, "invoice")
        require_admin_or_link(
            runtime,
            require_admin,
            authorization=authorization,
            signed=invoice_pdf_path(wanted),
            exp=exp,
            sig=sig,
            what="invoice",
        )
        try:
            rendered = await render_invoice(
                uow=runtime.database.uows(read_only=True),
                renderer=document_renderer(),
                invoice_id=wanted,
            )
        except NotFound:
            raise HTTPException(404, "no such invoice") from None
        return pdf_response(rendered.pdf, rendered.filename)

    # HEAD too (out of the schema, one operation per path there): a platform fetching a
    # document by URL may ask for its type and size first.
    routes.add_api_route(
        "/invoices/{invoice_id}.pdf",
        invoice_pdf,
        methods=["HEAD"],
        response_class=Response,
        include_in_schema=False,
    )
    return routes


def _out(summary: InvoiceSummary, public_url: str) -> InvoiceOut:
    invoice = summary.invoice
    return InvoiceOut(
        id=str(invoice.id),
        number=invoice.number,
        kind=invoice.kind,
        reader=summary.reader_slug,
        client_email=summary.client_email,
        currency=invoice.currency,
        subtotal_minor=invoice.subtotal.amount_minor,
        tax_minor=invoice.tax.amount_minor,
        total_minor=invoice.total.amount_minor,
        status=invoice.status,
        issued_at=invoice.issued_at,
        pdf_url=f"{public_url}{invoice_pdf_path(invoice.id)}",
    )
