"""`RatingRepository`: one rating per booking (the UNIQUE booking_id decides a race)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dialects import insert_for
from storage.models import Rating
from storage.repositories._common import affected_rows


class SqlRatingRepository:
    """`RatingRepository` inside the caller's session."""

    def __init__(self, session: AsyncSession) -> None:
        """Work inside the caller's session."""
        self._session = session

    async def add(self, *, booking_id: UUID, reader_id: UUID, client_id: UUID, stars: int) -> bool:
        """INSERT ... ON CONFLICT (booking_id) DO NOTHING."""
        insert = insert_for(self._session)
        added = await self._session.execute(
            insert(Rating)
            .values(
                id=uuid.uuid4(),
                booking_id=booking_id,
                reader_id=reader_id,
                client_id=client_id,
                stars=stars,
                created_at=datetime.now(UTC),
            )
            .on_conflict_do_nothing(index_elements=["booking_id"])
            .returning(Rating.id)
        )
        return added.first() is not None

    async def add_feedback(self, *, booking_id: UUID, client_id: UUID, text: str) -> bool:
        """A conditional UPDATE: the client's own rating, still without words."""
        result = await self._session.execute(
            sa.update(Rating)
            .where(
                Rating.booking_id == booking_id,
                Rating.client_id == client_id,
                Rating.feedback.is_(None),
            )
            .values(feedback=text)
        )
        return affected_rows(result) == 1
