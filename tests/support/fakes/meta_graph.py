"""A loopback fake of the Meta Graph API Send API (Messenger and Instagram) and page lookups.

facebook-sdk 3.1.0 has no base-URL option: patch ``facebook.FACEBOOK_GRAPH_URL`` to
``f"{fake.url}/"`` and put the version in the path (``graph.request("v21.0/<id>/messages",
post_args=...)``). It POSTs urlencoded form with ``recipient``/``message`` as JSON strings and
``access_token`` added to the form (GETs carry it in the query string). httpx-based clients may
instead send a JSON body and ``Authorization: Bearer``; all of these are accepted.
"""

from __future__ import annotations

import base64
import itertools
import re
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp

from tests.support.fakes._recording import (
    FakeVendor,
    ScriptedFailure,
    decode_json_fields,
    read_request,
)

__all__ = ["GraphError", "MetaGraphFake"]

_VERSION = re.compile(r"^v\d+\.\d+$")
_MESSAGING_TYPES = ("RESPONSE", "UPDATE", "MESSAGE_TAG")
_MAX_TEXT, _MAX_QUICK_REPLIES = 2000, 13
_OUTSIDE_WINDOW = (
    "(#10) This message is sent outside of allowed window. Learn more about the new policy "
    "here: https://developers.facebook.com/docs/messenger-platform/policy-overview"
)
_DEFAULT_ERRORS: dict[int, tuple[int, str]] = {
    400: (100, "(#100) Invalid parameter"),
    403: (200, "(#200) Permissions error"),
    500: (2, "An unexpected error has occurred. Please retry your request later."),
    503: (2, "Service temporarily unavailable"),
}


class GraphError(Exception):
    """Raised by a handler to answer with the Graph ``{"error": {...}}`` envelope."""

    def __init__(self, status: int, code: int, message: str, subcode: int | None = None) -> None:
        """Keep the HTTP status plus Graph's numeric code, subcode and message."""
        super().__init__(message)
        self.status, self.code, self.message, self.subcode = status, code, message, subcode


class MetaGraphFake(FakeVendor):
    """Speaks the Graph Send API for one Page and its Instagram account; records every call."""

    def __init__(
        self,
        *,
        access_token: str = "EAAB-samia-page-token",
        page_id: str = "105000000000001",
        page_name: str = "Samia Tarot",
        ig_account_id: str = "17841400000000001",
        ig_username: str = "samia.tarot",
        ig_access_token: str | None = None,
        api_version: str = "v21.0",
    ) -> None:
        """Set the Page/IG identities; `me` resolves to the IG account for `ig_access_token`."""
        super().__init__()
        self.access_token, self.ig_access_token = access_token, ig_access_token
        self.page_id, self.page_name = page_id, page_name
        self.ig_account_id, self.ig_username = ig_account_id, ig_username
        self.api_version = api_version
        self._trace = itertools.count(1)
        self._reset_state()
        self._app = Starlette(
            routes=[Route("/{path:path}", self._endpoint, methods=["GET", "POST"])]
        )

    @property
    def app(self) -> ASGIApp:
        """The Starlette app; mount it elsewhere or serve it with `with fake:`."""
        return self._app

    def _reset_state(self) -> None:
        """Forget delivered messages between tests."""
        self._mids = itertools.count(1)
        self._sent: list[dict[str, Any]] = []

    # -- test-facing helpers ---------------------------------------------------------------

    def fail_next(
        self,
        operation: str = "messages",
        *,
        times: int = 1,
        status: int = 500,
        code: int | None = None,
        subcode: int | None = None,
        message: str | None = None,
        is_transient: bool | None = None,
    ) -> None:
        """Fail the next `operation` calls (``messages``, ``node``, ``"*"``) with a Graph error."""
        default_code, default_message = _DEFAULT_ERRORS.get(
            status, (1, "An unknown error occurred")
        )
        error = self._error(code or default_code, message or default_message, subcode)
        if is_transient is None:
            is_transient = status >= 500
        if is_transient:
            error["error"]["is_transient"] = True
        self._script(operation, ScriptedFailure(status=status, body=error), times)

    def fail_outside_window(self, *, times: int = 1) -> None:
        """Refuse sends like Meta does after the 24-hour window (code 10, subcode 2018278)."""
        self.fail_next(status=400, code=10, subcode=2018278, message=_OUTSIDE_WINDOW, times=times)

    def fail_rate_limited(self, *, times: int = 1) -> None:
        """Answer like a throttled Page (code 613); Meta's exact throttle codes vary by API."""
        message = "(#613) Calls to this api have exceeded the rate limit."
        self.fail_next(status=400, code=613, message=message, times=times, is_transient=True)

    def sent(self, recipient_id: str | None = None) -> list[dict[str, Any]]:
        """Delivered sends (node_id, recipient, message, message_id...), oldest first."""
        with self._lock:
            return [m for m in self._sent if recipient_id in (None, m["recipient"].get("id"))]

    # -- HTTP layer ------------------------------------------------------------------------

    async def _endpoint(self, request: Request) -> Response:
        """Route ``[/version]/<node>[/edge]``, authenticate, answer in Graph JSON, record."""
        params, files = await read_request(request)
        params = decode_json_fields(params, frozenset({"recipient", "message"}))
        segments = [s for s in request.path_params["path"].split("/") if s]
        version = segments.pop(0) if segments and _VERSION.match(segments[0]) else None
        operation = "node" if len(segments) == 1 else (segments[1] if len(segments) == 2 else "")
        try:
            self._authenticate(request, params)
            failure = self._take_failure(operation)
            if failure is not None:
                status, body = failure.status, failure.body
            else:
                with self._lock:
                    status, body = 200, self._dispatch(request.method, segments, params, request)
        except GraphError as err:
            status, body = err.status, self._error(err.code, err.message, err.subcode)
        if isinstance(body.get("error"), dict):
            body["error"].setdefault("fbtrace_id", f"AFakeTrace{next(self._trace):06d}")
        self._record_request(request, operation or "unknown", params, status, files)
        headers = {"facebook-api-version": version or self.api_version}
        return JSONResponse(body, status_code=status, headers=headers)

    def _authenticate(self, request: Request, params: dict[str, Any]) -> None:
        """Accept the token from query, body or an Authorization header, as Graph does."""
        auth = request.headers.get("authorization", "")
        token = params.get("access_token") or auth.partition(" ")[2].strip()
        if not token:
            message = (
                "An active access token must be used to query information about the current user."
            )
            raise GraphError(400, 2500, message)
        if token not in {self.access_token, self.ig_access_token}:
            raise GraphError(400, 190, "Invalid OAuth access token - Cannot parse access token")

    def _dispatch(
        self, http_method: str, segments: list[str], params: dict[str, Any], request: Request
    ) -> dict[str, Any]:
        """Pick the handler for the path shape, or fail like Graph on an unknown path."""
        if not segments or len(segments) > 2:
            raise GraphError(400, 2500, f"Unknown path components: /{'/'.join(segments)}")
        node = self._resolve(segments[0], request, params)
        if len(segments) == 1 and http_method == "GET":
            return self._node(node, params)
        if segments[1:] == ["messages"] and http_method == "POST":
            return self._send(node, params)
        if segments[1:] == ["subscribed_apps"]:
            return {"success": True} if http_method == "POST" else {"data": []}
        verb = "get" if http_method == "GET" else "post"
        raise GraphError(400, 100, self._unsupported(verb, node), subcode=33)

    # -- Graph operations (called with the lock held) --------------------------------------

    def _node(self, node: str, params: dict[str, Any]) -> dict[str, Any]:
        """GET /<id>: the Page or IG account, limited to the requested `fields`."""
        if node == self.page_id:
            known = {"id": node, "name": self.page_name, "category": "Astrologist & Psychic"}
        else:
            known = {"id": node, "username": self.ig_username, "name": self.page_name}
        fields = [f for f in str(params.get("fields", "id,name")).split(",") if f]
        return {"id": node} | {f: known[f] for f in fields if f in known}

    def _send(self, node: str, params: dict[str, Any]) -> dict[str, Any]:
        """POST /<id>/messages with the Send API's validation of recipient, type and text."""
        recipient, message = params.get("recipient"), params.get("message")
        if not isinstance(recipient, dict) or not recipient:
            raise GraphError(400, 100, "(#100) The parameter recipient is required")
        messaging_type = params.get("messaging_type", "RESPONSE")
        if messaging_type not in _MESSAGING_TYPES:
            raise GraphError(
                400,
                100,
                "(#100) Param messaging_type must be one of {RESPONSE, UPDATE, MESSAGE_TAG}"
                f' - got "{messaging_type}"',
            )
        if messaging_type == "MESSAGE_TAG" and not params.get("tag"):
            raise GraphError(400, 100, "(#100) Tag is required for MESSAGE_TAG messaging type")
        recipient_id = str(recipient.get("id") or recipient.get("user_ref") or "")
        if params.get("sender_action") and message is None:
            return {"recipient_id": recipient_id}
        self._validate_message(message)
        seq = next(self._mids)
        if node == self.ig_account_id:
            raw = f"ig_message_item:1:IGMessageThread:{node}:{seq}".encode()
            mid = base64.urlsafe_b64encode(raw).decode().rstrip("=")
        else:
            mid = f"m_FakeMid{seq:06d}{recipient_id[-6:]}"
        self._sent.append({"node_id": node, "recipient": recipient, "message": message,
                           "messaging_type": messaging_type, "tag": params.get("tag"),
                           "message_id": mid})  # fmt: skip
        return {"recipient_id": recipient_id, "message_id": mid}

    # -- helpers ---------------------------------------------------------------------------

    def _resolve(self, node: str, request: Request, params: dict[str, Any]) -> str:
        """Resolve `me` by token and reject ids this fake does not host."""
        if node == "me":
            auth = request.headers.get("authorization", "").partition(" ")[2].strip()
            token = params.get("access_token") or auth
            return self.ig_account_id if token == self.ig_access_token else self.page_id
        if node not in (self.page_id, self.ig_account_id):
            verb = "get" if request.method == "GET" else "post"
            raise GraphError(400, 100, self._unsupported(verb, node), subcode=33)
        return node

    @staticmethod
    def _validate_message(message: Any) -> None:
        """The Send API's own limits: 2,000 chars of text, 13 quick replies, some content."""
        if not isinstance(message, dict) or not (message.get("text") or message.get("attachment")):
            raise GraphError(400, 100, "(#100) Must send either message or sender_action")
        if len(message.get("text") or "") > _MAX_TEXT:
            message_text = (
                f"(#100) Length of param message[text] must be less than or equal to {_MAX_TEXT}"
            )
            raise GraphError(400, 100, message_text)
        if len(message.get("quick_replies") or []) > _MAX_QUICK_REPLIES:
            raise GraphError(400, 100, "(#100) param message[quick_replies] has too many elements")

    @staticmethod
    def _unsupported(verb: str, node: str) -> str:
        """Graph's wording for ids that do not exist or cannot be reached with this token."""
        return (
            f"Unsupported {verb} request. Object with ID '{node}' does not exist, cannot be loaded "
            "due to missing permissions, or does not support this operation. Please read the "
            "Graph API documentation at https://developers.facebook.com/docs/graph-api"
        )

    @staticmethod
    def _error(code: int, message: str, subcode: int | None = None) -> dict[str, Any]:
        """Graph's error envelope; facebook-sdk only raises GraphAPIError when `error` is there."""
        error: dict[str, Any] = {"message": message, "type": "OAuthException", "code": code}
        if subcode is not None:
            error["error_subcode"] = subcode
        return {"error": error}
