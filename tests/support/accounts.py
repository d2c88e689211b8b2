"""An AccountsResolver that hands every reader the same connectors (fakes or loopback)."""

from __future__ import annotations

from typing import Any

from domain.models import Reader
from domain.ports.accounts import ReaderAccounts


class StaticAccounts:
    """Every reader gets `calendar` (their slug as calendar id) and `meetings`."""

    def __init__(
        self,
        calendar: Any,
        meetings: Any | None,
        *,
        calendar_id: str | None = None,
        host: str = "reader@example.com",
    ) -> None:
        self.calendar = calendar
        self.meetings = meetings
        self._calendar_id = calendar_id
        self._host = host

    async def for_reader(self, reader: Reader) -> ReaderAccounts:
        return ReaderAccounts(
            calendar=self.calendar,
            calendar_provider=str(getattr(self.calendar, "provider", "fake")),
            calendar_id=self._calendar_id or reader.slug,
            meetings=self.meetings,
            meeting_provider=str(getattr(self.meetings, "provider", "")),
            meeting_host=self._host,
        )
