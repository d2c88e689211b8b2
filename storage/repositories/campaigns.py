"""`CampaignRepository`: campaigns, one message step each, and per-client deliveries.

A pending delivery's `sent_at` is its claim: a run sets it to the instant it took the
row and only takes rows whose claim is older than the lease, in one conditional UPDATE,
so two workers never take the same row and a crashed run's rows come back by themselves.
A final row's `sent_at` is the send time.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.clock import Clock, SystemClock
from domain.crm.campaign_rules import CampaignRefused, Refusal
from domain.enums import BookingStatus, CampaignStatus, Channel, DeliveryStatus, Role
from domain.ports.campaigns import (
    CampaignRecord,
    ChatAccount,
    ClaimedDelivery,
    DeliveryTally,
    NewDelivery,
    Recipient,
)
from storage.dialects import insert_for
from storage.models import (
    Booking,
    Campaign,
    CampaignAttribution,
    CampaignDelivery,
    CampaignStep,
    ChannelIdentity,
    Client,
    Segment,
)

_FIELDS = (
    "reader_id", "segment_id", "segment_key", "name", "kind", "status", "body", "image_key",
    "offer_code", "booking_button", "scheduled_local", "scheduled_at", "audience_count",
    "email_campaign_id", "started_at", "finished_at", "reported_at",
)  # fmt: skip
_ACTIVE = (CampaignStatus.SCHEDULED, CampaignStatus.RUNNING)


def _record(row: Campaign) -> CampaignRecord:
    values = {name: getattr(row, name) for name in _FIELDS}
    return CampaignRecord(id=row.id, created_at=row.created_at, **values)


class SqlCampaignRepository:
    """`CampaignRepository` over one AsyncSession."""

    def __init__(self, session: AsyncSession, clock: Clock | None = None) -> None:
        """Work inside the caller's session; the clock stamps created_at."""
        self._session = session
        self._clock = clock or SystemClock()

    async def add(self, campaign: CampaignRecord) -> None:
        """The campaign and its step 0, in a savepoint so a taken code leaves no trace."""
        values = {name: getattr(campaign, name) for name in _FIELDS}
        row = Campaign(id=campaign.id, created_at=self._clock.now(), **values)
        try:
            async with self._session.begin_nested():
                self._session.add(row)
                await self._session.flush()
        except IntegrityError as error:
            raise CampaignRefused(Refusal.CODE_TAKEN, code=campaign.offer_code or "") from error
        self._session.add(CampaignStep(campaign_id=campaign.id, position=0, template=""))
        await self._session.flush()

    async def get(self, campaign_id: UUID) -> CampaignRecord | None:
        """One campaign by id."""
        row = await self._session.get(Campaign, campaign_id)
        return _record(row) if row is not None else None

    async def save(self, campaign: CampaignRecord) -> None:
        """UPDATE the mutable columns."""
        values = {name: getattr(campaign, name) for name in _FIELDS}
        await self._session.execute(
            sa.update(Campaign).where(Campaign.id == campaign.id).values(**values)
        )

    async def recent(self, reader_id: UUID | None, limit: int) -> list[CampaignRecord]:
        """Newest first."""
        owner = (
            Campaign.reader_id.is_(None) if reader_id is None else Campaign.reader_id == reader_id
        )
        rows = await self._session.scalars(
            sa.select(Campaign).where(owner).order_by(Campaign.created_at.desc()).limit(limit)
        )
        return [_record(row) for row in rows]

    async def in_status(self, statuses: Sequence[CampaignStatus]) -> list[CampaignRecord]:
        """Oldest first."""
        rows = await self._session.scalars(
            sa.select(Campaign)
            .where(Campaign.status.in_(list(statuses)))
            .order_by(Campaign.created_at)
        )
        return [_record(row) for row in rows]

    async def segment_name(self, segment_id: UUID) -> str | None:
        """The saved segment's name."""
        return await self._session.scalar(sa.select(Segment.name).where(Segment.id == segment_id))

    async def recipients(self, client_ids: Sequence[UUID]) -> list[Recipient]:
        """Two statements per page: the clients, then their chat accounts."""
        if not client_ids:
            return []
        ids = list(client_ids)
        clients = await self._session.execute(
            sa.select(
                Client.id, Client.timezone, Client.email, Client.preferred_channel,
                Client.quiet_hours_start, Client.quiet_hours_end,
            ).where(Client.id.in_(ids), Client.erased_at.is_(None))
        )  # fmt: skip
        chats: dict[UUID, list[ChatAccount]] = defaultdict(list)
        accounts = await self._session.execute(
            sa.select(
                ChannelIdentity.client_id, ChannelIdentity.channel, ChannelIdentity.last_inbound_at
            )
            .where(
                ChannelIdentity.client_id.in_(ids),
                ChannelIdentity.role == Role.CLIENT,
                ChannelIdentity.chat_id.is_not(None),
            )
            .order_by(ChannelIdentity.last_inbound_at.desc().nulls_last())
        )
        for client_id, channel, last in accounts:
            if client_id is not None:
                chats[client_id].append(ChatAccount(channel, last))
        return [
            Recipient(cid, zone or "UTC", email, preferred, start, end, tuple(chats.get(cid, ())))
            for cid, zone, email, preferred, start, end in clients
        ]

    async def _step_id(self, campaign_id: UUID) -> UUID:
        step = await self._session.scalar(
            sa.select(CampaignStep.id).where(
                CampaignStep.campaign_id == campaign_id, CampaignStep.position == 0
            )
        )
        if step is None:
            raise LookupError(f"campaign {campaign_id} has no message step")
        return step

    async def add_deliveries(self, campaign_id: UUID, rows: Sequence[NewDelivery]) -> int:
        """INSERT ... ON CONFLICT (step, client) DO NOTHING, one statement per page."""
        if not rows:
            return 0
        step = await self._step_id(campaign_id)
        insert = insert_for(self._session)
        values = [
            {
                "id": uuid.uuid4(), "campaign_step_id": step, "client_id": row.client_id,
                "status": DeliveryStatus.PENDING, "channel": row.channel, "due_at": row.due_at,
                "attempts": 0,
            }
            for row in rows
        ]  # fmt: skip
        statement = (
            insert(CampaignDelivery)
            .values(values)
            .on_conflict_do_nothing(index_elements=["campaign_step_id", "client_id"])
            .returning(CampaignDelivery.id)
        )
        return len((await self._session.execute(statement)).all())

    def _claimable(self, now: datetime, lease: timedelta) -> sa.ColumnElement[bool]:
        return sa.and_(
            CampaignDelivery.status == DeliveryStatus.PENDING,
            CampaignDelivery.due_at <= now,
            sa.or_(CampaignDelivery.sent_at.is_(None), CampaignDelivery.sent_at <= now - lease),
        )

    async def _claim(
        self, candidates: sa.Select[Any], now: datetime, lease: timedelta
    ) -> list[ClaimedDelivery]:
        ids = list((await self._session.scalars(candidates)).all())
        if not ids:
            return []
        taken = await self._session.execute(
            sa.update(CampaignDelivery)
            .where(CampaignDelivery.id.in_(ids), self._claimable(now, lease))
            .values(sent_at=now, attempts=CampaignDelivery.attempts + 1)
            .returning(CampaignDelivery.id)
        )
        mine = [row[0] for row in taken]
        if not mine:
            return []
        rows = await self._session.execute(
            sa.select(
                CampaignDelivery.id, CampaignStep.campaign_id, CampaignDelivery.client_id,
                CampaignDelivery.channel, CampaignDelivery.due_at, CampaignDelivery.attempts,
                Client.email,
            )
            .join(CampaignStep, CampaignStep.id == CampaignDelivery.campaign_step_id)
            .join(Client, Client.id == CampaignDelivery.client_id)
            .where(CampaignDelivery.id.in_(mine))
            .order_by(CampaignDelivery.due_at, CampaignDelivery.id)
        )  # fmt: skip
        return [
            ClaimedDelivery(d, c, client, channel or Channel.EMAIL, due or now, n, email)
            for d, c, client, channel, due, n, email in rows
        ]

    async def claim_chat(
        self, now: datetime, limit: int, lease: timedelta
    ) -> list[ClaimedDelivery]:
        """Due chat rows of running campaigns, earliest first."""
        candidates = (
            sa.select(CampaignDelivery.id)
            .join(CampaignStep, CampaignStep.id == CampaignDelivery.campaign_step_id)
            .join(Campaign, Campaign.id == CampaignStep.campaign_id)
            .where(
                Campaign.status == CampaignStatus.RUNNING,
                CampaignDelivery.channel != Channel.EMAIL,
                self._claimable(now, lease),
            )
            .order_by(CampaignDelivery.due_at)
            .limit(limit)
        )
        return await self._claim(candidates, now, lease)

    async def claim_email(
        self, campaign_id: UUID, now: datetime, lease: timedelta
    ) -> list[ClaimedDelivery]:
        """Every due email row of the campaign."""
        candidates = (
            sa.select(CampaignDelivery.id)
            .where(
                CampaignDelivery.campaign_step_id == await self._step_id(campaign_id),
                CampaignDelivery.channel == Channel.EMAIL,
                self._claimable(now, lease),
            )
            .order_by(CampaignDelivery.due_at)
        )
        return await self._claim(candidates, now, lease)

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
        """Final; a row already final is left alone."""
        values: dict[str, Any] = {"status": status, "sent_at": now, "error": error}
        if channel is not None:
            values["channel"] = channel
        if external_id is not None:
            values["external_id"] = external_id[:200]
        ids = list(delivery_ids)
        for start in range(0, len(ids), 500):
            await self._session.execute(
                sa.update(CampaignDelivery)
                .where(
                    CampaignDelivery.id.in_(ids[start : start + 500]),
                    CampaignDelivery.status == DeliveryStatus.PENDING,
                )
                .values(**values)
            )

    async def release(
        self, delivery_id: UUID, *, channel: Channel | None = None, error: str | None = None
    ) -> None:
        """Clear the claim; the next run may take it at once."""
        values: dict[str, Any] = {"sent_at": None, "error": error}
        if channel is not None:
            values["channel"] = channel
        await self._session.execute(
            sa.update(CampaignDelivery)
            .where(
                CampaignDelivery.id == delivery_id,
                CampaignDelivery.status == DeliveryStatus.PENDING,
            )
            .values(**values)
        )

    async def skip_pending(self, campaign_id: UUID, now: datetime, reason: str) -> int:
        """One UPDATE over the campaign's pending rows."""
        result = await self._session.execute(
            sa.update(CampaignDelivery)
            .where(
                CampaignDelivery.campaign_step_id.in_(
                    sa.select(CampaignStep.id).where(CampaignStep.campaign_id == campaign_id)
                ),
                CampaignDelivery.status == DeliveryStatus.PENDING,
            )
            .values(status=DeliveryStatus.SKIPPED, sent_at=now, error=reason)
            .returning(CampaignDelivery.id)
        )
        return len(result.all())

    def _of(self, campaign_id: UUID) -> sa.ColumnElement[bool]:
        return CampaignDelivery.campaign_step_id.in_(
            sa.select(CampaignStep.id).where(CampaignStep.campaign_id == campaign_id)
        )

    async def pending_count(self, campaign_id: UUID) -> int:
        """COUNT of pending rows."""
        found = await self._session.scalar(
            sa.select(sa.func.count()).where(
                self._of(campaign_id), CampaignDelivery.status == DeliveryStatus.PENDING
            )
        )
        return int(found or 0)

    async def tally(self, campaign_id: UUID) -> DeliveryTally:
        """One GROUP BY over status, channel and error."""
        rows = await self._session.execute(
            sa.select(
                CampaignDelivery.status, CampaignDelivery.channel, CampaignDelivery.error,
                sa.func.count(),
            )
            .where(self._of(campaign_id))
            .group_by(CampaignDelivery.status, CampaignDelivery.channel, CampaignDelivery.error)
        )  # fmt: skip
        tally = DeliveryTally()
        for status, channel, error, count in rows:
            tally.by_status[status] = tally.by_status.get(status, 0) + count
            if status is DeliveryStatus.SENT and channel is not None:
                tally.by_channel[channel] = tally.by_channel.get(channel, 0) + count
            bucket = {DeliveryStatus.FAILED: tally.failures, DeliveryStatus.SKIPPED: tally.skips}
            if status in bucket:
                reason = (error or "-")[:120]
                bucket[status][reason] = bucket[status].get(reason, 0) + count
        return tally

    async def attributed_bookings(self, campaign_id: UUID, within: timedelta) -> dict[str, int]:
        """Recorded attributions by way, plus recipients' bookings inside the window."""
        counts = {"code": 0, "button": 0, "window": 0}
        rows = await self._session.execute(
            sa.select(CampaignAttribution.via, sa.func.count())
            .where(CampaignAttribution.campaign_id == campaign_id)
            .group_by(CampaignAttribution.via)
        )
        for via, count in rows:
            counts[via] = count
        sent = self._of(campaign_id)
        last = await self._session.scalar(
            sa.select(sa.func.max(CampaignDelivery.sent_at)).where(
                sent, CampaignDelivery.status == DeliveryStatus.SENT
            )
        )
        if last is None:
            return counts
        # Portable SQL has no "timestamp + interval": the window closes `within` after the
        # last send, and each booking must still come after its own client's delivery.
        window = await self._session.scalar(
            sa.select(sa.func.count(sa.distinct(Booking.id)))
            .select_from(CampaignDelivery)
            .join(Booking, Booking.client_id == CampaignDelivery.client_id)
            .where(
                sent,
                CampaignDelivery.status == DeliveryStatus.SENT,
                Booking.status.in_([BookingStatus.CONFIRMED, BookingStatus.COMPLETED]),
                Booking.created_at >= CampaignDelivery.sent_at,
                Booking.created_at < last + within,
            )
        )
        counts["window"] = int(window or 0)
        return counts

    async def attribute(self, booking_id: UUID, campaign_id: UUID, via: str) -> bool:
        """INSERT ... ON CONFLICT (booking_id) DO NOTHING."""
        insert = insert_for(self._session)
        statement = (
            insert(CampaignAttribution)
            .values(
                booking_id=booking_id,
                campaign_id=campaign_id,
                via=via,
                created_at=self._clock.now(),
            )
            .on_conflict_do_nothing(index_elements=["booking_id"])
            .returning(CampaignAttribution.booking_id)
        )
        return (await self._session.execute(statement)).first() is not None

    async def by_offer_code(self, code: str) -> CampaignRecord | None:
        """Codes are stored upper case."""
        row = await self._session.scalar(
            sa.select(Campaign).where(Campaign.offer_code == code.strip().upper())
        )
        return _record(row) if row is not None else None

    async def sent_to(self, campaign_id: UUID, client_id: UUID) -> datetime | None:
        """The sent row's time."""
        return await self._session.scalar(
            sa.select(CampaignDelivery.sent_at).where(
                self._of(campaign_id),
                CampaignDelivery.client_id == client_id,
                CampaignDelivery.status == DeliveryStatus.SENT,
            )
        )
