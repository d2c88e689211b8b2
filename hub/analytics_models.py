"""The analytics API's response models, so OpenAPI documents every figure it returns."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field


class BucketOut(BaseModel):
    """Net revenue of one day ("2026-10-03") or month ("2026-10")."""

    key: str
    net_minor: int


class ServiceRevenueOut(BaseModel):
    """Net revenue of one service ("—" for payments with no service, e.g. an invoice)."""

    service: str
    net_minor: int


class RevenueOut(BaseModel):
    """Money received in the period, in the reader's currency, net of refunds."""

    currency: str
    payments: int
    gross_minor: int
    refunded_minor: int
    net_minor: int
    by_bucket: list[BucketOut]  # every day (or month, past 62 days), zero where none
    by_service: list[ServiceRevenueOut]


class SessionsOut(BaseModel):
    """What happened to the sessions that started in the period."""

    completed: int
    no_show: int
    cancelled: int
    upcoming: int
    completion_rate: float | None
    average_minutes: float | None
    median_minutes: float | None
    timed_sessions: int
    booked_minutes: int
    offered_minutes: int
    utilisation: float | None


class FeedbackOut(BaseModel):
    """A rating that came with words."""

    stars: int
    text: str
    given_at: datetime


class MonthAverageOut(BaseModel):
    """The average stars of one month."""

    month: str
    average: float


class RatingsOut(BaseModel):
    """Stars given in the period."""

    count: int
    average: float | None
    distribution: dict[str, int]  # "1".."5" -> ratings
    trend: list[MonthAverageOut]
    recent: list[FeedbackOut]


class BusyHourOut(BaseModel):
    """One of the busiest (weekday, local hour) cells; weekday 0 is Monday."""

    weekday: int
    hour: int
    sessions: int


class PeakHoursOut(BaseModel):
    """Sessions by weekday (rows, Monday first) and local hour (columns 0..23)."""

    matrix: list[list[int]]
    busiest: list[BusyHourOut]
    total: int


class CohortOut(BaseModel):
    """Clients whose first held session was in `month`; `retained[k-1]`: back k months on."""

    month: str
    size: int
    retained: list[float]


class RetentionOut(BaseModel):
    """Whether clients come back."""

    clients: int
    repeat_rate: float | None
    new_clients: int
    returning_clients: int
    average_days_between: float | None
    median_days_between: float | None
    cohorts: list[CohortOut]


class ReaderAnalyticsOut(BaseModel):
    """A reader's figures for a period of their own calendar days."""

    model_config = ConfigDict(populate_by_name=True)

    reader: str
    timezone: str
    from_: date = Field(alias="from")
    to: date
    service: str | None  # the service id the money and sessions were narrowed to
    revenue: RevenueOut
    sessions: SessionsOut
    ratings: RatingsOut
    peak_hours: PeakHoursOut
    retention: RetentionOut


class CountOut(BaseModel):
    """A labelled count (a week, a month, a country)."""

    key: str
    count: int


class RevenueRowOut(BaseModel):
    """Money for one key (a kind of reading, a country), in the platform's currency."""

    key: str
    currency: str
    payments: int
    net_minor: int
    fee_minor: int


class GrowthOut(BaseModel):
    """New clients and readers per week (the Monday, UTC) and active clients per month."""

    new_clients: list[CountOut]
    new_readers: list[CountOut]
    active_clients: list[CountOut]


class PopularityOut(BaseModel):
    """Held sessions of one service."""

    service: str
    reader: str
    sessions: int


class PlatformAnalyticsOut(BaseModel):
    """The platform's figures for a period of UTC days."""

    model_config = ConfigDict(populate_by_name=True)

    from_: date = Field(alias="from")
    to: date
    growth: GrowthOut
    revenue_by_kind: list[RevenueRowOut]
    revenue_by_country: list[RevenueRowOut]
    clients_by_country: list[CountOut]
    popularity: list[PopularityOut]
    churn: list[CountOut]  # regular clients lost per month


class RateOut(BaseModel):
    """Last hour's traffic of one provider (webhooks) or kind (side effects)."""

    key: str
    count: int
    failed: int
    error_rate: float | None


class LiveOut(BaseModel):
    """What is happening now."""

    at: datetime
    live_sessions: int
    scheduled_now: int
    bookings_last_hour: int
    messages_last_hour: int
    queue_depth: int
    unfinished_deliveries: int
    webhooks: list[RateOut]
    outbox: list[RateOut]
    activity: list[list[int]]  # inbound messages, last 7 days: UTC weekday x hour
