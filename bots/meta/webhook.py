"""`GET/POST /webhooks/meta`: the verify-token handshake, and signed Messenger/IG events.

The signature is `X-Hub-Signature-256: sha256=<hex HMAC(app secret, raw body)>`, checked
over the bytes received: Meta signs its escaped-unicode JSON, so re-serialising first
would break it. One POST may carry many events; each is recorded by its message `mid`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from bots.engine import EventKind, InboundEvent, InboundFile
from bots.inbound import Accept, Incoming
from bots.meta.settings import MetaSettings
from bots.outbound import SendContext
from domain.enums import Channel

log = logging.getLogger(__name__)

PROVIDER = "meta"
SIGNATURE_HEADER = "X-Hub-Signature-256"
OBJECTS = {"page": Channel.MESSENGER, "instagram": Channel.INSTAGRAM}
ATTACHMENT_TYPES = frozenset({"image", "file"})  # what can be a receipt (not audio, video)


def router(*, settings: MetaSettings, accept: Accept) -> APIRouter:
    """The Meta webhook routes; `accept` records and queues."""
    secret = settings.app_secret.get_secret_value().encode()
    verify_token = settings.verify_token.get_secret_value().encode()
    routes = APIRouter()

    @routes.get("/webhooks/meta", include_in_schema=False)
    async def meta_handshake(request: Request) -> Response:
        query = request.query_params
        given = query.get("hub.verify_token", "").encode()
        if query.get("hub.mode") != "subscribe" or not hmac.compare_digest(given, verify_token):
            return JSONResponse({"error": "forbidden"}, status_code=403)
        return PlainTextResponse(query.get("hub.challenge", ""))

    @routes.post("/webhooks/meta", include_in_schema=False)
    async def meta_webhook(request: Request) -> Response:
        body = await request.body()
        expected = "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()
        given = request.headers.get(SIGNATURE_HEADER, "")
        if not hmac.compare_digest(given.encode(), expected.encode()):
            return JSONResponse({"error": "invalid signature"}, status_code=401)
        try:
            items = deliveries(json.loads(body))
        except (ValueError, TypeError, KeyError, AttributeError):
            return JSONResponse({"error": "bad request"}, status_code=400)
        if not settings.instagram_account_id:  # no account to answer from: not ours to keep
            items = [i for i in items if i.payload["object"] != "instagram"]
        if items:
            await accept(PROVIDER, items)
        return PlainTextResponse("EVENT_RECEIVED")

    return routes


def deliveries(body: Any) -> list[Incoming]:
    """The events worth recording, oldest first; echoes, reads and deliveries are dropped."""
    if not isinstance(body, dict) or not isinstance(body.get("entry"), list):
        raise ValueError("not a Meta webhook body")
    obj = body.get("object")
    if obj not in OBJECTS:
        log.info("ignoring Meta webhook object %r", obj)
        return []
    found: list[tuple[int, Incoming]] = []
    for entry in body["entry"]:
        account = str(entry["id"])
        for event in entry.get("messaging") or []:
            event_id = _event_id(event, account)
            if event_id is None:
                continue
            sender = str(event["sender"]["id"])
            payload = {"object": obj, "account": account, "event": event}
            found.append(
                (
                    int(event.get("timestamp") or 0),
                    Incoming(event_id, payload, f"{account}:{sender}"),
                )
            )
    return [item for _, item in sorted(found, key=lambda pair: pair[0])]


def _event_id(event: dict[str, Any], account: str) -> str | None:
    """The dedup key of one messaging event, or None for events we do not act on."""
    sender = str((event.get("sender") or {}).get("id") or "")
    if not sender or sender == account:
        return None  # our own message echoed back (Instagram does this)
    if isinstance(message := event.get("message"), dict):
        return None if message.get("is_echo") or not message.get("mid") else str(message["mid"])
    if isinstance(postback := event.get("postback"), dict):
        if postback.get("mid"):
            return str(postback["mid"])
        basis = f"{sender}:{event.get('timestamp')}:{postback.get('payload')}"
        return "postback:" + hashlib.sha256(basis.encode()).hexdigest()[:40]
    if isinstance(reaction := event.get("reaction"), dict):
        return f"reaction:{reaction.get('mid')}:{reaction.get('action')}:{sender}"
    return None


def message_files(message: dict[str, Any]) -> tuple[InboundFile, ...]:
    """Photos and files of a Messenger / Instagram message, by their attachment URLs.

    Stickers arrive as images too (with a `sticker_id`): they are no receipts.
    """
    found = []
    for attachment in message.get("attachments") or []:
        if not isinstance(attachment, dict) or attachment.get("type") not in ATTACHMENT_TYPES:
            continue
        payload = attachment.get("payload") or {}
        if payload.get("url") and "sticker_id" not in payload:
            found.append(InboundFile(str(payload["url"]), filename=payload.get("name") or None))
    return tuple(found)


def to_event(payload: dict[str, Any]) -> tuple[InboundEvent, SendContext] | None:
    """The engine event for a recorded messaging event, and where its replies go."""
    channel = OBJECTS[payload["object"]]
    event, account = payload["event"], payload["account"]
    sender = str(event["sender"]["id"])
    common: dict[str, Any] = {
        "channel": channel,
        "workspace": account,
        "chat_id": sender,
        "user_ref": sender,
    }
    context = SendContext(channel, workspace=account, user_ref=sender)
    if isinstance(message := event.get("message"), dict):
        common["event_id"] = str(message.get("mid"))
        quick = message.get("quick_reply") or {}
        if quick.get("payload"):
            return InboundEvent.from_action(payload=str(quick["payload"]), **common), context
        if files := message_files(message):
            text = str(message.get("text") or "")
            return InboundEvent.from_files(files=files, text=text, raw=message, **common), context
        if message.get("text"):
            return InboundEvent.from_text(text=str(message["text"]), **common), context
        return InboundEvent(kind=EventKind.ATTACHMENT, raw=message, **common), context
    if isinstance(postback := event.get("postback"), dict):
        common["event_id"] = str(postback.get("mid") or f"{sender}:{event.get('timestamp')}")
        return InboundEvent.from_action(
            payload=str(postback.get("payload") or ""), **common
        ), context
    if isinstance(reaction := event.get("reaction"), dict):
        return InboundEvent(kind=EventKind.REACTION, raw=reaction, **common), context
    return None
