"""Client conversations, as transcripts, in English and Arabic."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from domain.enums import BookingStatus, Channel
from tests.support.chat_harness import ChatWorld, chat_world
from tests.support.factories import make_reader, make_service

# Thursday 26 November 2026, 09:00 in London.
NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
ARABIC = re.compile(r"[\u0600-\u06FF]")


@pytest.fixture
async def world(database_url: str) -> AsyncIterator[ChatWorld]:
    samia = make_reader(name="Samia", minimum_notice_minutes=60, buffer_after_minutes=0)
    rose = make_reader(name="Rose", timezone="America/New_York", currency="USD")
    async with chat_world(
        database_url,
        NOW,
        [
            (samia, [make_service(samia, name="Love reading")]),
            (rose, [make_service(rose, name="Career reading", price_minor=3000)]),
        ],
    ) as world:
        yield world


async def booked_statuses(world: ChatWorld) -> list[BookingStatus]:
    async with world.database.uows() as uow:
        return [b.status for b in await uow.bookings.query(limit=50)]


async def test_web_chat_client_books_with_buttons_giving_name_and_email(world: ChatWorld) -> None:
    chat = world.chat(user="web-session-1")

    await chat.say("hello")
    assert "Welcome" in chat.text()
    await chat.tap("Book a reading")
    assert "Which reader" in chat.text()
    await chat.tap("Samia")
    assert "Which day" in chat.text()
    await chat.tap("Fri")
    assert "Free times" in chat.text()
    await chat.tap("11:00")
    assert "What's your name?" in chat.text()
    await chat.say("Lina Haddad")
    assert "email" in chat.text()
    await chat.say("not-an-email")
    assert "doesn't look like an email" in chat.text()
    await chat.say("lina@example.com")
    assert "holding this time for 10 minutes" in chat.text()
    assert "£45.00" in chat.text()
    await chat.tap("Confirm")

    assert "Booked!" in chat.text()
    assert await booked_statuses(world) == [BookingStatus.CONFIRMED]


async def test_free_text_request_goes_straight_to_the_confirmation(world: ChatWorld) -> None:
    chat = world.chat(channel=Channel.TELEGRAM, user="tg-42", display_name="Omar")

    await chat.say("book with Samia tomorrow at 2pm")

    assert "holding this time" in chat.text()
    assert "14:00" in chat.text()
    await chat.say("yes")
    assert "Booked!" in chat.text()


async def test_double_tap_on_confirm_books_once(world: ChatWorld) -> None:
    chat = world.chat(channel=Channel.TELEGRAM, user="tg-7", display_name="Maya")
    await chat.say("book with Samia tomorrow at 3pm")
    confirm = next(c.action for r in chat.transcript for c in r.choices if "confirm" in c.action)

    await chat.press(confirm)
    await chat.press(confirm)

    assert chat.text().startswith("Booked!")
    assert await booked_statuses(world) == [BookingStatus.CONFIRMED]


async def test_slot_taken_meanwhile_offers_other_times(world: ChatWorld) -> None:
    first = world.chat(channel=Channel.TELEGRAM, user="tg-1", display_name="A")
    second = world.chat(channel=Channel.TELEGRAM, user="tg-2", display_name="B")
    for chat in (first, second):
        await chat.say("book with Samia")
        await chat.tap("Fri")

    await first.tap("11:00")
    await second.tap("11:00")

    assert "just taken" in second.text()
    assert "11:00" not in second.buttons()
    assert "12:00" in second.buttons()


async def test_expired_hold_asks_for_a_new_time(world: ChatWorld) -> None:
    chat = world.chat(channel=Channel.TELEGRAM, user="tg-9", display_name="Zain")
    await chat.say("book with Samia tomorrow at 4pm")
    world.clock.advance(timedelta(minutes=11))

    await chat.tap("Confirm")

    assert "hold expired" in chat.text()
    assert await booked_statuses(world) == [BookingStatus.EXPIRED]


async def test_impossible_and_past_dates_get_a_clear_answer(world: ChatWorld) -> None:
    chat = world.chat(channel=Channel.TELEGRAM, user="tg-3", display_name="Leo")
    await chat.say("book with Samia")

    await chat.say("February 30")
    assert "couldn't read that date" in chat.text()
    await chat.say("2026-11-20")
    assert "in the past" in chat.text()
    assert chat.buttons(), "a way forward is always offered"


async def test_unknown_command_and_gibberish_get_help_with_buttons(world: ChatWorld) -> None:
    chat = world.chat(user="web-session-2")

    await chat.say("/frobnicate")
    assert "don't know that command" in chat.text()
    assert "Book a reading" in chat.buttons()
    await chat.say("asdkjh qwe")
    assert "didn't understand" in chat.text()
    await chat.press("bk:nonsense:1")
    assert "no longer active" in chat.text()


async def test_other_languages_are_told_what_we_speak(world: ChatWorld) -> None:
    chat = world.chat(user="web-session-3")

    await chat.say("je voudrais une lecture de tarot demain")

    assert "English and Arabic" in chat.text()


async def test_my_bookings_cancel_and_reschedule(world: ChatWorld) -> None:
    chat = world.chat(channel=Channel.TELEGRAM, user="tg-5", display_name="Noor")
    await chat.say("book with Samia on Monday at 11am")
    await chat.say("yes")

    await chat.say("my bookings")
    assert "Your upcoming bookings" in chat.text()
    await chat.tap("Love reading")
    await chat.tap("Reschedule")
    await chat.tap("Tue")
    await chat.tap("13:00")
    assert "Moved to" in chat.text()

    await chat.tap("My bookings")
    await chat.tap("Love reading")
    await chat.tap("Cancel booking")
    await chat.tap("Yes, cancel it")
    assert chat.text().startswith("Cancelled.")
    assert await booked_statuses(world) == [BookingStatus.CANCELLED]


async def test_arabic_client_books_in_arabic(world: ChatWorld) -> None:
    chat = world.chat(channel=Channel.TELEGRAM, user="tg-ar", locale="ar", display_name="ليلى")

    await chat.say("مرحبا")
    assert ARABIC.search(chat.text())
    await chat.say("احجز مع Samia غدا الساعة 2 مساء")

    assert ARABIC.search(chat.text())
    confirm = [c for r in chat.transcript for c in r.choices if c.action.startswith("bk:confirm")]
    assert confirm, chat.text()
    await chat.press(confirm[-1].action)
    assert await booked_statuses(world) == [BookingStatus.CONFIRMED]


async def test_arabic_client_lists_and_cancels_in_arabic(world: ChatWorld) -> None:
    chat = world.chat(channel=Channel.TELEGRAM, user="tg-ar2", locale="ar", display_name="نور")
    await chat.say("احجز مع Samia يوم الاثنين الساعة 11 صباحا")
    await chat.say("نعم")

    await chat.say("حجوزاتي")
    assert ARABIC.search(chat.text())
    await chat.press(next(c.action for r in chat.transcript[-1:] for c in r.choices))
    cancel = [c for c in chat.buttons() if ARABIC.search(c)]
    assert cancel, chat.buttons()
    await chat.press(
        next(
            c.action
            for r in chat.transcript[-1:]
            for c in r.choices
            if c.action.startswith("my:cancel:")
        )
    )
    await chat.press(
        next(
            c.action
            for r in chat.transcript[-1:]
            for c in r.choices
            if c.action.startswith("my:cancel_yes:")
        )
    )

    assert ARABIC.search(chat.text())
    assert await booked_statuses(world) == [BookingStatus.CANCELLED]


async def test_next_friday_evening_offers_only_evening_times(world: ChatWorld) -> None:
    chat = world.chat(channel=Channel.TELEGRAM, user="tg-eve", display_name="Eve")

    await chat.say("next Friday evening with Samia")

    times = [b for b in chat.buttons() if b[:2].isdigit()]
    assert times == ["17:00", "17:30"]
    assert "Fri 27 Nov" in chat.text()
