"""The PTB Application (no updater): its handlers turn updates into engine events.

Updates come in on our route (`bots.telegram.webhook`), are recorded, and reach
`TelegramAdapter.process` on the background pool, which hands them to
`Application.process_update`. We keep PTB's types, handler dispatch and lifecycle; the
conversation state lives in our engine, not in PTB's ConversationHandler.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from fastapi import APIRouter
from telegram import Update
from telegram.error import InvalidToken, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    PreCheckoutQueryHandler,
    filters,
)

from bots.channel import TurnRunner
from bots.engine import EventKind, InboundEvent
from bots.hub_files import StoredHubFiles
from bots.inbound import Accept, RetryDeliveryLater
from bots.outbound import SendContext
from bots.pacing import ChannelLimits
from bots.telegram import payments, webhook
from bots.telegram.files import message_files
from bots.telegram.sender import TelegramSender
from bots.telegram.settings import TelegramSettings
from bots.telegram.webhook import PROVIDER, incoming
from domain.enums import Channel

log = logging.getLogger(__name__)

ALLOWED_UPDATES = ("message", "callback_query", "pre_checkout_query")
# httpx logs every request URL at INFO, and Telegram URLs carry the bot token.
logging.getLogger("httpx").setLevel(logging.WARNING)


def file_url(api_url: str) -> str:
    """The file download base that goes with an API base (`.../bot` -> `.../file/bot`)."""
    base = api_url.rstrip("/")
    return base[: -len("/bot")] + "/file/bot" if base.endswith("/bot") else base + "/file/bot"


def build_application(
    settings: TelegramSettings, *, limits: ChannelLimits
) -> Application[Any, Any, Any, Any, Any, Any]:
    """An Application that never polls; network is touched only by `initialize()`."""
    return (
        ApplicationBuilder()
        .token(settings.bot_token.get_secret_value())
        .base_url(settings.api_url)
        .base_file_url(file_url(settings.api_url))
        .updater(None)
        .rate_limiter(
            AIORateLimiter(
                overall_max_rate=limits.telegram_overall_per_second,
                overall_time_period=1,
                group_max_rate=limits.telegram_group_per_minute,
                group_time_period=60,
                max_retries=0,  # our Delivery waits out 429s, keyed, so nothing is sent twice
            )
        )
        .connect_timeout(limits.connect_timeout)
        .read_timeout(limits.read_timeout)
        .write_timeout(limits.read_timeout)
        .pool_timeout(limits.connect_timeout)
        .connection_pool_size(64)
        .build()
    )


class TelegramAdapter:
    """Owns the Application and the sender, and turns recorded updates into turns."""

    provider = PROVIDER

    def __init__(
        self,
        settings: TelegramSettings,
        *,
        limits: ChannelLimits,
        accept: Accept,
        platform_currency: str = "USD",
    ) -> None:
        """Build the Application and the sender; nothing is called until `start`."""
        self.settings = settings
        self._accept = accept
        self._platform_currency = platform_currency  # payments snapshot their value in it
        self.application = build_application(settings, limits=limits)
        self.sender = TelegramSender(
            self.application.bot, limits=limits, payment_token=settings.payment_provider_token
        )
        self._runner: TurnRunner | None = None
        self._errors: dict[int, BaseException] = {}
        self.application.add_handler(CallbackQueryHandler(self._on_callback))
        # Payments are not chat turns: the pre-checkout question and the money that follows
        # are answered here through the domain, before any message reaches the engine.
        self.application.add_handler(PreCheckoutQueryHandler(self._on_pre_checkout))
        self.application.add_handler(MessageHandler(filters.SUCCESSFUL_PAYMENT, self._on_paid))
        self.application.add_handler(MessageHandler(filters.ALL, self._on_message))
        self.application.add_error_handler(self._on_error)

    def bind(self, runner: TurnRunner) -> None:
        """Where events go: the shared turn runner; charts are read from its storage."""
        self._runner = runner
        self.sender.files = StoredHubFiles(runner.uows, provider=PROVIDER)

    async def start(self, wait_seconds: float = 5.0) -> None:
        """Initialize (getMe); if Telegram is down, updates wait and the next one retries."""
        try:
            await asyncio.wait_for(self._initialize(), wait_seconds)
        except (TimeoutError, TelegramError, OSError) as exc:
            log.warning("Telegram did not answer at start-up (%s); will retry", type(exc).__name__)

    async def stop(self) -> None:
        """Close PTB's HTTP pools."""
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()

    async def process(self, payload: dict[str, Any]) -> None:
        """One recorded update through PTB's handlers into the engine."""
        try:
            await self._initialize()
        except (TelegramError, OSError) as exc:
            raise RetryDeliveryLater(f"Telegram not reachable: {type(exc).__name__}") from None
        update = Update.de_json(payload, self.application.bot)
        await self.application.process_update(update)
        error = self._errors.pop(update.update_id, None)
        if error is not None:
            raise error

    def order_key(self, payload: dict[str, Any]) -> str:
        """The chat of a recorded update."""
        return incoming(payload).order_key

    def router(self) -> APIRouter:
        """`POST /webhooks/telegram`, checking Telegram's secret header."""
        return webhook.router(secret=self.settings.webhook_secret, accept=self._accept)

    async def _initialize(self) -> None:
        try:
            await self.application.initialize()
        except InvalidToken:
            # PTB's message quotes the token; never let it reach a log.
            raise InvalidToken("the bot token was rejected by Telegram") from None

    async def _on_message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message, user = update.effective_message, update.effective_user
        if message is None or user is None or self._runner is None:
            return
        common = _common(update, message.chat.id, user)
        send = SendContext(Channel.TELEGRAM, user_ref=str(user.id))
        if message.contact is not None and message.contact.user_id == user.id:
            event = InboundEvent(
                kind=EventKind.CONTACT, phone=message.contact.phone_number, **common
            )
            await self._runner.run(event, provider=PROVIDER, context=send)
        elif message.text:
            event = InboundEvent.from_text(text=message.text, **common)
            await self._runner.run(event, provider=PROVIDER, context=send)
        elif files := message_files(message):
            # A photo's caption is its text: "expense 12.50 GBP cards" under a receipt.
            event = InboundEvent.from_files(files=files, text=message.caption, **common)
            await self._runner.run(event, provider=PROVIDER, context=send)
        else:
            event = InboundEvent(kind=EventKind.ATTACHMENT, **common)
            await self._runner.run(event, provider=PROVIDER, context=send)

    async def _on_callback(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None or self._runner is None:
            return
        try:
            await query.answer()  # always, or the button spins on the client for 15 s
        except TelegramError as exc:
            log.info("answerCallbackQuery failed: %s", type(exc).__name__)
        chat_id = query.message.chat.id if query.message is not None else query.from_user.id
        event = InboundEvent.from_action(
            payload=query.data or "", **_common(update, chat_id, query.from_user)
        )
        send = SendContext(Channel.TELEGRAM, user_ref=str(query.from_user.id))
        await self._runner.run(event, provider=PROVIDER, context=send)

    async def _on_pre_checkout(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.pre_checkout_query
        if query is None or self._runner is None:
            return
        await payments.answer_pre_checkout(
            query,
            uows=self._runner.uows,
            clock=self._runner.clock,
            platform_currency=self._platform_currency,
        )

    async def _on_paid(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message, user = update.effective_message, update.effective_user
        if message is None or user is None or self._runner is None:
            return
        reply = await payments.settle_successful_payment(
            message,
            uows=self._runner.uows,
            clock=self._runner.clock,
            platform_currency=self._platform_currency,
        )
        if reply is not None:  # the message is only the reply's address and its key
            event = InboundEvent(
                kind=EventKind.ATTACHMENT, **_common(update, message.chat.id, user)
            )
            send = SendContext(Channel.TELEGRAM, user_ref=str(user.id))
            await self._runner.reply(event, [reply], provider=PROVIDER, context=send)

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Handler errors fail the delivery (recorded with the error), not the process."""
        if isinstance(update, Update) and context.error is not None:
            self._errors[update.update_id] = context.error


def _common(update: Update, chat_id: int, user: Any) -> dict[str, Any]:
    """Fields every Telegram event carries."""
    return {
        "channel": Channel.TELEGRAM,
        "chat_id": str(chat_id),
        "user_ref": str(user.id),
        "workspace": "",
        "locale": user.language_code,
        "display_name": user.first_name,
        "event_id": str(update.update_id),
    }
