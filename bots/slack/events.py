"""Slack payloads (events, /samia commands, button clicks) as engine events.

Each recorded payload is `{"kind": "event" | "command" | "action", "body": ...}`: the
body as Bolt parsed it, minus the legacy verification token.
"""

from __future__ import annotations

import re
from typing import Any

from bots.engine import InboundEvent, InboundFile
from bots.inbound import Incoming
from bots.outbound import SendContext
from domain.enums import Channel

PROVIDER = "slack"
MENTION = re.compile(r"<@[A-Z0-9]+(?:\|[^>]*)?>")
# `/samia link CODE` must reach the engine as the `/link` command; other words are text.
SLASH_WORDS = frozenset({"link", "start", "help", "cancel", "book"})
FILE_SHARE = "file_share"  # the subtype of a direct message that shares files


def _clean(body: dict[str, Any]) -> dict[str, Any]:
    """The body without the (deprecated, secret) verification token."""
    return {k: v for k, v in body.items() if k != "token"}


def event_incoming(body: dict[str, Any]) -> Incoming | None:
    """A message or mention worth a turn, keyed by the Events API `event_id`."""
    event = body.get("event") or {}
    if event.get("type") == "message" and (
        event.get("channel_type") != "im"
        or event.get("subtype") not in (None, FILE_SHARE)
        or event.get("bot_id")
    ):
        return None  # channel chatter, edits, joins, our own messages: mentions cover channels
    if not event.get("user") or not body.get("event_id"):
        return None
    payload = {"kind": "event", "body": _clean(body)}
    return Incoming(str(body["event_id"]), payload, str(event.get("channel") or event["user"]))


def command_incoming(body: dict[str, Any]) -> Incoming:
    """A slash command, keyed by its trigger_id (Slack sends each command once)."""
    payload = {"kind": "command", "body": _clean(body)}
    return Incoming(f"command:{body['trigger_id']}", payload, str(body.get("channel_id")))


def action_incoming(body: dict[str, Any]) -> Incoming | None:
    """A button click, keyed by the clicking user and the action's own timestamp."""
    actions = body.get("actions") or []
    user = (body.get("user") or {}).get("id")
    if not actions or not user:
        return None
    stamp = actions[0].get("action_ts") or body.get("trigger_id")
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get(
        "channel_id"
    )
    payload = {"kind": "action", "body": _clean(body)}
    return Incoming(f"action:{user}:{stamp}", payload, str(channel or user))


def event_files(event: dict[str, Any]) -> tuple[InboundFile, ...]:
    """The files shared with a message, by their private download URLs (bot token needed).

    A file Slack has not made readable yet (`file_access: check_file_info`) has no URL here
    and is left out.
    """
    found = []
    for shared in event.get("files") or []:
        if not isinstance(shared, dict):
            continue
        url = shared.get("url_private_download") or shared.get("url_private")
        if url:
            size = shared.get("size")
            found.append(
                InboundFile(
                    str(url),
                    shared.get("mimetype") or None,
                    shared.get("name") or None,
                    size if isinstance(size, int) else None,
                )
            )
    return tuple(found)


def order_key(payload: dict[str, Any]) -> str:
    """The channel (or user) a recorded payload belongs to."""
    found = to_event(payload)
    return found[0].chat_id if found is not None else ""


def to_event(payload: dict[str, Any]) -> tuple[InboundEvent, SendContext] | None:
    """The engine event for a recorded payload, and where its replies go."""
    kind, body = payload.get("kind"), payload.get("body") or {}
    if kind == "event":
        event = body.get("event") or {}
        common = _common(
            body.get("team_id") or event.get("team", ""),
            event.get("channel"),
            event["user"],
            body.get("event_id"),
        )
        text = MENTION.sub("", event.get("text") or "").strip()
        if files := event_files(event):
            return InboundEvent.from_files(files=files, text=text, **common), _context(common)
        return InboundEvent.from_text(text=text or "/start", **common), _context(common)
    if kind == "command":
        common = _common(
            body.get("team_id", ""),
            body.get("channel_id"),
            body["user_id"],
            f"command:{body.get('trigger_id')}",
        )
        words = (body.get("text") or "").strip()
        first = words.split(maxsplit=1)[0].lower() if words else ""
        text = f"/{words}" if first in SLASH_WORDS else (words or "/start")
        return InboundEvent.from_text(text=text, **common), _context(common)
    if kind == "action":
        action = (body.get("actions") or [{}])[0]
        user = (body.get("user") or {}).get("id", "")
        channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get(
            "channel_id"
        )
        common = _common(
            (body.get("team") or {}).get("id", ""),
            channel,
            user,
            f"action:{user}:{action.get('action_ts')}",
        )
        payload_value = str(action.get("value") or "")
        return InboundEvent.from_action(payload=payload_value, **common), _context(common)
    return None


def _common(team: str, channel: str | None, user: str, event_id: str | None) -> dict[str, Any]:
    return {
        "channel": Channel.SLACK,
        "workspace": team or "",
        "chat_id": channel or user,
        "user_ref": user,
        "event_id": event_id,
    }


def _context(common: dict[str, Any]) -> SendContext:
    return SendContext(Channel.SLACK, workspace=common["workspace"], user_ref=common["user_ref"])
