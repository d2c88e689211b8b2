"""Stored reference rates on SQLite and PostgreSQL: idempotent upserts, and the rate of a
day found direct, inverted or crossed through EUR, at most a week back.

Figures are the ECB's for March 2024 (Friday the 8th and Thursday the 7th).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal

import pytest
import sqlalchemy as sa

from connectors.fx.bundled import BundledRateSource
from domain.ports.fx import FxQuote
from storage.models import FxRate
from storage.repositories.fx_rates import CHUNK
from storage.uow import Database

THURSDAY, FRIDAY, SATURDAY = date(2024, 3, 7), date(2024, 3, 8), date(2024, 3, 9)
EIGHT = Decimal("0.00000001")


def ecb(quote: str, rate: str, day: date = FRIDAY) -> FxQuote:
    return FxQuote("EUR", quote, Decimal(rate), day, "ecb")


FRIDAY_RATES = [ecb("GBP", "0.85168"), ecb("JPY", "160.99"), ecb("USD", "1.0932")]


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database.from_url(database_url)
    yield database
    await database.dispose()


async def store(db: Database, quotes: list[FxQuote]) -> int:
    async with db.uows() as uow:
        new = await uow.fx_rates.upsert(quotes)
        await uow.commit()
    return new


async def rate_on(db: Database, base: str, quote: str, day: date) -> FxQuote | None:
    async with db.uows(read_only=True) as uow:
        return await uow.fx_rates.rate_on(base, quote, day)


async def stored_rows(db: Database) -> list[tuple[str, str, Decimal, date, str]]:
    async with db.uows(read_only=True) as uow:
        columns = (FxRate.base_currency, FxRate.quote_currency, FxRate.rate, FxRate.as_of)
        rows = await uow.session.execute(
            sa.select(*columns, FxRate.source).order_by(FxRate.quote_currency, FxRate.as_of)
        )
        return [tuple(row) for row in rows.all()]


def eight_places(value: Decimal) -> Decimal:
    return value.quantize(EIGHT, rounding=ROUND_HALF_EVEN)


async def test_upserting_the_same_rates_twice_stores_them_once(db: Database) -> None:
    assert await store(db, FRIDAY_RATES) == 3
    first = await stored_rows(db)

    assert await store(db, FRIDAY_RATES) == 0
    assert await stored_rows(db) == first
    assert [(q, r) for _, q, r, _, _ in first] == [
        ("GBP", Decimal("0.85168")),
        ("JPY", Decimal("160.99")),
        ("USD", Decimal("1.0932")),
    ]


async def test_a_republished_rate_replaces_the_old_one_without_counting_as_new(
    db: Database,
) -> None:
    await store(db, FRIDAY_RATES)

    corrected = FxQuote("EUR", "GBP", Decimal("0.85170"), FRIDAY, "ecb-revised")
    assert await store(db, [corrected, ecb("GBP", "0.85168", THURSDAY)]) == 1

    found = await rate_on(db, "EUR", "GBP", FRIDAY)
    assert found == FxQuote("EUR", "GBP", Decimal("0.85170000"), FRIDAY, "ecb-revised")


async def test_a_pair_repeated_in_one_batch_is_one_new_row_the_last_winning(
    db: Database,
) -> None:
    assert await store(db, [ecb("GBP", "0.85"), ecb("GBP", "0.85168")]) == 1

    assert [r for _, _, r, _, _ in await stored_rows(db)] == [Decimal("0.85168")]


async def test_a_batch_larger_than_one_chunk_is_stored_whole(db: Database) -> None:
    history = await BundledRateSource().fetch(since=date(2025, 1, 1))
    assert len(history) > CHUNK

    assert await store(db, history) == len(history)

    async with db.uows(read_only=True) as uow:
        assert await uow.fx_rates.latest_day() == max(q.as_of for q in history)
    last = max(history, key=lambda q: (q.as_of, q.quote == "USD"))
    found = await rate_on(db, "EUR", last.quote, last.as_of)
    assert found is not None
    assert found.rate == last.rate


async def test_latest_day_is_none_when_nothing_is_stored(db: Database) -> None:
    async with db.uows(read_only=True) as uow:
        assert await uow.fx_rates.latest_day() is None
    await store(db, [ecb("GBP", "0.85445", THURSDAY), *FRIDAY_RATES])
    async with db.uows(read_only=True) as uow:
        assert await uow.fx_rates.latest_day() == FRIDAY


async def test_a_weekend_day_takes_fridays_rate(db: Database) -> None:
    await store(db, [ecb("GBP", "0.85445", THURSDAY), *FRIDAY_RATES])

    found = await rate_on(db, "EUR", "GBP", SATURDAY)

    assert found == FxQuote("EUR", "GBP", Decimal("0.85168000"), FRIDAY, "ecb")


async def test_a_rate_is_used_for_seven_days_and_not_an_eighth(db: Database) -> None:
    await store(db, FRIDAY_RATES)

    assert await rate_on(db, "EUR", "USD", date(2024, 3, 15)) is not None
    assert await rate_on(db, "EUR", "USD", date(2024, 3, 16)) is None
    assert await rate_on(db, "EUR", "USD", THURSDAY) is None  # nothing before it either


async def test_the_inverse_pair_is_one_over_the_rate(db: Database) -> None:
    await store(db, FRIDAY_RATES)

    found = await rate_on(db, "GBP", "EUR", FRIDAY)

    assert found == FxQuote("GBP", "EUR", Decimal("1.17414992"), FRIDAY, "ecb")
    assert found.rate == eight_places(1 / Decimal("0.85168"))


async def test_a_cross_rate_goes_through_the_common_base(db: Database) -> None:
    await store(db, FRIDAY_RATES)

    found = await rate_on(db, "GBP", "JPY", SATURDAY)

    assert found is not None
    assert found.rate == eight_places(Decimal("160.99") / Decimal("0.85168"))
    assert found.rate == Decimal("189.02639489")
    assert (found.as_of, found.source) == (FRIDAY, "ecb")


async def test_a_cross_rate_is_as_old_as_its_older_leg(db: Database) -> None:
    await store(db, [ecb("GBP", "0.85445", THURSDAY), ecb("USD", "1.0932", FRIDAY)])

    found = await rate_on(db, "USD", "GBP", FRIDAY)

    assert found is not None
    assert found.as_of == THURSDAY
    assert found.rate == eight_places(Decimal("0.85445") / Decimal("1.0932"))


async def test_a_currency_nobody_publishes_has_no_rate(db: Database) -> None:
    await store(db, FRIDAY_RATES)

    assert await rate_on(db, "GBP", "AED", FRIDAY) is None
    assert await rate_on(db, "AED", "EUR", FRIDAY) is None


async def test_the_same_currency_is_one_on_any_day(db: Database) -> None:
    found = await rate_on(db, "KWD", "KWD", SATURDAY)

    assert found is not None
    assert (found.rate, found.as_of) == (Decimal(1), SATURDAY)
