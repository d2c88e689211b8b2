"""StripeWebhookVerifier: really signed deliveries in, our PaymentEvents out, or a refusal.

Signatures are made with the same recipe Stripe uses (checked against the SDK's own
signer below); bodies are Stripe's event JSON from `tests.support.fakes.stripe_events`.
The last test runs a whole payment through the loopback Stripe and its webhook.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import stripe
from pydantic import SecretStr

from connectors.payments.stripe import StripePayments
from connectors.payments.stripe_webhooks import StripeWebhookVerifier
from connectors.settings import StripeSettings
from domain.billing.money import Money
from domain.enums import PaymentEventKind
from domain.ports.payments import CheckoutRequest, InvalidWebhook, PaymentWebhookVerifier
from tests.support.fakes.signing import stripe_sign
from tests.support.fakes.stripe_api import StripeApiFake
from tests.support.fakes.stripe_events import (
    charge_object,
    dispute_object,
    session_object,
    signed_delivery,
    stripe_event,
)

SECRET = "whsec_test_secret"
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
STAMP = int(NOW.timestamp())
PAYMENT_ID = uuid.uuid4()

JSON = dict[str, Any]


def verifier(secret: str = SECRET, tolerance: int = 300) -> StripeWebhookVerifier:
    settings = StripeSettings(
        api_key=SecretStr("sk_test_x"),
        webhook_secret=SecretStr(secret),
        tolerance_seconds=tolerance,
    )
    return StripeWebhookVerifier(settings)


def lower(headers: dict[str, str]) -> dict[str, str]:
    return {name.lower(): value for name, value in headers.items()}


def verify(body: bytes, headers: dict[str, str], now: datetime = NOW) -> list[Any]:
    return verifier().verify(body=body, headers=lower(headers), now=now)


def delivered(event: JSON, *, timestamp: int = STAMP, secret: str = SECRET) -> list[Any]:
    body, headers = signed_delivery(event, secret, timestamp=timestamp)
    return verify(body, headers)


def paid_session(**fields: Any) -> JSON:
    values: dict[str, Any] = {
        "amount_total": 4500,
        "currency": "gbp",
        "client_reference_id": str(PAYMENT_ID),
        "payment_intent": "pi_123",
        "session_id": "cs_test_abc",
        **fields,
    }
    return session_object(**values)


def test_the_verifier_satisfies_the_port() -> None:
    port: PaymentWebhookVerifier = verifier()
    assert port


def test_our_signer_matches_the_sdks_own() -> None:
    body = json.dumps(stripe_event("ping", {})).encode()
    expected = stripe.WebhookSignature.generate_signature_header(body.decode(), SECRET, STAMP)
    assert stripe_sign(body, SECRET, STAMP) == {"Stripe-Signature": expected}


@pytest.mark.parametrize(
    "event_type", ["checkout.session.completed", "checkout.session.async_payment_succeeded"]
)
def test_a_paid_session_becomes_a_completed_payment_of_ours(event_type: str) -> None:
    event = stripe_event(event_type, paid_session(), created=STAMP - 5)
    (completed,) = delivered(event)
    assert completed.kind is PaymentEventKind.COMPLETED
    assert (completed.provider, completed.event_id) == ("stripe", event["id"])
    assert completed.amount == Money(4500, "GBP")
    assert completed.payment_id == PAYMENT_ID
    assert completed.checkout_id == "cs_test_abc"
    assert completed.provider_payment_id == "pi_123"
    assert completed.occurred_at == NOW - timedelta(seconds=5)


def test_an_unpaid_completed_session_waits_for_the_money() -> None:
    session = paid_session(payment_status="unpaid", payment_intent=None)
    assert delivered(stripe_event("checkout.session.completed", session)) == []


def test_a_client_reference_that_is_not_ours_gives_no_payment_id() -> None:
    session = paid_session(client_reference_id="order-42")
    (completed,) = delivered(stripe_event("checkout.session.completed", session))
    assert completed.payment_id is None


@pytest.mark.parametrize(
    ("stripe_amount", "currency", "ours"),
    [
        (5000, "jpy", Money(5000, "JPY")),
        (500, "isk", Money(5, "ISK")),
        (12340, "kwd", Money(12340, "KWD")),
    ],
)
def test_amounts_come_back_in_our_minor_units(
    stripe_amount: int, currency: str, ours: Money
) -> None:
    session = paid_session(amount_total=stripe_amount, currency=currency)
    (completed,) = delivered(stripe_event("checkout.session.completed", session))
    assert completed.amount == ours


def test_a_refund_reports_everything_refunded_so_far() -> None:
    charge = charge_object(
        amount=4500, currency="gbp", payment_intent="pi_123", amount_refunded=3000
    )
    (refunded,) = delivered(stripe_event("charge.refunded", charge))
    assert refunded.kind is PaymentEventKind.REFUNDED
    assert refunded.amount == Money(3000, "GBP")
    assert refunded.provider_payment_id == "pi_123"
    assert refunded.payment_id is None


def test_a_dispute_reports_its_amount_and_reason() -> None:
    dispute = dispute_object(
        amount=4500, currency="gbp", charge="ch_1", payment_intent="pi_123", reason="fraudulent"
    )
    (disputed,) = delivered(stripe_event("charge.dispute.created", dispute))
    assert disputed.kind is PaymentEventKind.DISPUTED
    assert (disputed.amount, disputed.reason) == (Money(4500, "GBP"), "fraudulent")
    assert disputed.provider_payment_id == "pi_123"


def test_an_event_type_we_do_not_act_on_gives_nothing() -> None:
    assert delivered(stripe_event("customer.created", {"id": "cus_1", "object": "customer"})) == []


def test_a_signature_made_with_another_secret_is_refused() -> None:
    with pytest.raises(InvalidWebhook, match="Stripe-Signature"):
        delivered(stripe_event("checkout.session.completed", paid_session()), secret="whsec_guess")


def test_a_tampered_body_is_refused() -> None:
    body, headers = signed_delivery(stripe_event("charge.refunded", {}), SECRET, timestamp=STAMP)
    with pytest.raises(InvalidWebhook):
        verify(body.replace(b"charge.refunded", b"charge.captured"), headers)


def test_a_replayed_delivery_outside_the_tolerance_is_refused() -> None:
    event = stripe_event("checkout.session.completed", paid_session())
    body, headers = signed_delivery(event, SECRET, timestamp=STAMP, stale=True)
    with pytest.raises(InvalidWebhook, match="tolerance"):
        verify(body, headers)


def test_a_delivery_at_the_edge_of_the_tolerance_is_accepted() -> None:
    event = stripe_event("checkout.session.completed", paid_session())
    assert len(delivered(event, timestamp=STAMP - 300)) == 1


def test_a_missing_signature_header_is_refused() -> None:
    body, _ = signed_delivery(stripe_event("charge.refunded", {}), SECRET, timestamp=STAMP)
    with pytest.raises(InvalidWebhook, match="missing"):
        verify(body, {"Content-Type": "application/json"})


@pytest.mark.parametrize(
    "header", ["garbage", "t=soon,v1=00", "v1=00", f"t={STAMP}", f"t={STAMP},v0=00"]
)
def test_a_malformed_signature_header_is_refused(header: str) -> None:
    with pytest.raises(InvalidWebhook):
        verify(b"{}", {"Stripe-Signature": header})


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"\xff\xfe not utf-8",
        b"[]",
        b'{"id": "evt_1", "type": "charge.refunded", "created": 1}',
        b'{"id": "evt_1", "type": "charge.refunded", "created": 1, "data": {"object": {}}}',
    ],
)
def test_a_signed_but_malformed_body_is_refused(body: bytes) -> None:
    with pytest.raises(InvalidWebhook):
        verify(body, stripe_sign(body, SECRET, STAMP))


@pytest.fixture(scope="module")
def stripe_server() -> Iterator[StripeApiFake]:
    with StripeApiFake() as server:
        yield server


async def test_a_payment_through_the_loopback_stripe_arrives_as_our_events(
    stripe_server: StripeApiFake,
) -> None:
    fake = stripe_server
    fake.reset()
    settings = StripeSettings(
        api_key=SecretStr(fake.api_key),
        webhook_secret=SecretStr(fake.webhook_secret),
        api_url=fake.url,
    )
    payments, hooks = StripePayments(settings), StripeWebhookVerifier(settings)
    now = datetime.now(UTC)
    request = CheckoutRequest(
        payment_id=PAYMENT_ID,
        amount=Money(4500, "GBP"),
        description="Tarot reading",
        expires_at=now + timedelta(hours=1),
        success_url="https://samia.example/paid",
        cancel_url="https://samia.example/cancelled",
    )
    try:
        opened = await payments.create_checkout(request=request, idempotency_key="checkout:e2e")
        intent = fake.pay(opened.checkout_id)
        await payments.refund(
            provider_payment_id=intent, amount=Money(1000, "GBP"), idempotency_key="refund:e2e"
        )
    finally:
        await payments.aclose()
    events = [fake.completed_event(opened.checkout_id), fake.refunded_event(intent)]
    events.append(fake.dispute_event(intent, amount=3500, reason="product_not_received"))
    got = []
    for event in events:
        body, headers = fake.deliver(event)
        got.extend(hooks.verify(body=body, headers=lower(headers), now=now))
    assert [(e.kind, e.amount.amount_minor) for e in got] == [
        (PaymentEventKind.COMPLETED, 4500),
        (PaymentEventKind.REFUNDED, 1000),
        (PaymentEventKind.DISPUTED, 3500),
    ]
    assert got[0].payment_id == PAYMENT_ID
    assert got[0].checkout_id == opened.checkout_id
    assert {e.provider_payment_id for e in got} == {intent}
    body, headers = fake.deliver(events[0], stale=True)
    with pytest.raises(InvalidWebhook):
        hooks.verify(body=body, headers=lower(headers), now=now)
