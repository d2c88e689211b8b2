"""Analytics rollups: per reader per local day (and hour), kept current from marks.

Triggers on bookings, payments, ratings and reading_sessions mark the (reader, UTC day)
and (reader, client) a change touched, in the changing transaction itself; the rollups
of a marked day are recomputed from its few rows before the next figure is read and by
the `refresh-analytics` flow. Figures read only these tables, never the bookings table.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from domain.enums import Channel, FunnelStep
from storage.models.base import Base, stamp, uuid_pk
from storage.types import str_enum

# Revenue of a payment with no service (an ad-hoc invoice) is filed under this id.
NO_SERVICE = uuid.UUID(int=0)


class AnalyticsDirtyDay(Base):
    """A (reader, UTC day) whose rollups are stale; `marks` counts changes since marked."""

    __tablename__ = "analytics_dirty_days"

    reader_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    marks: Mapped[int] = mapped_column(sa.Integer, default=1, server_default="1")


class AnalyticsDirtyClient(Base):
    """A (reader, client) whose retention rollups are stale."""

    __tablename__ = "analytics_dirty_clients"

    reader_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    client_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    marks: Mapped[int] = mapped_column(sa.Integer, default=1, server_default="1")


class AnalyticsReader(Base):
    """The zone a reader's rollups were computed in: a change of zone rebuilds them."""

    __tablename__ = "analytics_readers"

    reader_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("readers.id"), primary_key=True)
    timezone: Mapped[str] = mapped_column(sa.String(64))
    rebuilt_at: Mapped[datetime] = mapped_column()


class AnalyticsHour(Base):
    """Sessions starting in one local hour of one service, by outcome."""

    __tablename__ = "analytics_reader_hours"
    # Platform figures ask for every reader's days in a period; the key starts with the reader.
    __table_args__ = (
        sa.Index("ix_analytics_reader_hours_day", "local_day", "service_id", "completed"),
    )

    reader_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    local_day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    local_hour: Mapped[int] = mapped_column(sa.SmallInteger, primary_key=True)
    service_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    completed: Mapped[int] = mapped_column(sa.Integer, default=0)
    no_show: Mapped[int] = mapped_column(sa.Integer, default=0)
    cancelled: Mapped[int] = mapped_column(sa.Integer, default=0)
    confirmed: Mapped[int] = mapped_column(sa.Integer, default=0)  # booked, not yet marked
    booked_minutes: Mapped[int] = mapped_column(sa.Integer, default=0)  # completed + confirmed
    timed_sessions: Mapped[int] = mapped_column(sa.Integer, default=0)
    held_seconds: Mapped[int] = mapped_column(sa.BigInteger, default=0)


class AnalyticsDuration(Base):
    """How many held sessions of a local day lasted this many whole minutes (for medians)."""

    __tablename__ = "analytics_reader_durations"

    reader_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    local_day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    minutes: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    sessions: Mapped[int] = mapped_column(sa.Integer)


class AnalyticsRating(Base):
    """Ratings given on a local day, per number of stars."""

    __tablename__ = "analytics_reader_ratings"

    reader_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    local_day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    stars: Mapped[int] = mapped_column(sa.SmallInteger, primary_key=True)
    ratings: Mapped[int] = mapped_column(sa.Integer)


class AnalyticsRevenue(Base):
    """Money received on a local day, in the reader's and the platform's currency."""

    __tablename__ = "analytics_reader_revenue"

    reader_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    local_day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    service_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    country: Mapped[str] = mapped_column(sa.String(2), primary_key=True)  # "" when unknown
    currency: Mapped[str] = mapped_column(sa.String(3), primary_key=True)  # the reader's
    payments: Mapped[int] = mapped_column(sa.Integer)
    gross_minor: Mapped[int] = mapped_column(sa.BigInteger)
    refunded_minor: Mapped[int] = mapped_column(sa.BigInteger)
    platform_currency: Mapped[str | None] = mapped_column(sa.String(3))
    platform_net_minor: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    platform_fee_minor: Mapped[int] = mapped_column(sa.BigInteger, default=0)


class AnalyticsClientMonth(Base):
    """A client's held sessions with a reader in one local month (retention, cohorts)."""

    __tablename__ = "analytics_client_months"
    __table_args__ = (
        sa.Index("ix_analytics_client_months_month", "local_month", "client_id"),
        sa.Index("ix_analytics_client_months_reader_month", "reader_id", "local_month"),
    )

    reader_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    client_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    local_month: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    sessions: Mapped[int] = mapped_column(sa.Integer)


class AnalyticsClient(Base):
    """A client's first and last held session with a reader, and how many.

    `first_month` (local) makes cohorts and new clients one indexed count; the mean gap
    between sessions is kept per client so the reader's average and median are SQL.
    """

    __tablename__ = "analytics_reader_clients"
    __table_args__ = (
        sa.Index("ix_analytics_reader_clients_first", "reader_id", "first_month"),
        sa.Index("ix_analytics_reader_clients_gap", "reader_id", "mean_gap_seconds"),
        # The platform's churn: clients whose last session is in a window, then all their rows.
        sa.Index("ix_analytics_reader_clients_last", "last_session_at", "client_id"),
        sa.Index("ix_analytics_reader_clients_client", "client_id", "last_session_at", "sessions"),
    )

    reader_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    client_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    first_session_at: Mapped[datetime] = mapped_column()
    last_session_at: Mapped[datetime] = mapped_column()
    sessions: Mapped[int] = mapped_column(sa.Integer)
    first_month: Mapped[date] = mapped_column(sa.Date)
    mean_gap_seconds: Mapped[int | None] = mapped_column(sa.BigInteger)  # None: one session


class AnalyticsGap(Base):
    """A reader's clients by whole days between their sessions (-1: only one session).

    The reader's client count, repeat rate, mean gap and the bucket holding the median
    are sums over these few rows instead of a pass over every client; each bucket is
    recounted from `analytics_reader_clients` when a client in it changes.
    """

    __tablename__ = "analytics_reader_gaps"

    reader_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    gap_day: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    clients: Mapped[int] = mapped_column(sa.Integer)
    gap_seconds: Mapped[int] = mapped_column(sa.BigInteger)  # their mean gaps, summed


class DashboardLink(Base):
    """A one-time sign-in link to the dashboard (only its hash is kept)."""

    __tablename__ = "dashboard_links"

    id: Mapped[uuid.UUID] = uuid_pk()
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    reader_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("readers.id"))
    is_admin: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    expires_at: Mapped[datetime] = mapped_column()
    used_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = stamp()


class FunnelMark(Base):
    """The first time a client reached a funnel step on a channel (written once)."""

    __tablename__ = "analytics_funnel"
    __table_args__ = (sa.Index("ix_analytics_funnel_reached_at", "reached_at"),)

    step: Mapped[FunnelStep] = mapped_column(str_enum(FunnelStep), primary_key=True)
    channel: Mapped[Channel] = mapped_column(str_enum(Channel), primary_key=True)
    client_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    reached_at: Mapped[datetime] = mapped_column()
