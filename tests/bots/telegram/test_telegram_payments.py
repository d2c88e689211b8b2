"""Telegram's native payments end to end: an invoice in the chat, the pre-checkout answer,
the money settled once.

The real hub (ASGI app and lifespan) takes really authenticated webhook deliveries (the
secret token header) and answers through the real python-telegram-bot, pointed at the
loopback Bot API fake, which plays the client's Pay button and Telegram's charge.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from domain.billing.money import Money
from domain.clock import FixedClock
from domain.enums import BookingStatus, LedgerAccount, OutboxKind, PaymentMethod, PaymentStatus
from hub.app import create_app
from hub.channels import ChannelHub
from hub.runtime import Runtime, build_runtime
from hub.settings import load_settings
from tests.bots.channels.conftest import FAST, NOW, TELEGRAM_SECRET
from tests.support.factories import make_reader, make_service, seed_open_reader
from tests.support.fakes import TelegramApiFake
from tests.support.fakes import payloads as p

PROVIDER_TOKEN = "284685063:TEST:samia-provider-token"
LINA, OMAR = 4242, 5151


@dataclass
class Hub:
    """The running hub, its Telegram fake, and the signed deliveries a test posts."""

    http: httpx.AsyncClient
    runtime: Runtime
    channels: ChannelHub
    tg: TelegramApiFake
    clock: FixedClock
    _ids: list[int] = field(default_factory=lambda: [7000])

    def next_id(self) -> int:
        self._ids[0] += 1
        return self._ids[0]

    async def deliver(self, update: dict[str, Any]) -> None:
        body, headers = p.to_body(update), p.telegram_headers(TELEGRAM_SECRET)
        response = await self.http.post("/webhooks/telegram", content=body, headers=headers)
        assert response.status_code == 200, response.text
        assert self.channels.pipeline is not None
        await self.channels.pipeline.idle()

    async def say(self, chat_id: int, text: str) -> None:
        await self.deliver(p.telegram_text_update(self.next_id(), chat_id, chat_id, text))

    async def tap(self, chat_id: int, label: str) -> None:
        buttons = [
            b
            for m in self.tg.sent(chat_id)[::-1]
            for row in (m.get("reply_markup") or {}).get("inline_keyboard", [])
            for b in row
        ]
        button = next(b for b in buttons if label.casefold() in b["text"].casefold())
        await self.deliver(
            p.telegram_callback_update(
                self.next_id(), chat_id, chat_id, button["callback_data"], message_id=1
            )
        )

    async def press_pay(self, chat_id: int, **overrides: Any) -> str:
        """The client presses Pay on the chat's invoice; the query id Telegram asked with."""
        update = self.tg.pre_checkout_update(self.next_id(), chat_id, **overrides)
        await self.deliver(update)
        return str(update["pre_checkout_query"]["id"])

    async def rows(self, table: str) -> list[Any]:
        async with self.runtime.database.uows(read_only=True) as uow:
            if table == "bookings":
                return await uow.bookings.query(limit=100)
            return [
                payment
                for booking in await uow.bookings.query(limit=100)
                for payment in await uow.payments.for_booking(booking.id)
            ]

    async def balances(self) -> dict[LedgerAccount, int]:
        """Each account on its normal side; asserts first that the ledger nets to zero."""
        async with self.runtime.database.uows(read_only=True) as uow:
            assert set((await uow.ledger.net_by_currency()).values()) <= {0}
            return {a: await uow.ledger.balance(a, "GBP", None) for a in LedgerAccount}

    async def outbox_kinds(self) -> list[OutboxKind]:
        async with self.runtime.database.engine.connect() as conn:
            rows = await conn.execute(sa.text("SELECT kind FROM outbox"))
            return [OutboxKind(kind) for (kind,) in rows if kind != OutboxKind.MESSAGE.value]


@pytest.fixture
async def start(
    database_url: str, tg: TelegramApiFake, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Callable[..., Awaitable[Hub]]]:
    """Start a hub whose one reader is paid in advance (£45 love reading, weekdays 10-18)."""
    monkeypatch.setenv("PTB_TIMEDELTA", "1")
    stack: list[Any] = []

    async def started(*, token: str | None = PROVIDER_TOKEN, currency: str = "GBP") -> Hub:
        settings = load_settings(
            database_url=database_url,
            secret_key="dGVsZWdyYW0tcGF5bWVudHMtdGVzdC1zZWNyZXQtMzI=",  # Fernet: seals notes
            default_currency="GBP",
            telegram_bot_token=tg.token,
            telegram_webhook_secret=TELEGRAM_SECRET,
            telegram_api_url=f"{tg.url}/bot",
            telegram_payment_provider_token=token,
        )
        clock = FixedClock(NOW)
        runtime = await build_runtime(settings, clock=clock)
        reader = make_reader(
            name="Samia",
            slug="samia",
            minimum_notice_minutes=60,
            prepayment_required=True,
            currency=currency,
        )
        reading = make_service(reader, name="Love reading", slug="love", price_minor=4500)
        await seed_open_reader(runtime.database.uows, reader, reading)
        await runtime.refresh_reader_names()
        app = create_app(settings, runtime=runtime, channel_options=FAST)
        lifespan = app.router.lifespan_context(app)
        await lifespan.__aenter__()
        http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://hub")
        stack.append((lifespan, http, runtime))
        return Hub(http, runtime, app.state.channels, tg, clock)

    yield started
    for lifespan, http, runtime in reversed(stack):
        await http.aclose()
        await lifespan.__aexit__(None, None, None)
        await runtime.close()


async def book_until_invoice(hub: Hub, chat_id: int, name: str = "Lina") -> dict[str, Any]:
    """A Telegram client books tomorrow at 11 and taps Confirm; the invoice the chat shows."""
    await hub.say(chat_id, "book tomorrow at 11am")
    await hub.say(chat_id, name)
    await hub.say(chat_id, f"{name.lower()}@example.com")
    await hub.tap(chat_id, "Confirm")
    [invoice] = hub.tg.invoices(chat_id)
    return invoice


async def test_a_telegram_client_pays_the_invoice_in_the_chat_and_the_booking_confirms(
    start: Callable[..., Awaitable[Hub]],
) -> None:
    hub = await start()

    invoice = await book_until_invoice(hub, LINA)

    *_, prompt, shown = hub.tg.sent(LINA)
    assert prompt["text"].startswith("To confirm, please pay £45.00 with the invoice below.")
    assert "Book a reading" in str(prompt["reply_markup"])  # the menu is on the text
    assert shown["invoice"] == {
        "title": "Love reading",
        "description": shown["invoice"]["description"],
        "start_parameter": "",
        "currency": "GBP",
        "total_amount": 4500,
    }
    assert shown["invoice"]["description"].startswith("Love reading with Samia on ")
    assert "reply_markup" not in shown  # Telegram's own Pay button
    assert invoice["provider_token"] == PROVIDER_TOKEN
    assert invoice["prices"] == [{"label": "Love reading", "amount": 4500}]
    [payment] = await hub.rows("payments")
    assert (payment.provider, payment.status) == ("telegram", PaymentStatus.PENDING)
    assert payment.checkout_id == invoice["payload"]
    assert str(payment.id) not in invoice["payload"]  # opaque: it names no payment
    [held] = await hub.rows("bookings")
    assert held.status is BookingStatus.HELD

    query_id = await hub.press_pay(LINA)

    answer = hub.tg.pre_checkout_answer(query_id)
    assert answer is not None
    assert answer["ok"] is True
    assert answer["seconds"] < 10

    await hub.deliver(hub.tg.successful_payment_update(hub.next_id(), query_id))

    assert (
        hub.tg.sent(LINA)[-1]["text"] == "Payment received, thank you! Your booking is confirmed."
    )
    [booking] = await hub.rows("bookings")
    assert booking.status is BookingStatus.CONFIRMED
    [paid] = await hub.rows("payments")
    assert paid.status is PaymentStatus.SUCCEEDED
    assert paid.method is PaymentMethod.TELEGRAM
    assert paid.provider_payment_id == f"tg_charge_{query_id}"
    assert paid.processor_charge_id == f"ch_{query_id}"
    assert paid.amount.amount_minor == 4500
    balances = await hub.balances()
    assert balances[LedgerAccount.CASH] == 4500
    assert balances[LedgerAccount.READER_PAYABLE] + balances[LedgerAccount.PLATFORM_REVENUE] == 4500
    assert OutboxKind.BOOKING_CONFIRMED in await hub.outbox_kinds()  # the usual confirmation


async def test_a_duplicated_successful_payment_is_one_payment(
    start: Callable[..., Awaitable[Hub]],
) -> None:
    hub = await start()
    await book_until_invoice(hub, LINA)
    query_id = await hub.press_pay(LINA)
    paid = hub.tg.successful_payment_update(hub.next_id(), query_id)
    await hub.deliver(paid)
    balances = await hub.balances()
    sent = len(hub.tg.sent(LINA))

    await hub.deliver(paid)  # the same update redelivered
    again = hub.tg.successful_payment_update(hub.next_id(), query_id)
    await hub.deliver(again)  # the same charge under a new update id

    [payment] = await hub.rows("payments")
    assert payment.status is PaymentStatus.SUCCEEDED
    assert await hub.balances() == balances
    assert balances[LedgerAccount.CASH] == 4500
    assert len(hub.tg.sent(LINA)) == sent  # nothing said twice
    assert (await hub.outbox_kinds()).count(OutboxKind.BOOKING_CONFIRMED) == 1


async def test_pre_checkout_for_a_lapsed_hold_whose_slot_was_taken_is_refused(
    start: Callable[..., Awaitable[Hub]],
) -> None:
    hub = await start()
    await book_until_invoice(hub, LINA)
    hub.clock.advance(timedelta(minutes=31))  # Lina's hold and payment window lapse
    await book_until_invoice(hub, OMAR, name="Omar")  # Omar holds the same time

    query_id = await hub.press_pay(LINA)

    answer = hub.tg.pre_checkout_answer(query_id)
    assert answer is not None
    assert answer["ok"] is False
    assert answer["error_message"] == (
        "Sorry, your hold ended and this time was taken. Nothing was charged; "
        "please choose another time in the chat."
    )
    payments = await hub.rows("payments")
    assert {p.status for p in payments} == {PaymentStatus.PENDING}
    assert set((await hub.balances()).values()) == {0}  # nothing booked


async def test_pre_checkout_for_a_lapsed_hold_whose_slot_is_still_free_is_approved(
    start: Callable[..., Awaitable[Hub]],
) -> None:
    hub = await start()
    await book_until_invoice(hub, LINA)
    hub.clock.advance(timedelta(minutes=31))

    query_id = await hub.press_pay(LINA)
    await hub.deliver(hub.tg.successful_payment_update(hub.next_id(), query_id))

    answer = hub.tg.pre_checkout_answer(query_id)
    assert answer is not None
    assert answer["ok"] is True
    [booking] = await hub.rows("bookings")
    assert booking.status is BookingStatus.CONFIRMED


async def test_pre_checkout_refuses_a_changed_amount_and_a_second_payment_in_arabic(
    start: Callable[..., Awaitable[Hub]],
) -> None:
    hub = await start()
    await book_until_invoice(hub, LINA)

    altered = await hub.press_pay(LINA, total_amount=100)
    paid = await hub.press_pay(LINA)
    await hub.deliver(hub.tg.successful_payment_update(hub.next_id(), paid))
    # Lina's stored language is English; a stranger's query is answered in theirs.
    async with hub.runtime.database.uows() as uow:
        [booking] = await uow.bookings.query(limit=1)
        client = await uow.clients.get(booking.client_id)
        assert client is not None
        client.language = "ar"
        await uow.clients.save(client)
        await uow.commit()
    twice = await hub.press_pay(LINA)

    changed = hub.tg.pre_checkout_answer(altered)
    assert changed is not None
    assert changed["ok"] is False
    assert changed["error_message"].startswith("This invoice no longer matches your booking.")
    second = hub.tg.pre_checkout_answer(twice)
    assert second is not None
    assert second["ok"] is False
    assert second["error_message"] == "تم دفع هذا الحجز من قبل، لذلك لم يُخصم أي مبلغ."
    assert (await hub.balances())[LedgerAccount.CASH] == 4500


async def test_without_a_provider_token_the_telegram_client_gets_the_pay_link(
    start: Callable[..., Awaitable[Hub]],
) -> None:
    hub = await start(token=None)

    await hub.say(LINA, "book tomorrow at 11am")
    await hub.say(LINA, "Lina")
    await hub.say(LINA, "lina@example.com")
    await hub.tap(LINA, "Confirm")

    assert hub.tg.invoices(LINA) == []
    assert hub.tg.sent(LINA)[-1]["text"].startswith("To confirm, please pay £45.00 here: http")
    [payment] = await hub.rows("payments")
    assert payment.provider == "builtin"


async def test_a_forged_pre_checkout_is_refused_at_the_door(
    start: Callable[..., Awaitable[Hub]],
) -> None:
    hub = await start()
    await book_until_invoice(hub, LINA)
    update = hub.tg.pre_checkout_update(hub.next_id(), LINA)

    forged = await hub.http.post(
        "/webhooks/telegram", content=p.to_body(update), headers=p.telegram_headers("wrong")
    )
    malformed = await hub.http.post(
        "/webhooks/telegram",
        content=p.to_body({"update_id": 1, "pre_checkout_query": {"id": "1"}}),
        headers=p.telegram_headers(TELEGRAM_SECRET),
    )

    assert forged.status_code == 403
    assert malformed.status_code == 400
    assert hub.tg.pre_checkout_answer(update["pre_checkout_query"]["id"]) is None


async def test_the_pre_checkout_answer_does_not_wait_behind_the_chat(
    start: Callable[..., Awaitable[Hub]],
) -> None:
    hub = await start()
    await book_until_invoice(hub, LINA)
    started = time.perf_counter()

    query_id = await hub.press_pay(LINA)

    answer = hub.tg.pre_checkout_answer(query_id)
    assert answer is not None
    assert answer["ok"] is True
    assert time.perf_counter() - started < 2.0  # Telegram allows 10 s


async def test_a_reading_in_a_currency_telegram_does_not_take_keeps_the_pay_link(
    start: Callable[..., Awaitable[Hub]],
) -> None:
    hub = await start(currency="KWD")  # three decimals: not among Telegram's currencies

    await hub.say(LINA, "book tomorrow at 11am")
    await hub.say(LINA, "Lina")
    await hub.say(LINA, "lina@example.com")
    await hub.tap(LINA, "Confirm")

    assert hub.tg.invoices(LINA) == []
    assert "/pay/" in hub.tg.sent(LINA)[-1]["text"]
    [payment] = await hub.rows("payments")
    assert (payment.provider, payment.amount) == ("builtin", Money(4500, "KWD"))
