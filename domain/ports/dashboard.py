"""One-time sign-in links to the dashboard: only a hash of each token is ever stored."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID


@dataclass(frozen=True, slots=True)
class DashboardLinkRecord:
    """A sign-in link for one reader (their figures) or for an admin (the platform's)."""

    id: UUID
    token_hash: str  # SHA-256 hex of the token in the URL
    reader_id: UUID | None
    is_admin: bool
    expires_at: datetime
    created_at: datetime
    used_at: datetime | None = None


class DashboardLinkRepository(Protocol):
    """Dashboard sign-in links."""

    async def add(self, link: DashboardLinkRecord) -> None:
        """Store a new link.

        Args:
            link: The link, with the token's hash (never the token).
        """
        ...

    async def consume(self, token_hash: str, now: datetime) -> DashboardLinkRecord | None:
        """Mark a link used, in the one statement that checks it is unused and unexpired.

        Args:
            token_hash: The hash of the token that was presented.
            now: The time of use.

        Returns:
            The link as it now is, or None when no unused, unexpired link has that hash
            (two requests racing with one token: exactly one gets it).
        """
        ...

    async def find(self, token_hash: str) -> DashboardLinkRecord | None:
        """A link by its hash, used or not, to say why it was refused.

        Args:
            token_hash: The hash of the presented token.

        Returns:
            The link, or None when no link ever had that hash.
        """
        ...
