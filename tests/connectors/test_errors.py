"""One rule for every vendor: 429/5xx retry (with the vendor's wait), 401 re-auth, 4xx stop."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from connectors.errors import (
    AuthExpired,
    PermanentConnectorError,
    TransientConnectorError,
    classify_http_status,
    parse_retry_after,
    timeout_error,
)

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504])
def test_throttling_and_server_errors_are_transient(status: int) -> None:
    error = classify_http_status("zoom", status, None, "")
    assert isinstance(error, TransientConnectorError)
    assert (error.provider, error.status) == ("zoom", status)


def test_401_asks_a_person_to_reconnect() -> None:
    assert isinstance(classify_http_status("google", 401, None, ""), AuthExpired)


@pytest.mark.parametrize("status", [400, 403, 404, 409, 410, 422])
def test_other_client_errors_are_permanent(status: int) -> None:
    error = classify_http_status("google", status, None, '{"error": "nope"}')
    assert type(error) is PermanentConnectorError
    assert "nope" in str(error)


def test_retry_after_in_seconds_is_carried() -> None:
    error = classify_http_status("zoom", 429, "12", "")
    assert isinstance(error, TransientConnectorError)
    assert error.retry_after == 12.0


def test_retry_after_as_an_http_date_counts_from_now() -> None:
    assert parse_retry_after("Sun, 01 Mar 2026 12:00:30 GMT", now=NOW) == 30.0
    assert parse_retry_after("Sun, 01 Mar 2026 11:00:00 GMT", now=NOW) == 0.0


@pytest.mark.parametrize("value", [None, "", "soon", "-5"])
def test_unusable_retry_after_values_mean_no_hint(value: str | None) -> None:
    assert parse_retry_after(value, now=NOW) in (None, 0.0)


def test_long_vendor_bodies_are_cut_in_messages() -> None:
    error = classify_http_status("google", 400, None, "x" * 5000)
    assert len(str(error)) < 400


def test_a_timeout_is_transient() -> None:
    error = timeout_error("zoom", TimeoutError("read timed out"))
    assert isinstance(error, TransientConnectorError)
    assert "timed out" in str(error)
