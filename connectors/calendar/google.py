"""Google Calendar v3 through google-api-python-client, run in worker threads.

Idempotency comes from client-chosen event ids (`ids.event_id_for`): a retried insert
gets 409 and adopts the event the first attempt made. The SDK never retries on its own
(`num_retries=0`); flows retry on `TransientConnectorError`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Self, cast

import anyio.to_thread
import google.oauth2.credentials
import google.oauth2.service_account
import google_auth_httplib2
from google.auth.credentials import Credentials
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError
from googleapiclient.http import BatchHttpRequest

from connectors.calendar._google_events import (
    busy_windows,
    change_from_item,
    event_body,
    event_ref,
    rfc3339,
)
from connectors.calendar._google_http import (
    PROVIDER,
    HttpPool,
    error_from_http,
    plain_http,
    translated_errors,
)
from connectors.calendar.ids import event_id_for
from connectors.errors import (
    ConnectorError,
    PermanentConnectorError,
    TransientConnectorError,
)
from connectors.settings import GoogleSettings
from domain.booking.windows import TimeWindow
from domain.ports.calendar import (
    CalendarEventRef,
    CalendarSync,
    ExternalBusy,
    SessionEvent,
)

__all__ = ["BATCH_LIMIT", "SCOPES", "GoogleCalendar"]

SCOPES = (
    "https://www.googleapis.com/auth/calendar.events",
    "https://www.googleapis.com/auth/calendar.freebusy",
)
BATCH_LIMIT = 1000  # "limited to 1000 calls in a single batch request"
_PAGE_SIZE = 2500  # events.list maximum; fewer pages means fewer quota units
_GONE = frozenset({404, 410})


class GoogleCalendar:
    """A reader's Google Calendar: busy times, one event per booking, incremental sync."""

    provider = PROVIDER

    def __init__(
        self,
        credentials: Credentials | None,
        *,
        api_url: str,
        http_timeout: float = 20.0,
        http_factory: Callable[[], Any] | None = None,
    ) -> None:
        """Build the service from the bundled discovery document; nothing is fetched."""
        if http_factory is None:
            http_factory = self._default_http_factory(credentials, http_timeout)
        self._pool = HttpPool(http_factory)
        root = api_url.rstrip("/")
        self._batch_uri = f"{root}/batch/calendar/v3"
        self._service = build(
            "calendar",
            "v3",
            http=self._pool.get(),
            client_options={"api_endpoint": f"{root}/calendar/v3/"},
            static_discovery=True,
            cache_discovery=False,
        )

    @staticmethod
    def _default_http_factory(credentials: Credentials | None, timeout: float) -> Callable[[], Any]:
        """Authorized clients refresh tokens themselves; anonymous ones are for loopback tests."""
        if credentials is None:
            return lambda: plain_http(timeout)
        return lambda: google_auth_httplib2.AuthorizedHttp(credentials, http=plain_http(timeout))

    @classmethod
    def from_service_account_file(
        cls, path: str | Path, api_url: str, subject: str | None = None
    ) -> Self:
        """A service account, optionally impersonating `subject` (domain-wide delegation)."""
        creds = google.oauth2.service_account.Credentials.from_service_account_file(  # type: ignore[no-untyped-call]
            str(path), scopes=list(SCOPES)
        )
        if subject is not None:
            creds = creds.with_subject(subject)
        return cls(creds, api_url=api_url)

    @classmethod
    def from_authorized_user_info(
        cls, info: dict[str, Any], api_url: str, *, token_uri: str | None = None
    ) -> Self:
        """A reader's own OAuth grant (refresh token), decrypted by the caller.

        google-auth ignores ``info["token_uri"]`` (a file must not redirect a refresh
        token), so a non-Google token endpoint (tests, proxies) is an explicit argument.
        """
        # No `scopes=`: asking a refresh for scopes the reader did not grant fails, so the
        # grant's own scopes (in `info`) are used as they are.
        creds = google.oauth2.credentials.Credentials.from_authorized_user_info(info)  # type: ignore[no-untyped-call]
        if token_uri is not None:
            creds = creds.with_token_uri(token_uri)
        return cls(creds, api_url=api_url)

    @classmethod
    def from_settings(
        cls,
        settings: GoogleSettings,
        *,
        subject: str | None = None,
        token_uri: str | None = None,
    ) -> Self:
        """Pick service-account or authorized-user loading from the credentials file's type."""
        path = Path(settings.credentials_file)
        info = json.loads(path.read_text(encoding="utf-8"))
        if info.get("type") == "service_account":
            return cls.from_service_account_file(path, settings.api_url, subject)
        return cls.from_authorized_user_info(info, settings.api_url, token_uri=token_uri)

    @classmethod
    def for_testing(cls, api_url: str, *, http_timeout: float = 5.0) -> Self:
        """Anonymous access to a loopback fake: no credentials, so no token refresh."""
        return cls(None, api_url=api_url, http_timeout=http_timeout)

    def close(self) -> None:
        """Close pooled keep-alive connections; the adapter stays usable (it reconnects)."""
        self._pool.close()

    async def aclose(self) -> None:
        """Async spelling of `close`, matching the httpx-based adapters."""
        self.close()

    @property
    def api_calls(self) -> int:
        """HTTP requests sent to the Calendar API (a batch counts once); for benchmarks."""
        return self._pool.requests

    # -- transport ---------------------------------------------------------------------

    async def _execute(self, request: Any) -> dict[str, Any]:
        """Run one prepared request in a worker thread and return its JSON."""
        return await anyio.to_thread.run_sync(self._execute_blocking, request)

    def _execute_blocking(self, request: Any) -> dict[str, Any]:
        """Send with this thread's client; every failure leaves as a connector error."""
        with translated_errors():
            result = request.execute(http=self._pool.get())
        return cast(dict[str, Any], result) if isinstance(result, dict) else {}

    # -- CalendarConnector ---------------------------------------------------------------

    async def busy(self, *, calendar_id: str, window: TimeWindow) -> list[TimeWindow]:
        """Busy periods from freeBusy.query (our own events included: Google cannot tell)."""
        body = {
            "timeMin": rfc3339(window.start),
            "timeMax": rfc3339(window.end),
            "timeZone": "UTC",
            "items": [{"id": calendar_id}],
        }
        payload = await self._execute(self._service.freebusy().query(body=body))
        windows, reasons = busy_windows(payload, calendar_id)
        if not reasons:
            return windows
        message = f"google freeBusy for {calendar_id!r} failed: {', '.join(reasons)}"
        if set(reasons) & {"backendError", "internalError"}:
            raise TransientConnectorError(message, provider=PROVIDER)
        raise PermanentConnectorError(message, provider=PROVIDER, status=404)

    async def create_event(
        self, *, calendar_id: str, event: SessionEvent, idempotency_key: str
    ) -> CalendarEventRef:
        """Insert under the key's deterministic id; on 409 adopt (and revive) the existing one."""
        event_id = event_id_for(idempotency_key)
        body = {"id": event_id, **event_body(event, idempotency_key=idempotency_key)}
        events = self._service.events()
        try:
            created = await self._execute(events.insert(calendarId=calendar_id, body=body))
        except PermanentConnectorError as exc:
            if exc.status != 409:
                raise
            return await self._adopt(calendar_id, event_id, body)
        return event_ref(calendar_id, created)

    async def _adopt(
        self, calendar_id: str, event_id: str, body: dict[str, Any]
    ) -> CalendarEventRef:
        """The id exists, so an earlier attempt made it; a cancelled one gets the new content."""
        events = self._service.events()
        existing = await self._execute(events.get(calendarId=calendar_id, eventId=event_id))
        if existing.get("status") != "cancelled":
            return event_ref(calendar_id, existing)
        revived = await self._execute(
            events.update(calendarId=calendar_id, eventId=event_id, body=body)
        )
        return event_ref(calendar_id, revived)

    async def update_event(self, *, ref: CalendarEventRef, event: SessionEvent) -> CalendarEventRef:
        """Patch time, title, text, attendees and place; the id stays the same."""
        request = self._service.events().patch(
            calendarId=ref.calendar_id,
            eventId=ref.event_id,
            body=event_body(event, idempotency_key=None),
        )
        updated = await self._execute(request)
        return event_ref(ref.calendar_id, updated) if updated.get("id") else ref

    async def cancel_event(self, *, ref: CalendarEventRef) -> None:
        """Delete; 404 (never existed) and 410 (already deleted) mean the job is done."""
        request = self._service.events().delete(calendarId=ref.calendar_id, eventId=ref.event_id)
        try:
            await self._execute(request)
        except PermanentConnectorError as exc:
            if exc.status not in _GONE:
                raise

    async def sync(self, *, calendar_id: str, cursor: str | None) -> CalendarSync:
        """Changes since the sync token; with no token, or an expired one (410), list everything.

        `full_resync=True` means `changes` is the complete calendar: replace, do not merge.
        """
        if cursor is not None:
            try:
                changes, token = await self._list_all(calendar_id, cursor)
            except PermanentConnectorError as exc:
                if exc.status != 410:
                    raise
            else:
                return CalendarSync(changes=changes, next_cursor=token)
        changes, token = await self._list_all(calendar_id, None)
        return CalendarSync(changes=changes, next_cursor=token, full_resync=True)

    async def _list_all(
        self, calendar_id: str, sync_token: str | None
    ) -> tuple[list[ExternalBusy], str | None]:
        """Follow nextPageToken to the last page, which carries nextSyncToken."""
        changes: list[ExternalBusy] = []
        page_token: str | None = None
        while True:
            params: dict[str, Any] = {
                "calendarId": calendar_id,
                "singleEvents": True,
                "showDeleted": True,
                "maxResults": _PAGE_SIZE,
            }
            if sync_token is not None:
                params["syncToken"] = sync_token
            if page_token is not None:
                params["pageToken"] = page_token
            page = await self._execute(self._service.events().list(**params))
            changes.extend(change_from_item(item) for item in page.get("items", []))
            page_token = page.get("nextPageToken")
            if not page_token:
                next_sync = page.get("nextSyncToken")
                return changes, next_sync if isinstance(next_sync, str) else None

    # -- bulk ------------------------------------------------------------------------------

    async def create_events_batch(
        self, calendar_id: str, items: Sequence[tuple[SessionEvent, str]]
    ) -> list[CalendarEventRef | ConnectorError]:
        """Create many events in batch calls of up to 1,000; one result per item, in order.

        Duplicates (409) are adopted like `create_event` does. A failed batch call marks
        every item of that chunk with its error, so the caller retries just those.
        """
        results: list[CalendarEventRef | ConnectorError] = []
        for start in range(0, len(items), BATCH_LIMIT):
            results.extend(await self._batch_chunk(calendar_id, items[start : start + BATCH_LIMIT]))
        return results

    async def _batch_chunk(
        self, calendar_id: str, chunk: Sequence[tuple[SessionEvent, str]]
    ) -> list[CalendarEventRef | ConnectorError]:
        """One batch of inserts, then one batch of GETs for the ids that already existed."""
        events = self._service.events()
        bodies = [
            {"id": event_id_for(key), **event_body(event, idempotency_key=key)}
            for event, key in chunk
        ]
        inserts = {
            str(i): events.insert(calendarId=calendar_id, body=body)
            for i, body in enumerate(bodies)
        }
        answers = await anyio.to_thread.run_sync(self._batch_blocking, inserts)
        conflicts = {
            rid: events.get(calendarId=calendar_id, eventId=bodies[int(rid)]["id"])
            for rid, answer in answers.items()
            if isinstance(answer, PermanentConnectorError) and answer.status == 409
        }
        if conflicts:
            answers.update(await anyio.to_thread.run_sync(self._batch_blocking, conflicts))
        results: list[CalendarEventRef | ConnectorError] = []
        for i, body in enumerate(bodies):
            answer = answers[str(i)]
            if isinstance(answer, ConnectorError):
                results.append(answer)
            elif str(i) in conflicts and answer.get("status") == "cancelled":
                results.append(await self._revive(calendar_id, body))
            else:
                results.append(event_ref(calendar_id, answer))
        return results

    async def _revive(
        self, calendar_id: str, body: dict[str, Any]
    ) -> CalendarEventRef | ConnectorError:
        """Restore one cancelled event found by a batch; rare, so it is not batched."""
        request = self._service.events().update(
            calendarId=calendar_id, eventId=body["id"], body=body
        )
        try:
            return event_ref(calendar_id, await self._execute(request))
        except ConnectorError as exc:
            return exc

    def _batch_blocking(
        self, requests: dict[str, Any]
    ) -> dict[str, dict[str, Any] | ConnectorError]:
        """Send one multipart batch; each part's outcome is a JSON dict or a connector error."""
        answers: dict[str, dict[str, Any] | ConnectorError] = {}

        def collect(request_id: str, response: Any, exception: Exception | None) -> None:
            """Store one part's outcome; the SDK reports per-part HTTP errors here."""
            if isinstance(exception, HttpError):
                answers[request_id] = error_from_http(exception)
            elif exception is not None:
                answers[request_id] = PermanentConnectorError(str(exception), provider=PROVIDER)
            else:
                answers[request_id] = response if isinstance(response, dict) else {}

        batch = BatchHttpRequest(callback=collect, batch_uri=self._batch_uri)
        for request_id, request in requests.items():
            batch.add(request, request_id=request_id)
        try:
            with translated_errors():
                batch.execute(http=self._pool.get())
        except ConnectorError as exc:
            return {request_id: exc for request_id in requests}
        missing = TransientConnectorError("part missing from batch response", provider=PROVIDER)
        return {request_id: answers.get(request_id, missing) for request_id in requests}
