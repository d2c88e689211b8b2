"""The per-client rollups (retention, cohorts): rows from a client's held sessions."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from domain.enums import BookingStatus
from storage.models import AnalyticsClient, AnalyticsClientMonth, AnalyticsGap, Booking
from storage.repositories._common import table_of

_B = table_of(Booking)


def held_sessions() -> sa.Select[Any]:
    """A reader's completed bookings (client, start): what retention counts."""
    return (
        sa.select(_B.c.client_id, _B.c.starts_at)
        .where(_B.c.reader_id == sa.bindparam("reader_id"))
        .where(_B.c.status == BookingStatus.COMPLETED)
    )


def client_rows(
    reader_id: UUID, zone: ZoneInfo, held: Iterable[Any]
) -> dict[type[Any], list[dict[str, Any]]]:
    """Client-month and client rows from held sessions, months in the reader's zone."""
    months: dict[tuple[UUID, date], int] = defaultdict(int)
    spans: dict[UUID, list[Any]] = {}
    for client_id, starts_at in held:
        local = starts_at.astimezone(zone)
        months[(client_id, local.date().replace(day=1))] += 1
        span = spans.setdefault(client_id, [starts_at, starts_at, 0])
        span[0], span[1], span[2] = min(span[0], starts_at), max(span[1], starts_at), span[2] + 1
    return {
        AnalyticsClientMonth: [
            {"reader_id": reader_id, "client_id": c, "local_month": m, "sessions": n}
            for (c, m), n in months.items()
        ],
        AnalyticsClient: [
            {
                "reader_id": reader_id,
                "client_id": c,
                "first_session_at": first,
                "last_session_at": last,
                "sessions": n,
                "first_month": first.astimezone(zone).date().replace(day=1),
                "mean_gap_seconds": _mean_gap(first, last, n),
            }
            for c, (first, last, n) in spans.items()
        ],
    }


DAY_SECONDS = 86400
SINGLE = -1  # the gap bucket of clients with one session


def gap_day(mean_gap_seconds: int | None) -> int:
    """The bucket a client's mean gap falls in: whole days, or SINGLE."""
    return SINGLE if mean_gap_seconds is None else mean_gap_seconds // DAY_SECONDS


async def recount_gaps(session: AsyncSession, reader_id: UUID, days: Iterable[int]) -> None:
    """Count each named gap bucket again from the client rows (exact, and safe to repeat)."""
    c = AnalyticsClient
    for day in sorted(set(days)):
        in_bucket = (
            c.mean_gap_seconds.is_(None)
            if day == SINGLE
            else sa.and_(
                c.mean_gap_seconds >= day * DAY_SECONDS,
                c.mean_gap_seconds < (day + 1) * DAY_SECONDS,
            )
        )
        clients, seconds = (
            await session.execute(
                sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(c.mean_gap_seconds), 0))
                .where(c.reader_id == reader_id)
                .where(in_bucket)
            )
        ).one()
        await session.execute(
            sa.delete(AnalyticsGap).where(
                AnalyticsGap.reader_id == reader_id, AnalyticsGap.gap_day == day
            )
        )
        if clients:
            await session.execute(
                sa.insert(AnalyticsGap).values(
                    reader_id=reader_id, gap_day=day, clients=clients, gap_seconds=seconds
                )
            )


async def rebuild_gaps(session: AsyncSession, reader_id: UUID) -> None:
    """Every gap bucket of a reader from its client rows, in one statement."""
    c = AnalyticsClient
    bucket = sa.func.coalesce(c.mean_gap_seconds // DAY_SECONDS, SINGLE)
    await session.execute(sa.delete(AnalyticsGap).where(AnalyticsGap.reader_id == reader_id))
    await session.execute(
        sa.insert(AnalyticsGap).from_select(
            ["reader_id", "gap_day", "clients", "gap_seconds"],
            sa.select(
                c.reader_id,
                bucket,
                sa.func.count(),
                sa.func.coalesce(sa.func.sum(c.mean_gap_seconds), 0),
            )
            .where(c.reader_id == reader_id)
            .group_by(c.reader_id, bucket),
        )
    )


def _mean_gap(first: datetime, last: datetime, sessions: int) -> int | None:
    """Whole seconds between a client's sessions on average; None after only one."""
    if sessions < 2:
        return None
    return int((last - first).total_seconds()) // (sessions - 1)
