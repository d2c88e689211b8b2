"""`ExpenseRepository`: a reader's costs in `expenses`."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import sqlalchemy as sa
import sqlalchemy.orm
from sqlalchemy.dialects import postgresql, sqlite
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
        self._session.add(ExpenseRow(**self._columns(expense)))
        await self._session.flush()

    async def add_repeat(self, expense: Expense) -> bool:
        """INSERT ... ON CONFLICT DO NOTHING on (recurring_from_id, incurred_on)."""
        dialect = self._session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        statement = (
            insert(ExpenseRow)
            .values(**self._columns(expense))
            .on_conflict_do_nothing(index_elements=["recurring_from_id", "incurred_on"])
            .returning(ExpenseRow.id)
        )
        return (await self._session.execute(statement)).first() is not None

    async def get(self, expense_id: UUID) -> Expense | None:
        """One row by id."""
        row = await self._session.get(ExpenseRow, expense_id)
        return _expense(row) if row is not None else None

    async def attach_receipt(self, expense_id: UUID, receipt_key: str) -> bool:
        """UPDATE ... WHERE receipt_key IS NULL: a receipt is set once, never replaced."""
        result = await self._session.execute(
            sa.update(ExpenseRow)
            .where(ExpenseRow.id == expense_id, ExpenseRow.receipt_key.is_(None))
            .values(receipt_key=receipt_key)
            .returning(ExpenseRow.id)
        )
        return result.first() is not None

    def _columns(self, expense: Expense) -> dict[str, Any]:
        return {
            "id": expense.id,
            "reader_id": expense.reader_id,
            "category": expense.category,
            "description": expense.description,
            "amount_minor": expense.amount.amount_minor,
            "currency": expense.amount.currency,
            "incurred_on": expense.incurred_on,
            "recurrence": expense.recurrence,
            "recurring_from_id": expense.recurring_from_id,
            "receipt_key": expense.receipt_key,
            "created_at": self._clock.now(),
        }

    async def recurring(self) -> list[tuple[Expense, date]]:
        """One query: each first expense and the latest day among it and its repeats."""
        repeat = sa.orm.aliased(ExpenseRow)
        latest = sa.func.coalesce(sa.func.max(repeat.incurred_on), ExpenseRow.incurred_on)
        rows = await self._session.execute(
            sa.select(ExpenseRow, latest)
            .outerjoin(repeat, repeat.recurring_from_id == ExpenseRow.id)
            .where(ExpenseRow.recurrence.is_not(None))
            .group_by(ExpenseRow.id)
            .order_by(ExpenseRow.incurred_on, ExpenseRow.id)
        )
        return [(_expense(row), day) for row, day in rows]

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
        return [_expense(row) for row in rows]


def _expense(row: ExpenseRow) -> Expense:
    return Expense(
        row.id,
        row.reader_id,
        row.category,
        Money(row.amount_minor, row.currency),
        row.incurred_on,
        row.description,
        row.recurrence,
        row.recurring_from_id,
        row.receipt_key,
    )
