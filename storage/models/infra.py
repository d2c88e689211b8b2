"""Plumbing tables: integrations, external ids, inbound dedup, outbox, chat state, audit."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from domain.enums import IntegrationHealth, OutboxKind, OutboxStatus, Provider
from storage.models.base import Base, stamp, uuid_pk
from storage.types import JSONType, str_enum


class IntegrationAccount(Base):
    """Credentials for one provider, owned by the platform or by one reader (encrypted)."""

    __tablename__ = "integration_accounts"
    __table_args__ = (sa.UniqueConstraint("owner_key", "provider"),)

    id: Mapped[uuid.UUID] = uuid_pk()
    # "platform" or "reader:<uuid>": a NOT NULL key keeps the uniqueness portable.
    owner_key: Mapped[str] = mapped_column(sa.String(64))
    reader_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("readers.id"))
    provider: Mapped[Provider] = mapped_column(str_enum(Provider))
    credentials_encrypted: Mapped[bytes] = mapped_column(sa.LargeBinary)
    sync_cursor: Mapped[str | None] = mapped_column(sa.Text)
    health: Mapped[IntegrationHealth] = mapped_column(
        str_enum(IntegrationHealth), default=IntegrationHealth.UNKNOWN
    )
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    last_checked_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = stamp()


class ExternalRef(Base):
    """Our entity -> the provider's id for it, so retries find instead of re-create."""

    __tablename__ = "external_refs"
    __table_args__ = (
        sa.UniqueConstraint("entity_kind", "entity_id", "provider", "purpose"),
        # A webhook names only the provider's id (a Zoom meeting): find our entity by it.
        sa.Index("ix_external_refs_lookup", "provider", "purpose", "external_id"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    entity_kind: Mapped[str] = mapped_column(sa.String(32))
    entity_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid())
    provider: Mapped[Provider] = mapped_column(str_enum(Provider))
    purpose: Mapped[str] = mapped_column(sa.String(32), default="")
    external_id: Mapped[str] = mapped_column(sa.String(1024))
    data: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    created_at: Mapped[datetime] = stamp()


class InboundEvent(Base):
    """Every webhook delivery by the provider's own id: the second one stops here."""

    __tablename__ = "inbound_events"
    __table_args__ = (
        sa.UniqueConstraint("provider", "event_id"),
        # The recovery sweep reads only unfinished deliveries; finished ones are most rows.
        sa.Index(
            "ix_inbound_events_unfinished",
            "received_at",
            sqlite_where=sa.text("processed_at IS NULL"),
            postgresql_where=sa.text("processed_at IS NULL"),
        ),
        # Live figures: deliveries of the last hour per provider.
        sa.Index("ix_inbound_events_received_at", "received_at", "provider"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    provider: Mapped[str] = mapped_column(sa.String(32))
    event_id: Mapped[str] = mapped_column(sa.String(255))
    received_at: Mapped[datetime] = mapped_column()
    processed_at: Mapped[datetime | None] = mapped_column()
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    error: Mapped[str | None] = mapped_column(sa.Text)
    # Set by the recovery sweep that took an unfinished delivery; another sweep waits it out.
    claimed_until: Mapped[datetime | None] = mapped_column()


class OutboxMessage(Base):
    """A side effect committed with the state change that caused it."""

    __tablename__ = "outbox"
    __table_args__ = (
        sa.CheckConstraint("attempts >= 0", name="attempts_nonneg"),
        sa.Index("ix_outbox_due", "status", "next_attempt_at"),
        sa.Index("ix_outbox_updated_at", "updated_at"),  # live: effects of the last hour
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    key: Mapped[str] = mapped_column(sa.String(255), unique=True)
    kind: Mapped[OutboxKind] = mapped_column(str_enum(OutboxKind))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType)
    status: Mapped[OutboxStatus] = mapped_column(str_enum(OutboxStatus))
    attempts: Mapped[int] = mapped_column(sa.Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column()
    locked_until: Mapped[datetime | None] = mapped_column()
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = stamp()
    updated_at: Mapped[datetime] = stamp()


class ConversationState(Base):
    """Where one conversation stands; `version` makes concurrent steps lose, not merge."""

    __tablename__ = "conversation_states"

    key: Mapped[str] = mapped_column(sa.String(400), primary_key=True)
    conversation: Mapped[str] = mapped_column(sa.String(64))
    state: Mapped[str] = mapped_column(sa.String(64))
    context: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    version: Mapped[int] = mapped_column(sa.Integer, default=0)
    expires_at: Mapped[datetime | None] = mapped_column()
    updated_at: Mapped[datetime] = stamp()


class AuditLog(Base):
    """Append-only; each row hashes the previous one so an edit breaks the chain."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(
        sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    at: Mapped[datetime] = mapped_column()
    actor: Mapped[str] = mapped_column(sa.String(128))
    action: Mapped[str] = mapped_column(sa.String(64))
    entity_kind: Mapped[str] = mapped_column(sa.String(32))
    entity_id: Mapped[str] = mapped_column(sa.String(64))
    data: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    prev_hash: Mapped[str] = mapped_column(sa.String(64))
    hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
