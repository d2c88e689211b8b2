"""A booking's calendar event and video meeting: made, moved and removed exactly once.

Each external object has an `external_refs` row. A "creating" marker is committed before
the first create, so a later attempt knows an earlier one may have reached the provider:
the calendar adopts through its deterministic event id, the meeting provider is asked to
look up before creating. The "live" row is committed right after the provider answers.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from uuid import UUID

from domain.clock import Clock
from domain.enums import ServiceKind
from domain.errors import PermanentConnectorError
from domain.models import Booking, Client, OutboxEntry, Reader, Service
from domain.ports.accounts import ReaderAccounts
from domain.ports.calendar import CalendarEventRef, SessionEvent
from domain.ports.links import ExternalLink
from domain.ports.meetings import MeetingRef, MeetingRequest
from domain.ports.storage import UnitOfWorkFactory

BOOKING = "booking"
CALENDAR = "calendar_event"
MEETING = "meeting"
CREATING, LIVE, REMOVED = "creating", "live", "removed"
# Chat readings happen in the chat; only voice and video need somewhere to meet.
MEETING_KINDS = frozenset({ServiceKind.VIDEO, ServiceKind.VOICE})


@dataclass(frozen=True, slots=True)
class EffectResult:
    """How one outbox row ended in this run."""

    key: str
    outcome: str  # "done", "skipped", "gave_up", "retry_later"
    join_url: str | None = None
    detail: str = ""


async def finish_effect(
    uows: UnitOfWorkFactory, clock: Clock, entry: OutboxEntry, outcome: str, *, detail: str
) -> EffectResult:
    """Mark an outbox row done (whatever its outcome) and say how it ended."""
    async with uows() as u:
        await u.outbox.complete(entry.key, clock.now())
        await u.commit()
    return EffectResult(entry.key, outcome, detail=detail)


@dataclass(frozen=True, slots=True)
class BookingContext:
    """A booking with the people and service its side effects talk about."""

    booking: Booking
    reader: Reader
    client: Client
    service: Service


@dataclass(slots=True)
class Externals:
    """What a booking has outside the hub after reconciling, and what failed for good."""

    event: ExternalLink | None = None
    meeting: ExternalLink | None = None
    problems: list[PermanentConnectorError] = field(default_factory=list)

    @property
    def join_url(self) -> str | None:
        """The client's join link, when there is a live meeting."""
        if self.meeting is None or self.meeting.data.get("state") != LIVE:
            return None
        url = self.meeting.data.get("join_url")
        return str(url) if url else None

    @property
    def event_id(self) -> str | None:
        """The provider's event id, when there is a live event."""
        if self.event is None or self.event.data.get("state") != LIVE:
            return None
        return self.event.external_id


def external_key(booking_id: UUID) -> str:
    """The idempotency key of a booking's event and meeting, stable across reschedules."""
    return f"booking:{booking_id}"


def session_event(ctx: BookingContext, join_url: str | None) -> SessionEvent:
    """The reader's calendar entry: who, what, and where to join."""
    who = ctx.client.name or "client"
    lines = [f"Booking {ctx.booking.reference}: {ctx.service.name} with {who}."]
    if join_url:
        lines.append(f"Join: {join_url}")
    return SessionEvent(
        booking_id=ctx.booking.id,
        title=f"{ctx.service.name} with {who}",
        description="\n".join(lines),
        starts_at=ctx.booking.starts_at,
        ends_at=ctx.booking.ends_at,
        timezone=ctx.reader.timezone,
        location=join_url,
    )


def meeting_request(ctx: BookingContext, host: str) -> MeetingRequest:
    """The meeting both sides join."""
    minutes = int((ctx.booking.ends_at - ctx.booking.starts_at).total_seconds() // 60)
    return MeetingRequest(
        booking_id=ctx.booking.id,
        topic=f"{ctx.service.name} with {ctx.reader.brand}",
        starts_at=ctx.booking.starts_at,
        duration_minutes=max(minutes, 1),
        timezone=ctx.reader.timezone,
        host=host,
        fallback_url=ctx.reader.room_url,
    )


async def read_links(uows: UnitOfWorkFactory, booking_id: UUID) -> Externals:
    """The stored event and meeting links of a booking."""
    async with uows(read_only=True) as u:
        event = await u.external_refs.get(BOOKING, booking_id, CALENDAR)
        meeting = await u.external_refs.get(BOOKING, booking_id, MEETING)
    return Externals(event=event, meeting=meeting)


async def ensure_live(
    uows: UnitOfWorkFactory,
    accounts: ReaderAccounts,
    ctx: BookingContext,
    *,
    attempt: int,
    now: datetime,
) -> Externals:
    """Make the meeting, then the event (it carries the join link), at the booking's time."""
    found = await read_links(uows, ctx.booking.id)
    wants_meeting = accounts.meetings is not None and ctx.booking.service_kind in MEETING_KINDS
    event = _usable(found.event, accounts.calendar_provider)
    meeting = _usable(found.meeting, accounts.meeting_provider) if wants_meeting else None
    await _mark_creating(
        uows,
        ctx.booking.id,
        accounts,
        now,
        event=event,
        meeting=meeting,
        wants_meeting=wants_meeting,
    )
    result = Externals()
    if wants_meeting:
        try:
            result.meeting = await _ensure_meeting(uows, accounts, ctx, meeting, attempt, now)
        except PermanentConnectorError as exc:
            result.problems.append(exc)
    try:
        result.event = await _ensure_event(uows, accounts, ctx, event, result.join_url, now)
    except PermanentConnectorError as exc:
        result.problems.append(exc)
    return result


async def tear_down(
    uows: UnitOfWorkFactory, accounts: ReaderAccounts, ctx: BookingContext, now: datetime
) -> Externals:
    """Cancel the event and delete the meeting; "creating" ones are adopted first, then removed."""
    found = await read_links(uows, ctx.booking.id)
    key = external_key(ctx.booking.id)
    result = Externals()
    event = _usable(found.event, accounts.calendar_provider)
    if event is not None and event.data.get("state") in (CREATING, LIVE):
        try:
            ref = _event_ref(event)
            if event.data.get("state") == CREATING:  # an interrupted create may have landed
                ref = await accounts.calendar.create_event(
                    calendar_id=accounts.calendar_id,
                    event=session_event(ctx, None),
                    idempotency_key=key,
                )
            await accounts.calendar.cancel_event(ref=ref)
            result.event = await _store(uows, event, now, external_id=ref.event_id, state=REMOVED)
        except PermanentConnectorError as exc:
            result.problems.append(exc)
    meeting = _usable(found.meeting, accounts.meeting_provider)
    meetings = accounts.meetings
    if (
        meetings is not None
        and meeting is not None
        and meeting.data.get("state")
        in (
            CREATING,
            LIVE,
        )
    ):
        try:
            mref = _meeting_ref(meeting)
            if meeting.data.get("state") == CREATING:
                mref = await meetings.create_meeting(
                    request=meeting_request(ctx, accounts.meeting_host),
                    idempotency_key=key,
                    lookup=True,
                )
            await meetings.delete_meeting(ref=mref)
            result.meeting = await _store(
                uows, meeting, now, external_id=mref.meeting_id, state=REMOVED
            )
        except PermanentConnectorError as exc:
            result.problems.append(exc)
    return result


def _usable(link: ExternalLink | None, provider: str) -> ExternalLink | None:
    """A link made by another provider (the platform switched) cannot be acted on here."""
    return link if link is not None and link.provider == provider else None


async def _mark_creating(
    uows: UnitOfWorkFactory,
    booking_id: UUID,
    accounts: ReaderAccounts,
    now: datetime,
    *,
    event: ExternalLink | None,
    meeting: ExternalLink | None,
    wants_meeting: bool,
) -> None:
    """Commit "creating" markers for whatever does not exist yet, before calling anyone."""
    markers = []
    if event is None:
        markers.append(_marker(booking_id, CALENDAR, accounts.calendar_provider))
    if wants_meeting and meeting is None:
        markers.append(_marker(booking_id, MEETING, accounts.meeting_provider))
    if not markers:
        return
    async with uows() as u:
        for marker in markers:
            await u.external_refs.put(marker, now)
        await u.commit()


def _marker(booking_id: UUID, purpose: str, provider: str) -> ExternalLink:
    return ExternalLink(BOOKING, booking_id, purpose, provider, "", {"state": CREATING})


async def _ensure_meeting(
    uows: UnitOfWorkFactory,
    accounts: ReaderAccounts,
    ctx: BookingContext,
    link: ExternalLink | None,
    attempt: int,
    now: datetime,
) -> ExternalLink:
    """Create (looking up first if an earlier attempt may have), or move to the booking's time."""
    meetings = accounts.meetings
    assert meetings is not None
    request = meeting_request(ctx, accounts.meeting_host)
    if link is not None and link.data.get("state") == LIVE:
        if _same_time(link, ctx.booking):
            return link
        ref = await meetings.update_meeting(ref=_meeting_ref(link), request=request)
    else:
        # No marker before this attempt and the outbox row's first try: nobody can have
        # reached the provider, so skip the lookup (one call per booking instead of two).
        maybe_made = link is not None or attempt > 1
        ref = await meetings.create_meeting(
            request=request, idempotency_key=external_key(ctx.booking.id), lookup=maybe_made
        )
        link = link or _marker(ctx.booking.id, MEETING, accounts.meeting_provider)
    data = {"join_url": ref.join_url, "start_url": ref.start_url}
    return await _store(uows, link, now, external_id=ref.meeting_id, state=LIVE, ctx=ctx, **data)


async def _ensure_event(
    uows: UnitOfWorkFactory,
    accounts: ReaderAccounts,
    ctx: BookingContext,
    link: ExternalLink | None,
    join_url: str | None,
    now: datetime,
) -> ExternalLink:
    """Create under the booking's key (a retry adopts), or move it to the booking's time."""
    event = session_event(ctx, join_url)
    if link is not None and link.data.get("state") == LIVE:
        if _same_time(link, ctx.booking) and link.data.get("join_url") == join_url:
            return link
        ref = await accounts.calendar.update_event(ref=_event_ref(link), event=event)
    else:
        ref = await accounts.calendar.create_event(
            calendar_id=accounts.calendar_id,
            event=event,
            idempotency_key=external_key(ctx.booking.id),
        )
        link = link or _marker(ctx.booking.id, CALENDAR, accounts.calendar_provider)
    data = {"calendar_id": ref.calendar_id, "html_link": ref.html_link, "join_url": join_url}
    return await _store(uows, link, now, external_id=ref.event_id, state=LIVE, ctx=ctx, **data)


def _same_time(link: ExternalLink, booking: Booking) -> bool:
    return (
        link.data.get("starts_at") == booking.starts_at.isoformat()
        and link.data.get("ends_at") == booking.ends_at.isoformat()
    )


async def _store(
    uows: UnitOfWorkFactory,
    link: ExternalLink,
    now: datetime,
    *,
    external_id: str,
    state: str,
    ctx: BookingContext | None = None,
    **data: str | None,
) -> ExternalLink:
    """Commit what the provider answered, at once: a retry must find it."""
    merged = {**link.data, **data, "state": state}
    if ctx is not None:
        merged |= {
            "starts_at": ctx.booking.starts_at.isoformat(),
            "ends_at": ctx.booking.ends_at.isoformat(),
        }
    stored = replace(link, external_id=external_id, data=merged)
    async with uows() as u:
        await u.external_refs.put(stored, now)
        await u.commit()
    return stored


def _event_ref(link: ExternalLink) -> CalendarEventRef:
    html = link.data.get("html_link")
    return CalendarEventRef(
        calendar_id=str(link.data.get("calendar_id", "")),
        event_id=link.external_id,
        html_link=str(html) if html else None,
    )


def _meeting_ref(link: ExternalLink) -> MeetingRef:
    start = link.data.get("start_url")
    return MeetingRef(
        provider=link.provider,
        meeting_id=link.external_id,
        join_url=str(link.data.get("join_url", "")),
        start_url=str(start) if start else None,
    )
