"""`AnalyticsRepository`: aggregates over the rollup tables, each one indexed range.

Every rollup table leads with (reader_id, local_day), so a reader's figure for a period
reads one contiguous stretch of one primary key; the platform's figures read the same
tables by day across readers. Nothing here reads the bookings table.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from domain.ports.analytics import (
    ClientSummary,
    CohortCell,
    CountRow,
    Feedback,
    HourCount,
    RevenueRow,
    SessionCounts,
    StarsCount,
)
from storage.models import (
    AnalyticsClient,
    AnalyticsClientMonth,
    AnalyticsDuration,
    AnalyticsGap,
    AnalyticsHour,
    AnalyticsRating,
    AnalyticsRevenue,
    Client,
    Rating,
    Reader,
    Service,
)
from storage.repositories.analytics_clients import DAY_SECONDS
from storage.repositories.analytics_rollups import RollupUpkeep

_H, _V = AnalyticsHour, AnalyticsRevenue
_COUNTS = (
    "completed",
    "no_show",
    "cancelled",
    "confirmed",
    "booked_minutes",
    "timed_sessions",
    "held_seconds",
)


def _month(column: Any, dialect: str) -> sa.ColumnElement[str]:
    """A date column's month as "YYYY-MM", on both backends."""
    if dialect == "postgresql":
        return sa.func.to_char(column, "YYYY-MM")
    return sa.func.strftime("%Y-%m", column)


def _utc_day(column: Any, dialect: str) -> sa.ColumnElement[str]:
    """A timestamp column's UTC calendar day as "YYYY-MM-DD", on both backends."""
    if dialect == "postgresql":
        return sa.func.to_char(sa.func.timezone("UTC", column), "YYYY-MM-DD")
    return sa.func.strftime("%Y-%m-%d", column)


def _weekday(column: Any, dialect: str) -> sa.ColumnElement[int]:
    """A date column's day of the week, Sunday 0, on both backends."""
    if dialect == "postgresql":
        return sa.cast(sa.extract("dow", column), sa.Integer)
    return sa.cast(sa.func.strftime("%w", column), sa.Integer)


class SqlAnalyticsRepository:
    """`AnalyticsRepository` inside the caller's session."""

    def __init__(self, session: AsyncSession) -> None:
        """Work inside the caller's session (the unit of work owns the transaction)."""
        self._session = session
        self._upkeep = RollupUpkeep(session)

    def _dialect(self) -> str:
        return self._session.get_bind().dialect.name

    async def refresh(self, reader_id: UUID, now: datetime) -> int:
        """Marked days and clients, recomputed from their rows."""
        return await self._upkeep.refresh(reader_id, now)

    async def readers_to_refresh(self, limit: int) -> list[UUID]:
        """Readers with marks, or never built."""
        return await self._upkeep.readers_marked(limit)

    async def rebuild(self, reader_id: UUID, now: datetime) -> None:
        """The reader's rollups from scratch."""
        await self._upkeep.rebuild(reader_id, now)

    async def sessions(
        self, reader_id: UUID | None, start: date, end: date, *, by: str, service_id: UUID | None
    ) -> list[SessionCounts]:
        """One GROUP BY over the hour rollup."""
        keys: dict[str, Any] = {
            "day": _H.local_day,
            "service": _H.service_id,
            "month": _month(_H.local_day, self._dialect()),
            "total": sa.literal(""),
        }
        key = keys[by].label("key")
        statement = sa.select(key, *(sa.func.sum(getattr(_H, c)).label(c) for c in _COUNTS))
        statement = statement.where(*self._days(_H, reader_id, start, end))
        if service_id is not None:
            statement = statement.where(_H.service_id == service_id)
        if by != "total":
            statement = statement.group_by(key).order_by(key)
        rows = (await self._session.execute(statement)).all()
        return [
            SessionCounts(str(row.key), *(int(getattr(row, c) or 0) for c in _COUNTS))
            for row in rows
            if row.completed is not None
        ]

    @staticmethod
    def _days(
        table: Any, reader_id: UUID | None, start: date, end: date
    ) -> list[sa.ColumnElement[bool]]:
        where = [table.local_day >= start, table.local_day < end]
        if reader_id is not None:
            where.insert(0, table.reader_id == reader_id)
        return where

    async def hours(self, reader_id: UUID, start: date, end: date) -> list[HourCount]:
        """Held and booked sessions per (weekday, hour), grouped in SQL over the days."""
        sessions = sa.func.sum(_H.completed + _H.confirmed).label("sessions")
        weekday = _weekday(_H.local_day, self._dialect()).label("weekday")
        rows = await self._session.execute(
            sa.select(weekday, _H.local_hour, sessions)
            .where(*self._days(_H, reader_id, start, end))
            .group_by(weekday, _H.local_hour)
        )
        # Both backends count from Sunday = 0; the matrix starts on Monday.
        return [
            HourCount((int(r.weekday) + 6) % 7, r.local_hour, int(r.sessions))
            for r in rows
            if r.sessions
        ]

    async def durations(self, reader_id: UUID, start: date, end: date) -> list[tuple[int, int]]:
        """The minutes histogram summed over the days."""
        d = AnalyticsDuration
        total = sa.func.sum(d.sessions)
        rows = await self._session.execute(
            sa.select(d.minutes, total)
            .where(*self._days(d, reader_id, start, end))
            .group_by(d.minutes)
            .order_by(d.minutes)
        )
        return [(int(minutes), int(count)) for minutes, count in rows]

    async def stars(self, reader_id: UUID, start: date, end: date) -> list[StarsCount]:
        """Ratings per month and stars."""
        r = AnalyticsRating
        month = _month(r.local_day, self._dialect()).label("month")
        rows = await self._session.execute(
            sa.select(month, r.stars, sa.func.sum(r.ratings))
            .where(*self._days(r, reader_id, start, end))
            .group_by(month, r.stars)
            .order_by(month, r.stars)
        )
        return [
            StarsCount(date.fromisoformat(f"{m}-01"), int(stars), int(count))
            for m, stars, count in rows
        ]

    async def feedback(self, reader_id: UUID, limit: int) -> list[Feedback]:
        """Newest ratings with words, by (reader_id, created_at)."""
        rows = await self._session.execute(
            sa.select(Rating.stars, Rating.feedback, Rating.created_at)
            .where(Rating.reader_id == reader_id, Rating.feedback.is_not(None))
            .where(Rating.feedback != "")
            .order_by(Rating.created_at.desc())
            .limit(limit)
        )
        return [Feedback(int(s), str(text), at) for s, text, at in rows]

    async def revenue(
        self, reader_id: UUID | None, start: date, end: date, *, by: str, service_id: UUID | None
    ) -> list[RevenueRow]:
        """Reader: their currency; platform: the platform currency of each snapshot."""
        platform = reader_id is None
        currency = _V.platform_currency if platform else _V.currency
        gross = _V.platform_net_minor if platform else _V.gross_minor - _V.refunded_minor
        refunded = sa.literal(0) if platform else _V.refunded_minor
        keys: dict[str, Any] = {
            "day": _V.local_day,
            "month": _month(_V.local_day, self._dialect()),
            "service": _V.service_id,
            "country": _V.country,
            "kind": sa.func.coalesce(Service.kind, "other"),
            "total": sa.literal(""),
        }
        key = keys[by].label("key")
        statement = sa.select(
            key,
            currency.label("currency"),
            sa.func.sum(_V.payments),
            # For the platform, the "gross" column already is net of refunds.
            sa.func.sum(gross + refunded),
            sa.func.sum(refunded),
            sa.func.sum(_V.platform_fee_minor),
        ).where(*self._days(_V, reader_id, start, end), currency.is_not(None))
        if by == "kind":
            statement = statement.select_from(_V).outerjoin(Service, Service.id == _V.service_id)
        if service_id is not None:
            statement = statement.where(_V.service_id == service_id)
        rows = await self._session.execute(
            statement.group_by(key, currency).order_by(key, currency)
        )
        return [
            RevenueRow(str(k), str(cur), int(n), int(g), int(r), int(f))
            for k, cur, n, g, r, f in rows
        ]

    async def client_summary(self, reader_id: UUID) -> ClientSummary:
        """Counts and mean gap from the gap buckets; the median read inside its bucket."""
        buckets = (
            await self._session.execute(
                sa.select(AnalyticsGap.gap_day, AnalyticsGap.clients, AnalyticsGap.gap_seconds)
                .where(AnalyticsGap.reader_id == reader_id)
                .order_by(AnalyticsGap.gap_day)
            )
        ).all()
        clients = sum(int(n) for _, n, _ in buckets)
        repeat = [(int(day), int(n), int(seconds)) for day, n, seconds in buckets if day >= 0]
        gaps = sum(n for _, n, _ in repeat)
        if not gaps:
            return ClientSummary(clients, 0, None, None)
        average = sum(seconds for _, _, seconds in repeat) / gaps
        middle = (gaps - 1) // 2  # the rank of the (lower) middle gap, from 0
        below, day = 0, repeat[0][0]
        for bucket, n, _ in repeat:  # the bucket holding that rank, and the ranks before it
            day = bucket
            if below + n > middle:
                break
            below += n
        values = await self._session.scalars(
            sa.select(AnalyticsClient.mean_gap_seconds)
            .where(
                AnalyticsClient.reader_id == reader_id,
                AnalyticsClient.mean_gap_seconds >= day * DAY_SECONDS,
            )
            .order_by(AnalyticsClient.mean_gap_seconds)
            .offset(middle - below)
            .limit(1 if gaps % 2 else 2)
        )
        picked = [int(v) for v in values if v is not None]
        return ClientSummary(clients, gaps, average, sum(picked) / len(picked))

    async def clients_in(self, reader_id: UUID, first: date, last: date) -> tuple[int, int]:
        """Distinct clients of the months, and those whose first month is among them."""
        m, c = AnalyticsClientMonth, AnalyticsClient
        active = await self._session.scalar(
            sa.select(sa.func.count(sa.distinct(m.client_id))).where(
                m.reader_id == reader_id, m.local_month >= first, m.local_month <= last
            )
        )
        new = await self._session.scalar(
            sa.select(sa.func.count()).where(
                c.reader_id == reader_id, c.first_month >= first, c.first_month <= last
            )
        )
        return int(active or 0), int(new or 0)

    async def cohorts(self, reader_id: UUID, first: date, last: date) -> list[CohortCell]:
        """The cohorts' clients joined to their active months, counted per cell."""
        m, c = AnalyticsClientMonth, AnalyticsClient
        rows = await self._session.execute(
            sa.select(c.first_month, m.local_month, sa.func.count())
            .join(m, sa.and_(m.reader_id == c.reader_id, m.client_id == c.client_id))
            .where(c.reader_id == reader_id, c.first_month >= first, c.first_month <= last)
            .group_by(c.first_month, m.local_month)
            .order_by(c.first_month, m.local_month)
        )
        return [CohortCell(cohort, month, int(n)) for cohort, month, n in rows]

    async def active_clients(self, start: date, end: date) -> list[CountRow]:
        """COUNT(DISTINCT client) per month over (local_month, client_id)."""
        m = AnalyticsClientMonth
        month = _month(m.local_month, self._dialect()).label("month")
        rows = await self._session.execute(
            sa.select(month, sa.func.count(sa.distinct(m.client_id)))
            .where(m.local_month >= start.replace(day=1), m.local_month < end)
            .group_by(month)
            .order_by(month)
        )
        return [CountRow(str(key), int(count)) for key, count in rows]

    async def signups_per_week(
        self, start: datetime, end: datetime, *, readers: bool
    ) -> list[CountRow]:
        """One count per UTC week over the created_at index: no row is read, none sent."""
        table: Any = Reader if readers else Client
        monday = datetime.combine(start.date() - timedelta(days=start.weekday()), time(), UTC)
        counts = []
        while monday < end:
            after = monday + timedelta(days=7)
            count = await self._session.scalar(
                sa.select(sa.func.count()).where(
                    table.created_at >= max(monday, start), table.created_at < min(after, end)
                )
            )
            if count:
                counts.append(CountRow(monday.date().isoformat(), int(count)))
            monday = after
        return counts

    async def clients_by_country(self) -> list[CountRow]:
        """Clients per country, erased clients left out (from a partial index, not the table)."""
        rows = await self._session.execute(
            sa.select(Client.country, sa.func.count())
            .where(Client.erased_at.is_(None))
            .group_by(Client.country)
        )
        counts: Counter[str] = Counter()
        for country, count in rows:
            counts[country or ""] += int(count)
        return [CountRow(key, count) for key, count in sorted(counts.items(), key=_most_first)]

    async def last_seen(self, min_sessions: int, start: datetime, end: datetime) -> list[CountRow]:
        """Clients with a last session in the window (by index), then their rows grouped."""
        c = AnalyticsClient
        candidates = (
            sa.select(c.client_id)
            .where(c.last_session_at >= start, c.last_session_at < end)
            .distinct()
            .scalar_subquery()
        )
        per_client = (
            sa.select(sa.func.max(c.last_session_at).label("last"))
            .where(c.client_id.in_(candidates))
            .group_by(c.client_id)
            .having(sa.func.sum(c.sessions) >= min_sessions)
            .subquery()
        )
        day = _utc_day(per_client.c.last, self._dialect()).label("day")
        rows = await self._session.execute(
            sa.select(day, sa.func.count())
            .where(per_client.c.last >= start, per_client.c.last < end)
            .group_by(day)
            .order_by(day)
        )
        return [CountRow(str(key), int(count)) for key, count in rows]


def _most_first(row: tuple[str, int]) -> tuple[int, str]:
    return -row[1], row[0]
