"""What readers sell."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncSession

from domain.clock import Clock, SystemClock
from domain.models import Service
from storage.models import Service as ServiceRow
from storage.repositories._common import row_by_id


def _to_domain(row: ServiceRow | Row[Any]) -> Service:
    """Copy a row into the domain record."""
    return Service(
        id=row.id,
        reader_id=row.reader_id,
        slug=row.slug,
        name=row.name,
        kind=row.kind,
        duration_minutes=row.duration_minutes,
        pricing_model=row.pricing_model,
        price_minor=row.price_minor,
        currency=row.currency,
        package_sessions=row.package_sessions,
        description=row.description,
        prepayment_required=row.prepayment_required,
        revenue_share_bps=row.revenue_share_bps,
        is_active=row.is_active,
    )


def _to_row(service: Service, clock: Clock) -> ServiceRow:
    """A new row stamped by the clock (the domain record has no creation time)."""
    return ServiceRow(
        id=service.id,
        reader_id=service.reader_id,
        slug=service.slug,
        name=service.name,
        description=service.description,
        kind=service.kind,
        duration_minutes=service.duration_minutes,
        pricing_model=service.pricing_model,
        price_minor=service.price_minor,
        currency=service.currency,
        package_sessions=service.package_sessions,
        prepayment_required=service.prepayment_required,
        revenue_share_bps=service.revenue_share_bps,
        is_active=service.is_active,
        created_at=clock.now(),
    )


class SqlServiceRepository:
    """`ServiceRepository` over one AsyncSession."""

    def __init__(self, session: AsyncSession, clock: Clock | None = None) -> None:
        """Work inside the caller's session (the unit of work owns the transaction)."""
        self._session = session
        self._clock = clock or SystemClock()

    async def get(self, service_id: UUID) -> Service | None:
        """One service by id."""
        row = await row_by_id(self._session, ServiceRow, service_id)
        return None if row is None else _to_domain(row)

    async def for_reader(self, reader_id: UUID) -> list[Service]:
        """Active services by price, then name, then id so ties never reorder."""
        stmt = (
            sa.select(ServiceRow)
            .where(ServiceRow.reader_id == reader_id, ServiceRow.is_active.is_(True))
            .order_by(ServiceRow.price_minor, ServiceRow.name, ServiceRow.id)
            .execution_options(populate_existing=True)
        )
        return [_to_domain(row) for row in await self._session.scalars(stmt)]

    async def add(self, service: Service) -> None:
        """Insert and flush, so later statements in this unit of work see the service."""
        self._session.add(_to_row(service, self._clock))
        await self._session.flush()
