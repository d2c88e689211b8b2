"""Errors the domain raises for people, and the two kinds connectors raise for flows."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A rule said no; `code` picks the message a person sees, `params` fill it."""

    code = "error"

    def __init__(self, detail: str = "", **params: Any) -> None:
        """Keep a developer-facing detail and the parameters of the user-facing message."""
        super().__init__(detail or self.code)
        self.params = params


class NotFound(DomainError):
    """The thing asked for does not exist (or is not yours)."""

    code = "not_found"


class InvalidRequest(DomainError):
    """The request is malformed or impossible (bad date, unknown service)."""

    code = "invalid_request"


class SlotUnavailable(DomainError):
    """Someone else holds or booked the time, or it is outside open hours."""

    code = "slot_unavailable"


class HoldExpired(DomainError):
    """The hold ran out before it was confirmed."""

    code = "hold_expired"


class InvalidTransition(DomainError):
    """The booking is not in a state that allows this change."""

    code = "invalid_transition"


class AccessDenied(DomainError):
    """The caller proved no right to this (a wrong feed token, a bad signature)."""

    code = "access_denied"


class CancellationRefused(DomainError):
    """Too late to cancel or reschedule under the reader's policy."""

    code = "cancellation_refused"


class PaymentRequired(DomainError):
    """The service is paid before it is confirmed: the hold waits for the payment."""

    code = "payment_required"


class ConcurrentUpdate(DomainError):
    """Someone changed the row first; the caller may reload and retry."""

    code = "concurrent_update"


class TooManyAttempts(DomainError):
    """A limit on tries or sends was reached; `retry_at` says when trying again may work."""

    code = "too_many_attempts"


class WrongCode(DomainError):
    """A one-time code did not match; `tries_left` says how many more are allowed."""

    code = "wrong_code"


class CodeExpired(DomainError):
    """No one-time code is waiting (never sent, used, or past its expiry)."""

    code = "code_expired"


class ConnectorError(Exception):
    """A call to an external system failed."""

    def __init__(self, message: str, *, provider: str = "", status: int | None = None) -> None:
        """Record which provider failed and with which HTTP status, if any."""
        super().__init__(message)
        self.provider = provider
        self.status = status


class TransientConnectorError(ConnectorError):
    """Worth retrying: 429, 5xx, timeouts; `retry_after` is the wait the vendor named."""

    def __init__(
        self,
        message: str,
        *,
        provider: str = "",
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        """Carry the vendor's requested wait, in seconds, when it gave one."""
        super().__init__(message, provider=provider, status=status)
        self.retry_after = retry_after


class PermanentConnectorError(ConnectorError):
    """Retrying will not help: other 4xx, bad data."""


class AuthExpired(PermanentConnectorError):
    """Credentials were revoked or expired: a person must reconnect the account."""
