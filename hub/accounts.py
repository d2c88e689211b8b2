"""Pick each reader's calendar and meeting connectors: own credentials, platform, built-in.

A reader's own Google (authorized-user info JSON) or Zoom (Server-to-Server app JSON)
account, stored encrypted in `integration_accounts`, overrides the platform settings.
Connectors are cached so the Zoom token and Google's HTTP pool survive across tasks.
Built here, in the composition root, so flows only see the domain's `AccountsResolver`.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any
from uuid import UUID

from pydantic import SecretStr, ValidationError

from connectors.calendar.local import LocalCalendar
from connectors.meetings.local import RoomLinkMeetings
from connectors.settings import ZoomSettings
from domain.enums import Provider
from domain.errors import AuthExpired
from domain.models import Reader
from domain.ports.accounts import ReaderAccounts
from domain.ports.calendar import CalendarConnector
from domain.ports.credentials import CredentialVault, StoredCredential
from domain.ports.meetings import MeetingConnector
from hub.settings import Settings

_CREDENTIALS_TTL = 60.0  # seconds a reader's stored accounts are trusted before re-reading
Closer = Callable[[], Awaitable[None]]


class ProviderAccounts:
    """`AccountsResolver` over settings, stored per-reader credentials and built-in providers."""

    def __init__(
        self,
        settings: Settings,
        *,
        vault: CredentialVault,
        google_token_uri: str | None = None,
    ) -> None:
        """Platform connectors are built now (no network); per-reader ones on first use."""
        self._settings = settings
        self._vault = vault
        self._google_token_uri = google_token_uri
        self._local_calendar = LocalCalendar()
        self._rooms = RoomLinkMeetings()
        self._platform_calendar: CalendarConnector | None = None
        self._platform_meetings: MeetingConnector | None = None
        self._own: dict[tuple[Provider, str], Any] = {}
        self._stored: dict[UUID, tuple[float, dict[Provider, StoredCredential]]] = {}
        self.closers: list[Closer] = []
        if settings.google is not None:
            from connectors.calendar.google import GoogleCalendar

            google = GoogleCalendar.from_settings(settings.google, token_uri=google_token_uri)
            self._platform_calendar = google
            self.closers.append(google.aclose)
        if settings.zoom is not None:
            from connectors.meetings.zoom import ZoomMeetings

            zoom = ZoomMeetings(settings.zoom)
            self._platform_meetings = zoom
            self.closers.append(zoom.aclose)

    async def for_reader(self, reader: Reader) -> ReaderAccounts:
        """Own account, else platform, else built-in, for the calendar and meetings separately."""
        stored = await self._stored_accounts(reader.id)
        calendar, calendar_id = self._calendar(reader, stored.get(Provider.GOOGLE))
        meetings, host = self._meetings(reader, stored.get(Provider.ZOOM))
        return ReaderAccounts(
            calendar=calendar,
            calendar_provider=_provider(calendar),
            calendar_id=calendar_id,
            meetings=meetings,
            meeting_provider=_provider(meetings) if meetings is not None else "",
            meeting_host=host,
        )

    async def aclose(self) -> None:
        """Close every HTTP pool this resolver opened."""
        for close in self.closers:
            await close()

    def _calendar(
        self, reader: Reader, own: StoredCredential | None
    ) -> tuple[CalendarConnector, str]:
        """A reader's own Google account uses their primary calendar; the platform's, theirs."""
        if own is not None:
            info = _usable(own)
            calendar_id = str(info.pop("calendar_id", "primary"))
            connector = self._cached(Provider.GOOGLE, own, lambda: self._own_google(info))
            return connector, calendar_id
        if self._platform_calendar is not None:
            # The platform account reaches readers' calendars shared with it, by address.
            return self._platform_calendar, reader.email or "primary"
        return self._local_calendar, reader.slug

    def _meetings(
        self, reader: Reader, own: StoredCredential | None
    ) -> tuple[MeetingConnector | None, str]:
        """Own Zoom app hosts as "me"; the platform's as the reader's address; else their room."""
        if own is not None:
            info = _usable(own)
            return self._cached(Provider.ZOOM, own, lambda: self._own_zoom(info)), "me"
        if self._platform_meetings is not None:
            return self._platform_meetings, reader.email or "me"
        if reader.room_url:
            return self._rooms, ""
        return None, ""

    def _own_google(self, info: dict[str, Any]) -> Any:
        from connectors.calendar.google import GoogleCalendar

        api_url = self._settings.google_api_url
        connector = GoogleCalendar.from_authorized_user_info(
            info, api_url, token_uri=self._google_token_uri
        )
        self.closers.append(connector.aclose)
        return connector

    def _own_zoom(self, info: dict[str, Any]) -> Any:
        from connectors.meetings.zoom import ZoomMeetings

        try:
            settings = ZoomSettings(
                account_id=str(info["account_id"]),
                client_id=str(info["client_id"]),
                client_secret=SecretStr(str(info["client_secret"])),
                webhook_secret=SecretStr(str(info.get("webhook_secret", ""))),
                api_url=self._settings.zoom_api_url,
                oauth_url=self._settings.zoom_oauth_url,
            )
        except (KeyError, ValidationError):
            raise AuthExpired("stored Zoom account is incomplete", provider="zoom") from None
        connector = ZoomMeetings(settings)
        self.closers.append(connector.aclose)
        return connector

    def _cached(self, provider: Provider, own: StoredCredential, build: Callable[[], Any]) -> Any:
        """One connector per stored credential (a reconnect stores new ciphertext)."""
        key = (provider, own.fingerprint)
        if key not in self._own:
            self._own[key] = build()
        return self._own[key]

    async def _stored_accounts(self, reader_id: UUID) -> dict[Provider, StoredCredential]:
        """The reader's stored accounts, re-read at most once a minute."""
        now = time.monotonic()
        cached = self._stored.get(reader_id)
        if cached is not None and now - cached[0] < _CREDENTIALS_TTL:
            return cached[1]
        found = await self._vault.for_reader(reader_id)
        self._stored[reader_id] = (now, found)
        return found


def _usable(own: StoredCredential) -> dict[str, Any]:
    """Unreadable or malformed credentials mean the reader must connect again."""
    if own.info is None:
        raise AuthExpired(own.problem or "stored credentials cannot be read", provider=own.provider)
    return dict(own.info)


def _provider(connector: object) -> str:
    """The name a connector gives itself ("google", "zoom", "local", "room", "fake")."""
    return str(getattr(connector, "provider", type(connector).__name__.lower()))
