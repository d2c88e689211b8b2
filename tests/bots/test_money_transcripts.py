"""Money in chat, as transcripts: a reader records cash, bills, lists, nudges, logs costs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from domain.booking import service
from domain.booking.service import HoldRequest
from domain.enums import Channel, LedgerAccount
from domain.models import Booking, Client
from domain.ports.fx import FxQuote
from tests.bots.test_reader_transcripts import linked_reader
from tests.support.chat_harness import ChatWorld, chat_world
from tests.support.factories import make_client, make_reader, make_service

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)  # Thursday
EUR_RATES = {"GBP": Decimal("0.8712"), "USD": Decimal("1.0566")}


@pytest.fixture
async def world(database_url: str) -> AsyncIterator[ChatWorld]:
    samia = make_reader(name="Samia", minimum_notice_minutes=0, buffer_after_minutes=0)
    reading = make_service(samia, price_minor=4000, currency="GBP")
    async with chat_world(database_url, NOW, [(samia, [reading])]) as world:
        async with world.database.uows() as uow:
            await uow.fx_rates.upsert(
                [
                    FxQuote("EUR", code, rate, date(2026, 11, 25), "ECB")
                    for code, rate in EUR_RATES.items()
                ]
            )
            await uow.commit()
        yield world


async def booked(world: ChatWorld, client: Client | None = None) -> Booking:
    client = client or make_client(email="lina@example.com", name="Lina")
    async with world.database.uows() as uow:
        await uow.clients.add(client)
        await uow.commit()
    hold = await service.hold_slot(
        uow=world.database.uows(),
        clock=world.clock,
        request=HoldRequest(
            client.id, world.services[0].id, NOW + timedelta(hours=2), "UTC", Channel.WEBCHAT
        ),
    )
    return await service.confirm_booking(
        uow=world.database.uows(), clock=world.clock, hold_id=hold.id, client_id=client.id
    )


async def test_reader_records_cash_once_and_sees_it_invoiced(world: ChatWorld) -> None:
    booking = await booked(world)
    chat = await linked_reader(world)

    await chat.say(f"paid #{booking.reference} cash")
    assert chat.text().startswith(f"Recorded £40.00 for booking #{booking.reference}. Invoice ")
    await chat.say(f"paid #{booking.reference} cash")
    assert f"booking {booking.reference} is paid already" in chat.text()

    await chat.tap("Invoices")
    assert "Lina · £40.00 · paid" in chat.text()
    async with world.database.uows(read_only=True) as uow:
        cash = await uow.ledger.balance(LedgerAccount.CASH, "GBP", None)
        [payment] = await uow.payments.for_booking(booking.id)
    assert cash == 4000
    assert payment.platform_value is not None
    assert payment.platform_value.money.currency == "USD"  # GBP -> USD through EUR
    assert payment.platform_value.money.amount_minor == 4851  # 40 / 0.8712 * 1.0566


async def test_an_unknown_reference_or_a_bad_amount_changes_nothing(world: ChatWorld) -> None:
    booking = await booked(world)
    chat = await linked_reader(world)

    await chat.say("paid #FFFFFFFF cash")
    assert "That was not recorded: no booking #FFFFFFFF" in chat.text()
    await chat.say(f"paid #{booking.reference} cash 40.001")
    assert "GBP amounts have 2 decimals" in chat.text()
    async with world.database.uows(read_only=True) as uow:
        assert await uow.payments.for_booking(booking.id) == []


async def test_reader_bills_a_client_and_nudges_the_unpaid_invoice(world: ChatWorld) -> None:
    await booked(world)
    chat = await linked_reader(world)

    await chat.say("invoice lina@example.com 25 follow-up questions")
    assert "for £25.00 is on its way to lina@example.com" in chat.text()
    await chat.say("invoices")
    assert "Lina · £25.00 · unpaid" in chat.text()
    [remind] = [label for label in chat.buttons() if label.startswith("Remind")]

    await chat.tap(remind)
    assert chat.text().startswith("Reminder sent for ")


async def test_reader_logs_an_expense_in_any_currency(world: ChatWorld) -> None:
    chat = await linked_reader(world)

    await chat.say("expense 12.50 GBP cards")
    assert chat.text().startswith("Expense recorded: £12.50, cards.")
    await chat.say("expense 1500 JPY incense")
    assert "¥1,500, incense" in chat.text()
    await chat.say("expense lots of money")
    assert "Record an expense like: expense 12.50 GBP cards" in chat.text()


async def test_reader_logs_a_monthly_expense_that_repeats(world: ChatWorld) -> None:
    chat = await linked_reader(world)

    await chat.say("expense 30 GBP software monthly")
    assert chat.text().startswith("Expense recorded: £30.00, software.")
    assert "It repeats every month on the same day." in chat.text()
    await chat.say("مصروف 5 GBP شموع أسبوعي")
    assert "candles" not in chat.text()
    assert "It repeats every week on the same day." in chat.text()


async def test_arabic_reader_commands_work_the_same(world: ChatWorld) -> None:
    booking = await booked(world)
    chat = await linked_reader(world)

    await chat.say(f"دفع #{booking.reference} نقدا")

    assert chat.text().startswith("Recorded £40.00")  # the reader's own language: English


async def test_a_chat_not_linked_to_the_client_sees_none_of_their_invoices(
    world: ChatWorld,
) -> None:
    booking = await booked(world)
    reader = await linked_reader(world)
    await reader.say(f"paid #{booking.reference} cash")
    client = world.chat(channel=Channel.WEBCHAT, user="lina-web")

    await client.say("my invoices")

    assert "You have no invoices yet." in client.text()  # this chat is not Lina yet
