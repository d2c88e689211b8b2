"""The ECB's euro reference rates from its gesmes XML files, over httpx.

The ECB publishes, in one directory, the latest day (eurofxref-daily.xml, ~1.5 kB), the
last 90 days (eurofxref-hist-90d.xml) and every day since 1999 (eurofxref-hist.xml,
several MB), each as `<Cube><Cube time="YYYY-MM-DD"><Cube currency="USD" rate="1.0565"/>`.
`fetch` downloads the smallest file that reaches back to `since`. Rates are published on
business days around 16:00 CET; the XML is parsed with defusedxml (no entity expansion).
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as safe_xml
import httpx
from defusedxml import DefusedXmlException

from connectors.errors import (
    PermanentConnectorError,
    classify_http_status,
    timeout_error,
    transport_error,
)
from connectors.settings import FxSettings
from domain.clock import Clock, SystemClock
from domain.ports.fx import FxQuote

__all__ = ["BASE", "PROVIDER", "EcbRateSource", "file_for", "parse_reference_rates"]

PROVIDER = "ecb"
BASE = "EUR"
DAILY, NINETY_DAYS, HISTORY = "eurofxref-daily.xml", "eurofxref-hist-90d.xml", "eurofxref-hist.xml"
# The 90-day file counts back from its own latest day, which may be a holiday weekend
# behind today: trust it a few days short of 90.
NINETY_DAYS_REACH = timedelta(days=85)
_GESMES = "{http://www.gesmes.org/xml/2002-08-01}"
_CUBE = "{http://www.ecb.int/vocabulary/2002-08-01/eurofxref}Cube"
_CODE = re.compile(r"[A-Z]{3}")


def file_for(since: date, today: date) -> str:
    """The smallest of the three files that holds every day from `since` on."""
    if since >= today:
        return DAILY  # nothing older is wanted: the latest day, or nothing new yet
    if since >= today - NINETY_DAYS_REACH:
        return NINETY_DAYS
    return HISTORY


def parse_reference_rates(body: bytes, *, source: str = PROVIDER) -> list[FxQuote]:
    """Every EUR-based quote in one of the ECB's files, or PermanentConnectorError."""
    try:
        root: Element = safe_xml.fromstring(body)
    except (ParseError, DefusedXmlException) as exc:
        raise _bad_body(f"not XML ({exc})") from None
    if root.tag != f"{_GESMES}Envelope":
        raise _bad_body(f"root element {root.tag!r}, not a gesmes Envelope")
    quotes: list[FxQuote] = []
    days = 0
    for cube in root.iter(_CUBE):
        if "time" not in cube.attrib:
            continue
        days += 1
        day = _day(cube.attrib["time"])
        quotes.extend(
            FxQuote(BASE, _code(rate.get("currency")), _rate(rate.get("rate")), day, source)
            for rate in cube.iter(_CUBE)
            if rate is not cube
        )
    if days == 0:
        raise _bad_body("no <Cube time=...> day in it")
    return quotes


class EcbRateSource:
    """`FxRateSource` over the ECB's published files (the URL comes from settings)."""

    provider = PROVIDER

    def __init__(
        self,
        settings: FxSettings,
        *,
        client: httpx.AsyncClient | None = None,
        clock: Clock | None = None,
    ) -> None:
        """Use the given client (not closed by us) or own one with the settings' timeout."""
        self._directory = settings.rates_url.rsplit("/", 1)[0]
        self._owns_client = client is None
        self._client = client or httpx.AsyncClient(timeout=settings.timeout_seconds)
        self._clock = clock or SystemClock()

    async def aclose(self) -> None:
        """Close the HTTP client if we created it."""
        if self._owns_client:
            await self._client.aclose()

    def url_for(self, since: date) -> str:
        """Where the file that covers `since` is published."""
        return f"{self._directory}/{file_for(since, self._clock.now().date())}"

    async def fetch(self, *, since: date) -> list[FxQuote]:
        """Every rate published from `since` on, from the smallest file that has them."""
        url = self.url_for(since)
        try:
            response = await self._client.get(url)
        except httpx.TimeoutException as exc:
            raise timeout_error(PROVIDER, exc) from exc
        except httpx.TransportError as exc:
            raise transport_error(PROVIDER, exc) from exc
        if not response.is_success:
            raise classify_http_status(
                PROVIDER, response.status_code, response.headers.get("retry-after"), response.text
            )
        return [q for q in parse_reference_rates(response.content) if q.as_of >= since]


def _bad_body(reason: str) -> PermanentConnectorError:
    """A 200 whose body is not the ECB's format (a proxy's page, a moved file)."""
    return PermanentConnectorError(
        f"{PROVIDER} answered a body that is not its reference rates: {reason}", provider=PROVIDER
    )


def _day(raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise _bad_body(f"day {raw!r}") from None


def _code(raw: str | None) -> str:
    if raw is None or not _CODE.fullmatch(raw):
        raise _bad_body(f"currency {raw!r}")
    return raw


def _rate(raw: str | None) -> Decimal:
    try:
        rate = Decimal(raw or "")
    except InvalidOperation:
        raise _bad_body(f"rate {raw!r}") from None
    if not rate.is_finite() or rate <= 0:
        raise _bad_body(f"rate {raw!r}")
    return rate
