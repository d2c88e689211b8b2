"""What a booking's outbox rows mean: calendar, meeting, messages and reminders, exactly once.

Every effect reconciles the outside world with the booking as it is *now* (not as the
row describes it), so rows that run late, twice or out of order still converge.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from datetime import datetime, timedelta
from uuid import UUID

from domain.billing.cancellation import refund_cancelled
from domain.billing.invoice_delivery import InvoiceSender, send_invoice
from domain.billing.receipts import attach_receipt
from domain.billing.refund_effects import alert_dispute, apply_refund
from domain.booking import reminders
from domain.booking.externals import (
    BookingContext,
    EffectResult,
    Externals,
    ensure_live,
    finish_effect,
    tear_down,
)
from domain.clock import Clock
from domain.enums import BookingStatus, Channel, OutboxKind
from domain.errors import AuthExpired, PermanentConnectorError, TransientConnectorError
from domain.models import OutboxEntry
from domain.ports.accounts import AccountsResolver
from domain.ports.files import ChannelFiles
from domain.ports.notify import Notice, NoticeKind, Notifier
from domain.ports.payments import PaymentProvider
from domain.ports.storage import UnitOfWorkFactory

EFFECT_KINDS = (
    OutboxKind.BOOKING_CONFIRMED,
    OutboxKind.BOOKING_RESCHEDULED,
    OutboxKind.BOOKING_CANCELLED,
    OutboxKind.BOOKING_REMINDER,
    OutboxKind.PAYMENT_REFUND,
    OutboxKind.PAYMENT_DISPUTED,
    OutboxKind.INVOICE_SEND,
    OutboxKind.EXPENSE_RECEIPT,
)
MAX_ATTEMPTS = 8
_FIRST_RETRY, _LONGEST_RETRY = timedelta(seconds=30), timedelta(hours=1)


async def claim_effects(
    *,
    uows: UnitOfWorkFactory,
    clock: Clock,
    limit: int,
    lease: timedelta,
    kinds: tuple[OutboxKind, ...] = EFFECT_KINDS,
) -> list[OutboxEntry]:
    """Take due booking effects for one run; other runs skip them until the lease ends."""
    async with uows() as u:
        entries = await u.outbox.claim_due(clock.now(), limit, lease, kinds)
        await u.commit()
    return entries


async def release_effects(*, uows: UnitOfWorkFactory, clock: Clock, keys: list[str]) -> None:
    """Give back rows a stopping run claimed but did not finish, for the next run at once."""
    if not keys:
        return
    async with uows() as u:
        await u.outbox.release(keys, clock.now())
        await u.commit()


async def effects_due(
    *, uows: UnitOfWorkFactory, clock: Clock, kinds: tuple[OutboxKind, ...] = EFFECT_KINDS
) -> bool:
    """Whether a booking effect is due now: one indexed read, no write lock."""
    async with uows(read_only=True) as u:
        due = await u.outbox.next_due(kinds)
    return due is not None and due <= clock.now()


def effect_group(entry: OutboxEntry) -> str:
    """Rows of one booking run one after another, in order; different bookings in parallel."""
    # Rows about no booking (an ad-hoc invoice, a refund) carry booking_id None: each is
    # its own group, not one queue of every such row.
    return str(entry.payload.get("booking_id") or entry.key)


async def apply_effect(
    *,
    uows: UnitOfWorkFactory,
    accounts: AccountsResolver,
    notifier: Notifier,
    clock: Clock,
    entry: OutboxEntry,
    payments: Mapping[str, PaymentProvider] | None = None,
    invoices: InvoiceSender | None = None,
    channel_files: Mapping[Channel, ChannelFiles] | None = None,
) -> EffectResult:
    """Carry out one row; transient errors propagate so the caller can retry the whole row."""
    if entry.kind is OutboxKind.EXPENSE_RECEIPT:
        files = channel_files or {}
        return await attach_receipt(
            uows=uows, clock=clock, notifier=notifier, channel_files=files, entry=entry
        )
    if entry.kind is OutboxKind.INVOICE_SEND:
        return await send_invoice(
            uows=uows, clock=clock, notifier=notifier, sender=invoices, entry=entry
        )
    if entry.kind is OutboxKind.PAYMENT_REFUND:
        return await apply_refund(
            uows=uows, clock=clock, notifier=notifier, payments=payments or {}, entry=entry
        )
    if entry.kind is OutboxKind.PAYMENT_DISPUTED:
        return await alert_dispute(uows=uows, clock=clock, notifier=notifier, entry=entry)
    if entry.kind is OutboxKind.BOOKING_REMINDER:
        return await reminders.send_reminder(uows=uows, notifier=notifier, clock=clock, entry=entry)
    ctx = await load_context(uows, UUID(entry.payload["booking_id"]))
    if ctx is None:
        return await finish_effect(uows, clock, entry, "skipped", detail="booking not found")
    if entry.kind is OutboxKind.BOOKING_CANCELLED or ctx.booking.status is BookingStatus.CANCELLED:
        return await _cancelled(uows, accounts, notifier, clock, entry, ctx)
    if entry.kind in (OutboxKind.BOOKING_CONFIRMED, OutboxKind.BOOKING_RESCHEDULED):
        return await _confirmed(uows, accounts, notifier, clock, entry, ctx)
    return await finish_effect(uows, clock, entry, "skipped", detail=f"no effect for {entry.kind}")


async def load_context(uows: UnitOfWorkFactory, booking_id: UUID) -> BookingContext | None:
    """The booking, its reader, client and service in one read."""
    async with uows(read_only=True) as u:
        booking = await u.bookings.get(booking_id)
        if booking is None:
            return None
        reader = await u.readers.get(booking.reader_id)
        client = await u.clients.get(booking.client_id)
        service = await u.services.get(booking.service_id)
    if reader is None or client is None or service is None:
        return None
    return BookingContext(booking, reader, client, service)


async def _confirmed(
    uows: UnitOfWorkFactory,
    accounts: AccountsResolver,
    notifier: Notifier,
    clock: Clock,
    entry: OutboxEntry,
    ctx: BookingContext,
) -> EffectResult:
    """Event and meeting at the booking's time, the client told (with the link), reminders set."""
    if ctx.booking.status is not BookingStatus.CONFIRMED:
        return await finish_effect(
            uows, clock, entry, "skipped", detail=f"booking {ctx.booking.status}"
        )
    try:
        acc = await accounts.for_reader(ctx.reader)
    except PermanentConnectorError as exc:  # the client is still told; the reader reconnects
        found = Externals(problems=[exc])
    else:
        found = await ensure_live(uows, acc, ctx, attempt=entry.attempts, now=clock.now())
    kind = (
        NoticeKind.BOOKING_CONFIRMED
        if entry.kind is OutboxKind.BOOKING_CONFIRMED
        else NoticeKind.BOOKING_RESCHEDULED
    )
    params = {"meeting_url": found.join_url} if found.join_url else {}
    await notifier.notify_client(
        client_id=ctx.client.id,
        notice=Notice(kind, params, booking_id=ctx.booking.id),
        idempotency_key=entry.key,
    )
    return await _settle(uows, notifier, clock, entry, ctx, found, schedule=True)


async def _cancelled(
    uows: UnitOfWorkFactory,
    accounts: AccountsResolver,
    notifier: Notifier,
    clock: Clock,
    entry: OutboxEntry,
    ctx: BookingContext,
) -> EffectResult:
    """Event cancelled, meeting deleted, payments refunded (less any fee), the client told."""
    try:
        acc = await accounts.for_reader(ctx.reader)
    except PermanentConnectorError as exc:
        found = Externals(problems=[exc])
    else:
        found = await tear_down(uows, acc, ctx, clock.now())
    await refund_cancelled(uows=uows, clock=clock, booking_id=ctx.booking.id)
    if entry.kind is OutboxKind.BOOKING_CANCELLED and not entry.payload.get("silent"):
        await notifier.notify_client(
            client_id=ctx.client.id,
            notice=Notice(NoticeKind.BOOKING_CANCELLED, booking_id=ctx.booking.id),
            idempotency_key=entry.key,
        )
    return await _settle(uows, notifier, clock, entry, ctx, found, schedule=False)


async def _settle(
    uows: UnitOfWorkFactory,
    notifier: Notifier,
    clock: Clock,
    entry: OutboxEntry,
    ctx: BookingContext,
    found: Externals,
    *,
    schedule: bool,
) -> EffectResult:
    """One transaction: links on the booking, reminders, and the row done (or dead)."""
    now = clock.now()
    async with uows() as u:
        booking = await u.bookings.get(ctx.booking.id)
        await u.external_refs.mirror_on_booking(
            ctx.booking.id, calendar_event_id=found.event_id, meeting_url=found.join_url
        )
        still_confirmed = booking is not None and booking.status is BookingStatus.CONFIRMED
        if schedule and still_confirmed and booking is not None:
            await reminders.schedule(u, booking, now)
        elif booking is not None:
            await reminders.cancel(u, booking, now)
        if schedule and not still_confirmed:
            # Cancelled while we were creating: a silent clean-up removes what we made.
            await u.outbox.add(_cleanup(entry), now)
        if found.problems:
            await u.outbox.give_up(entry.key, now, _describe(found.problems))
        else:
            await u.outbox.complete(entry.key, now)
        await u.commit()
    for problem in found.problems:
        if isinstance(problem, AuthExpired):
            await ask_to_reconnect(notifier, ctx.reader.id, problem, now)
    outcome = "gave_up" if found.problems else "done"
    detail = _describe(found.problems) if found.problems else ""
    return EffectResult(entry.key, outcome, join_url=found.join_url, detail=detail)


def _cleanup(entry: OutboxEntry) -> OutboxEntry:
    payload = {**entry.payload, "silent": True}
    return OutboxEntry(
        f"booking.cancelled:cleanup:{entry.key}", OutboxKind.BOOKING_CANCELLED, payload
    )


async def record_failure(
    *,
    uows: UnitOfWorkFactory,
    notifier: Notifier,
    clock: Clock,
    entry: OutboxEntry,
    error: BaseException,
) -> EffectResult:
    """After the run's own retries: try again later with backoff, or give up visibly."""
    now = clock.now()
    message = f"{type(error).__name__}: {error}"[:1000]
    permanent = isinstance(error, PermanentConnectorError)
    if permanent or entry.attempts >= MAX_ATTEMPTS:
        async with uows() as u:
            await u.outbox.give_up(entry.key, now, message)
            await u.commit()
        reader_id = entry.payload.get("reader_id")
        if isinstance(error, AuthExpired) and reader_id:
            await ask_to_reconnect(notifier, UUID(reader_id), error, now)
        return EffectResult(entry.key, "gave_up", detail=message)
    wait = retry_delay(entry.attempts, error)
    async with uows() as u:
        await u.outbox.retry_later(entry.key, now, message, now + wait)
        await u.commit()
    return EffectResult(entry.key, "retry_later", detail=message)


def retry_delay(attempts: int, error: BaseException) -> timedelta:
    """Exponential from 30 s to an hour, never sooner than the vendor's Retry-After."""
    backoff = min(_FIRST_RETRY * (1 << min(max(attempts - 1, 0), 16)), _LONGEST_RETRY)
    vendor = error.retry_after if isinstance(error, TransientConnectorError) else None
    return max(backoff, timedelta(seconds=vendor or 0))


async def ask_to_reconnect(
    notifier: Notifier, reader_id: UUID, error: AuthExpired, now: datetime
) -> None:
    """Tell the reader which account to reconnect, once a day per provider."""
    provider = error.provider or "calendar"
    # A failed send is not retried here: the next failing row asks again, and the dead
    # row already shows the error to operators.
    with contextlib.suppress(TransientConnectorError):
        await notifier.notify_reader(
            reader_id=reader_id,
            notice=Notice(NoticeKind.RECONNECT_ACCOUNT, {"provider": provider}),
            idempotency_key=f"reconnect:{reader_id}:{provider}:{now.date().isoformat()}",
        )


def _describe(problems: list[PermanentConnectorError]) -> str:
    return "; ".join(f"{p.provider or 'provider'}: {p}" for p in problems)[:1000]
