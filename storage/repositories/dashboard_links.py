"""Dashboard sign-in links: stored by token hash, used once in one conditional UPDATE."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from domain.ports.dashboard import DashboardLinkRecord
from storage.models import DashboardLink
from storage.repositories._common import affected_rows


def _to_domain(row: DashboardLink) -> DashboardLinkRecord:
    """Copy a row into the domain record."""
    return DashboardLinkRecord(
        id=row.id,
        token_hash=row.token_hash,
        reader_id=row.reader_id,
        is_admin=row.is_admin,
        expires_at=row.expires_at,
        created_at=row.created_at,
        used_at=row.used_at,
    )


class SqlDashboardLinkRepository:
    """`DashboardLinkRepository` inside the caller's session."""

    def __init__(self, session: AsyncSession) -> None:
        """Work inside the caller's session."""
        self._session = session

    async def add(self, link: DashboardLinkRecord) -> None:
        """Insert and flush, so a unique-hash clash shows here rather than at commit."""
        self._session.add(
            DashboardLink(
                id=link.id,
                token_hash=link.token_hash,
                reader_id=link.reader_id,
                is_admin=link.is_admin,
                expires_at=link.expires_at,
                used_at=link.used_at,
                created_at=link.created_at,
            )
        )
        await self._session.flush()

    async def consume(self, token_hash: str, now: datetime) -> DashboardLinkRecord | None:
        """Check and mark in one statement: of two requests with one token, one wins."""
        result = await self._session.execute(
            sa.update(DashboardLink)
            .where(
                DashboardLink.token_hash == token_hash,
                DashboardLink.used_at.is_(None),
                DashboardLink.expires_at > now,
            )
            .values(used_at=now)
            .execution_options(synchronize_session=False)
        )
        if affected_rows(result) != 1:
            return None
        return await self.find(token_hash)

    async def find(self, token_hash: str) -> DashboardLinkRecord | None:
        """By the unique hash; fresh from the database, not the session's identity map."""
        row = (
            await self._session.scalars(
                sa.select(DashboardLink)
                .where(DashboardLink.token_hash == token_hash)
                .execution_options(populate_existing=True)
            )
        ).first()
        return None if row is None else _to_domain(row)
