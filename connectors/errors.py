"""The two kinds of connector failure, and one place that maps HTTP outcomes onto them.

Flows retry only `TransientConnectorError`, so every vendor module must classify its
failures the same way; `classify_http_status` and `timeout_error` are that shared rule.
"""

from __future__ import annotations

from datetime import datetime

from domain.errors import (
    AuthExpired,
    ConnectorError,
    PermanentConnectorError,
    TransientConnectorError,
)
from domain.retry import parse_retry_after

__all__ = [
    "AuthExpired",
    "ConnectorError",
    "PermanentConnectorError",
    "TransientConnectorError",
    "classify_http_status",
    "parse_retry_after",
    "timeout_error",
    "transport_error",
]

# Vendor error bodies are for developers; keep enough to debug without flooding logs.
_BODY_SNIPPET = 300
# 408 is a 4xx but means "you were too slow, try again": retrying is the right move.
_RETRYABLE_4XX = frozenset({408, 429})


def classify_http_status(
    provider: str,
    status: int,
    retry_after_header: str | None = None,
    body_text: str = "",
    *,
    now: datetime | None = None,
) -> ConnectorError:
    """Map a failed HTTP answer to the error flows understand: retry 429/5xx, stop on 4xx."""
    snippet = body_text.strip()[:_BODY_SNIPPET]
    message = f"{provider} answered HTTP {status}" + (f": {snippet}" if snippet else "")
    if status in _RETRYABLE_4XX or status >= 500:
        return TransientConnectorError(
            message,
            provider=provider,
            status=status,
            retry_after=parse_retry_after(retry_after_header, now=now),
        )
    if status == 401:
        return AuthExpired(message, provider=provider, status=status)
    return PermanentConnectorError(message, provider=provider, status=status)


def timeout_error(provider: str, exc: BaseException | None = None) -> TransientConnectorError:
    """A request that took too long may have landed or not: retry it (writes are idempotent)."""
    detail = f": {exc}" if exc is not None and str(exc) else ""
    return TransientConnectorError(f"{provider} timed out{detail}", provider=provider)


def transport_error(provider: str, exc: BaseException) -> TransientConnectorError:
    """Connection refused, reset or DNS failure: the vendor may be back in a moment."""
    return TransientConnectorError(
        f"{provider} unreachable: {type(exc).__name__}: {exc}", provider=provider
    )
