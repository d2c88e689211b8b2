"""Reminders 24 hours and 1 hour before a reading: outbox rows due at those instants.

A reminder row belongs to one version of the booking (its `rescheduled_count`): moving
the booking retires the old rows and queues new ones, and a row that no longer matches
the booking when it comes due is dropped rather than sent.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

from domain.booking.externals import BOOKING, MEETING, EffectResult
from domain.clock import Clock
from domain.enums import BookingStatus, OutboxKind, OutboxStatus
from domain.models import Booking, OutboxEntry
from domain.ports.notify import Notice, NoticeKind, Notifier
from domain.ports.storage import UnitOfWork, UnitOfWorkFactory

LEADS: tuple[tuple[str, timedelta], ...] = (
    ("24h", timedelta(hours=24)),
    ("1h", timedelta(hours=1)),
)
REMINDER_KINDS = (OutboxKind.BOOKING_REMINDER,)
_OPEN = (OutboxStatus.PENDING, OutboxStatus.FAILED)


def reminder_key(booking_id: UUID, version: int, lead: str) -> str:
    """One row per booking version and lead time."""
    return f"{OutboxKind.BOOKING_REMINDER.value}:{booking_id}:{version}:{lead}"


def due_reminders(booking: Booking, now: datetime) -> list[OutboxEntry]:
    """The reminders still ahead: one already past when the booking is made is skipped."""
    entries = []
    for lead, ahead in LEADS:
        due = booking.starts_at - ahead
        if due <= now:
            continue
        payload = {
            "booking_id": str(booking.id),
            "client_id": str(booking.client_id),
            "reader_id": str(booking.reader_id),
            "starts_at": booking.starts_at.isoformat(),
            "rescheduled_count": booking.rescheduled_count,
            "lead": lead,
        }
        key = reminder_key(booking.id, booking.rescheduled_count, lead)
        entries.append(OutboxEntry(key, OutboxKind.BOOKING_REMINDER, payload, next_attempt_at=due))
    return entries


async def schedule(u: UnitOfWork, booking: Booking, now: datetime) -> None:
    """Retire reminders of earlier versions and queue this version's (inside `u`)."""
    await _retire(u, booking, now, versions=range(booking.rescheduled_count))
    for entry in due_reminders(booking, now):
        await u.outbox.add(entry, now)


async def cancel(u: UnitOfWork, booking: Booking, now: datetime) -> None:
    """Retire every reminder of the booking (inside `u`)."""
    await _retire(u, booking, now, versions=range(booking.rescheduled_count + 1))


async def _retire(u: UnitOfWork, booking: Booking, now: datetime, *, versions: range) -> None:
    """Mark unsent reminders done; sent or dead ones keep their history."""
    for version in versions:
        for lead, _ in LEADS:
            key = reminder_key(booking.id, version, lead)
            entry = await u.outbox.get_by_key(key)
            if entry is not None and entry.status in _OPEN:
                await u.outbox.complete(key, now)


async def send_reminder(
    *, uows: UnitOfWorkFactory, notifier: Notifier, clock: Clock, entry: OutboxEntry
) -> EffectResult:
    """Remind the client with the join link, if the booking is still the one reminded of."""
    now = clock.now()
    booking_id = UUID(entry.payload["booking_id"])
    async with uows(read_only=True) as u:
        booking = await u.bookings.get(booking_id)
        meeting = await u.external_refs.get(BOOKING, booking_id, MEETING)
    stale = (
        booking is None
        or booking.status is not BookingStatus.CONFIRMED
        or booking.rescheduled_count != int(entry.payload.get("rescheduled_count", -1))
        or booking.starts_at <= now
    )
    if booking is None or stale:
        await _complete(uows, entry.key, now)
        return EffectResult(entry.key, "skipped", detail="booking changed or started")
    join_url = (meeting.data.get("join_url") if meeting else None) or booking.meeting_url
    params = {"lead": str(entry.payload.get("lead", ""))}
    if join_url:
        params["meeting_url"] = str(join_url)
    await notifier.notify_client(
        client_id=booking.client_id,
        notice=Notice(NoticeKind.REMINDER, params, booking_id=booking.id),
        idempotency_key=entry.key,
    )
    await _complete(uows, entry.key, now)
    return EffectResult(entry.key, "done", join_url=str(join_url) if join_url else None)


async def _complete(uows: UnitOfWorkFactory, key: str, now: datetime) -> None:
    async with uows() as u:
        await u.outbox.complete(key, now)
        await u.commit()
