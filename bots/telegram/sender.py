"""Sends Replies through PTB's Bot, one message per second per chat, errors classified."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import httpx
from pydantic import SecretStr
from telegram import Bot, InputFile, Message
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)

from bots.engine import Reply
from bots.hub_files import HubFileReader
from bots.outbound import SendContext, SendOutcomeUnknown, SentMessage
from bots.pacing import ChannelLimits, Pacer
from bots.telegram.render import Part, render
from domain.enums import Channel
from domain.errors import ConnectorError, PermanentConnectorError, TransientConnectorError

PROVIDER = "telegram"
# The request never left, or never reached Telegram: sending it again cannot duplicate it.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


class TelegramSender:
    """`ChannelSender` for Telegram; PTB's AIORateLimiter adds the overall and group limits."""

    channels = frozenset({Channel.TELEGRAM})

    def __init__(
        self,
        bot: Bot,
        *,
        limits: ChannelLimits,
        payment_token: SecretStr | None = None,
        files: HubFileReader | None = None,
    ) -> None:
        """Send with this bot, pacing each chat; invoices carry the payment provider token.

        `files` reads the hub's own files (charts) to upload; without it Telegram is handed
        their link, which it can fetch only when the hub has a public URL.
        """
        self._bot = bot
        self._pacer = Pacer(limits.telegram_per_chat_interval)
        self._payment_token = payment_token
        self.files = files

    async def send(self, *, chat_id: str, reply: Reply, context: SendContext) -> SentMessage:
        """Send every part of the reply; a failure after the first part is not retried."""
        target: int | str = int(chat_id) if chat_id.lstrip("-").isdigit() else chat_id
        # Read the hub's files first: a missing one must stop the reply before any part shows.
        parts = [await self._with_bytes(part) for part in render(reply)]
        last: Message | None = None
        for index, part in enumerate(parts):
            await self._pacer.wait(chat_id)
            try:
                last = await self._call(part, target)
            except TelegramError as exc:
                error = classify(exc)
                if index == 0:
                    raise error from exc
                # Earlier parts are on screen: a retry would repeat them.
                raise SendOutcomeUnknown(
                    f"sent {index} of {len(parts)} parts, then: {error}", provider=PROVIDER
                ) from exc
        assert last is not None
        return SentMessage(message_id=str(last.message_id))

    async def _with_bytes(self, part: Part) -> Part:
        """A part that names a hub file, with that file's bytes to upload in its place."""
        if part.upload is None or self.files is None:
            return part
        content = await self.files.read(part.upload)
        upload = InputFile(content, filename=part.upload.filename)
        return replace(part, kwargs={**part.kwargs, part.method: upload})

    async def _call(self, part: Part, chat_id: int | str) -> Message:
        kwargs: dict[str, Any] = {"chat_id": chat_id, **part.kwargs}
        if part.method == "photo":
            return await self._bot.send_photo(**kwargs)
        if part.method == "document":
            return await self._bot.send_document(**kwargs)
        if part.method == "invoice":
            if self._payment_token is None:  # only a configured token opens invoices
                raise PermanentConnectorError("no payment provider token", provider=PROVIDER)
            token = self._payment_token.get_secret_value()
            return await self._bot.send_invoice(provider_token=token, **kwargs)
        return await self._bot.send_message(**kwargs)

    async def close(self) -> None:
        """The Application owns the bot's HTTP pool and shuts it down."""


def classify(exc: TelegramError) -> ConnectorError:
    """PTB's exceptions as the hub's three kinds of send failure."""
    message = f"{type(exc).__name__}: {exc.message}"
    if isinstance(exc, RetryAfter):
        wait = exc.retry_after
        seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
        return TransientConnectorError(message, provider=PROVIDER, status=429, retry_after=seconds)
    if isinstance(exc, TimedOut):
        if isinstance(exc.__cause__, _NOT_SENT) or "Pool timeout" in exc.message:
            return TransientConnectorError(message, provider=PROVIDER)
        return SendOutcomeUnknown(message, provider=PROVIDER)  # read/write timeout: it may be there
    if isinstance(exc, BadRequest):
        return PermanentConnectorError(message, provider=PROVIDER, status=400)
    if isinstance(exc, Forbidden | InvalidToken | ChatMigrated):
        return PermanentConnectorError(
            "InvalidToken" if isinstance(exc, InvalidToken) else message,
            provider=PROVIDER,
            status=403,
        )
    if isinstance(exc, NetworkError):
        cause = exc.__cause__
        if cause is None or isinstance(cause, _NOT_SENT):
            return TransientConnectorError(message, provider=PROVIDER)  # 5xx, refused
        return SendOutcomeUnknown(message, provider=PROVIDER)  # dropped mid-answer
    return PermanentConnectorError(message, provider=PROVIDER)
