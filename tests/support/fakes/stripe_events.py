"""Stripe objects and webhook events as Stripe sends them, and signed deliveries of them.

Builders return dicts (tweak them freely), shaped after the API reference: a Checkout
Session, a Charge (`amount_refunded` is the running total), a Dispute, and the `event`
envelope around one of them. `signed_delivery` serialises an event once and signs those
exact bytes with `Stripe-Signature: t=...,v1=...`; `stale=True` backdates the timestamp
past Stripe's 300-second tolerance, as a replayed delivery would be. `StripeApiFake`
builds its events with these, from the sessions and charges it holds.
"""

from __future__ import annotations

import json
import secrets
import time
from typing import Any

from tests.support.fakes.signing import stripe_sign

__all__ = [
    "API_VERSION",
    "charge_object",
    "dispute_object",
    "new_id",
    "session_object",
    "signed_delivery",
    "stripe_event",
]

JSON = dict[str, Any]
API_VERSION = "2025-09-30.clover"
STALE_BY = 301  # seconds past the default tolerance


def new_id(prefix: str) -> str:
    """A Stripe-looking object id: ``cs_test_…``, ``pi_…``, ``evt_…``."""
    return f"{prefix}_{secrets.token_hex(12)}"


def session_object(
    *,
    amount_total: int,
    currency: str,
    client_reference_id: str | None = None,
    payment_intent: str | None = None,
    payment_status: str = "paid",
    metadata: dict[str, str] | None = None,
    session_id: str | None = None,
    created: int | None = None,
) -> JSON:
    """A payment-mode Checkout Session (complete when `payment_status` is "paid")."""
    sid = session_id or new_id("cs_test")
    paid = payment_status == "paid"
    return {
        "id": sid,
        "object": "checkout.session",
        "amount_subtotal": amount_total,
        "amount_total": amount_total,
        "client_reference_id": client_reference_id,
        "created": created if created is not None else int(time.time()),
        "currency": currency,
        "livemode": False,
        "metadata": metadata or {},
        "mode": "payment",
        "payment_intent": payment_intent,
        "payment_status": payment_status,
        "status": "complete" if paid else "open",
        "url": None if paid else f"https://checkout.stripe.com/c/pay/{sid}",
    }


def charge_object(
    *,
    amount: int,
    currency: str,
    payment_intent: str,
    amount_refunded: int = 0,
    charge_id: str | None = None,
    metadata: dict[str, str] | None = None,
) -> JSON:
    """A succeeded, captured card charge of a PaymentIntent."""
    return {
        "id": charge_id or new_id("ch"),
        "object": "charge",
        "amount": amount,
        "amount_captured": amount,
        "amount_refunded": amount_refunded,
        "captured": True,
        "created": int(time.time()),
        "currency": currency,
        "livemode": False,
        "metadata": metadata or {},
        "paid": True,
        "payment_intent": payment_intent,
        "refunded": amount_refunded >= amount,
        "status": "succeeded",
    }


def dispute_object(
    *,
    amount: int,
    currency: str,
    charge: str,
    payment_intent: str | None,
    reason: str = "fraudulent",
) -> JSON:
    """A dispute the cardholder's bank just opened."""
    return {
        "id": new_id("du"),
        "object": "dispute",
        "amount": amount,
        "charge": charge,
        "created": int(time.time()),
        "currency": currency,
        "is_charge_refundable": True,
        "livemode": False,
        "metadata": {},
        "payment_intent": payment_intent,
        "reason": reason,
        "status": "needs_response",
    }


def stripe_event(event_type: str, obj: JSON, *, created: int | None = None) -> JSON:
    """The snapshot `event` envelope Stripe posts to a webhook endpoint."""
    return {
        "id": new_id("evt"),
        "object": "event",
        "api_version": API_VERSION,
        "created": created if created is not None else int(time.time()),
        "data": {"object": obj},
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "type": event_type,
    }


def signed_delivery(
    event: JSON,
    secret: str,
    *,
    timestamp: int | None = None,
    stale: bool = False,
) -> tuple[bytes, dict[str, str]]:
    """The body and headers of one delivery, signed over the exact bytes sent."""
    body = json.dumps(event, indent=2).encode()  # Stripe posts pretty-printed JSON
    stamp = timestamp if timestamp is not None else int(time.time())
    if stale:
        stamp -= STALE_BY
    headers = {"Content-Type": "application/json; charset=utf-8"}
    return body, {**headers, **stripe_sign(body, secret, stamp)}
