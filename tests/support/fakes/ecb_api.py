"""A loopback fake of the ECB's reference-rate files, built from the real bundled history.

Serves ``/stats/eurofxref/eurofxref-daily.xml`` (the latest day), ``-hist-90d.xml`` (the
90 days up to it) and ``-hist.xml`` (every day held) in the ECB's gesmes layout, newest
day first, with the single-quoted attributes the ECB writes. Point the adapter at
``fake.daily_url``. Recorded method names: ``daily``, ``hist-90d``, ``hist``.
``fail_next`` answers an HTTP error, ``malform_next`` a 200 whose body is not the format.
"""

from __future__ import annotations

from collections import defaultdict, deque
from datetime import date, timedelta
from functools import cache

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp

from connectors.fx.bundled import bundled_history, read_history
from connectors.fx.ecb import DAILY, HISTORY, NINETY_DAYS
from domain.ports.fx import FxQuote
from tests.support.fakes._recording import FakeVendor, ScriptedFailure

__all__ = ["EcbApiFake", "gesmes_xml"]

PATH = "/stats/eurofxref"
METHODS = {DAILY: "daily", NINETY_DAYS: "hist-90d", HISTORY: "hist"}
_NINETY_DAYS = timedelta(days=90)
_ENVELOPE_OPEN = """<?xml version="1.0" encoding="UTF-8"?>
<gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01" \
xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref">
\t<gesmes:subject>Reference rates</gesmes:subject>
\t<gesmes:Sender>
\t\t<gesmes:name>European Central Bank</gesmes:name>
\t</gesmes:Sender>
\t<Cube>
"""
_ENVELOPE_CLOSE = "\t</Cube>\n</gesmes:Envelope>\n"


def gesmes_xml(quotes: list[FxQuote]) -> bytes:
    """The ECB's file for these EUR-based quotes: one day cube each, newest day first."""
    days: defaultdict[date, list[FxQuote]] = defaultdict(list)
    for quote in quotes:
        days[quote.as_of].append(quote)
    parts = [_ENVELOPE_OPEN]
    for day in sorted(days, reverse=True):
        parts.append(f"\t\t<Cube time='{day.isoformat()}'>\n")
        parts.extend(f"\t\t\t<Cube currency='{q.quote}' rate='{q.rate}'/>\n" for q in days[day])
        parts.append("\t\t</Cube>\n")
    parts.append(_ENVELOPE_CLOSE)
    return "".join(parts).encode("utf-8")


@cache
def _bundled_since(since: date) -> tuple[FxQuote, ...]:
    """The bundled history from a day on, read once per test session."""
    return tuple(read_history(bundled_history(), since=since))


class EcbApiFake(FakeVendor):
    """The three ECB files over the real bundled rates (from `since`), with scripted faults."""

    def __init__(self, *, since: date = date(2024, 1, 1)) -> None:
        """Hold the bundled rates from `since` (the full history file is built on first use)."""
        super().__init__()
        self.quotes = list(_bundled_since(since))
        self.latest_day = max(q.as_of for q in self.quotes)
        self._files: dict[str, bytes] = {}
        self._reset_state()
        self._app = Starlette(routes=[Route(f"{PATH}/{{name}}", self._file, methods=["GET"])])

    @property
    def app(self) -> ASGIApp:
        """The Starlette app; serve it with `with fake:`."""
        return self._app

    @property
    def daily_url(self) -> str:
        """What SAMIA_FX_RATES_URL would be: the daily file, beside the other two."""
        return f"{self.url}{PATH}/{DAILY}"

    def _reset_state(self) -> None:
        """No malformed answers queued."""
        self._malformed: defaultdict[str, deque[bytes]] = defaultdict(deque)

    def fail_next(
        self,
        method: str = "*",
        *,
        status: int = 503,
        times: int = 1,
        retry_after: str | None = None,
    ) -> None:
        """Answer the next requests for a file (or ``*``) with an HTTP error."""
        headers = {"Retry-After": retry_after} if retry_after is not None else {}
        self._script(method, ScriptedFailure(status=status, body={}, headers=headers), times)

    def malform_next(
        self, method: str = "*", *, body: bytes = b"<html><body>Moved</body></html>"
    ) -> None:
        """Answer the next request for a file (or ``*``) 200 with a body that is not gesmes."""
        with self._lock:
            self._malformed[method].append(body)

    def content(self, name: str) -> bytes:
        """One file's bytes, built once."""
        if name not in self._files:
            if name == DAILY:
                kept = [q for q in self.quotes if q.as_of == self.latest_day]
            elif name == NINETY_DAYS:
                kept = [q for q in self.quotes if q.as_of >= self.latest_day - _NINETY_DAYS]
            else:
                kept = self.quotes
            self._files[name] = gesmes_xml(kept)
        return self._files[name]

    async def _file(self, request: Request) -> Response:
        """GET one of the three files (anything else is the ECB's 404)."""
        name = request.path_params["name"]
        method = METHODS.get(name)
        if method is None:
            self._record_request(request, name, {}, 404)
            return PlainTextResponse("Not Found", status_code=404)
        failure = self._take_failure(method)
        if failure is not None:
            self._record_request(request, method, {}, failure.status)
            return PlainTextResponse(
                "<html>Service Unavailable</html>",
                status_code=failure.status,
                headers=failure.headers,
            )
        with self._lock:
            queue = self._malformed.get(method) or self._malformed.get("*")
            malformed = queue.popleft() if queue else None
        self._record_request(request, method, {}, 200)
        body = malformed if malformed is not None else self.content(name)
        return Response(body, media_type="text/xml")
