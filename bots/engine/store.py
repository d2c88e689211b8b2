"""Where conversation state lives between events: the port (in the domain) and a memory store."""

from __future__ import annotations

import copy
from datetime import datetime

from domain.ports.conversations import ConversationStore, StaleConversation, StoredConversation

__all__ = (
    "ConversationStore",
    "MemoryConversationStore",
    "StaleConversation",
    "StoredConversation",
)


class MemoryConversationStore:
    """In-process store for tests and the console."""

    def __init__(self) -> None:
        """Start empty."""
        self._rows: dict[str, StoredConversation] = {}

    async def load(self, key: str) -> StoredConversation | None:
        """A deep copy, so a step cannot change what is stored without saving."""
        row = self._rows.get(key)
        return copy.deepcopy(row) if row else None

    async def save(self, key: str, stored: StoredConversation, *, now: datetime) -> None:
        """Compare-and-set on the version."""
        current = self._rows.get(key)
        if (current.version if current else 0) != stored.version:
            raise StaleConversation(key)
        saved = copy.deepcopy(stored)
        saved.version += 1
        self._rows[key] = saved
        stored.version = saved.version
