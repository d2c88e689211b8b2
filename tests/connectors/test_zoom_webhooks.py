"""Zoom webhook authenticity: v0 signatures over raw bytes, replay window, URL validation."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest

from connectors.meetings.webhooks import (
    sign_zoom_body,
    url_validation_response,
    verify_zoom_signature,
)

SECRET = "zoom-webhook-secret-token"
NOW = 1_760_000_000.0
BODY = json.dumps(
    {"event": "meeting.started", "event_ts": 1760000000123, "payload": {"object": {"id": 85}}},
    separators=(",", ":"),
).encode()


def zoom_signature(body: bytes, timestamp: str, secret: str = SECRET) -> str:
    """Zoom's documented recipe, written out independently of the code under test."""
    message = f"v0:{timestamp}:{body.decode()}"
    return "v0=" + hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def test_a_correctly_signed_fresh_request_is_accepted() -> None:
    stamp = str(int(NOW))
    assert verify_zoom_signature(BODY, stamp, zoom_signature(BODY, stamp), SECRET, NOW)


def test_our_signer_matches_zoom_recipe() -> None:
    assert sign_zoom_body(BODY, "1760000000", SECRET) == zoom_signature(BODY, "1760000000")


def test_a_tampered_body_is_rejected() -> None:
    stamp = str(int(NOW))
    signature = zoom_signature(BODY, stamp)
    assert not verify_zoom_signature(BODY.replace(b"85", b"86"), stamp, signature, SECRET, NOW)


def test_a_reserialised_body_is_rejected_so_we_must_hash_raw_bytes() -> None:
    stamp = str(int(NOW))
    pretty = json.dumps(json.loads(BODY), indent=2).encode()
    assert not verify_zoom_signature(pretty, stamp, zoom_signature(BODY, stamp), SECRET, NOW)


def test_another_secret_is_rejected() -> None:
    stamp = str(int(NOW))
    forged = zoom_signature(BODY, stamp, secret="guess")
    assert not verify_zoom_signature(BODY, stamp, forged, SECRET, NOW)


@pytest.mark.parametrize("age", [301, -301, 86_400])
def test_a_request_outside_the_replay_window_is_rejected(age: int) -> None:
    stamp = str(int(NOW) - age)
    assert not verify_zoom_signature(BODY, stamp, zoom_signature(BODY, stamp), SECRET, NOW)


def test_the_replay_window_edge_is_still_accepted() -> None:
    stamp = str(int(NOW) - 300)
    assert verify_zoom_signature(BODY, stamp, zoom_signature(BODY, stamp), SECRET, NOW)


@pytest.mark.parametrize(("stamp", "signature"), [("", "v0=00"), ("soon", "v0=00"), ("1", "")])
def test_malformed_headers_are_rejected(stamp: str, signature: str) -> None:
    assert not verify_zoom_signature(BODY, stamp, signature, SECRET, NOW)


def test_url_validation_answers_with_the_hmac_of_the_plain_token() -> None:
    answer = url_validation_response("qgg8vlvZRS6UYooatFL8Aw", SECRET)
    expected = hmac.new(SECRET.encode(), b"qgg8vlvZRS6UYooatFL8Aw", hashlib.sha256).hexdigest()
    assert answer == {"plainToken": "qgg8vlvZRS6UYooatFL8Aw", "encryptedToken": expected}
