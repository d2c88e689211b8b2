"""The follow-up scans: quiet clients, birthdays and the cursor of the daily scan.

Part of `SqlFollowUpRepository` (a base class of it), kept apart because these queries read
bookings and clients, not the follow-up tables.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from domain.enums import BookingStatus
from domain.ports.follow_ups import Birthday, ScanCandidate
from storage.dialects import insert_for
from storage.models import Booking, Client, SyncCursor

BOOKED_STATUSES = (BookingStatus.CONFIRMED, BookingStatus.COMPLETED, BookingStatus.NO_SHOW)
_BOOKED = BOOKED_STATUSES


def utc(moment: datetime) -> datetime:
    """SQLite hands back naive UTC; PostgreSQL aware."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


class FollowUpScans:
    """The scans of `FollowUpRepository`, inside the caller's session."""

    _session: AsyncSession

    async def quiet_clients(
        self, *, now: datetime, quiet_for: timedelta, window: timedelta
    ) -> list[ScanCandidate]:
        """Per client and reader: the last booking began quiet_for (up to +window) ago."""
        last = sa.func.max(Booking.starts_at)
        completed = sa.func.sum(sa.case((Booking.status == BookingStatus.COMPLETED, 1), else_=0))
        pairs = (
            sa.select(Booking.client_id, Booking.reader_id, last.label("last"))
            .where(Booking.status.in_(_BOOKED))
            .group_by(Booking.client_id, Booking.reader_id)
            .having(last < now - quiet_for, last >= now - quiet_for - window, completed > 0)
            .subquery()
        )
        rows = await self._session.execute(
            sa.select(Booking.id, Booking.client_id, Booking.reader_id, Booking.starts_at)
            .join(
                pairs,
                sa.and_(
                    pairs.c.client_id == Booking.client_id,
                    pairs.c.reader_id == Booking.reader_id,
                    pairs.c.last == Booking.starts_at,
                ),
            )
            .where(Booking.status.in_(_BOOKED))
        )
        return [
            ScanCandidate(client, reader, f"quiet:{booking}", utc(starts) + quiet_for)
            for booking, client, reader, starts in rows
        ]

    async def birthdays(self, days: Sequence[date]) -> list[Birthday]:
        """Month and day compared with EXTRACT (strftime on SQLite), then the latest reader."""
        if not days:
            return []
        same_day = sa.or_(
            *(
                sa.and_(
                    sa.extract("month", Client.birthday) == day.month,
                    sa.extract("day", Client.birthday) == day.day,
                )
                for day in days
            )
        )
        latest = (
            sa.select(Booking.reader_id)
            .where(Booking.client_id == Client.id, Booking.status.in_(_BOOKED))
            .order_by(Booking.starts_at.desc())
            .limit(1)
            .scalar_subquery()
        )
        rows = await self._session.execute(
            sa.select(Client.id, latest, Client.birthday, Client.timezone).where(
                Client.birthday.is_not(None), Client.erased_at.is_(None), same_day
            )
        )
        return [
            Birthday(client, reader, born, zone)
            for client, reader, born, zone in rows
            if reader is not None and born is not None
        ]

    async def scanned_on(self, name: str) -> str | None:
        """The cursor row's position."""
        return await self._session.scalar(
            sa.select(SyncCursor.position).where(SyncCursor.name == name)
        )

    async def mark_scanned(self, name: str, day: str, now: datetime) -> None:
        """Upsert the cursor row."""
        await self._session.execute(
            insert_for(self._session)(SyncCursor)
            .values(name=name, position=day, updated_at=now)
            .on_conflict_do_update(
                index_elements=["name"], set_={"position": day, "updated_at": now}
            )
        )
