"""Conversation state in the database, compare-and-set on `version` across processes.

Every turn loads and saves one row, so this store skips the ORM: its statements are
built once, here, and run on a plain connection (measured: about a third of a turn's
database time went to ORM bookkeeping for these two statements).
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine

from domain.ports.conversations import StaleConversation, StoredConversation
from storage.models import ConversationState
from storage.repositories._common import table_of

_STATES = table_of(ConversationState)
# What every save writes, bound as `new_<column>` (the column names are taken by SET).
_NEW_VALUES = {
    name: sa.bindparam(f"new_{name}", type_=_STATES.c[name].type)
    for name in ("conversation", "state", "context", "expires_at", "updated_at")
}

_LOAD = sa.select(
    _STATES.c.conversation,
    _STATES.c.state,
    _STATES.c.context,
    _STATES.c.version,
    _STATES.c.expires_at,
).where(_STATES.c.key == sa.bindparam("row_key"))

_UPDATE = (
    sa.update(_STATES)
    .where(
        _STATES.c.key == sa.bindparam("row_key"),
        _STATES.c.version == sa.bindparam("read_version"),
    )
    .values(version=sa.bindparam("new_version", type_=sa.Integer), **_NEW_VALUES)
    .returning(_STATES.c.key)
)


# Where a conversation stands is the one write of a turn that may be lost in a crash of
# the database server (the person is asked the last question again; PostgreSQL never
# applies half of it): its commit does not wait for the WAL to reach the disk, which took
# a third of a typing turn here. Bookings, payments and the outbox commit durably.
_NO_WAIT_FOR_DISK = sa.text("SET LOCAL synchronous_commit TO OFF")

# PostgreSQL: the update is its own transaction (autocommit) and switches that setting for
# itself, so a save is one round trip instead of four (BEGIN, SET, UPDATE, COMMIT): a
# transaction-local setting holds until the commit record is written, and the WHERE
# evaluates the uncorrelated set_config once, before any row.
_UPDATE_RELAXED = _UPDATE.where(
    sa.select(sa.func.set_config("synchronous_commit", "off", sa.true()))
    .scalar_subquery()
    .is_not(None)
)


def _insert(dialect: str) -> Any:
    # RETURNING, not rowcount: psycopg reports -1 for INSERT ... ON CONFLICT DO NOTHING.
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return (
        insert(_STATES)
        .values(key=sa.bindparam("row_key"), version=1, **_NEW_VALUES)
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(_STATES.c.key)
    )


class SqlConversationStore:
    """One row per conversation key; a save that lost the race raises StaleConversation."""

    def __init__(self, engine: AsyncEngine, *, gate: asyncio.Lock | None = None) -> None:
        """Use short transactions of our own; `gate` queues SQLite writers in this process."""
        self._engine = engine
        self._gate = gate or contextlib.nullcontext()
        self._insert = _insert(engine.dialect.name)
        self._relaxed_commit = engine.dialect.name == "postgresql"
        # One statement needs no transaction: on PostgreSQL the load is one round trip
        # instead of three (BEGIN, SELECT, ROLLBACK).
        self._autocommit = (
            engine.execution_options(isolation_level="AUTOCOMMIT")
            if engine.dialect.name == "postgresql"
            else engine
        )

    async def load(self, key: str) -> StoredConversation | None:
        """The saved state of a key, or None."""
        async with self._autocommit.connect() as connection:
            row = (await connection.execute(_LOAD, {"row_key": key})).first()
            await connection.rollback()  # nothing to roll back in autocommit: no round trip
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
            "row_key": key,
            "new_conversation": stored.conversation or "",
            "new_state": stored.state or "",
            "new_context": stored.context,
            "new_expires_at": stored.expires_at,
            "new_updated_at": now,
        }
        if stored.version == 0:
            async with self._gate, self._engine.begin() as connection:
                if self._relaxed_commit:
                    await connection.execute(_NO_WAIT_FOR_DISK)
                changed = len((await connection.execute(self._insert, values)).all())
        else:
            values |= {"read_version": stored.version, "new_version": stored.version + 1}
            changed = await self._update(values)
        if changed != 1:
            raise StaleConversation(key)
        stored.version += 1

    async def _update(self, values: dict[str, Any]) -> int:
        if self._relaxed_commit:
            async with self._autocommit.connect() as connection:
                changed = len((await connection.execute(_UPDATE_RELAXED, values)).all())
                await connection.rollback()  # autocommit: the update is committed, no round trip
            return changed
        async with self._gate, self._engine.begin() as connection:
            return len((await connection.execute(_UPDATE, values)).all())
