"""Which payment provider the hub uses: Stripe when it is configured, else the built-in one.

A Telegram client pays inside the chat instead when the bot has a payment provider token.
"""

from __future__ import annotations

from bots.telegram.payments import TelegramCheckout
from connectors.payments.builtin import BuiltinPayments
from connectors.payments.stripe import StripePayments
from domain.clock import Clock, SystemClock
from domain.enums import Channel
from domain.ports.payments import InChatPaymentProvider, PaymentProvider
from hub.secrets import secret_key_material
from hub.settings import Settings


def build_payment_provider(settings: Settings, clock: Clock | None = None) -> PaymentProvider:
    """The provider checkouts open with (one per hub; Telegram's is chosen per chat)."""
    if settings.stripe is not None:
        return StripePayments(settings.stripe, clock=(clock or SystemClock()).now)
    return builtin_provider(settings)


def builtin_provider(settings: Settings) -> BuiltinPayments:
    """The built-in provider: the test-mode pay page and payments the reader records."""
    return BuiltinPayments(public_url=settings.public_url, secret=secret_key_material(settings))


def chat_payment_providers(settings: Settings) -> dict[Channel, InChatPaymentProvider]:
    """Channels whose clients pay in the chat: Telegram, when its bot has a provider token."""
    telegram = settings.telegram
    token = telegram.payment_provider_token if telegram is not None else None
    if token is None or not token.get_secret_value():
        return {}
    return {Channel.TELEGRAM: TelegramCheckout(secret=secret_key_material(settings))}


def payment_providers(settings: Settings, clock: Clock | None = None) -> dict[str, PaymentProvider]:
    """Every provider a stored payment may name, for refunds (the built-in one always)."""
    builtin = builtin_provider(settings)
    providers: dict[str, PaymentProvider] = {builtin.name: builtin}
    if settings.stripe is not None:
        stripe = build_payment_provider(settings, clock)
        providers[stripe.name] = stripe
    for in_chat in chat_payment_providers(settings).values():
        providers[in_chat.name] = in_chat  # its refund says where the money goes back
    return providers


async def close_provider(provider: object) -> None:
    """Release a provider's connections (Stripe's HTTP client); the built-in one has none."""
    close = getattr(provider, "aclose", None)
    if close is not None:
        await close()
