"""Campaigns a reader (or an admin, for the platform) launches: draft, preview, confirm,
cancel, report. Delivery itself is `domain.crm.campaign_delivery`, run by a flow.
"""

from __future__ import annotations

import re
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID
from zoneinfo import ZoneInfo

from domain.clock import Clock
from domain.crm import campaign_audience
from domain.crm.campaign_rules import (
    ATTRIBUTION_WINDOW,
    CampaignRefused,
    Refusal,
    best_channel,
    check_length,
)
from domain.enums import CampaignKind, CampaignStatus, Channel, DeliveryStatus
from domain.errors import NotFound
from domain.ports.campaigns import CampaignRecord
from domain.ports.storage import UnitOfWorkFactory

OFFER_CODE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{2,31}$")
OPTED_OUT = "opted out"  # the skip reason of a client who withdrew consent before the send
CANCELLED = "campaign cancelled"
CANCELLABLE = (CampaignStatus.DRAFT, CampaignStatus.SCHEDULED, CampaignStatus.RUNNING)


@dataclass(frozen=True, slots=True)
class CampaignDraft:
    """What the reader chose: the segment (library key or saved name) and the message."""

    reader_id: UUID | None
    segment: str
    body: str
    name: str = ""
    image_key: str | None = None
    booking_button: bool = True
    offer_code: str | None = None


@dataclass(frozen=True, slots=True)
class Preview:
    """Who it would reach now: consenting recipients and the channel each gets it on."""

    campaign_id: UUID
    count: int
    channels: dict[Channel, int]


@dataclass(frozen=True, slots=True)
class CampaignReport:
    """How a campaign went."""

    campaign: CampaignRecord
    sent: int
    pending: int
    failed: dict[str, int] = field(default_factory=dict)  # reason -> count
    opted_out: int = 0
    skipped: int = 0  # cancelled, no channel left
    by_channel: dict[Channel, int] = field(default_factory=dict)
    bookings: dict[str, int] = field(default_factory=dict)  # "code", "button", "window"


async def create_campaign(
    *, uows: UnitOfWorkFactory, clock: Clock, draft: CampaignDraft
) -> CampaignRecord:
    """Write a draft once its segment resolves and its text is not empty."""
    body = draft.body.strip()
    if not body:
        raise CampaignRefused(Refusal.EMPTY)
    code = draft.offer_code.strip().upper() if draft.offer_code else None
    if code is not None and not OFFER_CODE.match(code):
        raise CampaignRefused(Refusal.CODE_TAKEN, code=code)
    segment = await campaign_audience.resolve(uows, draft.reader_id, draft.segment)
    if segment is None:
        raise CampaignRefused(Refusal.UNKNOWN_SEGMENT, segment=draft.segment)
    record = CampaignRecord(
        id=uuid.uuid4(),
        reader_id=draft.reader_id,
        name=(draft.name or segment.name)[:200],
        status=CampaignStatus.DRAFT,
        body=body,
        kind=CampaignKind.PROMOTION,
        segment_id=segment.segment_id,
        segment_key=segment.key,
        image_key=draft.image_key,
        offer_code=code,
        booking_button=draft.booking_button,
    )
    async with uows() as uow:
        await uow.campaigns.add(record)
        await uow.commit()
    return record


async def preview_campaign(
    *, uows: UnitOfWorkFactory, clock: Clock, campaign_id: UUID, reader_id: UUID | None
) -> Preview:
    """Count consenting recipients per channel; refuse none, or a text too long for one."""
    campaign = await _owned(uows, campaign_id, reader_id)
    now = clock.now()
    channels: Counter[Channel] = Counter()
    async for page in campaign_audience.pages(uows=uows, clock=clock, campaign=campaign):
        channels.update(c for r in page if (c := best_channel(r, now=now)) is not None)
    count = sum(channels.values())
    if count == 0:
        raise CampaignRefused(Refusal.NO_RECIPIENTS)
    check_length(campaign.body, channels, with_image=campaign.image_key is not None)
    return Preview(campaign.id, count, dict(channels))


async def confirm_campaign(
    *,
    uows: UnitOfWorkFactory,
    clock: Clock,
    campaign_id: UUID,
    reader_id: UUID | None,
    send_at_local: datetime | None = None,
    zone: str = "UTC",
) -> CampaignRecord:
    """Send now, or at a wall time in each client's zone; a past time (in `zone`) is refused."""
    campaign = await _owned(uows, campaign_id, reader_id)
    if campaign.status is not CampaignStatus.DRAFT:
        raise CampaignRefused(Refusal.NOT_DRAFT, status=campaign.status.value)
    now = clock.now()
    local = send_at_local.replace(tzinfo=None, second=0, microsecond=0) if send_at_local else None
    if local is not None and local.replace(tzinfo=ZoneInfo(zone)) <= now:
        raise CampaignRefused(Refusal.PAST_TIME, when=local.isoformat(sep=" "))
    await preview_campaign(uows=uows, clock=clock, campaign_id=campaign_id, reader_id=reader_id)
    campaign.status = CampaignStatus.SCHEDULED
    campaign.scheduled_local = local
    campaign.scheduled_at = now
    async with uows() as uow:
        await uow.campaigns.save(campaign)
        await uow.commit()
    return campaign


async def cancel_campaign(
    *, uows: UnitOfWorkFactory, clock: Clock, campaign_id: UUID, reader_id: UUID | None
) -> int:
    """Stop it: pending deliveries are skipped and nothing more is sent; returns how many."""
    campaign = await _owned(uows, campaign_id, reader_id)
    if campaign.status not in CANCELLABLE:
        raise CampaignRefused(Refusal.NOT_CANCELLABLE, status=campaign.status.value)
    now = clock.now()
    async with uows() as uow:
        campaign.status = CampaignStatus.CANCELLED
        campaign.finished_at = now
        await uow.campaigns.save(campaign)
        skipped = await uow.campaigns.skip_pending(campaign.id, now, CANCELLED)
        await uow.commit()
    return skipped


async def campaign_report(
    *, uows: UnitOfWorkFactory, campaign_id: UUID, reader_id: UUID | None, admin: bool = False
) -> CampaignReport:
    """Sent, failed (why), opted out, skipped, and bookings attributed within 7 days."""
    campaign = await _owned(uows, campaign_id, None if admin else reader_id, any_owner=admin)
    async with uows(read_only=True) as uow:
        tally = await uow.campaigns.tally(campaign.id)
        bookings = await uow.campaigns.attributed_bookings(campaign.id, ATTRIBUTION_WINDOW)
    opted_out = tally.skips.get(OPTED_OUT, 0)
    return CampaignReport(
        campaign=campaign,
        sent=tally.count(DeliveryStatus.SENT),
        pending=tally.count(DeliveryStatus.PENDING),
        failed=dict(tally.failures),
        opted_out=opted_out,
        skipped=tally.count(DeliveryStatus.SKIPPED) - opted_out,
        by_channel=dict(tally.by_channel),
        bookings=bookings,
    )


async def list_campaigns(
    *, uows: UnitOfWorkFactory, reader_id: UUID | None, limit: int = 10
) -> list[CampaignRecord]:
    """The owner's most recent campaigns, newest first."""
    async with uows(read_only=True) as uow:
        return await uow.campaigns.recent(reader_id, limit)


async def attribute_booking(
    *,
    uows: UnitOfWorkFactory,
    booking_id: UUID,
    client_id: UUID,
    booked_at: datetime,
    campaign_id: UUID | None = None,
    offer_code: str | None = None,
) -> UUID | None:
    """Credit a booking to the campaign whose button or code led to it, once, within 7 days
    of that campaign reaching the client; returns the campaign credited."""
    async with uows() as uow:
        campaign = (
            await uow.campaigns.get(campaign_id)
            if campaign_id is not None
            else await uow.campaigns.by_offer_code(offer_code)
            if offer_code
            else None
        )
        if campaign is None:
            return None
        sent_at = await uow.campaigns.sent_to(campaign.id, client_id)
        if sent_at is None or not sent_at <= booked_at < sent_at + ATTRIBUTION_WINDOW:
            return None
        via = "button" if campaign_id is not None else "code"
        recorded = await uow.campaigns.attribute(booking_id, campaign.id, via)
        await uow.commit()
    return campaign.id if recorded else None


async def _owned(
    uows: UnitOfWorkFactory, campaign_id: UUID, reader_id: UUID | None, *, any_owner: bool = False
) -> CampaignRecord:
    """The campaign if it is this reader's (or the platform's, for an admin)."""
    async with uows(read_only=True) as uow:
        campaign = await uow.campaigns.get(campaign_id)
    if campaign is None or (not any_owner and campaign.reader_id != reader_id):
        raise NotFound("no such campaign")
    return campaign
