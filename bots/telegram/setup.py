"""Operator tasks: register our webhook with Telegram, and check that the bot answers."""

from __future__ import annotations

import asyncio

from telegram import Bot
from telegram.error import InvalidToken, TelegramError

from bots.telegram.app import ALLOWED_UPDATES, file_url
from bots.telegram.settings import TelegramSettings

WEBHOOK_PATH = "/webhooks/telegram"


def _bot(settings: TelegramSettings) -> Bot:
    return Bot(
        settings.bot_token.get_secret_value(),
        base_url=settings.api_url,
        base_file_url=file_url(settings.api_url),
    )


async def set_webhook(settings: TelegramSettings, public_url: str) -> str:
    """Point Telegram at `{public_url}/webhooks/telegram` with our secret; returns the URL."""
    url = public_url.rstrip("/") + WEBHOOK_PATH
    try:
        async with _bot(settings) as bot:
            await bot.set_webhook(
                url=url,
                secret_token=settings.webhook_secret.get_secret_value(),
                allowed_updates=list(ALLOWED_UPDATES),
                max_connections=40,
            )
    except InvalidToken:
        raise RuntimeError("the bot token was rejected") from None  # PTB quotes the token
    except TelegramError as exc:
        raise RuntimeError(f"{type(exc).__name__}: {exc.message}") from None
    return url


async def check(settings: TelegramSettings, limit_seconds: float = 5.0) -> str:
    """getMe: the bot's username when Telegram answers (raises otherwise)."""
    bot = _bot(settings)
    try:
        async with asyncio.timeout(limit_seconds):
            await bot.initialize()
            return f"@{bot.username}"
    except InvalidToken:
        raise RuntimeError("the bot token was rejected") from None  # PTB quotes the token
    except TelegramError as exc:
        raise RuntimeError(f"{type(exc).__name__}: {exc.message}") from None
    finally:
        await bot.shutdown()
