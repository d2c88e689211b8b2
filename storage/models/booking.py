"""Bookings and what happened in them."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from domain.enums import BookingStatus, Channel, PricingModel, ServiceKind
from storage.models.base import Base, stamp, uuid_pk
from storage.types import currency_check, money_checks, str_enum


class Booking(Base):
    """A client's reservation of a reader's time, with the price as it was when booked."""

    __tablename__ = "bookings"
    __table_args__ = (
        *money_checks("bookings", "price_minor", "fee_minor"),
        currency_check("bookings"),
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        sa.CheckConstraint(
            "status <> 'held' OR hold_expires_at IS NOT NULL", name="held_has_expiry"
        ),
        sa.Index("ix_bookings_reader_start", "reader_id", "starts_at"),
        sa.Index("ix_bookings_client_start", "client_id", "starts_at"),
        sa.Index("ix_bookings_status_start", "status", "starts_at"),
        sa.Index("ix_bookings_created_at", "created_at"),  # live: bookings in the last hour
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    reader_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("readers.id"))
    client_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("clients.id"))
    service_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("services.id"))
    starts_at: Mapped[datetime] = mapped_column()
    ends_at: Mapped[datetime] = mapped_column()
    client_timezone: Mapped[str] = mapped_column(sa.String(64))
    status: Mapped[BookingStatus] = mapped_column(str_enum(BookingStatus))
    hold_expires_at: Mapped[datetime | None] = mapped_column()
    service_kind: Mapped[ServiceKind] = mapped_column(str_enum(ServiceKind))
    pricing_model: Mapped[PricingModel] = mapped_column(str_enum(PricingModel))
    price_minor: Mapped[int] = mapped_column(sa.BigInteger)
    currency: Mapped[str] = mapped_column(sa.String(3))
    package_credit_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("package_credits.id"))
    fee_minor: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    source_channel: Mapped[Channel] = mapped_column(str_enum(Channel))
    confirmed_at: Mapped[datetime | None] = mapped_column()
    cancelled_at: Mapped[datetime | None] = mapped_column()
    cancel_reason: Mapped[str | None] = mapped_column(sa.String(500))
    rescheduled_count: Mapped[int] = mapped_column(sa.Integer, default=0)
    calendar_event_id: Mapped[str | None] = mapped_column(sa.String(1024))
    meeting_url: Mapped[str | None] = mapped_column(sa.String(1000))
    version: Mapped[int] = mapped_column(sa.Integer, default=1)
    created_at: Mapped[datetime] = stamp()
    updated_at: Mapped[datetime] = stamp()


class ReadingSession(Base):
    """When a reading really started and ended (from Zoom events or the reader)."""

    __tablename__ = "reading_sessions"
    __table_args__ = (sa.Index("ix_reading_sessions_started_at", "started_at"),)

    id: Mapped[uuid.UUID] = uuid_pk()
    booking_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("bookings.id"), unique=True)
    medium: Mapped[ServiceKind] = mapped_column(str_enum(ServiceKind))
    started_at: Mapped[datetime | None] = mapped_column()
    ended_at: Mapped[datetime | None] = mapped_column()
    duration_seconds: Mapped[int | None] = mapped_column(sa.Integer)


class CalendarBusy(Base):
    """An event on a reader's own calendar that we did not make: it blocks slots."""

    __tablename__ = "calendar_busy"
    __table_args__ = (
        sa.UniqueConstraint("reader_id", "provider", "event_id"),
        sa.CheckConstraint("ends_at >= starts_at", name="ends_after_start"),
        sa.Index("ix_calendar_busy_reader_start", "reader_id", "starts_at"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    reader_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("readers.id"))
    provider: Mapped[str] = mapped_column(sa.String(32))
    event_id: Mapped[str] = mapped_column(sa.String(1024))
    starts_at: Mapped[datetime] = mapped_column()
    ends_at: Mapped[datetime] = mapped_column()
    synced_at: Mapped[datetime] = stamp()


class Rating(Base):
    """A client's stars and words after a reading."""

    __tablename__ = "ratings"
    __table_args__ = (
        sa.CheckConstraint("stars >= 1 AND stars <= 5", name="stars_range"),
        sa.Index("ix_ratings_reader_created", "reader_id", "created_at"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    booking_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("bookings.id"), unique=True)
    reader_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("readers.id"), index=True)
    client_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("clients.id"))
    stars: Mapped[int] = mapped_column(sa.SmallInteger)
    feedback: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = stamp()
