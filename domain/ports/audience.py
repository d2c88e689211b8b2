"""The email audience (Mailchimp, or the built-in outbox): contacts in, campaigns out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from domain.enums import AudienceStatus

# Mailchimp takes at most this many members per batch call; the built-in one follows suit.
BATCH_LIMIT = 500


@dataclass(frozen=True, slots=True)
class AudienceContact:
    """One person as the audience should hold them."""

    email: str
    name: str
    language: str
    status: AudienceStatus
    tags: tuple[str, ...] = ()
    merge_fields: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class UpsertOutcome:
    """How many provider calls an upsert took, and the contacts it refused."""

    calls: int
    failed: tuple[tuple[str, str], ...] = ()  # (email, reason)


@dataclass(frozen=True, slots=True)
class EmailCampaign:
    """One email send to consenting people; `key` (our campaign id) makes it idempotent."""

    key: str
    subject: str
    body_text: str
    emails: tuple[str, ...]
    from_name: str


class EmailAudience(Protocol):
    """Keeps the email audience in step with our clients and sends email campaigns."""

    async def upsert_contacts(self, contacts: Sequence[AudienceContact]) -> UpsertOutcome:
        """Add or update contacts, in batches of at most `BATCH_LIMIT`.

        A member who unsubscribed or was cleaned at the provider is never subscribed again.

        Args:
            contacts: The contacts as they should be.

        Returns:
            The number of calls made and the contacts refused, with the reason.

        Raises:
            TransientConnectorError: The provider is down or busy; retrying may work.
            PermanentConnectorError: The provider refused the request (auth, bad list).
        """
        ...

    async def send_campaign(self, campaign: EmailCampaign) -> str:
        """Send one campaign; the same key again returns the same id and sends nothing more.

        Args:
            campaign: What to send and to whom.

        Returns:
            The provider's id for the campaign.

        Raises:
            TransientConnectorError: The provider is down or busy; retrying may work.
            PermanentConnectorError: The provider refused the campaign.
        """
        ...


class CampaignOutbox(Protocol):
    """Where the built-in audience holds campaign emails (the local email outbox)."""

    async def hold_campaign(self, key: str, emails: Sequence[tuple[str, str, str]]) -> str:
        """Hold one email per recipient, once per key, in one transaction.

        Args:
            key: The campaign's idempotency key.
            emails: (address, subject, text) per recipient.

        Returns:
            The id of the held campaign (the same for the same key).
        """
        ...
