"""An in-memory MeetingConnector for domain and flow tests, with Zoom's observable rules.

Same key -> same meeting (unless `lookup=False`, which, as on Zoom, trusts the caller),
updating an unknown meeting is a permanent 404, deleting one is fine, failures scriptable.
"""

from __future__ import annotations

import itertools
from collections import deque
from dataclasses import dataclass, replace
from typing import Any

from connectors.errors import ConnectorError, PermanentConnectorError
from domain.ports.meetings import MeetingRef, MeetingRequest

__all__ = ["FakeMeeting", "FakeMeetings", "FakeMeetingsCall"]


@dataclass(frozen=True, slots=True)
class FakeMeetingsCall:
    """One connector call, with its keyword arguments, for assertions."""

    method: str
    kwargs: dict[str, Any]


@dataclass(frozen=True, slots=True)
class FakeMeeting:
    """A meeting as the fake stores it."""

    meeting_id: str
    idempotency_key: str
    request: MeetingRequest
    join_url: str
    deleted: bool = False


class FakeMeetings:
    """Records calls, keeps meetings, and fails on demand."""

    provider = "fake"

    def __init__(self) -> None:
        """Start with no meetings, calls or scripted failures."""
        self.calls: list[FakeMeetingsCall] = []
        self.meetings: dict[str, FakeMeeting] = {}
        self._ids = itertools.count(81_000_000_001)
        self._failures: deque[tuple[ConnectorError, str | None]] = deque()

    def fail_next(self, n: int, error: ConnectorError, *, method: str | None = None) -> None:
        """Make the next `n` calls (of `method`, or any) raise `error` instead of acting."""
        self._failures.extend((error, method) for _ in range(n))

    def live_meetings(self) -> list[FakeMeeting]:
        """Meetings not deleted, oldest first."""
        return [m for m in self.meetings.values() if not m.deleted]

    def calls_to(self, method: str) -> list[FakeMeetingsCall]:
        """Calls of one method, oldest first."""
        return [c for c in self.calls if c.method == method]

    async def create_meeting(
        self, *, request: MeetingRequest, idempotency_key: str, lookup: bool = True
    ) -> MeetingRef:
        """Adopt the live meeting made under this key, else create one."""
        self._enter("create_meeting", request=request, idempotency_key=idempotency_key)
        if lookup:
            for meeting in self.live_meetings():
                if meeting.idempotency_key == idempotency_key:
                    return self._ref(meeting)
        meeting_id = str(next(self._ids))
        meeting = FakeMeeting(
            meeting_id=meeting_id,
            idempotency_key=idempotency_key,
            request=request,
            join_url=f"https://fake-meetings.invalid/j/{meeting_id}",
        )
        self.meetings[meeting_id] = meeting
        return self._ref(meeting)

    async def update_meeting(self, *, ref: MeetingRef, request: MeetingRequest) -> MeetingRef:
        """Move the meeting; an unknown or deleted one is a permanent 404."""
        self._enter("update_meeting", ref=ref, request=request)
        meeting = self.meetings.get(ref.meeting_id)
        if meeting is None or meeting.deleted:
            raise PermanentConnectorError("meeting not found", provider="fake", status=404)
        self.meetings[ref.meeting_id] = replace(meeting, request=request)
        return ref

    async def delete_meeting(self, *, ref: MeetingRef) -> None:
        """Delete; an unknown or already-deleted meeting is fine."""
        self._enter("delete_meeting", ref=ref)
        meeting = self.meetings.get(ref.meeting_id)
        if meeting is not None:
            self.meetings[ref.meeting_id] = replace(meeting, deleted=True)

    def _enter(self, method: str, **kwargs: Any) -> None:
        """Record the call, then raise a scripted failure if one is due."""
        self.calls.append(FakeMeetingsCall(method, kwargs))
        if self._failures and self._failures[0][1] in (None, method):
            raise self._failures.popleft()[0]

    def _ref(self, meeting: FakeMeeting) -> MeetingRef:
        """The reference handed back for a stored meeting."""
        return MeetingRef(
            provider=self.provider,
            meeting_id=meeting.meeting_id,
            join_url=meeting.join_url,
            start_url=f"{meeting.join_url}?role=host",
        )
