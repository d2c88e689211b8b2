"""The built-in payment provider: no account, no network.

The reader records cash or a transfer from chat; for the demo, a clearly labelled
test-mode page (`GET /pay/{token}`) stands in for a card checkout. The page's token is
derived from the checkout's idempotency key with the hub's secret, so asking again gives
the same page, and only its hash is stored: the database alone cannot open the page.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from domain.billing.money import Money
from domain.billing.payments import BUILTIN_PROVIDER
from domain.ports.payments import Checkout, CheckoutRequest, ProviderRefund


def checkout_id_of(token: str) -> str:
    """What is stored for a pay-page token: its SHA-256, so a leaked table opens nothing."""
    return hashlib.sha256(token.encode()).hexdigest()


class BuiltinPayments:
    """`PaymentProvider` whose checkout is the hub's own test-mode pay page."""

    def __init__(self, *, public_url: str, secret: bytes) -> None:
        """Links point at `public_url`; tokens are keyed by the hub's secret."""
        self._public_url = public_url.rstrip("/")
        self._secret = secret

    @property
    def name(self) -> str:
        """Stored on the payments it takes."""
        return BUILTIN_PROVIDER

    async def create_checkout(self, *, request: CheckoutRequest, idempotency_key: str) -> Checkout:
        """The pay page for this payment: the same key always gives the same page."""
        token = self._token(idempotency_key)
        return Checkout(BUILTIN_PROVIDER, checkout_id_of(token), f"{self._public_url}/pay/{token}")

    async def refund(
        self, *, provider_payment_id: str, amount: Money, idempotency_key: str
    ) -> ProviderRefund:
        """Nothing to call: the reader gives the money back by hand; the refund is booked."""
        refund_id = "refund-" + self._token(idempotency_key)[:16]
        return ProviderRefund(BUILTIN_PROVIDER, refund_id, amount)

    def _token(self, key: str) -> str:
        digest = hmac.new(self._secret, key.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
