"""The platform's figures for admins: growth, revenue streams, geography, popularity, churn."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from uuid import UUID

from domain.billing.reports import ReportPeriod
from domain.clock import Clock
from domain.ports.analytics import CountRow, RevenueRow
from domain.ports.storage import UnitOfWork, UnitOfWorkFactory

# A client is "regular" after this many held sessions, and churned after this long without.
REGULAR_SESSIONS = 3
CHURN_AFTER = timedelta(days=90)


@dataclass(frozen=True, slots=True)
class Growth:
    """New clients and readers per week (weeks start Monday, UTC) and active clients."""

    new_clients: list[CountRow]  # key: the Monday "2026-10-05"
    new_readers: list[CountRow]
    active_clients: list[CountRow]  # key: month "2026-10"


@dataclass(frozen=True, slots=True)
class Popularity:
    """Held sessions per service, most popular first."""

    service: str
    reader: str
    sessions: int


@dataclass(frozen=True, slots=True)
class PlatformFigures:
    """Everything the admin page and `GET /api/v1/analytics/platform` show."""

    period: ReportPeriod
    growth: Growth
    revenue_by_kind: list[RevenueRow]  # platform currency, net of refunds; fee_minor: ours
    revenue_by_country: list[RevenueRow]
    clients_by_country: list[CountRow]
    popularity: list[Popularity]
    churn: list[CountRow]  # key: month "2026-10"; count: regulars lost that month


async def refresh_marked(*, uows: UnitOfWorkFactory, clock: Clock, limit: int = 500) -> int:
    """Bring the rollups of up to `limit` changed readers up to date, a transaction each."""
    async with uows(read_only=True) as uow:
        readers = await uow.analytics.readers_to_refresh(limit)
    for reader_id in readers:
        async with uows() as uow:
            await uow.analytics.refresh(reader_id, clock.now())
            await uow.commit()
    return len(readers)


async def rebuild_all(*, uows: UnitOfWorkFactory, clock: Clock) -> int:
    """Every reader's rollups from scratch (`rebuild-analytics`); returns the readers done."""
    async with uows(read_only=True) as uow:
        readers = [r.id for r in await uow.readers.list_active()]
        readers += [r for r in await uow.analytics.readers_to_refresh(100_000) if r not in readers]
    for reader_id in readers:
        async with uows() as uow:
            await uow.analytics.rebuild(reader_id, clock.now())
            await uow.commit()
    return len(readers)


async def platform_figures(
    *, uow: UnitOfWork, period: ReportPeriod, now: datetime
) -> PlatformFigures:
    """The admin's figures for a period (days in UTC: the platform has no one zone)."""
    start, after = period.start, period.after
    window = (_instant(start), _instant(after))
    analytics = uow.analytics
    return PlatformFigures(
        period=period,
        growth=Growth(
            new_clients=await analytics.signups_per_week(*window, readers=False),
            new_readers=await analytics.signups_per_week(*window, readers=True),
            active_clients=await analytics.active_clients(start, after),
        ),
        revenue_by_kind=await analytics.revenue(None, start, after, by="kind", service_id=None),
        revenue_by_country=await analytics.revenue(
            None, start, after, by="country", service_id=None
        ),
        clients_by_country=await analytics.clients_by_country(),
        popularity=await _popularity(uow, period),
        churn=await _churn(uow, period, now),
    )


def _instant(day: date) -> datetime:
    return datetime.combine(day, time(), UTC)


async def _popularity(uow: UnitOfWork, period: ReportPeriod) -> list[Popularity]:
    rows = await uow.analytics.sessions(
        None, period.start, period.after, by="service", service_id=None
    )
    top = sorted(rows, key=lambda r: -r.completed)[:10]
    out = []
    for row in top:
        service = await uow.services.get(UUID(row.key))
        reader = await uow.readers.get(service.reader_id) if service else None
        out.append(
            Popularity(
                service.name if service else "—",
                reader.display_name or reader.name if reader else "—",
                row.completed,
            )
        )
    return out


async def _churn(uow: UnitOfWork, period: ReportPeriod, now: datetime) -> list[CountRow]:
    """Regulars whose last held session was 90 days before a day of the period."""
    first = _instant(period.start) - CHURN_AFTER
    last = min(_instant(period.after) - CHURN_AFTER, now - CHURN_AFTER)
    lost: Counter[str] = Counter()
    if last > first:
        for row in await uow.analytics.last_seen(REGULAR_SESSIONS, first, last):
            churned_on = date.fromisoformat(row.key) + CHURN_AFTER
            lost[churned_on.isoformat()[:7]] += row.count
    return [CountRow(month, count) for month, count in sorted(lost.items())]
