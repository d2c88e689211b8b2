"""Prepaid package sessions: conditional UPDATEs so two bookings never spend the same one."""

from __future__ import annotations

import uuid
from datetime import datetime
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from domain.ports.catalog import PackageBalance
from storage.models import PackageCredit as CreditRow
from storage.repositories._common import affected_rows


class SqlPackageRepository:
    """`PackageRepository` over one AsyncSession."""

    def __init__(self, session: AsyncSession) -> None:
        """Work inside the caller's session (the unit of work owns the transaction)."""
        self._session = session

    async def available_credit(
        self, client_id: UUID, service_id: UUID, now: datetime
    ) -> UUID | None:
        """A usable credit, the one expiring soonest first so none lapses unused."""
        stmt = (
            sa.select(CreditRow.id)
            .where(
                CreditRow.client_id == client_id,
                CreditRow.service_id == service_id,
                CreditRow.sessions_remaining > 0,
                sa.or_(CreditRow.expires_at.is_(None), CreditRow.expires_at > now),
            )
            .order_by(CreditRow.expires_at.asc().nulls_last(), CreditRow.purchased_at, CreditRow.id)
            .limit(1)
        )
        return (await self._session.scalars(stmt)).first()

    async def consume(self, credit_id: UUID) -> bool:
        """Decrement only if a session is left, in one statement, so it cannot go negative."""
        stmt = (
            sa.update(CreditRow)
            .where(CreditRow.id == credit_id, CreditRow.sessions_remaining > 0)
            .values(sessions_remaining=CreditRow.sessions_remaining - 1)
            .execution_options(synchronize_session=False)
        )
        return affected_rows(await self._session.execute(stmt)) == 1

    async def balance(self, credit_id: UUID) -> PackageBalance | None:
        """Read after `consume` in the same transaction, so it counts that session too."""
        stmt = sa.select(CreditRow.service_id, CreditRow.sessions_remaining).where(
            CreditRow.id == credit_id
        )
        row = (await self._session.execute(stmt)).first()
        return PackageBalance(row.service_id, row.sessions_remaining) if row else None

    async def restore(self, credit_id: UUID) -> None:
        """Give one session back, never above the package's total (a repeat is harmless)."""
        stmt = (
            sa.update(CreditRow)
            .where(
                CreditRow.id == credit_id,
                CreditRow.sessions_remaining < CreditRow.sessions_total,
            )
            .values(sessions_remaining=CreditRow.sessions_remaining + 1)
            .execution_options(synchronize_session=False)
        )
        await self._session.execute(stmt)

    async def grant(
        self,
        *,
        client_id: UUID,
        service_id: UUID,
        sessions_total: int,
        sessions_remaining: int,
        now: datetime,
    ) -> UUID:
        """Insert a bought package (no expiry: the port does not carry one yet)."""
        credit_id = uuid.uuid4()
        self._session.add(
            CreditRow(
                id=credit_id,
                client_id=client_id,
                service_id=service_id,
                sessions_total=sessions_total,
                sessions_remaining=sessions_remaining,
                purchased_at=now,
            )
        )
        await self._session.flush()
        return credit_id
