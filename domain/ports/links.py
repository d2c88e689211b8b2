"""Storage the side-effect services need: provider ids, synced busy times, real session times."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from domain.booking.windows import TimeWindow
from domain.enums import ServiceKind


@dataclass(frozen=True, slots=True)
class ExternalLink:
    """Our entity -> what a provider calls it, so a retry finds instead of re-creating."""

    entity_kind: str
    entity_id: UUID
    purpose: str
    provider: str
    external_id: str
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ExternalBusyWindow:
    """Time taken by an event on a reader's own calendar that we did not make."""

    reader_id: UUID
    provider: str
    event_id: str
    window: TimeWindow


@dataclass(frozen=True, slots=True)
class SessionTimes:
    """When a reading really started and ended, as the meeting provider saw it."""

    booking_id: UUID
    medium: ServiceKind
    started_at: datetime | None = None
    ended_at: datetime | None = None
    duration_seconds: int | None = None


class ExternalRefRepository(Protocol):
    """Provider ids of our entities (`external_refs`), written before and after external creates."""

    async def get(self, entity_kind: str, entity_id: UUID, purpose: str) -> ExternalLink | None:
        """The newest link of an entity for a purpose, whatever the provider.

        Args:
            entity_kind: "booking", "reader", ...
            entity_id: Our id.
            purpose: "calendar_event", "meeting", "calendar_sync", ...

        Returns:
            The link, or None.
        """
        ...

    async def put(self, link: ExternalLink, now: datetime) -> None:
        """Insert or replace the link of (entity, provider, purpose).

        Args:
            link: The link to store.
            now: When it was written.
        """
        ...

    async def find(self, provider: str, purpose: str, external_id: str) -> ExternalLink | None:
        """The entity a provider's id belongs to (a Zoom webhook names only the meeting).

        Args:
            provider: The provider's name ("zoom").
            purpose: What the id is for ("meeting").
            external_id: The provider's id.

        Returns:
            The link, or None.
        """
        ...

    async def mirror_on_booking(
        self, booking_id: UUID, *, calendar_event_id: str | None, meeting_url: str | None
    ) -> None:
        """Copy the event id and join link onto the booking row (the API shows them).

        Only these two columns change and the booking's `version` does not, so a client
        editing the booking at the same moment never loses to a background job.

        Args:
            booking_id: The booking.
            calendar_event_id: The event id, or None to keep what is there.
            meeting_url: The join link, or None to keep what is there.
        """
        ...


class CalendarBusyRepository(Protocol):
    """Busy times pulled from readers' own calendars; they block slots like bookings do."""

    async def overlapping(self, reader_id: UUID, window: TimeWindow) -> list[TimeWindow]:
        """External busy windows overlapping a window.

        Args:
            reader_id: The reader.
            window: The UTC window of interest.

        Returns:
            The busy windows.
        """
        ...

    async def replace(
        self, reader_id: UUID, provider: str, windows: list[ExternalBusyWindow], now: datetime
    ) -> None:
        """Replace everything known from one provider (after a full sync).

        Args:
            reader_id: The reader.
            provider: The calendar provider.
            windows: The complete set of busy events.
            now: When it was synced.
        """
        ...

    async def upsert(self, window: ExternalBusyWindow, now: datetime) -> None:
        """Add or move one busy event.

        Args:
            window: The event and its time.
            now: When it was synced.
        """
        ...

    async def remove(self, reader_id: UUID, provider: str, event_id: str) -> None:
        """Forget one event (deleted, or no longer blocking time).

        Args:
            reader_id: The reader.
            provider: The calendar provider.
            event_id: The provider's event id.
        """
        ...


class ReadingSessionRepository(Protocol):
    """The real start and end of readings (`reading_sessions`)."""

    async def get(self, booking_id: UUID) -> SessionTimes | None:
        """The recorded times of a booking's reading.

        Args:
            booking_id: The booking.

        Returns:
            The times, or None if nothing was recorded.
        """
        ...

    async def save(self, times: SessionTimes) -> None:
        """Insert or update the times of a booking's reading.

        Args:
            times: The times to store.
        """
        ...
