"""The conversation store port: state between events (PTB's BasePersistence, one row per key).

Declared here so that storage implements it without depending on `bots/`; the engine
re-exports it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol


class StaleConversation(Exception):
    """Another process saved this conversation first; this step's result is discarded."""


@dataclass(slots=True)
class StoredConversation:
    """State of one conversation key."""

    conversation: str | None = None
    state: str | None = None
    context: dict[str, Any] = field(default_factory=dict)
    version: int = 0
    expires_at: datetime | None = None


class ConversationStore(Protocol):
    """Loads and saves conversation state with an optimistic version."""

    async def load(self, key: str) -> StoredConversation | None:
        """The saved state of a key.

        Args:
            key: The conversation key.

        Returns:
            The state, or None if the key was never saved.
        """
        ...

    async def save(self, key: str, stored: StoredConversation, *, now: datetime) -> None:
        """Save if nobody saved since `stored.version` was read; bumps the version.

        Args:
            key: The conversation key.
            stored: New state; its `version` is the one that was loaded (0 for new).
            now: Save time.

        Raises:
            StaleConversation: The stored version moved on.
        """
        ...


__all__ = ("ConversationStore", "StaleConversation", "StoredConversation")
