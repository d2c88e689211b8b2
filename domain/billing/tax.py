"""Which tax rule a reader's invoice to a client carries: the place of supply decides.

A simplified VAT-style rule, the common case for a person selling readings online:
- the reader is taxed where they are registered (`Reader.country`); no country, no tax;
- a client in the same country pays that country's rate;
- a client elsewhere in the same tax union (the EU's one-stop shop for e-services) pays
  the rate of the client's own country;
- a client outside the union is outside the scope of the reader's tax: no tax is charged.
A business client with a tax number (reverse charge) is set per invoice by the reader.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain.billing.invoices import TaxRule

EU_COUNTRIES = frozenset(
    {
        "AT",
        "BE",
        "BG",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "ES",
        "FI",
        "FR",
        "GR",
        "HR",
        "HU",
        "IE",
        "IT",
        "LT",
        "LU",
        "LV",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SE",
        "SI",
        "SK",
    }
)


@dataclass(frozen=True, slots=True)
class TaxRateRow:
    """A country's standard rate for a period (`valid_to` None: still in force)."""

    country: str
    name: str
    rate_bps: int
    valid_from: date
    valid_to: date | None = None


def place_of_supply(reader_country: str | None, client_country: str | None) -> str | None:
    """The country whose rate applies, or None when no tax is charged."""
    if not reader_country:
        return None
    reader_country = reader_country.upper()
    client = (client_country or reader_country).upper()
    if client == reader_country:
        return reader_country
    if reader_country in EU_COUNTRIES and client in EU_COUNTRIES:
        return client
    return None  # supplied abroad, outside the reader's tax


def rule_for(rate: TaxRateRow | None, *, inclusive: bool) -> TaxRule:
    """The rule an invoice carries for a rate (no rate: no tax)."""
    return TaxRule(rate_bps=rate.rate_bps if rate else 0, inclusive=inclusive)
