"""A receipt sent in chat, attached to its expense: fetched by a flow, stored once.

The chat turn only records the expense and an `expense.receipt` outbox row naming the
platform's handle of the file (webhooks must be answered within Slack's and Meta's few
seconds; a download may take longer). The row's run fetches the bytes through that
platform's `ChannelFiles`, proves their type from the bytes, and in one transaction puts
them into the file store and points the expense at them. It converges when run late,
twice or at once by two workers: an expense that has its receipt is left alone, the same
bytes are one stored file (keyed by SHA-256), and the expense's key is set only while it
is empty. A fetch that can never work (the file is gone or refused) gives the row up with
the reason and tells the reader; the expense itself was committed before and stays.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from uuid import UUID

from domain.billing.payments import Expense
from domain.booking.externals import EffectResult, finish_effect
from domain.clock import Clock
from domain.enums import Channel, OutboxKind
from domain.errors import NotFound, PermanentConnectorError, TransientConnectorError
from domain.files import FileRejected, accepted_type
from domain.models import OutboxEntry
from domain.ports.files import ChannelFile, ChannelFiles, StoredFile
from domain.ports.notify import Notice, NoticeKind, Notifier
from domain.ports.storage import UnitOfWork, UnitOfWorkFactory

TOO_LARGE, WRONG_TYPE, UNAVAILABLE = "too_large", "wrong_type", "unavailable"


def receipt_entry(expense: Expense, source: ChannelFile) -> OutboxEntry:
    """The row that fetches an expense's receipt: one per expense, whatever retries it."""
    payload = {
        "expense_id": str(expense.id),
        "reader_id": str(expense.reader_id),
        "channel": source.channel.value,
        "ref": source.file.ref,
        "content_type": source.file.content_type,
        "filename": source.file.filename,
    }
    key = f"{OutboxKind.EXPENSE_RECEIPT.value}:{expense.id}"
    return OutboxEntry(key=key, kind=OutboxKind.EXPENSE_RECEIPT, payload=payload)


async def attach_receipt(
    *,
    uows: UnitOfWorkFactory,
    clock: Clock,
    notifier: Notifier,
    channel_files: Mapping[Channel, ChannelFiles],
    entry: OutboxEntry,
) -> EffectResult:
    """Carry out one `expense.receipt` row; transient fetch errors propagate for a retry."""
    expense_id = UUID(entry.payload["expense_id"])
    async with uows(read_only=True) as u:
        expense = await u.expenses.get(expense_id)
    if expense is None:
        return await finish_effect(uows, clock, entry, "skipped", detail="expense not found")
    if expense.receipt_key is not None:
        return await finish_effect(uows, clock, entry, "done", detail="receipt attached before")
    channel = Channel(entry.payload["channel"])
    fetcher = channel_files.get(channel)
    if fetcher is None:
        raise PermanentConnectorError(f"this process cannot fetch files from {channel.value}")
    try:
        fetched = await fetcher.fetch(entry.payload["ref"])
        kind = accepted_type(fetched.content)  # the bytes say what it is, not the platform
    except FileRejected as refused:
        reason = TOO_LARGE if refused.too_large else WRONG_TYPE
        return await _give_up(uows, clock, notifier, entry, expense, reason, str(refused))
    except PermanentConnectorError as gone:
        detail = f"{type(gone).__name__}: {gone}"
        return await _give_up(uows, clock, notifier, entry, expense, UNAVAILABLE, detail)
    name = entry.payload.get("filename") or fetched.filename
    async with uows() as u:
        key = await u.files.put(fetched.content, kind, name)
        attached = await u.expenses.attach_receipt(expense_id, key)
        await u.outbox.complete(entry.key, clock.now())
        await u.commit()
    detail = f"{kind}, {len(fetched.content)} bytes" if attached else "attached meanwhile"
    return EffectResult(entry.key, "done", detail=f"receipt {key[:12]}: {detail}")


async def receipt_of(*, uow: UnitOfWork, expense_id: UUID) -> StoredFile:
    """An expense's stored receipt.

    Raises:
        NotFound: No such expense, or its receipt is not (yet) stored.
    """
    async with uow:
        expense = await uow.expenses.get(expense_id)
        if expense is None:
            raise NotFound("no such expense")
        if expense.receipt_key is None:
            raise NotFound("this expense has no receipt (yet)")
        found = await uow.files.get(expense.receipt_key)
    if found is None:
        raise NotFound("the receipt's file is missing")
    return found


async def _give_up(
    uows: UnitOfWorkFactory,
    clock: Clock,
    notifier: Notifier,
    entry: OutboxEntry,
    expense: Expense,
    reason: str,
    detail: str,
) -> EffectResult:
    """The receipt will never come: the row dead with the reason, the reader told once."""
    message = f"receipt not saved ({reason}): {detail}"[:1000]
    async with uows() as u:
        await u.outbox.give_up(entry.key, clock.now(), message)
        await u.commit()
    notice = Notice(
        NoticeKind.RECEIPT_NOT_SAVED,
        {
            "amount_minor": str(expense.amount.amount_minor),
            "currency": expense.amount.currency,
            "category": expense.category,
            "reason": reason,
        },
    )
    # The row is dead already: a failed notice must not bring it back to life for a retry.
    with contextlib.suppress(TransientConnectorError):
        await notifier.notify_reader(
            reader_id=expense.reader_id, notice=notice, idempotency_key=f"{entry.key}:not-saved"
        )
    return EffectResult(entry.key, "gave_up", detail=message)
