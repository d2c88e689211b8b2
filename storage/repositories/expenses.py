"""`ExpenseRepository`: a reader's costs in `expenses`."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from domain.billing.money import Money
from domain.billing.payments import Expense
from domain.clock import Clock, SystemClock
from storage.models import Expense as ExpenseRow


class SqlExpenseRepository:
    """`ExpenseRepository` inside the caller's session."""

    def __init__(self, session: AsyncSession, clock: Clock | None = None) -> None:
        """Work inside the caller's session; the clock stamps new rows."""
        self._session = session
        self._clock = clock or SystemClock()

    async def add(self, expense: Expense) -> None:
        """One row."""
        self._session.add(
            ExpenseRow(
                id=expense.id,
                reader_id=expense.reader_id,
                category=expense.category,
                description=expense.description,
                amount_minor=expense.amount.amount_minor,
                currency=expense.amount.currency,
                incurred_on=expense.incurred_on,
                created_at=self._clock.now(),
            )
        )
        await self._session.flush()

    async def for_reader(self, reader_id: UUID, start: date, end: date) -> list[Expense]:
        """Oldest first."""
        rows = await self._session.scalars(
            sa.select(ExpenseRow)
            .where(
                ExpenseRow.reader_id == reader_id,
                ExpenseRow.incurred_on >= start,
                ExpenseRow.incurred_on < end,
            )
            .order_by(ExpenseRow.incurred_on, ExpenseRow.id)
        )
        return [
            Expense(
                row.id,
                row.reader_id,
                row.category,
                Money(row.amount_minor, row.currency),
                row.incurred_on,
                row.description,
            )
            for row in rows
        ]
