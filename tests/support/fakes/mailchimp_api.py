"""A loopback fake of the Mailchimp Marketing API v3 parts the audience connector uses.

Point the SDK at it with ``MailchimpSettings(api_key=fake.api_key, list_id=fake.list_id,
api_url=f"{fake.url}/3.0")``. It checks HTTP basic auth (any user, the key as password),
refuses a batch of more than 500 members (400, as Mailchimp does), answers each member by
its subscriber hash (MD5 of the lowercased address) and serves members only at their own
hash. It keeps members (status, merge fields, tags), static segments and campaigns, and
counts calls by method: ``lists.batch``, ``lists.member``, ``segments.list``,
``segments.create``, ``segments.batch``, ``campaigns.list``, ``campaigns.create``,
``campaigns.content``, ``campaigns.send``. ``resubscribed`` lists every member an API
call moved from unsubscribed or cleaned back to subscribed (what must never happen).
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp

from tests.support.fakes._recording import FakeVendor, ScriptedFailure

__all__ = ["MailchimpApiFake", "member_hash"]

_STATUSES = frozenset({"subscribed", "unsubscribed", "cleaned", "pending", "transactional"})
_BATCH_MAX = 500
_GONE = frozenset({"unsubscribed", "cleaned"})


def member_hash(email: str) -> str:
    """Mailchimp's subscriber hash."""
    return hashlib.md5(email.strip().lower().encode(), usedforsecurity=False).hexdigest()


def _problem(status: int, title: str, detail: str) -> JSONResponse:
    body = {
        "type": "https://mailchimp.com/developer/marketing/docs/errors/",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": "00000000-0000-0000-0000-000000000000",
    }
    return JSONResponse(body, status_code=status, media_type="application/problem+json")


class MailchimpApiFake(FakeVendor):
    """Members, static segments and campaigns of one list, over Mailchimp's wire format."""

    api_key = "0123456789abcdef0123456789abcdef-us19"
    list_id = "a1b2c3d4e5"

    def __init__(self) -> None:
        """An empty list."""
        super().__init__()
        self.members: dict[str, dict[str, Any]] = {}  # by subscriber hash
        self.segments: dict[int, dict[str, Any]] = {}
        self.campaigns: dict[str, dict[str, Any]] = {}
        self.delivered: list[tuple[str, str]] = []  # (campaign id, email)
        self.resubscribed: list[str] = []
        self._ids = itertools.count(1)

    def _reset_state(self) -> None:
        self.members.clear()
        self.segments.clear()
        self.campaigns.clear()
        self.delivered.clear()
        self.resubscribed.clear()

    # -- test helpers ----------------------------------------------------------------------

    def member(self, email: str) -> dict[str, Any] | None:
        """The member with this address, as Mailchimp holds it."""
        with self._lock:
            return self.members.get(member_hash(email))

    def set_status(self, email: str, status: str) -> None:
        """What a person does in Mailchimp itself (unsubscribe link, a bounce cleaning them)."""
        with self._lock:
            self.members[member_hash(email)]["status"] = status

    def fail_next(self, method: str, *, status: int = 500, times: int = 1) -> None:
        """Answer the next calls of `method` (or ``*``) with this error."""
        body = {"title": "Error", "status": status, "detail": "scripted failure"}
        self._script(method, ScriptedFailure(status=status, body=body), times)

    # -- app -------------------------------------------------------------------------------

    @property
    def app(self) -> ASGIApp:
        """The routes under /3.0."""
        routes = [
            Route("/3.0/lists/{list_id}", self._batch, methods=["POST"]),
            Route("/3.0/lists/{list_id}/members/{hash}", self._get_member, methods=["GET"]),
            Route("/3.0/lists/{list_id}/segments", self._segments, methods=["GET", "POST"]),
            Route(
                "/3.0/lists/{list_id}/segments/{segment_id:int}",
                self._segment_batch,
                methods=["POST"],
            ),
            Route("/3.0/campaigns", self._campaigns, methods=["GET", "POST"]),
            Route("/3.0/campaigns/{id}/content", self._content, methods=["PUT"]),
            Route("/3.0/campaigns/{id}/actions/send", self._send, methods=["POST"]),
        ]
        return Starlette(routes=routes)

    async def _open(self, request: Request, method: str) -> tuple[dict[str, Any], Response | None]:
        """Parse, authenticate and record one call; a response means answer it at once."""
        raw = await request.body()
        body: dict[str, Any] = {}
        if raw.strip():
            try:
                loaded = json.loads(raw)
            except ValueError:
                return body, self._answer(request, method, body, _problem(400, "Bad JSON", "x"))
            body = loaded if isinstance(loaded, dict) else {}  # the SDK's send posts `null`
        params = {**dict(request.query_params), **body}
        expected = "Basic " + base64.b64encode(f"user:{self.api_key}".encode()).decode()
        if request.headers.get("authorization") != expected:
            problem = _problem(401, "API Key Invalid", "Your API key may be invalid.")
            return body, self._answer(request, method, params, problem)
        if request.path_params.get("list_id", self.list_id) != self.list_id:
            problem = _problem(404, "Resource Not Found", "The list does not exist.")
            return body, self._answer(request, method, params, problem)
        failure = self._take_failure(method)
        if failure is not None:
            problem = JSONResponse(failure.body, status_code=failure.status)
            return body, self._answer(request, method, params, problem)
        return body, None

    def _answer(
        self, request: Request, method: str, params: dict[str, Any], response: Response
    ) -> Response:
        self._record_request(request, method, params, response.status_code)
        return response

    async def _batch(self, request: Request) -> Response:
        body, early = await self._open(request, "lists.batch")
        if early is not None:
            return early
        members = body.get("members")
        if not isinstance(members, list) or len(members) > _BATCH_MAX:
            count = len(members) if isinstance(members, list) else 0
            detail = f"members: up to {_BATCH_MAX} members per call, got {count}"
            return self._answer(
                request, "lists.batch", body, _problem(400, "Invalid Resource", detail)
            )
        update = bool(body.get("update_existing", False))
        new, updated, errors = [], [], []
        with self._lock:
            for item in members:
                outcome = self._upsert(item, update)
                if isinstance(outcome, str):
                    errors.append(
                        {"email_address": item.get("email_address"), "error": outcome,
                         "error_code": "ERROR_GENERIC", "field": "", "field_message": ""}
                    )  # fmt: skip
                else:
                    (new if outcome[1] else updated).append(dict(outcome[0]))
        answer = {
            "new_members": new,
            "updated_members": updated,
            "errors": errors,
            "total_created": len(new),
            "total_updated": len(updated),
            "error_count": len(errors),
        }
        return self._answer(request, "lists.batch", body, JSONResponse(answer))

    def _upsert(self, item: dict[str, Any], update: bool) -> str | tuple[dict[str, Any], bool]:
        """One member: (member, is_new), or why it was refused."""
        email = str(item.get("email_address") or "").strip()
        if "@" not in email:
            return "Invalid email address"
        status, if_new = item.get("status"), item.get("status_if_new")
        if (status or if_new) not in _STATUSES or (status and status not in _STATUSES):
            return "Invalid status"
        key = member_hash(email)
        known = self.members.get(key)
        if known is None:
            known = {"id": key, "email_address": email.lower(), "status": if_new or status,
                     "merge_fields": {}, "tags": [], "language": ""}  # fmt: skip
            self.members[key] = known
            is_new = True
        elif not update:
            return f"{email} is already a list member"
        else:
            is_new = False
            if status:
                if known["status"] in _GONE and status == "subscribed":
                    self.resubscribed.append(email.lower())
                known["status"] = status
        known["merge_fields"] = {**known["merge_fields"], **dict(item.get("merge_fields") or {})}
        known["language"] = item.get("language") or known["language"]
        for tag in item.get("tags") or []:
            if tag not in known["tags"]:
                known["tags"].append(tag)
        return known, is_new

    async def _get_member(self, request: Request) -> Response:
        _, early = await self._open(request, "lists.member")
        if early is not None:
            return early
        found = self.members.get(request.path_params["hash"].lower())
        if found is None:
            problem = _problem(
                404, "Resource Not Found", "The requested resource could not be found."
            )
            return self._answer(request, "lists.member", {}, problem)
        return self._answer(request, "lists.member", {}, JSONResponse(found))

    async def _segments(self, request: Request) -> Response:
        method = "segments.list" if request.method == "GET" else "segments.create"
        body, early = await self._open(request, method)
        if early is not None:
            return early
        if request.method == "GET":
            found = [
                s
                for s in self.segments.values()
                if s["type"] == request.query_params.get("type", s["type"])
            ]
            answer = {"segments": [self._segment_view(s) for s in found], "total_items": len(found)}
            return self._answer(request, method, body, JSONResponse(answer))
        name = str(body.get("name") or "")
        if not name or "static_segment" not in body:
            return self._answer(request, method, body, _problem(400, "Invalid Resource", "name"))
        segment_id = next(self._ids)
        self.segments[segment_id] = {
            "id": segment_id,
            "name": name,
            "type": "static",
            "members": set(),
        }
        return self._answer(
            request, method, body, JSONResponse(self._segment_view(self.segments[segment_id]))
        )

    @staticmethod
    def _segment_view(segment: dict[str, Any]) -> dict[str, Any]:
        return {"id": segment["id"], "name": segment["name"], "type": segment["type"],
                "member_count": len(segment["members"])}  # fmt: skip

    async def _segment_batch(self, request: Request) -> Response:
        body, early = await self._open(request, "segments.batch")
        if early is not None:
            return early
        segment = self.segments.get(request.path_params["segment_id"])
        adding = body.get("members_to_add") or []
        if segment is None:
            return self._answer(
                request, "segments.batch", body, _problem(404, "Resource Not Found", "segment")
            )
        if len(adding) > _BATCH_MAX:
            return self._answer(
                request, "segments.batch", body, _problem(400, "Invalid Resource", "max 500")
            )
        added, errors = [], []
        for email in adding:
            key = member_hash(email)
            if key in self.members:
                segment["members"].add(key)
                added.append(self.members[key])
            else:
                errors.append(
                    {"email_addresses": [email], "error": "Email address is not a list member"}
                )
        answer = {"members_added": added, "members_removed": [], "errors": errors,
                  "total_added": len(added), "total_removed": 0, "error_count": len(errors)}  # fmt: skip  # noqa: E501
        return self._answer(request, "segments.batch", body, JSONResponse(answer))

    async def _campaigns(self, request: Request) -> Response:
        method = "campaigns.list" if request.method == "GET" else "campaigns.create"
        body, early = await self._open(request, method)
        if early is not None:
            return early
        if request.method == "GET":
            query = request.query_params
            items = [c for c in self.campaigns.values()
                     if c["recipients"]["list_id"] == query.get("list_id", c["recipients"]["list_id"])]  # fmt: skip  # noqa: E501
            offset, count = int(query.get("offset", 0)), int(query.get("count", 10))
            answer = {"campaigns": items[offset : offset + count], "total_items": len(items)}
            return self._answer(request, method, body, JSONResponse(answer))
        if body.get("type") != "regular" or "recipients" not in body:
            return self._answer(request, method, body, _problem(400, "Invalid Resource", "type"))
        campaign_id = f"c{next(self._ids):09d}"
        self.campaigns[campaign_id] = {"id": campaign_id, "type": "regular", "status": "save",
                                       "recipients": body["recipients"],
                                       "settings": body.get("settings", {}), "content": None}  # fmt: skip  # noqa: E501
        return self._answer(request, method, body, JSONResponse(self.campaigns[campaign_id]))

    async def _content(self, request: Request) -> Response:
        body, early = await self._open(request, "campaigns.content")
        if early is not None:
            return early
        campaign = self.campaigns.get(request.path_params["id"])
        if campaign is None:
            return self._answer(
                request, "campaigns.content", body, _problem(404, "Resource Not Found", "campaign")
            )
        campaign["content"] = body
        return self._answer(request, "campaigns.content", body, JSONResponse(body))

    async def _send(self, request: Request) -> Response:
        body, early = await self._open(request, "campaigns.send")
        if early is not None:
            return early
        campaign = self.campaigns.get(request.path_params["id"])
        if campaign is None:
            return self._answer(
                request, "campaigns.send", body, _problem(404, "Resource Not Found", "campaign")
            )
        if campaign["status"] == "sent":
            problem = _problem(400, "Bad Request", "This campaign has already been sent.")
            return self._answer(request, "campaigns.send", body, problem)
        if not campaign["content"]:
            problem = _problem(400, "Bad Request", "Your Campaign is not ready to send.")
            return self._answer(request, "campaigns.send", body, problem)
        if "*|UNSUB|*" not in str(campaign["content"].get("html", "")):
            # Mailchimp's send checklist: custom HTML must carry the unsubscribe merge tag.
            problem = _problem(400, "Bad Request", "Your Campaign is missing *|UNSUB|*.")
            return self._answer(request, "campaigns.send", body, problem)
        segment_id = campaign["recipients"].get("segment_opts", {}).get("saved_segment_id")
        segment = self.segments.get(segment_id, {"members": set(self.members)})
        for key in sorted(segment["members"]):
            member = self.members[key]
            if member["status"] == "subscribed":
                self.delivered.append((campaign["id"], member["email_address"]))
        campaign["status"] = "sent"
        return self._answer(request, "campaigns.send", body, Response(status_code=204))
