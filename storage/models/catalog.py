"""What readers sell and when they are open."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from domain.enums import AvailabilityExceptionKind, PricingModel, ServiceKind
from storage.models.base import Base, stamp, uuid_pk
from storage.types import currency_check, money_checks, str_enum


class TarotSpread(Base):
    """A named card layout a service can use; reader_id None = shared by the platform."""

    __tablename__ = "tarot_spreads"

    id: Mapped[uuid.UUID] = uuid_pk()
    reader_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("readers.id"))
    name: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str | None] = mapped_column(sa.Text)


class SpreadPosition(Base):
    """One card position of a spread and what it means."""

    __tablename__ = "spread_positions"
    __table_args__ = (sa.UniqueConstraint("spread_id", "position"),)

    id: Mapped[uuid.UUID] = uuid_pk()
    spread_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("tarot_spreads.id", ondelete="CASCADE")
    )
    position: Mapped[int] = mapped_column(sa.Integer)
    name: Mapped[str] = mapped_column(sa.String(200))
    meaning: Mapped[str] = mapped_column(sa.Text)


class Service(Base):
    """A reading a reader sells: medium, length and price model."""

    __tablename__ = "services"
    __table_args__ = (
        *money_checks("services", "price_minor"),
        currency_check("services"),
        sa.CheckConstraint("duration_minutes > 0", name="duration_positive"),
        sa.CheckConstraint(
            "pricing_model <> 'package' OR package_sessions > 0", name="package_has_sessions"
        ),
        sa.CheckConstraint(
            "revenue_share_bps IS NULL OR (revenue_share_bps >= 0 AND revenue_share_bps <= 10000)",
            name="revenue_share_range",
        ),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    reader_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("readers.id"), index=True)
    slug: Mapped[str] = mapped_column(sa.String(64))
    name: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str | None] = mapped_column(sa.Text)
    kind: Mapped[ServiceKind] = mapped_column(str_enum(ServiceKind))
    duration_minutes: Mapped[int] = mapped_column(sa.Integer)
    pricing_model: Mapped[PricingModel] = mapped_column(str_enum(PricingModel))
    # FIXED: per session; PER_MINUTE: per minute; PACKAGE: the whole package.
    price_minor: Mapped[int] = mapped_column(sa.BigInteger)
    currency: Mapped[str] = mapped_column(sa.String(3))
    package_sessions: Mapped[int | None] = mapped_column(sa.Integer)
    spread_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("tarot_spreads.id"))
    # None: the reader's setting applies (prepayment, revenue share).
    prepayment_required: Mapped[bool | None] = mapped_column(sa.Boolean)
    revenue_share_bps: Mapped[int | None] = mapped_column(sa.Integer)
    is_active: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    created_at: Mapped[datetime] = stamp()


class PackageCredit(Base):
    """Sessions a client has prepaid for a package service."""

    __tablename__ = "package_credits"
    __table_args__ = (
        sa.CheckConstraint("sessions_remaining >= 0", name="remaining_nonneg"),
        sa.CheckConstraint("sessions_total > 0", name="total_positive"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    client_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("clients.id"), index=True)
    service_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("services.id"))
    sessions_total: Mapped[int] = mapped_column(sa.Integer)
    sessions_remaining: Mapped[int] = mapped_column(sa.Integer)
    purchased_at: Mapped[datetime] = mapped_column()
    expires_at: Mapped[datetime | None] = mapped_column()


class AvailabilityRule(Base):
    """Weekly opening hours in the reader's own wall-clock time."""

    __tablename__ = "availability_rules"
    __table_args__ = (sa.CheckConstraint("weekday >= 0 AND weekday <= 6", name="weekday_range"),)

    id: Mapped[uuid.UUID] = uuid_pk()
    reader_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("readers.id", ondelete="CASCADE"), index=True
    )
    weekday: Mapped[int] = mapped_column(sa.SmallInteger)
    start_local: Mapped[time] = mapped_column(sa.Time)
    end_local: Mapped[time] = mapped_column(sa.Time)


class AvailabilityException(Base):
    """A dated change to the weekly hours: time off or extra hours, reader-local."""

    __tablename__ = "availability_exceptions"

    id: Mapped[uuid.UUID] = uuid_pk()
    reader_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("readers.id", ondelete="CASCADE"), index=True
    )
    day: Mapped[date] = mapped_column(sa.Date)
    kind: Mapped[AvailabilityExceptionKind] = mapped_column(str_enum(AvailabilityExceptionKind))
    start_local: Mapped[time | None] = mapped_column(sa.Time)
    end_local: Mapped[time | None] = mapped_column(sa.Time)
    note: Mapped[str | None] = mapped_column(sa.String(200))
