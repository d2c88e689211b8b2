"""The ECB adapter: which file it asks for, and how failures become the two error kinds."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime

import httpx
import pytest

from connectors.errors import PermanentConnectorError, TransientConnectorError
from connectors.fx.ecb import DAILY, HISTORY, NINETY_DAYS, EcbRateSource, file_for
from connectors.settings import FxSettings
from domain.clock import FixedClock
from tests.support.fakes.ecb_api import EcbApiFake

MONDAY = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)
GESMES_HEAD = (
    b"<gesmes:Envelope xmlns:gesmes='http://www.gesmes.org/xml/2002-08-01'"
    b" xmlns='http://www.ecb.int/vocabulary/2002-08-01/eurofxref'><Cube>"
)


@pytest.fixture
async def source(ecb: EcbApiFake) -> AsyncIterator[EcbRateSource]:
    adapter = EcbRateSource(FxSettings(rates_url=ecb.daily_url), clock=FixedClock(MONDAY))
    yield adapter
    await adapter.aclose()


@pytest.mark.parametrize(
    ("since", "expected"),
    [
        (date(2026, 11, 2), DAILY),
        (date(2026, 11, 9), DAILY),
        (date(2026, 10, 27), NINETY_DAYS),
        (date(2026, 8, 9), NINETY_DAYS),
        (date(2026, 8, 8), HISTORY),
        (date(1999, 1, 4), HISTORY),
    ],
)
def test_the_smallest_file_that_reaches_since_is_chosen(since: date, expected: str) -> None:
    assert file_for(since, MONDAY.date()) == expected


async def test_each_file_is_read_beside_the_configured_daily_one(
    ecb: EcbApiFake, source: EcbRateSource
) -> None:
    await source.fetch(since=date(2026, 11, 2))
    await source.fetch(since=date(2026, 10, 1))
    await source.fetch(since=date(2026, 1, 5))

    assert [(c.method, c.path) for c in ecb.calls()] == [
        ("daily", f"/stats/eurofxref/{DAILY}"),
        ("hist-90d", f"/stats/eurofxref/{NINETY_DAYS}"),
        ("hist", f"/stats/eurofxref/{HISTORY}"),
    ]


async def test_a_503_is_transient(ecb: EcbApiFake, source: EcbRateSource) -> None:
    ecb.fail_next(status=503)

    with pytest.raises(TransientConnectorError) as error:
        await source.fetch(since=date(2026, 10, 1))

    assert (error.value.provider, error.value.status) == ("ecb", 503)


async def test_a_429_carries_the_retry_after(ecb: EcbApiFake, source: EcbRateSource) -> None:
    ecb.fail_next("hist-90d", status=429, retry_after="7")

    with pytest.raises(TransientConnectorError) as error:
        await source.fetch(since=date(2026, 10, 1))

    assert error.value.retry_after == 7


async def test_a_missing_file_is_permanent(ecb: EcbApiFake) -> None:
    moved = EcbRateSource(
        FxSettings(rates_url=f"{ecb.url}/elsewhere/{DAILY}"), clock=FixedClock(MONDAY)
    )
    try:
        with pytest.raises(PermanentConnectorError) as error:
            await moved.fetch(since=date(2026, 11, 2))
    finally:
        await moved.aclose()

    assert error.value.status == 404


async def test_a_body_that_is_not_the_ecb_format_is_permanent(
    ecb: EcbApiFake, source: EcbRateSource
) -> None:
    ecb.malform_next()

    with pytest.raises(PermanentConnectorError, match="not its reference rates") as error:
        await source.fetch(since=date(2026, 10, 1))

    assert not isinstance(error.value, TransientConnectorError)


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"<html><body>Moved</body></html>", "not a gesmes Envelope"),
        (b"not xml at all", "not XML"),
        (GESMES_HEAD + b"</Cube></gesmes:Envelope>", "no <Cube time"),
        (
            GESMES_HEAD
            + b"<Cube time='2026-10-30'><Cube currency='USD' rate='abc'/></Cube>"
            + b"</Cube></gesmes:Envelope>",
            "rate 'abc'",
        ),
        (
            GESMES_HEAD
            + b"<Cube time='30.10.2026'><Cube currency='USD' rate='1.1'/></Cube>"
            + b"</Cube></gesmes:Envelope>",
            "day '30.10.2026'",
        ),
        (
            GESMES_HEAD
            + b"<Cube time='2026-10-30'><Cube currency='usd' rate='1.1'/></Cube>"
            + b"</Cube></gesmes:Envelope>",
            "currency 'usd'",
        ),
    ],
)
async def test_a_malformed_body_names_what_is_wrong(
    ecb: EcbApiFake, source: EcbRateSource, body: bytes, reason: str
) -> None:
    ecb.malform_next(body=body)

    with pytest.raises(PermanentConnectorError, match=reason):
        await source.fetch(since=date(2026, 10, 1))


async def test_entity_expansion_is_refused_not_expanded(
    ecb: EcbApiFake, source: EcbRateSource
) -> None:
    bomb = b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'aaaa'>]><x>&a;</x>"
    ecb.malform_next(body=bomb)

    with pytest.raises(PermanentConnectorError, match="not XML"):
        await source.fetch(since=date(2026, 10, 1))


@pytest.mark.parametrize(
    ("failure", "says"),
    [
        (httpx.ReadTimeout("timed out"), "ecb timed out"),
        (httpx.ConnectError("connection refused"), "ecb unreachable"),
    ],
)
async def test_a_timeout_or_a_refused_connection_is_transient(
    failure: httpx.TransportError, says: str
) -> None:
    def fail(request: httpx.Request) -> httpx.Response:
        raise failure

    client = httpx.AsyncClient(transport=httpx.MockTransport(fail))
    adapter = EcbRateSource(FxSettings(), client=client, clock=FixedClock(MONDAY))
    try:
        with pytest.raises(TransientConnectorError, match=says):
            await adapter.fetch(since=date(2026, 10, 1))
    finally:
        await client.aclose()
