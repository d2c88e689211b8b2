"""Currencies their central banks peg to the US dollar: their rates follow from USD's.

The ECB publishes no AED, SAR, QAR, BHD, OMR or JOD rate, but each of these is held at
a fixed number of units per US dollar by its central bank, so 1 EUR buys exactly
(EUR->USD) x peg of it on any day the ECB publishes USD. The sync writes those derived
rates beside the published ones, marked `<source>+peg`, so a reader in AED converts like
anyone else. The ECB's USD rates have four decimals and the pegs at most four, so a
derived rate is exact at the table's eight places: nothing is rounded.

Not here, on purpose: KWD, pegged since 20 May 2007 to an undisclosed basket of
currencies (Central Bank of Kuwait, Decree 147/2007), so no published rate gives it;
an admin loads its rate (`samia fx set KWD RATE --on DAY`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from types import MappingProxyType

from domain.ports.fx import FxQuote

ANCHOR = "USD"
REFERENCE_BASE = "EUR"  # every stored rate is 1 EUR in another currency, as the ECB has it
PEG_SUFFIX = "+peg"

# Units of each currency per 1 US dollar, as its central bank holds it.
PEGS: Mapping[str, Decimal] = MappingProxyType(
    {
        # Central Bank of the UAE: 3.6725 dirhams per dollar (the rate it sets for official
        # uses such as VAT; it deals at 3.672 / 3.673 around it).
        "AED": Decimal("3.6725"),
        # Saudi Central Bank (SAMA), statement of 4 May 2020: "the official rate of 3.75
        # riyals to the dollar", held since 1986.
        "SAR": Decimal("3.75"),
        # Qatar Central Bank, exchange rate policy: QR 3.64 per USD since July 2001
        # (Amiri Decree No. 34 of 2001).
        "QAR": Decimal("3.64"),
        # Central Bank of Bahrain, exchange rate policy: 0.376 dinars to the US dollar.
        "BHD": Decimal("0.376"),
        # Central Bank of Oman: 1 rial = US$2.6008 since 1986, i.e. 0.384497 rials per
        # dollar, 0.3845 to four places (the figure quoted for the peg).
        "OMR": Decimal("0.3845"),
        # Central Bank of Jordan: 0.709 dinars per dollar, the middle of the 708/710 fils
        # band its circular to banks fixed in late 1995.
        "JOD": Decimal("0.709"),
    }
)


def is_pegged(currency: str) -> bool:
    """Whether the currency's rates are derived from USD's rather than published."""
    return currency in PEGS


def pegged_quotes(quotes: Iterable[FxQuote]) -> list[FxQuote]:
    """For each `1 X = r USD` quote, `1 X = r x peg` of every pegged currency, that day.

    A rate the batch publishes itself for a pegged currency on that day wins over the
    derived one (a publisher that starts quoting AED is believed).
    """
    batch = list(quotes)
    published = {(q.base, q.quote, q.as_of) for q in batch}
    derived: list[FxQuote] = []
    for q in batch:
        if q.quote != ANCHOR or q.base in PEGS:
            continue
        derived.extend(
            FxQuote(q.base, currency, q.rate * per_usd, q.as_of, q.source + PEG_SUFFIX)
            for currency, per_usd in PEGS.items()
            if currency != q.base and (q.base, currency, q.as_of) not in published
        )
    return derived
