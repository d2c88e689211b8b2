"""Web chat session ids that only the server can mint, so nobody reads another's chat.

A session id is 128 random bits plus an HMAC-SHA256 tag over them under a key derived
from the hub's secret key: checking one needs no database row (a turn stays one lookup),
an id the server did not issue fails the tag, and the ids survive a restart as long as
the secret key does. The tag is compared in constant time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

__all__ = ("SESSION_PATTERN", "WebChatSessions")

_RANDOM_BYTES = 16  # 128 bits: not guessable, not enumerable
_TAG_BYTES = 16
_CONTEXT = b"samia-webchat-session-v1"
# 22 base64url characters of randomness, a dot, 22 of tag.
SESSION_PATTERN = r"^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{22}$"
_SHAPE = re.compile(SESSION_PATTERN)


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


class WebChatSessions:
    """Issues and checks web chat session ids under one secret."""

    def __init__(self, secret: bytes) -> None:
        """Derive this purpose's own key, so the tag never reveals anything of `secret`."""
        self._key = hmac.new(secret, _CONTEXT, hashlib.sha256).digest()

    def issue(self) -> str:
        """A new session id for a page or a script that arrived without one."""
        nonce = _b64(secrets.token_bytes(_RANDOM_BYTES))
        return f"{nonce}.{self._tag(nonce)}"

    def is_issued(self, session: str) -> bool:
        """True only for an id this server (or one with the same secret) issued."""
        if not _SHAPE.match(session):
            return False
        nonce, tag = session.split(".", 1)
        return hmac.compare_digest(tag, self._tag(nonce))

    def _tag(self, nonce: str) -> str:
        mac = hmac.new(self._key, nonce.encode("ascii"), hashlib.sha256).digest()
        return _b64(mac[:_TAG_BYTES])
