"""`GET /api/v1/ledger` and `GET /api/v1/reports/...`: a reader's books for operators.

The JSON routes are admin only (the API has no reader sign-in yet). A report's CSV also
opens through a link signed for that reader, report and period (what the chat sends as
a document), so a link opens one reader's report and no other's. Periods are days on the
reader's calendar; bad dates, a period that ends before it starts and an unknown reader
are answered 400 / 400 / 404 with the reason, and nothing is computed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, TypeVar
from urllib.parse import urlencode
from uuid import UUID

from fastapi import APIRouter, Depends, Header, HTTPException, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from domain.billing.fx import MissingFxRate
from domain.billing.ledger_views import find_reader, reader_ledger
from domain.billing.reports import (
    ReportPeriod,
    outstanding_invoices,
    period_between,
    profit_and_loss,
    tax_report,
)
from domain.billing.statements import zone_of
from domain.clock import Clock
from domain.enums import LedgerAccount, LedgerDirection, PostingKind, ReportKind
from domain.errors import InvalidRequest, NotFound
from domain.models import Reader
from hub.api import admin_guard
from hub.link_guard import API_PREFIX, require_admin_or_link
from hub.report_csv import CSV_TYPE, outstanding_csv, pnl_csv, tax_csv
from hub.settings import Settings
from hub.signed_links import LINK_LIFETIME, LinkSigner

if TYPE_CHECKING:
    from hub.runtime import Runtime

T = TypeVar("T")
_PRIVATE = {"Cache-Control": "private, no-store", "Referrer-Policy": "no-referrer"}


class LedgerEntryOut(BaseModel):
    """One leg; a transaction's legs are listed together and their signed amounts sum to 0."""

    transaction_id: str
    kind: PostingKind | None
    account: LedgerAccount
    direction: LedgerDirection
    amount_minor: int  # signed: debits positive, credits negative
    currency: str
    booked_at: datetime
    payment_id: str | None
    booking_id: str | None
    payout_id: str | None


class PnlOut(BaseModel):
    """A reader's profit and loss for a period, in minor units of their currency."""

    reader: str
    currency: str
    from_: date = Field(alias="from")
    to: date
    payments: int
    revenue_minor: int
    refunds_minor: int
    tax_minor: int
    platform_fees_minor: int
    expenses_minor: int
    earnings_minor: int  # the reader's share: revenue less refunds, tax and fees
    net_minor: int  # earnings less expenses
    unconverted_entries: int

    model_config = {"populate_by_name": True}


def report_csv_path(kind: ReportKind) -> str:
    """The app's own path of a report's CSV."""
    return f"{API_PREFIX}/reports/{kind.value}.csv"


def _signed_text(kind: ReportKind, reader: str, start: str, end: str) -> str:
    """What a report link's tag covers: the path and every parameter that picks the data."""
    return f"{report_csv_path(kind)}?reader={reader}&from={start}&to={end}"


def report_link(
    links: LinkSigner, clock: Clock, public_url: str
) -> Callable[[UUID, ReportKind, date | None, date | None], str]:
    """Signed absolute links to a reader's report CSVs, each good for the signer's week."""
    base = public_url.rstrip("/")

    def link(reader_id: UUID, kind: ReportKind, start: date | None, end: date | None) -> str:
        first, last = (day.isoformat() if day else "" for day in (start, end))
        query = {"reader": str(reader_id)} | ({"from": first, "to": last} if start else {})
        expires = clock.now() + LINK_LIFETIME
        signed = links.sign(_signed_text(kind, str(reader_id), first, last), expires_at=expires)
        return f"{base}{report_csv_path(kind)}?{urlencode(query)}&{signed}"

    return link


def router(settings: Settings) -> APIRouter:
    """The ledger and report routes, mounted under /api/v1."""
    routes = APIRouter()
    require_admin = admin_guard(settings)

    @routes.get(
        "/ledger", response_model=list[LedgerEntryOut], dependencies=[Depends(require_admin)]
    )
    async def ledger(
        request: Request,
        reader: str,
        from_: Annotated[date | None, Query(alias="from")] = None,
        to: date | None = None,
        limit: Annotated[int, Query(ge=1, le=1000, description="postings per page")] = 200,
        offset: Annotated[int, Query(ge=0)] = 0,
    ) -> list[LedgerEntryOut]:
        runtime: Runtime = request.app.state.runtime
        found, period = await _reader_and_period(runtime, reader, from_, to)
        page = await _answer(
            reader_ledger(
                uow=runtime.database.uows(read_only=True),
                reader_id=found.id,
                period=period,
                limit=limit,
                offset=offset,
            )
        )
        return [
            LedgerEntryOut(
                transaction_id=str(line.posting_id),
                kind=line.kind,
                account=line.account,
                direction=line.direction,
                amount_minor=line.signed_minor,
                currency=line.currency,
                booked_at=line.booked_at,
                payment_id=_str(line.payment_id),
                booking_id=_str(line.booking_id),
                payout_id=_str(line.payout_id),
            )
            for line in page.lines
        ]

    @routes.get(
        "/reports/pnl",
        response_model=PnlOut,
        dependencies=[Depends(require_admin)],
    )
    async def pnl(
        request: Request,
        reader: str,
        from_: Annotated[date | None, Query(alias="from")] = None,
        to: date | None = None,
    ) -> PnlOut:
        runtime: Runtime = request.app.state.runtime
        found, period = await _reader_and_period(runtime, reader, from_, to)
        report = await _answer(
            profit_and_loss(
                uow=runtime.database.uows(read_only=True), reader_id=found.id, period=period
            )
        )
        return PnlOut(
            reader=found.slug,
            currency=report.currency,
            from_=period.start,
            to=period.end,
            payments=report.payments,
            revenue_minor=report.revenue_minor,
            refunds_minor=report.refunds_minor,
            tax_minor=report.tax_minor,
            platform_fees_minor=report.platform_fees_minor,
            expenses_minor=report.expenses_minor,
            earnings_minor=report.earnings_minor,
            net_minor=report.net_minor,
            unconverted_entries=report.unconverted,
        )

    @routes.get(
        "/reports/{kind}.csv",
        response_class=Response,
        responses={200: {"content": {"text/csv": {}}}},
    )
    async def report_csv(
        kind: ReportKind,
        request: Request,
        reader: str,
        from_: Annotated[str | None, Query(alias="from")] = None,
        to: str | None = None,
        exp: str | None = None,
        sig: str | None = None,
        authorization: Annotated[str | None, Header()] = None,
    ) -> Response:
        """The report as CSV, for the admin's bearer token or a link signed for it."""
        runtime: Runtime = request.app.state.runtime
        require_admin_or_link(
            runtime,
            require_admin,
            authorization=authorization,
            signed=_signed_text(kind, reader, from_ or "", to or ""),
            exp=exp,
            sig=sig,
            what="report",
        )
        found, period = await _reader_and_period(
            runtime, reader, _date(from_, "from"), _date(to, "to")
        )
        body = await _answer(_csv(runtime, kind, found, period))
        name = f"{found.slug}-{kind.value}" + (
            "" if kind is ReportKind.OUTSTANDING else f"-{period.label}"
        )
        headers = {**_PRIVATE, "Content-Disposition": f'attachment; filename="{name}.csv"'}
        return Response(body, media_type=CSV_TYPE, headers=headers)

    return routes


async def _csv(runtime: Runtime, kind: ReportKind, reader: Reader, period: ReportPeriod) -> str:
    uow = runtime.database.uows(read_only=True)
    if kind is ReportKind.PNL:
        return pnl_csv(await profit_and_loss(uow=uow, reader_id=reader.id, period=period))
    if kind is ReportKind.TAX:
        return tax_csv(await tax_report(uow=uow, reader_id=reader.id, period=period))
    return outstanding_csv(await outstanding_invoices(uow=uow, reader_id=reader.id, limit=10_000))


async def _reader_and_period(
    runtime: Runtime, ref: str, start: date | None, end: date | None
) -> tuple[Reader, ReportPeriod]:
    """The reader (404 if unknown) and the period on their calendar (400 if backwards).

    No `to` is the reader's today; no `from` is the first of that month.
    """
    async with runtime.database.uows(read_only=True) as uow:
        try:
            reader = await find_reader(uow, ref)
        except NotFound as error:
            raise HTTPException(404, str(error)) from None
    today = runtime.clock.now().astimezone(zone_of(reader.timezone)).date()
    last = end or today
    first = start or last.replace(day=1)
    try:
        return reader, period_between(first, last)
    except InvalidRequest as error:
        raise HTTPException(400, str(error)) from None


async def _answer(work: Awaitable[T]) -> T:
    """The domain's answer, or its refusal as HTTP: 503 without a rate, else 400 / 404."""
    try:
        return await work
    except MissingFxRate as error:
        raise HTTPException(503, str(error)) from None  # the hub's rates, not the request
    except InvalidRequest as error:
        raise HTTPException(400, str(error)) from None
    except NotFound as error:
        raise HTTPException(404, str(error)) from None


def _date(value: str | None, name: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise HTTPException(400, f"{name}: use YYYY-MM-DD, not {value!r}") from None


def _str(value: UUID | None) -> str | None:
    return str(value) if value is not None else None


__all__ = ("report_csv_path", "report_link", "router")
