"""Weekly opening hours and dated exceptions, in the reader's wall-clock time."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncSession

from domain.models import DatedException, WeeklyHours
from storage.models import AvailabilityException as ExceptionRow
from storage.models import AvailabilityRule as RuleRow
from storage.repositories._common import table_of

# Built once: the slot search runs these on every day a client looks at.
_WEEKLY = (
    sa.select(table_of(RuleRow))
    .where(RuleRow.reader_id == sa.bindparam("reader_id"))
    .order_by(RuleRow.weekday, RuleRow.start_local)
)
_EXCEPTIONS = (
    sa.select(table_of(ExceptionRow))
    .where(
        ExceptionRow.reader_id == sa.bindparam("reader_id"),
        ExceptionRow.day >= sa.bindparam("first"),
        ExceptionRow.day <= sa.bindparam("last"),
    )
    # All-day rows (no start) first on both backends; their NULL default order differs.
    .order_by(ExceptionRow.day, ExceptionRow.start_local.nulls_first())
)


def _hours_to_domain(row: RuleRow | Row[Any]) -> WeeklyHours:
    """Copy a rule row into the domain record."""
    return WeeklyHours(weekday=row.weekday, start=row.start_local, end=row.end_local)


def _hours_to_row(reader_id: UUID, hours: WeeklyHours) -> RuleRow:
    """A new rule row for one opening range."""
    return RuleRow(
        reader_id=reader_id, weekday=hours.weekday, start_local=hours.start, end_local=hours.end
    )


def _exception_to_domain(row: ExceptionRow | Row[Any]) -> DatedException:
    """Copy an exception row into the domain record."""
    return DatedException(
        day=row.day, kind=row.kind, start=row.start_local, end=row.end_local, note=row.note
    )


def _exception_to_row(reader_id: UUID, exception: DatedException) -> ExceptionRow:
    """A new exception row."""
    return ExceptionRow(
        reader_id=reader_id,
        day=exception.day,
        kind=exception.kind,
        start_local=exception.start,
        end_local=exception.end,
        note=exception.note,
    )


class SqlAvailabilityRepository:
    """`AvailabilityRepository` over one AsyncSession."""

    def __init__(self, session: AsyncSession) -> None:
        """Work inside the caller's session (the unit of work owns the transaction)."""
        self._session = session

    async def weekly(self, reader_id: UUID) -> list[WeeklyHours]:
        """Weekly hours by weekday and start."""
        rows = await self._session.execute(_WEEKLY, {"reader_id": reader_id})
        return [_hours_to_domain(row) for row in rows]

    async def replace_weekday(
        self, reader_id: UUID, weekday: int, hours: Sequence[WeeklyHours]
    ) -> None:
        """Delete the day's ranges and insert the new ones, in this one transaction.

        Raises:
            ValueError: A range names another weekday (it would land on the wrong day).
        """
        stray = [h for h in hours if h.weekday != weekday]
        if stray:
            raise ValueError(f"replace_weekday({weekday}) given ranges for weekday {stray[0]}")
        await self._session.execute(
            sa.delete(RuleRow)
            .where(RuleRow.reader_id == reader_id, RuleRow.weekday == weekday)
            .execution_options(synchronize_session=False)
        )
        self._session.add_all([_hours_to_row(reader_id, h) for h in hours])
        await self._session.flush()

    async def exceptions(self, reader_id: UUID, first: date, last: date) -> list[DatedException]:
        """Exceptions from `first` to `last` inclusive, by day, all-day ones first, then start."""
        rows = await self._session.execute(
            _EXCEPTIONS, {"reader_id": reader_id, "first": first, "last": last}
        )
        return [_exception_to_domain(row) for row in rows]

    async def add_exception(self, reader_id: UUID, exception: DatedException) -> None:
        """Insert and flush, so a following read in this unit of work sees it."""
        self._session.add(_exception_to_row(reader_id, exception))
        await self._session.flush()
