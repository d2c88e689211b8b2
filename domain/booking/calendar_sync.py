"""Pull a reader's own calendar incrementally: outside events block slots, clashes alert them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from domain.booking.effects import ask_to_reconnect
from domain.booking.windows import TimeWindow
from domain.clock import Clock
from domain.enums import BookingStatus
from domain.errors import AuthExpired
from domain.models import Booking
from domain.ports.accounts import AccountsResolver
from domain.ports.calendar import CalendarSync
from domain.ports.links import CalendarBusyRepository, ExternalBusyWindow, ExternalLink
from domain.ports.notify import Notice, NoticeKind, Notifier
from domain.ports.storage import UnitOfWorkFactory

READER = "reader"
SYNC = "calendar_sync"
# Past events cannot block a slot; keep a day of them so a sync near midnight is harmless.
_KEEP_PAST = timedelta(days=1)
_LONGEST_BOOKING = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class SyncResult:
    """What one sync pass saw."""

    reader_id: UUID
    changes: int = 0
    full: bool = False
    conflicts: int = 0
    skipped: str = ""


async def calendar_readers(*, uows: UnitOfWorkFactory) -> list[UUID]:
    """Readers whose calendars might be synced (the resolver decides which really are)."""
    async with uows(read_only=True) as u:
        return [reader.id for reader in await u.readers.list_active()]


async def sync_reader_calendar(
    *,
    uows: UnitOfWorkFactory,
    accounts: AccountsResolver,
    notifier: Notifier,
    clock: Clock,
    reader_id: UUID,
) -> SyncResult:
    """One incremental pass; conflicts are told before the cursor moves, so none is lost."""
    async with uows(read_only=True) as u:
        reader = await u.readers.get(reader_id)
        state = await u.external_refs.get(READER, reader_id, SYNC)
    if reader is None:
        return SyncResult(reader_id, skipped="reader not found")
    try:
        acc = await accounts.for_reader(reader)
    except AuthExpired as exc:
        await ask_to_reconnect(notifier, reader_id, exc, clock.now())
        return SyncResult(reader_id, skipped="credentials expired")
    if not acc.external_calendar:
        return SyncResult(reader_id, skipped="built-in calendar")
    same_calendar = (
        state is not None
        and state.provider == acc.calendar_provider
        and state.external_id == acc.calendar_id
    )
    cursor = str(state.data.get("cursor") or "") or None if state and same_calendar else None
    try:
        synced = await acc.calendar.sync(calendar_id=acc.calendar_id, cursor=cursor)
    except AuthExpired as exc:
        await ask_to_reconnect(notifier, reader_id, exc, clock.now())
        return SyncResult(reader_id, skipped="credentials expired")
    now = clock.now()
    full = synced.full_resync or cursor is None
    busy = _busy_windows(reader_id, acc.calendar_provider, synced, now)
    clashes = await _clashes(uows, reader_id, busy, now)
    for booking, window in clashes:
        when = f"{window.window.start:%Y%m%dT%H%M}"
        await notifier.notify_reader(
            reader_id=reader_id,
            notice=Notice(NoticeKind.CALENDAR_CONFLICT, booking_id=booking.id),
            idempotency_key=f"conflict:{booking.id}:{window.event_id}:{when}",
        )
    async with uows() as u:
        if full:
            await u.calendar_busy.replace(reader_id, acc.calendar_provider, busy, now)
        else:
            await _apply_changes(
                u.calendar_busy, reader_id, acc.calendar_provider, synced, busy, now
            )
        cursor_link = ExternalLink(
            READER,
            reader_id,
            SYNC,
            acc.calendar_provider,
            acc.calendar_id,
            {"cursor": synced.next_cursor},
        )
        await u.external_refs.put(cursor_link, now)
        await u.commit()
    return SyncResult(reader_id, changes=len(synced.changes), full=full, conflicts=len(clashes))


def _busy_windows(
    reader_id: UUID, provider: str, synced: CalendarSync, now: datetime
) -> list[ExternalBusyWindow]:
    """Events someone else made that still take time; ours are already bookings."""
    return [
        ExternalBusyWindow(reader_id, provider, change.event_id, change.window)
        for change in synced.changes
        if not change.ours
        and not change.cancelled
        and change.window is not None
        and change.window.end > now - _KEEP_PAST
    ]


async def _apply_changes(
    repo: CalendarBusyRepository,
    reader_id: UUID,
    provider: str,
    synced: CalendarSync,
    busy: list[ExternalBusyWindow],
    now: datetime,
) -> None:
    """Merge an incremental pass: new and moved events upserted, the rest removed."""
    kept = {window.event_id for window in busy}
    for change in synced.changes:
        if change.ours:
            continue
        if change.event_id not in kept:
            await repo.remove(reader_id, provider, change.event_id)
    for window in busy:
        await repo.upsert(window, now)


async def _clashes(
    uows: UnitOfWorkFactory, reader_id: UUID, busy: list[ExternalBusyWindow], now: datetime
) -> list[tuple[Booking, ExternalBusyWindow]]:
    """Confirmed bookings that an outside event now overlaps."""
    found: list[tuple[Booking, ExternalBusyWindow]] = []
    future = [window for window in busy if window.window.end > now]
    if not future:
        return found
    async with uows(read_only=True) as u:
        for window in future:
            around = TimeWindow(window.window.start - _LONGEST_BOOKING, window.window.end)
            bookings = await u.bookings.for_reader(
                reader_id, around, statuses=(BookingStatus.CONFIRMED,)
            )
            found.extend(
                (booking, window)
                for booking in bookings
                if booking.starts_at < window.window.end and window.window.start < booking.ends_at
            )
    return found
