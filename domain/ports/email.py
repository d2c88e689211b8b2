"""Email we send: one port for every provider (SMTP, the local outbox), and the outbox's view."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.enums import EmailKind


@dataclass(frozen=True, slots=True)
class OutgoingEmail:
    """One plain-text email to one person, already written in their language."""

    to: str
    subject: str
    text: str
    kind: EmailKind


@dataclass(frozen=True, slots=True)
class HeldEmail:
    """An email the local outbox holds instead of sending it."""

    id: UUID
    to: str
    subject: str
    text: str
    kind: EmailKind
    created_at: datetime


class Mailer(Protocol):
    """Sends transactional email: login codes today, invoices and receipts later."""

    provider: str

    async def send(self, email: OutgoingEmail) -> None:
        """Hand one email to the provider.

        Args:
            email: What to send, and to whom.

        Raises:
            TransientConnectorError: The provider is down or busy; trying later may work.
            PermanentConnectorError: The provider refused this email (bad address, auth).
        """
        ...


class Mailbox(Protocol):
    """The local outbox, read by the admin (`samia outbox`, `/outbox`)."""

    async def recent(self, *, limit: int = 50, to: str | None = None) -> list[HeldEmail]:
        """The newest held emails first.

        Args:
            limit: At most this many.
            to: Only those sent to this address (any case).

        Returns:
            The emails, newest first.
        """
        ...
