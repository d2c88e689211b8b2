"""Deterministic calendar event ids, so a retried create can never make a second event."""

from __future__ import annotations

import base64
import hashlib
import re

__all__ = ["EVENT_ID_PREFIX", "event_id_for", "is_our_event_id"]

# Google event ids allow only base32hex (a-v, 0-9); "samia" fits that alphabet and lets a
# sync recognise our events even when a deleted event comes back as a bare id.
EVENT_ID_PREFIX = "samia"
_DIGEST_CHARS = 52  # sha256 is 256 bits; base32 carries 5 bits per character.
_OURS = re.compile(rf"^{EVENT_ID_PREFIX}[0-9a-v]{{{_DIGEST_CHARS}}}$")


def event_id_for(idempotency_key: str) -> str:
    """The event id for a key: prefix + base32hex(sha256(key)), 57 chars, lowercase."""
    if not idempotency_key:
        raise ValueError("idempotency_key must not be empty")
    digest = hashlib.sha256(idempotency_key.encode("utf-8")).digest()
    encoded = base64.b32hexencode(digest).decode("ascii").rstrip("=").lower()
    return EVENT_ID_PREFIX + encoded


def is_our_event_id(event_id: str) -> bool:
    """Whether an id has the exact shape `event_id_for` produces."""
    return bool(_OURS.match(event_id))
