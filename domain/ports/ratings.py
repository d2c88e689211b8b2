"""What rating a reading needs from storage: one row per booking, and its comment."""

from __future__ import annotations

from typing import Protocol
from uuid import UUID


class RatingRepository(Protocol):
    """The ratings table: at most one rating per booking."""

    async def add(self, *, booking_id: UUID, reader_id: UUID, client_id: UUID, stars: int) -> bool:
        """Record the stars unless the booking has a rating (ON CONFLICT DO NOTHING).

        Args:
            booking_id: The booking rated.
            reader_id: Its reader.
            client_id: Its client.
            stars: 1 to 5.

        Returns:
            Whether this call recorded it.
        """
        ...

    async def add_feedback(self, *, booking_id: UUID, client_id: UUID, text: str) -> bool:
        """Attach words to the client's rating of the booking, once.

        Args:
            booking_id: The booking rated.
            client_id: The client who rated it (anyone else changes nothing).
            text: The comment.

        Returns:
            Whether a rating without words took them.
        """
        ...
