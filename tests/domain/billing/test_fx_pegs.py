"""Pegged currencies follow the day's USD rate exactly; carried rows land only on ECB days.

The real bundled ECB history is the reference for both: every USD rate it holds gives
exact pegged rates, and its days are exactly the TARGET business days.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from connectors.fx.bundled import BundledRateSource
from domain.billing.fx_pegs import PEGS, pegged_quotes
from domain.billing.fx_sync import carried_forward, ecb_publishes, is_carried
from domain.ports.fx import FxQuote

FRIDAY = date(2026, 10, 30)  # the last day the bundled history has
EIGHT_PLACES = Decimal("0.00000001")


def ecb(quote: str, rate: str, day: date = FRIDAY, source: str = "ecb") -> FxQuote:
    return FxQuote("EUR", quote, Decimal(rate), day, source)


def test_each_pegged_currency_is_the_days_usd_rate_times_its_peg() -> None:
    derived = pegged_quotes([ecb("GBP", "0.8338"), ecb("USD", "1.1598")])

    by_code = {q.quote: q for q in derived}
    assert set(by_code) == {"AED", "SAR", "QAR", "BHD", "OMR", "JOD"}
    assert by_code["AED"] == ecb("AED", "4.25936550", source="ecb+peg")
    assert by_code["SAR"].rate == Decimal("4.34925")
    assert by_code["BHD"].rate == Decimal("1.1598") * Decimal("0.376")
    assert {q.as_of for q in derived} == {FRIDAY}


def test_the_kuwaiti_dinar_is_never_derived_its_peg_is_a_basket() -> None:
    derived = pegged_quotes([ecb("USD", "1.1598")])

    assert "KWD" not in PEGS
    assert all(q.quote != "KWD" for q in derived)


def test_a_day_without_a_usd_rate_derives_nothing() -> None:
    assert pegged_quotes([ecb("GBP", "0.8338"), ecb("JPY", "177.93")]) == []


def test_a_rate_the_publisher_gives_for_a_pegged_currency_wins() -> None:
    published = ecb("AED", "4.2600")

    derived = pegged_quotes([ecb("USD", "1.1598"), published])

    assert "AED" not in {q.quote for q in derived}
    assert len(derived) == len(PEGS) - 1


async def test_every_bundled_usd_rate_gives_pegged_rates_exact_at_eight_places() -> None:
    quotes = await BundledRateSource().fetch(since=date(2020, 1, 1))

    derived = pegged_quotes(quotes)

    usd_days = {q.as_of for q in quotes if q.quote == "USD"}
    assert len(derived) == len(PEGS) * len(usd_days) > 6000
    assert all(q.rate == q.rate.quantize(EIGHT_PLACES) for q in derived)


async def test_the_ecb_publishes_on_exactly_the_target_business_days() -> None:
    quotes = await BundledRateSource().fetch(since=date(2015, 1, 1))
    published = {q.as_of for q in quotes}

    days = [date(2015, 1, 1) + timedelta(days=n) for n in range((FRIDAY - date(2015, 1, 1)).days)]

    assert [d for d in days if ecb_publishes(d) != (d in published)] == []


@pytest.mark.parametrize(
    "holiday",
    [
        date(2026, 12, 25),
        date(2026, 12, 26),
        date(2027, 1, 1),
        date(2027, 3, 26),
        date(2027, 3, 29),
    ],
)
def test_no_rate_is_published_on_a_target_holiday(holiday: date) -> None:
    assert not ecb_publishes(holiday)


def test_the_last_days_rates_are_carried_to_each_later_ecb_day_marked_as_carried() -> None:
    thursday = [ecb("GBP", "0.8301", FRIDAY - timedelta(days=1))]
    friday = [ecb("GBP", "0.8338"), ecb("USD", "1.1598")]

    carried = carried_forward([*thursday, *friday], through=date(2026, 11, 10))

    days = sorted({q.as_of for q in carried})
    assert days == [date(2026, 11, d) for d in (2, 3, 4, 5, 6, 9, 10)]  # no weekend
    assert {(q.quote, q.rate) for q in carried} == {(q.quote, q.rate) for q in friday}
    assert {q.source for q in carried} == {"ecb+carried"}
    assert all(is_carried(q.source) for q in carried)
    assert not is_carried("ecb")
    assert not is_carried("ecb+peg")


def test_carrying_skips_christmas_and_new_year() -> None:
    carried = carried_forward([ecb("USD", "1.16", date(2026, 12, 24))], through=date(2027, 1, 4))

    assert [q.as_of for q in carried] == [
        date(2026, 12, 28),
        date(2026, 12, 29),
        date(2026, 12, 30),
        date(2026, 12, 31),
        date(2027, 1, 4),
    ]


def test_nothing_is_carried_up_to_the_day_itself() -> None:
    assert carried_forward([ecb("USD", "1.16")], through=FRIDAY) == []
    assert carried_forward([], through=FRIDAY) == []
