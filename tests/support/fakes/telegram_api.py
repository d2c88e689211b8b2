"""A loopback fake of the Telegram Bot API that python-telegram-bot can talk to unmodified.

Point PTB at it with
``Bot(token, base_url=f"{fake.url}/bot", base_file_url=f"{fake.url}/file/bot")``.
PTB 22 POSTs ``application/x-www-form-urlencoded`` (``multipart/form-data`` when uploading)
where every non-string value is JSON-encoded (``chat_id=42``,
``reply_markup={"inline_keyboard": ...}``); raw HTTP clients may send JSON instead.
Both are parsed into the same typed params.

Payments: `sendInvoice` shows an invoice; `pre_checkout_update` is what Telegram sends when
the client presses its Pay button (the bot must answer with `answerPreCheckoutQuery`
within 10 s), and `successful_payment_update` the message that follows an ok, never a no.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
from collections.abc import Callable
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp

from tests.support.fakes._recording import (
    FakeVendor,
    ScriptedFailure,
    UploadedFile,
    read_request,
)

__all__ = ["TelegramApiFake"]

# Fields whose value is free text or an opaque id: never JSON-decode them, so a caption of
# "42" or an all-digit callback_query_id stays a string, as Telegram itself treats them.
_STRING_FIELDS = frozenset(
    {"text", "caption", "callback_query_id", "inline_message_id", "url", "secret_token",
     "parse_mode", "action", "photo", "document", "file_id", "business_connection_id",
     "message_effect_id", "ip_address", "title", "description", "emoji", "payload",
     "provider_token", "currency", "pre_checkout_query_id", "error_message"}
)  # fmt: skip
_MAX_TEXT, _MAX_CAPTION, _MAX_CALLBACK_DATA = 4096, 1024, 64
_MAX_TITLE, _MAX_DESCRIPTION, _MAX_PAYLOAD = 32, 255, 128  # sendInvoice's limits
PRE_CHECKOUT_DEADLINE = 10.0  # seconds Telegram waits for answerPreCheckoutQuery
_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are"
    " exactly the same as a current content and reply markup of the message"
)
_DEFAULT_DESCRIPTIONS = {
    400: "Bad Request", 401: "Unauthorized", 403: "Forbidden: bot was blocked by the user",
    404: "Not Found", 500: "Internal Server Error", 502: "Bad Gateway",
}  # fmt: skip

Params = dict[str, Any]
Files = dict[str, UploadedFile]
Handler = Callable[[Params, Files], Any]


class TelegramError(Exception):
    """Raised by a method handler to answer with Telegram's ``ok: false`` envelope."""

    def __init__(self, status: int, description: str) -> None:
        """Keep the HTTP status (which PTB maps to exceptions) and Telegram's description."""
        super().__init__(description)
        self.status = status
        self.description = description


def _coerce(params: dict[str, Any]) -> dict[str, Any]:
    """Undo PTB's per-field JSON encoding so tests see ints, bools, dicts and lists."""
    typed: dict[str, Any] = {}
    for key, value in params.items():
        if isinstance(value, str) and key not in _STRING_FIELDS:
            try:
                decoded = json.loads(value)
            except ValueError:
                decoded = value
            # Only structural or integral results; "1e5"-like floats and quoted strings stay raw.
            if isinstance(decoded, dict | list | bool | int):
                value = decoded
        typed[key] = value
    return typed


def _error_body(status: int, description: str, retry_after: int | None = None) -> dict[str, Any]:
    """Telegram's error envelope; `parameters.retry_after` is what PTB turns into RetryAfter."""
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if retry_after is not None:
        body["parameters"] = {"retry_after": retry_after}
    return body


class TelegramApiFake(FakeVendor):
    """Speaks the Bot API wire format, records every call, and fails on request."""

    def __init__(
        self,
        *,
        token: str = "123456789:AAE-samia-test-token",
        username: str = "samia_test_bot",
        first_name: str = "Samia",
    ) -> None:
        """Set the bot identity; the bot id is the token's numeric prefix, as on Telegram."""
        super().__init__()
        self.token = token
        self.bot_id = int(token.split(":", 1)[0])
        self.username = username
        self.first_name = first_name
        self._handlers: dict[str, tuple[str, Handler]] = {
            name.lower(): (name, handler)
            for name, handler in {
                "getMe": self._get_me,
                "setWebhook": self._set_webhook,
                "deleteWebhook": self._delete_webhook,
                "getWebhookInfo": self._get_webhook_info,
                "sendMessage": self._send_message,
                "sendPhoto": self._send_photo,
                "sendDocument": self._send_document,
                "answerCallbackQuery": lambda p, f: True,
                "editMessageText": self._edit_message_text,
                "editMessageReplyMarkup": self._edit_message_reply_markup,
                "sendChatAction": lambda p, f: True,
                "getFile": self._get_file,
                "sendInvoice": self._send_invoice,
                "answerPreCheckoutQuery": self._answer_pre_checkout_query,
            }.items()
        }
        self._reset_state()
        self._app = Starlette(
            routes=[
                Route("/bot{token}/{method}", self._endpoint, methods=["GET", "POST"]),
                Route("/file/bot{token}/{file_path:path}", self._download, methods=["GET"]),
            ]
        )

    @property
    def app(self) -> ASGIApp:
        """The Starlette app; mount it elsewhere or serve it with `with fake:`."""
        return self._app

    @property
    def bot_user(self) -> dict[str, Any]:
        """The bot as the `from` of its own messages (a Telegram User object)."""
        return {"id": self.bot_id, "is_bot": True, "first_name": self.first_name,
                "username": self.username}  # fmt: skip

    def _reset_state(self) -> None:
        """Clear chats, messages, uploads and webhook so each test starts from a fresh bot."""
        self.chats: dict[int | str, dict[str, Any]] = {}
        self.webhook: dict[str, Any] = {}
        self._messages: dict[tuple[int | str, int], dict[str, Any]] = {}
        self._next_message_id: dict[int | str, itertools.count[int]] = {}
        self._files: dict[str, tuple[str, UploadedFile | None]] = {}
        self._file_seq = itertools.count(1)
        self._holds: dict[str, tuple[float, threading.Event]] = {}
        self._invoices: dict[tuple[int | str, int], dict[str, Any]] = {}
        self._queries: dict[str, dict[str, Any]] = {}

    # -- test-facing helpers ---------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        *,
        times: int = 1,
        status: int = 429,
        retry_after: int = 1,
        description: str | None = None,
    ) -> None:
        """Answer the next `times` calls of `method` (or ``"*"``) with a Telegram error."""
        if status == 429:
            text = description or f"Too Many Requests: retry after {retry_after}"
            body = _error_body(429, text, retry_after)
        else:
            body = _error_body(status, description or _DEFAULT_DESCRIPTIONS.get(status, "Error"))
        self._script(method, ScriptedFailure(status=status, body=body), times)

    def hold_next(self, method: str, *, seconds: float) -> threading.Event:
        """The next `method` call is answered only after `seconds` (a slow Telegram).

        As on Telegram, a request that arrived is carried out even when its caller hangs
        up before the answer. Returns an event set when the call arrives.
        """
        arrived = threading.Event()
        with self._lock:
            self._holds[method] = (seconds, arrived)
        return arrived

    def sent(self, chat_id: int | str | None = None) -> list[dict[str, Any]]:
        """Current state (after edits) of the messages the bot sent, oldest first."""
        with self._lock:
            return [m for (cid, _), m in self._messages.items() if chat_id in (None, cid)]

    def message(self, chat_id: int | str, message_id: int) -> dict[str, Any]:
        """One message as it now stands, e.g. to assert an edit removed its keyboard."""
        with self._lock:
            return self._messages[(chat_id, message_id)]

    def invoices(self, chat_id: int | str) -> list[dict[str, Any]]:
        """Invoices sent to a chat, oldest first: the shown message plus payload and token."""
        with self._lock:
            return [dict(i) for (cid, _), i in self._invoices.items() if cid == chat_id]

    def pre_checkout_update(
        self,
        update_id: int,
        chat_id: int,
        *,
        total_amount: int | None = None,
        language_code: str = "en",
    ) -> dict[str, Any]:
        """The Update Telegram sends when the client presses Pay on the chat's last invoice.

        `total_amount` overrides what the invoice asked (a client of an altered invoice).
        """
        with self._lock:
            invoice = [i for (cid, _), i in self._invoices.items() if cid == chat_id][-1]
            query_id = f"{chat_id}{update_id:08d}"
            amount = invoice["total_amount"] if total_amount is None else total_amount
            user = {"id": chat_id, "is_bot": False, "first_name": "Lina",
                    "language_code": language_code}  # fmt: skip
            query = {"id": query_id, "from": user, "currency": invoice["currency"],
                     "total_amount": amount, "invoice_payload": invoice["payload"]}  # fmt: skip
            self._queries[query_id] = {"query": query, "chat_id": chat_id,
                                       "asked_at": time.monotonic(), "answer": None}  # fmt: skip
        return {"update_id": update_id, "pre_checkout_query": query}

    def pre_checkout_answer(self, query_id: str) -> dict[str, Any] | None:
        """The bot's answer to a pre-checkout query (`ok`, `error_message`, `seconds`)."""
        with self._lock:
            return self._queries[query_id]["answer"]

    def successful_payment_update(self, update_id: int, query_id: str) -> dict[str, Any]:
        """The service message Telegram sends once the card was charged after an ok.

        The charge ids follow from the query, so a redelivered payment carries the same ones.
        """
        with self._lock:
            asked = self._queries[query_id]
            answer = asked["answer"]
            assert answer is not None, "Telegram charges only after the bot answered"
            assert answer["ok"], "Telegram never charges after a no"
            query, chat_id = asked["query"], asked["chat_id"]
            counter = self._next_message_id.setdefault(chat_id, itertools.count(1))
            message = {
                "message_id": next(counter), "from": query["from"], "chat": self._chat(chat_id),
                "date": int(time.time()),
                "successful_payment": {
                    "currency": query["currency"], "total_amount": query["total_amount"],
                    "invoice_payload": query["invoice_payload"],
                    "telegram_payment_charge_id": f"tg_charge_{query_id}",
                    "provider_payment_charge_id": f"ch_{query_id}",
                },
            }  # fmt: skip
        return {"update_id": update_id, "message": message}

    # -- HTTP layer ------------------------------------------------------------------------

    async def _endpoint(self, request: Request) -> Response:
        """Authenticate, dispatch (or fail as scripted), record, answer in Bot API JSON."""
        raw_method = request.path_params["method"]
        method, handler = self._handlers.get(raw_method.lower(), (raw_method, None))
        params, files = await read_request(request)
        params = _coerce(params)
        with self._lock:
            hold = self._holds.pop(method, None)
        if hold is not None:
            seconds, arrived = hold
            arrived.set()
            await asyncio.sleep(seconds)
        status, body = self._answer(request.path_params["token"], method, handler, params, files)
        self._record_request(request, method, params, status, files)
        return JSONResponse(body, status_code=status)

    def _answer(
        self, token: str, method: str, handler: Handler | None, p: Params, f: Files
    ) -> tuple[int, dict[str, Any]]:
        """Produce (status, body) the way api.telegram.org orders its checks."""
        if token != self.token:
            return 401, _error_body(401, "Unauthorized")
        if handler is None:
            return 404, _error_body(404, "Not Found: method not found")
        failure = self._take_failure(method)
        if failure is not None:
            return failure.status, failure.body
        try:
            with self._lock:
                result = handler(p, f)
        except TelegramError as err:
            return err.status, _error_body(err.status, err.description)
        body: dict[str, Any] = {"ok": True, "result": result}
        if method == "setWebhook":
            body["description"] = "Webhook was set"
        elif method == "deleteWebhook":
            body["description"] = "Webhook was deleted"
        return 200, body

    async def _download(self, request: Request) -> Response:
        """Serve bytes previously uploaded, at the path getFile handed out."""
        if request.path_params["token"] != self.token:
            return JSONResponse(_error_body(401, "Unauthorized"), status_code=401)
        path = request.path_params["file_path"]
        with self._lock:
            upload = next((u for p, u in self._files.values() if p == path and u), None)
        if upload is None:
            return JSONResponse(_error_body(404, "Not Found"), status_code=404)
        media_type = upload.content_type or "application/octet-stream"
        return Response(upload.content, media_type=media_type)

    # -- Bot API methods (called with the lock held) ---------------------------------------

    def _get_me(self, p: Params, f: Files) -> dict[str, Any]:
        """GetMe: the full User object PTB caches on `Bot.initialize()`."""
        flags = ("can_read_all_group_messages", "supports_inline_queries",
                 "can_connect_to_business", "has_main_web_app")  # fmt: skip
        return {**self.bot_user, "can_join_groups": True, **dict.fromkeys(flags, False)}

    def _set_webhook(self, p: Params, f: Files) -> bool:
        """Remember the webhook so getWebhookInfo and tests can read it back."""
        self.webhook = {k: v for k, v in p.items() if k != "certificate"}
        return True

    def _delete_webhook(self, p: Params, f: Files) -> bool:
        """Forget the webhook."""
        self.webhook = {}
        return True

    def _get_webhook_info(self, p: Params, f: Files) -> dict[str, Any]:
        """WebhookInfo; `url` is empty when no webhook is set, like the real API."""
        url = self.webhook.get("url", "")
        info = {"url": url, "has_custom_certificate": False, "pending_update_count": 0}
        if url:
            info |= {"max_connections": self.webhook.get("max_connections", 40),
                     "ip_address": "127.0.0.1"}  # fmt: skip
            if "allowed_updates" in self.webhook:
                info["allowed_updates"] = self.webhook["allowed_updates"]
        return info

    def _send_message(self, p: Params, f: Files) -> dict[str, Any]:
        """SendMessage with Telegram's own checks for empty and over-long text."""
        text = p.get("text")
        if not text:
            raise TelegramError(400, "Bad Request: message text is empty")
        if len(text) > _MAX_TEXT:
            raise TelegramError(400, "Bad Request: message is too long")
        extra = {"entities": p["entities"]} if "entities" in p else {}
        return self._new_message(p, {"text": text, **extra})

    def _send_photo(self, p: Params, f: Files) -> dict[str, Any]:
        """SendPhoto by upload, URL or file_id; answers with a thumbnail and a full size."""
        file_id, unique_id, upload = self._file_ref("photo", p, f, "photos")
        size = upload.size if upload else 51234
        photo = [
            {"file_id": file_id + suffix, "file_unique_id": unique_id + suffix,
             "file_size": size * side // 800, "width": side, "height": side}
            for suffix, side in (("-thumb", 90), ("", 800))
        ]  # fmt: skip
        return self._new_message(p, {"photo": photo, **self._caption(p)})

    def _send_document(self, p: Params, f: Files) -> dict[str, Any]:
        """SendDocument by multipart upload, URL or file_id."""
        file_id, unique_id, upload = self._file_ref("document", p, f, "documents")
        name = upload.filename if upload else str(p.get("document")).rsplit("/", 1)[-1]
        document: dict[str, Any] = {"file_name": name or "document", "file_id": file_id,
                    "file_unique_id": unique_id}  # fmt: skip
        if upload is not None:
            document |= {"mime_type": upload.content_type or "application/octet-stream",
                         "file_size": upload.size}  # fmt: skip
        return self._new_message(p, {"document": document, **self._caption(p)})

    def _send_invoice(self, p: Params, f: Files) -> dict[str, Any]:
        """SendInvoice with Telegram's checks of title, description, payload, token, prices."""
        title, description = str(p.get("title") or ""), str(p.get("description") or "")
        payload, currency = str(p.get("payload") or ""), str(p.get("currency") or "")
        if not 1 <= len(title) <= _MAX_TITLE:
            raise TelegramError(400, "Bad Request: invoice title length must be 1-32")
        if not 1 <= len(description) <= _MAX_DESCRIPTION:
            raise TelegramError(400, "Bad Request: invoice description length must be 1-255")
        if not 1 <= len(payload.encode()) <= _MAX_PAYLOAD:
            raise TelegramError(400, "Bad Request: INVOICE_PAYLOAD_INVALID")
        if currency != "XTR" and not p.get("provider_token"):
            raise TelegramError(400, "Bad Request: PAYMENT_PROVIDER_INVALID")
        prices = p.get("prices")
        if not isinstance(prices, list) or not prices:
            raise TelegramError(400, "Bad Request: prices must be non-empty")
        if not all(isinstance(x, dict) and type(x.get("amount")) is int for x in prices):
            raise TelegramError(400, "Bad Request: can't parse prices JSON object")
        total = sum(int(x["amount"]) for x in prices)
        shown = {"title": title, "description": description, "start_parameter": "",
                 "currency": currency, "total_amount": total}  # fmt: skip
        message = self._new_message(p, {"invoice": shown})
        key = (message["chat"]["id"], message["message_id"])
        token = p.get("provider_token")
        self._invoices[key] = {**shown, "message_id": key[1], "payload": payload,
                               "prices": prices, "provider_token": token}  # fmt: skip
        return message

    def _answer_pre_checkout_query(self, p: Params, f: Files) -> bool:
        """AnswerPreCheckoutQuery: once, within the deadline, with a reason for a no."""
        asked = self._queries.get(str(p.get("pre_checkout_query_id")))
        if asked is None or asked["answer"] is not None:
            raise TelegramError(400, "Bad Request: QUERY_ID_INVALID")
        seconds = time.monotonic() - asked["asked_at"]
        if seconds > PRE_CHECKOUT_DEADLINE:
            raise TelegramError(400, "Bad Request: query is too old and response timeout expired")
        ok = p.get("ok")
        if not isinstance(ok, bool):
            raise TelegramError(400, "Bad Request: ok must be a boolean")
        if not ok and not p.get("error_message"):
            raise TelegramError(400, "Bad Request: ERROR_TEXT_EMPTY")
        asked["answer"] = {"ok": ok, "error_message": p.get("error_message"), "seconds": seconds}
        return True

    def _edit_message_text(self, p: Params, f: Files) -> dict[str, Any] | bool:
        """EditMessageText; like Telegram, omitting reply_markup drops the inline keyboard."""
        if not p.get("text"):
            raise TelegramError(400, "Bad Request: message text is empty")
        return self._edit(p, {"text": p["text"]})

    def _edit_message_reply_markup(self, p: Params, f: Files) -> dict[str, Any] | bool:
        """EditMessageReplyMarkup; omitting reply_markup removes the keyboard."""
        return self._edit(p, {})

    def _get_file(self, p: Params, f: Files) -> dict[str, Any]:
        """GetFile for ids this fake issued, pointing at the /file/bot<TOKEN>/ route."""
        file_id = str(p.get("file_id", ""))
        if file_id not in self._files:
            raise TelegramError(400, "Bad Request: invalid file_id")
        path, upload = self._files[file_id]
        result: dict[str, Any] = {"file_id": file_id, "file_unique_id": "AQAD" + file_id[-8:]}
        if upload is not None:
            result |= {"file_size": upload.size, "file_path": path}
        return result

    # -- state helpers (called with the lock held) -----------------------------------------

    def _chat(self, chat_id: Any) -> dict[str, Any]:
        """A Chat object for an id; private for positive ids unless registered in `chats`."""
        if chat_id in self.chats:
            return self.chats[chat_id]
        if isinstance(chat_id, str) and chat_id.startswith("@"):
            name = chat_id[1:]
            return {"id": -1001000000001, "title": name, "username": name, "type": "channel"}
        if not isinstance(chat_id, int) or isinstance(chat_id, bool):
            raise TelegramError(400, "Bad Request: chat not found")
        if chat_id > 0:
            return {"id": chat_id, "first_name": "Lina", "type": "private"}
        kind = "supergroup" if str(chat_id).startswith("-100") else "group"
        return {"id": chat_id, "title": "Samia readers", "type": kind}

    def _new_message(self, p: Params, content: dict[str, Any]) -> dict[str, Any]:
        """Store and return a Message; ids count up per chat, as Telegram's do."""
        chat = self._chat(p.get("chat_id"))
        markup = self._inline_markup(p)
        counter = self._next_message_id.setdefault(chat["id"], itertools.count(1))
        message = {"message_id": next(counter), "from": self.bot_user, "chat": chat,
                   "date": int(time.time()), **content}  # fmt: skip
        if markup is not None:
            message["reply_markup"] = markup
        self._messages[(chat["id"], message["message_id"])] = message
        return message

    def _edit(self, p: Params, changes: dict[str, Any]) -> dict[str, Any] | bool:
        """Apply an edit; unknown messages are adopted since they may predate this fake."""
        markup = self._inline_markup(p)
        if "inline_message_id" in p:
            return True  # Inline messages are not ours to return, so Telegram answers True.
        chat = self._chat(p.get("chat_id"))
        key = (chat["id"], int(p.get("message_id", 0)))
        current = self._messages.get(key) or {"message_id": key[1], "from": self.bot_user,
                                              "chat": chat, "date": int(time.time())}  # fmt: skip
        updated = {k: v for k, v in current.items() if k not in ("reply_markup", "edit_date")}
        updated |= changes
        if markup is not None:
            updated["reply_markup"] = markup
        if key in self._messages and _same_content(current, updated):
            raise TelegramError(400, _NOT_MODIFIED)
        updated["edit_date"] = int(time.time())
        self._messages[key] = updated
        return updated

    def _inline_markup(self, p: Params) -> dict[str, Any] | None:
        """Validate an inline keyboard and return it; other keyboards are not echoed back."""
        markup = p.get("reply_markup")
        if not isinstance(markup, dict) or "inline_keyboard" not in markup:
            return None
        for button in (b for row in markup["inline_keyboard"] for b in row):
            data = button.get("callback_data")
            if data is not None and not 1 <= len(data.encode()) <= _MAX_CALLBACK_DATA:
                raise TelegramError(400, "Bad Request: BUTTON_DATA_INVALID")
        return markup

    def _file_ref(
        self, field: str, p: Params, f: Files, folder: str
    ) -> tuple[str, str, UploadedFile | None]:
        """Resolve an uploaded part, ``attach://`` reference, URL or known file_id."""
        source = str(p.get(field) or "")
        upload = f.get(
            source.removeprefix("attach://") if source.startswith("attach://") else field
        )
        if upload is None and not source:
            raise TelegramError(400, f"Bad Request: there is no {field} in the request")
        if upload is None and source in self._files:
            return source, "AQAD" + source[-8:], None
        seq = next(self._file_seq)
        file_id = f"BQACAgIAAxkBAAI{seq:06d}{field[:3]}"
        filename = upload.filename if upload and upload.filename else ""
        ext = filename.rpartition(".")[2] if "." in filename else "bin"
        self._files[file_id] = (f"{folder}/file_{seq}.{ext}", upload)
        return file_id, f"AgAD{seq:06d}", upload

    @staticmethod
    def _caption(p: Params) -> dict[str, Any]:
        """Caption fields for media messages, with Telegram's length limit."""
        caption = p.get("caption")
        if not caption:
            return {}
        if len(caption) > _MAX_CAPTION:
            raise TelegramError(400, "Bad Request: message caption is too long")
        return {"caption": caption}


def _same_content(current: dict[str, Any], updated: dict[str, Any]) -> bool:
    """Whether an edit changes nothing Telegram compares (text, media, caption, keyboard)."""
    keys = (current.keys() | updated.keys()) - {"edit_date", "date"}
    return all(current.get(k) == updated.get(k) for k in keys)
