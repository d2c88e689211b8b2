"""Reader conversations: link with a code, today, attendance, hours, time off, summary."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, time, timedelta

import pytest

from domain.booking import service
from domain.booking.service import HoldRequest
from domain.enums import Channel
from domain.identity import create_link_code
from tests.support.chat_harness import Chat, ChatWorld, chat_world
from tests.support.factories import make_client, make_reader, make_service

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)  # Thursday


@pytest.fixture
async def world(database_url: str) -> AsyncIterator[ChatWorld]:
    samia = make_reader(name="Samia", minimum_notice_minutes=0, buffer_after_minutes=0)
    async with chat_world(database_url, NOW, [(samia, [make_service(samia)])]) as world:
        yield world


async def linked_reader(world: ChatWorld, **chat_args: object) -> Chat:
    code = await create_link_code(
        uow=world.database.uows(), clock=world.clock, reader_id=world.readers[0].id
    )
    chat = world.chat(**({"channel": Channel.SLACK, "user": "U123"} | chat_args))
    await chat.say(f"/link {code}")
    assert "Samia" in chat.text()
    return chat


async def book(world: ChatWorld, start: datetime) -> None:
    client = make_client()
    async with world.database.uows() as uow:
        await uow.clients.add(client)
        await uow.commit()
    hold = await service.hold_slot(
        uow=world.database.uows(),
        clock=world.clock,
        request=HoldRequest(client.id, world.services[0].id, start, "UTC", Channel.WEBCHAT),
    )
    await service.confirm_booking(
        uow=world.database.uows(), clock=world.clock, hold_id=hold.id, client_id=client.id
    )


async def test_a_bad_link_code_changes_nothing(world: ChatWorld) -> None:
    chat = world.chat(channel=Channel.TELEGRAM, user="77")

    await chat.say("/link WRONGCODE")

    assert "invalid or has expired" in chat.text()
    await chat.say("today")
    assert "Today:" not in chat.text()
    assert "No sessions today" not in chat.text()


async def test_link_code_works_once(world: ChatWorld) -> None:
    code = await create_link_code(
        uow=world.database.uows(), clock=world.clock, reader_id=world.readers[0].id
    )
    first = world.chat(channel=Channel.TELEGRAM, user="1")
    second = world.chat(channel=Channel.TELEGRAM, user="2")

    await first.say(f"/link {code}")
    await second.say(f"/link {code}")

    assert "Linked!" in first.text()
    assert "invalid or has expired" in second.text()


async def test_reader_sees_today_and_marks_attendance(world: ChatWorld) -> None:
    await book(world, datetime(2026, 11, 26, 10, 0, tzinfo=UTC))
    await book(world, datetime(2026, 11, 26, 15, 0, tzinfo=UTC))
    chat = await linked_reader(world)

    await chat.say("today")
    assert "Today: 2 sessions" in chat.text()
    world.clock.set(datetime(2026, 11, 26, 10, 40, tzinfo=UTC))
    await chat.say("today")
    await chat.tap("✓")
    assert "Marked as completed." in chat.text()

    await chat.tap("Summary")
    assert "This week: 2 sessions" in chat.text()


async def test_reader_sets_hours_and_time_off_which_clients_then_see(world: ChatWorld) -> None:
    chat = await linked_reader(world)

    await chat.say("sat closed")
    assert "closed" in chat.text()
    await chat.say("mon 12:00-14:00")
    assert "12:00–14:00" in chat.text()
    await chat.say("off 2026-12-01")
    assert "Time off added" in chat.text()
    await chat.say("off 2020-01-01")
    assert "Nothing was changed" in chat.text() or "didn't work" in chat.text()

    async with world.database.uows() as uow:
        weekly = await uow.availability.weekly(world.readers[0].id)
    assert [(h.weekday, h.start, h.end) for h in weekly if h.weekday in (0, 5)] == [
        (0, time(12), time(14))
    ]
    client = world.chat(channel=Channel.TELEGRAM, user="c1", display_name="C")
    await client.say("book with Samia on Monday")
    assert [b for b in client.buttons() if ":" in b][:4] == ["12:00", "12:30", "13:00", "13:30"]


async def test_upcoming_lists_the_week(world: ChatWorld) -> None:
    await book(world, NOW + timedelta(days=1, hours=2))
    chat = await linked_reader(world)

    await chat.tap("Upcoming")

    assert "Upcoming sessions:" in chat.text()


async def test_arabic_reader_gets_arabic_answers(world: ChatWorld) -> None:
    await book(world, datetime(2026, 11, 26, 10, 0, tzinfo=UTC))
    chat = await linked_reader(world, channel=Channel.TELEGRAM, user="ar-reader", locale="ar")

    await chat.say("/today")
    assert "10:00" in chat.text()
    assert any("\u0600" <= ch <= "\u06ff" for ch in chat.text())
    await chat.say("/summary")
    assert any("\u0600" <= ch <= "\u06ff" for ch in chat.text())
