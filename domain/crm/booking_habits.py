"""What a client's bookings say they prefer: the reader, the reading and the time of day.

Learnt, not asked: the most frequent of each among their kept bookings (confirmed or
completed), the latest booking breaking a tie, the time of day in the client's own zone.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar
from uuid import UUID
from zoneinfo import ZoneInfo

from domain.enums import BookingStatus
from domain.models import Booking
from domain.ports.storage import UnitOfWork

KEPT = (BookingStatus.CONFIRMED, BookingStatus.COMPLETED)
_T = TypeVar("_T", bound=Hashable)


class TimeOfDay(StrEnum):
    """A part of the client's local day (morning before 12, afternoon before 17)."""

    MORNING = "morning"
    AFTERNOON = "afternoon"
    EVENING = "evening"


@dataclass(frozen=True, slots=True)
class BookingHabits:
    """The preferences learnt from bookings; all None before the first kept booking."""

    bookings: int = 0
    reader_id: UUID | None = None
    reader_name: str | None = None
    service_id: UUID | None = None
    service_name: str | None = None
    time_of_day: TimeOfDay | None = None


def time_of_day(booking: Booking) -> TimeOfDay:
    """The part of the day a booking starts in, where the client lives."""
    hour = booking.starts_at.astimezone(ZoneInfo(booking.client_timezone)).hour
    if hour < 12:
        return TimeOfDay.MORNING
    return TimeOfDay.AFTERNOON if hour < 17 else TimeOfDay.EVENING


def habits_of(bookings: Sequence[Booking]) -> tuple[UUID | None, UUID | None, TimeOfDay | None]:
    """The most frequent reader, service and time of day (the latest wins a tie)."""
    ordered = sorted(bookings, key=lambda b: b.starts_at)
    return (
        _most_common([b.reader_id for b in ordered]),
        _most_common([b.service_id for b in ordered]),
        _most_common([time_of_day(b) for b in ordered]),
    )


async def booking_habits(*, uow: UnitOfWork, client_id: UUID) -> BookingHabits:
    """A client's learnt preferences, with the reader's and the reading's names."""
    async with uow:
        bookings = await uow.bookings.for_client(client_id, statuses=KEPT)
        if not bookings:
            return BookingHabits()
        reader_id, service_id, period = habits_of(bookings)
        reader = await uow.readers.get(reader_id) if reader_id else None
        service = await uow.services.get(service_id) if service_id else None
    return BookingHabits(
        bookings=len(bookings),
        reader_id=reader_id,
        reader_name=reader.brand if reader else None,
        service_id=service_id,
        service_name=service.name if service else None,
        time_of_day=period,
    )


def _most_common(values: list[_T]) -> _T | None:
    """The value seen most often; among equals, the one seen last."""
    if not values:
        return None
    counts = Counter(values)
    best = max(counts.values())
    return next(v for v in reversed(values) if counts[v] == best)
