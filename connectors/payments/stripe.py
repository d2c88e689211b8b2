"""Stripe Checkout and refunds through the official SDK (`StripeClient`, async over httpx).

Amounts. Stripe counts in each currency's "smallest unit", which is our minor unit
for most currencies (GBP pence, JPY yen) but not all: Stripe keeps two decimals for
every currency outside its zero-decimal and three-decimal lists, so ISK, ALL, RSD...
(exponent 0 in ISO 4217 / CLDR) go to Stripe times 100, exactly as Stripe asks ("to
charge 5 ISK, send 500"). For its three-decimal currencies (BHD, JOD, KWD, OMR, TND)
Stripe requires the last digit to be 0; an amount like 12.345 KWD is refused here,
before any call, rather than silently rounded. Stripe's own limits (minimum charge,
unsupported currency) come back as its 400 and become `PermanentConnectorError`.

Expiry. Stripe takes `expires_at` only 30 minutes to 24 hours ahead. A payment window
beyond 24 hours is sent without `expires_at` (Stripe's default is 24 hours, its
maximum). A window shorter than 30 minutes (the default window is exactly 30, so this
is the usual case by the time the call is made) is lengthened in 5-minute steps from
its own end, so the page stays open at most about 5 minutes longer than Stripe's floor
requires; a payment that lands after its window is settled (or refunded) by the domain.

Idempotency. Stripe replays the first answer for a key only when the parameters match
and refuses a reused key with other parameters (`idempotency_error`). Lengthening the
expiry depends on the clock, so a retry minutes later can compute another value than
the attempt that reached Stripe: on that refusal we resend the values an earlier
attempt could have sent (fewer steps, then none), each a request Stripe does not
execute, until one replays the original session. No second session is ever opened.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import httpx
import stripe

from connectors.errors import (
    AuthExpired,
    ConnectorError,
    PermanentConnectorError,
    TransientConnectorError,
    classify_http_status,
    parse_retry_after,
    timeout_error,
    transport_error,
)
from connectors.settings import StripeSettings
from domain.billing.money import Money, currency_code, exponent
from domain.ports.payments import Checkout, CheckoutRequest, ProviderRefund

if TYPE_CHECKING:
    from stripe.checkout import Session
    from stripe.params import RefundCreateParams
    from stripe.params.checkout import SessionCreateParams

__all__ = [
    "PROVIDER",
    "StripePayments",
    "expiry_candidates",
    "from_stripe_amount",
    "to_stripe_amount",
]

PROVIDER = "stripe"

# https://docs.stripe.com/currencies: every other currency is two-decimal to Stripe.
_ZERO_DECIMAL = frozenset(
    {"BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV",
     "XAF", "XOF", "XPF"}
)  # fmt: skip
_THREE_DECIMAL = frozenset({"BHD", "JOD", "KWD", "OMR", "TND"})
# The `locale` values Checkout accepts (the SDK's SessionCreateParams literal).
_LOCALES = frozenset(
    {"auto", "bg", "cs", "da", "de", "el", "en", "en-GB", "es", "es-419", "et", "fi", "fil", "fr",
     "fr-CA", "hi-IN", "hr", "hu", "id", "it", "ja", "ko", "lt", "lv", "ms", "mt", "nb", "nl",
     "pl", "pt", "pt-BR", "ro", "ru", "sk", "sl", "sv", "th", "tr", "vi", "zh", "zh-HK", "zh-TW"}
)  # fmt: skip
_EXPIRY_MIN, _EXPIRY_MAX = timedelta(minutes=30), timedelta(hours=24)
_EXPIRY_MARGIN = timedelta(minutes=1)  # the request's travel time and our clock against Stripe's
_EXPIRY_STEP = timedelta(minutes=5)
_EXPIRY_FALLBACKS = 8  # enough steps to cover the whole 30-minute floor (plus margin)


def stripe_exponent(currency: str) -> int:
    """Digits Stripe counts after the decimal point (0, 2 or 3), whatever ISO 4217 says."""
    if currency in _ZERO_DECIMAL:
        return 0
    return 3 if currency in _THREE_DECIMAL else 2


def _units_ratio(currency: str) -> tuple[int, int]:
    """Stripe's units per our minor unit as (multiply, divide): ISK (100, 1), GBP (1, 1)."""
    shift = stripe_exponent(currency) - exponent(currency)
    return (10**shift, 1) if shift >= 0 else (1, 10**-shift)


def to_stripe_amount(money: Money) -> int:
    """Our minor units as Stripe's smallest unit, or a refusal when Stripe cannot take it."""
    up, down = _units_ratio(money.currency)
    if money.amount_minor % down:
        raise PermanentConnectorError(
            f"stripe counts {money.currency} with fewer decimals: {money} cannot be charged",
            provider=PROVIDER,
        )
    value = money.amount_minor * up // down
    if money.currency in _THREE_DECIMAL and value % 10:
        lower = from_stripe_amount(value - value % 10, money.currency)
        upper = from_stripe_amount(value - value % 10 + 10, money.currency)
        raise PermanentConnectorError(
            f"stripe takes {money.currency} only in steps of 10 (last digit 0): {money} cannot"
            f" be charged or refunded; {lower} or {upper} can",
            provider=PROVIDER,
        )
    return value


def from_stripe_amount(amount: int, currency: str) -> Money:
    """Stripe's smallest unit (lower-case currency) as our Money.

    Exact for everything our checkouts and refunds create; a finer amount made elsewhere
    (a Dashboard refund of 0.50 ISK) is rounded down to what our currency can hold.
    """
    code = currency_code(currency)
    up, down = _units_ratio(code)
    return Money(amount * down // up, code)


def expiry_candidates(expires_at: datetime, now: datetime) -> list[int | None]:
    """`expires_at` values to send, best first; None means "leave it out" (24 hours).

    The first is what Stripe accepts now; the rest are what an earlier attempt with the
    same key may have sent (fewer 5-minute steps, or none at all), for replaying it.
    """
    if expires_at > now + _EXPIRY_MAX - _EXPIRY_MARGIN:
        return [None]
    shortfall = now + _EXPIRY_MIN + _EXPIRY_MARGIN - expires_at
    steps = max(0, math.ceil(shortfall / _EXPIRY_STEP))
    earlier = range(steps, max(steps - _EXPIRY_FALLBACKS, -1), -1)
    return [int((expires_at + k * _EXPIRY_STEP).timestamp()) for k in earlier] + [None]


def _locale(tag: str) -> str:
    """Our locale in Checkout's list ("pt_BR" -> "pt-BR", "fr-BE" -> "fr"), else "auto"."""
    tag = tag.replace("_", "-")
    for candidate in (tag, tag.split("-")[0]):
        if candidate in _LOCALES:
            return candidate
    return "auto"


def _header(headers: Mapping[str, str] | None, name: str) -> str | None:
    """One response header, whatever its case (the SDK passes httpx's headers or a dict)."""
    for key, value in (headers or {}).items():
        if key.lower() == name:
            return value
    return None


def _connector_error(exc: stripe.StripeError) -> ConnectorError:
    """The error flows understand for a Stripe SDK failure: retry 429/409/5xx/network."""
    if isinstance(exc, stripe.APIConnectionError):
        cause = exc.__cause__
        if isinstance(cause, httpx.TimeoutException):
            return timeout_error(PROVIDER, cause)
        return transport_error(PROVIDER, cause if cause is not None else exc)
    status = exc.http_status
    detail = f"{exc.code}: {exc.user_message}" if exc.code else str(exc.user_message or "")
    if isinstance(exc, stripe.AuthenticationError | stripe.PermissionError):
        message = f"stripe refused the API key (HTTP {status}): {detail}"
        return AuthExpired(message, provider=PROVIDER, status=status)
    retry_after = _header(exc.headers, "retry-after")
    if status == 409:  # a concurrent request with the same key, or a lock timeout
        return TransientConnectorError(
            f"stripe answered HTTP 409: {detail}",
            provider=PROVIDER,
            status=status,
            retry_after=parse_retry_after(retry_after),
        )
    if isinstance(exc, stripe.RateLimitError):
        status = 429  # Stripe once sent rate limits as 400 with code rate_limit
    if status is None:
        return PermanentConnectorError(f"stripe failed: {detail}", provider=PROVIDER)
    return classify_http_status(PROVIDER, status, retry_after, detail)


class _HTTPXClient(stripe.HTTPXClient):
    """The SDK's httpx client, sending the encoded form as `content=`.

    stripe 16.1 passes the body as ``data=<str>``, which httpx deprecates (a warning on
    every call, and an error once httpx drops it). This is the SDK's own request builder
    with that one change; the SDK's proxy option is not used here.
    """

    def _get_request_args_kwargs(
        self, method: str, url: str, headers: Mapping[str, str], post_data: Any
    ) -> list[Any]:
        kwargs: dict[str, Any] = {"headers": headers, "content": post_data or None}
        if self._timeout:
            kwargs["timeout"] = self._timeout
        return [(method, url), kwargs]


class StripePayments:
    """`PaymentProvider` on Stripe Checkout: one hosted page per payment, refunds by intent."""

    def __init__(
        self,
        settings: StripeSettings,
        *,
        timeout: float = 30.0,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        """Own an httpx-backed SDK client; the SDK's own retries are off (flows retry)."""
        self._http = _HTTPXClient(timeout=timeout)
        self._client = stripe.StripeClient(
            settings.api_key.get_secret_value(),
            base_addresses={"api": settings.api_url.rstrip("/")},
            http_client=self._http,
            max_network_retries=0,
        )
        self._clock = clock

    @property
    def name(self) -> str:
        """Stored on the payments it takes."""
        return PROVIDER

    async def aclose(self) -> None:
        """Close the HTTP connections."""
        close: Callable[[], Awaitable[None]] = self._http.close_async  # untyped in the SDK
        await close()

    async def create_checkout(self, *, request: CheckoutRequest, idempotency_key: str) -> Checkout:
        """Open the Checkout Session for one payment, or replay the one this key opened."""
        amount = to_stripe_amount(request.amount)
        for expiry in expiry_candidates(request.expires_at, self._clock()):
            params = _session_params(request, amount, idempotency_key, expiry)
            session = await self._create_session(params, idempotency_key)
            if session is not None:
                if not session.url:
                    raise PermanentConnectorError(
                        f"stripe session {session.id} has no url", provider=PROVIDER
                    )
                return Checkout(PROVIDER, session.id, session.url)
        raise PermanentConnectorError(
            f"stripe refused idempotency key {idempotency_key!r}: it was used with other"
            " parameters (a changed amount, description or URL)",
            provider=PROVIDER,
            status=400,
        )

    async def _create_session(self, params: SessionCreateParams, key: str) -> Session | None:
        """The session, or None when Stripe says the key went with other parameters."""
        try:
            return await self._client.v1.checkout.sessions.create_async(
                params=params, options={"idempotency_key": key}
            )
        except stripe.IdempotencyError:
            return None
        except stripe.StripeError as exc:
            raise _connector_error(exc) from exc

    async def refund(
        self, *, provider_payment_id: str, amount: Money, idempotency_key: str
    ) -> ProviderRefund:
        """Refund part or all of a PaymentIntent; Stripe refuses more than is left."""
        params: RefundCreateParams = {
            "payment_intent": provider_payment_id,
            "amount": to_stripe_amount(amount),
            "metadata": {"idempotency_key": idempotency_key},
        }
        try:
            refund = await self._client.v1.refunds.create_async(
                params=params, options={"idempotency_key": idempotency_key}
            )
        except stripe.StripeError as exc:
            raise _connector_error(exc) from exc
        return ProviderRefund(
            PROVIDER, refund.id, from_stripe_amount(refund.amount, refund.currency)
        )


def _session_params(
    request: CheckoutRequest, amount: int, key: str, expiry: int | None
) -> SessionCreateParams:
    """One line item at our amount; our ids in client_reference_id and metadata."""
    metadata = {"payment_id": str(request.payment_id), "idempotency_key": key}
    if request.booking_id is not None:
        metadata["booking_id"] = str(request.booking_id)
    if request.invoice_id is not None:
        metadata["invoice_id"] = str(request.invoice_id)
    params: SessionCreateParams = {
        "mode": "payment",
        "line_items": [
            {
                "quantity": 1,
                "price_data": {
                    "currency": request.amount.currency.lower(),
                    "unit_amount": amount,
                    "product_data": {"name": request.description.strip() or "Payment"},
                },
            }
        ],
        "client_reference_id": str(request.payment_id),
        "metadata": metadata,
        # Copied onto the PaymentIntent, so the Dashboard shows our ids on the money too.
        "payment_intent_data": {"metadata": dict(metadata)},
        "success_url": request.success_url,
        "cancel_url": request.cancel_url,
        "locale": _locale(request.locale),
    }
    if expiry is not None:
        params["expires_at"] = expiry
    if request.client_email:
        params["customer_email"] = request.client_email
    return params
