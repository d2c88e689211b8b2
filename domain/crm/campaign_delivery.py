"""Delivering campaigns: one row per recipient, claimed in batches, sent exactly once.

A confirmed campaign's first pass writes its deliveries page by page (INSERT ... ON
CONFLICT DO NOTHING, so a pass that died halfway is simply run again). Due chat rows
are claimed by a conditional UPDATE and sent through the notifier keyed by the delivery
id, so a row a crashed run had sent comes back as a duplicate and is only marked sent.
Consent is checked again at send time: an opt-out after confirmation wins. Email rows
go out as one audience campaign per campaign and send time. The channel senders keep
each platform's rate limits (bots/pacing.py); `concurrency` only bounds sends in flight.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from uuid import UUID

from domain.clock import Clock
from domain.crm import campaign_audience
from domain.crm.campaign_rules import best_channel, local_send_time
from domain.crm.campaigns import CANCELLED, OPTED_OUT
from domain.crm.consent import may_send
from domain.enums import CampaignStatus, Channel, ConsentKind, DeliveryStatus
from domain.errors import PermanentConnectorError, TransientConnectorError
from domain.ports.audience import EmailAudience, EmailCampaign
from domain.ports.campaigns import CampaignRecord, ClaimedDelivery, NewDelivery
from domain.ports.notify import Notice, NoticeKind, Notifier
from domain.ports.storage import UnitOfWorkFactory

MAX_ATTEMPTS = 5
NO_CHANNEL = "no channel may be used"
NO_EMAIL = "email is not set up"


@dataclass(frozen=True, slots=True)
class SendPolicy:
    """Batch sizes and how long a claim holds."""

    batch: int = 200
    page: int = campaign_audience.PAGE
    lease: timedelta = timedelta(minutes=10)
    # Enough to keep Telegram's 30/s busy; few, since a send in flight when the worker
    # dies cannot be known to have arrived and is failed, never sent again.
    concurrency: int = 8


@dataclass
class CampaignRun:
    """What one pass did."""

    materialised: int = 0
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    retried: int = 0
    email_sends: int = 0
    finished: list[UUID] = field(default_factory=list)


@dataclass
class _Outcome:
    status: DeliveryStatus | None  # None: give the row back
    channel: Channel | None = None
    error: str | None = None


def campaign_notice(campaign: CampaignRecord) -> Notice:
    """The client's message: text, image, offer code and the booking button's campaign."""
    params = {"campaign_id": str(campaign.id), "body": campaign.body}
    if campaign.reader_id is not None:
        params["reader_id"] = str(campaign.reader_id)
    if campaign.offer_code:
        params["offer_code"] = campaign.offer_code
    if campaign.image_key:
        params["image_key"] = campaign.image_key
    params["booking_button"] = "1" if campaign.booking_button else ""
    return Notice(NoticeKind.CAMPAIGN, params)


async def materialise(
    *, uows: UnitOfWorkFactory, clock: Clock, campaign: CampaignRecord, page: int
) -> int:
    """Write the campaign's deliveries, a page per transaction; returns the rows added."""
    added = 0
    now = clock.now()
    async for recipients in campaign_audience.pages(
        uows=uows, clock=clock, campaign=campaign, page=page
    ):
        rows = [
            NewDelivery(
                r.client_id, channel, local_send_time(r, local=campaign.scheduled_local, now=now)
            )
            for r in recipients
            if (channel := best_channel(r, now=now)) is not None
        ]
        async with uows() as uow:
            added += await uow.campaigns.add_deliveries(campaign.id, rows)
            await uow.commit()
    return added


async def run_campaigns(
    *,
    uows: UnitOfWorkFactory,
    clock: Clock,
    notifier: Notifier,
    audience: EmailAudience | None,
    policy: SendPolicy | None = None,
    stopping: asyncio.Event | None = None,
) -> CampaignRun:
    """One pass: write new campaigns' deliveries, send what is due, close finished ones."""
    policy = policy or SendPolicy()
    run = CampaignRun()
    async with uows(read_only=True) as uow:
        active = await uow.campaigns.in_status([CampaignStatus.SCHEDULED, CampaignStatus.RUNNING])
    for campaign in active:
        if campaign.status is CampaignStatus.SCHEDULED:
            run.materialised += await _start(uows, clock, campaign, policy.page)
    campaigns = {c.id: c for c in active}
    while stopping is None or not stopping.is_set():
        async with uows() as uow:
            claimed = await uow.campaigns.claim_chat(clock.now(), policy.batch, policy.lease)
            await uow.commit()
        if not claimed:
            break
        await _send_chats(uows, clock, notifier, campaigns, claimed, policy, run)
    for campaign in campaigns.values():
        await _send_emails(uows, clock, audience, campaign, policy, run)
        if await _finish(uows, clock, notifier, campaign):
            run.finished.append(campaign.id)
    return run


async def _start(uows: UnitOfWorkFactory, clock: Clock, campaign: CampaignRecord, page: int) -> int:
    """Deliveries written, then RUNNING (a pass that died before this repeats it harmlessly)."""
    added = await materialise(uows=uows, clock=clock, campaign=campaign, page=page)
    async with uows() as uow:
        tally = await uow.campaigns.tally(campaign.id)
        current = await uow.campaigns.get(campaign.id)
        if current is None or current.status is not CampaignStatus.SCHEDULED:
            return added  # cancelled meanwhile
        campaign.status = CampaignStatus.RUNNING
        campaign.started_at = clock.now()
        campaign.audience_count = sum(tally.by_status.values())
        await uow.campaigns.save(campaign)
        await uow.commit()
    return added


async def _send_chats(
    uows: UnitOfWorkFactory,
    clock: Clock,
    notifier: Notifier,
    campaigns: dict[UUID, CampaignRecord],
    claimed: list[ClaimedDelivery],
    policy: SendPolicy,
    run: CampaignRun,
) -> None:
    """Send a claimed batch concurrently, then record every outcome in one transaction."""
    gate = asyncio.Semaphore(policy.concurrency)

    async def one(delivery: ClaimedDelivery) -> tuple[ClaimedDelivery, _Outcome]:
        async with gate:
            campaign = campaigns.get(delivery.campaign_id)
            if campaign is None:
                async with uows(read_only=True) as uow:
                    campaign = await uow.campaigns.get(delivery.campaign_id)
            return delivery, await _send_chat(uows, notifier, campaign, delivery)

    outcomes = await asyncio.gather(*(one(d) for d in claimed))
    await _record(uows, clock, outcomes, run)


async def _send_chat(
    uows: UnitOfWorkFactory,
    notifier: Notifier,
    campaign: CampaignRecord | None,
    delivery: ClaimedDelivery,
) -> _Outcome:
    """One client: consent now, then the notifier keyed by the delivery."""
    if campaign is None or campaign.status is CampaignStatus.CANCELLED:
        return _Outcome(DeliveryStatus.SKIPPED, error=CANCELLED)
    marketing = ConsentKind.MARKETING
    if not await may_send(
        uow=uows(read_only=True),
        client_id=delivery.client_id,
        purpose=marketing,
        channel=delivery.channel,
    ):
        return _Outcome(DeliveryStatus.SKIPPED, error=OPTED_OUT)
    try:
        report = await notifier.notify_client(
            client_id=delivery.client_id,
            notice=campaign_notice(campaign),
            idempotency_key=f"campaign:{delivery.id}",
        )
    except TransientConnectorError as error:
        if delivery.attempts >= MAX_ATTEMPTS:
            return _Outcome(DeliveryStatus.FAILED, error=str(error))
        return _Outcome(None, error=str(error))
    except PermanentConnectorError as error:
        return _Outcome(DeliveryStatus.FAILED, error=str(error))
    if report.delivered:
        return _Outcome(DeliveryStatus.SENT, channel=report.channel or delivery.channel)
    if (
        report.waiting
        and delivery.email
        and await may_send(
            uow=uows(read_only=True),
            client_id=delivery.client_id,
            purpose=marketing,
            channel=Channel.EMAIL,
        )
    ):
        return _Outcome(None, channel=Channel.EMAIL, error=report.detail)  # by email instead
    return _Outcome(DeliveryStatus.FAILED, error=report.detail or NO_CHANNEL)


async def _record(
    uows: UnitOfWorkFactory,
    clock: Clock,
    outcomes: list[tuple[ClaimedDelivery, _Outcome]],
    run: CampaignRun,
) -> None:
    now = clock.now()
    async with uows() as uow:
        for delivery, outcome in outcomes:
            if outcome.status is None:
                await uow.campaigns.release(
                    delivery.id, channel=outcome.channel, error=outcome.error
                )
                run.retried += 1
                continue
            await uow.campaigns.finish(
                [delivery.id], outcome.status, now=now, channel=outcome.channel, error=outcome.error
            )
            _count(run, outcome.status, 1)
        await uow.commit()


def _count(run: CampaignRun, status: DeliveryStatus, n: int) -> None:
    if status is DeliveryStatus.SENT:
        run.sent += n
    elif status is DeliveryStatus.FAILED:
        run.failed += n
    else:
        run.skipped += n


async def _send_emails(
    uows: UnitOfWorkFactory,
    clock: Clock,
    audience: EmailAudience | None,
    campaign: CampaignRecord,
    policy: SendPolicy,
    run: CampaignRun,
) -> None:
    """The campaign's due email rows: one audience campaign per send time, keyed by it."""
    async with uows() as uow:
        claimed = await uow.campaigns.claim_email(campaign.id, clock.now(), policy.lease)
        from_name = await _from_name(uows, campaign) if claimed else ""
        await uow.commit()
    groups: dict[datetime, list[ClaimedDelivery]] = defaultdict(list)
    for delivery in claimed:
        groups[delivery.due_at].append(delivery)
    for due, rows in sorted(groups.items()):
        allowed: list[ClaimedDelivery] = []
        refused: list[ClaimedDelivery] = []
        for row in rows:
            ok = row.email is not None and await may_send(
                uow=uows(read_only=True), client_id=row.client_id,
                purpose=ConsentKind.MARKETING, channel=Channel.EMAIL,
            )  # fmt: skip
            (allowed if ok else refused).append(row)
        await _finish_rows(uows, clock, refused, DeliveryStatus.SKIPPED, error=OPTED_OUT, run=run)
        if not allowed:
            continue
        if audience is None:
            await _finish_rows(uows, clock, allowed, DeliveryStatus.FAILED, error=NO_EMAIL, run=run)
            continue
        email = EmailCampaign(
            key=f"{campaign.id}:{due:%Y%m%dT%H%M}",
            subject=campaign.name,
            body_text=campaign.body + (f"\n\n{campaign.offer_code}" if campaign.offer_code else ""),
            emails=tuple(row.email for row in allowed if row.email),
            from_name=from_name,
        )
        try:
            external = await audience.send_campaign(email)
        except TransientConnectorError:
            continue  # the rows' claims lapse; the next run sends under the same key
        except PermanentConnectorError as error:
            await _finish_rows(
                uows, clock, allowed, DeliveryStatus.FAILED, error=str(error), run=run
            )
            continue
        run.email_sends += 1
        await _finish_rows(uows, clock, allowed, DeliveryStatus.SENT, external=external, run=run)


async def _finish_rows(
    uows: UnitOfWorkFactory,
    clock: Clock,
    rows: list[ClaimedDelivery],
    status: DeliveryStatus,
    *,
    run: CampaignRun,
    error: str | None = None,
    external: str | None = None,
) -> None:
    if not rows:
        return
    async with uows() as uow:
        await uow.campaigns.finish(
            [r.id for r in rows], status, now=clock.now(), channel=Channel.EMAIL,
            external_id=external, error=error,
        )  # fmt: skip
        await uow.commit()
    _count(run, status, len(rows))


async def _from_name(uows: UnitOfWorkFactory, campaign: CampaignRecord) -> str:
    if campaign.reader_id is None:
        return "Samia"
    async with uows(read_only=True) as uow:
        reader = await uow.readers.get(campaign.reader_id)
    return reader.brand if reader is not None else "Samia"


async def _finish(
    uows: UnitOfWorkFactory, clock: Clock, notifier: Notifier, campaign: CampaignRecord
) -> bool:
    """A running campaign with nothing pending is done; its reader gets the report once."""
    async with uows() as uow:
        current = await uow.campaigns.get(campaign.id)
        if current is None or current.status is not CampaignStatus.RUNNING:
            return False
        if await uow.campaigns.pending_count(campaign.id):
            return False
        tally = await uow.campaigns.tally(campaign.id)
        current.status = CampaignStatus.DONE
        current.finished_at = clock.now()
        await uow.campaigns.save(current)
        await uow.commit()
    if current.reader_id is not None:
        notice = Notice(
            NoticeKind.CAMPAIGN_REPORT,
            {
                "campaign_id": str(current.id),
                "name": current.name,
                "sent": str(tally.count(DeliveryStatus.SENT)),
                "failed": str(tally.count(DeliveryStatus.FAILED)),
                "opted_out": str(tally.skips.get(OPTED_OUT, 0)),
                "skipped": str(tally.count(DeliveryStatus.SKIPPED) - tally.skips.get(OPTED_OUT, 0)),
            },
        )
        await notifier.notify_reader(
            reader_id=current.reader_id,
            notice=notice,
            idempotency_key=f"campaign-report:{current.id}",
        )
        async with uows() as uow:
            current.reported_at = clock.now()
            await uow.campaigns.save(current)
            await uow.commit()
    return True
