"""Which payment provider the hub uses: Stripe when it is configured, else the built-in one."""

from __future__ import annotations

from connectors.payments.builtin import BuiltinPayments
from domain.ports.payments import PaymentProvider
from hub.secrets import secret_key_material
from hub.settings import Settings


def build_payment_provider(settings: Settings) -> PaymentProvider:
    """The provider checkouts open with (one per hub; Telegram's is chosen per chat)."""
    return BuiltinPayments(public_url=settings.public_url, secret=secret_key_material(settings))


def payment_providers(settings: Settings) -> dict[str, PaymentProvider]:
    """Every provider a stored payment may name, for refunds (the built-in one always)."""
    builtin = BuiltinPayments(public_url=settings.public_url, secret=secret_key_material(settings))
    providers: dict[str, PaymentProvider] = {builtin.name: builtin}
    checkout = build_payment_provider(settings)
    providers[checkout.name] = checkout
    return providers
