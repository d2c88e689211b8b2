"""When a reading really happened, from the meeting provider's started and ended events."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from domain.booking.externals import BOOKING, MEETING
from domain.clock import Clock
from domain.ports.links import SessionTimes
from domain.ports.storage import UnitOfWork, UnitOfWorkFactory


async def record_meeting_times(
    *,
    uows: UnitOfWorkFactory,
    clock: Clock,
    provider: str,
    delivery_id: str,
    meeting_id: str,
    started_at: datetime | None = None,
    ended_at: datetime | None = None,
    raw: dict[str, Any] | None = None,
) -> SessionTimes | None:
    """Record one started/ended delivery once; None for a duplicate or someone else's meeting.

    The delivery is deduplicated in the same transaction that records the times, so a
    redelivered webhook can never count twice. Earliest start and latest end win (a host
    may leave and rejoin).
    """
    now = clock.now()
    async with uows() as u:
        if not await u.inbound.record(provider, delivery_id, raw or {}, now):
            return None
        times = await _merge_times(u, provider, meeting_id, started_at, ended_at)
        await u.inbound.mark_processed(provider, delivery_id, now)
        await u.commit()
    return times


async def _merge_times(
    u: UnitOfWork,
    provider: str,
    meeting_id: str,
    started_at: datetime | None,
    ended_at: datetime | None,
) -> SessionTimes | None:
    link = await u.external_refs.find(provider, MEETING, meeting_id)
    if link is None or link.entity_kind != BOOKING:
        return None
    booking = await u.bookings.get(link.entity_id)
    if booking is None:
        return None
    times = await u.reading_sessions.get(booking.id) or SessionTimes(
        booking.id, booking.service_kind
    )
    start = _earliest(times.started_at, started_at)
    end = _latest(times.ended_at, ended_at)
    duration = int((end - start).total_seconds()) if start and end and end >= start else None
    times = replace(times, started_at=start, ended_at=end, duration_seconds=duration)
    await u.reading_sessions.save(times)
    return times


def _earliest(*values: datetime | None) -> datetime | None:
    present = [v for v in values if v is not None]
    return min(present) if present else None


def _latest(*values: datetime | None) -> datetime | None:
    present = [v for v in values if v is not None]
    return max(present) if present else None
