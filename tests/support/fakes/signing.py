"""Webhook signers: the authenticity headers each vendor puts on its deliveries.

Each returns a header dict to merge into the request. Sign the exact bytes you send;
re-serialising JSON after signing is the classic way to make verification fail.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

__all__ = [
    "meta_sign",
    "shopify_sign",
    "slack_sign",
    "stripe_sign",
    "telegram_headers",
    "zoom_sign",
]


def _hmac_sha256(secret: str, message: bytes) -> bytes:
    """Raw HMAC-SHA256 digest; every vendor below uses it, only the encoding differs."""
    return hmac.new(secret.encode(), message, hashlib.sha256).digest()


def slack_sign(body: bytes, secret: str, timestamp: int) -> dict[str, str]:
    """Slack v0 headers: ``v0=hex(HMAC(secret, "v0:{ts}:" + body))``."""
    digest = _hmac_sha256(secret, f"v0:{timestamp}:".encode() + body).hex()
    return {"X-Slack-Request-Timestamp": str(timestamp), "X-Slack-Signature": f"v0={digest}"}


def meta_sign(body: bytes, app_secret: str) -> dict[str, str]:
    """Meta's ``X-Hub-Signature-256: sha256=<hex>`` over the raw body."""
    return {"X-Hub-Signature-256": f"sha256={_hmac_sha256(app_secret, body).hex()}"}


def telegram_headers(secret: str) -> dict[str, str]:
    """Telegram's secret-token header plus the exact Content-Type PTB insists on (else 403)."""
    return {"X-Telegram-Bot-Api-Secret-Token": secret, "Content-Type": "application/json"}


def shopify_sign(body: bytes, secret: str) -> dict[str, str]:
    """Shopify's ``X-Shopify-Hmac-Sha256``: base64 (not hex) HMAC of the raw body."""
    return {"X-Shopify-Hmac-Sha256": base64.b64encode(_hmac_sha256(secret, body)).decode()}


def zoom_sign(body: bytes, secret: str, timestamp: int) -> dict[str, str]:
    """Zoom headers: ``v0=hex(HMAC(secret, "v0:{ts}:" + body))`` plus the timestamp."""
    digest = _hmac_sha256(secret, f"v0:{timestamp}:".encode() + body).hex()
    return {"x-zm-request-timestamp": str(timestamp), "x-zm-signature": f"v0={digest}"}


def stripe_sign(body: bytes, secret: str, timestamp: int) -> dict[str, str]:
    """Stripe's ``Stripe-Signature: t={ts},v1=hex(HMAC(secret, "{ts}." + body))``."""
    digest = _hmac_sha256(secret, f"{timestamp}.".encode() + body).hex()
    return {"Stripe-Signature": f"t={timestamp},v1={digest}"}
