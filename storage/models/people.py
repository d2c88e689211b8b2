"""Readers, clients, admins and the chat identities that point at them."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from domain.enums import Channel, LateCancelPolicy, Role
from storage.models.base import Base, stamp, uuid_pk
from storage.types import JSONType, currency_check, str_enum


class Reader(Base):
    """A tarot reader: their business settings, policy and branding."""

    __tablename__ = "readers"
    __table_args__ = (
        currency_check("readers"),
        sa.CheckConstraint(
            "revenue_share_bps >= 0 AND revenue_share_bps <= 10000", name="revenue_share_range"
        ),
        sa.CheckConstraint(
            "late_cancel_fee_bps >= 0 AND late_cancel_fee_bps <= 10000", name="late_fee_range"
        ),
        sa.CheckConstraint(
            "buffer_before_minutes >= 0 AND buffer_after_minutes >= 0 "
            "AND minimum_notice_minutes >= 0 AND maximum_advance_days > 0",
            name="scheduling_nonneg",
        ),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    slug: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    email: Mapped[str | None] = mapped_column(sa.String(320))
    timezone: Mapped[str] = mapped_column(sa.String(64))
    currency: Mapped[str] = mapped_column(sa.String(3))
    languages: Mapped[list[str]] = mapped_column(JSONType, default=list)
    # Reader's share of revenue in basis points (7000 = 70 %): integers keep splits exact.
    revenue_share_bps: Mapped[int] = mapped_column(sa.Integer, default=7000)
    display_name: Mapped[str | None] = mapped_column(sa.String(200))
    brand_primary_color: Mapped[str | None] = mapped_column(sa.String(9))
    brand_accent_color: Mapped[str | None] = mapped_column(sa.String(9))
    greeting: Mapped[str | None] = mapped_column(sa.Text)
    booking_slug: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    buffer_before_minutes: Mapped[int] = mapped_column(sa.Integer, default=0)
    buffer_after_minutes: Mapped[int] = mapped_column(sa.Integer, default=10)
    minimum_notice_minutes: Mapped[int] = mapped_column(sa.Integer, default=120)
    maximum_advance_days: Mapped[int] = mapped_column(sa.Integer, default=60)
    free_cancel_hours: Mapped[int] = mapped_column(sa.Integer, default=24)
    late_cancel_policy: Mapped[LateCancelPolicy] = mapped_column(
        str_enum(LateCancelPolicy), default=LateCancelPolicy.FEE
    )
    late_cancel_fee_bps: Mapped[int] = mapped_column(sa.Integer, default=5000)
    room_url: Mapped[str | None] = mapped_column(sa.String(500))
    # Money: where the reader is taxed, how their prices carry tax, and whether a booking
    # waits for its payment (held for the payment window) before it confirms.
    country: Mapped[str | None] = mapped_column(sa.String(2))
    tax_inclusive: Mapped[bool] = mapped_column(sa.Boolean, default=True, server_default=sa.true())
    prepayment_required: Mapped[bool] = mapped_column(
        sa.Boolean, default=False, server_default=sa.false()
    )
    payment_window_minutes: Mapped[int] = mapped_column(sa.Integer, default=30, server_default="30")
    # Loyalty: points per whole unit of the reader's currency settled, and what a free
    # session costs in points (0: no free sessions, points only discount).
    loyalty_points_per_unit: Mapped[int] = mapped_column(sa.Integer, default=1, server_default="1")
    loyalty_free_session_points: Mapped[int] = mapped_column(
        sa.Integer, default=500, server_default="500"
    )
    ics_token: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    # Bumped by every booking write for this reader; the UPDATE doubles as the lock that
    # serializes concurrent booking writes on SQLite and PostgreSQL alike.
    schedule_version: Mapped[int] = mapped_column(sa.Integer, default=0)
    is_active: Mapped[bool] = mapped_column(sa.Boolean, default=True)
    created_at: Mapped[datetime] = stamp()


class Client(Base):
    """A person who books readings; personal data is blanked on erasure, the row stays."""

    __tablename__ = "clients"
    __table_args__ = (
        sa.Index("ix_clients_created_at", "created_at"),  # growth per week
        # Clients per country on the platform page, read from the index alone.
        sa.Index(
            "ix_clients_live_country",
            "country",
            sqlite_where=sa.text("erased_at IS NULL"),
            postgresql_where=sa.text("erased_at IS NULL"),
        ),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    name: Mapped[str | None] = mapped_column(sa.String(200))
    email: Mapped[str | None] = mapped_column(sa.String(320), unique=True)
    phone: Mapped[str | None] = mapped_column(sa.String(40))
    language: Mapped[str] = mapped_column(sa.String(16), default="en")
    timezone: Mapped[str] = mapped_column(sa.String(64), default="UTC")
    country: Mapped[str | None] = mapped_column(sa.String(2))
    birthday: Mapped[date | None] = mapped_column(sa.Date)
    referral_code: Mapped[str] = mapped_column(sa.String(16), unique=True)
    referred_by_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("clients.id"))
    preferences: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    marketing_consent: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    marketing_consent_source: Mapped[str | None] = mapped_column(sa.String(64))
    marketing_consent_at: Mapped[datetime | None] = mapped_column()
    preferred_channel: Mapped[Channel | None] = mapped_column(str_enum(Channel))
    # Local wall times (the client's zone) no follow-up or campaign is sent between;
    # a window may wrap midnight (22:00-08:00).
    quiet_hours_start: Mapped[time | None] = mapped_column(sa.Time)
    quiet_hours_end: Mapped[time | None] = mapped_column(sa.Time)
    erased_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = stamp()


class Admin(Base):
    """A platform operator."""

    __tablename__ = "admins"

    id: Mapped[uuid.UUID] = uuid_pk()
    name: Mapped[str] = mapped_column(sa.String(200))
    email: Mapped[str] = mapped_column(sa.String(320), unique=True)
    created_at: Mapped[datetime] = stamp()


class ChannelIdentity(Base):
    """One account on one channel, linked to exactly one client, reader or admin."""

    __tablename__ = "channel_identities"
    __table_args__ = (
        sa.UniqueConstraint("channel", "workspace", "external_user_id"),
        sa.CheckConstraint(
            "(role = 'client' AND client_id IS NOT NULL AND reader_id IS NULL AND admin_id IS NULL)"
            " OR (role = 'reader' AND reader_id IS NOT NULL AND admin_id IS NULL)"
            " OR (role = 'admin' AND admin_id IS NOT NULL AND reader_id IS NULL)",
            name="one_owner",
        ),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    channel: Mapped[Channel] = mapped_column(str_enum(Channel))
    # Slack team, Meta page / IG account, "" where the channel has a single namespace.
    workspace: Mapped[str] = mapped_column(sa.String(128), default="")
    external_user_id: Mapped[str] = mapped_column(sa.String(128))
    role: Mapped[Role] = mapped_column(str_enum(Role))
    client_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("clients.id"), index=True)
    reader_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("readers.id"), index=True)
    admin_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("admins.id"))
    display_name: Mapped[str | None] = mapped_column(sa.String(200))
    locale: Mapped[str | None] = mapped_column(sa.String(16))
    chat_id: Mapped[str | None] = mapped_column(sa.String(128))
    last_inbound_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = stamp()


class LinkCode(Base):
    """A one-time code that links a chat account to a reader or admin."""

    __tablename__ = "link_codes"
    __table_args__ = (
        sa.CheckConstraint("(reader_id IS NOT NULL) <> (admin_id IS NOT NULL)", name="one_owner"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    # Only a hash is kept: a leaked database must not hand out reader accounts.
    code_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    role: Mapped[Role] = mapped_column(str_enum(Role))
    reader_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("readers.id"))
    admin_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("admins.id"))
    expires_at: Mapped[datetime] = mapped_column()
    used_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = stamp()
