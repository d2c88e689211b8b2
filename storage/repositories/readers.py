"""Readers, and the per-reader row lock that serializes booking writes."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncSession

from domain.clock import Clock, SystemClock
from domain.errors import NotFound
from domain.models import Reader
from storage.models import Reader as ReaderRow
from storage.repositories._common import affected_rows, row_by_id, table_of


def _to_domain(row: ReaderRow | Row[Any]) -> Reader:
    """Copy a row into the domain record (lists copied so callers cannot alias the row)."""
    return Reader(
        id=row.id,
        slug=row.slug,
        name=row.name,
        timezone=row.timezone,
        currency=row.currency,
        languages=list(row.languages),
        email=row.email,
        display_name=row.display_name,
        greeting=row.greeting,
        brand_primary_color=row.brand_primary_color,
        brand_accent_color=row.brand_accent_color,
        booking_slug=row.booking_slug,
        buffer_before_minutes=row.buffer_before_minutes,
        buffer_after_minutes=row.buffer_after_minutes,
        minimum_notice_minutes=row.minimum_notice_minutes,
        maximum_advance_days=row.maximum_advance_days,
        free_cancel_hours=row.free_cancel_hours,
        late_cancel_policy=row.late_cancel_policy,
        late_cancel_fee_bps=row.late_cancel_fee_bps,
        revenue_share_bps=row.revenue_share_bps,
        room_url=row.room_url,
        ics_token=row.ics_token,
        country=row.country,
        tax_inclusive=row.tax_inclusive,
        prepayment_required=row.prepayment_required,
        payment_window_minutes=row.payment_window_minutes,
        is_active=row.is_active,
    )


def _to_row(reader: Reader, clock: Clock) -> ReaderRow:
    """A new row; the domain record has no creation time, so the clock gives it."""
    return ReaderRow(
        id=reader.id,
        slug=reader.slug,
        name=reader.name,
        email=reader.email,
        timezone=reader.timezone,
        currency=reader.currency,
        languages=list(reader.languages),
        revenue_share_bps=reader.revenue_share_bps,
        display_name=reader.display_name,
        brand_primary_color=reader.brand_primary_color,
        brand_accent_color=reader.brand_accent_color,
        greeting=reader.greeting,
        booking_slug=reader.booking_slug,
        buffer_before_minutes=reader.buffer_before_minutes,
        buffer_after_minutes=reader.buffer_after_minutes,
        minimum_notice_minutes=reader.minimum_notice_minutes,
        maximum_advance_days=reader.maximum_advance_days,
        free_cancel_hours=reader.free_cancel_hours,
        late_cancel_policy=reader.late_cancel_policy,
        late_cancel_fee_bps=reader.late_cancel_fee_bps,
        room_url=reader.room_url,
        ics_token=reader.ics_token,
        country=reader.country,
        tax_inclusive=reader.tax_inclusive,
        prepayment_required=reader.prepayment_required,
        payment_window_minutes=reader.payment_window_minutes,
        schedule_version=0,
        is_active=reader.is_active,
        created_at=clock.now(),
    )


_READERS = table_of(ReaderRow)
# Built once: every booking write starts with it.
_LOCK_SCHEDULE = (
    sa.update(_READERS)
    .where(_READERS.c.id == sa.bindparam("locked_id"))
    .values(schedule_version=_READERS.c.schedule_version + 1)
)

# PostgreSQL: one round trip that checks the reader exists and takes its schedule lock.
# The key is the reader id's first 64 bits: a collision only makes two readers' bookings
# queue behind each other, it never lets overlapping ones through.
_ADVISORY_LOCK = sa.select(sa.func.pg_advisory_xact_lock(sa.bindparam("lock_key"))).where(
    _READERS.c.id == sa.bindparam("locked_id")
)


def _lock_key(reader_id: UUID) -> int:
    return int.from_bytes(reader_id.bytes[:8], "big", signed=True)


class SqlReaderRepository:
    """`ReaderRepository` over one AsyncSession."""

    def __init__(self, session: AsyncSession, clock: Clock | None = None) -> None:
        """Work inside the caller's session (the unit of work owns the transaction)."""
        self._session = session
        self._clock = clock or SystemClock()

    async def get(self, reader_id: UUID) -> Reader | None:
        """One reader by id."""
        row = await row_by_id(self._session, ReaderRow, reader_id)
        return None if row is None else _to_domain(row)

    async def get_by_slug(self, slug: str) -> Reader | None:
        """One reader by slug, else by booking slug (a slug match wins if both exist)."""
        stmt = (
            sa.select(ReaderRow)
            .where(sa.or_(ReaderRow.slug == slug, ReaderRow.booking_slug == slug))
            .order_by(sa.case((ReaderRow.slug == slug, 0), else_=1))
            .limit(1)
            .execution_options(populate_existing=True)
        )
        row = (await self._session.scalars(stmt)).first()
        return None if row is None else _to_domain(row)

    async def list_active(self) -> list[Reader]:
        """Active readers by name (slug breaks ties so the order is stable)."""
        stmt = (
            sa.select(ReaderRow)
            .where(ReaderRow.is_active.is_(True))
            .order_by(ReaderRow.name, ReaderRow.slug)
            .execution_options(populate_existing=True)
        )
        return [_to_domain(row) for row in await self._session.scalars(stmt)]

    async def add(self, reader: Reader) -> None:
        """Insert and flush, so later statements in this unit of work see the reader."""
        self._session.add(_to_row(reader, self._clock))
        await self._session.flush()

    async def lock_schedule(self, reader_id: UUID) -> None:
        """Bump `schedule_version`: the write itself is the lock, held until the transaction ends.

        SQLite: writing units of work begin IMMEDIATE (storage.db), so the database-wide
        write lock is already held and a concurrent booker waited at its BEGIN instead of
        reading a stale snapshot and failing to upgrade later. PostgreSQL: the UPDATE takes
        a row lock on this reader only; READ COMMITTED gives each later statement a fresh
        snapshot, so the bookings re-checked after it include every booking committed by
        whoever held the lock before.

        Raises:
            NotFound: No reader has this id (nothing would be locked).
        """
        if self._session.get_bind().dialect.name == "postgresql":
            # A transaction-scoped advisory lock: granted in the order it was asked for
            # (waiters on a row lock race when it is released, so some wait far longer:
            # bench/chat_turns.py saturated p99 ~4.5x p50), and no row version or WAL
            # record per booking. The reader must exist; the lock is taken after that.
            params = {"locked_id": reader_id, "lock_key": _lock_key(reader_id)}
            locked = (await self._session.execute(_ADVISORY_LOCK, params)).first()
            if locked is None:
                raise NotFound(f"reader {reader_id} not found", reader_id=str(reader_id))
            return
        result = await self._session.execute(_LOCK_SCHEDULE, {"locked_id": reader_id})
        if affected_rows(result) == 0:
            raise NotFound(f"reader {reader_id} not found", reader_id=str(reader_id))
