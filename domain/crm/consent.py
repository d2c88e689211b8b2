"""Consent per purpose and channel, and quiet hours: who may be messaged, and when.

An opt-out anywhere (chat "stop", a Mailchimp unsubscribe, an email link) is one record
with no channel, so it covers every channel at once; marketing also needs the client's
current global flag (`clients.marketing_consent`), which only a new grant sets again.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from domain.clock import Clock
from domain.enums import Channel, ConsentKind
from domain.errors import NotFound
from domain.ports.consent import ConsentEntry
from domain.ports.storage import UnitOfWork

# Where chat messages go: "only email" withdraws marketing on each of these.
CHAT_CHANNELS = tuple(channel for channel in Channel if channel is not Channel.EMAIL)
# Two records in one microsecond still keep their order: the later one is stamped after.
_TICK = timedelta(microseconds=1)


async def record_consent(
    *,
    uow: UnitOfWork,
    clock: Clock,
    client_id: UUID,
    purpose: ConsentKind,
    granted: bool,
    source: str,
    channel: Channel | None = None,
) -> None:
    """Append the evidence; a global marketing change also sets the client's current flag."""
    await record_many(
        uow=uow, clock=clock, client_id=client_id, purpose=purpose, granted=granted,
        source=source, channels=(channel,),
    )  # fmt: skip


async def record_many(
    *,
    uow: UnitOfWork,
    clock: Clock,
    client_id: UUID,
    purpose: ConsentKind,
    granted: bool,
    source: str,
    channels: tuple[Channel | None, ...],
) -> None:
    """Several channels' records in one transaction ("only email": every chat channel)."""
    async with uow:
        for channel in channels:
            await record_in(uow, clock, client_id, purpose, granted, source, channel)
        await uow.commit()


async def record_in(
    uow: UnitOfWork,
    clock: Clock,
    client_id: UUID,
    purpose: ConsentKind,
    granted: bool,
    source: str,
    channel: Channel | None,
) -> None:
    """One record inside the caller's transaction (a webhook's effect commits with its id)."""
    if await uow.consent.profile(client_id) is None:
        raise NotFound("client not found")
    now = clock.now()
    last = await uow.consent.last_recorded_at(client_id)
    if last is not None and _aware(last) >= now:
        now = _aware(last) + _TICK
    await uow.consent.append(
        ConsentEntry(client_id, purpose, channel, granted, source, recorded_at=now)
    )
    if purpose is ConsentKind.MARKETING and channel is None:
        await uow.consent.set_marketing(client_id, granted, source, now)


async def may_send(
    *, uow: UnitOfWork, client_id: UUID, purpose: ConsentKind, channel: Channel
) -> bool:
    """Whether a message of this purpose may go to the client on this channel now."""
    async with uow:
        profile = await uow.consent.profile(client_id)
        if profile is None or profile.erased:
            return False
        history = await uow.consent.history(client_id, purpose)
    if purpose is ConsentKind.MARKETING:
        return marketing_allowed(
            consent=profile.marketing_consent,
            consent_at=profile.marketing_consent_at,
            history=history,
            channel=channel,
        )
    # Service messages (and any other purpose) are allowed until withdrawn.
    relevant = [e for e in history if e.channel is None or e.channel is channel]
    return not relevant or relevant[-1].granted


def marketing_allowed(
    *,
    consent: bool,
    consent_at: datetime | None,
    history: list[ConsentEntry],
    channel: Channel,
) -> bool:
    """The global flag, unless this channel was withdrawn after the flag was last set."""
    if not consent:
        return False
    since = _aware(consent_at) if consent_at else None
    later = [
        e
        for e in history
        if e.channel is channel and (since is None or _aware(e.recorded_at) > since)
    ]
    return not later or later[-1].granted


def in_quiet_hours(*, local_time: time, start: time | None, end: time | None) -> bool:
    """Whether a local wall time falls in the window [start, end), which may wrap midnight."""
    if start is None or end is None or start == end:
        return False
    moment = local_time.replace(tzinfo=None)
    if start < end:
        return start <= moment < end
    return moment >= start or moment < end


def next_send_time(*, at: datetime, zone: str, start: time | None, end: time | None) -> datetime:
    """The first instant at or after `at` outside the quiet hours, in UTC (DST-safe)."""
    tz = ZoneInfo(zone)
    at = at.astimezone(UTC)
    if not _quiet(at, tz, start, end):
        return at
    assert end is not None  # quiet implies both ends
    local_day = at.astimezone(tz).date()
    candidates = sorted(
        instant
        for day in (local_day, local_day + timedelta(days=1))
        for instant in _instants_of(day, end, tz)
        if instant >= at and not _quiet(instant, tz, start, end)
    )
    if not candidates:  # cannot happen for a window shorter than a day; never loop forever
        raise ValueError("no time outside the quiet hours")
    return candidates[0]


def _quiet(instant: datetime, tz: ZoneInfo, start: time | None, end: time | None) -> bool:
    return in_quiet_hours(local_time=instant.astimezone(tz).time(), start=start, end=end)


def _instants_of(day: date, wall: time, tz: ZoneInfo) -> list[datetime]:
    """Every UTC instant a wall time names that day: none in a spring gap, two at fall-back.

    A wall time inside the gap has no instant; the clocks jump over it, so the first
    instant after the gap (the transition itself) stands in for it.
    """
    found = []
    for fold in (0, 1):
        local = datetime.combine(day, wall, tzinfo=tz).replace(fold=fold)
        instant = local.astimezone(UTC)
        if instant.astimezone(tz).replace(tzinfo=None) == local.replace(tzinfo=None):
            found.append(instant)
    if not found:
        before = datetime.combine(day, wall, tzinfo=tz).replace(fold=1).astimezone(UTC)
        after = datetime.combine(day, wall, tzinfo=tz).replace(fold=0).astimezone(UTC)
        found.append(_transition(min(before, after), max(before, after), tz))
    return found


def _transition(low: datetime, high: datetime, tz: ZoneInfo) -> datetime:
    """The instant in (low, high] where the zone's offset changes (to the second)."""
    offset = low.astimezone(tz).utcoffset()
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        if middle.astimezone(tz).utcoffset() == offset:
            low = middle
        else:
            high = middle
    return high.replace(microsecond=0)


def _aware(moment: datetime) -> datetime:
    """SQLite hands back naive UTC; PostgreSQL aware."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
