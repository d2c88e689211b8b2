"""Typed amounts become minor units of their currency's exponent, or a clear refusal."""

from __future__ import annotations

import pytest

from domain.billing.money import InvalidAmount, Money, exponent, parse_amount


@pytest.mark.parametrize(
    ("typed", "currency", "minor"),
    [
        ("12.50", "GBP", 1250),
        ("12,5", "eur", 1250),
        ("1 250", "USD", 125000),
        ("1000", "JPY", 1000),
        ("1.234", "KWD", 1234),
        ("0", "AED", 0),
    ],
)
def test_typed_amounts_become_minor_units(typed: str, currency: str, minor: int) -> None:
    assert parse_amount(typed, currency) == Money(minor, currency.upper())


@pytest.mark.parametrize(
    ("typed", "currency", "says"),
    [
        ("12.505", "GBP", "GBP amounts have 2 decimals"),
        ("1.5", "JPY", "JPY amounts have no decimals"),
        ("1.2345", "KWD", "KWD amounts have 3 decimals"),
        ("-1", "GBP", "cannot be negative"),
        ("twelve", "GBP", "is not an amount"),
        ("NaN", "GBP", "is not an amount"),
        ("12", "GPB", "unknown currency GPB"),
        ("12", "", "unknown currency"),
    ],
)
def test_impossible_amounts_are_refused_with_the_reason(
    typed: str, currency: str, says: str
) -> None:
    with pytest.raises(InvalidAmount, match=says):
        parse_amount(typed, currency)


def test_exponents_come_from_iso_4217() -> None:
    assert (exponent("JPY"), exponent("GBP"), exponent("KWD")) == (0, 2, 3)


def test_money_prints_with_its_currencys_decimals() -> None:
    assert (str(Money(1250, "GBP")), str(Money(1000, "JPY")), str(Money(5, "KWD"))) == (
        "12.50 GBP",
        "1000 JPY",
        "0.005 KWD",
    )


def test_money_is_never_negative() -> None:
    with pytest.raises(InvalidAmount):
        Money(-1, "GBP")
