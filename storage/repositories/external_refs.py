"""Provider ids of our entities, written around external creates so retries adopt, not repeat."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from domain.enums import Provider
from domain.ports.links import ExternalLink
from storage.models import Booking as BookingRow
from storage.models import ExternalRef

_PROVIDER_KEY = "provider"


def provider_column(name: str) -> Provider:
    """The `provider` column value: our vendors by name, built-in and test providers as local."""
    try:
        return Provider(name)
    except ValueError:
        return Provider.LOCAL


class SqlExternalRefRepository:
    """`ExternalRefRepository` over one AsyncSession."""

    def __init__(self, session: AsyncSession) -> None:
        """Work inside the caller's session."""
        self._session = session

    async def get(self, entity_kind: str, entity_id: UUID, purpose: str) -> ExternalLink | None:
        """Newest first, so a provider switch reads the link it wrote last."""
        row = await self._session.scalar(
            sa.select(ExternalRef)
            .where(
                ExternalRef.entity_kind == entity_kind,
                ExternalRef.entity_id == entity_id,
                ExternalRef.purpose == purpose,
            )
            .order_by(ExternalRef.created_at.desc())
            .limit(1)
        )
        return _to_domain(row) if row is not None else None

    async def put(self, link: ExternalLink, now: datetime) -> None:
        """Upsert on (entity, provider, purpose) in one statement, safe under concurrency."""
        dialect = self._session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        data: dict[str, Any] = {**link.data, _PROVIDER_KEY: link.provider}
        stmt = insert(ExternalRef).values(
            id=uuid.uuid4(),
            entity_kind=link.entity_kind,
            entity_id=link.entity_id,
            provider=provider_column(link.provider),
            purpose=link.purpose,
            external_id=link.external_id,
            data=data,
            created_at=now,
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=[
                ExternalRef.entity_kind,
                ExternalRef.entity_id,
                ExternalRef.provider,
                ExternalRef.purpose,
            ],
            set_={"external_id": link.external_id, "data": data, "created_at": now},
        )
        await self._session.execute(stmt)

    async def find(self, provider: str, purpose: str, external_id: str) -> ExternalLink | None:
        """The link holding a provider's id (uses ix_external_refs_lookup)."""
        rows = await self._session.scalars(
            sa.select(ExternalRef)
            .where(
                ExternalRef.provider == provider_column(provider),
                ExternalRef.purpose == purpose,
                ExternalRef.external_id == external_id,
            )
            .order_by(ExternalRef.created_at.desc())
        )
        for row in rows:
            link = _to_domain(row)
            if link.provider == provider:
                return link
        return None

    async def mirror_on_booking(
        self, booking_id: UUID, *, calendar_event_id: str | None, meeting_url: str | None
    ) -> None:
        """Two columns only, version untouched: a concurrent client edit must not fail."""
        values: dict[str, Any] = {}
        if calendar_event_id is not None:
            values["calendar_event_id"] = calendar_event_id
        if meeting_url is not None:
            values["meeting_url"] = meeting_url
        if values:
            await self._session.execute(
                sa.update(BookingRow).where(BookingRow.id == booking_id).values(**values)
            )


def _to_domain(row: ExternalRef) -> ExternalLink:
    data = dict(row.data or {})
    provider = str(data.pop(_PROVIDER_KEY, row.provider.value))
    return ExternalLink(
        entity_kind=row.entity_kind,
        entity_id=row.entity_id,
        purpose=row.purpose,
        provider=provider,
        external_id=row.external_id,
        data=data,
    )
