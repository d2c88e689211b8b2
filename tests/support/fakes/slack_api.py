"""A loopback fake of the Slack Web API for slack_sdk's WebClient / AsyncWebClient and Bolt.

Point the SDK at it with ``AsyncWebClient(token=..., base_url=f"{fake.url}/api/")``.
slack_sdk sends ``chat.postMessage`` and ``views.open`` as JSON, most other methods as
urlencoded form (plus query-string ``params`` for the files.* upload methods), and the
token as ``Authorization: Bearer``. Every shape is parsed into one params dict.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp

from tests.support.fakes._recording import (
    FakeVendor,
    ScriptedFailure,
    decode_json_fields,
    read_request,
)

__all__ = ["SlackApiFake", "SlackError"]

_JSON_FIELDS = frozenset({"blocks", "attachments", "view", "files", "metadata"})
_MAX_TEXT, _MAX_BLOCKS = 40_000, 50
_DEFAULT_ERRORS = {429: "ratelimited", 500: "internal_error", 503: "service_unavailable"}

Handler = Callable[[dict[str, Any], Request], dict[str, Any]]


class SlackError(Exception):
    """Raised by a method handler to answer ``{"ok": false, "error": ...}`` (HTTP 200)."""

    def __init__(self, error: str, **extra: Any) -> None:
        """Keep Slack's machine-readable error code and any extra response fields."""
        super().__init__(error)
        self.error = error
        self.extra = extra


class SlackApiFake(FakeVendor):
    """Speaks the Slack Web API, records every call, and fails or rate-limits on request."""

    def __init__(
        self,
        *,
        token: str = "xoxb-samia-test-token",
        team_id: str = "T0SAMIA001",
        team_name: str = "Samia Tarot",
        bot_user_id: str = "U0SAMIABOT",
        bot_id: str = "B0SAMIABOT",
        app_id: str = "A0SAMIAAPP",
    ) -> None:
        """Set the workspace and bot identity that auth.test and posted messages report."""
        super().__init__()
        self.tokens = {token}
        self.team_id, self.team_name = team_id, team_name
        self.bot_user_id, self.bot_id, self.app_id = bot_user_id, bot_id, app_id
        self._handlers: dict[str, Handler] = {
            "auth.test": self._auth_test,
            "chat.postMessage": self._post_message,
            "chat.postEphemeral": self._post_ephemeral,
            "chat.update": self._update,
            "conversations.open": self._conversations_open,
            "users.info": self._users_info,
            "files.getUploadURLExternal": self._get_upload_url,
            "files.completeUploadExternal": self._complete_upload,
            "views.open": self._views_open,
        }
        self._req_ids = itertools.count(1)
        self._reset_state()
        self._app = Starlette(
            routes=[
                Route("/api/{method}", self._endpoint, methods=["GET", "POST"]),
                Route("/upload/v1/{file_id}", self._upload, methods=["POST"]),
            ]
        )

    @property
    def app(self) -> ASGIApp:
        """The Starlette app; mount it elsewhere or serve it with `with fake:`."""
        return self._app

    def _reset_state(self) -> None:
        """Clear users, messages, DMs and uploads so a shared fake starts each test clean."""
        self.users: dict[str, dict[str, Any]] = {}
        self._ts = itertools.count(1)
        self._ids = itertools.count(1)
        self._messages: dict[tuple[str, str], dict[str, Any]] = {}
        self._dms: dict[str, str] = {}
        self._channels: dict[str, str] = {}
        self.uploads: dict[str, dict[str, Any]] = {}

    # -- test-facing helpers ---------------------------------------------------------------

    def add_user(
        self,
        user_id: str,
        *,
        name: str = "lina",
        real_name: str = "Lina Haddad",
        email: str | None = None,
        tz: str = "Europe/Paris",
        tz_offset: int = 3600,
        locale: str = "en-US",
    ) -> dict[str, Any]:
        """Register a user so users.info returns these details instead of generated ones."""
        user = self._user(user_id, name, real_name, email or f"{name}@example.com", tz, tz_offset)
        user["locale"] = locale
        with self._lock:
            self.users[user_id] = user
        return user

    def fail_next(
        self,
        method: str,
        *,
        times: int = 1,
        status: int = 429,
        retry_after: int = 1,
        error: str | None = None,
    ) -> None:
        """Fail the next calls of `method` (or ``"*"``): 429 + Retry-After, 5xx, or 200 ok=false."""
        if status == 200 and error is None:
            raise ValueError("an HTTP 200 failure needs an `error` code, e.g. channel_not_found")
        headers = {"Retry-After": str(retry_after)} if status == 429 else {}
        body = {"ok": False, "error": error or _DEFAULT_ERRORS.get(status, "fatal_error")}
        self._script(method, ScriptedFailure(status=status, body=body, headers=headers), times)

    def messages(self, channel: str | None = None) -> list[dict[str, Any]]:
        """Messages as they now stand (after chat.update), oldest first."""
        with self._lock:
            return [m for (ch, _), m in self._messages.items() if channel in (None, ch)]

    # -- HTTP layer ------------------------------------------------------------------------

    async def _endpoint(self, request: Request) -> Response:
        """Authenticate, dispatch (or fail as scripted), record, answer in Web API JSON."""
        method = request.path_params["method"]
        params, files = await read_request(request)
        params = decode_json_fields(params, _JSON_FIELDS)
        status, body, headers = self._answer(request, method, params)
        self._record_request(request, method, params, status, files)
        headers["x-slack-req-id"] = f"fake-{next(self._req_ids):08d}"
        return JSONResponse(body, status_code=status, headers=headers)

    def _answer(
        self, request: Request, method: str, params: dict[str, Any]
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        """Produce (status, body, headers); auth errors come first, as on slack.com."""
        auth = request.headers.get("authorization", "")
        token = auth.removeprefix("Bearer ").strip() if auth else params.get("token", "")
        if not token:
            return 200, {"ok": False, "error": "not_authed"}, {}
        if token not in self.tokens:
            return 200, {"ok": False, "error": "invalid_auth"}, {}
        handler = self._handlers.get(method)
        if handler is None:
            return 200, {"ok": False, "error": "unknown_method", "req_method": method}, {}
        failure = self._take_failure(method)
        if failure is not None:
            return failure.status, failure.body, dict(failure.headers)
        try:
            with self._lock:
                return 200, {"ok": True, **handler(params, request)}, {}
        except SlackError as err:
            return 200, {"ok": False, "error": err.error, **err.extra}, {}

    async def _upload(self, request: Request) -> Response:
        """The pre-signed upload URL: raw bytes in, ``OK - <length>`` text out, like Slack's."""
        file_id = request.path_params["file_id"]
        content = await request.body()  # urllib labels it form-urlencoded; it is raw bytes.
        with self._lock:
            upload = self.uploads.get(file_id)
            if upload is not None:
                upload["content"] = content
        status = 200 if upload is not None else 404
        self._record_request(
            request, "upload", {"file_id": file_id, "length": len(content)}, status
        )
        if upload is None:
            return PlainTextResponse("Not Found", status_code=404)
        return PlainTextResponse(f"OK - {len(content)}")

    # -- Web API methods (called with the lock held) ---------------------------------------

    def _auth_test(self, params: dict[str, Any], request: Request) -> dict[str, Any]:
        """auth.test, which Bolt calls at startup unless token verification is off."""
        domain = self.team_name.lower().replace(" ", "")
        return {"url": f"https://{domain}.slack.com/", "team": self.team_name, "user": "samia",
                "team_id": self.team_id, "user_id": self.bot_user_id, "bot_id": self.bot_id,
                "is_enterprise_install": False}  # fmt: skip

    def _post_message(self, params: dict[str, Any], request: Request) -> dict[str, Any]:
        """chat.postMessage; a user id as channel lands in the DM, as on Slack."""
        channel = self._resolve_channel(params.get("channel"))
        message = self._bot_message(params)
        self._messages[(channel, message["ts"])] = message
        return {"channel": channel, "ts": message["ts"], "message": message}

    def _post_ephemeral(self, params: dict[str, Any], request: Request) -> dict[str, Any]:
        """chat.postEphemeral: only a message_ts comes back; nothing is stored in history."""
        self._resolve_channel(params.get("channel"))
        if not params.get("user"):
            raise SlackError("invalid_arguments")
        return {"message_ts": self._bot_message(params)["ts"]}

    def _update(self, params: dict[str, Any], request: Request) -> dict[str, Any]:
        """chat.update; unknown ts values are adopted since they may predate the fake."""
        channel = self._resolve_channel(params.get("channel"))
        ts = params.get("ts")
        if not ts:
            raise SlackError("message_not_found")
        message = {
            **self._bot_message(params),
            "ts": ts,
            "edited": {"user": self.bot_user_id, "ts": self._next_ts()},
        }
        self._messages[(channel, ts)] = message
        return {"channel": channel, "ts": ts, "text": message["text"], "message": message}

    def _conversations_open(self, params: dict[str, Any], request: Request) -> dict[str, Any]:
        """conversations.open for one user: the same D id every time, with `already_open`."""
        users = str(params.get("users", "")).split(",")
        if not users[0]:
            raise SlackError("users_list_not_supplied")
        already_open = users[0] in self._dms
        result: dict[str, Any] = {"channel": {"id": self._dm(users[0])}}
        if already_open:
            result |= {"no_op": True, "already_open": True}
        return result

    def _users_info(self, params: dict[str, Any], request: Request) -> dict[str, Any]:
        """users.info; unregistered but well-formed ids get a plausible generated user."""
        user_id = str(params.get("user", ""))
        if user_id in self.users:
            user = dict(self.users[user_id])
        elif user_id.startswith(("U", "W")):
            name = user_id.lower()
            tz, offset = "Europe/Paris", 3600
            user = self._user(user_id, name, name.title(), f"{name}@example.com", tz, offset)
            user["locale"] = "en-US"
        else:
            raise SlackError("user_not_found")
        # Slack sends the locale only to callers who opt in with include_locale.
        if str(params.get("include_locale", "")).lower() not in ("1", "true"):
            user.pop("locale", None)
        return {"user": user}

    def _get_upload_url(self, params: dict[str, Any], request: Request) -> dict[str, Any]:
        """files.getUploadURLExternal: the upload URL points back at this fake."""
        if not params.get("filename") or not str(params.get("length", "")).isdigit():
            raise SlackError("invalid_arguments")
        file_id = f"F0{next(self._ids):08d}"
        length = int(params["length"])
        self.uploads[file_id] = {"filename": params["filename"], "length": length, "content": None}
        base = str(request.base_url).rstrip("/")
        return {"upload_url": f"{base}/upload/v1/{file_id}", "file_id": file_id}

    def _complete_upload(self, params: dict[str, Any], request: Request) -> dict[str, Any]:
        """files.completeUploadExternal: only ids whose bytes actually arrived complete."""
        entries = params.get("files")
        if not isinstance(entries, list) or not entries:
            raise SlackError("invalid_arguments")
        now, done = int(time.time()), []
        for entry in entries:
            upload = self.uploads.get(entry.get("id", ""))
            if upload is None or upload["content"] is None:
                raise SlackError("file_not_found")
            upload |= {"title": entry.get("title"), "channel_id": params.get("channel_id"),
                       "initial_comment": params.get("initial_comment")}  # fmt: skip
            url = f"https://files.slack.com/files-pri/{self.team_id}-{entry['id']}/{upload['filename']}"
            done.append({
                "id": entry["id"], "created": now, "timestamp": now, "name": upload["filename"],
                "title": entry.get("title") or upload["filename"], "user": self.bot_user_id,
                "size": len(upload["content"]), "is_external": False, "url_private": url,
            })  # fmt: skip
        return {"files": done}

    def _views_open(self, params: dict[str, Any], request: Request) -> dict[str, Any]:
        """views.open; a missing trigger_id or view fails exactly like Slack's validation."""
        view = params.get("view")
        for name, present in (("trigger_id", params.get("trigger_id")), ("view", view)):
            if not present:
                raise SlackError(
                    "invalid_arguments",
                    response_metadata={"messages": [f"[ERROR] missing required field: {name}"]},
                )
        if not isinstance(view, dict):
            raise SlackError("invalid_arguments")
        view_id = f"V0{next(self._ids):08d}"
        defaults = {
            "type": "modal",
            "blocks": [],
            "private_metadata": "",
            "callback_id": "",
            "external_id": "",
            "clear_on_close": False,
            "notify_on_close": False,
        }
        server_side = {
            "id": view_id,
            "team_id": self.team_id,
            "state": {"values": {}},
            "hash": f"{int(time.time())}.fakehash",
            "previous_view_id": None,
            "root_view_id": view_id,
            "app_id": self.app_id,
            "bot_id": self.bot_id,
        }
        return {"view": defaults | view | server_side}  # fmt: skip

    # -- state helpers ---------------------------------------------------------------------

    def _next_ts(self) -> str:
        """A message ts: unix seconds plus a per-fake sequence, so it is unique and ordered."""
        return f"{int(time.time())}.{next(self._ts):06d}"

    def _dm(self, user_id: str) -> str:
        """The stable DM channel id for a user."""
        return self._dms.setdefault(user_id, f"D0{next(self._ids):08d}")

    def _resolve_channel(self, channel: Any) -> str:
        """Map ids, names and user ids to a channel id; reject what Slack would reject."""
        if not isinstance(channel, str) or not channel:
            raise SlackError("channel_not_found")
        if channel.startswith(("U", "W")):
            return self._dm(channel)
        if channel.startswith("#"):
            return self._channels.setdefault(channel, f"C0{next(self._ids):08d}")
        return channel

    def _bot_message(self, params: dict[str, Any]) -> dict[str, Any]:
        """The message object Slack echoes back, with Slack's text/blocks validation."""
        text, blocks = params.get("text") or "", params.get("blocks")
        if not text and not blocks and not params.get("attachments"):
            raise SlackError("no_text")
        if len(text) > _MAX_TEXT:
            raise SlackError("msg_too_long")
        if blocks is not None and (not isinstance(blocks, list) or len(blocks) > _MAX_BLOCKS):
            raise SlackError("invalid_blocks")
        profile = {
            "id": self.bot_id,
            "app_id": self.app_id,
            "name": "Samia",
            "deleted": False,
            "team_id": self.team_id,
        }
        message: dict[str, Any] = {
            "user": self.bot_user_id, "type": "message", "ts": self._next_ts(),
            "bot_id": self.bot_id, "app_id": self.app_id, "text": text, "team": self.team_id,
            "bot_profile": profile,
        }  # fmt: skip
        for key in ("blocks", "attachments", "thread_ts", "metadata"):
            if params.get(key):
                message[key] = params[key]
        return message

    def _user(
        self, user_id: str, name: str, real_name: str, email: str, tz: str, tz_offset: int
    ) -> dict[str, Any]:
        """A users.info `user` object with the fields the hub reads (tz, email, names)."""
        profile = {
            "real_name": real_name,
            "display_name": name,
            "email": email,
            "real_name_normalized": real_name,
            "display_name_normalized": name,
            "team": self.team_id,
        }
        return {
            "id": user_id, "team_id": self.team_id, "name": name, "deleted": False,
            "real_name": real_name, "tz": tz, "tz_label": tz, "tz_offset": tz_offset,
            "is_admin": False, "is_owner": False, "is_bot": False, "is_app_user": False,
            "updated": int(time.time()), "profile": profile,
        }  # fmt: skip
