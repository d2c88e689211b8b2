"""Recomputing the analytics rollups: one marked day from its rows, or a reader from scratch.

Both paths run the same aggregation (`_aggregate`) over the same facts, so a rebuild
gives exactly the numbers the incremental upkeep kept; only the selection of rows
differs (one local day's window, or all of a reader's history).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from domain.enums import BookingStatus, PaymentStatus
from storage.models import (
    AnalyticsClient,
    AnalyticsClientMonth,
    AnalyticsDirtyClient,
    AnalyticsDirtyDay,
    AnalyticsDuration,
    AnalyticsHour,
    AnalyticsRating,
    AnalyticsReader,
    AnalyticsRevenue,
    Booking,
    Client,
    Invoice,
    Payment,
    Rating,
    Reader,
    ReadingSession,
)
from storage.models.analytics import NO_SERVICE
from storage.repositories._common import lock_reader_for, table_of
from storage.repositories.analytics_clients import (
    client_rows,
    gap_day,
    held_sessions,
    rebuild_gaps,
    recount_gaps,
)

_B, _S, _R, _P = table_of(Booking), table_of(ReadingSession), table_of(Rating), table_of(Payment)
_C, _I, _READERS = table_of(Client), table_of(Invoice), table_of(Reader)
_DAY_TABLES = (AnalyticsHour, AnalyticsDuration, AnalyticsRating, AnalyticsRevenue)
_COUNTED = (
    BookingStatus.CONFIRMED,
    BookingStatus.COMPLETED,
    BookingStatus.NO_SHOW,
    BookingStatus.CANCELLED,
)
_RECEIVED = (PaymentStatus.SUCCEEDED, PaymentStatus.REFUNDED)
_LOCK_CLASS = 0x414E_4C59  # "ANLY": the advisory lock space of analytics upkeep


@dataclass(slots=True)
class _Hour:
    completed: int = 0
    no_show: int = 0
    cancelled: int = 0
    confirmed: int = 0
    booked_minutes: int = 0
    timed_sessions: int = 0
    held_seconds: int = 0


@dataclass(slots=True)
class _Money:
    payments: int = 0
    gross_minor: int = 0
    refunded_minor: int = 0
    platform_currency: str | None = None
    platform_net_minor: int = 0
    platform_fee_minor: int = 0


@dataclass(slots=True)
class _Rows:
    """Rollup rows keyed by their primary key, before they are written."""

    hours: dict[tuple[date, int, UUID], _Hour] = field(default_factory=lambda: defaultdict(_Hour))
    durations: dict[tuple[date, int], int] = field(default_factory=lambda: defaultdict(int))
    ratings: dict[tuple[date, int], int] = field(default_factory=lambda: defaultdict(int))
    money: dict[tuple[date, UUID, str, str], _Money] = field(
        default_factory=lambda: defaultdict(_Money)
    )


def _bookings() -> sa.Select[Any]:
    return (
        sa.select(
            _B.c.starts_at,
            _B.c.ends_at,
            _B.c.status,
            _B.c.service_id,
            _S.c.duration_seconds,
        )
        .select_from(_B.outerjoin(_S, _S.c.booking_id == _B.c.id))
        .where(_B.c.reader_id == sa.bindparam("reader_id"), _B.c.status.in_(_COUNTED))
    )


def _payments() -> sa.Select[Any]:
    service = sa.func.coalesce(_B.c.service_id, sa.literal(NO_SERVICE, sa.Uuid()))
    return (
        sa.select(
            _P.c.received_at,
            service.label("service_id"),
            sa.func.coalesce(_C.c.country, "").label("country"),
            _P.c.amount_minor,
            _P.c.currency,
            _P.c.settlement_amount_minor,
            _P.c.settlement_currency,
            _P.c.refunded_minor,
            _P.c.platform_amount_minor,
            _P.c.platform_currency,
            _P.c.platform_fee_minor,
        )
        .select_from(
            _P.outerjoin(_B, _B.c.id == _P.c.booking_id).outerjoin(_C, _C.c.id == _P.c.client_id)
        )
        .where(
            _P.c.reader_id == sa.bindparam("reader_id"),
            _P.c.status.in_(_RECEIVED),
            _P.c.received_at.is_not(None),
        )
    )


def _ratings() -> sa.Select[Any]:
    return sa.select(_R.c.created_at, _R.c.stars).where(_R.c.reader_id == sa.bindparam("reader_id"))


def _converted(part: int, amount: int, converted: int) -> int:
    """`part` of `amount` in the converted currency, rounded half up (as the reports do)."""
    return (2 * part * converted + amount) // (2 * amount) if amount else 0


def _aggregate(
    zone: ZoneInfo,
    currency: str,
    bookings: Iterable[Any],
    payments: Iterable[Any],
    ratings: Iterable[Any],
) -> _Rows:
    rows = _Rows()
    for b in bookings:
        local = b.starts_at.astimezone(zone)
        hour = rows.hours[(local.date(), local.hour, b.service_id)]
        minutes = int((b.ends_at - b.starts_at).total_seconds() // 60)
        if b.status is BookingStatus.COMPLETED:
            hour.completed += 1
            hour.booked_minutes += minutes
            if b.duration_seconds is not None:
                hour.timed_sessions += 1
                hour.held_seconds += b.duration_seconds
                rows.durations[(local.date(), round(b.duration_seconds / 60))] += 1
        elif b.status is BookingStatus.CONFIRMED:
            hour.confirmed += 1
            hour.booked_minutes += minutes
        elif b.status is BookingStatus.NO_SHOW:
            hour.no_show += 1
        else:
            hour.cancelled += 1
    for r in ratings:
        rows.ratings[(r.created_at.astimezone(zone).date(), r.stars)] += 1
    for p in payments:
        if p.settlement_currency == currency and p.settlement_amount_minor is not None:
            gross = p.settlement_amount_minor
        elif p.currency == currency:
            gross = p.amount_minor
        else:
            continue  # no snapshot in the reader's currency: left out, never guessed
        day = p.received_at.astimezone(zone).date()
        money = rows.money[(day, p.service_id, p.country, currency)]
        money.payments += 1
        money.gross_minor += gross
        money.refunded_minor += _converted(p.refunded_minor, p.amount_minor, gross)
        if p.platform_currency and p.platform_amount_minor is not None:
            platform = p.platform_amount_minor
            money.platform_currency = p.platform_currency
            refunded = _converted(p.refunded_minor, p.amount_minor, platform)
            money.platform_net_minor += platform - refunded
            money.platform_fee_minor += _converted(p.platform_fee_minor, p.amount_minor, platform)
    return rows


def _window(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(), zone)
    return start, datetime.combine(day + timedelta(days=1), time(), zone)


def _row_dicts(reader_id: UUID, rows: _Rows) -> dict[type[Any], list[dict[str, Any]]]:
    out: dict[type[Any], list[dict[str, Any]]] = {
        AnalyticsHour: [
            {"reader_id": reader_id, "local_day": d, "local_hour": h, "service_id": s} | asdict(v)
            for (d, h, s), v in rows.hours.items()
        ],
        AnalyticsDuration: [
            {"reader_id": reader_id, "local_day": d, "minutes": m, "sessions": n}
            for (d, m), n in rows.durations.items()
        ],
        AnalyticsRating: [
            {"reader_id": reader_id, "local_day": d, "stars": s, "ratings": n}
            for (d, s), n in rows.ratings.items()
        ],
        AnalyticsRevenue: [
            {"reader_id": reader_id, "local_day": d, "service_id": s, "country": c, "currency": cur}
            | asdict(v)
            for (d, s, c, cur), v in rows.money.items()
        ],
    }
    return out


class RollupUpkeep:
    """Recomputes marked days and clients, or a whole reader, inside the caller's session."""

    def __init__(self, session: AsyncSession) -> None:
        """Work inside the caller's transaction (the unit of work commits)."""
        self._session = session

    async def _lock(self, reader_id: UUID) -> None:
        """Two refreshes of one reader take turns (`lock_reader_for`)."""
        await lock_reader_for(self._session, _LOCK_CLASS, reader_id)

    async def _reader(self, reader_id: UUID) -> tuple[ZoneInfo, str] | None:
        row = (
            await self._session.execute(
                sa.select(_READERS.c.timezone, _READERS.c.currency).where(
                    _READERS.c.id == reader_id
                )
            )
        ).first()
        return (ZoneInfo(row.timezone), row.currency) if row else None

    async def refresh(self, reader_id: UUID, now: datetime) -> int:
        """Bring one reader's rollups up to date; returns the days and clients recomputed."""
        await self._lock(reader_id)
        reader = await self._reader(reader_id)
        if reader is None:
            return 0
        zone, currency = reader
        built = await self._session.scalar(
            sa.select(AnalyticsReader.timezone).where(AnalyticsReader.reader_id == reader_id)
        )
        if built != zone.key:  # never built, or built in another zone: every day moved
            await self.rebuild(reader_id, now)
            return 1
        marks = (
            await self._session.execute(
                sa.select(AnalyticsDirtyDay.day, AnalyticsDirtyDay.marks).where(
                    AnalyticsDirtyDay.reader_id == reader_id
                )
            )
        ).all()
        local_days = {
            moment.astimezone(zone).date()
            for utc_day, _ in marks
            for moment in _utc_day_ends(utc_day)
        }
        for local_day in sorted(local_days):
            await self._recompute_day(reader_id, zone, currency, local_day)
        for utc_day, seen in marks:
            await self._session.execute(
                sa.delete(AnalyticsDirtyDay).where(
                    AnalyticsDirtyDay.reader_id == reader_id,
                    AnalyticsDirtyDay.day == utc_day,
                    AnalyticsDirtyDay.marks == seen,
                )
            )
        clients = await self._refresh_clients(reader_id, zone)
        return len(local_days) + clients

    async def _recompute_day(
        self, reader_id: UUID, zone: ZoneInfo, currency: str, local_day: date
    ) -> None:
        start, end = _window(local_day, zone)
        params = {"reader_id": reader_id}
        bookings = await self._session.execute(
            _bookings().where(_B.c.starts_at >= start, _B.c.starts_at < end), params
        )
        payments = await self._session.execute(
            _payments().where(_P.c.received_at >= start, _P.c.received_at < end), params
        )
        ratings = await self._session.execute(
            _ratings().where(_R.c.created_at >= start, _R.c.created_at < end), params
        )
        rows = _aggregate(zone, currency, bookings, payments, ratings)
        for table in _DAY_TABLES:
            await self._session.execute(
                sa.delete(table).where(table.reader_id == reader_id, table.local_day == local_day)
            )
        await self._insert(_row_dicts(reader_id, rows))

    async def _insert(self, tables: dict[type[Any], list[dict[str, Any]]]) -> None:
        for table, values in tables.items():
            for chunk in _chunks(values, 2000):
                await self._session.execute(sa.insert(table), chunk)

    async def _refresh_clients(self, reader_id: UUID, zone: ZoneInfo) -> int:
        marks = (
            await self._session.execute(
                sa.select(AnalyticsDirtyClient.client_id, AnalyticsDirtyClient.marks).where(
                    AnalyticsDirtyClient.reader_id == reader_id
                )
            )
        ).all()
        touched: set[int] = set()  # gap buckets a client left or joined
        for client_id, seen in marks:
            before = await self._session.execute(
                sa.select(AnalyticsClient.mean_gap_seconds).where(
                    AnalyticsClient.reader_id == reader_id, AnalyticsClient.client_id == client_id
                )
            )
            touched.update(gap_day(gap) for (gap,) in before)
            await self._session.execute(
                sa.delete(AnalyticsClientMonth).where(
                    AnalyticsClientMonth.reader_id == reader_id,
                    AnalyticsClientMonth.client_id == client_id,
                )
            )
            await self._session.execute(
                sa.delete(AnalyticsClient).where(
                    AnalyticsClient.reader_id == reader_id, AnalyticsClient.client_id == client_id
                )
            )
            held = await self._session.execute(
                held_sessions().where(_B.c.client_id == client_id), {"reader_id": reader_id}
            )
            rows = client_rows(reader_id, zone, held)
            touched.update(gap_day(row["mean_gap_seconds"]) for row in rows[AnalyticsClient])
            await self._insert(rows)
            await self._session.execute(
                sa.delete(AnalyticsDirtyClient).where(
                    AnalyticsDirtyClient.reader_id == reader_id,
                    AnalyticsDirtyClient.client_id == client_id,
                    AnalyticsDirtyClient.marks == seen,
                )
            )
        await recount_gaps(self._session, reader_id, touched)
        return len(marks)

    async def rebuild(self, reader_id: UUID, now: datetime) -> None:
        """Every rollup of one reader from its full history; clears its marks."""
        await self._lock(reader_id)
        reader = await self._reader(reader_id)
        if reader is None:
            return
        zone, currency = reader
        for table in (*_DAY_TABLES, AnalyticsClientMonth, AnalyticsClient):
            await self._session.execute(sa.delete(table).where(table.reader_id == reader_id))
        # Marks are cleared before reading: a change committed after this read marks again.
        for mark in (AnalyticsDirtyDay, AnalyticsDirtyClient):
            await self._session.execute(sa.delete(mark).where(mark.reader_id == reader_id))
        params = {"reader_id": reader_id}
        bookings = await self._session.execute(_bookings(), params)
        payments = await self._session.execute(_payments(), params)
        ratings = await self._session.execute(_ratings(), params)
        await self._insert(
            _row_dicts(reader_id, _aggregate(zone, currency, bookings, payments, ratings))
        )
        held = await self._session.execute(held_sessions(), params)
        await self._insert(client_rows(reader_id, zone, held))
        await rebuild_gaps(self._session, reader_id)
        await self._session.execute(
            sa.delete(AnalyticsReader).where(AnalyticsReader.reader_id == reader_id)
        )
        await self._session.execute(
            sa.insert(AnalyticsReader).values(
                reader_id=reader_id, timezone=zone.key, rebuilt_at=now
            )
        )

    async def readers_marked(self, limit: int) -> list[UUID]:
        """Readers with marks or never built (what the `refresh-analytics` flow visits)."""
        marked = sa.union(
            sa.select(AnalyticsDirtyDay.reader_id),
            sa.select(AnalyticsDirtyClient.reader_id),
            sa.select(_READERS.c.id).where(
                ~sa.exists().where(AnalyticsReader.reader_id == _READERS.c.id)
            ),
        ).subquery()
        return list(
            await self._session.scalars(sa.select(marked.c[0]).order_by(marked.c[0]).limit(limit))
        )


def _utc_day_ends(utc_day: date) -> tuple[datetime, datetime]:
    """The first and last instant of a UTC day: the local days it can touch."""
    start = datetime.combine(utc_day, time(), ZoneInfo("UTC"))
    return start, start + timedelta(days=1) - timedelta(microseconds=1)


def _chunks(values: Sequence[dict[str, Any]], size: int) -> Iterable[Sequence[dict[str, Any]]]:
    for index in range(0, len(values), size):
        yield values[index : index + size]
