"""A command typed in the middle of a question is the command, not a wrong answer."""

from __future__ import annotations

import pytest

from domain.enums import BookingStatus
from tests.bots.channels.conftest import Hub
from tests.bots.channels.drivers import WebDriver


async def at_the_email_question(hub: Hub) -> WebDriver:
    chat = WebDriver(hub)
    await chat.book_until_email_question(time="11:00", name="Lina Haddad")
    return chat


async def test_my_bookings_typed_at_the_email_question_lists_bookings(hub: Hub) -> None:
    chat = await at_the_email_question(hub)

    await chat.say("my bookings")

    assert "email address" not in chat.text()
    assert "booking" in chat.text().lower()


@pytest.mark.parametrize("typed", ["help", "Help!", "مساعدة"])
async def test_help_typed_at_the_email_question_shows_help(hub: Hub, typed: str) -> None:
    chat = await at_the_email_question(hub)

    await chat.say(typed)

    assert "email address" not in chat.text()
    assert "Book a reading" in [b.label for b in chat.buttons()] or "احجز قراءة" in [
        b.label for b in chat.buttons()
    ]


async def test_start_over_leaves_the_question_and_the_next_answer_is_free_text(hub: Hub) -> None:
    chat = await at_the_email_question(hub)

    await chat.say("start over")
    await chat.say("lina@example.com")

    assert "holding this time" not in chat.text()  # the email was not taken as an answer
    assert all(b.status is not BookingStatus.CONFIRMED for b in await hub.bookings())
