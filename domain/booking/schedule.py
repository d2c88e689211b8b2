"""A reader's own schedule: weekly hours and time off."""

from __future__ import annotations

from datetime import date, time
from uuid import UUID

from domain.booking.availability import AvailabilityException, WeeklyRule
from domain.enums import AvailabilityExceptionKind
from domain.errors import InvalidRequest
from domain.models import DatedException, WeeklyHours
from domain.ports.storage import UnitOfWork


async def weekly_hours(*, uow: UnitOfWork, reader_id: UUID) -> list[WeeklyHours]:
    """The reader's weekly hours, Monday first."""
    async with uow:
        return sorted(await uow.availability.weekly(reader_id), key=lambda h: (h.weekday, h.start))


async def set_weekday_hours(
    *, uow: UnitOfWork, reader_id: UUID, weekday: int, ranges: list[tuple[time, time]]
) -> list[WeeklyHours]:
    """Replace one weekday's hours; an empty list closes that day."""
    try:
        hours = [WeeklyHours(weekday, start, end) for start, end in ranges]
        for h in hours:
            WeeklyRule(h.weekday, h.start, h.end)  # validates weekday and order
    except ValueError as exc:
        raise InvalidRequest(str(exc)) from None
    async with uow:
        await uow.availability.replace_weekday(reader_id, weekday, hours)
        await uow.commit()
    return hours


async def add_time_off(
    *,
    uow: UnitOfWork,
    reader_id: UUID,
    day: date,
    start: time | None = None,
    end: time | None = None,
    today: date,
) -> DatedException:
    """Block a day (or part of it); existing bookings stay and the reader sees them."""
    if day < today:
        raise InvalidRequest("time off in the past")
    try:
        AvailabilityException(day, AvailabilityExceptionKind.TIME_OFF, start, end)
    except ValueError as exc:
        raise InvalidRequest(str(exc)) from None
    exception = DatedException(day, AvailabilityExceptionKind.TIME_OFF, start, end)
    async with uow:
        await uow.availability.add_exception(reader_id, exception)
        await uow.commit()
    return exception
