"""The outbox: side effects enqueued in the transaction that decided them, once per key."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from domain.enums import OutboxKind, OutboxStatus
from domain.models import OutboxEntry
from storage.models import OutboxMessage
from storage.repositories._common import table_of

_CLAIMABLE = (OutboxStatus.PENDING, OutboxStatus.FAILED)
_OUTBOX = table_of(OutboxMessage)


@functools.cache
def _add_statement(dialect: str) -> Any:
    """INSERT ... ON CONFLICT (key) DO NOTHING RETURNING id, built once per dialect."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return (
        insert(_OUTBOX)
        .on_conflict_do_nothing(index_elements=[_OUTBOX.c.key])
        .returning(_OUTBOX.c.id)
    )


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
        values = {
            "id": entry.id or uuid.uuid4(),
            "key": entry.key,
            "kind": entry.kind,
            "payload": entry.payload,
            "status": entry.status,
            "attempts": entry.attempts,
            "next_attempt_at": entry.next_attempt_at or now,
            "last_error": entry.last_error,
            "created_at": now,
            "updated_at": now,
        }
        statement = _add_statement(self._session.get_bind().dialect.name)
        inserted = (await self._session.execute(statement, values)).first()
        return inserted is not None

    async def get_by_key(self, key: str) -> OutboxEntry | None:
        """One entry by key."""
        row = await self._session.scalar(sa.select(OutboxMessage).where(OutboxMessage.key == key))
        return _to_domain(row) if row else None

    async def claim_due(
        self,
        now: datetime,
        limit: int,
        lease: timedelta,
        kinds: Sequence[OutboxKind] | None = None,
    ) -> list[OutboxEntry]:
        """Select due rows (SKIP LOCKED on PostgreSQL so workers never share one), then lease."""
        due = sa.or_(
            sa.and_(OutboxMessage.status.in_(_CLAIMABLE), OutboxMessage.next_attempt_at <= now),
            sa.and_(
                OutboxMessage.status == OutboxStatus.IN_PROGRESS,
                OutboxMessage.locked_until < now,
            ),
        )
        query = sa.select(OutboxMessage).where(due)
        if kinds:
            query = query.where(OutboxMessage.kind.in_(list(kinds)))
        query = query.order_by(OutboxMessage.next_attempt_at).limit(limit)
        if self._session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        rows = list((await self._session.scalars(query)).all())
        for row in rows:
            row.status = OutboxStatus.IN_PROGRESS
            row.locked_until = now + lease
            row.attempts += 1
            row.updated_at = now
        await self._session.flush()
        return [_to_domain(row) for row in rows]

    async def complete(self, key: str, now: datetime) -> None:
        """Done: never runs again."""
        await self._update(key, status=OutboxStatus.DONE, locked_until=None, updated_at=now)

    async def retry_later(
        self, key: str, now: datetime, error: str, next_attempt_at: datetime
    ) -> None:
        """Back to the queue after a transient failure."""
        await self._update(
            key,
            status=OutboxStatus.FAILED,
            locked_until=None,
            last_error=error[:2000],
            next_attempt_at=next_attempt_at,
            updated_at=now,
        )

    async def release(self, keys: Sequence[str], now: datetime) -> None:
        """Unfinished claims back to the queue, due now, their attempt not counted."""
        if not keys:
            return
        await self._session.execute(
            sa.update(OutboxMessage)
            .where(
                OutboxMessage.key.in_(list(keys)),
                OutboxMessage.status == OutboxStatus.IN_PROGRESS,
            )
            .values(
                status=OutboxStatus.PENDING,
                locked_until=None,
                next_attempt_at=now,
                attempts=sa.case((OutboxMessage.attempts > 0, OutboxMessage.attempts - 1), else_=0),
                updated_at=now,
            )
        )

    async def give_up(self, key: str, now: datetime, error: str) -> None:
        """Dead: kept for operators, never retried automatically."""
        await self._update(
            key,
            status=OutboxStatus.DEAD,
            locked_until=None,
            last_error=error[:2000],
            updated_at=now,
        )

    async def counts(self) -> dict[OutboxStatus, int]:
        """Rows per status."""
        rows = await self._session.execute(
            sa.select(OutboxMessage.status, sa.func.count()).group_by(OutboxMessage.status)
        )
        found = {OutboxStatus(status): int(count) for status, count in rows.all()}
        return {status: found.get(status, 0) for status in OutboxStatus}

    async def list_by_prefix(
        self,
        prefix: str,
        *,
        statuses: Sequence[OutboxStatus],
        due_before: datetime | None = None,
        limit: int = 100,
    ) -> list[OutboxEntry]:
        """Rows by key prefix; `autoescape` keeps '_' and '%' in session ids literal."""
        query = sa.select(OutboxMessage).where(
            OutboxMessage.key.startswith(prefix, autoescape=True),
            OutboxMessage.status.in_(list(statuses)),
        )
        if due_before is not None:
            query = query.where(OutboxMessage.next_attempt_at <= due_before)
        query = query.order_by(OutboxMessage.created_at, OutboxMessage.key).limit(limit)
        return [_to_domain(row) for row in (await self._session.scalars(query)).all()]

    async def next_due(self, kinds: Sequence[OutboxKind] | None = None) -> datetime | None:
        """Two index-backed MIN queries: waiting rows, and claimed rows by lease end."""
        waiting = sa.select(sa.func.min(OutboxMessage.next_attempt_at)).where(
            OutboxMessage.status.in_(_CLAIMABLE)
        )
        leased = sa.select(sa.func.min(OutboxMessage.locked_until)).where(
            OutboxMessage.status == OutboxStatus.IN_PROGRESS
        )
        if kinds:
            waiting = waiting.where(OutboxMessage.kind.in_(list(kinds)))
            leased = leased.where(OutboxMessage.kind.in_(list(kinds)))
        found = [await self._session.scalar(waiting), await self._session.scalar(leased)]
        times = [t if t.tzinfo else t.replace(tzinfo=UTC) for t in found if t is not None]
        return min(times, default=None)

    async def _update(self, key: str, **values: object) -> None:
        await self._session.execute(
            sa.update(OutboxMessage).where(OutboxMessage.key == key).values(**values)
        )


def _to_domain(row: OutboxMessage) -> OutboxEntry:
    return OutboxEntry(
        key=row.key,
        kind=OutboxKind(row.kind),
        payload=dict(row.payload),
        status=OutboxStatus(row.status),
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        last_error=row.last_error,
        id=row.id,
    )
