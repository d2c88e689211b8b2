"""Zoom meetings over REST v2 with Server-to-Server OAuth (no SDK), on httpx.

Zoom has no idempotency key, so the meeting's agenda carries `samia-booking:<key>`;
`create_meeting` first looks for a meeting with that marker (a retry after a crash
between Zoom's answer and our commit finds it) unless the caller says `lookup=False`.
The lookup lists `scheduled` meetings, which Zoom documents as upcoming, live and
previous unexpired ones: a retry that runs after the session's start time (a worker down
for hours) still adopts the meeting instead of making a second one.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import UTC
from typing import Any
from urllib.parse import quote

import httpx

from connectors.errors import (
    AuthExpired,
    ConnectorError,
    PermanentConnectorError,
    classify_http_status,
    timeout_error,
    transport_error,
)
from connectors.settings import ZoomSettings
from domain.ports.meetings import MeetingRef, MeetingRequest

__all__ = ["MARKER_PREFIX", "ZoomMeetings", "agenda_marker"]

PROVIDER = "zoom"
MARKER_PREFIX = "samia-booking:"
_TOKEN_MARGIN = 60.0  # renew a minute early so a token never expires mid-request
_TOPIC_MAX, _AGENDA_MAX, _PAGE_SIZE = 200, 2000, 300
_SCHEDULED = 2  # Zoom meeting type: scheduled, fixed time


def agenda_marker(idempotency_key: str) -> str:
    """The agenda line that ties a Zoom meeting to one booking."""
    return f"{MARKER_PREFIX}{idempotency_key}"


def _agenda(topic: str, idempotency_key: str) -> str:
    """Topic then the marker on its own line; the topic is cut, never the marker."""
    marker = agenda_marker(idempotency_key)
    room = _AGENDA_MAX - len(marker) - 2
    return f"{topic[: max(room, 0)]}\n\n{marker}"


def _has_marker(agenda: Any, marker: str) -> bool:
    """Exact line match, so key "b-1" never matches a meeting for "b-10"."""
    return isinstance(agenda, str) and any(line.strip() == marker for line in agenda.splitlines())


def _user(host: str) -> str:
    """A user id, email or "me" as a path segment."""
    return quote(host, safe="@")


def _meeting_body(request: MeetingRequest) -> dict[str, Any]:
    """Time and topic fields shared by create and update."""
    return {
        "topic": request.topic[:_TOPIC_MAX],
        "type": _SCHEDULED,
        "start_time": _zoom_time(request),
        "duration": request.duration_minutes,
        "timezone": request.timezone,
    }


def _zoom_time(request: MeetingRequest) -> str:
    """Start in UTC, yyyy-MM-ddTHH:mm:ssZ, the GMT form Zoom documents."""
    return request.starts_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class ZoomMeetings:
    """One Zoom meeting per booking, created, moved and deleted through REST v2."""

    provider = PROVIDER

    def __init__(
        self,
        settings: ZoomSettings,
        *,
        client: httpx.AsyncClient | None = None,
        timeout: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Use the given client (not closed by us) or own one with `timeout`."""
        self._settings = settings
        self._base = settings.api_url.rstrip("/")
        self._owns_client = client is None
        self._client = client if client is not None else httpx.AsyncClient(timeout=timeout)
        self._clock = clock
        self._token: str | None = None
        self._token_expires = 0.0
        self._token_lock = asyncio.Lock()
        self.api_calls = 0
        self.token_calls = 0

    async def aclose(self) -> None:
        """Close the HTTP client if we created it."""
        if self._owns_client:
            await self._client.aclose()

    # -- token ------------------------------------------------------------------------------

    async def _access_token(self, *, stale: str | None = None) -> str:
        """A cached token; `stale` is one the API just refused, forcing a fresh one."""
        async with self._token_lock:  # concurrent callers wait for one fetch
            token = self._token
            if token is not None and token != stale and self._clock() < self._token_expires:
                return token
            return await self._fetch_token()

    async def _fetch_token(self) -> str:
        """account_credentials grant with HTTP Basic client id:secret; no refresh token exists."""
        self.token_calls += 1
        secret = self._settings.client_secret.get_secret_value()
        response = await self._send(
            "POST",
            self._settings.oauth_url,
            data={"grant_type": "account_credentials", "account_id": self._settings.account_id},
            auth=(self._settings.client_id, secret),
        )
        if response.status_code in (400, 401, 403):
            # Wrong or revoked app credentials: a person must fix the settings.
            raise AuthExpired(
                f"zoom token request refused (HTTP {response.status_code})",
                provider=PROVIDER,
                status=response.status_code,
            )
        self._raise_for(response)
        payload = response.json()
        token = payload.get("access_token")
        if not isinstance(token, str) or not token:
            raise PermanentConnectorError(
                "zoom token response without access_token", provider=PROVIDER
            )
        expires_in = float(payload.get("expires_in", 3600))
        self._token, self._token_expires = token, self._clock() + expires_in - _TOKEN_MARGIN
        return token

    # -- HTTP -------------------------------------------------------------------------------

    async def _send(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """One HTTP exchange; network failures become transient errors."""
        try:
            return await self._client.request(method, url, **kwargs)
        except httpx.TimeoutException as exc:
            raise timeout_error(PROVIDER, exc) from exc
        except httpx.TransportError as exc:
            raise transport_error(PROVIDER, exc) from exc

    @staticmethod
    def _raise_for(response: httpx.Response) -> None:
        """Raise the classified error for any non-2xx answer."""
        if response.is_success:
            return
        raise classify_http_status(
            PROVIDER, response.status_code, response.headers.get("retry-after"), response.text
        )

    async def _api(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """An authenticated API call; one 401 refreshes the token and retries once."""
        token = await self._access_token()
        response = await self._api_once(method, path, token, **kwargs)
        if response.status_code == 401:
            token = await self._access_token(stale=token)
            response = await self._api_once(method, path, token, **kwargs)
            if response.status_code == 401:
                raise AuthExpired(
                    "zoom refused a fresh access token", provider=PROVIDER, status=401
                )
        self._raise_for(response)
        return response

    async def _api_once(self, method: str, path: str, token: str, **kwargs: Any) -> httpx.Response:
        """Send with a bearer token and count the call."""
        self.api_calls += 1
        headers = {"Authorization": f"Bearer {token}"}
        return await self._send(method, f"{self._base}{path}", headers=headers, **kwargs)

    # -- MeetingConnector ---------------------------------------------------------------------

    async def find_meeting(self, *, idempotency_key: str, host: str) -> MeetingRef | None:
        """The host's scheduled (upcoming, live or unexpired past) meeting with the key's marker."""
        marker = agenda_marker(idempotency_key)
        params: dict[str, Any] = {"type": "scheduled", "page_size": _PAGE_SIZE}
        while True:
            response = await self._api("GET", f"/users/{_user(host)}/meetings", params=params)
            page = response.json()
            for meeting in page.get("meetings", []):
                if isinstance(meeting, dict) and _has_marker(meeting.get("agenda"), marker):
                    return self._ref(meeting)
            next_token = page.get("next_page_token")
            if not next_token:
                return None
            params = {**params, "next_page_token": next_token}

    async def create_meeting(
        self, *, request: MeetingRequest, idempotency_key: str, lookup: bool = True
    ) -> MeetingRef:
        """Adopt the meeting an earlier attempt made, else create one.

        Pass `lookup=False` only when no earlier attempt can have reached Zoom (first try
        of the outbox row): it saves the list call, making a create one request.
        """
        if lookup:
            found = await self.find_meeting(idempotency_key=idempotency_key, host=request.host)
            if found is not None:
                return found
        body = {**_meeting_body(request), "agenda": _agenda(request.topic, idempotency_key)}
        response = await self._api("POST", f"/users/{_user(request.host)}/meetings", json=body)
        return self._ref(response.json())

    async def update_meeting(self, *, ref: MeetingRef, request: MeetingRequest) -> MeetingRef:
        """PATCH time and topic (Zoom answers 204); the join link does not change."""
        await self._api("PATCH", f"/meetings/{quote(ref.meeting_id)}", json=_meeting_body(request))
        return ref

    async def delete_meeting(self, *, ref: MeetingRef) -> None:
        """DELETE; a 404 means it is already gone, which is what we wanted."""
        try:
            await self._api("DELETE", f"/meetings/{quote(ref.meeting_id)}")
        except ConnectorError as exc:
            if exc.status != 404:
                raise

    @staticmethod
    def _ref(meeting: dict[str, Any]) -> MeetingRef:
        """Our reference from a Zoom meeting object (ids are int64 in JSON)."""
        start_url = meeting.get("start_url")
        return MeetingRef(
            provider=PROVIDER,
            meeting_id=str(meeting["id"]),
            join_url=str(meeting["join_url"]),
            start_url=start_url if isinstance(start_url, str) else None,
        )
