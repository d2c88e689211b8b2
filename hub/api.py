"""REST API under /api/v1: readers (public), bookings (admin bearer token); `/outbox`."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, HTTPException, Query, Request
from pydantic import BaseModel

from domain.booking.queries import list_readers
from domain.enums import BookingStatus, EmailKind
from domain.models import Reader
from hub.runtime import Runtime
from hub.settings import Settings


class ReaderOut(BaseModel):
    """A reader as the API shows it."""

    slug: str
    name: str
    timezone: str
    currency: str


class BookingOut(BaseModel):
    """A booking as the API shows it; times are UTC ISO 8601."""

    id: str
    reader: str
    client_email: str | None
    service: str
    starts_at: datetime
    ends_at: datetime
    status: BookingStatus
    calendar_event_id: str | None
    meeting_url: str | None


async def reader_by_slug(runtime: Runtime, slug: str) -> Reader | None:
    """A reader by slug or booking-page slug."""
    async with runtime.database.uows(read_only=True) as uow:
        return await uow.readers.get_by_slug(slug)


def admin_guard(settings: Settings) -> Callable[..., None]:
    """A dependency that lets only the admin bearer token through (none set: nobody)."""

    def require_admin(authorization: Annotated[str | None, Header()] = None) -> None:
        expected = settings.admin_token.get_secret_value() if settings.admin_token else ""
        if not expected:
            raise HTTPException(403, "admin API disabled: set SAMIA_ADMIN_TOKEN")
        given = (authorization or "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(given.encode(), expected.encode()):
            raise HTTPException(
                401, "missing or wrong bearer token", headers={"WWW-Authenticate": "Bearer"}
            )

    return require_admin


class HeldEmailOut(BaseModel):
    """An email the local outbox holds (the built-in provider), as the admin reads it."""

    to: str
    subject: str
    text: str
    kind: EmailKind
    created_at: datetime
    attachments: list[str] = []  # the attached files' names


def outbox_router(settings: Settings) -> APIRouter:
    """`GET /outbox`: what the built-in email provider holds, newest first (admin only)."""
    outbox = APIRouter()

    @outbox.get(
        "/outbox",
        response_model=list[HeldEmailOut],
        dependencies=[Depends(admin_guard(settings))],
    )
    async def held_emails(
        request: Request,
        to: str | None = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 50,
    ) -> list[HeldEmailOut]:
        runtime: Runtime = request.app.state.runtime
        held = await runtime.mailbox.recent(limit=limit, to=to)
        return [
            HeldEmailOut(
                to=e.to,
                subject=e.subject,
                text=e.text,
                kind=e.kind,
                created_at=e.created_at,
                attachments=list(e.attachments),
            )
            for e in held
        ]

    return outbox


def router(settings: Settings) -> APIRouter:
    """The /api/v1 routes; admin ones refuse everything when no admin token is set."""
    api = APIRouter()
    require_admin = admin_guard(settings)

    @api.get("/readers", response_model=list[ReaderOut])
    async def readers(request: Request) -> list[ReaderOut]:
        runtime: Runtime = request.app.state.runtime
        found = await list_readers(uow=runtime.database.uows(read_only=True))
        return [
            ReaderOut(slug=r.slug, name=r.name, timezone=r.timezone, currency=r.currency)
            for r in found
        ]

    @api.get("/bookings", response_model=list[BookingOut], dependencies=[Depends(require_admin)])
    async def bookings(
        request: Request,
        reader: str | None = None,
        client_email: str | None = None,
        status: BookingStatus | None = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
        offset: Annotated[int, Query(ge=0)] = 0,
    ) -> list[dict[str, Any]]:
        runtime: Runtime = request.app.state.runtime
        async with runtime.database.uows(read_only=True) as uow:
            reader_row = await uow.readers.get_by_slug(reader) if reader else None
            if reader and reader_row is None:
                return []
            found = await uow.bookings.query(
                reader_id=reader_row.id if reader_row else None,
                client_email=client_email.lower() if client_email else None,
                status=status,
                limit=limit,
                offset=offset,
            )
            return [await _booking_out(uow, b) for b in found]

    return api


async def _booking_out(uow: Any, booking: Any) -> dict[str, Any]:
    reader = await uow.readers.get(booking.reader_id)
    client = await uow.clients.get(booking.client_id)
    service = await uow.services.get(booking.service_id)
    return {
        "id": str(booking.id),
        "reader": reader.slug if reader else "",
        "client_email": client.email if client else None,
        "service": service.slug if service else "",
        "starts_at": booking.starts_at,
        "ends_at": booking.ends_at,
        "status": booking.status,
        "calendar_event_id": booking.calendar_event_id,
        "meeting_url": booking.meeting_url,
    }
