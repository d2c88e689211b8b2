"""A loopback fake of Google Calendar v3 for the real google-api-python-client.

Point the adapter at it with ``GoogleCalendar.for_testing(fake.url)``. Every request is
checked against the discovery document bundled with the SDK (`_google_discovery`);
mismatches are answered 400 and collected in ``fake.violations`` so tests can assert
there were none. Behaviour copied from Google (`_google_store`): 409 on a duplicate event
id (also a deleted one), 410 on deleting a deleted event, 410 ``fullSyncRequired`` for an
unknown sync token, nextSyncToken only on the last page; plus multipart/mixed batches.
"""

from __future__ import annotations

import asyncio
import json
from collections import defaultdict, deque
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp

from tests.support.fakes._google_batch import parse_batch, render_batch
from tests.support.fakes._google_discovery import ApiMethod, CalendarDiscovery
from tests.support.fakes._google_store import Answer, CalendarStore, google_error
from tests.support.fakes._recording import (
    FakeVendor,
    RecordedCall,
    ScriptedFailure,
    read_request,
)

__all__ = ["GoogleCalendarApiFake", "google_error"]

_DISCOVERY = CalendarDiscovery()
_MAX_BATCH = 1000
_DEFAULT_REASONS = {401: "authError", 403: "forbidden", 404: "notFound", 429: "rateLimitExceeded"}


class GoogleCalendarApiFake(FakeVendor):
    """Speaks Calendar v3 events/freeBusy/batch, validates requests, records calls.

    Recorded call names are discovery ids without the service: ``events.insert``,
    ``events.list``, ``freebusy.query``...; a batch envelope is ``batch`` and each of its
    parts is recorded under its own method too.
    """

    def __init__(
        self,
        *,
        access_token: str | None = None,
        refresh_token: str = "samia-refresh-token",
        max_page_size: int = 2500,
    ) -> None:
        """Optionally require ``Authorization: Bearer <token>``; cap page sizes to force paging.

        ``POST /token`` plays Google's OAuth token endpoint: a refresh_token grant with
        `refresh_token` gets `access_token` (point ``token_uri`` of user credentials here).
        """
        super().__init__()
        self.access_token = access_token
        self.refresh_token = refresh_token
        self._max_page_size = max_page_size
        self._reset_state()
        self._app = Starlette(
            routes=[
                Route(_DISCOVERY.batch_path, self._batch_endpoint, methods=["POST"]),
                Route("/token", self._token_endpoint, methods=["POST"]),
                Route(
                    "/{path:path}",
                    self._endpoint,
                    methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
                ),
            ]
        )

    @property
    def app(self) -> ASGIApp:
        """The Starlette app; serve it with `with fake:`."""
        return self._app

    def _reset_state(self) -> None:
        """Empty calendars and tokens; forget violations, delays and late failures."""
        self.store = CalendarStore(max_page_size=self._max_page_size)
        self.violations: list[str] = []
        self._after_commit: defaultdict[str, deque[ScriptedFailure]] = defaultdict(deque)
        self._delays: defaultdict[str, deque[float]] = defaultdict(deque)

    # -- test-facing helpers -------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        *,
        status: int = 500,
        times: int = 1,
        retry_after: str | None = None,
        reason: str | None = None,
        after_commit: bool = False,
    ) -> None:
        """Fail the next calls of `method` (``events.insert``, ``batch``, ``*``...).

        With `after_commit` the change is made first and only the answer is an error:
        the "request landed, response lost" case that idempotency must survive.
        """
        headers = {"Retry-After": retry_after} if retry_after is not None else {}
        why = reason or _DEFAULT_REASONS.get(status, "backendError")
        failure = ScriptedFailure(status, google_error(status, f"scripted {status}", why), headers)
        if not after_commit:
            self._script(method, failure, times)
            return
        with self._lock:
            self._after_commit[method].extend([failure] * times)

    def delay_next(self, method: str, seconds: float, *, times: int = 1) -> None:
        """Answer the next calls of `method` only after `seconds`, to provoke client timeouts."""
        with self._lock:
            self._delays[method].extend([seconds] * times)

    def expire_sync_tokens(self) -> None:
        """Forget every sync token, as Google does after a while: next use answers 410."""
        with self._lock:
            self.store.expire_sync_tokens()

    def add_event(self, calendar_id: str, event: dict[str, Any]) -> dict[str, Any]:
        """Put an event made outside our app (by the reader, in Google's UI) on a calendar."""
        with self._lock:
            return self.store.put(calendar_id, event, created=True)

    def remove_event(self, calendar_id: str, event_id: str) -> None:
        """The reader deleted an event in Google's UI."""
        with self._lock:
            stored = self.store.get(calendar_id, event_id)
            if stored is None:
                raise KeyError(event_id)
            self.store.put(calendar_id, {**stored, "status": "cancelled"})

    def event(self, calendar_id: str, event_id: str) -> dict[str, Any] | None:
        """The stored event (cancelled ones included), or None."""
        with self._lock:
            return self.store.get(calendar_id, event_id)

    def events(self, calendar_id: str, *, include_cancelled: bool = False) -> list[dict[str, Any]]:
        """Stored events of a calendar, in change order."""
        with self._lock:
            return self.store.listing(calendar_id, include_cancelled=include_cancelled)

    # -- HTTP layer ----------------------------------------------------------------------

    async def _endpoint(self, request: Request) -> Response:
        """One REST call: maybe delay, then validate, fail or act, and record."""
        raw_path = request.scope.get("raw_path", b"").decode("latin-1") or request.url.path
        raw_path = raw_path.split("?", 1)[0]
        matched = _DISCOVERY.match(request.method, raw_path)
        await self._maybe_delay(matched[0].short_id if matched else "")
        answer = self._handle(
            request.method,
            raw_path,
            parse_qsl(request.url.query, keep_blank_values=True),
            dict(request.headers),
            await request.body(),
        )
        return self._response(*answer)

    async def _token_endpoint(self, request: Request) -> Response:
        """OAuth refresh_token grant, answered like oauth2.googleapis.com/token."""
        params, _ = await read_request(request)
        failure = self._take_failure("oauth.token")
        if failure is not None:
            status, body = failure.status, failure.body
        elif params.get("grant_type") != "refresh_token":
            status, body = 400, {"error": "unsupported_grant_type"}
        elif params.get("refresh_token") != self.refresh_token:
            status, body = 400, {"error": "invalid_grant", "error_description": "Token revoked."}
        else:
            token = self.access_token or "ya29.fake-access-token"
            status, body = 200, {"access_token": token, "expires_in": 3599, "token_type": "Bearer"}
        self._record_request(request, "oauth.token", params, status)
        return self._response(status, body, {})

    async def _batch_endpoint(self, request: Request) -> Response:
        """A multipart/mixed batch: each part is handled like a separate request."""
        body = await request.body()
        await self._maybe_delay("batch")
        failure = self._take_failure("batch")
        if failure is not None:
            self._record_request(request, "batch", {"parts": None}, failure.status)
            return self._response(failure.status, failure.body, dict(failure.headers))
        parts = parse_batch(request.headers.get("content-type", ""), body)
        problem = None
        if parts is None:
            problem = "batch: body is not multipart/mixed of application/http parts"
        elif len(parts) > _MAX_BATCH:
            problem = f"batch: {len(parts)} parts exceeds the limit of {_MAX_BATCH}"
        if parts is None or problem is not None:
            with self._lock:
                self.violations.append(str(problem))
            self._record_request(request, "batch", {"parts": None}, 400)
            return self._response(400, google_error(400, str(problem), "invalid"), {})
        answers = []
        for part in parts:
            target = urlsplit(part.target)
            answer = self._handle(
                part.method,
                target.path,
                parse_qsl(target.query, keep_blank_values=True),
                {**dict(request.headers), **part.headers},
                part.body,
            )
            answers.append((part.content_id, answer))
        self._record_request(request, "batch", {"parts": len(parts)}, 200)
        media_type, content = render_batch(answers)
        return Response(content, status_code=200, media_type=media_type)

    async def _maybe_delay(self, method: str) -> None:
        """Pop and sleep one scripted delay for `method` (or ``*``)."""
        with self._lock:
            queue = self._delays.get(method) or self._delays.get("*")
            seconds = queue.popleft() if queue else 0.0
        if seconds:
            await asyncio.sleep(seconds)

    @staticmethod
    def _response(status: int, payload: dict[str, Any] | None, headers: dict[str, str]) -> Response:
        """JSON body, or none for 204."""
        if payload is None:
            return Response(status_code=status, headers=headers)
        return Response(
            json.dumps(payload), status_code=status, headers=headers, media_type="application/json"
        )

    def _handle(
        self,
        http_method: str,
        raw_path: str,
        query: list[tuple[str, str]],
        headers: dict[str, str],
        raw_body: bytes,
    ) -> Answer:
        """Match against discovery, answer, and record the call under its method name."""
        headers = {k.lower(): v for k, v in headers.items()}
        matched = _DISCOVERY.match(http_method, raw_path)
        if matched is None:
            with self._lock:
                self.violations.append(f"no calendar.v3 method for {http_method} {raw_path}")
            return 404, google_error(404, "Not Found", "notFound"), {}
        method, path_params = matched
        try:
            body = json.loads(raw_body) if raw_body.strip() else None
        except ValueError:
            body, answer = raw_body, (400, google_error(400, "Parse Error", "parseError"), {})
            with self._lock:
                self.violations.append(f"{method.id}: body is not JSON")
        else:
            answer = self._answer(method, path_params, query, headers, body)
        call = RecordedCall(
            method=method.short_id,
            params={**dict(query), **path_params, "body": body},
            status=answer[0],
            http_method=http_method,
            path=raw_path,
            headers=headers,
        )
        with self._lock:
            self._calls.append(call)
            self._lock.notify_all()
        return answer

    def _answer(
        self,
        method: ApiMethod,
        path_params: dict[str, str],
        query: list[tuple[str, str]],
        headers: dict[str, str],
        body: Any,
    ) -> Answer:
        """Auth, validation and scripted failures first; then the store acts."""
        if self.access_token and headers.get("authorization") != f"Bearer {self.access_token}":
            return 401, google_error(401, "Invalid Credentials", "authError"), {}
        problems = _DISCOVERY.problems(method, path_params, query, body)
        if problems:
            with self._lock:
                self.violations.extend(problems)
            return 400, google_error(400, problems[0], "invalid"), {}
        failure = self._take_failure(method.short_id)
        if failure is not None:
            return failure.status, failure.body, dict(failure.headers)
        handler = getattr(self.store, "do_" + method.short_id.replace(".", "_"), None)
        if handler is None:
            with self._lock:
                self.violations.append(f"{method.id}: valid, but the fake does not implement it")
            return 501, google_error(501, "Not implemented by the fake", "notImplemented"), {}
        with self._lock:
            answer: Answer = handler(path_params, dict(query), body)
            late = self._after_commit.get(method.short_id) or self._after_commit.get("*")
            if late and answer[0] < 300:
                failure = late.popleft()
                return failure.status, failure.body, dict(failure.headers)
        return answer
