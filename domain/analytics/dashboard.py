"""The dashboard's and the analytics API's figures, gathered per page from `reader`/`platform`.

A page asks for a period in words ("last month", "2026-10") or in days (`from`/`to`), on
the calendar of whoever it is about (the reader's zone; UTC for the platform), and may
narrow a reader's money and sessions to one of their services. Ratings, peak hours and
retention are the reader's whole practice: their rollups are not kept per service.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from uuid import UUID
from zoneinfo import ZoneInfo

from domain.analytics import reader as figures
from domain.analytics.live import LiveFigures, live_figures
from domain.analytics.periods import (
    PeriodNotStarted,
    between,
    calendar_locale,
    parse_analytics_period,
)
from domain.analytics.platform import PlatformFigures, platform_figures, refresh_marked
from domain.billing.reports import ReportPeriod
from domain.clock import Clock
from domain.errors import InvalidRequest, NotFound
from domain.models import Reader, Service
from domain.ports.storage import UnitOfWorkFactory


class PeriodProblem(StrEnum):
    """Why a period cannot be shown; each gets its own sentence on the page."""

    UNKNOWN = "unknown"  # words that name no period
    FUTURE = "future"  # a real period that has not started yet
    BACKWARDS = "backwards"  # ends before it starts
    TOO_LONG = "too_long"


class PeriodRefused(InvalidRequest):
    """A period the figures cannot cover; `problem` says why, the detail says it in English."""

    def __init__(self, detail: str, problem: PeriodProblem, asked: str) -> None:
        """Keep the reason and what was asked, for the page's own words."""
        super().__init__(detail, problem=problem.value, asked=asked)
        self.problem = problem
        self.asked = asked


@dataclass(frozen=True, slots=True)
class PeriodAsk:
    """A period as asked: words (`text`) or days (`start`..`end`); nothing is this month."""

    text: str | None = None
    start: date | None = None
    end: date | None = None

    def resolve(self, today: date, locale: str) -> ReportPeriod:
        """The days asked for, never in the future (`PeriodRefused` with the reason)."""
        try:
            if self.start is None and self.end is None:
                return parse_analytics_period(self.text, today, locale=locale)
            if self.start is not None and self.start > today and self.end is None:
                period = ReportPeriod(self.start, self.start, self.start.isoformat())
                raise PeriodNotStarted(period, today)
            last = self.end or today
            return between(self.start or last.replace(day=1), last, today)
        except PeriodNotStarted as error:
            raise PeriodRefused(str(error), PeriodProblem.FUTURE, self._asked()) from None
        except InvalidRequest as error:
            raise PeriodRefused(str(error), self._problem(today), self._asked()) from None

    def _problem(self, today: date) -> PeriodProblem:
        if self.start is None and self.end is None:
            return PeriodProblem.UNKNOWN
        last = self.end or today
        first = self.start or last.replace(day=1)
        return PeriodProblem.BACKWARDS if first > last else PeriodProblem.TOO_LONG

    def _asked(self) -> str:
        if self.start is None and self.end is None:
            return self.text or ""
        return f"{self.start or ''}..{self.end or ''}"


@dataclass(frozen=True, slots=True)
class ReaderFigures:
    """Everything a reader's page and `GET /api/v1/analytics/readers/{slug}` show."""

    reader: Reader
    period: ReportPeriod
    services: list[Service]
    service: Service | None  # the filter, when one was chosen
    revenue: figures.Revenue
    sessions: figures.Sessions
    ratings: figures.Ratings
    peak: figures.PeakHours
    retention: figures.Retention

    @property
    def has_history(self) -> bool:
        """Whether the reader ever held a session or took a payment (else: "none yet")."""
        return self.retention.clients > 0 or self.revenue.payments > 0 or self.has_sessions

    @property
    def has_sessions(self) -> bool:
        """Whether any session started in the period (held, missed, cancelled or booked)."""
        s = self.sessions
        return s.completed + s.no_show + s.cancelled + s.upcoming > 0


def reader_today(reader: Reader, now: datetime) -> date:
    """The reader's own calendar day at `now`."""
    return now.astimezone(ZoneInfo(reader.timezone)).date()


async def reader_figures(
    *,
    uows: UnitOfWorkFactory,
    clock: Clock,
    reader_id: UUID,
    ask: PeriodAsk,
    service_id: UUID | None = None,
) -> ReaderFigures:
    """One reader's figures for a period, narrowed to one of their services when asked."""
    reader = await figures.reader_for(uows=uows, clock=clock, reader_id=reader_id)
    locale = calendar_locale(reader.languages[0] if reader.languages else "en", reader.country)
    period = ask.resolve(reader_today(reader, clock.now()), locale)
    async with uows(read_only=True) as uow:
        services = await uow.services.for_reader(reader.id)
        service = next((s for s in services if s.id == service_id), None)
        if service_id is not None and service is None:
            raise NotFound("no such service")  # another reader's service is no different
        return ReaderFigures(
            reader=reader,
            period=period,
            services=services,
            service=service,
            revenue=await figures.revenue(uow=uow, reader=reader, period=period, service=service),
            sessions=await figures.sessions(uow=uow, reader=reader, period=period, service=service),
            ratings=await figures.ratings(uow=uow, reader=reader, period=period),
            peak=await figures.peak_hours(uow=uow, reader=reader, period=period),
            retention=await figures.retention(uow=uow, reader=reader, period=period),
        )


async def platform_page(
    *, uows: UnitOfWorkFactory, clock: Clock, ask: PeriodAsk
) -> PlatformFigures:
    """The platform's figures on UTC days, after rolling up what changed meanwhile."""
    now = clock.now()
    period = ask.resolve(now.date(), "en")
    await refresh_marked(uows=uows, clock=clock)
    async with uows(read_only=True) as uow:
        return await platform_figures(uow=uow, period=period, now=now)


async def live_page(*, uows: UnitOfWorkFactory, clock: Clock) -> LiveFigures:
    """What is happening now."""
    async with uows(read_only=True) as uow:
        return await live_figures(uow=uow, now=clock.now())


async def readers_list(*, uows: UnitOfWorkFactory) -> list[Reader]:
    """The active readers, for the admin's links to each reader's page."""
    async with uows(read_only=True) as uow:
        return await uow.readers.list_active()


__all__ = (
    "PeriodAsk",
    "PeriodProblem",
    "PeriodRefused",
    "ReaderFigures",
    "live_page",
    "platform_page",
    "reader_figures",
    "reader_today",
    "readers_list",
)
