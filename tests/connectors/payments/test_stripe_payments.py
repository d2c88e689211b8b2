"""StripePayments: the real stripe SDK (async, httpx) against a loopback Stripe.

What Stripe receives (amount in its units, currency, our ids, the idempotency key, the
expiry window), what a retry costs, Stripe's currency rules, refunds up to what is
left, and how Stripe's failures become our two kinds of connector error.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import SecretStr

from connectors.errors import AuthExpired, PermanentConnectorError, TransientConnectorError
from connectors.payments.stripe import StripePayments
from connectors.settings import StripeSettings
from domain.billing.money import Money
from domain.ports.payments import CheckoutRequest, PaymentProvider
from tests.support.fakes.stripe_api import StripeApiFake

CREATE = "checkout.sessions.create"


class Clock:
    """One clock for the adapter and the fake, so minutes can pass between attempts."""

    def __init__(self) -> None:
        self.t = time.time()

    def advance(self, minutes: float) -> None:
        self.t += minutes * 60

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.t, UTC)


@pytest.fixture(scope="module")
def stripe_server() -> Iterator[StripeApiFake]:
    with StripeApiFake() as server:
        yield server


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def fake(stripe_server: StripeApiFake, clock: Clock) -> Iterator[StripeApiFake]:
    stripe_server.reset()
    stripe_server.clock = lambda: clock.t
    yield stripe_server
    assert stripe_server.violations == []


def settings_for(fake: StripeApiFake, *, api_key: str | None = None) -> StripeSettings:
    return StripeSettings(
        api_key=SecretStr(api_key or fake.api_key),
        webhook_secret=SecretStr(fake.webhook_secret),
        api_url=fake.url,
    )


@pytest.fixture
async def provider(fake: StripeApiFake, clock: Clock) -> AsyncIterator[StripePayments]:
    payments = StripePayments(settings_for(fake), clock=clock.now)
    yield payments
    await payments.aclose()


def checkout(
    clock: Clock, amount: Money | None = None, *, window: timedelta = timedelta(hours=2), **kw: Any
) -> CheckoutRequest:
    fields: dict[str, Any] = {
        "payment_id": uuid.uuid4(),
        "amount": amount or Money(4500, "GBP"),
        "description": "Tarot reading, 45 minutes",
        "expires_at": clock.now() + window,
        "success_url": "https://samia.example/paid",
        "cancel_url": "https://samia.example/cancelled",
        "client_email": "client@example.com",
        "booking_id": uuid.uuid4(),
        **kw,
    }
    return CheckoutRequest(**fields)


async def test_stripe_payments_satisfies_the_port(fake: StripeApiFake) -> None:
    payments = StripePayments(settings_for(fake))
    provider: PaymentProvider = payments
    assert provider.name == "stripe"
    await payments.aclose()


async def test_a_checkout_carries_our_amount_currency_ids_and_key(
    provider: StripePayments, fake: StripeApiFake, clock: Clock
) -> None:
    request = checkout(clock)
    opened = await provider.create_checkout(request=request, idempotency_key="checkout:p-1")
    assert opened.provider == "stripe"
    assert opened.checkout_id.startswith("cs_test_")
    assert opened.url.startswith("https://checkout.stripe.com/")
    call = fake.last(CREATE)
    assert call.headers["idempotency-key"] == "checkout:p-1"
    assert call.params["mode"] == "payment"
    (item,) = call.params["line_items"]
    assert item["quantity"] == "1"
    assert item["price_data"]["currency"] == "gbp"
    assert item["price_data"]["unit_amount"] == "4500"
    assert item["price_data"]["product_data"]["name"] == "Tarot reading, 45 minutes"
    assert call.params["client_reference_id"] == str(request.payment_id)
    ids = {"payment_id": str(request.payment_id), "booking_id": str(request.booking_id)}
    assert ids.items() <= call.params["metadata"].items()
    assert ids.items() <= call.params["payment_intent_data"]["metadata"].items()
    assert call.params["customer_email"] == "client@example.com"
    assert call.params["expires_at"] == str(int(request.expires_at.timestamp()))
    assert call.params["locale"] == "en"
    session = fake.sessions[opened.checkout_id]
    assert (session["amount_total"], session["currency"]) == (4500, "gbp")


async def test_retrying_with_the_same_key_returns_the_same_session_and_opens_one(
    provider: StripePayments, fake: StripeApiFake, clock: Clock
) -> None:
    request = checkout(clock)
    first = await provider.create_checkout(request=request, idempotency_key="checkout:p-2")
    again = await provider.create_checkout(request=request, idempotency_key="checkout:p-2")
    assert again == first
    assert fake.sessions_created == 1
    assert len(fake.calls(CREATE)) == 2


async def test_a_retry_minutes_later_finds_the_session_although_the_expiry_moved(
    provider: StripePayments, fake: StripeApiFake, clock: Clock
) -> None:
    # The default payment window is 30 minutes: by the time of the call it is below
    # Stripe's floor, so the expiry is lengthened, and by how much depends on the clock.
    request = checkout(clock, window=timedelta(minutes=30))
    first = await provider.create_checkout(request=request, idempotency_key="checkout:p-3")
    clock.advance(minutes=12)
    again = await provider.create_checkout(request=request, idempotency_key="checkout:p-3")
    assert again == first
    assert fake.sessions_created == 1
    # +15 min is refused (other parameters), then +10, then +5 replays the first answer.
    assert [c.status for c in fake.calls(CREATE)] == [200, 400, 400, 200]


async def test_a_short_window_is_lengthened_to_stripes_30_minute_floor(
    provider: StripePayments, fake: StripeApiFake, clock: Clock
) -> None:
    request = checkout(clock, window=timedelta(minutes=10))
    opened = await provider.create_checkout(request=request, idempotency_key="checkout:p-4")
    expires_in = fake.sessions[opened.checkout_id]["expires_at"] - clock.t
    assert 30 * 60 < expires_in <= 36 * 60


async def test_a_window_beyond_24_hours_leaves_the_expiry_to_stripes_maximum(
    provider: StripePayments, fake: StripeApiFake, clock: Clock
) -> None:
    request = checkout(clock, window=timedelta(days=3))
    opened = await provider.create_checkout(request=request, idempotency_key="checkout:p-5")
    assert "expires_at" not in fake.last(CREATE).params
    assert fake.sessions[opened.checkout_id]["expires_at"] == int(clock.t) + 24 * 3600


@pytest.mark.parametrize(("ours", "sent"), [("pt_BR", "pt-BR"), ("fr-BE", "fr"), ("xx", "auto")])
async def test_the_locale_is_one_checkout_knows(
    provider: StripePayments, fake: StripeApiFake, clock: Clock, ours: str, sent: str
) -> None:
    await provider.create_checkout(request=checkout(clock, locale=ours), idempotency_key=ours)
    assert fake.last(CREATE).params["locale"] == sent


@pytest.mark.parametrize(
    ("amount", "unit_amount"),
    [
        (Money(5000, "JPY"), "5000"),  # zero-decimal: yen are Stripe's unit too
        (Money(12340, "KWD"), "12340"),  # three-decimal, last digit 0
        (Money(5, "ISK"), "500"),  # ISO says 0 decimals, Stripe keeps two
    ],
)
async def test_amounts_go_to_stripe_in_its_smallest_unit(
    provider: StripePayments, fake: StripeApiFake, clock: Clock, amount: Money, unit_amount: str
) -> None:
    request = checkout(clock, amount)
    await provider.create_checkout(request=request, idempotency_key=f"k-{amount.currency}")
    price = fake.last(CREATE).params["line_items"][0]["price_data"]
    assert (price["currency"], price["unit_amount"]) == (amount.currency.lower(), unit_amount)


async def test_a_kwd_amount_stripe_cannot_take_is_refused_before_any_call(
    provider: StripePayments, fake: StripeApiFake, clock: Clock
) -> None:
    with pytest.raises(PermanentConnectorError, match=r"12\.345 KWD.*12\.340 KWD or 12\.350"):
        await provider.create_checkout(
            request=checkout(clock, Money(12345, "KWD")), idempotency_key="k-kwd"
        )
    assert fake.calls() == []


async def paid_checkout(provider: StripePayments, fake: StripeApiFake, clock: Clock) -> str:
    opened = await provider.create_checkout(request=checkout(clock), idempotency_key="pay-me")
    return fake.pay(opened.checkout_id)


async def test_a_payment_is_refunded_in_parts_and_never_beyond_what_is_left(
    provider: StripePayments, fake: StripeApiFake, clock: Clock
) -> None:
    intent = await paid_checkout(provider, fake, clock)
    part = await provider.refund(
        provider_payment_id=intent, amount=Money(1500, "GBP"), idempotency_key="refund:1"
    )
    assert (part.provider, part.amount) == ("stripe", Money(1500, "GBP"))
    assert part.refund_id.startswith("re_")
    with pytest.raises(PermanentConnectorError, match="amount_too_large") as too_much:
        await provider.refund(
            provider_payment_id=intent, amount=Money(3100, "GBP"), idempotency_key="refund:2"
        )
    assert too_much.value.status == 400
    rest = await provider.refund(
        provider_payment_id=intent, amount=Money(3000, "GBP"), idempotency_key="refund:3"
    )
    assert rest.amount == Money(3000, "GBP")
    with pytest.raises(PermanentConnectorError, match="charge_already_refunded"):
        await provider.refund(
            provider_payment_id=intent, amount=Money(1, "GBP"), idempotency_key="refund:4"
        )
    assert fake.charges[intent]["amount_refunded"] == 4500


async def test_retrying_a_refund_with_its_key_refunds_once(
    provider: StripePayments, fake: StripeApiFake, clock: Clock
) -> None:
    intent = await paid_checkout(provider, fake, clock)
    amount = Money(2000, "GBP")
    first = await provider.refund(provider_payment_id=intent, amount=amount, idempotency_key="r:1")
    again = await provider.refund(provider_payment_id=intent, amount=amount, idempotency_key="r:1")
    assert again == first
    assert len(fake.refunds) == 1
    assert fake.last("refunds.create").params["metadata"] == {"idempotency_key": "r:1"}


async def test_a_refund_of_an_unknown_payment_is_permanent(provider: StripePayments) -> None:
    with pytest.raises(PermanentConnectorError, match="resource_missing") as refused:
        await provider.refund(
            provider_payment_id="pi_nope", amount=Money(100, "GBP"), idempotency_key="r:x"
        )
    assert not isinstance(refused.value, AuthExpired)
    assert refused.value.status == 404


async def test_a_wrong_api_key_means_a_person_must_reconnect(
    fake: StripeApiFake, clock: Clock
) -> None:
    payments = StripePayments(settings_for(fake, api_key="sk_test_wrong"), clock=clock.now)
    try:
        with pytest.raises(AuthExpired) as refused:
            await payments.create_checkout(request=checkout(clock), idempotency_key="k")
    finally:
        await payments.aclose()
    assert (refused.value.provider, refused.value.status) == ("stripe", 401)
    assert "sk_test_wrong" not in str(refused.value)


async def test_a_rate_limit_is_transient_with_the_wait_stripe_named(
    provider: StripePayments, fake: StripeApiFake, clock: Clock
) -> None:
    fake.fail_next(CREATE, status=429, retry_after="7")
    with pytest.raises(TransientConnectorError) as limited:
        await provider.create_checkout(request=checkout(clock), idempotency_key="k-429")
    assert (limited.value.status, limited.value.retry_after) == (429, 7.0)
    opened = await provider.create_checkout(request=checkout(clock), idempotency_key="k-429")
    assert fake.sessions_created == 1
    assert opened.checkout_id in fake.sessions


async def test_a_server_error_is_transient(
    provider: StripePayments, fake: StripeApiFake, clock: Clock
) -> None:
    fake.fail_next("refunds.create", status=500)
    with pytest.raises(TransientConnectorError) as failed:
        await provider.refund(
            provider_payment_id="pi_any", amount=Money(100, "GBP"), idempotency_key="r:500"
        )
    assert failed.value.status == 500
    assert len(fake.calls("refunds.create")) == 1  # the SDK's own retries are off


async def test_an_unreachable_stripe_is_transient(clock: Clock) -> None:
    settings = StripeSettings(
        api_key=SecretStr("sk_test_x"),
        webhook_secret=SecretStr("whsec_x"),
        api_url="http://127.0.0.1:9",
    )
    payments = StripePayments(settings, clock=clock.now)
    try:
        with pytest.raises(TransientConnectorError, match="unreachable"):
            await payments.create_checkout(request=checkout(clock), idempotency_key="k")
    finally:
        await payments.aclose()
