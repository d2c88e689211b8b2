"""`expense.receipt` rows: the receipt fetched from its chat and stored once, on both backends.

A row run twice, or by two workers at once, stores one file and sets the expense's key
once; a fetch that keeps failing is retried, then given up with its reason, the reader
is told, and the expense stays as it was recorded.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
import sqlalchemy as sa

from domain.billing.payments import Expense
from domain.billing.reader_money import add_expense
from domain.booking.effects import MAX_ATTEMPTS, apply_effect
from domain.enums import Channel, OutboxStatus
from domain.errors import TransientConnectorError
from domain.files import MAX_FILE_BYTES
from domain.ports.files import ChannelFile, InboundFile
from domain.ports.notify import NoticeKind
from flows._deps import use_deps
from flows.outbox import process_outbox
from tests.flows.conftest import World, make_world
from tests.support.accounts import StaticAccounts
from tests.support.receipts import RECEIPT_PDF, MemoryChannelFiles, receipt_image

PHOTO_REF = "AgACAgQAAxkBAAIBZ2receipt"


@pytest.fixture
async def world(database_url: str) -> AsyncIterator[World]:
    made = await make_world(database_url)
    try:
        yield made
    finally:
        await made.database.dispose()


async def expense_with_receipt(world: World, ref: str = PHOTO_REF) -> Expense:
    """'expense 12.50 GBP cards' sent as a Telegram photo's caption."""
    return await add_expense(
        uow=world.database.uows(),
        clock=world.clock,
        reader_id=world.readers[0].id,
        text="12.50 GBP cards",
        receipt=ChannelFile(Channel.TELEGRAM, InboundFile(ref, "image/jpeg")),
    )


async def stored(world: World, expense: Expense) -> tuple[str | None, int]:
    """The expense's receipt key and how many files the store holds."""
    async with world.database.uows(read_only=True) as uow:
        found = await uow.expenses.get(expense.id)
    async with world.database.engine.connect() as conn:
        files = int(await conn.scalar(sa.text("SELECT COUNT(*) FROM stored_files")) or 0)
    assert found is not None
    return found.receipt_key, files


async def test_the_receipt_is_fetched_stored_and_attached(world: World) -> None:
    telegram = MemoryChannelFiles()
    photo = telegram.add(PHOTO_REF, receipt_image("JPEG"), "application/octet-stream")
    expense = await expense_with_receipt(world, photo)

    with use_deps(world.deps(channel_files={Channel.TELEGRAM: telegram})):
        assert await process_outbox.fn() == {"done": 1}

    key, files = await stored(world, expense)
    assert key is not None
    assert files == 1
    async with world.database.uows(read_only=True) as uow:
        kept = await uow.files.get(key)
    assert kept is not None
    assert kept.content == receipt_image("JPEG")
    assert kept.content_type == "image/jpeg"  # proved by the bytes, not Telegram's octet-stream


async def test_a_row_run_twice_or_by_two_workers_at_once_stores_one_file_once(
    world: World,
) -> None:
    telegram = MemoryChannelFiles()
    telegram.add(PHOTO_REF, RECEIPT_PDF)
    expense = await expense_with_receipt(world)
    async with world.database.uows(read_only=True) as uow:
        entry = await uow.outbox.get_by_key(f"expense.receipt:{expense.id}")
    assert entry is not None

    def run() -> object:
        return apply_effect(
            uows=world.database.uows,
            accounts=StaticAccounts(None, None),
            notifier=world.notifier,
            clock=world.clock,
            entry=entry,
            channel_files={Channel.TELEGRAM: telegram},
        )

    telegram.barrier = asyncio.Barrier(2)  # both workers fetch before either one stores
    together = await asyncio.gather(run(), run())  # type: ignore[call-overload]
    telegram.barrier = None
    first_key, _ = await stored(world, expense)
    again = await run()  # type: ignore[misc]

    assert [r.outcome for r in together] == ["done", "done"]
    assert again.detail == "receipt attached before"
    assert len(telegram.fetched) == 2  # the late run did not fetch again
    assert await stored(world, expense) == (first_key, 1)


async def test_a_fetch_that_keeps_failing_is_retried_then_given_up_keeping_the_expense(
    world: World,
) -> None:
    telegram = MemoryChannelFiles()
    telegram.add(PHOTO_REF, receipt_image("JPEG"))
    telegram.fail_next(100, TransientConnectorError("HTTP 502 from Telegram", status=502))
    expense = await expense_with_receipt(world)

    outcomes = []
    with use_deps(world.deps(channel_files={Channel.TELEGRAM: telegram})):
        for _ in range(MAX_ATTEMPTS + 2):
            outcomes.append(await process_outbox.fn())
            world.clock.advance(timedelta(hours=1, minutes=1))

    assert outcomes[: MAX_ATTEMPTS - 1] == [{"retry_later": 1}] * (MAX_ATTEMPTS - 1)
    assert outcomes[MAX_ATTEMPTS - 1] == {"gave_up": 1}
    assert outcomes[MAX_ATTEMPTS:] == [{}, {}]
    async with world.database.uows(read_only=True) as uow:
        row = await uow.outbox.get_by_key(f"expense.receipt:{expense.id}")
        kept = await uow.expenses.get(expense.id)
    assert row is not None
    assert row.status is OutboxStatus.DEAD
    assert row.last_error == "TransientConnectorError: HTTP 502 from Telegram"
    assert kept == expense  # recorded as it was, without a receipt


@pytest.mark.parametrize(
    ("content", "reason", "error"),
    [
        pytest.param(
            b"\xff\xd8\xff" + bytes(MAX_FILE_BYTES), "too_large", "at most 10 MB is kept", id="big"
        ),
        pytest.param(
            b"<!DOCTYPE html><title>Sign in</title>",
            "wrong_type",
            "is not a JPEG, PNG, WebP, HEIC or PDF file",
            id="html",
        ),
    ],
)
async def test_a_file_that_is_no_receipt_is_given_up_at_once_and_the_reader_told(
    world: World, content: bytes, reason: str, error: str
) -> None:
    telegram = MemoryChannelFiles()
    telegram.add(PHOTO_REF, content, "image/jpeg")
    expense = await expense_with_receipt(world)

    with use_deps(world.deps(channel_files={Channel.TELEGRAM: telegram})):
        assert await process_outbox.fn() == {"gave_up": 1}
        assert await process_outbox.fn() == {}

    async with world.database.uows(read_only=True) as uow:
        row = await uow.outbox.get_by_key(f"expense.receipt:{expense.id}")
    assert row is not None
    assert row.last_error is not None
    assert row.last_error.startswith(f"receipt not saved ({reason}): ")
    assert error in row.last_error
    assert await stored(world, expense) == (None, 0)
    [told] = world.notifier.of_kind(NoticeKind.RECEIPT_NOT_SAVED)
    assert told.person_id == expense.reader_id
    assert told.notice.params == {
        "amount_minor": "1250",
        "currency": "GBP",
        "category": "cards",
        "reason": reason,
    }


async def test_a_file_gone_from_the_chat_is_given_up_and_the_reader_told(world: World) -> None:
    expense = await expense_with_receipt(world, "a-file-id-telegram-forgot")

    with use_deps(world.deps(channel_files={Channel.TELEGRAM: MemoryChannelFiles()})):
        assert await process_outbox.fn() == {"gave_up": 1}

    [told] = world.notifier.of_kind(NoticeKind.RECEIPT_NOT_SAVED)
    assert told.notice.params["reason"] == "unavailable"
    assert await stored(world, expense) == (None, 0)


async def test_a_process_that_cannot_reach_the_channel_says_so(world: World) -> None:
    expense = await expense_with_receipt(world)

    with use_deps(world.deps()):
        assert await process_outbox.fn() == {"gave_up": 1}

    async with world.database.uows(read_only=True) as uow:
        row = await uow.outbox.get_by_key(f"expense.receipt:{expense.id}")
    assert row is not None
    assert row.last_error == (
        "PermanentConnectorError: this process cannot fetch files from telegram"
    )


@pytest.mark.usefixtures("prefect_harness")
@pytest.mark.xdist_group("prefect")
async def test_a_real_flow_run_retries_a_busy_platform_and_attaches_the_receipt(
    world: World,
) -> None:
    telegram = MemoryChannelFiles()
    telegram.add(PHOTO_REF, receipt_image("PNG"))
    telegram.fail_next(2, TransientConnectorError("429 Too Many Requests", status=429))
    expense = await expense_with_receipt(world)

    with use_deps(world.deps(channel_files={Channel.TELEGRAM: telegram})):
        assert await process_outbox() == {"done": 1}

    assert len(telegram.fetched) == 3  # two task retries inside the one run
    key, files = await stored(world, expense)
    assert key is not None
    assert files == 1
