"""The outbox: side effects enqueued in the transaction that decided them, once per key."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from domain.models import OutboxEntry
from storage.models import OutboxMessage


class SqlOutboxRepository:
    """`OutboxRepository` over one AsyncSession."""

    def __init__(self, session: AsyncSession) -> None:
        """Work inside the caller's session (the unit of work owns the transaction)."""
        self._session = session

    async def add(self, entry: OutboxEntry, now: datetime) -> bool:
        """Insert unless the key exists, without an error that would abort the transaction.

        `INSERT ... ON CONFLICT (key) DO NOTHING RETURNING id` (SQLite >= 3.35 and
        PostgreSQL) answers "was it new?" in one statement; a plain INSERT would raise and,
        on PostgreSQL, poison the whole transaction unless wrapped in a savepoint.
        """
        dialect = self._session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        stmt = (
            insert(OutboxMessage)
            .values(
                id=entry.id or uuid.uuid4(),
                key=entry.key,
                kind=entry.kind,
                payload=entry.payload,
                status=entry.status,
                attempts=entry.attempts,
                next_attempt_at=entry.next_attempt_at or now,
                last_error=entry.last_error,
                created_at=now,
                updated_at=now,
            )
            .on_conflict_do_nothing(index_elements=[OutboxMessage.key])
            .returning(OutboxMessage.id)
        )
        inserted = (await self._session.execute(stmt)).first()
        return inserted is not None
