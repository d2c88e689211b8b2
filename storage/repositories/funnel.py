"""`FunnelRepository`: insert-once marks, counted by the window they fall in."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from domain.enums import Channel, FunnelStep
from storage.models import FunnelMark


class SqlFunnelRepository:
    """`FunnelRepository` inside the caller's session."""

    def __init__(self, session: AsyncSession) -> None:
        """Work inside the caller's session."""
        self._session = session

    async def mark(self, step: str, channel: str, client_id: UUID, at: datetime) -> None:
        """INSERT ... ON CONFLICT DO NOTHING: the first time stays the first time."""
        insert = (
            pg_insert if self._session.get_bind().dialect.name == "postgresql" else sqlite_insert
        )
        values = {
            "step": FunnelStep(step),
            "channel": Channel(channel),
            "client_id": client_id,
            "reached_at": at,
        }
        await self._session.execute(insert(FunnelMark).values(values).on_conflict_do_nothing())

    async def counts(self, start: datetime, end: datetime) -> list[tuple[str, str, int]]:
        """One GROUP BY over the window's stretch of `ix_analytics_funnel_reached_at`."""
        rows = await self._session.execute(
            sa.select(FunnelMark.channel, FunnelMark.step, sa.func.count())
            .where(FunnelMark.reached_at >= start, FunnelMark.reached_at < end)
            .group_by(FunnelMark.channel, FunnelMark.step)
        )
        return [(str(channel), str(step), int(n)) for channel, step, n in rows]
