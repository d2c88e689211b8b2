"""Read-side booking use cases: free slots, a client's bookings, a reader's day and numbers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from domain.booking import rules
from domain.booking.availability import find_slots_in_client_day
from domain.booking.windows import Slot, TimeWindow
from domain.enums import BookingStatus
from domain.errors import NotFound
from domain.models import Booking, Client, Reader, Service
from domain.ports.storage import UnitOfWork

UPCOMING = (BookingStatus.CONFIRMED,)
EARNING = (BookingStatus.COMPLETED, BookingStatus.CONFIRMED)


@dataclass(frozen=True, slots=True)
class BookingView:
    """A booking with the names a person needs to recognise it."""

    booking: Booking
    reader: Reader
    service: Service


@dataclass(frozen=True, slots=True)
class ReaderSummary:
    """Sessions and revenue (done and booked) this week and month, in the reader's currency."""

    week_sessions: int
    week_revenue_minor: int
    month_sessions: int
    month_revenue_minor: int
    currency: str


async def list_readers(*, uow: UnitOfWork) -> list[Reader]:
    """Readers a client can book."""
    async with uow:
        return await uow.readers.list_active()


async def reader_services(*, uow: UnitOfWork, reader_id: UUID) -> list[Service]:
    """What a reader sells."""
    async with uow:
        return await uow.services.for_reader(reader_id)


async def free_slots(
    *, uow: UnitOfWork, now: datetime, service_id: UUID, client_zone: str, client_day: date
) -> list[Slot]:
    """Bookable starts on a day of the client's calendar."""
    async with uow:
        service = await uow.services.get(service_id)
        if service is None:
            raise NotFound("service not found")
        reader = await uow.readers.get(service.reader_id)
        if reader is None:
            raise NotFound("reader not found")
        zone = ZoneInfo(client_zone)
        window_start = datetime.combine(client_day, time(0), zone) - timedelta(days=1)
        window = TimeWindow(window_start, window_start + timedelta(days=3))
        occupied = await uow.bookings.occupied(reader.id, window, now)
        occupied += await uow.calendar_busy.overlapping(reader.id, window)
        exceptions = await uow.availability.exceptions(
            reader.id, client_day - timedelta(days=2), client_day + timedelta(days=2)
        )
        weekly = await uow.availability.weekly(reader.id)
    return find_slots_in_client_day(
        reader_zone=ZoneInfo(reader.timezone),
        client_zone=zone,
        client_day=client_day,
        duration=timedelta(minutes=service.duration_minutes),
        rules=rules.weekly_rules(weekly),
        exceptions=rules.dated_exceptions(exceptions),
        busy=rules.padded_busy(occupied, reader),
        policy=rules.scheduling_policy(reader),
        now=now,
    )


async def client_upcoming(*, uow: UnitOfWork, client_id: UUID, now: datetime) -> list[BookingView]:
    """A client's confirmed bookings that have not ended."""
    async with uow:
        bookings = await uow.bookings.for_client(client_id, statuses=UPCOMING, since=now)
        return await _views(uow, bookings)


async def reader_agenda(
    *, uow: UnitOfWork, reader_id: UUID, window: TimeWindow
) -> list[BookingView]:
    """A reader's confirmed and finished sessions starting in a window."""
    statuses = (BookingStatus.CONFIRMED, BookingStatus.COMPLETED, BookingStatus.NO_SHOW)
    async with uow:
        bookings = await uow.bookings.for_reader(reader_id, window, statuses=statuses)
        return await _views(uow, bookings)


async def reader_summary(*, uow: UnitOfWork, reader_id: UUID, now: datetime) -> ReaderSummary:
    """This week's and this month's sessions and revenue, by the reader's calendar."""
    async with uow:
        reader = await uow.readers.get(reader_id)
        if reader is None:
            raise NotFound("reader not found")
        zone = ZoneInfo(reader.timezone)
        today = now.astimezone(zone).date()
        week_start = datetime.combine(today - timedelta(days=today.weekday()), time(0), zone)
        month_start = datetime.combine(today.replace(day=1), time(0), zone)
        week_end = week_start + timedelta(days=7)
        next_month = (today.replace(day=28) + timedelta(days=4)).replace(day=1)
        month_end = datetime.combine(next_month, time(0), zone)
        first, last = min(week_start, month_start), max(week_end, month_end)
        bookings = await uow.bookings.for_reader(
            reader_id, TimeWindow(first, last), statuses=EARNING
        )
    week = [b for b in bookings if week_start <= b.starts_at < week_end]
    month = [b for b in bookings if month_start <= b.starts_at < month_end]
    return ReaderSummary(
        week_sessions=len(week),
        week_revenue_minor=sum(b.price_minor for b in week if b.currency == reader.currency),
        month_sessions=len(month),
        month_revenue_minor=sum(b.price_minor for b in month if b.currency == reader.currency),
        currency=reader.currency,
    )


async def _views(uow: UnitOfWork, bookings: list[Booking]) -> list[BookingView]:
    readers: dict[UUID, Reader] = {}
    services: dict[UUID, Service] = {}
    views = []
    for booking in bookings:
        if booking.reader_id not in readers:
            reader = await uow.readers.get(booking.reader_id)
            if reader is None:
                continue
            readers[booking.reader_id] = reader
        if booking.service_id not in services:
            service = await uow.services.get(booking.service_id)
            if service is None:
                continue
            services[booking.service_id] = service
        views.append(BookingView(booking, readers[booking.reader_id], services[booking.service_id]))
    return views


async def booking_view(*, uow: UnitOfWork, booking_id: UUID) -> BookingView:
    """One booking with its reader and service."""
    async with uow:
        booking = await uow.bookings.get(booking_id)
        if booking is None:
            raise NotFound("booking not found")
        views = await _views(uow, [booking])
    if not views:
        raise NotFound("booking not found")
    return views[0]


async def client_profile(*, uow: UnitOfWork, client_id: UUID) -> Client:
    """A client's stored details."""
    async with uow:
        client = await uow.clients.get(client_id)
    if client is None:
        raise NotFound("client not found")
    return client


async def reader_profile(*, uow: UnitOfWork, reader_id: UUID | None) -> Reader | None:
    """A reader's stored details, or None."""
    if reader_id is None:
        return None
    async with uow:
        return await uow.readers.get(reader_id)


async def booking(*, uow: UnitOfWork, booking_id: UUID) -> Booking:
    """One booking."""
    async with uow:
        found = await uow.bookings.get(booking_id)
    if found is None:
        raise NotFound("booking not found")
    return found
