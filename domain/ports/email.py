"""Email we send: one port for every provider (SMTP, the local outbox), and the outbox's view."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.enums import EmailKind
from domain.ports.notify import Notice


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file sent with an email (an invoice's PDF)."""

    filename: str
    content_type: str  # "application/pdf"
    data: bytes = field(repr=False)

    def __post_init__(self) -> None:
        if "/" not in self.content_type:
            raise ValueError(f"{self.content_type!r} is not a MIME type like application/pdf")


@dataclass(frozen=True, slots=True)
class OutgoingEmail:
    """One plain-text email to one person, already written in their language."""

    to: str
    subject: str
    text: str
    kind: EmailKind
    attachments: tuple[Attachment, ...] = ()


@dataclass(frozen=True, slots=True)
class EmailCopy:
    """An email's subject and text in its reader's language."""

    subject: str
    text: str


@dataclass(frozen=True, slots=True)
class HeldEmail:
    """An email the local outbox holds instead of sending it."""

    id: UUID
    to: str
    subject: str
    text: str
    kind: EmailKind
    created_at: datetime
    attachments: tuple[str, ...] = ()  # the files' names; the outbox keeps no file bodies


class Mailer(Protocol):
    """Sends transactional email: login codes, invoices (their PDF attached), receipts."""

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


class EmailWriter(Protocol):
    """Writes a notice as an email in its reader's language (the chat's words, by email)."""

    def write(self, notice: Notice, *, language: str) -> EmailCopy:
        """The subject and text of one notice.

        Args:
            notice: What to say (kind and raw values: numbers, amounts, links).
            language: The recipient's language tag ("en", "ar").

        Returns:
            The subject and plain text.
        """
        ...
