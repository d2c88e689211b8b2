"""Amounts as integers of a currency's minor unit, checked against ISO 4217.

A currency's exponent (GBP 2, JPY 0, KWD 3) comes from the CLDR data babel ships, so
every currency a reader or client uses works without a table of our own. Typed amounts
are parsed with `Decimal`, never floats: "12.50 GBP" is 1250, "12.505 GBP" is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache

from babel.numbers import get_currency_precision, list_currencies

from domain.errors import InvalidRequest


class InvalidAmount(InvalidRequest):
    """An amount or currency that cannot be money: said plainly, nothing changes."""

    code = "invalid_amount"


@cache
def _known_currencies() -> frozenset[str]:
    return frozenset(list_currencies())


def currency_code(raw: str) -> str:
    """The upper-case ISO 4217 code, or a clear refusal ("unknown currency GPB")."""
    code = (raw or "").strip().upper()
    if code not in _known_currencies():
        raise InvalidAmount(f"unknown currency {code or '(none)'}: use an ISO code like GBP")
    return code


def exponent(currency: str) -> int:
    """Digits after the decimal point in the currency's minor unit (JPY 0, KWD 3)."""
    return int(get_currency_precision(currency_code(currency)))


def minor_per_unit(currency: str) -> int:
    """Minor units in one major unit (100 for GBP, 1 for JPY, 1000 for KWD)."""
    scale: int = 10 ** exponent(currency)
    return scale


@dataclass(frozen=True, slots=True)
class Money:
    """A non-negative amount in minor units of one currency; the sign is the posting's job."""

    amount_minor: int
    currency: str

    def __post_init__(self) -> None:
        if self.amount_minor < 0:
            raise InvalidAmount("an amount cannot be negative")
        if self.currency != currency_code(self.currency):
            raise InvalidAmount(f"currency codes are upper case: {self.currency.upper()}")

    @property
    def decimal(self) -> Decimal:
        """The amount in major units, exactly (for display and FX)."""
        return Decimal(self.amount_minor).scaleb(-exponent(self.currency))

    def __str__(self) -> str:
        places = exponent(self.currency)
        return f"{self.decimal:.{places}f} {self.currency}"


def parse_amount(text: str, currency: str) -> Money:
    """A typed amount ("12.50", "12,50", "1 250") in `currency`, or a clear refusal."""
    code = currency_code(currency)
    cleaned = (text or "").strip().replace(" ", "").replace("\u00a0", "")
    if cleaned.count(",") == 1 and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")  # a decimal comma
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise InvalidAmount(f"{text!r} is not an amount") from None
    if not value.is_finite():
        raise InvalidAmount(f"{text!r} is not an amount")
    if value < 0:
        raise InvalidAmount("an amount cannot be negative")
    places = exponent(code)
    minor = value.scaleb(places)
    if minor != minor.to_integral_value():
        allowed = f"{places} decimal{'s' if places != 1 else ''}" if places else "no decimals"
        raise InvalidAmount(f"{code} amounts have {allowed}: {text.strip()} has more")
    return Money(int(minor), code)
