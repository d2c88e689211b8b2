"""What client records need from storage, and the cipher private notes are sealed with."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.enums import BookingStatus


class NoteCipher(Protocol):
    """Symmetric encryption of note bodies (the hub's Fernet key ring)."""

    def encrypt(self, plaintext: bytes) -> bytes:
        """Seal a note.

        Args:
            plaintext: The note's UTF-8 bytes.

        Returns:
            The token to store.
        """
        ...

    def decrypt(self, token: bytes) -> bytes:
        """Open a sealed note.

        Args:
            token: A stored token.

        Returns:
            The note's UTF-8 bytes.
        """
        ...


@dataclass(frozen=True, slots=True)
class ClientMatch:
    """A client a reader's "@name" or email may mean."""

    id: UUID
    name: str | None
    email: str | None


@dataclass(frozen=True, slots=True)
class BookingRecord:
    """A booking as the client's history shows it, with the real length once held."""

    id: UUID
    starts_at: datetime
    status: BookingStatus
    service: str
    held_seconds: int | None


@dataclass(frozen=True, slots=True)
class RatingRecord:
    """Stars a client gave this reader."""

    stars: int
    feedback: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class PaymentRecord:
    """Money a client paid (or was asked for) by this reader."""

    amount_minor: int
    currency: str
    status: str
    at: datetime


@dataclass(frozen=True, slots=True)
class SealedNote:
    """A stored note, still encrypted."""

    id: UUID
    body_encrypted: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class ClientActivity:
    """Everything one reader has on one client, notes still sealed."""

    bookings: list[BookingRecord]
    ratings: list[RatingRecord]
    payments: list[PaymentRecord]
    notes: list[SealedNote]


class ClientRecordRepository(Protocol):
    """A reader's view of their clients: who they are, what happened, private notes."""

    async def find(self, *, reader_id: UUID, ref: str) -> list[ClientMatch]:
        """The reader's clients an email (exact) or a name (whole or first name) means.

        Args:
            reader_id: Only clients who booked with this reader.
            ref: An email, or a name without its "@".

        Returns:
            Matches, by name (several when the name is ambiguous).
        """
        ...

    async def activity(self, *, reader_id: UUID, client_id: UUID) -> ClientActivity:
        """The client's bookings, ratings, payments and notes with this reader only.

        Args:
            reader_id: The reader asking.
            client_id: The client.

        Returns:
            The activity, newest first.
        """
        ...

    async def add_note(
        self, *, reader_id: UUID, client_id: UUID, body_encrypted: str, now: datetime
    ) -> SealedNote:
        """Store one sealed note.

        Args:
            reader_id: Its author, the only one who reads it.
            client_id: Whom it is about.
            body_encrypted: The Fernet token as text.
            now: When it was written.

        Returns:
            The stored note.
        """
        ...
