"""A reader's figures for a period, from the rollups: each figure one or two aggregate reads.

Every entry point first brings the reader's rollups up to date (only the days and
clients that changed are recomputed), so a figure is exact the moment after a change.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from domain.billing.reports import ReportPeriod
from domain.booking import rules
from domain.booking.availability import open_intervals
from domain.clock import Clock
from domain.errors import NotFound
from domain.models import Reader, Service
from domain.ports.analytics import CohortCell, Feedback, RevenueRow, SessionCounts
from domain.ports.storage import UnitOfWork, UnitOfWorkFactory


@dataclass(frozen=True, slots=True)
class Revenue:
    """Money received in the period, in the reader's currency, net of refunds."""

    currency: str
    payments: int
    gross_minor: int
    refunded_minor: int
    by_bucket: list[tuple[str, int]]  # (day "2026-10-03" or month "2026-10", net)
    by_service: list[tuple[str, int]]  # (service name, net), largest first

    @property
    def net_minor(self) -> int:
        """Gross less refunds."""
        return self.gross_minor - self.refunded_minor


@dataclass(frozen=True, slots=True)
class Sessions:
    """What happened to the sessions that started in the period."""

    completed: int
    no_show: int
    cancelled: int
    upcoming: int
    average_minutes: float | None  # real length (Zoom or the reader's marks)
    median_minutes: float | None
    timed_sessions: int
    booked_minutes: int
    offered_minutes: int

    @property
    def completion_rate(self) -> float | None:
        """Held / (held + no-show + cancelled); None before any of them."""
        decided = self.completed + self.no_show + self.cancelled
        return self.completed / decided if decided else None

    @property
    def utilisation(self) -> float | None:
        """Booked minutes / offered minutes; None when nothing was offered."""
        return self.booked_minutes / self.offered_minutes if self.offered_minutes else None


@dataclass(frozen=True, slots=True)
class Ratings:
    """Stars given in the period, their spread, their trend and the newest words."""

    count: int
    average: float | None
    distribution: dict[int, int]  # stars 1..5 -> ratings
    trend: list[tuple[str, float]]  # (month "2026-10", average)
    recent: list[Feedback] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Cohort:
    """Clients whose first held session was in `month`, and the share back k months on."""

    month: str
    size: int
    retained: list[float]  # index k-1: share with a session k months later


@dataclass(frozen=True, slots=True)
class Retention:
    """Whether clients come back: all-time rates, the period's new and returning clients."""

    clients: int
    repeat_rate: float | None  # clients with 2+ held sessions / clients with 1+
    new_clients: int  # first held session in the period's months
    returning_clients: int  # a session in the period's months, and one before
    average_days_between: float | None
    median_days_between: float | None
    cohorts: list[Cohort]


@dataclass(frozen=True, slots=True)
class PeakHours:
    """Sessions by weekday (0 Monday) and local hour; the reader's zone."""

    matrix: list[list[int]]  # 7 rows x 24 hours
    busiest: list[tuple[int, int, int]]  # (weekday, hour, sessions), top 3

    @property
    def total(self) -> int:
        """All sessions in the matrix."""
        return sum(map(sum, self.matrix))


async def reader_for(*, uows: UnitOfWorkFactory, clock: Clock, reader_id: UUID) -> Reader:
    """The reader, with their rollups brought up to date in one short transaction."""
    async with uows() as uow:
        reader = await uow.readers.get(reader_id)
        if reader is None:
            raise NotFound("no such reader")
        await uow.analytics.refresh(reader_id, clock.now())
        await uow.commit()
    return reader


async def revenue(
    *,
    uow: UnitOfWork,
    reader: Reader,
    period: ReportPeriod,
    today: date | None = None,
    service: Service | None = None,
) -> Revenue:
    """Net revenue with its buckets (days for a month or less, months beyond).

    Buckets stop at `today` when given: a line that drops to zero tomorrow would say
    business stopped, when the days have only not come yet. With `service`, only that
    service's payments count.
    """
    by = "day" if (period.end - period.start).days <= 62 else "month"
    args = (reader.id, period.start, period.after)
    only = service.id if service else None
    buckets = await uow.analytics.revenue(*args, by=by, service_id=only)
    services = await uow.analytics.revenue(*args, by="service", service_id=only)
    names = {s.id: s.name for s in await uow.services.for_reader(reader.id)}
    mine = [r for r in buckets if r.currency == reader.currency]
    by_service = sorted(
        ((names.get(UUID(r.key), "—"), r.net_minor) for r in services),
        key=lambda pair: -pair[1],
    )
    return Revenue(
        currency=reader.currency,
        payments=sum(r.payments for r in mine),
        gross_minor=sum(r.gross_minor for r in mine),
        refunded_minor=sum(r.refunded_minor for r in mine),
        by_bucket=_filled(period, by, mine, today or period.end),
        by_service=by_service,
    )


def _filled(
    period: ReportPeriod, by: str, rows: list[RevenueRow], last_day: date
) -> list[tuple[str, int]]:
    """Every bucket of the period up to `last_day`, zero where nothing came in."""
    got: dict[str, int] = defaultdict(int)
    for row in rows:
        got[row.key[:10] if by == "day" else row.key[:7]] += row.net_minor
    keys: list[str] = []
    day = period.start
    while day <= min(period.end, last_day) or not keys:
        key = day.isoformat() if by == "day" else day.isoformat()[:7]
        if not keys or keys[-1] != key:
            keys.append(key)
        day += timedelta(days=1)
    return [(key, got.get(key, 0)) for key in keys]


async def sessions(
    *, uow: UnitOfWork, reader: Reader, period: ReportPeriod, service: Service | None = None
) -> Sessions:
    """Outcomes, real lengths and utilisation of the period's sessions (of one service).

    Lengths are kept per day, not per service: with `service` the median is None.
    Open hours are the reader's, shared by every service they sell.
    """
    args = (reader.id, period.start, period.after)
    only = service.id if service else None
    [total] = await uow.analytics.sessions(*args, by="total", service_id=only) or [
        SessionCounts("")
    ]
    median = None if service else _median(await uow.analytics.durations(*args))
    return Sessions(
        completed=total.completed,
        no_show=total.no_show,
        cancelled=total.cancelled,
        upcoming=total.confirmed,
        average_minutes=total.held_seconds / 60 / total.timed_sessions
        if total.timed_sessions
        else None,
        median_minutes=median,
        timed_sessions=total.timed_sessions,
        booked_minutes=total.booked_minutes,
        offered_minutes=await offered_minutes(uow=uow, reader=reader, period=period),
    )


def _median(histogram: list[tuple[int, int]]) -> float | None:
    """The median of a (value, count) histogram ordered by value, without expanding it."""
    total = sum(count for _, count in histogram)
    if not total:
        return None
    middle = [(total - 1) // 2, total // 2]  # the one or two middle positions
    found: list[int] = []
    seen = 0
    for value, count in histogram:
        while middle and middle[0] < seen + count:
            found.append(value)
            middle.pop(0)
        seen += count
    return sum(found) / 2


async def offered_minutes(*, uow: UnitOfWork, reader: Reader, period: ReportPeriod) -> int:
    """Open hours of the period's days (weekly hours, extra hours, less time off)."""
    zone = ZoneInfo(reader.timezone)
    weekly = rules.weekly_rules(await uow.availability.weekly(reader.id))
    exceptions = rules.dated_exceptions(
        await uow.availability.exceptions(reader.id, period.start, period.end)
    )
    total = 0
    day = period.start
    while day <= period.end:
        for window in open_intervals(day=day, zone=zone, rules=weekly, exceptions=exceptions):
            total += int((window.end - window.start).total_seconds() // 60)
        day += timedelta(days=1)
    return total


async def ratings(*, uow: UnitOfWork, reader: Reader, period: ReportPeriod) -> Ratings:
    """Average, spread per star, monthly trend and the five newest comments."""
    rows = await uow.analytics.stars(reader.id, period.start, period.after)
    distribution = {stars: 0 for stars in range(1, 6)}
    per_month: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        distribution[row.stars] += row.ratings
        bucket = per_month[row.month.isoformat()[:7]]
        bucket[0] += row.stars * row.ratings
        bucket[1] += row.ratings
    count = sum(distribution.values())
    stars_given = sum(stars * n for stars, n in distribution.items())
    return Ratings(
        count=count,
        average=stars_given / count if count else None,
        distribution=distribution,
        trend=[(month, total / n) for month, (total, n) in sorted(per_month.items())],
        recent=await uow.analytics.feedback(reader.id, 5),
    )


async def peak_hours(*, uow: UnitOfWork, reader: Reader, period: ReportPeriod) -> PeakHours:
    """The weekday x hour matrix in the reader's zone (the rollup's hours are local)."""
    matrix = [[0] * 24 for _ in range(7)]
    for row in await uow.analytics.hours(reader.id, period.start, period.after):
        matrix[row.weekday][row.hour] += row.sessions
    cells = [(day, hour, n) for day, hours in enumerate(matrix) for hour, n in enumerate(hours)]
    busiest = sorted((c for c in cells if c[2]), key=lambda c: (-c[2], c[0], c[1]))[:3]
    return PeakHours(matrix=matrix, busiest=busiest)


async def retention(
    *, uow: UnitOfWork, reader: Reader, period: ReportPeriod, cohort_months: int = 6
) -> Retention:
    """Repeat rate and gaps (all time), new vs returning (the period's months), cohorts."""
    summary = await uow.analytics.client_summary(reader.id)
    lo, hi = period.start.replace(day=1), period.end.replace(day=1)
    active, new = await uow.analytics.clients_in(reader.id, lo, hi)
    first = _add_months(hi, 1 - cohort_months)
    cells = await uow.analytics.cohorts(reader.id, first, hi)
    day = 86400
    return Retention(
        clients=summary.clients,
        repeat_rate=summary.repeaters / summary.clients if summary.clients else None,
        new_clients=new,
        returning_clients=active - new,
        average_days_between=summary.average_gap_seconds / day
        if summary.average_gap_seconds is not None
        else None,
        median_days_between=summary.median_gap_seconds / day
        if summary.median_gap_seconds is not None
        else None,
        cohorts=_cohorts(cells, first, hi),
    )


def _cohorts(cells: list[CohortCell], first: date, last: date) -> list[Cohort]:
    """Each cohort month from `first` to `last`, followed as far as `last`."""
    active = {(cell.cohort, cell.month): cell.clients for cell in cells}
    cohorts = []
    start = first
    while start <= last:
        size = active.get((start, start), 0)
        retained = []
        k = 1
        while _add_months(start, k) <= last:
            back = active.get((start, _add_months(start, k)), 0)
            retained.append(back / size if size else 0.0)
            k += 1
        cohorts.append(Cohort(start.isoformat()[:7], size, retained))
        start = _add_months(start, 1)
    return cohorts


def _add_months(month: date, k: int) -> date:
    index = month.year * 12 + month.month - 1 + k
    return date(index // 12, index % 12 + 1, 1)
