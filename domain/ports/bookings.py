"""Bookings: the repository the booking rules read and write under the schedule lock."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.booking.windows import TimeWindow
from domain.enums import BookingStatus
from domain.models import (
    Booking,
)


class BookingRepository(Protocol):
    """Bookings."""

    async def get(self, booking_id: UUID) -> Booking | None:
        """One booking.

        Args:
            booking_id: Our id.

        Returns:
            The booking, or None.
        """
        ...

    async def add(self, booking: Booking) -> None:
        """Insert a booking.

        Args:
            booking: The new booking.
        """
        ...

    async def save(self, booking: Booking) -> None:
        """Write a changed booking if nobody changed it since it was read, bumping `version`.

        Args:
            booking: The booking as changed; its `version` is the one that was read.

        Raises:
            ConcurrentUpdate: The stored version differs.
        """
        ...

    async def occupied(
        self, reader_id: UUID, window: TimeWindow, now: datetime
    ) -> list[TimeWindow]:
        """Time taken in a window: confirmed bookings and holds not yet expired.

        Args:
            reader_id: The reader.
            window: The UTC window of interest.
            now: Holds expiring at or before this no longer count.

        Returns:
            Occupied windows overlapping `window`.
        """
        ...

    async def expire_overlapping_holds(
        self, reader_id: UUID, window: TimeWindow, now: datetime
    ) -> int:
        """Mark lapsed holds in a window as expired, so they stop blocking the slot.

        Args:
            reader_id: The reader.
            window: The UTC window about to be booked.
            now: Holds with `hold_expires_at <= now` have lapsed.

        Returns:
            How many holds were expired.
        """
        ...

    async def for_client(
        self, client_id: UUID, *, statuses: Sequence[BookingStatus], since: datetime | None = None
    ) -> list[Booking]:
        """A client's bookings, soonest first.

        Args:
            client_id: The client.
            statuses: Which statuses to include.
            since: Only bookings ending after this instant, if given.

        Returns:
            Bookings by start time.
        """
        ...

    async def move_to_client(self, from_client_id: UUID, to_client_id: UUID) -> int:
        """Give every booking of one client to another (two records of one person).

        Args:
            from_client_id: The client whose bookings move.
            to_client_id: The client who gets them.

        Returns:
            How many bookings moved.
        """
        ...

    async def for_reader(
        self, reader_id: UUID, window: TimeWindow, *, statuses: Sequence[BookingStatus]
    ) -> list[Booking]:
        """A reader's bookings starting in a window, soonest first.

        Args:
            reader_id: The reader.
            window: UTC window on the start time.
            statuses: Which statuses to include.

        Returns:
            Bookings by start time.
        """
        ...

    async def lapsed_holds(self, now: datetime, limit: int) -> list[Booking]:
        """Holds whose time ran out.

        Args:
            now: The current instant.
            limit: Most rows to return.

        Returns:
            Held bookings with `hold_expires_at <= now`.
        """
        ...

    async def query(
        self,
        *,
        reader_id: UUID | None = None,
        client_email: str | None = None,
        status: BookingStatus | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[Booking]:
        """Bookings for the admin API, newest start first.

        Args:
            reader_id: Filter by reader.
            client_email: Filter by the client's email.
            status: Filter by status.
            limit: Page size.
            offset: Rows to skip.

        Returns:
            Matching bookings.
        """
        ...
