"""`ActivityRepository`: the last hour of bookings, deliveries and side effects, by index."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from domain.enums import BookingStatus, OutboxStatus
from domain.ports.analytics import CountRow, LiveCounts
from storage.models import Booking, InboundEvent, OutboxMessage, ReadingSession
from storage.repositories._common import MAX_BOOKING_LENGTH

_FAILING = (OutboxStatus.FAILED, OutboxStatus.DEAD)
_QUEUED = (OutboxStatus.PENDING, OutboxStatus.IN_PROGRESS)


class SqlActivityRepository:
    """`ActivityRepository` inside the caller's session."""

    def __init__(self, session: AsyncSession) -> None:
        """Work inside the caller's session."""
        self._session = session

    async def _count(self, statement: sa.Select[Any]) -> int:
        return int(await self._session.scalar(statement) or 0)

    async def live(self, now: datetime, window: timedelta) -> LiveCounts:
        """A handful of COUNTs over the newest stretch of their indexes."""
        since = now - window
        count = sa.func.count()
        live = sa.select(count).where(
            ReadingSession.started_at >= now - MAX_BOOKING_LENGTH,
            ReadingSession.started_at <= now,
            ReadingSession.ended_at.is_(None),
        )
        scheduled = sa.select(count).where(
            Booking.status == BookingStatus.CONFIRMED,
            Booking.starts_at >= now - MAX_BOOKING_LENGTH,
            Booking.starts_at <= now,
            Booking.ends_at > now,
        )
        failed = sa.func.sum(sa.case((InboundEvent.error.is_not(None), 1), else_=0))
        webhooks = await self._session.execute(
            sa.select(InboundEvent.provider, count, failed)
            .where(InboundEvent.received_at >= since)
            .group_by(InboundEvent.provider)
            .order_by(InboundEvent.provider)
        )
        failing = sa.func.sum(sa.case((OutboxMessage.status.in_(_FAILING), 1), else_=0))
        outbox = await self._session.execute(
            sa.select(OutboxMessage.kind, count, failing)
            .where(OutboxMessage.updated_at >= since)
            .group_by(OutboxMessage.kind)
            .order_by(OutboxMessage.kind)
        )
        return LiveCounts(
            live_sessions=await self._count(live),
            scheduled_now=await self._count(scheduled),
            bookings_last_hour=await self._count(
                sa.select(count).where(Booking.created_at >= since)
            ),
            messages_last_hour=await self._count(
                sa.select(count).where(InboundEvent.received_at >= since)
            ),
            webhooks=[CountRow(str(p), int(n), int(f or 0)) for p, n, f in webhooks],
            outbox=[CountRow(str(k), int(n), int(f or 0)) for k, n, f in outbox],
            queue_depth=await self._count(
                sa.select(count).where(OutboxMessage.status.in_(_QUEUED))
            ),
            unfinished_deliveries=await self._count(
                sa.select(count).where(InboundEvent.processed_at.is_(None))
            ),
        )

    async def inbound_by_hour(self, start: datetime, end: datetime) -> list[tuple[datetime, int]]:
        """GROUP BY the hour, truncated the way each backend can."""
        at = InboundEvent.received_at
        if self._session.get_bind().dialect.name == "postgresql":
            hour: Any = sa.func.date_trunc("hour", sa.func.timezone("UTC", at))
        else:
            hour = sa.func.strftime("%Y-%m-%d %H:00:00", at)
        rows = await self._session.execute(
            sa.select(hour.label("hour"), sa.func.count())
            .where(at >= start, at < end)
            .group_by(hour)
            .order_by(hour)
        )
        return [(_hour(value), int(n)) for value, n in rows]


def _hour(value: Any) -> datetime:
    if isinstance(value, str):
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    moment: datetime = value
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
