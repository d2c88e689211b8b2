"""The Telegram checkout offline: payloads, currencies and their exponents, the invoice call."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

import pytest
from babel.numbers import get_currency_precision

from bots.engine import Reply
from bots.telegram.payments import (
    TELEGRAM_CURRENCIES,
    TelegramCheckout,
    our_money,
    telegram_amount,
)
from bots.telegram.render import render
from domain.billing.money import Money
from domain.errors import PermanentConnectorError
from domain.ports.payments import CheckoutRequest


def request(amount: Money) -> CheckoutRequest:
    return CheckoutRequest(
        payment_id=uuid4(),
        amount=amount,
        description="Love reading",
        expires_at=datetime(2026, 11, 26, 9, 30, tzinfo=UTC),
        success_url="",
        cancel_url="",
    )


async def test_the_same_checkout_key_gives_the_same_opaque_payload() -> None:
    checkout = TelegramCheckout(secret=b"hub-secret")
    ask = request(Money(4500, "GBP"))

    first = await checkout.create_checkout(request=ask, idempotency_key="checkout:1")
    again = await checkout.create_checkout(request=ask, idempotency_key="checkout:1")
    other = await checkout.create_checkout(request=ask, idempotency_key="checkout:2")
    elsewhere = await TelegramCheckout(secret=b"another hub").create_checkout(
        request=ask, idempotency_key="checkout:1"
    )

    assert first == again
    assert len({first.checkout_id, other.checkout_id, elsewhere.checkout_id}) == 3
    assert 1 <= len(first.checkout_id.encode()) <= 128  # Telegram's payload limit
    assert first.url == f"telegram-invoice:{first.checkout_id}"


async def test_a_currency_telegram_does_not_take_opens_no_invoice() -> None:
    checkout = TelegramCheckout(secret=b"hub-secret")

    assert checkout.accepts("JPY")
    assert not checkout.accepts("KWD")
    with pytest.raises(PermanentConnectorError, match="KWD"):
        await checkout.create_checkout(request=request(Money(12500, "KWD")), idempotency_key="k")


async def test_a_telegram_refund_says_where_the_money_goes_back() -> None:
    checkout = TelegramCheckout(secret=b"hub-secret")

    with pytest.raises(PermanentConnectorError, match="payment provider's dashboard"):
        await checkout.refund(
            provider_payment_id="tg_charge_1", amount=Money(4500, "GBP"), idempotency_key="r"
        )


@pytest.mark.parametrize(
    ("ours", "telegram"),
    [
        (Money(4500, "GBP"), 4500),
        (Money(4500, "JPY"), 4500),  # no decimals on either side
        (Money(4500, "AFN"), 450000),  # ISO has no puls; Telegram counts them
        (Money(250, "YER"), 25000),
    ],
)
def test_amounts_travel_in_telegrams_minor_units_both_ways(ours: Money, telegram: int) -> None:
    assert telegram_amount(ours) == telegram
    assert our_money(ours.currency, telegram) == ours


def test_an_amount_finer_than_our_unit_or_in_an_unknown_currency_is_not_ours() -> None:
    assert our_money("AFN", 450001) is None
    assert our_money("KWD", 1250) is None
    assert our_money("XTR", 100) is None


def test_every_telegram_currency_is_one_we_know() -> None:
    for code in TELEGRAM_CURRENCIES:
        assert get_currency_precision(code) in (0, 2), code
        assert our_money(code, telegram_amount(Money(100, code))) == Money(100, code)


def test_an_invoice_comes_after_its_text_and_buttons_with_telegrams_limits() -> None:
    invoice = {
        "title": "A very long reading name that Telegram would refuse",
        "description": "x" * 300,
        "label": "Love reading",
        "payload": "opaque",
        "amount_minor": 4500,
        "currency": "AFN",
    }
    reply = Reply("Pay below", extras={"telegram": {"invoice": invoice}})

    text, sent = render(reply)

    assert (text.method, sent.method) == ("message", "invoice")
    assert len(sent.kwargs["title"]) == 32
    assert len(sent.kwargs["description"]) == 255
    assert sent.kwargs["payload"] == "opaque"
    assert [p.amount for p in sent.kwargs["prices"]] == [450000]
    assert "provider_token" not in sent.kwargs  # the sender adds it, never the reply
