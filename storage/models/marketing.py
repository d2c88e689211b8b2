"""Loyalty, referrals, segments, campaigns and consent."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from domain.enums import (
    CampaignKind,
    CampaignStatus,
    Channel,
    ConsentKind,
    DeliveryStatus,
    LoyaltyKind,
    ReferralStatus,
)
from storage.models.base import Base, stamp, uuid_pk
from storage.types import JSONType, str_enum


class LoyaltyEntry(Base):
    """Points earned or spent; the balance is the sum, never a stored counter."""

    __tablename__ = "loyalty_ledger"
    __table_args__ = (
        sa.CheckConstraint("points <> 0", name="points_nonzero"),
        sa.UniqueConstraint("idempotency_key"),
        sa.Index("ix_loyalty_ledger_client_reader", "client_id", "reader_id", "created_at"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    client_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("clients.id"), index=True)
    # Points are earned with one reader and spent with that reader (their rate, their cost).
    reader_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("readers.id"))
    kind: Mapped[LoyaltyKind] = mapped_column(str_enum(LoyaltyKind))
    points: Mapped[int] = mapped_column(sa.Integer)
    booking_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("bookings.id"))
    payment_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("payments.id"))
    # Earned points lapse 12 months after they were earned; spending uses the oldest first.
    expires_at: Mapped[datetime | None] = mapped_column()
    reason: Mapped[str | None] = mapped_column(sa.String(200))
    idempotency_key: Mapped[str] = mapped_column(sa.String(128))
    created_at: Mapped[datetime] = stamp()


class Referral(Base):
    """A client brought by another; rewarded once, when the referred client qualifies."""

    __tablename__ = "referrals"
    __table_args__ = (sa.CheckConstraint("referrer_id <> referred_id", name="not_self"),)

    id: Mapped[uuid.UUID] = uuid_pk()
    referrer_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("clients.id"), index=True)
    referred_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("clients.id"), unique=True)
    code: Mapped[str] = mapped_column(sa.String(16))
    status: Mapped[ReferralStatus] = mapped_column(str_enum(ReferralStatus))
    rewarded_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = stamp()


class Segment(Base):
    """A saved client filter (JSON rules) for campaigns."""

    __tablename__ = "segments"
    __table_args__ = (sa.UniqueConstraint("reader_id", "name"),)

    id: Mapped[uuid.UUID] = uuid_pk()
    reader_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("readers.id"))
    name: Mapped[str] = mapped_column(sa.String(200))
    # The rule as the reader wrote it ("no booking in 60 days and sessions >= 3"); the
    # parsed form is `definition`, so an old rule still reads the same after a parser change.
    rule: Mapped[str | None] = mapped_column(sa.Text)
    definition: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime] = stamp()


class Campaign(Base):
    """A follow-up, loyalty or promotion campaign a reader launches."""

    __tablename__ = "campaigns"

    id: Mapped[uuid.UUID] = uuid_pk()
    # None for a platform campaign an admin launches to every reader's consenting clients.
    reader_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("readers.id"), index=True)
    segment_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("segments.id"))
    # A library segment is chosen by its key and stored nowhere else.
    segment_key: Mapped[str | None] = mapped_column(sa.String(64))
    name: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[CampaignKind] = mapped_column(str_enum(CampaignKind))
    status: Mapped[CampaignStatus] = mapped_column(str_enum(CampaignStatus))
    body: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    image_key: Mapped[str | None] = mapped_column(sa.String(64))  # a stored_files key
    offer_code: Mapped[str | None] = mapped_column(sa.String(32), unique=True)
    booking_button: Mapped[bool] = mapped_column(sa.Boolean, default=True, server_default=sa.true())
    # The local wall time to send at, in each client's own zone ("Friday 18:00").
    scheduled_local: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=False))
    scheduled_at: Mapped[datetime | None] = mapped_column()
    audience_count: Mapped[int | None] = mapped_column(sa.Integer)
    email_campaign_id: Mapped[str | None] = mapped_column(sa.String(64))  # Mailchimp's
    started_at: Mapped[datetime | None] = mapped_column()
    finished_at: Mapped[datetime | None] = mapped_column()
    reported_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = stamp()


class CampaignStep(Base):
    """One message of a campaign, sent a delay after the previous one."""

    __tablename__ = "campaign_steps"
    __table_args__ = (
        sa.UniqueConstraint("campaign_id", "position"),
        sa.CheckConstraint("delay_hours >= 0", name="delay_nonneg"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    campaign_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("campaigns.id", ondelete="CASCADE")
    )
    position: Mapped[int] = mapped_column(sa.Integer)
    delay_hours: Mapped[int] = mapped_column(sa.Integer, default=0)
    channel: Mapped[Channel | None] = mapped_column(str_enum(Channel))
    template: Mapped[str] = mapped_column(sa.Text)


class CampaignDelivery(Base):
    """One step to one client: unique, so a retried campaign never sends twice."""

    __tablename__ = "campaign_deliveries"
    __table_args__ = (
        sa.UniqueConstraint("campaign_step_id", "client_id"),
        sa.Index("ix_campaign_deliveries_due", "status", "due_at"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    campaign_step_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("campaign_steps.id", ondelete="CASCADE")
    )
    client_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("clients.id"), index=True)
    status: Mapped[DeliveryStatus] = mapped_column(str_enum(DeliveryStatus))
    channel: Mapped[Channel | None] = mapped_column(str_enum(Channel))
    due_at: Mapped[datetime | None] = mapped_column()  # the client's local send time, in UTC
    attempts: Mapped[int] = mapped_column(sa.Integer, default=0, server_default="0")
    sent_at: Mapped[datetime | None] = mapped_column()
    external_id: Mapped[str | None] = mapped_column(sa.String(200))
    error: Mapped[str | None] = mapped_column(sa.Text)


class ConsentRecord(Base):
    """Append-only evidence of consent given or withdrawn."""

    __tablename__ = "consent_records"
    __table_args__ = (
        sa.Index("ix_consent_records_current", "client_id", "kind", "channel", "recorded_at"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    client_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("clients.id"), index=True)
    kind: Mapped[ConsentKind] = mapped_column(str_enum(ConsentKind))
    # None: every channel at once (an opt-out anywhere is one of these).
    channel: Mapped[Channel | None] = mapped_column(str_enum(Channel))
    granted: Mapped[bool] = mapped_column(sa.Boolean)
    source: Mapped[str] = mapped_column(sa.String(64))
    text_version: Mapped[str | None] = mapped_column(sa.String(32))
    recorded_at: Mapped[datetime] = mapped_column()
