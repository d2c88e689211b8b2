"""An in-memory CalendarConnector for domain and flow tests, faithful to Google's rules.

Same key -> same event id (`ids.event_id_for`), cancelling twice is fine, sync hands out
cursors that can be expired to force a full listing, and failures can be scripted.
"""

from __future__ import annotations

import itertools
from collections import deque
from dataclasses import dataclass, replace
from typing import Any

from connectors.calendar.ids import event_id_for, is_our_event_id
from connectors.errors import ConnectorError, PermanentConnectorError
from domain.booking.windows import TimeWindow
from domain.ports.calendar import CalendarEventRef, CalendarSync, ExternalBusy, SessionEvent

__all__ = ["FakeCalendar", "FakeCalendarCall", "FakeCalendarEvent"]


@dataclass(frozen=True, slots=True)
class FakeCalendarCall:
    """One connector call, with its keyword arguments, for assertions."""

    method: str
    kwargs: dict[str, Any]


@dataclass(frozen=True, slots=True)
class FakeCalendarEvent:
    """An event as the fake stores it; `session` is None for events someone else made."""

    calendar_id: str
    event_id: str
    window: TimeWindow
    session: SessionEvent | None = None
    idempotency_key: str | None = None
    cancelled: bool = False
    transparent: bool = False
    seq: int = 0

    @property
    def ours(self) -> bool:
        """Made by us (through create_event)."""
        return self.idempotency_key is not None or is_our_event_id(self.event_id)


@dataclass
class _Failure:
    """A scripted error and the method it applies to (None = any)."""

    error: ConnectorError
    method: str | None = None


class FakeCalendar:
    """Records calls, keeps events per calendar, and fails on demand."""

    provider = "fake"

    def __init__(self) -> None:
        """Start empty: no events, no calls, no scripted failures."""
        self.calls: list[FakeCalendarCall] = []
        self.events: dict[tuple[str, str], FakeCalendarEvent] = {}
        self._seq = itertools.count(1)
        self._last_seq = 0
        self._epoch = 0
        self._failures: deque[_Failure] = deque()

    # -- test controls -----------------------------------------------------------------

    def fail_next(self, n: int, error: ConnectorError, *, method: str | None = None) -> None:
        """Make the next `n` calls (of `method`, or any) raise `error` instead of acting."""
        self._failures.extend(_Failure(error, method) for _ in range(n))

    def expire_cursors(self) -> None:
        """Invalidate every cursor handed out, like Google's 410 on an old sync token."""
        self._epoch += 1

    def add_external(
        self, calendar_id: str, event_id: str, window: TimeWindow, *, transparent: bool = False
    ) -> None:
        """Put an event the reader made themselves on the calendar."""
        self.events[(calendar_id, event_id)] = FakeCalendarEvent(
            calendar_id, event_id, window, transparent=transparent, seq=self._next_seq()
        )

    def remove_external(self, calendar_id: str, event_id: str) -> None:
        """The reader deleted one of their events."""
        self._change(self.events[(calendar_id, event_id)], cancelled=True)

    def live_events(self, calendar_id: str | None = None) -> list[FakeCalendarEvent]:
        """Events not cancelled, optionally of one calendar."""
        return [
            e
            for e in self.events.values()
            if not e.cancelled and calendar_id in (None, e.calendar_id)
        ]

    def calls_to(self, method: str) -> list[FakeCalendarCall]:
        """Calls of one method, oldest first."""
        return [c for c in self.calls if c.method == method]

    # -- CalendarConnector ---------------------------------------------------------------

    async def busy(self, *, calendar_id: str, window: TimeWindow) -> list[TimeWindow]:
        """Opaque live events overlapping the window, ours included (as freeBusy does)."""
        self._enter("busy", calendar_id=calendar_id, window=window)
        return [
            e.window
            for e in self.live_events(calendar_id)
            if not e.transparent and e.window.start < window.end and window.start < e.window.end
        ]

    async def create_event(
        self, *, calendar_id: str, event: SessionEvent, idempotency_key: str
    ) -> CalendarEventRef:
        """Create under the key's id; an existing one is adopted, a cancelled one revived."""
        self._enter(
            "create_event", calendar_id=calendar_id, event=event, idempotency_key=idempotency_key
        )
        event_id = event_id_for(idempotency_key)
        existing = self.events.get((calendar_id, event_id))
        if existing is not None and not existing.cancelled:
            return self._ref(existing)
        stored = FakeCalendarEvent(
            calendar_id,
            event_id,
            TimeWindow(event.starts_at, event.ends_at),
            session=event,
            idempotency_key=idempotency_key,
            seq=self._next_seq(),
        )
        self.events[(calendar_id, event_id)] = stored
        return self._ref(stored)

    async def update_event(self, *, ref: CalendarEventRef, event: SessionEvent) -> CalendarEventRef:
        """Change time and content; an unknown event is a permanent 404, as on Google."""
        self._enter("update_event", ref=ref, event=event)
        existing = self.events.get((ref.calendar_id, ref.event_id))
        if existing is None:
            raise PermanentConnectorError("event not found", provider="fake", status=404)
        updated = self._change(
            existing, session=event, window=TimeWindow(event.starts_at, event.ends_at)
        )
        return self._ref(updated)

    async def cancel_event(self, *, ref: CalendarEventRef) -> None:
        """Cancel; unknown or already-cancelled events are fine."""
        self._enter("cancel_event", ref=ref)
        existing = self.events.get((ref.calendar_id, ref.event_id))
        if existing is not None and not existing.cancelled:
            self._change(existing, cancelled=True)

    async def sync(self, *, calendar_id: str, cursor: str | None) -> CalendarSync:
        """Changes since the cursor; no cursor or an expired one lists everything."""
        self._enter("sync", calendar_id=calendar_id, cursor=cursor)
        since = self._parse_cursor(cursor)
        stored = [e for e in self.events.values() if e.calendar_id == calendar_id]
        changed = stored if since is None else [e for e in stored if e.seq > since]
        changes = [self._change_of(e) for e in sorted(changed, key=lambda e: e.seq)]
        return CalendarSync(
            changes=changes,
            next_cursor=f"fake:{self._epoch}:{self._last_seq}",
            full_resync=since is None,
        )

    # -- internals ------------------------------------------------------------------------

    def _enter(self, method: str, **kwargs: Any) -> None:
        """Record the call, then raise a scripted failure if one is due."""
        self.calls.append(FakeCalendarCall(method, kwargs))
        if self._failures and self._failures[0].method in (None, method):
            raise self._failures.popleft().error

    def _next_seq(self) -> int:
        """A new change number."""
        self._last_seq = next(self._seq)
        return self._last_seq

    def _change(self, event: FakeCalendarEvent, **changes: Any) -> FakeCalendarEvent:
        """Store a changed copy with a fresh change number."""
        updated = replace(event, **changes, seq=self._next_seq())
        self.events[(event.calendar_id, event.event_id)] = updated
        return updated

    def _parse_cursor(self, cursor: str | None) -> int | None:
        """The change number a cursor stands for, or None when it is absent or expired."""
        if cursor is None:
            return None
        try:
            _, epoch, seq = cursor.split(":")
            return int(seq) if int(epoch) == self._epoch else None
        except ValueError:
            return None

    @staticmethod
    def _change_of(event: FakeCalendarEvent) -> ExternalBusy:
        """How sync reports an event; transparent ones carry no window."""
        if event.cancelled:
            return ExternalBusy(event.event_id, None, cancelled=True, ours=event.ours)
        window = None if event.transparent else event.window
        return ExternalBusy(event.event_id, window, ours=event.ours)

    @staticmethod
    def _ref(event: FakeCalendarEvent) -> CalendarEventRef:
        """The reference handed back for a stored event."""
        return CalendarEventRef(
            calendar_id=event.calendar_id,
            event_id=event.event_id,
            html_link=f"https://calendar.fake.invalid/event?eid={event.event_id}",
        )
