"""Email sign-in challenges: hashes, send times for the hourly limit, wrong tries."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from domain.ports.login import LoginChallenge
from storage.models import LoginCode as LoginCodeRow
from storage.repositories._common import affected_rows


def _to_domain(row: LoginCodeRow) -> LoginChallenge:
    """Copy a row into the domain record."""
    return LoginChallenge(
        id=row.id,
        email=row.email,
        client_id=row.client_id,
        identity_id=row.identity_id,
        code_hash=row.code_hash,
        created_at=row.created_at,
        expires_at=row.expires_at,
        wrong_tries=row.wrong_tries,
        used_at=row.used_at,
    )


class SqlLoginCodeRepository:
    """`LoginCodeRepository` inside the caller's session."""

    def __init__(self, session: AsyncSession) -> None:
        """Work inside the caller's session."""
        self._session = session

    async def add(self, challenge: LoginChallenge) -> None:
        """Insert and flush, so the hourly count in this transaction sees it."""
        self._session.add(
            LoginCodeRow(
                id=challenge.id,
                email=challenge.email,
                client_id=challenge.client_id,
                identity_id=challenge.identity_id,
                code_hash=challenge.code_hash,
                wrong_tries=challenge.wrong_tries,
                expires_at=challenge.expires_at,
                used_at=challenge.used_at,
                created_at=challenge.created_at,
            )
        )
        await self._session.flush()

    async def sent_since(self, email: str, since: datetime) -> list[datetime]:
        """Creation times of the email's codes since `since`, oldest first (indexed)."""
        stmt = (
            sa.select(LoginCodeRow.created_at)
            .where(LoginCodeRow.email == email, LoginCodeRow.created_at >= since)
            .order_by(LoginCodeRow.created_at)
        )
        return list(await self._session.scalars(stmt))

    async def latest_for(self, identity_id: UUID) -> LoginChallenge | None:
        """The chat account's newest unused code: a new code replaces the one before."""
        stmt = (
            sa.select(LoginCodeRow)
            .where(LoginCodeRow.identity_id == identity_id)
            .order_by(LoginCodeRow.created_at.desc(), LoginCodeRow.id)
            .limit(1)
            .execution_options(populate_existing=True)
        )
        row = (await self._session.scalars(stmt)).first()
        return None if row is None or row.used_at is not None else _to_domain(row)

    async def count_wrong_try(self, challenge_id: UUID) -> None:
        """Increment in SQL, so two wrong answers at once both count."""
        await self._session.execute(
            sa.update(LoginCodeRow)
            .where(LoginCodeRow.id == challenge_id)
            .values(wrong_tries=LoginCodeRow.wrong_tries + 1)
            .execution_options(synchronize_session=False)
        )

    async def use(self, challenge_id: UUID, now: datetime) -> bool:
        """Check and mark in one statement: a code works once."""
        result = await self._session.execute(
            sa.update(LoginCodeRow)
            .where(LoginCodeRow.id == challenge_id, LoginCodeRow.used_at.is_(None))
            .values(used_at=now)
            .execution_options(synchronize_session=False)
        )
        return affected_rows(result) == 1

    async def discard(self, challenge_id: UUID) -> None:
        """Delete a challenge whose email never left."""
        await self._session.execute(
            sa.delete(LoginCodeRow)
            .where(LoginCodeRow.id == challenge_id)
            .execution_options(synchronize_session=False)
        )
