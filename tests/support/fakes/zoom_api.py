"""A loopback fake of Zoom's Server-to-Server OAuth token endpoint and meetings REST v2.

Point the adapter at it with ``ZoomSettings(api_url=f"{fake.url}/v2/",
oauth_url=f"{fake.url}/oauth/token", ...)`` using the fake's credentials. Bearer tokens
are checked on every API call (``expire_tokens()`` revokes them: next call 401, code
124). Request bodies are checked against the documented fields and limits; problems are
answered 400 and collected in ``fake.violations``. Recorded method names: ``token``,
``meetings.create``, ``meetings.list``, ``meeting.get``, ``meeting.update``,
``meeting.delete``.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import secrets
from collections import defaultdict, deque
from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp

from tests.support.fakes._recording import FakeVendor, ScriptedFailure, read_request

__all__ = ["ZoomApiFake"]

_MEETING_FIELDS = frozenset(
    {"topic", "type", "start_time", "duration", "timezone", "agenda", "password",
     "default_password", "pre_schedule", "recurrence", "schedule_for", "settings",
     "template_id", "tracking_fields"}
)  # fmt: skip
_EXPIRES_AFTER = timedelta(days=30)  # a one-time meeting's id lapses this long after its time
_LIST_TYPES = frozenset({"scheduled", "live", "upcoming", "upcoming_meetings", "previous_meetings"})
_TOPIC_MAX, _AGENDA_MAX, _PAGE_MAX = 200, 2000, 300
_ERRORS = {
    400: (300, "Invalid request."),
    401: (124, "Invalid access token."),
    404: (3001, "Meeting does not exist."),
    429: (429, "You have reached the maximum per-second rate limit for this API."),
    500: (500, "Internal server error."),
}

Answer = tuple[int, Any, dict[str, str]]


def _zoom_time(value: Any) -> datetime | None:
    """Parse yyyy-MM-ddTHH:mm:ss[Z] as Zoom accepts it."""
    if not isinstance(value, str):
        return None
    try:
        return datetime.strptime(value.removesuffix("Z"), "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC)
    except ValueError:
        return None


def _error(status: int, message: str | None = None, code: int | None = None) -> dict[str, Any]:
    """Zoom's error body: a numeric code and a message."""
    default_code, default_message = _ERRORS.get(status, (status, "Error."))
    return {"code": code or default_code, "message": message or default_message}


class ZoomApiFake(FakeVendor):
    """Issues S2S tokens and keeps meetings per host; validates, records and fails on demand."""

    def __init__(
        self,
        *,
        account_id: str = "samia-account",
        client_id: str = "samia-client-id",
        client_secret: str = "samia-client-secret",
        token_ttl: int = 3600,
    ) -> None:
        """Set the app credentials the token endpoint accepts and the TTL it grants."""
        super().__init__()
        self.account_id, self.client_id, self.client_secret = account_id, client_id, client_secret
        self.token_ttl = token_ttl
        self._reset_state()
        self._app = Starlette(
            routes=[
                Route("/oauth/token", self._token, methods=["POST"]),
                Route("/v2/users/{user_id}/meetings", self._user_meetings, methods=["GET", "POST"]),
                Route(
                    "/v2/meetings/{meeting_id}",
                    self._meeting,
                    methods=["GET", "PATCH", "DELETE"],
                ),
            ]
        )

    @property
    def app(self) -> ASGIApp:
        """The Starlette app; serve it with `with fake:`."""
        return self._app

    def _reset_state(self) -> None:
        """No tokens, meetings, violations, delays or late failures."""
        self.tokens: set[str] = set()
        self.meetings: dict[int, dict[str, Any]] = {}
        self.violations: list[str] = []
        self._ids = itertools.count(85_000_000_001)
        self._after_commit: defaultdict[str, deque[ScriptedFailure]] = defaultdict(deque)
        self._delays: defaultdict[str, deque[float]] = defaultdict(deque)

    # -- test-facing helpers ---------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        *,
        status: int = 429,
        times: int = 1,
        retry_after: str | None = None,
        after_commit: bool = False,
    ) -> None:
        """Fail the next calls of `method` (or ``*``); `after_commit` acts first, then fails."""
        headers = {"Retry-After": retry_after} if retry_after is not None else {}
        failure = ScriptedFailure(status=status, body=_error(status), headers=headers)
        if not after_commit:
            self._script(method, failure, times)
            return
        with self._lock:
            self._after_commit[method].extend([failure] * times)

    def delay_next(self, method: str, seconds: float, *, times: int = 1) -> None:
        """Answer the next calls of `method` only after `seconds`."""
        with self._lock:
            self._delays[method].extend([seconds] * times)

    def expire_tokens(self) -> None:
        """Revoke every issued token, as if its hour had passed: API calls answer 401."""
        with self._lock:
            self.tokens.clear()

    def add_meeting(self, host: str, **fields: Any) -> dict[str, Any]:
        """A meeting made outside our app (in Zoom's UI, or by another integration)."""
        body = {"topic": "Other meeting", "type": 2, "start_time": "2099-01-01T10:00:00Z"}
        with self._lock:
            status, meeting, _ = self._create(host, {**body, **fields})
        assert status == 201, meeting
        return dict(meeting)

    def live_meetings(self, host: str | None = None) -> list[dict[str, Any]]:
        """Meetings that exist now, oldest first, optionally of one host."""
        with self._lock:
            return [dict(m) for m in self.meetings.values() if host in (None, m["host_id"])]

    # -- endpoints -------------------------------------------------------------------------

    async def _token(self, request: Request) -> Response:
        """POST /oauth/token, grant account_credentials, HTTP Basic client id and secret."""
        params, _ = await read_request(request)
        return await self._serve(request, "token", params, lambda: self._issue(request, params))

    async def _user_meetings(self, request: Request) -> Response:
        """POST creates, GET lists the host's meetings."""
        user_id = request.path_params["user_id"]
        if request.method == "POST":
            body = await self._json(request)
            return await self._serve(
                request, "meetings.create", body, lambda: self._create(user_id, body), auth=True
            )
        params = dict(request.query_params)
        return await self._serve(
            request, "meetings.list", params, lambda: self._list(user_id, params), auth=True
        )

    async def _meeting(self, request: Request) -> Response:
        """GET, PATCH (204) or DELETE (204) one meeting by id."""
        raw_id = request.path_params["meeting_id"]
        body = await self._json(request) if request.method == "PATCH" else {}
        name, handler = {
            "GET": ("meeting.get", lambda: self._get(raw_id)),
            "PATCH": ("meeting.update", lambda: self._update(raw_id, body)),
            "DELETE": ("meeting.delete", lambda: self._delete(raw_id)),
        }[request.method]
        return await self._serve(request, name, {"meetingId": raw_id, **body}, handler, auth=True)

    async def _serve(
        self,
        request: Request,
        name: str,
        params: dict[str, Any],
        act: Any,
        *,
        auth: bool = False,
    ) -> Response:
        """Delay, authenticate, fail as scripted, act, fail late as scripted, record."""
        with self._lock:
            queue = self._delays.get(name) or self._delays.get("*")
            delay = queue.popleft() if queue else 0.0
        if delay:
            await asyncio.sleep(delay)
        answer = self._answer(request, name, act, auth)
        self._record_request(request, name, params, answer[0])
        status, body, headers = answer
        if body is None:
            return Response(status_code=status, headers=headers)
        return JSONResponse(body, status_code=status, headers=headers)

    def _answer(self, request: Request, name: str, act: Any, auth: bool) -> Answer:
        """The response triple for one call."""
        if auth:
            bearer = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
            with self._lock:
                if bearer not in self.tokens:
                    return 401, _error(401), {}
        failure = self._take_failure(name)
        if failure is not None:
            return failure.status, failure.body, dict(failure.headers)
        with self._lock:
            answer: Answer = act()
            late = self._after_commit.get(name) or self._after_commit.get("*")
            if late and answer[0] < 300:
                failure = late.popleft()
                return failure.status, failure.body, dict(failure.headers)
        return answer

    async def _json(self, request: Request) -> dict[str, Any]:
        """The JSON object body (a non-object is recorded as a violation)."""
        params, _ = await read_request(request)
        if request.headers.get("content-type", "").split(";")[0] != "application/json":
            self.violations.append(f"{request.method} {request.url.path}: body is not JSON")
        return params

    # -- behaviour (called with the lock held) ------------------------------------------------

    def _issue(self, request: Request, params: dict[str, Any]) -> Answer:
        """A bearer token for valid app credentials and the account_credentials grant."""
        expected = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        if request.headers.get("authorization") != f"Basic {expected}":
            return (
                401,
                {"reason": "Invalid client_id or client_secret", "error": "invalid_client"},
                {},
            )
        if params.get("grant_type") != "account_credentials":
            return 400, {"reason": "Unsupported grant type", "error": "unsupported_grant_type"}, {}
        if params.get("account_id") != self.account_id:
            return 400, {"reason": "Invalid account_id", "error": "invalid_request"}, {}
        token = f"zt-{secrets.token_hex(8)}"
        self.tokens.add(token)
        body = {
            "access_token": token,
            "token_type": "bearer",
            "expires_in": self.token_ttl,
            "scope": "meeting:read:admin meeting:write:admin",
            "api_url": "https://api.zoom.us",
        }
        return 200, body, {}

    def _problems(self, body: dict[str, Any], *, creating: bool) -> list[str]:
        """Fields and limits from the create/update meeting reference."""
        found = [f"unknown field {key!r}" for key in body if key not in _MEETING_FIELDS]
        topic, agenda = body.get("topic"), body.get("agenda")
        if topic is not None and (not isinstance(topic, str) or len(topic) > _TOPIC_MAX):
            found.append(f"topic must be a string of at most {_TOPIC_MAX} characters")
        if agenda is not None and (not isinstance(agenda, str) or len(agenda) > _AGENDA_MAX):
            found.append(f"agenda must be a string of at most {_AGENDA_MAX} characters")
        if "type" in body and body["type"] not in (1, 2, 3, 8, 10):
            found.append(f"type {body['type']!r} is not a meeting type")
        needs_start = (creating and body.get("type") == 2) or "start_time" in body
        if needs_start and _zoom_time(body.get("start_time")) is None:
            found.append("start_time must be yyyy-MM-ddTHH:mm:ss[Z]")
        duration = body.get("duration")
        if duration is not None and (not isinstance(duration, int) or duration <= 0):
            found.append("duration must be a positive integer (minutes)")
        return found

    def _reject(self, problems: list[str]) -> Answer:
        """Record violations and answer Zoom's validation error."""
        self.violations.extend(problems)
        return 400, _error(400, "; ".join(problems), code=300), {}

    def _create(self, user_id: str, body: dict[str, Any]) -> Answer:
        """Create a meeting for the host; 201 with the full meeting object."""
        problems = self._problems(body, creating=True)
        if problems:
            return self._reject(problems)
        meeting_id = next(self._ids)
        pwd = secrets.token_urlsafe(6)
        meeting = {
            "uuid": base64.b64encode(secrets.token_bytes(16)).decode(),
            "id": meeting_id,
            "host_id": user_id,
            "host_email": user_id if "@" in user_id else "owner@example.com",
            "topic": body.get("topic", "Zoom meeting"),
            "type": body.get("type", 2),
            "status": "waiting",
            "start_time": body.get("start_time"),
            "duration": body.get("duration", 60),
            "timezone": body.get("timezone", "UTC"),
            "agenda": body.get("agenda", ""),
            "created_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "start_url": f"https://zoom.fake.invalid/s/{meeting_id}?zak={secrets.token_hex(8)}",
            "join_url": f"https://zoom.fake.invalid/j/{meeting_id}?pwd={pwd}",
            "password": pwd,
            "settings": body.get("settings", {}),
            "pre_schedule": False,
        }
        self.meetings[meeting_id] = meeting
        return 201, dict(meeting), {}

    def _list(self, user_id: str, params: dict[str, Any]) -> Answer:
        """The host's meetings, paged with next_page_token, filtered by list type as Zoom does.

        upcoming: start in the future; previous_meetings: start in the past; scheduled:
        upcoming, live and previous meetings that have not expired (Zoom expires a
        one-time meeting 30 days after its scheduled time).
        """
        kind = params.get("type", "scheduled")
        size_text = params.get("page_size", "30")
        problems = []
        if kind not in _LIST_TYPES:
            problems.append(f"type {kind!r} not one of {sorted(_LIST_TYPES)}")
        if not str(size_text).isdigit() or not 1 <= int(size_text) <= _PAGE_MAX:
            problems.append(f"page_size must be 1..{_PAGE_MAX}")
        if problems:
            return self._reject(problems)
        now = datetime.now(UTC)
        mine = [m for m in self.meetings.values() if m["host_id"] == user_id]
        if kind in ("upcoming", "upcoming_meetings"):
            mine = [m for m in mine if (_zoom_time(m["start_time"]) or now) >= now]
        elif kind == "previous_meetings":
            mine = [m for m in mine if (_zoom_time(m["start_time"]) or now) < now]
        elif kind == "scheduled":
            expired = now - _EXPIRES_AFTER
            mine = [m for m in mine if (_zoom_time(m["start_time"]) or now) >= expired]
        offset = int(params.get("next_page_token") or 0)
        size = int(size_text)
        page = mine[offset : offset + size]
        rest = offset + size < len(mine)
        listed = [
            {k: m[k] for k in ("uuid", "id", "host_id", "topic", "type", "start_time",
                               "duration", "timezone", "agenda", "created_at", "join_url")}
            for m in page
        ]  # fmt: skip
        body = {
            "page_size": size,
            "total_records": len(mine),
            "next_page_token": str(offset + size) if rest else "",
            "meetings": listed,
        }
        return 200, body, {}

    def _find(self, raw_id: str) -> dict[str, Any] | None:
        """A meeting by its numeric id."""
        return self.meetings.get(int(raw_id)) if raw_id.isdigit() else None

    def _missing(self, raw_id: str) -> Answer:
        """Zoom's 404 for an unknown meeting."""
        return 404, _error(404, f"Meeting does not exist: {raw_id}.", code=3001), {}

    def _get(self, raw_id: str) -> Answer:
        """GET /meetings/{id}."""
        meeting = self._find(raw_id)
        return (200, dict(meeting), {}) if meeting else self._missing(raw_id)

    def _update(self, raw_id: str, body: dict[str, Any]) -> Answer:
        """PATCH /meetings/{id}: 204 with no body."""
        meeting = self._find(raw_id)
        if meeting is None:
            return self._missing(raw_id)
        problems = self._problems(body, creating=False)
        if problems:
            return self._reject(problems)
        meeting.update(body)
        return 204, None, {}

    def _delete(self, raw_id: str) -> Answer:
        """DELETE /meetings/{id}: 204, or 404 when there is no such meeting."""
        meeting = self._find(raw_id)
        if meeting is None:
            return self._missing(raw_id)
        del self.meetings[meeting["id"]]
        return 204, None, {}
