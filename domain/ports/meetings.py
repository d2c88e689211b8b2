"""Meetings capability: one video meeting per booking."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID


@dataclass(frozen=True, slots=True)
class MeetingRequest:
    """What a meeting for a booking needs."""

    booking_id: UUID
    topic: str
    starts_at: datetime
    duration_minutes: int
    timezone: str
    host: str  # the provider's user id or email of the reader; "me" for the account owner
    fallback_url: str | None = None  # the reader's own room, for the built-in provider


@dataclass(frozen=True, slots=True)
class MeetingRef:
    """A meeting at the provider and how to join it."""

    provider: str
    meeting_id: str
    join_url: str
    start_url: str | None = None


class MeetingConnector(Protocol):
    """Create, move and delete the video meeting of a booking."""

    async def create_meeting(
        self, *, request: MeetingRequest, idempotency_key: str, lookup: bool = True
    ) -> MeetingRef:
        """Create the meeting, or adopt the one an interrupted earlier attempt made.

        Args:
            request: Topic, time and host.
            idempotency_key: Derived from our booking id; marks the meeting so a retry after
                a crash finds it instead of creating a second one.
            lookup: Search for a meeting an earlier attempt made before creating; only a
                caller that knows this is the first attempt may pass False (saves a call).

        Returns:
            The meeting and its join link.

        Raises:
            TransientConnectorError: 429, 5xx or timeout.
            PermanentConnectorError: any other failure; AuthExpired for bad credentials.
        """
        ...

    async def update_meeting(self, *, ref: MeetingRef, request: MeetingRequest) -> MeetingRef:
        """Move the meeting to the booking's new time.

        Args:
            ref: The meeting to change.
            request: The new time and topic.

        Returns:
            The (same) meeting.

        Raises:
            TransientConnectorError: 429, 5xx or timeout.
            PermanentConnectorError: any other failure.
        """
        ...

    async def delete_meeting(self, *, ref: MeetingRef) -> None:
        """Delete the meeting; deleting one already gone is not an error.

        Args:
            ref: The meeting to delete.

        Raises:
            TransientConnectorError: 429, 5xx or timeout.
            PermanentConnectorError: any other failure.
        """
        ...
