"""`TaxRateRepository`: a country's rate on a day, from `tax_rates`."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from domain.billing.tax import TaxRateRow
from storage.models import TaxRate


class SqlTaxRateRepository:
    """`TaxRateRepository` inside the caller's session."""

    def __init__(self, session: AsyncSession) -> None:
        """Work inside the caller's session."""
        self._session = session

    async def rate_for(self, country: str, day: date) -> TaxRateRow | None:
        """The country-wide rate (no region) whose period covers the day; the newest wins."""
        row = (
            await self._session.scalars(
                sa.select(TaxRate)
                .where(
                    TaxRate.country == country.upper(),
                    TaxRate.region.is_(None),
                    TaxRate.valid_from <= day,
                    sa.or_(TaxRate.valid_to.is_(None), TaxRate.valid_to >= day),
                )
                .order_by(TaxRate.valid_from.desc())
                .limit(1)
            )
        ).first()
        if row is None:
            return None
        return TaxRateRow(row.country, row.name, row.rate_bps, row.valid_from, row.valid_to)

    async def add(self, rate: TaxRateRow) -> None:
        """One row per country and period."""
        self._session.add(
            TaxRate(
                country=rate.country.upper(),
                name=rate.name,
                rate_bps=rate.rate_bps,
                valid_from=rate.valid_from,
                valid_to=rate.valid_to,
            )
        )
        await self._session.flush()
