"""A client's message preferences in chat, as transcripts, in English and Arabic."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, time, timedelta
from uuid import UUID

import pytest

from domain.crm.consent import may_send
from domain.enums import BookingStatus, Channel, ConsentKind
from tests.support.chat_harness import Chat, ChatWorld, chat_world
from tests.support.factories import make_booking, make_reader, make_service

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)  # Thursday


@pytest.fixture
async def world(database_url: str) -> AsyncIterator[ChatWorld]:
    samia = make_reader(name="Samia", booking_slug="samia", minimum_notice_minutes=0)
    reading = make_service(samia, name="Love reading", price_minor=4000, currency="GBP")
    async with chat_world(database_url, NOW, [(samia, [reading])]) as world:
        yield world


async def client_of(world: ChatWorld, chat: Chat) -> UUID:
    async with world.database.uows() as uow:
        found = await uow.identities.find(chat.channel, "", chat.user)
    assert found is not None
    assert found.client_id is not None
    return found.client_id


async def consenting_client(world: ChatWorld, chat: Chat, *, email: str | None = None) -> UUID:
    """A client who said hello, agreed to offers, and maybe gave an email."""
    await chat.say("hello")
    client_id = await client_of(world, chat)
    async with world.database.uows() as uow:
        client = await uow.clients.get(client_id)
        assert client is not None
        client.email = email
        await uow.clients.save(client)
        await uow.commit()
    await chat.say("start messages")
    return client_id


async def allowed(world: ChatWorld, client_id: UUID, channel: Channel) -> bool:
    return await may_send(
        uow=world.database.uows(read_only=True), client_id=client_id,
        purpose=ConsentKind.MARKETING, channel=channel,
    )  # fmt: skip


async def quiet_hours(world: ChatWorld, client_id: UUID) -> tuple[time | None, time | None]:
    async with world.database.uows() as uow:
        profile = await uow.consent.profile(client_id)
    assert profile is not None
    return profile.quiet_hours_start, profile.quiet_hours_end


async def test_stop_withdraws_offers_everywhere_but_booking_messages_still_come(
    world: ChatWorld,
) -> None:
    chat = world.chat(channel=Channel.TELEGRAM, user="tg-lina", display_name="Lina")
    client = await consenting_client(world, chat, email="lina@example.com")
    assert "offers and news again" in chat.text()
    assert await allowed(world, client, Channel.TELEGRAM)

    await chat.say("stop")
    assert "no more offers or news" in chat.text()
    assert "bookings (confirmations, reminders) still come" in chat.text()
    assert "Start messages" in chat.buttons()
    for channel in Channel:
        assert not await allowed(world, client, channel)

    await chat.tap("Start messages")
    assert "offers and news again" in chat.text()
    assert await allowed(world, client, Channel.EMAIL)
    assert await allowed(world, client, Channel.TELEGRAM)


async def test_stop_messages_works_in_the_middle_of_a_booking(world: ChatWorld) -> None:
    chat = world.chat(user="web-sam", display_name="Sam")
    client = await consenting_client(world, chat)
    await chat.say("book a reading")
    await chat.say("stop messages")
    assert "no more offers or news" in chat.text()
    assert not await allowed(world, client, Channel.WEBCHAT)


async def test_the_stop_command_still_starts_over_and_slash_start_still_greets(
    world: ChatWorld,
) -> None:
    chat = world.chat(user="web-noor", display_name="Noor")
    client = await consenting_client(world, chat)
    await chat.say("/stop")
    assert "start over" in chat.text()
    await chat.say("/start")
    assert "Welcome to" in chat.text()
    assert await allowed(world, client, Channel.WEBCHAT)


async def test_only_email_keeps_email_and_withdraws_every_chat(world: ChatWorld) -> None:
    chat = world.chat(channel=Channel.TELEGRAM, user="tg-maya", display_name="Maya")
    client = await consenting_client(world, chat, email="maya@example.com")

    await chat.say("only email")
    assert "by email only, to maya@example.com" in chat.text()
    assert await allowed(world, client, Channel.EMAIL)
    for channel in Channel:
        if channel is not Channel.EMAIL:
            assert not await allowed(world, client, channel)

    await chat.say("my preferences")
    assert "Offers and news in chat: off" in chat.text()
    assert "Offers and news by email: on" in chat.text()
    assert "Preferred channel: email" in chat.text()


async def test_only_email_without_an_address_asks_for_one(world: ChatWorld) -> None:
    chat = world.chat(user="web-ziad", display_name="Ziad")
    client = await consenting_client(world, chat)
    await chat.say("email only")
    assert "don't have your email yet" in chat.text()
    assert "'my email'" in chat.text()
    assert not await allowed(world, client, Channel.WEBCHAT)


async def test_quiet_hours_are_set_and_cleared(world: ChatWorld) -> None:
    chat = world.chat(user="web-rana", display_name="Rana")
    client = await consenting_client(world, chat)

    await chat.say("quiet hours 22:00-08:00")
    assert "from 22:00 to 08:00 your time" in chat.text()
    assert await quiet_hours(world, client) == (time(22), time(8))

    await chat.say("my preferences")
    assert "Quiet hours: 22:00 to 08:00" in chat.text()

    await chat.say("quiet hours off")
    assert "Quiet hours off" in chat.text()
    assert await quiet_hours(world, client) == (None, None)


@pytest.mark.parametrize("typed", ["quiet hours 25:00-08:00", "quiet hours soon", "quiet 9-9"])
async def test_a_bad_quiet_hours_time_gets_a_clear_answer_and_changes_nothing(
    world: ChatWorld, typed: str
) -> None:
    chat = world.chat(user="web-omar", display_name="Omar")
    client = await consenting_client(world, chat)
    await chat.say("quiet hours 21:30-07:00")

    await chat.say(typed)
    assert "Nothing was changed" in chat.text()
    assert await quiet_hours(world, client) == (time(21, 30), time(7))


async def test_my_preferences_shows_consent_channel_language_and_booking_habits(
    world: ChatWorld,
) -> None:
    chat = world.chat(channel=Channel.TELEGRAM, user="tg-hala", display_name="Hala")
    client = await consenting_client(world, chat, email="hala@example.com")
    async with world.database.uows() as uow:
        person = await uow.clients.get(client)
        assert person is not None
        for days in (30, 20, 10):  # 18:00 in London: evenings
            at = NOW - timedelta(days=days) + timedelta(hours=9)
            booking = make_booking(world.services[0], person, at, status=BookingStatus.COMPLETED)
            await uow.bookings.add(booking)
        await uow.commit()

    await chat.say("my preferences")
    text = chat.text()
    assert "Offers and news in chat: on" in text
    assert "Offers and news by email: on" in text
    assert "Messages about your bookings: on" in text
    assert "Quiet hours: none" in text
    assert "Preferred channel: Telegram" in text
    assert "Language: English" in text
    assert "Email: hala@example.com" in text
    assert "you usually book Love reading with Samia, in the evening" in text
    assert "Stop messages" in chat.buttons()


async def test_arabic_client_stops_starts_and_chooses_email_in_arabic(world: ChatWorld) -> None:
    chat = world.chat(channel=Channel.TELEGRAM, user="tg-ar", locale="ar", display_name="ليلى")
    client = await consenting_client(world, chat, email="layla@example.com")
    await chat.say("تشغيل الرسائل")
    assert "ستصلك عروضنا وأخبارنا من جديد" in chat.text()

    await chat.say("إيقاف الرسائل")
    assert "لن تصلك منا عروض أو أخبار" in chat.text()
    assert "ستظل تصلك" in chat.text()
    assert not await allowed(world, client, Channel.EMAIL)

    await chat.say("البريد فقط")
    assert "بالبريد الإلكتروني فقط" in chat.text()
    assert await allowed(world, client, Channel.EMAIL)
    assert not await allowed(world, client, Channel.TELEGRAM)

    await chat.say("تفضيلاتي")
    assert "العروض والأخبار في المحادثة: متوقفة" in chat.text()
    assert "اللغة: العربية" in chat.text()


async def test_arabic_quiet_hours_with_arabic_digits_and_a_bad_time(world: ChatWorld) -> None:
    chat = world.chat(channel=Channel.TELEGRAM, user="tg-ar2", locale="ar", display_name="نور")
    client = await consenting_client(world, chat)

    await chat.say("ساعات الهدوء ٢٢:٠٠-٠٨:٠٠")
    assert "تم ضبط ساعات الهدوء" in chat.text()
    assert await quiet_hours(world, client) == (time(22), time(8))

    await chat.say("ساعات الهدوء غدا")
    assert "لم يتغير شيء" in chat.text()
    assert await quiet_hours(world, client) == (time(22), time(8))

    await chat.say("ساعات الهدوء إيقاف")
    assert "أُلغيت ساعات الهدوء" in chat.text()
    assert await quiet_hours(world, client) == (None, None)
