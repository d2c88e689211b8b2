"""Receipts in chat, as transcripts: a reader sends a photo of a receipt, with or without words."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta

import pytest

from bots.engine import EventKind, InboundEvent
from bots.language import format_money
from domain.billing.payments import Expense
from domain.booking.effects import apply_effect
from domain.enums import Channel
from domain.models import OutboxEntry
from domain.ports.files import InboundFile
from tests.bots.test_reader_transcripts import linked_reader
from tests.support.accounts import StaticAccounts
from tests.support.chat_harness import Chat, ChatWorld, chat_world
from tests.support.factories import make_reader, make_service
from tests.support.notifier import FakeNotifier
from tests.support.receipts import MemoryChannelFiles, receipt_image

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
PHOTO = InboundFile("F0RECEIPT1", "image/jpeg", "IMG_0042.jpg", 48_213)


@pytest.fixture
async def world(database_url: str) -> AsyncIterator[ChatWorld]:
    samia = make_reader(name="Samia", currency="GBP", timezone="Europe/London")
    async with chat_world(database_url, NOW, [(samia, [make_service(samia)])]) as world:
        yield world


async def expenses(world: ChatWorld) -> list[Expense]:
    """Every expense of the reader (the clock stands still in November)."""
    async with world.database.uows(read_only=True) as uow:
        return await uow.expenses.for_reader(
            world.readers[0].id, date(2026, 11, 1), date(2026, 12, 1)
        )


async def receipt_rows(world: ChatWorld) -> list[OutboxEntry]:
    """The `expense.receipt` rows of the reader's expenses, oldest first."""
    keys = [f"expense.receipt:{expense.id}" for expense in await expenses(world)]
    async with world.database.uows(read_only=True) as uow:
        found = [await uow.outbox.get_by_key(key) for key in keys]
    return [row for row in found if row is not None]


async def expense_count(world: ChatWorld) -> int:
    return len(await expenses(world))


async def test_a_receipt_photo_captioned_expense_is_recorded_with_its_receipt(
    world: ChatWorld,
) -> None:
    chat = await linked_reader(world)

    await chat.attach(PHOTO, caption="expense 12.50 GBP cards")

    assert chat.text() == "Expense recorded: £12.50, cards. The receipt is attached."
    [row] = await receipt_rows(world)
    assert row.payload | {"expense_id": "-"} == {
        "expense_id": "-",
        "reader_id": str(world.readers[0].id),
        "channel": "slack",
        "ref": "F0RECEIPT1",
        "content_type": "image/jpeg",
        "filename": "IMG_0042.jpg",
    }


async def test_a_photo_alone_is_asked_about_and_the_answer_records_it(world: ChatWorld) -> None:
    chat = await linked_reader(world)

    await chat.attach(PHOTO)
    assert chat.text() == "What is this receipt for? Reply like: 12.50 GBP cards"
    assert await expense_count(world) == 0
    await chat.say("soon")
    assert chat.text().startswith("What is this receipt for? Reply like: 12.50 GBP cards\n")
    await chat.say("12.50 GBP cards monthly")

    assert chat.text() == (
        "Expense recorded: £12.50, cards. It repeats every month on the same day. "
        "The receipt is attached."
    )
    [row] = await receipt_rows(world)
    assert row.payload["ref"] == "F0RECEIPT1"
    await chat.say("12.50 GBP cards")  # the question is answered: this is not a receipt now
    assert "didn't understand" in chat.text()


async def test_cancel_drops_a_receipt_waiting_for_its_words(world: ChatWorld) -> None:
    chat = await linked_reader(world)

    await chat.attach(PHOTO)
    await chat.say("cancel")
    assert chat.text().startswith("OK, let's start over.")
    await chat.say("12.50 GBP cards")

    assert "didn't understand" in chat.text()
    assert await expense_count(world) == 0
    assert await receipt_rows(world) == []


def ar(amount_minor: int) -> str:
    return plain(format_money(amount_minor, "GBP", "ar"))


def plain(text: str) -> str:
    """Without the bidi marks and isolates the translator puts around values on purpose."""
    return re.sub("[\u200e\u200f\u061c\u2066-\u2069]", "", text)


async def test_an_arabic_reader_sends_a_receipt_and_answers_in_arabic(world: ChatWorld) -> None:
    chat = await linked_reader(world, locale="ar")

    await chat.attach(PHOTO, caption="مصروف 12.50 GBP بطاقات")
    assert plain(chat.text()) == f"سُجّل المصروف: {ar(1250)}، بطاقات. الإيصال مرفق."
    await chat.attach(PHOTO)
    assert plain(chat.text()) == "لأي مصروف هذا الإيصال؟ أجب هكذا: 12.50 GBP بطاقات"
    await chat.say("مصروف 4 GBP شموع")

    assert plain(chat.text()) == f"سُجّل المصروف: {ar(400)}، شموع. الإيصال مرفق."
    assert len(await receipt_rows(world)) == 2


@pytest.mark.parametrize(
    ("file", "said"),
    [
        pytest.param(
            InboundFile("F0ZIP", "application/zip", "receipts.zip", 2_000),
            "A receipt must be a photo (JPEG, PNG, WebP or HEIC) or a PDF.",
            id="zip",
        ),
        pytest.param(
            InboundFile("F0HUGE", "application/pdf", "scan.pdf", 25_000_000),
            "That file is larger than 10 MB; send a smaller photo or PDF of the receipt.",
            id="25MB",
        ),
    ],
)
async def test_a_file_that_cannot_be_a_receipt_is_refused_before_anything_is_recorded(
    world: ChatWorld, file: InboundFile, said: str
) -> None:
    chat = await linked_reader(world)

    await chat.attach(file)
    assert chat.text() == said
    await chat.attach(file, caption="expense 12.50 GBP cards")
    assert chat.text() == said

    assert await expense_count(world) == 0
    assert await receipt_rows(world) == []


async def test_a_client_sending_a_photo_gets_the_usual_answer(world: ChatWorld) -> None:
    client = world.chat(channel=Channel.WEBCHAT, user="lina-web")
    await client.say("hello")
    before = await world.engine.handle(
        InboundEvent(
            channel=Channel.WEBCHAT,
            chat_id="lina-web",
            user_ref="lina-web",
            kind=EventKind.ATTACHMENT,
        )
    )

    await client.attach(PHOTO)

    assert [r.text for r in client.transcript[-len(before) :]] == [r.text for r in before]
    assert "didn't understand" in client.text()
    assert await receipt_rows(world) == []


async def test_the_expense_list_says_which_expenses_have_their_receipt(world: ChatWorld) -> None:
    chat = await linked_reader(world)
    await chat.attach(PHOTO, caption="expense 12.50 GBP cards")
    await attach_fetched(world, chat)
    world.clock.advance(timedelta(days=1))
    await chat.say("expense 3 GBP candles")

    await chat.say("expenses")

    assert chat.text() == (
        "Your latest expenses:\n"
        "• Fri 27 Nov · £3.00 · candles\n"
        "• Thu 26 Nov · £12.50 · cards · receipt"
    )


async def attach_fetched(world: ChatWorld, chat: Chat) -> None:
    """Run the receipt's outbox row as the flow does, the photo served from memory."""
    [row] = await receipt_rows(world)
    slack = MemoryChannelFiles()
    slack.add(row.payload["ref"], receipt_image())
    result = await apply_effect(
        uows=world.database.uows,
        accounts=StaticAccounts(None, None),
        notifier=FakeNotifier(),
        clock=world.clock,
        entry=row,
        channel_files={Channel.SLACK: slack},
    )
    assert result.outcome == "done", result
