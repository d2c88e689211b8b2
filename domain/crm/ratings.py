"""A client rates a finished reading from the thank-you message's stars: once per booking.

The button carries the booking id, which is only a claim: the booking must be the
client's own and completed, or nothing is recorded and the answer says why.
"""

from __future__ import annotations

from enum import StrEnum
from uuid import UUID

from domain.enums import BookingStatus
from domain.ports.storage import UnitOfWork

MAX_COMMENT = 2000


class RatingOutcome(StrEnum):
    """What a tap on a star did."""

    RECORDED = "recorded"
    ALREADY = "already"
    UNKNOWN = "unknown"  # not a booking, or another client's
    NOT_YET = "not_yet"  # the reading is not completed


async def rate_booking(
    *, uow: UnitOfWork, client_id: UUID, booking_id: UUID, stars: int
) -> RatingOutcome:
    """Record 1-5 stars for the client's completed booking, unless it is rated already."""
    if not 1 <= stars <= 5:
        return RatingOutcome.UNKNOWN
    async with uow:
        booking = await uow.bookings.get(booking_id)
        if booking is None or booking.client_id != client_id:
            return RatingOutcome.UNKNOWN
        if booking.status is not BookingStatus.COMPLETED:
            return RatingOutcome.NOT_YET
        added = await uow.ratings.add(
            booking_id=booking.id, reader_id=booking.reader_id, client_id=client_id, stars=stars
        )
        await uow.commit()
    return RatingOutcome.RECORDED if added else RatingOutcome.ALREADY


async def comment_booking(*, uow: UnitOfWork, client_id: UUID, booking_id: UUID, text: str) -> bool:
    """Attach the client's words to their rating; False when there is none to take them."""
    words = text.strip()[:MAX_COMMENT]
    if not words:
        return False
    async with uow:
        added = await uow.ratings.add_feedback(
            booking_id=booking_id, client_id=client_id, text=words
        )
        await uow.commit()
    return added
