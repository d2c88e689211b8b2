"""One contract for every PaymentProvider: the built-in one and Stripe (on its loopback)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import SecretStr

from connectors.payments.builtin import BuiltinPayments
from connectors.payments.stripe import StripePayments
from connectors.settings import StripeSettings
from domain.billing.money import Money
from domain.ports.payments import CheckoutRequest, PaymentProvider
from tests.support.fakes.stripe_api import StripeApiFake

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def stripe_server() -> Iterator[StripeApiFake]:
    with StripeApiFake(clock=NOW.timestamp) as server:
        yield server


@pytest.fixture(params=["builtin", "stripe"])
async def provider(
    request: pytest.FixtureRequest, stripe_server: StripeApiFake
) -> AsyncIterator[PaymentProvider]:
    if request.param == "builtin":
        yield BuiltinPayments(public_url="http://hub.test", secret=b"contract")
        return
    stripe_server.reset()
    stripe = StripePayments(
        StripeSettings(
            api_key=SecretStr(stripe_server.api_key),
            webhook_secret=SecretStr(stripe_server.webhook_secret),
            api_url=stripe_server.url,
        ),
        clock=lambda: NOW,
    )
    yield stripe
    await stripe.aclose()


def ask(amount: Money) -> CheckoutRequest:
    return CheckoutRequest(
        payment_id=uuid.uuid4(),
        amount=amount,
        description="Love reading",
        expires_at=NOW + timedelta(minutes=30),
        success_url="http://hub.test/chat",
        cancel_url="http://hub.test/chat",
        client_email="lina@example.com",
    )


async def test_the_same_key_gives_the_same_checkout(provider: PaymentProvider) -> None:
    request = ask(Money(4500, "GBP"))

    first = await provider.create_checkout(
        request=request, idempotency_key=f"c:{request.payment_id}"
    )
    again = await provider.create_checkout(
        request=request, idempotency_key=f"c:{request.payment_id}"
    )

    assert first == again
    assert first.provider == provider.name
    assert first.url.startswith("http")


async def test_another_payment_gets_another_checkout(provider: PaymentProvider) -> None:
    one, two = ask(Money(4500, "GBP")), ask(Money(4500, "GBP"))

    first = await provider.create_checkout(request=one, idempotency_key=f"c:{one.payment_id}")
    second = await provider.create_checkout(request=two, idempotency_key=f"c:{two.payment_id}")

    assert first.checkout_id != second.checkout_id
    assert first.url != second.url


async def test_a_zero_decimal_currency_opens_a_checkout(provider: PaymentProvider) -> None:
    request = ask(Money(6000, "JPY"))

    checkout = await provider.create_checkout(request=request, idempotency_key="c:jpy")

    assert checkout.checkout_id
