"""A reading paid in advance, over HTTP: the chat gives a pay link, the test page pays it."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from domain.clock import FixedClock
from hub.app import create_app
from hub.runtime import Runtime, build_runtime
from hub.settings import Settings, load_settings
from tests.hub.test_webchat_http import button, say
from tests.support.factories import make_reader, make_service, seed_open_reader

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
PAY_LINK = re.compile(r"http://[^\s]+/pay/([A-Za-z0-9_-]+)")


@dataclass
class Hub:
    http: TestClient
    clock: FixedClock


@pytest.fixture
def hub(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Hub]:
    monkeypatch.setenv("SAMIA_DATABASE_URL", database_url)
    monkeypatch.setenv("SAMIA_ADMIN_TOKEN", "admin-secret")
    monkeypatch.setenv("SAMIA_SECRET_KEY", "pay-page-test-secret")
    monkeypatch.setenv("SAMIA_DEFAULT_CURRENCY", "GBP")
    settings = load_settings()
    clock = FixedClock(NOW)

    runtime = asyncio.run(prepaid_runtime(settings, clock))
    with TestClient(create_app(settings, runtime=runtime)) as http:
        yield Hub(http, clock)
    asyncio.run(runtime.close())


async def prepaid_runtime(settings: Settings, clock: FixedClock) -> Runtime:
    """A hub whose one reader, Samia, is paid in advance: a £45 love reading, weekdays 10-18."""
    runtime = await build_runtime(settings, clock=clock)
    reader = make_reader(
        name="Samia", slug="samia", minimum_notice_minutes=60, prepayment_required=True
    )
    reading = make_service(reader, name="Love reading", slug="love", price_minor=4500)
    await seed_open_reader(runtime.database.uows, reader, reading)
    await runtime.refresh_reader_names()
    return runtime


def book_until_pay_link(http: TestClient) -> str:
    answer = say(http, None, text="book tomorrow at 11am", timezone="Europe/London")
    session = answer["session"]
    say(http, session, text="Lina")
    answer = say(http, session, text="lina@example.com")
    answer = say(http, session, action=button(answer, "Confirm"))
    text = answer["replies"][0]["text"]
    assert text.startswith("To confirm, please pay £45.00 here:"), text
    found = PAY_LINK.search(text)
    assert found is not None, text
    return found.group(1)


def booking_status(http: TestClient) -> str:
    listed = http.get(
        "/api/v1/bookings?reader=samia", headers={"Authorization": "Bearer admin-secret"}
    )
    assert listed.status_code == 200, listed.text
    [booking] = listed.json()
    return str(booking["status"])


def test_prepaid_booking_confirms_when_the_test_page_is_paid(hub: Hub) -> None:
    token = book_until_pay_link(hub.http)
    assert booking_status(hub.http) == "held"

    page = hub.http.get(f"/pay/{token}")
    assert page.status_code == 200
    assert "Test mode: no card is charged" in page.text
    assert "Pay £45.00 (test)" in page.text
    assert "Love reading" in page.text

    paid = hub.http.post(f"/pay/{token}")
    assert paid.status_code == 200
    assert "Paid. Thank you!" in paid.text
    assert booking_status(hub.http) == "confirmed"

    again = hub.http.post(f"/pay/{token}")
    assert "This has been paid already" in again.text
    assert "<form" not in again.text


def test_a_forged_token_opens_nothing(hub: Hub) -> None:
    book_until_pay_link(hub.http)

    assert hub.http.get("/pay/not-a-real-token").status_code == 404
    assert hub.http.post("/pay/not-a-real-token").status_code == 404
    assert booking_status(hub.http) == "held"


def test_a_lapsed_pay_link_takes_no_payment(hub: Hub) -> None:
    token = book_until_pay_link(hub.http)
    hub.clock.advance(timedelta(minutes=31))

    assert hub.http.get(f"/pay/{token}").status_code == 410
    refused = hub.http.post(f"/pay/{token}")
    assert refused.status_code == 410
    assert "expired" in refused.text
    assert booking_status(hub.http) != "confirmed"
