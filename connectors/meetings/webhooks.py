"""Zoom webhook authenticity: the v0 HMAC signature and the endpoint URL-validation answer.

Pure functions over the raw body bytes (re-serialised JSON would not match the
signature) and an injected `now`, so the ASGI route and tests share one implementation.
"""

from __future__ import annotations

import hashlib
import hmac

__all__ = ["sign_zoom_body", "url_validation_response", "verify_zoom_signature"]

DEFAULT_TOLERANCE = 300.0  # Zoom documents none; 300 s matches Slack's replay window


def sign_zoom_body(body: bytes, timestamp: str, secret: str) -> str:
    """The `x-zm-signature` value Zoom sends: v0= hex HMAC-SHA256 of v0:{ts}:{body}."""
    message = b"v0:" + timestamp.encode("ascii") + b":" + body
    digest = hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()
    return f"v0={digest}"


def verify_zoom_signature(
    body: bytes,
    timestamp: str,
    signature: str,
    secret: str,
    now: float,
    tolerance: float = DEFAULT_TOLERANCE,
) -> bool:
    """True only for a correct signature on a request stamped within `tolerance` of `now`."""
    try:
        stamped = int(timestamp)
    except (TypeError, ValueError):
        return False
    if abs(now - stamped) > tolerance:
        return False  # a replay of an old (validly signed) delivery
    try:
        expected = sign_zoom_body(body, timestamp, secret)
    except UnicodeEncodeError:
        return False
    # Constant-time compare so response timing leaks nothing about the expected digest.
    return hmac.compare_digest(expected.encode("ascii"), signature.encode("utf-8"))


def url_validation_response(plain_token: str, secret: str) -> dict[str, str]:
    """Answer to `endpoint.url_validation`: the token and its hex HMAC-SHA256 under our secret."""
    encrypted = hmac.new(
        secret.encode("utf-8"), plain_token.encode("utf-8"), hashlib.sha256
    ).hexdigest()
    return {"plainToken": plain_token, "encryptedToken": encrypted}
