"""Money converted at a stored rate: rounded once, half to even, to the target's minor unit.

Rates here are arithmetic inputs chosen to land on a half; the real ones are tested
against the ECB's figures in tests/storage/test_fx_rate_repository.py.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from domain.billing.fx import Conversion, MissingFxRate, convert, convert_on
from domain.billing.money import Money
from domain.errors import InvalidRequest
from domain.ports.fx import FxQuote

DAY = date(2026, 11, 3)


def quote(base: str, to: str, rate: str, as_of: date = DAY) -> FxQuote:
    return FxQuote(base, to, Decimal(rate), as_of, "test")


class StoredRates:
    """An `FxRateRepository` holding a few quotes, answering only exact pairs."""

    def __init__(self, *quotes: FxQuote) -> None:
        self.quotes = {(q.base, q.quote): q for q in quotes}

    async def upsert(self, quotes: list[FxQuote]) -> int:
        raise AssertionError("conversions never write rates")

    async def rate_on(self, base: str, quote: str, day: date) -> FxQuote | None:
        return self.quotes.get((base, quote))

    async def latest_day(self) -> date | None:
        return DAY


@pytest.mark.parametrize(
    ("amount", "rate", "to", "minor"),
    [
        (Money(250, "EUR"), "1", "JPY", 2),  # 2.5 yen: to the even 2
        (Money(350, "EUR"), "1", "JPY", 4),  # 3.5 yen: to the even 4
        (Money(10000, "GBP"), "189.02639489", "JPY", 18903),  # JPY has no decimals
        (Money(100, "EUR"), "0.3345", "KWD", 334),  # 334.5 fils: to the even 334
        (Money(100, "EUR"), "0.3355", "KWD", 336),  # 335.5 fils: to the even 336
        (Money(1, "EUR"), "0.3341", "KWD", 3),  # 3.341 fils: KWD has 3 decimals
        (Money(1000, "JPY"), "0.00621156", "EUR", 621),  # 6.21156 euros
    ],
)
def test_conversion_rounds_once_half_to_even_to_the_minor_unit(
    amount: Money, rate: str, to: str, minor: int
) -> None:
    converted = convert(amount, quote(amount.currency, to, rate))

    assert converted == Conversion(Money(minor, to), Decimal(rate), DAY)


def test_a_rate_for_another_currency_is_refused() -> None:
    with pytest.raises(InvalidRequest, match="this rate converts EUR, not GBP"):
        convert(Money(100, "GBP"), quote("EUR", "JPY", "160"))


async def test_convert_on_keeps_the_rate_and_its_day_beside_the_amount() -> None:
    friday = date(2026, 10, 30)
    rates = StoredRates(quote("GBP", "USD", "1.33990000", friday))

    converted = await convert_on(rates, Money(6000, "GBP"), "USD", DAY)

    assert converted == Conversion(Money(8039, "USD"), Decimal("1.33990000"), friday)


async def test_the_same_currency_converts_at_one_without_a_lookup() -> None:
    converted = await convert_on(StoredRates(), Money(1234, "KWD"), "KWD", DAY)

    assert converted == Conversion(Money(1234, "KWD"), Decimal(1), DAY)


async def test_a_missing_pegged_rate_is_refused_with_the_sync_that_derives_it() -> None:
    rates = StoredRates(quote("EUR", "GBP", "0.8338"))

    with pytest.raises(MissingFxRate) as error:
        await convert_on(rates, Money(6000, "GBP"), "AED", DAY)

    assert str(error.value) == (
        "no GBP->AED rate is known for 2026-11-03 (none for AED): run `samia fx sync`"
    )
    assert error.value.code == "missing_fx_rate"


async def test_a_currency_nobody_publishes_is_refused_with_the_command_an_admin_runs() -> None:
    rates = StoredRates(quote("EUR", "GBP", "0.8338"))

    with pytest.raises(MissingFxRate) as error:
        await convert_on(rates, Money(6000, "GBP"), "KWD", DAY)

    assert str(error.value) == (
        "no GBP->KWD rate is known for 2026-11-03 (none for KWD): run `samia fx sync`, or,"
        " for a currency the ECB does not publish, an admin loads its rate:"
        " `samia fx set KWD RATE --on 2026-11-03` (RATE: KWD per 1 EUR)"
    )


async def test_with_no_rates_at_all_both_sides_are_named() -> None:
    with pytest.raises(MissingFxRate, match=r"\(none for GBP, JPY\).*samia fx set CCY RATE"):
        await convert_on(StoredRates(), Money(6000, "GBP"), "JPY", DAY)
