"""What consent, messaging preferences and the email audience's sync state need from storage."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any, Protocol
from uuid import UUID

from domain.enums import AudienceStatus, Channel, ConsentKind


@dataclass(frozen=True, slots=True)
class ConsentEntry:
    """One consent given or withdrawn (append-only evidence)."""

    client_id: UUID
    kind: ConsentKind
    channel: Channel | None  # None: every channel at once
    granted: bool
    source: str
    recorded_at: datetime
    text_version: str | None = None


@dataclass(frozen=True, slots=True)
class MessagingProfile:
    """What decides whether, when and where a client may be messaged."""

    client_id: UUID
    timezone: str
    marketing_consent: bool
    marketing_consent_at: datetime | None
    erased: bool
    preferred_channel: Channel | None = None
    quiet_hours_start: time | None = None
    quiet_hours_end: time | None = None
    preferences: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class AudiencePerson:
    """A client as the email audience sees them, before consent turns into a status."""

    client_id: UUID
    email: str
    name: str | None
    language: str
    country: str | None
    reader_slugs: tuple[str, ...]
    marketing_consent: bool
    marketing_consent_at: datetime | None


@dataclass(frozen=True, slots=True)
class AudienceMemberState:
    """What the email audience last accepted for a client."""

    client_id: UUID
    subscriber_hash: str
    status: AudienceStatus
    fingerprint: str


class ConsentRepository(Protocol):
    """Consent records, messaging preferences and the audience sync state of clients."""

    async def append(self, entry: ConsentEntry) -> None:
        """Add one consent record.

        Args:
            entry: The consent given or withdrawn.
        """
        ...

    async def history(self, client_id: UUID, kind: ConsentKind) -> list[ConsentEntry]:
        """A client's records of one purpose.

        Args:
            client_id: The client.
            kind: The purpose.

        Returns:
            The records, oldest first.
        """
        ...

    async def histories(
        self, client_ids: Sequence[UUID], kind: ConsentKind
    ) -> dict[UUID, list[ConsentEntry]]:
        """Many clients' records of one purpose, in one query.

        Args:
            client_ids: The clients.
            kind: The purpose.

        Returns:
            The records per client that has any, oldest first.
        """
        ...

    async def last_recorded_at(self, client_id: UUID) -> datetime | None:
        """When the client's newest consent record was written.

        Args:
            client_id: The client.

        Returns:
            The time, or None when there is none.
        """
        ...

    async def set_marketing(
        self, client_id: UUID, granted: bool, source: str, at: datetime
    ) -> None:
        """Set the client's current global marketing consent.

        Args:
            client_id: The client.
            granted: Given (True) or withdrawn.
            source: Where it came from ("chat", "mailchimp", ...).
            at: When.
        """
        ...

    async def profile(self, client_id: UUID) -> MessagingProfile | None:
        """A client's consent flag, zone, quiet hours and preferences.

        Args:
            client_id: The client.

        Returns:
            The profile, or None for an unknown client.
        """
        ...

    async def set_quiet_hours(self, client_id: UUID, start: time | None, end: time | None) -> None:
        """Set (or clear, with None) the client's quiet hours.

        Args:
            client_id: The client.
            start: Local start time.
            end: Local end time (may be before start: the window wraps midnight).
        """
        ...

    async def set_preferred_channel(self, client_id: UUID, channel: Channel | None) -> None:
        """Set the channel the client prefers to be messaged on.

        Args:
            client_id: The client.
            channel: The channel, or None for no preference.
        """
        ...

    async def client_by_email(self, email: str) -> UUID | None:
        """The client with this email (any case), if any.

        Args:
            email: The address.

        Returns:
            The client's id, or None.
        """
        ...

    async def update_profile(self, client_id: UUID, name: str | None, language: str | None) -> None:
        """Change a client's name and language where given (an email audience's profile change).

        Args:
            client_id: The client.
            name: The new name, or None to keep it.
            language: The new language tag, or None to keep it.
        """
        ...

    async def audience_people(self, after: UUID | None, limit: int) -> list[AudiencePerson]:
        """Clients with an email who were not erased, in id order.

        Args:
            after: Only clients whose id sorts after this one (None: from the start).
            limit: Most rows.

        Returns:
            The clients, with the slugs of the readers they booked.
        """
        ...

    async def audience_members(
        self, audience_id: str, client_ids: Sequence[UUID]
    ) -> dict[UUID, AudienceMemberState]:
        """What the audience last accepted for these clients.

        Args:
            audience_id: The audience (Mailchimp list id, or "builtin").
            client_ids: The clients.

        Returns:
            The state per client that has one.
        """
        ...

    async def save_audience_members(
        self, audience_id: str, members: Sequence[AudienceMemberState], at: datetime
    ) -> None:
        """Insert or update what the audience accepted.

        Args:
            audience_id: The audience.
            members: The members as sent.
            at: When they were accepted.
        """
        ...

    async def cursor(self, name: str) -> str | None:
        """A sync's saved position.

        Args:
            name: The sync's name.

        Returns:
            The position, or None before the first run.
        """
        ...

    async def set_cursor(self, name: str, position: str, at: datetime) -> None:
        """Save a sync's position.

        Args:
            name: The sync's name.
            position: Where it got to ("" once a pass is complete).
            at: When.
        """
        ...
