"""`POST /webhooks/telegram`: check the secret header, parse, record, answer 200."""

from __future__ import annotations

import hmac
import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from pydantic import SecretStr

from bots.inbound import Accept, Incoming

PROVIDER = "telegram"

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def incoming(update: dict[str, Any]) -> Incoming:
    """The delivery to record: `update_id` dedups; the chat orders.

    A pre-checkout query is ordered on its own: it must be answered within Telegram's
    10 seconds, so it never waits behind the chat's turns.
    """
    query_id = (update.get("pre_checkout_query") or {}).get("id")
    if query_id is not None:
        return Incoming(str(update["update_id"]), update, f"pre_checkout:{query_id}")
    body = update.get("message") or update.get("edited_message") or {}
    query = update.get("callback_query") or {}
    chat = (body.get("chat") or (query.get("message") or {}).get("chat") or {}).get("id")
    sender = (body.get("from") or query.get("from") or {}).get("id")
    return Incoming(str(update["update_id"]), update, str(chat or sender or update["update_id"]))


def router(*, secret: SecretStr, accept: Accept) -> APIRouter:
    """The Telegram webhook route; `accept` records and queues."""
    expected = secret.get_secret_value().encode()
    routes = APIRouter()

    @routes.post("/webhooks/telegram", include_in_schema=False)
    async def telegram_webhook(request: Request) -> Response:
        # Constant-time: the header is the only thing that tells Telegram from a forger.
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, expected):
            return JSONResponse({"error": "forbidden"}, status_code=403)
        try:
            data = json.loads(await request.body())
        except ValueError:
            return JSONResponse({"error": "bad request"}, status_code=400)
        if not well_formed(data):
            return JSONResponse({"error": "bad request"}, status_code=400)
        await accept(PROVIDER, [incoming(data)])
        return Response(status_code=200)

    return routes


def well_formed(data: object) -> bool:
    """An Update's shape, checked cheaply (PTB parses it fully later, off the ack path).

    Telegram sends one object per update: an int `update_id` and one update field; for
    the fields we act on, the parts our handlers read must be there.
    """
    if not isinstance(data, dict) or type(data.get("update_id")) is not int:
        return False
    kinds = [key for key in data if key != "update_id"]
    if len(kinds) != 1 or not isinstance(data[kinds[0]], dict):
        return False
    body = data[kinds[0]]
    if kinds[0] in ("message", "edited_message"):
        chat = body.get("chat")
        return (
            isinstance(chat, dict)
            and isinstance(chat.get("id"), int)
            and (isinstance(body.get("date"), int))
        )
    if kinds[0] == "callback_query":
        return isinstance(body.get("id"), str) and isinstance(body.get("from"), dict)
    if kinds[0] == "pre_checkout_query":
        return (
            isinstance(body.get("id"), str)
            and isinstance(body.get("from"), dict)
            and isinstance(body.get("currency"), str)
            and type(body.get("total_amount")) is int
            and isinstance(body.get("invoice_payload"), str)
        )
    return True
