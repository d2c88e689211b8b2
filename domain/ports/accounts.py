"""Which calendar and meeting provider serve a reader: their own accounts or the platform's."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from domain.models import Reader
from domain.ports.calendar import CalendarConnector
from domain.ports.meetings import MeetingConnector


@dataclass(frozen=True, slots=True)
class ReaderAccounts:
    """The reader's calendar and meeting provider; `meetings` is None when there is none."""

    calendar: CalendarConnector
    calendar_provider: str
    calendar_id: str
    meetings: MeetingConnector | None
    meeting_provider: str
    meeting_host: str

    @property
    def external_calendar(self) -> bool:
        """Whether the calendar lives outside the hub (worth syncing busy times from)."""
        return self.calendar_provider not in ("local", "")


class AccountsResolver(Protocol):
    """Picks a reader's connectors: per-reader credentials override the platform's."""

    async def for_reader(self, reader: Reader) -> ReaderAccounts:
        """The connectors that serve one reader.

        Args:
            reader: The reader.

        Returns:
            Calendar and meeting provider, with the ids to use at each.

        Raises:
            AuthExpired: The reader's stored credentials cannot be used any more.
        """
        ...
