"""Clients; emails are stored lower-cased so lookups are case-insensitive and use the index."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncSession

from domain.clock import Clock, SystemClock
from domain.errors import NotFound
from domain.models import Client
from storage.models import Client as ClientRow
from storage.repositories._common import affected_rows, row_by_id


def normalize_email(email: str | None) -> str | None:
    """One spelling per address, so the unique index also refuses 'A@x' next to 'a@x'."""
    return None if email is None else email.strip().lower()


def _to_domain(row: ClientRow | Row[Any]) -> Client:
    """Copy a row into the domain record."""
    return Client(
        id=row.id,
        referral_code=row.referral_code,
        name=row.name,
        email=row.email,
        phone=row.phone,
        language=row.language,
        timezone=row.timezone,
        country=row.country,
        preferred_channel=row.preferred_channel,
        marketing_consent=row.marketing_consent,
        referred_by_id=row.referred_by_id,
        created_at=row.created_at,
    )


def _changeable(client: Client) -> dict[str, Any]:
    """Every column the domain record carries, except the id and the creation time."""
    return {
        "referral_code": client.referral_code,
        "name": client.name,
        "email": normalize_email(client.email),
        "phone": client.phone,
        "language": client.language,
        "timezone": client.timezone,
        "country": client.country,
        "preferred_channel": client.preferred_channel,
        "marketing_consent": client.marketing_consent,
        "referred_by_id": client.referred_by_id,
    }


class SqlClientRepository:
    """`ClientRepository` over one AsyncSession."""

    def __init__(self, session: AsyncSession, clock: Clock | None = None) -> None:
        """Work inside the caller's session; the clock stamps created_at when missing."""
        self._session = session
        self._clock = clock or SystemClock()

    async def get(self, client_id: UUID) -> Client | None:
        """One client by id."""
        row = await row_by_id(self._session, ClientRow, client_id)
        return None if row is None else _to_domain(row)

    async def get_by_email(self, email: str) -> Client | None:
        """One client by email, whatever its case."""
        stmt = (
            sa.select(ClientRow)
            .where(ClientRow.email == normalize_email(email))
            .execution_options(populate_existing=True)
        )
        row = (await self._session.scalars(stmt)).one_or_none()
        return None if row is None else _to_domain(row)

    async def newest(self, limit: int) -> list[Client]:
        """The most recently created clients."""
        stmt = sa.select(ClientRow).order_by(ClientRow.created_at.desc()).limit(limit)
        return [_to_domain(row) for row in (await self._session.scalars(stmt)).all()]

    async def add(self, client: Client) -> None:
        """Insert (email lower-cased, created_at from the clock if unset) and flush."""
        client.email = normalize_email(client.email)
        client.created_at = client.created_at or self._clock.now()
        self._session.add(
            ClientRow(id=client.id, created_at=client.created_at, **_changeable(client))
        )
        await self._session.flush()

    async def save(self, client: Client) -> None:
        """Overwrite the client's columns with the record's (email lower-cased).

        Raises:
            NotFound: No client has this id.
        """
        client.email = normalize_email(client.email)
        result = await self._session.execute(
            sa.update(ClientRow).where(ClientRow.id == client.id).values(**_changeable(client))
        )
        if affected_rows(result) == 0:
            raise NotFound(f"client {client.id} not found", client_id=str(client.id))
