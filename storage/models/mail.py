"""Email sign-in codes and the local outbox of email the hub holds instead of sending."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from domain.enums import EmailKind
from storage.models.base import Base, stamp, uuid_pk
from storage.types import JSONType, str_enum


class LoginCode(Base):
    """A one-time code sent to a client's email for one chat account (its hash only)."""

    __tablename__ = "login_codes"
    __table_args__ = (
        sa.Index("ix_login_codes_email_created", "email", "created_at"),
        sa.Index("ix_login_codes_identity_created", "identity_id", "created_at"),
        sa.CheckConstraint("wrong_tries >= 0", name="wrong_tries_nonneg"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    email: Mapped[str] = mapped_column(sa.String(320))
    client_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("clients.id"))
    identity_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("channel_identities.id"))
    code_hash: Mapped[str] = mapped_column(sa.String(64))
    wrong_tries: Mapped[int] = mapped_column(sa.Integer, default=0)
    expires_at: Mapped[datetime] = mapped_column()
    used_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = stamp()


class HeldEmail(Base):
    """An email the built-in provider keeps for the admin to read (no SMTP configured)."""

    __tablename__ = "email_outbox"
    __table_args__ = (sa.Index("ix_email_outbox_to_created", "to_address", "created_at"),)

    id: Mapped[uuid.UUID] = uuid_pk()
    to_address: Mapped[str] = mapped_column(sa.String(320))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body_text: Mapped[str] = mapped_column(sa.Text)
    kind: Mapped[EmailKind] = mapped_column(str_enum(EmailKind))
    # What was attached, as [{"filename", "content_type", "size"}]: the files themselves
    # are not kept (an invoice's PDF is rendered again on request).
    attachments: Mapped[list[dict[str, Any]]] = mapped_column(
        JSONType, default=list, server_default=sa.text("'[]'")
    )
    created_at: Mapped[datetime] = stamp()
