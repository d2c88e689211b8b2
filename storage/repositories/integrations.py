"""Integration accounts: encrypted per-reader credentials, read by the flows' wiring."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from domain.enums import IntegrationHealth, Provider
from storage.models import IntegrationAccount


def reader_owner_key(reader_id: UUID) -> str:
    """`owner_key` of a reader's own account ("platform" is the other kind)."""
    return f"reader:{reader_id}"


class SqlIntegrationAccounts:
    """Encrypted credentials by owner and provider; decryption is the caller's job."""

    def __init__(self, session: AsyncSession) -> None:
        """Work inside the caller's session."""
        self._session = session

    async def for_reader(self, reader_id: UUID) -> dict[Provider, bytes]:
        """The reader's own accounts, by provider (ciphertext)."""
        rows = await self._session.execute(
            sa.select(IntegrationAccount.provider, IntegrationAccount.credentials_encrypted).where(
                IntegrationAccount.owner_key == reader_owner_key(reader_id)
            )
        )
        return {Provider(provider): bytes(blob) for provider, blob in rows.all()}

    async def save_for_reader(
        self, reader_id: UUID, provider: Provider, ciphertext: bytes, now: datetime
    ) -> None:
        """Store or replace a reader's account (used by onboarding, tests and the CLI)."""
        existing = await self._session.scalar(
            sa.select(IntegrationAccount).where(
                IntegrationAccount.owner_key == reader_owner_key(reader_id),
                IntegrationAccount.provider == provider,
            )
        )
        if existing is None:
            self._session.add(
                IntegrationAccount(
                    owner_key=reader_owner_key(reader_id),
                    reader_id=reader_id,
                    provider=provider,
                    credentials_encrypted=ciphertext,
                    health=IntegrationHealth.UNKNOWN,
                    created_at=now,
                )
            )
        else:
            existing.credentials_encrypted = ciphertext
            existing.health = IntegrationHealth.UNKNOWN
            existing.last_error = None
        await self._session.flush()

    async def mark(
        self,
        reader_id: UUID,
        provider: Provider,
        health: IntegrationHealth,
        error: str | None,
        now: datetime,
    ) -> None:
        """Record whether the account worked (AUTH_EXPIRED shows what to reconnect)."""
        await self._session.execute(
            sa.update(IntegrationAccount)
            .where(
                IntegrationAccount.owner_key == reader_owner_key(reader_id),
                IntegrationAccount.provider == provider,
            )
            .values(health=health, last_error=error, last_checked_at=now)
        )
