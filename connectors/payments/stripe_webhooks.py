"""Stripe webhook deliveries: the `Stripe-Signature` check, then the events we act on.

The SDK's `WebhookSignature.verify_header` checks the v1 HMAC-SHA256 of
``f"{t}.{body}"`` over the raw bytes (never re-serialised JSON). Its replay check reads
the wall clock, so it is given no tolerance and the same rule (a timestamp older than
`tolerance_seconds` is refused; Stripe's default is 300 s) is applied here against the
injected `now`. The body is then read as plain JSON: our events are built from dicts,
not from the SDK's untyped `StripeObject`.

Translated: `checkout.session.completed` (only when `payment_status` is "paid"; a
delayed method such as a bank debit completes later with
`checkout.session.async_payment_succeeded`, translated the same way), `charge.refunded`
(the charge's `amount_refunded`, a running total) and `charge.dispute.created`. Every
other type is acknowledged and ignored.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import stripe

from connectors.payments.stripe import PROVIDER, from_stripe_amount
from connectors.settings import StripeSettings
from domain.billing.money import InvalidAmount, Money
from domain.enums import PaymentEventKind
from domain.ports.payments import InvalidWebhook, PaymentEvent

__all__ = ["SIGNATURE_HEADER", "StripeWebhookVerifier"]

SIGNATURE_HEADER = "stripe-signature"
_PAID = "paid"
_COMPLETED_TYPES = frozenset(
    {"checkout.session.completed", "checkout.session.async_payment_succeeded"}
)

JSON = dict[str, Any]


def _timestamp(header: str) -> int:
    """The `t=` of a Stripe-Signature header (the SDK has already checked it parses)."""
    for item in header.split(","):
        key, _, value = item.partition("=")
        if key.strip() == "t":
            return int(value)
    raise InvalidWebhook("Stripe-Signature has no timestamp")


def _uuid(value: Any) -> UUID | None:
    """Our payment id as Stripe echoes it back; anything else (another integration's) is None."""
    if not isinstance(value, str):
        return None
    try:
        return UUID(value)
    except ValueError:
        return None


def _id(value: Any) -> str | None:
    """An id field, whether Stripe sent the id or (expanded) the object."""
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, str) and value else None


def _money(obj: JSON, field: str) -> Money:
    """An amount field and the object's currency as our Money."""
    amount, currency = obj.get(field), obj.get("currency")
    if not isinstance(amount, int) or isinstance(amount, bool) or not isinstance(currency, str):
        raise InvalidWebhook(f"{obj.get('object', 'object')} without {field} and currency")
    try:
        return from_stripe_amount(amount, currency)
    except InvalidAmount as exc:
        raise InvalidWebhook(str(exc)) from exc


def _metadata_payment_id(obj: JSON) -> UUID | None:
    """Our payment id from the object's metadata, when it carries one."""
    metadata = obj.get("metadata")
    return _uuid(metadata.get("payment_id")) if isinstance(metadata, dict) else None


class StripeWebhookVerifier:
    """`PaymentWebhookVerifier` for a Stripe webhook endpoint's signing secret."""

    def __init__(self, settings: StripeSettings) -> None:
        """Keep the endpoint's secret and the replay window."""
        self._secret = settings.webhook_secret
        self._tolerance = settings.tolerance_seconds

    def verify(self, *, body: bytes, headers: dict[str, str], now: datetime) -> list[PaymentEvent]:
        """Check the signature and its age, then translate the event (or nothing)."""
        header = headers.get(SIGNATURE_HEADER)
        if not header:
            raise InvalidWebhook("missing Stripe-Signature header")
        try:
            stripe.WebhookSignature.verify_header(
                body, header, self._secret.get_secret_value(), tolerance=None
            )
        except (stripe.SignatureVerificationError, UnicodeDecodeError) as exc:
            raise InvalidWebhook(f"bad Stripe-Signature: {exc}") from exc
        if _timestamp(header) < now.timestamp() - self._tolerance:
            raise InvalidWebhook("Stripe-Signature timestamp outside the tolerance (a replay?)")
        try:
            event = json.loads(body)
        except ValueError as exc:
            raise InvalidWebhook("body is not JSON") from exc
        if not isinstance(event, dict):
            raise InvalidWebhook("body is not a Stripe event")
        return _translate(event)


def _translate(event: JSON) -> list[PaymentEvent]:
    """Our events for one Stripe event; an empty list for a type we do not act on."""
    event_id, kind, created = event.get("id"), event.get("type"), event.get("created")
    data = event.get("data")
    obj = data.get("object") if isinstance(data, dict) else None
    if not isinstance(event_id, str) or not isinstance(kind, str) or not isinstance(created, int):
        raise InvalidWebhook("a Stripe event has an id, a type and a created time")
    if not isinstance(obj, dict):
        raise InvalidWebhook(f"{kind} without data.object")
    occurred_at = datetime.fromtimestamp(created, UTC)
    common: JSON = {"provider": PROVIDER, "event_id": event_id, "occurred_at": occurred_at}
    if kind in _COMPLETED_TYPES:
        if obj.get("payment_status") != _PAID:
            return []  # unpaid (a delayed method) or nothing to pay: wait for the money
        payment_id = _uuid(obj.get("client_reference_id")) or _metadata_payment_id(obj)
        completed = PaymentEvent(
            kind=PaymentEventKind.COMPLETED,
            amount=_money(obj, "amount_total"),
            payment_id=payment_id,
            checkout_id=_id(obj.get("id")),
            provider_payment_id=_id(obj.get("payment_intent")),
            **common,
        )
        return [completed]
    if kind == "charge.refunded":
        refunded = PaymentEvent(
            kind=PaymentEventKind.REFUNDED,
            amount=_money(obj, "amount_refunded"),  # everything refunded so far
            payment_id=_metadata_payment_id(obj),
            provider_payment_id=_id(obj.get("payment_intent")),
            **common,
        )
        return [refunded]
    if kind == "charge.dispute.created":
        reason = obj.get("reason")
        disputed = PaymentEvent(
            kind=PaymentEventKind.DISPUTED,
            amount=_money(obj, "amount"),
            payment_id=_metadata_payment_id(obj),
            provider_payment_id=_id(obj.get("payment_intent")),
            reason=reason if isinstance(reason, str) else None,
            **common,
        )
        return [disputed]
    return []
