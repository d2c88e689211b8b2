"""Busy times synced from readers' own calendars."""

from __future__ import annotations

import uuid
from datetime import datetime
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from domain.booking.windows import TimeWindow
from domain.ports.links import ExternalBusyWindow
from storage.models import CalendarBusy

# Built once: every slot search and every hold runs it.
_OVERLAPPING = (
    sa.select(CalendarBusy.starts_at, CalendarBusy.ends_at)
    .where(
        CalendarBusy.reader_id == sa.bindparam("reader_id"),
        CalendarBusy.starts_at < sa.bindparam("end"),
        CalendarBusy.ends_at > sa.bindparam("start"),
    )
    .order_by(CalendarBusy.starts_at)
)


class SqlCalendarBusyRepository:
    """`CalendarBusyRepository` over one AsyncSession."""

    def __init__(self, session: AsyncSession) -> None:
        """Work inside the caller's session."""
        self._session = session

    async def overlapping(self, reader_id: UUID, window: TimeWindow) -> list[TimeWindow]:
        """Events that start before the window ends and end after it starts."""
        rows = await self._session.execute(
            _OVERLAPPING, {"reader_id": reader_id, "start": window.start, "end": window.end}
        )
        return [TimeWindow(start, end) for start, end in rows.all()]

    async def replace(
        self, reader_id: UUID, provider: str, windows: list[ExternalBusyWindow], now: datetime
    ) -> None:
        """Delete then insert: a full sync is the whole truth for that provider."""
        await self._session.execute(
            sa.delete(CalendarBusy).where(
                CalendarBusy.reader_id == reader_id, CalendarBusy.provider == provider
            )
        )
        for window in windows:
            await self.upsert(window, now)

    async def upsert(self, window: ExternalBusyWindow, now: datetime) -> None:
        """Insert, or move the event if it is known already."""
        dialect = self._session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        stmt = insert(CalendarBusy).values(
            id=uuid.uuid4(),
            reader_id=window.reader_id,
            provider=window.provider,
            event_id=window.event_id,
            starts_at=window.window.start,
            ends_at=window.window.end,
            synced_at=now,
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=[CalendarBusy.reader_id, CalendarBusy.provider, CalendarBusy.event_id],
            set_={
                "starts_at": window.window.start,
                "ends_at": window.window.end,
                "synced_at": now,
            },
        )
        await self._session.execute(stmt)

    async def remove(self, reader_id: UUID, provider: str, event_id: str) -> None:
        """Forget one event; unknown ones are fine."""
        await self._session.execute(
            sa.delete(CalendarBusy).where(
                CalendarBusy.reader_id == reader_id,
                CalendarBusy.provider == provider,
                CalendarBusy.event_id == event_id,
            )
        )
