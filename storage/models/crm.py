"""Client relationship: private notes, follow-up sequences, email audience sync, attribution."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from domain.enums import (
    AudienceStatus,
    Channel,
    DeliveryStatus,
    EnrolmentStatus,
    SequenceTrigger,
)
from storage.models.base import Base, stamp, uuid_pk
from storage.types import str_enum


class ClientNote(Base):
    """A reader's private note on a client, Fernet-encrypted; only that reader reads it."""

    __tablename__ = "client_notes"
    __table_args__ = (sa.Index("ix_client_notes_reader_client", "reader_id", "client_id"),)

    id: Mapped[uuid.UUID] = uuid_pk()
    reader_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("readers.id"))
    client_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("clients.id"))
    body_encrypted: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = stamp()


class FollowUpSequence(Base):
    """Steps sent a delay after an event; a reader's own or the platform's ready-made one."""

    __tablename__ = "follow_up_sequences"
    __table_args__ = (sa.UniqueConstraint("reader_id", "key"),)

    id: Mapped[uuid.UUID] = uuid_pk()
    reader_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("readers.id"))
    key: Mapped[str] = mapped_column(sa.String(64))  # "thank_you", "win_back", ...
    trigger: Mapped[SequenceTrigger] = mapped_column(str_enum(SequenceTrigger))
    active: Mapped[bool] = mapped_column(sa.Boolean, default=True, server_default=sa.true())
    created_at: Mapped[datetime] = stamp()


class FollowUpStep(Base):
    """One message of a sequence: its delay from the trigger, its template and button."""

    __tablename__ = "follow_up_steps"
    __table_args__ = (
        sa.UniqueConstraint("sequence_id", "position"),
        sa.CheckConstraint("delay_minutes >= 0", name="delay_nonneg"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    sequence_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("follow_up_sequences.id", ondelete="CASCADE")
    )
    position: Mapped[int] = mapped_column(sa.Integer)
    delay_minutes: Mapped[int] = mapped_column(sa.Integer)
    template: Mapped[str] = mapped_column(sa.Text)
    button: Mapped[str | None] = mapped_column(sa.String(32))  # "rate", "rebook", ...
    marketing: Mapped[bool] = mapped_column(sa.Boolean, default=False, server_default=sa.false())


class FollowUpEnrolment(Base):
    """One client in one run of a sequence, keyed by what started it (once per trigger)."""

    __tablename__ = "follow_up_enrolments"
    __table_args__ = (
        sa.UniqueConstraint("sequence_id", "client_id", "anchor_ref"),
        sa.Index("ix_follow_up_enrolments_client_status", "client_id", "status"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    sequence_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("follow_up_sequences.id", ondelete="CASCADE")
    )
    client_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("clients.id"))
    reader_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("readers.id"))
    anchor_ref: Mapped[str] = mapped_column(sa.String(64))  # a booking id, "2026-12" ...
    anchor_at: Mapped[datetime] = mapped_column()
    status: Mapped[EnrolmentStatus] = mapped_column(str_enum(EnrolmentStatus))
    left_reason: Mapped[str | None] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = stamp()


class FollowUpDelivery(Base):
    """One step of one enrolment: unique, so a rerun or a crash never sends it twice."""

    __tablename__ = "follow_up_deliveries"
    __table_args__ = (
        sa.UniqueConstraint("enrolment_id", "step_id"),
        sa.Index("ix_follow_up_deliveries_due", "status", "due_at"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    enrolment_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("follow_up_enrolments.id", ondelete="CASCADE")
    )
    step_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("follow_up_steps.id", ondelete="CASCADE")
    )
    client_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("clients.id"))
    due_at: Mapped[datetime] = mapped_column()
    status: Mapped[DeliveryStatus] = mapped_column(str_enum(DeliveryStatus))
    channel: Mapped[Channel | None] = mapped_column(str_enum(Channel))
    attempts: Mapped[int] = mapped_column(sa.Integer, default=0, server_default="0")
    sent_at: Mapped[datetime | None] = mapped_column()
    error: Mapped[str | None] = mapped_column(sa.Text)


class AudienceMember(Base):
    """What the email audience (Mailchimp) last accepted for a client, to send only changes."""

    __tablename__ = "audience_members"
    __table_args__ = (sa.UniqueConstraint("audience_id", "subscriber_hash"),)

    client_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("clients.id"), primary_key=True)
    audience_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    subscriber_hash: Mapped[str] = mapped_column(sa.String(32))  # MD5 of the lowercased email
    status: Mapped[AudienceStatus] = mapped_column(str_enum(AudienceStatus))
    # SHA-256 of the merge fields, tags and status last sent; equal means nothing to send.
    fingerprint: Mapped[str] = mapped_column(sa.String(64))
    synced_at: Mapped[datetime] = mapped_column()


class SyncCursor(Base):
    """How far a sync flow got (e.g. `sync-mailchimp`): it resumes after `position`."""

    __tablename__ = "sync_cursors"

    name: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    position: Mapped[str] = mapped_column(sa.String(200))
    updated_at: Mapped[datetime] = mapped_column()


class CampaignAttribution(Base):
    """A booking made from a campaign (its offer code or button) within 7 days; once each."""

    __tablename__ = "campaign_attributions"

    booking_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("bookings.id"), primary_key=True)
    campaign_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("campaigns.id"), index=True)
    via: Mapped[str] = mapped_column(sa.String(16))  # "code" or "button"
    created_at: Mapped[datetime] = stamp()
