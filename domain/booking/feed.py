"""A reader's bookings for their calendar feed, behind the feed's secret token."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.booking.windows import TimeWindow
from domain.enums import BookingStatus
from domain.errors import AccessDenied, NotFound
from domain.models import Booking, Reader
from domain.ports.storage import UnitOfWork

# Enough history for "what did I have last month", enough future for any booking.
_PAST, _FUTURE = timedelta(days=90), timedelta(days=400)
_SHOWN = (
    BookingStatus.CONFIRMED,
    BookingStatus.COMPLETED,
    BookingStatus.NO_SHOW,
    BookingStatus.CANCELLED,  # shown as cancelled so subscribed calendars drop them
)


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One booking as the feed shows it."""

    booking: Booking
    service_name: str
    client_name: str


@dataclass(frozen=True, slots=True)
class ReaderFeed:
    """The reader and their bookings, soonest first."""

    reader: Reader
    entries: list[FeedEntry]


async def reader_feed(*, uow: UnitOfWork, slug: str, token: str, now: datetime) -> ReaderFeed:
    """Unknown reader: NotFound; a missing or wrong token: AccessDenied."""
    async with uow:
        reader = await uow.readers.get_by_slug(slug)
        if reader is None:
            raise NotFound("reader not found")
        expected = reader.ics_token or ""
        # compare_digest on bytes: timing does not reveal how much of the token matched.
        if not expected or not hmac.compare_digest(expected.encode(), token.encode()):
            raise AccessDenied("wrong feed token")
        window = TimeWindow(now - _PAST, now + _FUTURE)
        bookings = await uow.bookings.for_reader(reader.id, window, statuses=_SHOWN)
        services = {s.id: s.name for s in await uow.services.for_reader(reader.id)}
        names: dict[object, str] = {}
        entries = []
        for booking in bookings:
            if booking.client_id not in names:
                client = await uow.clients.get(booking.client_id)
                names[booking.client_id] = (client.name if client else None) or "client"
            service = services.get(booking.service_id) or "Reading"
            entries.append(FeedEntry(booking, service, names[booking.client_id]))
    return ReaderFeed(reader, entries)
