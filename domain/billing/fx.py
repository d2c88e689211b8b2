"""Converting money between currencies at a stored rate, rounded once to the minor unit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal

from domain.billing.fx_pegs import REFERENCE_BASE, is_pegged
from domain.billing.money import Money, exponent
from domain.errors import InvalidRequest
from domain.ports.fx import FxQuote, FxRateRepository


class MissingFxRate(InvalidRequest):
    """No rate is known near the day: said plainly with what fixes it, nothing is stored."""

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
    return convert(amount, await known_rate(rates, amount.currency, currency, day))


async def known_rate(rates: FxRateRepository, base: str, quote: str, day: date) -> FxQuote:
    """The rate a conversion of `day` uses, or MissingFxRate naming what to load."""
    found = await rates.rate_on(base, quote, day)
    if found is not None:
        return found
    # Which side has no rate at all: only asked when refusing, so a lookup costs one query.
    unknown = [
        code
        for code in (base, quote)
        if code != REFERENCE_BASE and await rates.rate_on(REFERENCE_BASE, code, day) is None
    ]
    raise MissingFxRate(missing_rate_message(base, quote, day, unknown))


def missing_rate_message(base: str, quote: str, day: date, unknown: Sequence[str]) -> str:
    """Why no rate is known, and what gets one: a sync, or an admin's rate for a currency
    nobody publishes (a pegged one always comes with the sync)."""
    on = day.isoformat()
    which = f" (none for {', '.join(unknown)})" if unknown else ""
    text = f"no {base}->{quote} rate is known for {on}{which}: run `samia fx sync`"
    loadable = [code for code in unknown if not is_pegged(code)]
    if not loadable:
        return text
    code = loadable[0] if len(loadable) == 1 else "CCY"
    return (
        f"{text}, or, for a currency the ECB does not publish, an admin loads its rate:"
        f" `samia fx set {code} RATE --on {on}` (RATE: {code} per 1 {REFERENCE_BASE})"
    )
