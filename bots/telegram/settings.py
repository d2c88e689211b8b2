"""What the Telegram channel needs from the operator; `hub/settings.py` composes it."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, SecretStr

__all__ = ("TelegramSettings",)


class TelegramSettings(BaseModel):
    """Bot API credentials and the secret Telegram echoes on every webhook call."""

    model_config = ConfigDict(frozen=True)  # an adapter cannot change what it was given

    bot_token: SecretStr
    webhook_secret: SecretStr
    api_url: str = "https://api.telegram.org/bot"
    # From @BotFather's Payments menu; set, a Telegram client pays with an invoice in the chat.
    payment_provider_token: SecretStr | None = None
