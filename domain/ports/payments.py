"""Payments capability: take a client's money through a provider, give it back, hear from it.

Three providers implement `PaymentProvider`: the built-in one (the reader records cash
or a transfer; a test-mode pay page for the demo), Stripe Checkout, and Telegram's
native payments. What a provider tells us asynchronously (a webhook) arrives as a
`PaymentEvent`, already verified and translated out of the vendor's JSON.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.billing.money import Money
from domain.enums import PaymentEventKind


@dataclass(frozen=True, slots=True)
class CheckoutRequest:
    """Ask the client for one amount, for one booking or invoice, before `expires_at`."""

    payment_id: UUID  # ours; the provider echoes it back (client_reference_id, metadata)
    amount: Money
    description: str
    expires_at: datetime
    success_url: str
    cancel_url: str
    client_email: str | None = None
    booking_id: UUID | None = None
    invoice_id: UUID | None = None
    locale: str = "en"


@dataclass(frozen=True, slots=True)
class Checkout:
    """Where the client pays: the provider's id for the checkout and its page."""

    provider: str
    checkout_id: str
    url: str


@dataclass(frozen=True, slots=True)
class ProviderRefund:
    """A refund the provider accepted."""

    provider: str
    refund_id: str
    amount: Money


@dataclass(frozen=True, slots=True)
class PaymentEvent:
    """A verified provider event, in our terms.

    `event_id` is the provider's id for the delivery (the dedup key); `payment_id` is
    ours when the provider carried it back; `provider_payment_id` is the provider's id
    for the money (Stripe's PaymentIntent), used to match refunds and disputes.
    For COMPLETED `amount` is what was paid; for REFUNDED it is everything refunded of
    the payment so far (providers report the running total, so a redelivered or
    out-of-order event refunds nothing twice); for DISPUTED it is the disputed amount.
    """

    kind: PaymentEventKind
    provider: str
    event_id: str
    amount: Money
    occurred_at: datetime
    payment_id: UUID | None = None
    checkout_id: str | None = None
    provider_payment_id: str | None = None
    provider_fee_minor: int = 0
    reason: str | None = None


class InvalidWebhook(ValueError):
    """A webhook whose signature, timestamp or body does not check out: 400, nothing changes."""


class PaymentProvider(Protocol):
    """Open a checkout for an amount, and refund money a checkout took."""

    @property
    def name(self) -> str:
        """The provider's name as stored on payments ("builtin", "stripe", "telegram")."""
        ...

    async def create_checkout(self, *, request: CheckoutRequest, idempotency_key: str) -> Checkout:
        """Open (or, for the same key, find again) the checkout for one payment.

        Args:
            request: Amount, description, expiry and where to send the client after.
            idempotency_key: Derived from our payment id; the same key never opens a second
                checkout, so a retry after a crash costs nothing and charges nothing twice.

        Returns:
            The checkout and the URL the client opens.

        Raises:
            TransientConnectorError: 429, 5xx or timeout.
            PermanentConnectorError: any other failure (bad key, refused amount).
        """
        ...

    async def refund(
        self, *, provider_payment_id: str, amount: Money, idempotency_key: str
    ) -> ProviderRefund:
        """Give back `amount` of a payment the provider took.

        Args:
            provider_payment_id: The provider's id for the money (a PaymentIntent).
            amount: At most what is left of the payment, in its currency.
            idempotency_key: Derived from our refund; a retry never refunds twice.

        Returns:
            The refund the provider accepted.

        Raises:
            TransientConnectorError: 429, 5xx or timeout.
            PermanentConnectorError: any other failure (already refunded, disputed).
        """
        ...


class InChatPaymentProvider(PaymentProvider, Protocol):
    """A provider whose checkout is a message in the client's chat (Telegram's invoice).

    Its `Checkout.url` opens nothing: the chat renders the invoice from the payment, and
    `checkout_id` is the opaque payload the platform hands back before and after it charges.
    """

    def accepts(self, currency: str) -> bool:
        """Whether the platform takes payments in this currency.

        Args:
            currency: An ISO 4217 code.

        Returns:
            False sends the client to the hub's own checkout (a pay link) instead.
        """
        ...


class PaymentWebhookVerifier(Protocol):
    """Turn a provider's signed webhook body into our events, or refuse it."""

    def verify(self, *, body: bytes, headers: dict[str, str], now: datetime) -> list[PaymentEvent]:
        """Check the signature over the raw body and translate the events we act on.

        Args:
            body: The request body exactly as received.
            headers: The request headers, lower-cased names.
            now: The current time, for the signature's tolerance window.

        Returns:
            Our events (empty for an event type we do not act on).

        Raises:
            InvalidWebhook: forged, replayed outside the tolerance, or malformed.
        """
        ...
