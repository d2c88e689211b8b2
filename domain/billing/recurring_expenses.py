"""Recurring expenses (rent, software, a monthly deck subscription), repeated on their days.

The reader records the first one ("expense 30 GBP software monthly"); the daily
`repeat-expenses` flow writes each repeat that has come due as its own expense on its
own day, so every report sees it like any other cost. A repeat is identified by the
first expense and its day: a rerun, or a day the flow did not run, writes each once.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from datetime import date, timedelta
from uuid import uuid4
from zoneinfo import ZoneInfo

from domain.billing.payments import Expense
from domain.clock import Clock
from domain.enums import ExpenseRecurrence
from domain.ports.storage import UnitOfWorkFactory

MAX_REPEATS_PER_RUN = 400  # about eight years of weekly repeats: a bound, never reached


def occurrence(first: date, recurrence: ExpenseRecurrence, n: int) -> date:
    """The n-th repeat's day; monthly keeps the first's day, or the month's last day."""
    if recurrence is ExpenseRecurrence.WEEKLY:
        return first + timedelta(weeks=n)
    months = first.month - 1 + n
    year, month = first.year + months // 12, months % 12 + 1
    return date(year, month, min(first.day, calendar.monthrange(year, month)[1]))


def due_repeats(first: Expense, latest: date, today: date) -> Iterator[date]:
    """Days after `latest`, up to `today`, on which the expense repeats."""
    assert first.recurrence is not None
    for n in range(1, MAX_REPEATS_PER_RUN + 1):
        day = occurrence(first.incurred_on, first.recurrence, n)
        if day > today:
            return
        if day > latest:
            yield day


async def repeat_expenses(*, uows: UnitOfWorkFactory, clock: Clock) -> int:
    """Write every repeat that has come due (on each reader's calendar); returns how many."""
    async with uows(read_only=True) as uow:
        recurring = await uow.expenses.recurring()
        zones = {}
        for first, _ in recurring:
            if first.reader_id not in zones:
                reader = await uow.readers.get(first.reader_id)
                zones[first.reader_id] = reader.timezone if reader else "UTC"
    added = 0
    for first, latest in recurring:
        today = clock.now().astimezone(ZoneInfo(zones[first.reader_id])).date()
        days = list(due_repeats(first, latest, today))
        if not days:
            continue
        async with uows() as uow:
            for day in days:
                repeat = Expense(
                    id=uuid4(),
                    reader_id=first.reader_id,
                    category=first.category,
                    amount=first.amount,
                    incurred_on=day,
                    description=first.description,
                    recurring_from_id=first.id,
                )
                added += await uow.expenses.add_repeat(repeat)
            await uow.commit()
    return added
