"""The built-in meetings provider: every booking uses the reader's own room link.

No account, no external call: the link comes from the request (`fallback_url`) and the
meeting id is the idempotency key, so retries trivially agree.
"""

from __future__ import annotations

from connectors.errors import PermanentConnectorError
from domain.ports.meetings import MeetingRef, MeetingRequest

__all__ = ["RoomLinkMeetings"]


class RoomLinkMeetings:
    """A MeetingConnector that hands out the reader's permanent room URL."""

    provider = "room"

    async def create_meeting(
        self, *, request: MeetingRequest, idempotency_key: str, lookup: bool = True
    ) -> MeetingRef:
        """The reader's room; without one there is nothing to join, and retrying won't help.

        `lookup` is accepted for the port's sake: a room link is found, never created.
        """
        if not request.fallback_url:
            raise PermanentConnectorError(
                "reader has no room link configured", provider=self.provider
            )
        return MeetingRef(
            provider=self.provider,
            meeting_id=idempotency_key,
            join_url=request.fallback_url,
            start_url=request.fallback_url,
        )

    async def update_meeting(self, *, ref: MeetingRef, request: MeetingRequest) -> MeetingRef:
        """The room does not move with the booking; pick up a changed room link if given."""
        if not request.fallback_url or request.fallback_url == ref.join_url:
            return ref
        return MeetingRef(
            provider=self.provider,
            meeting_id=ref.meeting_id,
            join_url=request.fallback_url,
            start_url=request.fallback_url,
        )

    async def delete_meeting(self, *, ref: MeetingRef) -> None:
        """The room outlives bookings; nothing to delete."""
