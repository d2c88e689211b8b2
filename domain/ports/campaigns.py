"""What campaigns need from storage: the campaign, its deliveries, and who they go to."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Protocol
from uuid import UUID

from domain.enums import CampaignKind, CampaignStatus, Channel, DeliveryStatus


@dataclass(slots=True)
class CampaignRecord:
    """A campaign as the domain handles it (one message step, sent once per client)."""

    id: UUID
    reader_id: UUID | None  # None: a platform campaign an admin launched
    name: str
    status: CampaignStatus
    body: str
    kind: CampaignKind = CampaignKind.PROMOTION
    segment_id: UUID | None = None
    segment_key: str | None = None
    image_key: str | None = None
    offer_code: str | None = None
    booking_button: bool = True
    scheduled_local: datetime | None = None  # naive: the wall time in each client's zone
    scheduled_at: datetime | None = None  # when the reader confirmed it (UTC)
    audience_count: int | None = None  # set once the deliveries are written
    email_campaign_id: str | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    reported_at: datetime | None = None
    created_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ChatAccount:
    """One chat account of a client the campaign could use."""

    channel: Channel
    last_inbound_at: datetime | None


@dataclass(frozen=True, slots=True)
class Recipient:
    """What choosing a client's channel and send time needs."""

    client_id: UUID
    timezone: str
    email: str | None
    preferred_channel: Channel | None
    quiet_hours_start: time | None
    quiet_hours_end: time | None
    chats: tuple[ChatAccount, ...] = ()  # most recently active first


@dataclass(frozen=True, slots=True)
class NewDelivery:
    """One delivery row to write (ignored if the client already has one for the step)."""

    client_id: UUID
    channel: Channel
    due_at: datetime


@dataclass(frozen=True, slots=True)
class ClaimedDelivery:
    """A delivery this run reserved: send it, then finish or release it."""

    id: UUID
    campaign_id: UUID
    client_id: UUID
    channel: Channel
    due_at: datetime
    attempts: int
    email: str | None = None


@dataclass(frozen=True, slots=True)
class DeliveryTally:
    """How a campaign's deliveries stand."""

    by_status: dict[DeliveryStatus, int] = field(default_factory=dict)
    by_channel: dict[Channel, int] = field(default_factory=dict)  # sent, per channel
    failures: dict[str, int] = field(default_factory=dict)  # failed, per reason
    skips: dict[str, int] = field(default_factory=dict)  # skipped, per reason

    def count(self, status: DeliveryStatus) -> int:
        """Deliveries in `status`."""
        return self.by_status.get(status, 0)


class CampaignRepository(Protocol):
    """Campaigns, their single message step and their per-client deliveries."""

    async def add(self, campaign: CampaignRecord) -> None:
        """Insert a campaign and its one message step.

        Args:
            campaign: The draft.

        Raises:
            CampaignRefused: The offer code is taken by another campaign.
        """
        ...

    async def get(self, campaign_id: UUID) -> CampaignRecord | None:
        """One campaign.

        Args:
            campaign_id: Its id.

        Returns:
            The campaign, or None.
        """
        ...

    async def save(self, campaign: CampaignRecord) -> None:
        """Write back status, schedule, counts, body and timestamps.

        Args:
            campaign: The changed campaign.
        """
        ...

    async def recent(self, reader_id: UUID | None, limit: int) -> list[CampaignRecord]:
        """A reader's (or the platform's) campaigns, newest first.

        Args:
            reader_id: Whose; None for platform campaigns.
            limit: At most this many.

        Returns:
            The campaigns.
        """
        ...

    async def in_status(self, statuses: Sequence[CampaignStatus]) -> list[CampaignRecord]:
        """Every campaign in one of `statuses` (the flow's work list).

        Args:
            statuses: Which.

        Returns:
            The campaigns, oldest first.
        """
        ...

    async def segment_name(self, segment_id: UUID) -> str | None:
        """The name of a saved segment.

        Args:
            segment_id: The segment.

        Returns:
            Its name, or None when it was deleted.
        """
        ...

    async def recipients(self, client_ids: Sequence[UUID]) -> list[Recipient]:
        """Zone, quiet hours, email and chat accounts of clients, in one round trip.

        Args:
            client_ids: One page of clients.

        Returns:
            The clients that exist and are not erased.
        """
        ...

    async def add_deliveries(self, campaign_id: UUID, rows: Sequence[NewDelivery]) -> int:
        """Insert pending deliveries, skipping clients that already have one.

        Args:
            campaign_id: The campaign (its message step).
            rows: One page of deliveries.

        Returns:
            How many rows were new.
        """
        ...

    async def claim_chat(
        self, now: datetime, limit: int, lease: timedelta
    ) -> list[ClaimedDelivery]:
        """Reserve due pending chat deliveries of running campaigns, for `lease`.

        A row is taken by a conditional UPDATE, so two workers never share one; a row
        whose run died is claimable again once its lease ran out.

        Args:
            now: The current instant.
            limit: At most this many.
            lease: How long the rows stay reserved.

        Returns:
            The claimed rows.
        """
        ...

    async def claim_email(
        self, campaign_id: UUID, now: datetime, lease: timedelta
    ) -> list[ClaimedDelivery]:
        """Reserve every due pending email delivery of one campaign, with the address.

        Args:
            campaign_id: The campaign.
            now: The current instant.
            lease: How long the rows stay reserved.

        Returns:
            The claimed rows.
        """
        ...

    async def finish(
        self,
        delivery_ids: Sequence[UUID],
        status: DeliveryStatus,
        *,
        now: datetime,
        channel: Channel | None = None,
        external_id: str | None = None,
        error: str | None = None,
    ) -> None:
        """Make deliveries final (sent, failed or skipped).

        Args:
            delivery_ids: Which.
            status: Their final status.
            now: The instant (the send time when sent).
            channel: Where they went, when known.
            external_id: The provider's id, if any.
            error: Why they failed or were skipped.
        """
        ...

    async def release(
        self, delivery_id: UUID, *, channel: Channel | None = None, error: str | None = None
    ) -> None:
        """Give a claimed delivery back (to retry, or to try on another channel).

        Args:
            delivery_id: Which.
            channel: A new channel for it, if it changes.
            error: What went wrong this time.
        """
        ...

    async def skip_pending(self, campaign_id: UUID, now: datetime, reason: str) -> int:
        """Mark every pending delivery of a campaign skipped (it was cancelled).

        Args:
            campaign_id: The campaign.
            now: The instant.
            reason: Why.

        Returns:
            How many were skipped.
        """
        ...

    async def pending_count(self, campaign_id: UUID) -> int:
        """Deliveries of the campaign not final yet.

        Args:
            campaign_id: The campaign.

        Returns:
            The count.
        """
        ...

    async def tally(self, campaign_id: UUID) -> DeliveryTally:
        """The campaign's deliveries counted by status, channel and reason.

        Args:
            campaign_id: The campaign.

        Returns:
            The counts.
        """
        ...

    async def attributed_bookings(self, campaign_id: UUID, within: timedelta) -> dict[str, int]:
        """Bookings from the campaign: recorded attributions by way, and "window" for
        confirmed bookings by recipients within `within` after their delivery was sent.

        Args:
            campaign_id: The campaign.
            within: The attribution window (7 days).

        Returns:
            Counts keyed "code", "button" and "window".
        """
        ...

    async def attribute(self, booking_id: UUID, campaign_id: UUID, via: str) -> bool:
        """Record once that a booking came from a campaign.

        Args:
            booking_id: The booking.
            campaign_id: The campaign.
            via: "code" or "button".

        Returns:
            True when recorded now, False when the booking already had one.
        """
        ...

    async def by_offer_code(self, code: str) -> CampaignRecord | None:
        """The campaign an offer code belongs to.

        Args:
            code: The code, any case.

        Returns:
            The campaign, or None.
        """
        ...

    async def sent_to(self, campaign_id: UUID, client_id: UUID) -> datetime | None:
        """When the campaign reached the client.

        Args:
            campaign_id: The campaign.
            client_id: The client.

        Returns:
            The send time, or None when it never did.
        """
        ...
