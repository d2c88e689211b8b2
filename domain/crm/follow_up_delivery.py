"""Sending follow-up steps: due rows claimed, consent and quiet hours checked, sent once.

Chat goes through the notifier keyed `follow_up:{delivery id}`, so a run that died after
sending and before marking finds its message a duplicate and only marks it. A client
outside Meta's 24-hour window (the notifier answers "waiting") gets it by email when they
have an address and allow it; email has no idempotency key, so the row is marked
"sending" before the mailer is called: a run that finds that marker cannot know whether
the email left and fails the row rather than send it twice. Inside the client's quiet
hours the row's due time moves to the end of them; nothing is skipped for it.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from domain.booking.queries import free_slots
from domain.clock import Clock
from domain.crm.consent import may_send, next_send_time
from domain.crm.sequences import Button, package_of
from domain.enums import Channel, ConsentKind, DeliveryStatus, EmailKind
from domain.errors import ConnectorError, PermanentConnectorError, TransientConnectorError
from domain.ports.email import EmailWriter, Mailer, OutgoingEmail
from domain.ports.follow_ups import DueDelivery
from domain.ports.notify import Notice, NoticeKind, Notifier
from domain.ports.storage import UnitOfWorkFactory

MAX_ATTEMPTS = 5
SENDING = "email: sending"
CUT_OFF = "email was cut off while sending; not sent again"
OPTED_OUT = "opted out"
LEFT = "left the sequence"
WAITING = "waiting for a chat window"
NO_CHANNEL = "no channel may be used"
SLOT_SEARCH_DAYS = 14
RETRY_IN = timedelta(minutes=5)  # the flow's schedule
REBOOK_BUTTONS = (Button.REBOOK, Button.RESCHEDULE)


async def next_free_slot(
    uows: UnitOfWorkFactory, *, reader_id: UUID, zone: str, now: datetime
) -> datetime | None:
    """The reader's first bookable start (their first service) in the next two weeks."""
    async with uows(read_only=True) as uow:
        services = await uow.services.for_reader(reader_id)
    if not services:
        return None
    day = now.astimezone(ZoneInfo(zone)).date()
    for offset in range(SLOT_SEARCH_DAYS):
        slots = await free_slots(
            uow=uows(read_only=True), now=now, service_id=services[0].id,
            client_zone=zone, client_day=day + timedelta(days=offset),
        )  # fmt: skip
        if slots:
            return slots[0].starts_at
    return None


@dataclass(frozen=True, slots=True)
class FollowUpSenders:
    """Where follow-ups go: the notifier, and email for clients out of every chat window."""

    notifier: Notifier
    mailer: Mailer | None = None
    emails: EmailWriter | None = None


@dataclass(frozen=True, slots=True)
class FollowUpPolicy:
    """Batch size and how long a claim holds."""

    batch: int = 200
    lease: timedelta = timedelta(minutes=10)


@dataclass
class FollowUpRun:
    """What one pass did."""

    sent: int = 0
    emailed: int = 0
    skipped: int = 0
    failed: int = 0
    deferred: int = 0  # quiet hours or no window yet


def follow_up_notice(
    delivery: DueDelivery, next_slot: datetime | None = None, service_id: UUID | None = None
) -> Notice:
    """The client's message: which sequence and step, the names, the booking it follows."""
    params = {
        "next_slot": next_slot.isoformat() if next_slot else "",
        "key": delivery.sequence_key,
        "template": delivery.template,
        "button": delivery.button or "",
        "client": delivery.client_name or "",
        "reader": delivery.reader_name,
        "reader_id": str(delivery.reader_id),
        "delivery_id": str(delivery.id),
        "client_id": str(delivery.client_id),  # an email's unsubscribe link names them
    }
    if service_id is not None:  # a package's: the service that buys it again
        params["service_id"] = str(service_id)
    booking_id: UUID | None = None
    with contextlib.suppress(ValueError):  # "quiet:...", "package:..." name no booking
        booking_id = UUID(delivery.anchor_ref)
        params["booking_id"] = str(booking_id)
    return Notice(NoticeKind.FOLLOW_UP, params, booking_id=booking_id)


async def send_follow_ups(
    *,
    uows: UnitOfWorkFactory,
    clock: Clock,
    senders: FollowUpSenders,
    policy: FollowUpPolicy | None = None,
) -> FollowUpRun:
    """Send every due step, batch by batch, until none is due."""
    policy = policy or FollowUpPolicy()
    run = FollowUpRun()
    seen: set[UUID] = set()
    while True:
        async with uows() as uow:
            claimed = await uow.follow_ups.claim_due(clock.now(), policy.batch, policy.lease)
            await uow.commit()
        fresh = [d for d in claimed if d.id not in seen]
        if not fresh:
            break
        for delivery in fresh:
            seen.add(delivery.id)
            await _one(uows, clock, senders, delivery, run)
    return run


async def _one(
    uows: UnitOfWorkFactory,
    clock: Clock,
    senders: FollowUpSenders,
    delivery: DueDelivery,
    run: FollowUpRun,
) -> None:
    """One row: still wanted, allowed, outside quiet hours, then chat or email."""
    if not delivery.enrolment_active:
        return await _finish(uows, clock, run, delivery, DeliveryStatus.SKIPPED, error=LEFT)
    if delivery.channel is Channel.EMAIL and delivery.error == SENDING:
        return await _finish(uows, clock, run, delivery, DeliveryStatus.FAILED, error=CUT_OFF)
    now = clock.now()
    later = next_send_time(
        at=now, zone=delivery.client_timezone, start=delivery.quiet_start, end=delivery.quiet_end
    )
    if later > now:
        run.deferred += 1
        async with uows() as uow:
            await uow.follow_ups.release(delivery.id, due_at=later, error="quiet hours")
            await uow.commit()
        return None
    purpose = ConsentKind.MARKETING if delivery.marketing else ConsentKind.SERVICE
    chat = delivery.client_chat
    if chat is not None and await _allowed(uows, delivery, purpose, chat):
        return await _chat(uows, clock, senders, delivery, purpose, run)
    refused = chat is not None  # a chat channel the client withdrew from
    return await _email_or_wait(uows, clock, senders, delivery, purpose, run, False, refused)


async def _allowed(
    uows: UnitOfWorkFactory, delivery: DueDelivery, purpose: ConsentKind, channel: Channel
) -> bool:
    return await may_send(
        uow=uows(read_only=True), client_id=delivery.client_id, purpose=purpose, channel=channel
    )


async def _chat(
    uows: UnitOfWorkFactory,
    clock: Clock,
    senders: FollowUpSenders,
    delivery: DueDelivery,
    purpose: ConsentKind,
    run: FollowUpRun,
) -> None:
    try:
        report = await senders.notifier.notify_client(
            client_id=delivery.client_id,
            notice=await _notice(uows, clock, delivery),
            idempotency_key=f"follow_up:{delivery.id}",
        )
    except TransientConnectorError as error:
        if delivery.attempts >= MAX_ATTEMPTS:
            return await _finish(uows, clock, run, delivery, DeliveryStatus.FAILED, str(error))
        return await _release(uows, clock, delivery, str(error))
    except PermanentConnectorError as error:
        return await _finish(uows, clock, run, delivery, DeliveryStatus.FAILED, str(error))
    if report.delivered:
        channel = report.channel or delivery.client_chat
        return await _finish(uows, clock, run, delivery, DeliveryStatus.SENT, channel=channel)
    return await _email_or_wait(uows, clock, senders, delivery, purpose, run, report.waiting)


async def _email_or_wait(
    uows: UnitOfWorkFactory,
    clock: Clock,
    senders: FollowUpSenders,
    delivery: DueDelivery,
    purpose: ConsentKind,
    run: FollowUpRun,
    may_wait: bool,
    refused: bool = False,
) -> None:
    """By email if the client has one and allows it; else wait for a window, or skip."""
    address = delivery.client_email
    if address and senders.mailer and senders.emails:
        if await _allowed(uows, delivery, purpose, Channel.EMAIL):
            return await _email(uows, clock, senders, delivery, address, run)
        refused = True
    if may_wait and delivery.client_chat is not None:
        run.deferred += 1
        return await _release(uows, clock, delivery, WAITING)  # the next run tries the chat again
    reason = OPTED_OUT if refused else NO_CHANNEL
    return await _finish(uows, clock, run, delivery, DeliveryStatus.SKIPPED, error=reason)


async def _email(
    uows: UnitOfWorkFactory,
    clock: Clock,
    senders: FollowUpSenders,
    delivery: DueDelivery,
    address: str,
    run: FollowUpRun,
) -> None:
    assert senders.mailer is not None
    assert senders.emails is not None
    notice = await _notice(uows, clock, delivery)
    copy = senders.emails.write(notice, language=delivery.client_language)
    email = OutgoingEmail(address, copy.subject, copy.text, EmailKind.FOLLOW_UP)
    async with uows() as uow:
        await uow.follow_ups.mark_sending(delivery.id, Channel.EMAIL, SENDING)
        await uow.commit()
    try:
        await senders.mailer.send(email)
    except ConnectorError as error:  # not taken: the marker goes, the next run retries
        if delivery.attempts >= MAX_ATTEMPTS or isinstance(error, PermanentConnectorError):
            return await _finish(uows, clock, run, delivery, DeliveryStatus.FAILED, str(error))
        return await _release(uows, clock, delivery, str(error))
    run.emailed += 1
    await _finish(uows, clock, run, delivery, DeliveryStatus.SENT, channel=Channel.EMAIL)


async def _notice(uows: UnitOfWorkFactory, clock: Clock, delivery: DueDelivery) -> Notice:
    slot = None
    if delivery.button in REBOOK_BUTTONS:
        slot = await next_free_slot(
            uows, reader_id=delivery.reader_id, zone=delivery.client_timezone, now=clock.now()
        )
    service_id = None
    credit_id = package_of(delivery.anchor_ref)
    if delivery.button == Button.BUY_PACKAGE and credit_id is not None:
        async with uows(read_only=True) as uow:
            balance = await uow.packages.balance(credit_id)
        service_id = balance.service_id if balance else None
    return follow_up_notice(delivery, slot, service_id)


async def _release(
    uows: UnitOfWorkFactory, clock: Clock, delivery: DueDelivery, error: str
) -> None:
    """Due again at the next run, so this run's loop does not take it back at once."""
    async with uows() as uow:
        await uow.follow_ups.release(delivery.id, due_at=clock.now() + RETRY_IN, error=error)
        await uow.commit()


async def _finish(
    uows: UnitOfWorkFactory,
    clock: Clock,
    run: FollowUpRun,
    delivery: DueDelivery,
    status: DeliveryStatus,
    error: str | None = None,
    *,
    channel: Channel | None = None,
) -> None:
    async with uows() as uow:
        await uow.follow_ups.finish(
            delivery.id, status, now=clock.now(), channel=channel, error=error
        )
        await uow.commit()
    if status is DeliveryStatus.SENT:
        run.sent += 1
    elif status is DeliveryStatus.FAILED:
        run.failed += 1
    else:
        run.skipped += 1
