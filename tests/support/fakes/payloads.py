"""Builders for realistic inbound webhook payloads, and the signers vendors put on them.

JSON payloads come back as dicts so a test can tweak them; send ``to_body(payload)`` and sign
those exact bytes. Meta signs the escaped-unicode form of its JSON, which is what
``json.dumps`` produces by default (``ensure_ascii=True``), so ``to_body`` matches it.
Form payloads (Slack commands and interactions) come back as urlencoded strings.
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any
from urllib.parse import urlencode

# Re-exported so webhook tests import builders and signers from one place.
from tests.support.fakes.signing import (
    meta_sign,
    shopify_sign,
    slack_sign,
    telegram_headers,
    zoom_sign,
)

# fmt: off
__all__ = [
    "instagram_echo", "instagram_text", "meta_attachment", "meta_messenger_text", "meta_postback",
    "meta_quick_reply", "meta_reaction", "meta_sign", "meta_verify_query", "shopify_sign",
    "slack_app_mention_body", "slack_block_action_form", "slack_command_form", "slack_event_body",
    "slack_sign", "slack_url_verification_body", "telegram_callback_update",
    "telegram_contact_update", "telegram_headers", "telegram_text_update", "to_body", "zoom_sign",
]
# fmt: on

JSON = dict[str, Any]
SLACK_APP_ID, SLACK_BOT_USER_ID = "A0SAMIAAPP", "U0SAMIABOT"  # Same as SlackApiFake defaults.
# Same identity as TelegramApiFake's defaults, so callback messages look like the bot's own.
TELEGRAM_BOT = {
    "id": 123456789,
    "is_bot": True,
    "first_name": "Samia",
    "username": "samia_test_bot",
}


def to_body(payload: JSON) -> bytes:
    """Serialise like the vendors do (compact, ASCII-escaped), ready to sign and send."""
    return json.dumps(payload, separators=(",", ":")).encode()


def _now_ms() -> int:
    """Wall-clock milliseconds, the unit Meta timestamps use."""
    return int(time.time() * 1000)


# -- Telegram (https://core.telegram.org/bots/api#update) -----------------------------------


def _tg_user(user_id: int, first_name: str, language_code: str) -> JSON:
    """A human Telegram User object."""
    return {
        "id": user_id,
        "is_bot": False,
        "first_name": first_name,
        "language_code": language_code,
    }


def _tg_chat(chat_id: int, first_name: str) -> JSON:
    """A Chat object: private for positive ids, a supergroup otherwise."""
    if chat_id > 0:
        return {"id": chat_id, "first_name": first_name, "type": "private"}
    return {"id": chat_id, "title": "Samia readers", "type": "supergroup"}


def telegram_text_update(
    update_id: int,
    chat_id: int,
    user_id: int,
    text: str,
    first_name: str = "Lina",
    language_code: str = "en",
    *,
    message_id: int | None = None,
    date: int | None = None,
) -> JSON:
    """A text message Update; a leading ``/command`` gets the bot_command entity PTB needs."""
    message: JSON = {
        "message_id": message_id if message_id is not None else update_id,
        "from": _tg_user(user_id, first_name, language_code),
        "chat": _tg_chat(chat_id, first_name),
        "date": date if date is not None else int(time.time()),
        "text": text,
    }
    if text.startswith("/"):
        command = text.split(maxsplit=1)[0]
        message["entities"] = [{"offset": 0, "length": len(command), "type": "bot_command"}]
    return {"update_id": update_id, "message": message}


def telegram_callback_update(
    update_id: int,
    chat_id: int,
    user_id: int,
    data: str,
    message_id: int,
    first_name: str = "Lina",
    language_code: str = "en",
    *,
    message_text: str = "Choose an option",
    reply_markup: JSON | None = None,
) -> JSON:
    """A button tap: callback_query on the bot's own message, which carried the keyboard."""
    message: JSON = {
        "message_id": message_id,
        "from": TELEGRAM_BOT,
        "chat": _tg_chat(chat_id, first_name),
        "date": int(time.time()) - 5,
        "text": message_text,
        "reply_markup": reply_markup
        or {"inline_keyboard": [[{"text": "Choose", "callback_data": data}]]},
    }
    return {
        "update_id": update_id,
        "callback_query": {
            "id": f"{user_id}{update_id:06d}",
            "from": _tg_user(user_id, first_name, language_code),
            "message": message,
            "chat_instance": f"-{abs(chat_id) * 7919 % 10**19}",
            "data": data,
        },
    }


def telegram_contact_update(
    update_id: int,
    chat_id: int,
    user_id: int,
    phone_number: str,
    first_name: str = "Lina",
    language_code: str = "en",
    *,
    last_name: str | None = None,
) -> JSON:
    """A shared-contact message, as sent by a ``request_contact`` keyboard button."""
    contact: JSON = {"phone_number": phone_number, "first_name": first_name, "user_id": user_id}
    if last_name:
        contact["last_name"] = last_name
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "from": _tg_user(user_id, first_name, language_code),
            "chat": _tg_chat(chat_id, first_name),
            "date": int(time.time()),
            "contact": contact,
        },
    }


# -- Slack (Events API envelope, slash commands, block_actions) -----------------------------


def slack_event_body(
    event_id: str,
    team_id: str,
    user: str,
    channel: str,
    text: str,
    event_type: str = "message",
    channel_type: str = "im",
    *,
    api_app_id: str = SLACK_APP_ID,
    bot_user_id: str = SLACK_BOT_USER_ID,
    event_time: int | None = None,
) -> JSON:
    """An ``event_callback`` envelope around a user's message (or another event type)."""
    event_time = event_time if event_time is not None else int(time.time())
    ts = f"{event_time}.000100"
    section = {"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}
    event: JSON = {
        "type": event_type, "user": user, "text": text, "ts": ts, "team": team_id,
        "channel": channel, "event_ts": ts,
        "client_msg_id": str(uuid.uuid5(uuid.NAMESPACE_URL, event_id)),
        "blocks": [{"type": "rich_text", "block_id": "b1", "elements": [section]}],
    }  # fmt: skip
    if event_type == "message":
        event["channel_type"] = channel_type
    return {
        "token": "fake-verification-token",
        "team_id": team_id,
        "context_team_id": team_id,
        "context_enterprise_id": None,
        "api_app_id": api_app_id,
        "event": event,
        "type": "event_callback",
        "event_id": event_id,
        "event_time": event_time,
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": team_id,
                "user_id": bot_user_id,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
        "event_context": f"4-fake-{event_id}",
    }


def slack_app_mention_body(
    event_id: str,
    team_id: str,
    user: str,
    channel: str,
    text: str,
    *,
    bot_user_id: str = SLACK_BOT_USER_ID,
    event_time: int | None = None,
) -> JSON:
    """An ``app_mention`` event in a channel; the ``<@BOT>`` mention is prepended if missing."""
    mention = f"<@{bot_user_id}>"
    full_text = text if mention in text else f"{mention} {text}"
    return slack_event_body(
        event_id, team_id, user, channel, full_text, "app_mention",
        bot_user_id=bot_user_id, event_time=event_time,
    )  # fmt: skip


def slack_url_verification_body(challenge: str) -> JSON:
    """The one-off handshake Slack sends when the Request URL is saved."""
    return {"token": "fake-verification-token", "challenge": challenge, "type": "url_verification"}


def slack_command_form(
    *,
    command: str = "/samia",
    text: str = "",
    user_id: str,
    channel_id: str,
    team_id: str,
    user_name: str = "lina",
    api_app_id: str = SLACK_APP_ID,
    trigger_id: str = "1234567890123.1234567890123.fakefakefakefakefakefakefakefake",
) -> str:
    """A slash-command POST body, urlencoded exactly as Slack sends it."""
    return urlencode(
        {
            "token": "fake-verification-token",
            "team_id": team_id,
            "team_domain": "samia",
            "channel_id": channel_id,
            "channel_name": "directmessage" if channel_id.startswith("D") else "general",
            "user_id": user_id,
            "user_name": user_name,
            "command": command,
            "text": text,
            "api_app_id": api_app_id,
            "is_enterprise_install": "false",
            "response_url": f"https://hooks.slack.com/commands/{team_id}/1234/fakeresponse",
            "trigger_id": trigger_id,
        }
    )


def slack_block_action_form(
    action_id: str,
    value: str,
    user_id: str,
    channel_id: str,
    team_id: str,
    *,
    block_id: str = "actions",
    message_ts: str = "1700000000.000100",
    api_app_id: str = SLACK_APP_ID,
    bot_user_id: str = SLACK_BOT_USER_ID,
) -> str:
    """A button click on a bot message: ``payload=<block_actions JSON>``, urlencoded."""
    payload: JSON = {
        "type": "block_actions",
        "user": {"id": user_id, "username": "lina", "name": "lina", "team_id": team_id},
        "api_app_id": api_app_id,
        "token": "fake-verification-token",
        "container": {"type": "message", "message_ts": message_ts, "channel_id": channel_id,
                      "is_ephemeral": False},
        "trigger_id": "1234567890123.1234567890123.fakefakefakefakefakefakefakefake",
        "team": {"id": team_id, "domain": "samia"},
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": {"id": channel_id, "name": "directmessage"},
        "message": {"type": "message", "user": bot_user_id, "ts": message_ts,
                    "bot_id": "B0SAMIABOT", "text": "Choose an option", "team": team_id},
        "state": {"values": {}},
        "response_url": f"https://hooks.slack.com/actions/{team_id}/1234/fakeresponse",
        "actions": [{"action_id": action_id, "block_id": block_id, "value": value,
                     "type": "button", "text": {"type": "plain_text", "text": "Choose",
                                                "emoji": True},
                     "action_ts": f"{int(time.time())}.000200"}],
    }  # fmt: skip
    return urlencode({"payload": json.dumps(payload)})


# -- Meta: Messenger (object "page") and Instagram (object "instagram") --------------------


def _meta_envelope(obj: str, account_id: str, event: JSON, timestamp_ms: int) -> JSON:
    """Wrap one messaging event in Meta's ``{"object", "entry": [{"messaging": [...]}]}``."""
    return {
        "object": obj,
        "entry": [{"id": account_id, "time": timestamp_ms, "messaging": [event]}],
    }


def _messenger(page_id: str, psid: str, body: JSON, timestamp_ms: int | None) -> JSON:
    """A Messenger event from a user (PSID) to the Page."""
    ts = timestamp_ms if timestamp_ms is not None else _now_ms()
    event = {"sender": {"id": psid}, "recipient": {"id": page_id}, "timestamp": ts, **body}
    return _meta_envelope("page", page_id, event, ts)


def meta_messenger_text(
    page_id: str, psid: str, mid: str, text: str, timestamp_ms: int | None = None
) -> JSON:
    """A plain text message to the Page."""
    return _messenger(page_id, psid, {"message": {"mid": mid, "text": text}}, timestamp_ms)


def meta_quick_reply(
    page_id: str, psid: str, mid: str, text: str, payload: str, timestamp_ms: int | None = None
) -> JSON:
    """A tapped quick reply: the title comes back as text, our payload under quick_reply."""
    message = {"mid": mid, "text": text, "quick_reply": {"payload": payload}}
    return _messenger(page_id, psid, {"message": message}, timestamp_ms)


def meta_postback(
    page_id: str,
    psid: str,
    payload: str,
    title: str = "Choose",
    mid: str | None = None,
    timestamp_ms: int | None = None,
) -> JSON:
    """A postback button tap (``messaging_postbacks`` field)."""
    postback = {"title": title, "payload": payload, "mid": mid or f"m_postback_{payload}"}
    return _messenger(page_id, psid, {"postback": postback}, timestamp_ms)


def meta_reaction(
    page_id: str,
    psid: str,
    mid: str,
    reaction: str = "love",
    emoji: str = "\u2764",
    action: str = "react",
    timestamp_ms: int | None = None,
) -> JSON:
    """A reaction to one of the Page's messages; ``unreact`` carries no emoji, as on Meta."""
    body: JSON = {"mid": mid, "action": action}
    if action == "react":
        body |= {"reaction": reaction, "emoji": emoji}
    return _messenger(page_id, psid, {"reaction": body}, timestamp_ms)


def meta_attachment(
    page_id: str,
    psid: str,
    mid: str,
    url: str,
    attachment_type: str = "image",
    timestamp_ms: int | None = None,
) -> JSON:
    """A message carrying one attachment (image, audio, video, file) by CDN URL."""
    message = {"mid": mid, "attachments": [{"type": attachment_type, "payload": {"url": url}}]}
    return _messenger(page_id, psid, {"message": message}, timestamp_ms)


def instagram_text(
    ig_id: str, igsid: str, mid: str, text: str, timestamp_ms: int | None = None
) -> JSON:
    """An Instagram DM from a user (IGSID) to the professional account."""
    ts = timestamp_ms if timestamp_ms is not None else _now_ms()
    event = {"sender": {"id": igsid}, "recipient": {"id": ig_id}, "timestamp": ts,
             "message": {"mid": mid, "text": text}}  # fmt: skip
    return _meta_envelope("instagram", ig_id, event, ts)


def instagram_echo(
    ig_id: str, igsid: str, mid: str, text: str, timestamp_ms: int | None = None
) -> JSON:
    """Instagram's echo of our own send (sender is us, ``is_echo``), which handlers must skip."""
    ts = timestamp_ms if timestamp_ms is not None else _now_ms()
    event = {"sender": {"id": ig_id}, "recipient": {"id": igsid}, "timestamp": ts,
             "message": {"mid": mid, "text": text, "is_echo": True}}  # fmt: skip
    return _meta_envelope("instagram", ig_id, event, ts)


def meta_verify_query(verify_token: str, challenge: str = "1158201444") -> dict[str, str]:
    """Query params of Meta's GET subscription handshake."""
    return {"hub.mode": "subscribe", "hub.verify_token": verify_token, "hub.challenge": challenge}
