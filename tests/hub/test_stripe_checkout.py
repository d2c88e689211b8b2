"""Stripe end to end: the chat opens one Checkout Session, the signed webhook confirms.

The real stripe SDK talks to a loopback Stripe; deliveries are signed exactly as Stripe
signs them and posted to the real `POST /webhooks/stripe` route.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from domain.clock import FixedClock
from domain.enums import LedgerAccount
from hub.app import create_app
from hub.runtime import Runtime
from hub.settings import load_settings
from tests.hub.test_pay_page import booking_status, prepaid_runtime
from tests.hub.test_webchat_http import button, say
from tests.support.fakes.stripe_api import StripeApiFake

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


@dataclass
class Hub:
    http: TestClient
    stripe: StripeApiFake
    runtime: Runtime

    def post(self, event: dict, *, stale: bool = False, secret: str | None = None):  # type: ignore[no-untyped-def,type-arg]
        body, headers = self.stripe.deliver(event, stale=stale)
        if secret is not None:  # signed by someone who does not know our secret
            from tests.support.fakes.stripe_events import signed_delivery

            body, headers = signed_delivery(event, secret, timestamp=int(NOW.timestamp()))
        return self.http.post("/webhooks/stripe", content=body, headers=headers)

    def balance(self, account: LedgerAccount) -> int:
        async def read() -> int:
            async with self.runtime.database.uows(read_only=True) as uow:
                return await uow.ledger.balance(account, "GBP", None)

        assert self.http.portal is not None
        return self.http.portal.call(read)


@pytest.fixture(scope="module")
def stripe_server() -> Iterator[StripeApiFake]:
    with StripeApiFake(clock=NOW.timestamp) as server:
        yield server


@pytest.fixture
def hub(
    database_url: str, monkeypatch: pytest.MonkeyPatch, stripe_server: StripeApiFake
) -> Iterator[Hub]:
    stripe_server.reset()
    monkeypatch.setenv("SAMIA_DATABASE_URL", database_url)
    monkeypatch.setenv("SAMIA_ADMIN_TOKEN", "admin-secret")
    monkeypatch.setenv("SAMIA_DEFAULT_CURRENCY", "GBP")
    monkeypatch.setenv("SAMIA_STRIPE_API_KEY", stripe_server.api_key)
    monkeypatch.setenv("SAMIA_STRIPE_WEBHOOK_SECRET", stripe_server.webhook_secret)
    monkeypatch.setenv("SAMIA_STRIPE_API_URL", stripe_server.url)
    settings = load_settings()

    runtime = asyncio.run(prepaid_runtime(settings, FixedClock(NOW)))
    with TestClient(create_app(settings, runtime=runtime)) as http:
        yield Hub(http, stripe_server, runtime)
        # Stripe's HTTP client lives on the app's loop: close it there.
        assert http.portal is not None
        http.portal.call(runtime.close)


def book_and_pay(hub: Hub) -> tuple[str, str]:
    """Book in the chat, pay on 'Stripe'; the session and its PaymentIntent."""
    answer = say(hub.http, None, text="book tomorrow at 11am", timezone="Europe/London")
    session = answer["session"]
    say(hub.http, session, text="Lina")
    answer = say(hub.http, session, text="lina@example.com")
    answer = say(hub.http, session, action=button(answer, "Confirm"))
    text = answer["replies"][0]["text"]
    [checkout] = list(hub.stripe.sessions.values())
    assert checkout["url"] in text
    assert checkout["amount_total"] == 4500
    assert checkout["currency"] == "gbp"
    return checkout["id"], hub.stripe.pay(checkout["id"])


def test_a_paid_checkout_confirms_the_booking_with_one_session_and_one_payment(
    hub: Hub,
) -> None:
    session_id, _ = book_and_pay(hub)
    assert booking_status(hub.http) == "held"

    event = hub.stripe.completed_event(session_id)
    first = hub.post(event)
    again = hub.post(event)

    assert first.status_code == 200, first.text
    assert first.json()["outcomes"] == ["settled"]
    assert again.json()["outcomes"] == ["duplicate"]
    assert booking_status(hub.http) == "confirmed"
    assert hub.stripe.sessions_created == 1  # Stripe calls per paid booking
    assert hub.balance(LedgerAccount.CASH) == 4500


def test_forged_and_replayed_webhooks_are_refused_and_change_nothing(hub: Hub) -> None:
    session_id, _ = book_and_pay(hub)
    event = hub.stripe.completed_event(session_id)

    forged = hub.post(event, secret="whsec_not_ours")
    replayed = hub.post(event, stale=True)
    garbage = hub.http.post("/webhooks/stripe", content=b"{}", headers={})

    assert (forged.status_code, replayed.status_code, garbage.status_code) == (400, 400, 400)
    assert booking_status(hub.http) == "held"
    assert hub.balance(LedgerAccount.CASH) == 0


def test_a_refund_made_at_stripe_is_booked_once(hub: Hub) -> None:
    session_id, intent = book_and_pay(hub)
    hub.post(hub.stripe.completed_event(session_id))
    hub.stripe.charges[intent]["amount_refunded"] = 1500  # refunded in the Stripe dashboard

    event = hub.stripe.refunded_event(intent)
    first, again = hub.post(event), hub.post(event)

    assert first.json()["outcomes"] == ["refunded"]
    assert again.json()["outcomes"] == ["duplicate"]
    assert hub.balance(LedgerAccount.CASH) == 3000


def test_a_dispute_takes_the_money_back_from_the_reader(hub: Hub) -> None:
    session_id, intent = book_and_pay(hub)
    hub.post(hub.stripe.completed_event(session_id))

    answer = hub.post(hub.stripe.dispute_event(intent))

    assert answer.json()["outcomes"] == ["disputed"]
    assert hub.balance(LedgerAccount.CASH) == 0
    assert hub.balance(LedgerAccount.READER_PAYABLE) == 0
