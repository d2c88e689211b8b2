"""The real start and end of readings, one row per booking."""

from __future__ import annotations

import uuid
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from domain.ports.links import SessionTimes
from storage.models import ReadingSession


class SqlReadingSessionRepository:
    """`ReadingSessionRepository` over one AsyncSession."""

    def __init__(self, session: AsyncSession) -> None:
        """Work inside the caller's session."""
        self._session = session

    async def get(self, booking_id: UUID) -> SessionTimes | None:
        """The row of a booking, if any."""
        row = await self._session.scalar(
            sa.select(ReadingSession).where(ReadingSession.booking_id == booking_id)
        )
        if row is None:
            return None
        return SessionTimes(
            booking_id=row.booking_id,
            medium=row.medium,
            started_at=row.started_at,
            ended_at=row.ended_at,
            duration_seconds=row.duration_seconds,
        )

    async def save(self, times: SessionTimes) -> None:
        """Update the booking's row, or insert it."""
        values = {
            "medium": times.medium,
            "started_at": times.started_at,
            "ended_at": times.ended_at,
            "duration_seconds": times.duration_seconds,
        }
        result = await self._session.execute(
            sa.update(ReadingSession)
            .where(ReadingSession.booking_id == times.booking_id)
            .values(**values)
            .returning(ReadingSession.id)
        )
        if result.first() is None:
            await self._session.execute(
                sa.insert(ReadingSession).values(
                    id=uuid.uuid4(), booking_id=times.booking_id, **values
                )
            )
