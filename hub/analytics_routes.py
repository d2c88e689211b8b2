"""`GET /api/v1/analytics/...`: the dashboard's figures as JSON.

- `readers/{slug}?from=&to=&service=`: one reader's figures (the reader's own days);
- `platform?from=&to=`: the platform's (UTC days, platform currency);
- `live`: what is happening now.

The admin's bearer token opens all three; a reader's dashboard session cookie opens
their own `readers/{slug}` and nothing else (403). Dates are ISO days; a bad one, a
period that ends before it starts or one that has not started yet is a 400 saying why.
Money is in minor units with its currency, as everywhere in the API.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated
from uuid import UUID

from fastapi import APIRouter, Header, HTTPException, Query, Request

from domain.analytics.dashboard import PeriodAsk, PeriodRefused, live_page, platform_page
from domain.analytics.dashboard import reader_figures as figures_of
from domain.billing.ledger_views import find_reader
from domain.errors import NotFound
from domain.ports.analytics import CountRow, RevenueRow
from hub.analytics_models import (
    BucketOut,
    BusyHourOut,
    CohortOut,
    CountOut,
    FeedbackOut,
    GrowthOut,
    LiveOut,
    MonthAverageOut,
    PeakHoursOut,
    PlatformAnalyticsOut,
    PopularityOut,
    RateOut,
    RatingsOut,
    ReaderAnalyticsOut,
    RetentionOut,
    RevenueOut,
    RevenueRowOut,
    ServiceRevenueOut,
    SessionsOut,
)
from hub.api import admin_guard
from hub.dashboard.session import current_grant
from hub.link_guard import is_admin
from hub.settings import Settings

if TYPE_CHECKING:
    from hub.runtime import Runtime


def _counts(rows: list[CountRow]) -> list[CountOut]:
    return [CountOut(key=r.key, count=r.count) for r in rows]


def _money(rows: list[RevenueRow]) -> list[RevenueRowOut]:
    return [
        RevenueRowOut(
            key=r.key,
            currency=r.currency,
            payments=r.payments,
            net_minor=r.net_minor,
            fee_minor=r.fee_minor,
        )
        for r in rows
    ]


def _rates(rows: list[CountRow], rates: dict[str, float]) -> list[RateOut]:
    return [
        RateOut(key=r.key, count=r.count, failed=r.extra, error_rate=rates.get(r.key)) for r in rows
    ]


def _day(value: str | None, name: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise HTTPException(400, f"{name}: use YYYY-MM-DD, not {value!r}") from None


def _service(value: str | None) -> UUID | None:
    if not value:
        return None
    try:
        return UUID(value)
    except ValueError:
        raise HTTPException(404, "no such service") from None


FromQuery = Annotated[str | None, Query(alias="from", description="first day, YYYY-MM-DD")]
ToQuery = Annotated[str | None, Query(description="last day, YYYY-MM-DD (default: today)")]


def router(settings: Settings) -> APIRouter:
    """The three analytics routes, mounted under /api/v1."""
    routes = APIRouter(prefix="/analytics", tags=["analytics"])
    require_admin = admin_guard(settings)

    def who(request: Request, authorization: str | None) -> UUID | None:
        """None for the admin, else the signed-in reader's id; 401 for nobody."""
        if is_admin(require_admin, authorization):
            return None
        grant = current_grant(request)
        if grant is None:
            if authorization:
                require_admin(authorization)  # the admin API's own 401 / 403
            raise HTTPException(
                401,
                'sign in: admin bearer token, or a dashboard session (type "dashboard" '
                "in your chat for a link)",
                headers={"WWW-Authenticate": "Bearer"},
            )
        return None if grant.is_admin else grant.reader_id

    def admin_only(request: Request, authorization: str | None) -> None:
        if who(request, authorization) is not None:
            raise HTTPException(403, "these figures are for admins")

    @routes.get("/readers/{slug}", response_model=ReaderAnalyticsOut, response_model_by_alias=True)
    async def reader_analytics(
        slug: str,
        request: Request,
        from_: FromQuery = None,
        to: ToQuery = None,
        service: Annotated[str | None, Query(description="one of the reader's service ids")] = None,
        authorization: Annotated[str | None, Header()] = None,
    ) -> ReaderAnalyticsOut:
        """A reader's figures: the admin's token, or that reader's own dashboard session."""
        runtime: Runtime = request.app.state.runtime
        own = who(request, authorization)
        async with runtime.database.uows(read_only=True) as uow:
            try:
                reader = await find_reader(uow, slug)
            except NotFound:
                reader = None
        if own is not None and (reader is None or reader.id != own):
            raise HTTPException(403, "you can see your own figures only")
        if reader is None:
            raise HTTPException(404, f"no reader {slug}")
        ask = PeriodAsk(start=_day(from_, "from"), end=_day(to, "to"))
        try:
            f = await figures_of(
                uows=runtime.database.uows,
                clock=runtime.clock,
                reader_id=reader.id,
                ask=ask,
                service_id=_service(service),
            )
        except PeriodRefused as error:
            raise HTTPException(400, str(error)) from None
        except NotFound:
            raise HTTPException(404, "no such service") from None
        r, s, t, p, k = f.revenue, f.sessions, f.ratings, f.peak, f.retention
        return ReaderAnalyticsOut(
            reader=reader.slug,
            timezone=reader.timezone,
            from_=f.period.start,
            to=f.period.end,
            service=str(f.service.id) if f.service else None,
            revenue=RevenueOut(
                currency=r.currency,
                payments=r.payments,
                gross_minor=r.gross_minor,
                refunded_minor=r.refunded_minor,
                net_minor=r.net_minor,
                by_bucket=[BucketOut(key=key, net_minor=net) for key, net in r.by_bucket],
                by_service=[ServiceRevenueOut(service=n, net_minor=v) for n, v in r.by_service],
            ),
            sessions=SessionsOut(
                completed=s.completed,
                no_show=s.no_show,
                cancelled=s.cancelled,
                upcoming=s.upcoming,
                completion_rate=s.completion_rate,
                average_minutes=s.average_minutes,
                median_minutes=s.median_minutes,
                timed_sessions=s.timed_sessions,
                booked_minutes=s.booked_minutes,
                offered_minutes=s.offered_minutes,
                utilisation=s.utilisation,
            ),
            ratings=RatingsOut(
                count=t.count,
                average=t.average,
                distribution={str(stars): n for stars, n in t.distribution.items()},
                trend=[MonthAverageOut(month=m, average=a) for m, a in t.trend],
                recent=[
                    FeedbackOut(stars=c.stars, text=c.text, given_at=c.given_at) for c in t.recent
                ],
            ),
            peak_hours=PeakHoursOut(
                matrix=p.matrix,
                total=p.total,
                busiest=[BusyHourOut(weekday=d, hour=h, sessions=n) for d, h, n in p.busiest],
            ),
            retention=RetentionOut(
                clients=k.clients,
                repeat_rate=k.repeat_rate,
                new_clients=k.new_clients,
                returning_clients=k.returning_clients,
                average_days_between=k.average_days_between,
                median_days_between=k.median_days_between,
                cohorts=[
                    CohortOut(month=c.month, size=c.size, retained=c.retained) for c in k.cohorts
                ],
            ),
        )

    @routes.get("/platform", response_model=PlatformAnalyticsOut, response_model_by_alias=True)
    async def platform_analytics(
        request: Request,
        from_: FromQuery = None,
        to: ToQuery = None,
        authorization: Annotated[str | None, Header()] = None,
    ) -> PlatformAnalyticsOut:
        """The platform's figures (admin token, or an admin's dashboard session)."""
        runtime: Runtime = request.app.state.runtime
        admin_only(request, authorization)
        ask = PeriodAsk(start=_day(from_, "from"), end=_day(to, "to"))
        try:
            f = await platform_page(uows=runtime.database.uows, clock=runtime.clock, ask=ask)
        except PeriodRefused as error:
            raise HTTPException(400, str(error)) from None
        return PlatformAnalyticsOut(
            from_=f.period.start,
            to=f.period.end,
            growth=GrowthOut(
                new_clients=_counts(f.growth.new_clients),
                new_readers=_counts(f.growth.new_readers),
                active_clients=_counts(f.growth.active_clients),
            ),
            revenue_by_kind=_money(f.revenue_by_kind),
            revenue_by_country=_money(f.revenue_by_country),
            clients_by_country=_counts(f.clients_by_country),
            popularity=[
                PopularityOut(service=p.service, reader=p.reader, sessions=p.sessions)
                for p in f.popularity
            ],
            churn=_counts(f.churn),
        )

    @routes.get("/live", response_model=LiveOut)
    async def live_analytics(
        request: Request, authorization: Annotated[str | None, Header()] = None
    ) -> LiveOut:
        """What is happening now (admin token, or an admin's dashboard session)."""
        runtime: Runtime = request.app.state.runtime
        admin_only(request, authorization)
        f = await live_page(uows=runtime.database.uows, clock=runtime.clock)
        c = f.counts
        return LiveOut(
            at=f.at,
            live_sessions=c.live_sessions,
            scheduled_now=c.scheduled_now,
            bookings_last_hour=c.bookings_last_hour,
            messages_last_hour=c.messages_last_hour,
            queue_depth=c.queue_depth,
            unfinished_deliveries=c.unfinished_deliveries,
            webhooks=_rates(c.webhooks, f.error_rates()),
            outbox=_rates(c.outbox, f.outbox_error_rates()),
            activity=f.activity,
        )

    return routes


__all__ = ("LiveOut", "PlatformAnalyticsOut", "ReaderAnalyticsOut", "router")
