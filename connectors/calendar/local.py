"""The built-in calendar: no account, no external calls.

With no calendar provider configured our bookings table *is* the reader's calendar and
the ICS feed (`connectors.calendar.ics`) publishes it, so writes here only hand back
stable references and there is nothing external to read.
"""

from __future__ import annotations

from connectors.calendar.ids import event_id_for
from domain.booking.windows import TimeWindow
from domain.ports.calendar import CalendarEventRef, CalendarSync, SessionEvent

__all__ = ["LOCAL_CURSOR", "LocalCalendar"]

LOCAL_CURSOR = "local"


class LocalCalendar:
    """A CalendarConnector that records nothing and never blocks a slot."""

    provider = "local"

    async def busy(self, *, calendar_id: str, window: TimeWindow) -> list[TimeWindow]:
        """No external calendar, so nothing outside our own bookings is busy."""
        return []

    async def create_event(
        self, *, calendar_id: str, event: SessionEvent, idempotency_key: str
    ) -> CalendarEventRef:
        """A deterministic reference, so retries and re-runs agree on the id."""
        return CalendarEventRef(
            calendar_id=calendar_id, event_id=f"local-{event_id_for(idempotency_key)}"
        )

    async def update_event(self, *, ref: CalendarEventRef, event: SessionEvent) -> CalendarEventRef:
        """The booking row already holds the new time; the reference is unchanged."""
        return ref

    async def cancel_event(self, *, ref: CalendarEventRef) -> None:
        """Nothing external to remove."""

    async def sync(self, *, calendar_id: str, cursor: str | None) -> CalendarSync:
        """Never any external changes; the cursor is constant."""
        return CalendarSync(changes=[], next_cursor=LOCAL_CURSOR)
