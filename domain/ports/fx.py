"""Exchange rates: where reference rates come from, and where they are kept."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Protocol


@dataclass(frozen=True, slots=True)
class FxQuote:
    """One published rate: 1 `base` buys `rate` of `quote`, as of a day."""

    base: str
    quote: str
    rate: Decimal
    as_of: date
    source: str


class FxRateSource(Protocol):
    """A publisher of daily reference rates (the ECB's, or the history a package ships)."""

    async def fetch(self, *, since: date) -> list[FxQuote]:
        """Every rate published from `since` to the latest day available.

        Args:
            since: The first day wanted (a source may have nothing for weekends and
                holidays: it publishes on business days only).

        Returns:
            The quotes, in the source's base currency (EUR for the ECB).

        Raises:
            TransientConnectorError: 429, 5xx or timeout.
            PermanentConnectorError: a body that is not the publisher's format.
        """
        ...


class FxRateRepository(Protocol):
    """Stored reference rates; a payment copies the one it used, so these may change."""

    async def upsert(self, quotes: list[FxQuote]) -> int:
        """Store quotes, replacing the same (base, quote, day) if published again.

        Args:
            quotes: Published rates.

        Returns:
            How many rows were new.
        """
        ...

    async def rate_on(self, base: str, quote: str, day: date) -> FxQuote | None:
        """The rate to turn `base` into `quote` on `day`.

        The latest rate published on or before the day, at most a week back (rates are
        not published on weekends and holidays), crossed through a common base when no
        direct rate is stored (GBP -> AED through EUR). The same currency is 1.

        Args:
            base: The currency converted from.
            quote: The currency converted to.
            day: The payment's day.

        Returns:
            The rate and the day it is from, or None when none is known that close.
        """
        ...

    async def rates_on(self, base: str, quote: str, days: Sequence[date]) -> dict[date, FxQuote]:
        """The rate `rate_on` gives for each of many days, from one read of their rates.

        Args:
            base: The currency converted from.
            quote: The currency converted to.
            days: The days wanted (a report's expense days).

        Returns:
            Day -> its rate; a day with no rate that close is left out.
        """
        ...

    async def latest_day(self) -> date | None:
        """The most recent day any rate is stored for (to fetch only what is new).

        Returns:
            The day, or None when the table is empty.
        """
        ...
