"""Bookings: optimistic saves, and the overlap queries the booking write path re-checks."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncSession

from domain.booking.windows import TimeWindow
from domain.clock import Clock, SystemClock
from domain.enums import BookingStatus
from domain.errors import ConcurrentUpdate
from domain.models import Booking
from storage.models import Booking as BookingRow
from storage.models import Client as ClientRow
from storage.repositories._common import (
    MAX_BOOKING_LENGTH,
    affected_rows,
    check_booking_length,
    overlap_as_slot_unavailable,
    row_by_id,
    table_of,
)


def _to_domain(row: BookingRow | Row[Any]) -> Booking:
    """Copy a row into the domain record."""
    return Booking(
        id=row.id,
        reader_id=row.reader_id,
        client_id=row.client_id,
        service_id=row.service_id,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        client_timezone=row.client_timezone,
        status=row.status,
        service_kind=row.service_kind,
        pricing_model=row.pricing_model,
        price_minor=row.price_minor,
        currency=row.currency,
        source_channel=row.source_channel,
        hold_expires_at=row.hold_expires_at,
        package_credit_id=row.package_credit_id,
        fee_minor=row.fee_minor,
        confirmed_at=row.confirmed_at,
        cancelled_at=row.cancelled_at,
        cancel_reason=row.cancel_reason,
        rescheduled_count=row.rescheduled_count,
        calendar_event_id=row.calendar_event_id,
        meeting_url=row.meeting_url,
        version=row.version,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _changeable(booking: Booking) -> dict[str, Any]:
    """Every column a save may change: all but the id, the version and the timestamps."""
    return {
        "reader_id": booking.reader_id,
        "client_id": booking.client_id,
        "service_id": booking.service_id,
        "starts_at": booking.starts_at,
        "ends_at": booking.ends_at,
        "client_timezone": booking.client_timezone,
        "status": booking.status,
        "hold_expires_at": booking.hold_expires_at,
        "service_kind": booking.service_kind,
        "pricing_model": booking.pricing_model,
        "price_minor": booking.price_minor,
        "currency": booking.currency,
        "package_credit_id": booking.package_credit_id,
        "fee_minor": booking.fee_minor,
        "source_channel": booking.source_channel,
        "confirmed_at": booking.confirmed_at,
        "cancelled_at": booking.cancelled_at,
        "cancel_reason": booking.cancel_reason,
        "rescheduled_count": booking.rescheduled_count,
        "calendar_event_id": booking.calendar_event_id,
        "meeting_url": booking.meeting_url,
    }


def _row_values(booking: Booking) -> dict[str, Any]:
    """A new row's columns; the caller has filled the timestamps."""
    return {
        "id": booking.id,
        "version": booking.version,
        "created_at": booking.created_at,
        "updated_at": booking.updated_at,
        **_changeable(booking),
    }


_BOOKINGS = table_of(BookingRow)


def _overlapping() -> sa.ColumnElement[bool]:
    """Bookings of a reader overlapping a window, as a tight range on (reader_id, starts_at).

    `starts_at < end AND ends_at > start` alone lets the index bound only the top of the
    range: the scan would walk every earlier booking of the reader (years of history at
    1M rows). No booking lasts more than MAX_BOOKING_LENGTH (refused on add and save), so
    an overlapping one starts after `start - MAX_BOOKING_LENGTH`; that lower bound keeps
    the index range to about a day's worth of rows without changing the answer. The
    values come from `_window(...)`.
    """
    return sa.and_(
        _BOOKINGS.c.reader_id == sa.bindparam("in_reader_id"),
        _BOOKINGS.c.starts_at > sa.bindparam("earliest_start"),
        _BOOKINGS.c.starts_at < sa.bindparam("window_end"),
        _BOOKINGS.c.ends_at > sa.bindparam("window_start"),
    )


def _window(reader_id: UUID, window: TimeWindow) -> dict[str, Any]:
    """The bind values of `_overlapping()`."""
    return {
        "in_reader_id": reader_id,
        "earliest_start": window.start - MAX_BOOKING_LENGTH,
        "window_start": window.start,
        "window_end": window.end,
    }


# Statements built once (Core, on the table): every slot search, hold and confirm runs
# them, and our records never live in the ORM's identity map.
_INSERT = sa.insert(_BOOKINGS)
# Compare-and-set on the version; the SET clause comes from the parameters given.
_SAVE = sa.update(_BOOKINGS).where(
    _BOOKINGS.c.id == sa.bindparam("row_id"),
    _BOOKINGS.c.version == sa.bindparam("seen_version"),
)
_EXPIRE_LAPSED = (
    sa.update(_BOOKINGS)
    .where(
        _overlapping(),
        _BOOKINGS.c.status == BookingStatus.HELD,
        _BOOKINGS.c.hold_expires_at <= sa.bindparam("now"),
    )
    .values(status=BookingStatus.EXPIRED, version=_BOOKINGS.c.version + 1)
)
_OCCUPIED = (
    sa.select(_BOOKINGS.c.starts_at, _BOOKINGS.c.ends_at)
    .where(
        _overlapping(),
        sa.or_(
            _BOOKINGS.c.status == BookingStatus.CONFIRMED,
            sa.and_(
                _BOOKINGS.c.status == BookingStatus.HELD,
                _BOOKINGS.c.hold_expires_at > sa.bindparam("now"),
            ),
        ),
    )
    .order_by(_BOOKINGS.c.starts_at)
)


class SqlBookingRepository:
    """`BookingRepository` over one AsyncSession."""

    def __init__(self, session: AsyncSession, clock: Clock | None = None) -> None:
        """Work inside the caller's session; the clock stamps created_at / updated_at."""
        self._session = session
        self._clock = clock or SystemClock()

    async def get(self, booking_id: UUID) -> Booking | None:
        """One booking by id."""
        row = await row_by_id(self._session, BookingRow, booking_id)
        return None if row is None else _to_domain(row)

    async def add(self, booking: Booking) -> None:
        """Insert and flush now, so an overlap refused by PostgreSQL surfaces here.

        Missing `created_at` / `updated_at` are filled from the clock, on the record too.

        Raises:
            SlotUnavailable: PostgreSQL's exclusion constraint refused the overlap.
            ValueError: The booking is longer than MAX_BOOKING_LENGTH.
        """
        check_booking_length(booking.ends_at - booking.starts_at)
        now = self._clock.now()
        booking.created_at = booking.created_at or now
        booking.updated_at = booking.updated_at or booking.created_at
        # A Core INSERT: the ORM's flush machinery cost more than the row on the hold path.
        with overlap_as_slot_unavailable():
            await self._session.execute(_INSERT, _row_values(booking))

    async def save(self, booking: Booking) -> None:
        """Compare-and-set on `version`; on success the record carries the new version.

        `updated_at` is set from the clock (on the row and the record).

        Raises:
            ConcurrentUpdate: The stored version differs (or the booking is gone).
            SlotUnavailable: PostgreSQL refused a move onto an active booking.
            ValueError: The booking is longer than MAX_BOOKING_LENGTH.
        """
        check_booking_length(booking.ends_at - booking.starts_at)
        now = self._clock.now()
        values = {
            **_changeable(booking),
            "version": booking.version + 1,
            "updated_at": now,
            "row_id": booking.id,
            "seen_version": booking.version,
        }
        with overlap_as_slot_unavailable():
            result = await self._session.execute(_SAVE, values)
        if affected_rows(result) == 0:
            raise ConcurrentUpdate(
                f"booking {booking.id} changed since version {booking.version}",
                booking_id=str(booking.id),
            )
        booking.version += 1
        booking.updated_at = now

    async def occupied(
        self, reader_id: UUID, window: TimeWindow, now: datetime
    ) -> list[TimeWindow]:
        """Confirmed bookings and live holds overlapping the window, by start."""
        rows = await self._session.execute(_OCCUPIED, {**_window(reader_id, window), "now": now})
        return [TimeWindow(start, end) for start, end in rows]

    async def expire_overlapping_holds(
        self, reader_id: UUID, window: TimeWindow, now: datetime
    ) -> int:
        """Mark lapsed holds in the window expired (bumping their version), so they free the slot.

        PostgreSQL's exclusion constraint counts every 'held' row, lapsed or not, so the
        booking write path calls this before inserting into the window.
        """
        result = await self._session.execute(
            _EXPIRE_LAPSED, {**_window(reader_id, window), "now": now, "updated_at": now}
        )
        return affected_rows(result)

    async def for_client(
        self, client_id: UUID, *, statuses: Sequence[BookingStatus], since: datetime | None = None
    ) -> list[Booking]:
        """A client's bookings in the given statuses, soonest first."""
        stmt = sa.select(BookingRow).where(
            BookingRow.client_id == client_id, BookingRow.status.in_(list(statuses))
        )
        if since is not None:
            stmt = stmt.where(BookingRow.ends_at > since)
        return await self._bookings(stmt.order_by(BookingRow.starts_at, BookingRow.id))

    async def move_to_client(self, from_client_id: UUID, to_client_id: UUID) -> int:
        """One UPDATE, so a hold in flight moves with the rest."""
        stmt = (
            sa.update(BookingRow)
            .where(BookingRow.client_id == from_client_id)
            .values(client_id=to_client_id)
            .execution_options(synchronize_session=False)
        )
        return affected_rows(await self._session.execute(stmt))

    async def for_reader(
        self, reader_id: UUID, window: TimeWindow, *, statuses: Sequence[BookingStatus]
    ) -> list[Booking]:
        """A reader's bookings starting in [window.start, window.end), soonest first."""
        stmt = sa.select(BookingRow).where(
            BookingRow.reader_id == reader_id,
            BookingRow.starts_at >= window.start,
            BookingRow.starts_at < window.end,
            BookingRow.status.in_(list(statuses)),
        )
        return await self._bookings(stmt.order_by(BookingRow.starts_at, BookingRow.id))

    async def lapsed_holds(self, now: datetime, limit: int) -> list[Booking]:
        """Holds whose expiry has passed, the longest-lapsed first."""
        stmt = (
            sa.select(BookingRow)
            .where(BookingRow.status == BookingStatus.HELD, BookingRow.hold_expires_at <= now)
            .order_by(BookingRow.hold_expires_at, BookingRow.id)
            .limit(limit)
        )
        return await self._bookings(stmt)

    async def query(
        self,
        *,
        reader_id: UUID | None = None,
        client_email: str | None = None,
        status: BookingStatus | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[Booking]:
        """Admin listing, newest start first; emails match case-insensitively."""
        stmt = sa.select(BookingRow)
        if reader_id is not None:
            stmt = stmt.where(BookingRow.reader_id == reader_id)
        if client_email is not None:
            # Emails are stored lower-cased (see clients.py), so equality uses the unique index.
            stmt = stmt.join(ClientRow, ClientRow.id == BookingRow.client_id).where(
                ClientRow.email == client_email.strip().lower()
            )
        if status is not None:
            stmt = stmt.where(BookingRow.status == status)
        stmt = stmt.order_by(BookingRow.starts_at.desc(), BookingRow.id.desc())
        return await self._bookings(stmt.limit(limit).offset(offset))

    async def _bookings(self, stmt: sa.Select[BookingRow]) -> list[Booking]:
        """Run a select of rows, refreshing any already in the session, as domain records."""
        rows = await self._session.scalars(stmt.execution_options(populate_existing=True))
        return [_to_domain(row) for row in rows]
