"""Calendar capability: read busy times, write one event per booking, sync changes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.booking.windows import TimeWindow


@dataclass(frozen=True, slots=True)
class SessionEvent:
    """What we put on a reader's calendar for a booking."""

    booking_id: UUID
    title: str
    description: str
    starts_at: datetime
    ends_at: datetime
    timezone: str
    attendee_emails: tuple[str, ...] = ()
    location: str | None = None


@dataclass(frozen=True, slots=True)
class CalendarEventRef:
    """Where an event lives at the provider."""

    calendar_id: str
    event_id: str
    html_link: str | None = None


@dataclass(frozen=True, slots=True)
class ExternalBusy:
    """A change to one event on the calendar, as seen by incremental sync."""

    event_id: str
    window: TimeWindow | None
    cancelled: bool = False
    ours: bool = False


@dataclass(frozen=True, slots=True)
class CalendarSync:
    """The result of one incremental sync pass."""

    changes: list[ExternalBusy] = field(default_factory=list)
    next_cursor: str | None = None
    full_resync: bool = False


class CalendarConnector(Protocol):
    """Read a reader's availability and write session events to their calendar."""

    async def busy(self, *, calendar_id: str, window: TimeWindow) -> list[TimeWindow]:
        """Busy periods in a window.

        Args:
            calendar_id: The provider's calendar id ("primary" for Google).
            window: The UTC window to look at.

        Returns:
            Busy windows, UTC, in any order.

        Raises:
            TransientConnectorError: 429, 5xx or timeout.
            PermanentConnectorError: any other failure; AuthExpired for bad credentials.
        """
        ...

    async def create_event(
        self, *, calendar_id: str, event: SessionEvent, idempotency_key: str
    ) -> CalendarEventRef:
        """Create the event once: a retry with the same key returns the same event.

        Args:
            calendar_id: The provider's calendar id.
            event: What to write.
            idempotency_key: Derived from our booking id; the same key never makes two events.

        Returns:
            Where the event lives.

        Raises:
            TransientConnectorError: 429, 5xx or timeout.
            PermanentConnectorError: any other failure; AuthExpired for bad credentials.
        """
        ...

    async def update_event(self, *, ref: CalendarEventRef, event: SessionEvent) -> CalendarEventRef:
        """Move or rename an existing event.

        Args:
            ref: The event to change.
            event: The new content.

        Returns:
            The (same) event reference.

        Raises:
            TransientConnectorError: 429, 5xx or timeout.
            PermanentConnectorError: any other failure.
        """
        ...

    async def cancel_event(self, *, ref: CalendarEventRef) -> None:
        """Cancel an event; cancelling one already gone is not an error.

        Args:
            ref: The event to cancel.

        Raises:
            TransientConnectorError: 429, 5xx or timeout.
            PermanentConnectorError: any other failure.
        """
        ...

    async def sync(self, *, calendar_id: str, cursor: str | None) -> CalendarSync:
        """Changes since `cursor` (None = full sync); an expired cursor triggers a full one.

        Args:
            calendar_id: The provider's calendar id.
            cursor: The `next_cursor` of the previous sync, or None.

        Returns:
            The changes and the cursor to pass next time.

        Raises:
            TransientConnectorError: 429, 5xx or timeout.
            PermanentConnectorError: any other failure.
        """
        ...
