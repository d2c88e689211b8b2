"""`GET /api/v1/payouts` (admin) and a payout's statement PDF (admin or a signed link).

The statement is what the reader's chat receives as a document after a payout run; it
opens without signing in through a link signed for that one payout (`hub.signed_links`,
the invoices' signer), and is rendered on request: a payout is never edited.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Header, HTTPException, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel

from domain.billing.ledger_views import find_reader
from domain.billing.payouts import reader_payouts, render_statement
from domain.billing.statements import Payout
from domain.clock import Clock
from domain.enums import PayoutStatus
from domain.errors import NotFound
from hub.api import admin_guard
from hub.documents import document_renderer
from hub.link_guard import API_PREFIX, document_id, pdf_response, require_admin_or_link
from hub.settings import Settings
from hub.signed_links import LinkSigner, links_to

if TYPE_CHECKING:
    from hub.runtime import Runtime


class PayoutOut(BaseModel):
    """A payout as the API shows it; amounts in minor units of its currency."""

    id: str
    reader: str
    currency: str
    period_start: date
    period_end: date
    sessions: int
    gross_minor: int
    refunds_minor: int
    tax_minor: int
    platform_fee_minor: int
    net_minor: int
    status: PayoutStatus
    paid_at: datetime | None
    statement_url: str


def statement_pdf_path(payout_id: UUID) -> str:
    """The app's own path of a payout's statement: what links are signed over."""
    return f"{API_PREFIX}/payouts/{payout_id}/statement.pdf"


def statement_link(links: LinkSigner, clock: Clock) -> Callable[[UUID], str]:
    """Signed absolute links to statement PDFs."""
    return links_to(links, clock, statement_pdf_path)


def router(settings: Settings) -> APIRouter:
    """The payout routes, mounted under /api/v1."""
    routes = APIRouter()
    require_admin = admin_guard(settings)
    public_url = settings.public_url.rstrip("/")

    @routes.get("/payouts", response_model=list[PayoutOut], dependencies=[Depends(require_admin)])
    async def payouts(
        request: Request, reader: str, limit: Annotated[int, Query(ge=1, le=500)] = 50
    ) -> list[PayoutOut]:
        runtime: Runtime = request.app.state.runtime
        async with runtime.database.uows(read_only=True) as uow:
            try:
                found = await find_reader(uow, reader)
            except NotFound as error:
                raise HTTPException(404, str(error)) from None
        paid = await reader_payouts(
            uow=runtime.database.uows(read_only=True), reader_id=found.id, limit=limit
        )
        return [_out(payout, found.slug, public_url) for payout in paid]

    @routes.get(
        "/payouts/{payout_id}/statement.pdf",
        response_class=Response,
        responses={200: {"content": {"application/pdf": {}}}},
    )
    async def statement_pdf(
        payout_id: str,
        request: Request,
        exp: str | None = None,
        sig: str | None = None,
        authorization: Annotated[str | None, Header()] = None,
    ) -> Response:
        """The statement, for the admin's bearer token or a link signed for this payout."""
        runtime: Runtime = request.app.state.runtime
        wanted = document_id(payout_id, "payout")
        require_admin_or_link(
            runtime,
            require_admin,
            authorization=authorization,
            signed=statement_pdf_path(wanted),
            exp=exp,
            sig=sig,
            what="statement",
        )
        try:
            pdf = await render_statement(
                uow=runtime.database.uows(read_only=True),
                renderer=document_renderer(),
                payout_id=wanted,
            )
        except NotFound:
            raise HTTPException(404, "no such payout") from None
        return pdf_response(pdf, f"statement-{wanted.hex[:8]}.pdf")

    return routes


def _out(payout: Payout, slug: str, public_url: str) -> PayoutOut:
    s = payout.statement
    return PayoutOut(
        id=str(payout.id),
        reader=slug,
        currency=s.currency,
        period_start=s.period_start,
        period_end=s.period_end,
        sessions=s.sessions,
        gross_minor=s.gross_minor,
        refunds_minor=s.refunds_minor,
        tax_minor=s.tax_minor,
        platform_fee_minor=s.platform_fee_minor,
        net_minor=s.net_minor,
        status=payout.status,
        paid_at=payout.paid_at,
        statement_url=f"{public_url}{statement_pdf_path(payout.id)}",
    )
