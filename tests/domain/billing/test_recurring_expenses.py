"""Recurring expenses repeat on their days, once each, and count in the P&L: both backends."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta

import pytest

from domain.billing.money import Money
from domain.billing.payments import Expense
from domain.billing.reader_money import add_expense
from domain.billing.recurring_expenses import occurrence, repeat_expenses
from domain.billing.reports import month, profit_and_loss
from domain.clock import FixedClock
from domain.enums import ExpenseRecurrence
from domain.models import Reader
from storage.uow import Database
from tests.support.factories import make_reader, seed

JAN_31 = datetime(2026, 1, 31, 9, 0, tzinfo=UTC)


@pytest.fixture
async def books(database_url: str) -> AsyncIterator[tuple[Database, FixedClock, Reader]]:
    clock = FixedClock(JAN_31)
    database = Database.from_url(database_url, clock=clock)
    reader = make_reader()
    await seed(database.uows, reader)
    yield database, clock, reader
    await database.dispose()


async def expenses_of(database: Database, reader: Reader) -> list[Expense]:
    async with database.uows(read_only=True) as uow:
        return await uow.expenses.for_reader(reader.id, date(2026, 1, 1), date(2027, 1, 1))


def test_a_monthly_repeat_keeps_its_day_or_takes_the_months_last() -> None:
    days = [occurrence(date(2026, 1, 31), ExpenseRecurrence.MONTHLY, n) for n in range(1, 4)]
    weekly = occurrence(date(2026, 1, 31), ExpenseRecurrence.WEEKLY, 2)

    assert days == [date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30)]
    assert weekly == date(2026, 2, 14)


async def test_a_monthly_expense_repeats_on_its_days_once_however_often_the_flow_runs(
    books: tuple[Database, FixedClock, Reader],
) -> None:
    database, clock, reader = books
    first = await add_expense(
        uow=database.uows(),
        clock=clock,
        reader_id=reader.id,
        text="30 GBP software",
        recurrence=ExpenseRecurrence.MONTHLY,
    )
    clock.set(datetime(2026, 4, 30, 12, 0, tzinfo=UTC))

    written = await repeat_expenses(uows=database.uows, clock=clock)
    again = await repeat_expenses(uows=database.uows, clock=clock)

    assert (written, again) == (3, 0)
    stored = await expenses_of(database, reader)
    assert [e.incurred_on for e in stored] == [
        date(2026, 1, 31),
        date(2026, 2, 28),
        date(2026, 3, 31),
        date(2026, 4, 30),
    ]
    assert {e.recurring_from_id for e in stored[1:]} == {first.id}
    assert {e.amount for e in stored} == {Money(3000, "GBP")}
    march = await profit_and_loss(uow=database.uows(), reader_id=reader.id, period=month(2026, 3))
    assert march.expenses_minor == 3000


async def test_a_repeat_waits_for_the_readers_own_day(
    books: tuple[Database, FixedClock, Reader],
) -> None:
    database, clock, _ = books
    tokyo = make_reader(timezone="Asia/Tokyo", currency="JPY")
    await seed(database.uows, tokyo)
    clock.set(datetime(2026, 1, 5, 0, 0, tzinfo=UTC))  # Monday 09:00 in Tokyo
    await add_expense(
        uow=database.uows(),
        clock=clock,
        reader_id=tokyo.id,
        text="1500 JPY incense",
        recurrence=ExpenseRecurrence.WEEKLY,
    )

    clock.set(datetime(2026, 1, 11, 14, 0, tzinfo=UTC))  # Sunday 23:00 in Tokyo
    before = await repeat_expenses(uows=database.uows, clock=clock)
    clock.advance(timedelta(hours=1))  # Monday in Tokyo, still Sunday in London
    after = await repeat_expenses(uows=database.uows, clock=clock)

    assert (before, after) == (0, 1)
    assert [e.incurred_on for e in await expenses_of(database, tokyo)][-1] == date(2026, 1, 12)


async def test_a_one_off_expense_never_repeats(books: tuple[Database, FixedClock, Reader]) -> None:
    database, clock, reader = books
    await add_expense(uow=database.uows(), clock=clock, reader_id=reader.id, text="12 cards")
    clock.advance(timedelta(days=90))

    assert await repeat_expenses(uows=database.uows, clock=clock) == 0
    assert len(await expenses_of(database, reader)) == 1
