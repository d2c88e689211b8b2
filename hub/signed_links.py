"""Links that open one document without signing in: `?exp=<unix>&sig=<hex>` over the path.

The tag is HMAC-SHA256 over the path and the expiry under a key derived from the hub's
secret key (`SAMIA_SECRET_KEY` or var/secret.key), so checking a link needs no database
row, a link for one document opens no other (the id is in the path), nobody can move
its expiry, and links keep working across restarts as long as the secret does. Tags are
compared in constant time. Sign and verify the app's own path (`/api/v1/invoices/<id>.pdf`),
never the request's URL, so a proxy prefix or a reordered query changes nothing.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from datetime import datetime, timedelta
from urllib.parse import urlencode
from uuid import UUID

from domain.clock import Clock
from hub.secrets import secret_key_material
from hub.settings import Settings

__all__ = ("LINK_LIFETIME", "LinkSigner", "link_signer")

LINK_LIFETIME = timedelta(days=7)  # long enough to open a chat's document next week
_CONTEXT = b"samia-signed-link-v1"
_SIG_HEX = 64  # the whole SHA-256 tag


class LinkSigner:
    """Signs and checks document links under one secret."""

    def __init__(self, secret: bytes, *, public_url: str = "http://127.0.0.1:8000") -> None:
        """Derive this purpose's own key, so a tag reveals nothing of `secret`."""
        self._key = hmac.new(secret, _CONTEXT, hashlib.sha256).digest()
        self._public_url = public_url.rstrip("/")

    def sign(self, path: str, *, expires_at: datetime) -> str:
        """The query (`exp=...&sig=...`, no `?`) that opens `path` until `expires_at`."""
        exp = int(expires_at.timestamp())
        return urlencode({"exp": exp, "sig": self._tag(path, exp)})

    def verify(self, path: str, exp: str | int | None, sig: str | None, *, now: datetime) -> bool:
        """True only for a tag this hub made for exactly this path, before it expires."""
        if exp is None or sig is None or len(sig) != _SIG_HEX:
            return False
        try:
            expiry = int(exp)
        except ValueError:
            return False
        if expiry <= now.timestamp():
            return False
        return hmac.compare_digest(sig.encode("ascii", "replace"), self._tag(path, expiry).encode())

    def url(self, path: str, *, now: datetime, lifetime: timedelta = LINK_LIFETIME) -> str:
        """The absolute signed URL under SAMIA_PUBLIC_URL, good for `lifetime` from `now`."""
        return f"{self._public_url}{path}?{self.sign(path, expires_at=now + lifetime)}"

    def _tag(self, path: str, exp: int) -> str:
        # A newline cannot occur in a URL path, so (path, exp) pairs never collide.
        return hmac.new(self._key, f"{path}\n{exp}".encode(), hashlib.sha256).hexdigest()


def links_to(
    links: LinkSigner, clock: Clock, path_of: Callable[[UUID], str]
) -> Callable[[UUID], str]:
    """Signed absolute links to one kind of document, each good for the default week."""

    def link(document_id: UUID) -> str:
        return links.url(path_of(document_id), now=clock.now())

    return link


def link_signer(settings: Settings) -> LinkSigner:
    """The hub's signer: its secret key, links under its public URL."""
    return LinkSigner(secret_key_material(settings), public_url=settings.public_url)
