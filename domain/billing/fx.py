"""Converting money between currencies at a stored rate, rounded once to the minor unit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal

from domain.billing.money import Money, exponent
from domain.errors import InvalidRequest
from domain.ports.fx import FxQuote, FxRateRepository


class MissingFxRate(InvalidRequest):
    """No rate is known near the day: said plainly (run `samia fx sync`), nothing is stored."""

    code = "missing_fx_rate"


@dataclass(frozen=True, slots=True)
class Conversion:
    """An amount turned into another currency, with the rate and its day kept beside it."""

    money: Money
    rate: Decimal
    as_of: date


def convert(amount: Money, quote: FxQuote) -> Conversion:
    """`amount` in `quote.quote`, rounded half to even (banker's) once, to its minor unit."""
    if amount.currency != quote.base:
        raise InvalidRequest(f"this rate converts {quote.base}, not {amount.currency}")
    major = amount.decimal * quote.rate
    places = exponent(quote.quote)
    minor = (major.scaleb(places)).quantize(Decimal(1), rounding=ROUND_HALF_EVEN)
    return Conversion(Money(int(minor), quote.quote), quote.rate, quote.as_of)


async def convert_on(
    rates: FxRateRepository, amount: Money, currency: str, day: date
) -> Conversion:
    """`amount` in `currency` at the rate of `day`, or a clear refusal when none is known."""
    if amount.currency == currency:
        return Conversion(amount, Decimal(1), day)
    quote = await rates.rate_on(amount.currency, currency, day)
    if quote is None:
        raise MissingFxRate(
            f"no {amount.currency}->{currency} rate is known for {day.isoformat()}: "
            "run `samia fx sync`"
        )
    return convert(amount, quote)
