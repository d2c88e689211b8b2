"""Conversation state in the database, compare-and-set on `version` across processes."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bots.engine.store import StaleConversation, StoredConversation
from storage.models import ConversationState


class SqlConversationStore:
    """One row per conversation key; a save that lost the race raises StaleConversation."""

    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], *, gate: asyncio.Lock | None = None
    ) -> None:
        """Use short transactions of our own; `gate` queues SQLite writers in this process."""
        self._sessions = sessions
        self._gate = gate or contextlib.nullcontext()

    async def load(self, key: str) -> StoredConversation | None:
        """The saved state of a key, or None."""
        async with self._sessions() as session:
            row = await session.get(ConversationState, key)
            if row is None:
                return None
            return StoredConversation(
                conversation=row.conversation or None,
                state=row.state or None,
                context=dict(row.context or {}),
                version=row.version,
                expires_at=row.expires_at,
            )

    async def save(self, key: str, stored: StoredConversation, *, now: datetime) -> None:
        """Insert the first version, or update only if the version is still the one read."""
        values: dict[str, Any] = {
            "conversation": stored.conversation or "",
            "state": stored.state or "",
            "context": stored.context,
            "expires_at": stored.expires_at,
            "updated_at": now,
        }
        async with self._gate, self._sessions() as session, session.begin():
            if stored.version == 0:
                changed = await self._insert(session, key, values)
            else:
                result = await session.execute(
                    sa.update(ConversationState)
                    .where(
                        ConversationState.key == key,
                        ConversationState.version == stored.version,
                    )
                    .values(version=stored.version + 1, **values)
                    .returning(ConversationState.key)
                )
                changed = len(result.all())
        if changed != 1:
            raise StaleConversation(key)
        stored.version += 1

    @staticmethod
    async def _insert(session: AsyncSession, key: str, values: dict[str, Any]) -> int:
        dialect = session.bind.dialect.name if session.bind else "sqlite"
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        statement = (
            insert(ConversationState)
            .values(key=key, version=1, **values)
            .on_conflict_do_nothing(index_elements=["key"])
            .returning(ConversationState.key)
        )
        # RETURNING, not rowcount: psycopg reports -1 for INSERT ... ON CONFLICT DO NOTHING.
        return len((await session.execute(statement)).all())
