"""`rates_on`: many days' rates from one read, each the same as `rate_on` gives for its day;
on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, timedelta
from decimal import Decimal

import pytest

from domain.ports.fx import FxQuote
from storage.uow import Database

MONDAY = date(2024, 3, 4)


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database.from_url(database_url)
    quotes = [
        FxQuote(
            "EUR", code, Decimal(rate) + Decimal(day) / 1000, MONDAY + timedelta(days=day), "ecb"
        )
        for day in range(12)
        if (MONDAY + timedelta(days=day)).weekday() < 5  # business days only
        for code, rate in (("GBP", "0.85"), ("JPY", "160"))
    ]
    async with database.uows() as uow:
        await uow.fx_rates.upsert(quotes)
        await uow.commit()
    yield database
    await database.dispose()


async def test_each_day_gets_the_rate_it_would_get_alone(db: Database) -> None:
    days = [MONDAY + timedelta(days=d) for d in (0, 2, 5, 6, 9, 11)]  # weekends included

    async with db.uows(read_only=True) as uow:
        batch = await uow.fx_rates.rates_on("JPY", "GBP", days)
        alone = {day: await uow.fx_rates.rate_on("JPY", "GBP", day) for day in days}

    assert batch == alone
    assert batch[MONDAY + timedelta(days=5)].as_of == MONDAY + timedelta(days=4)  # Friday's


async def test_a_day_with_no_rate_within_a_week_is_left_out(db: Database) -> None:
    late = MONDAY + timedelta(days=30)

    async with db.uows(read_only=True) as uow:
        found = await uow.fx_rates.rates_on("EUR", "GBP", [MONDAY, late])

    assert set(found) == {MONDAY}
