"""A returning client on a new device or channel signs in with a code sent to their email."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from domain.enums import BookingStatus, EmailKind
from domain.errors import TransientConnectorError
from domain.ports.email import OutgoingEmail
from tests.bots.channels.conftest import Hub
from tests.bots.channels.drivers import Driver, WebDriver
from tests.bots.channels.test_parity import client_driver

EMAIL = "lina@example.com"


async def book_in_web_chat(hub: Hub, time: str = "11:00", email: str = EMAIL) -> WebDriver:
    """A first visit: book Friday at `time`, give name and email, confirm."""
    chat = WebDriver(hub)
    await chat.book_until_email_question(time=time, name="Lina Haddad")
    await chat.say(email)
    await chat.tap("Confirm")
    assert "booked" in chat.text().lower(), chat.text()
    return chat


async def at_the_email_question(hub: Hub) -> WebDriver:
    """Another browser: a new session, a new time held, the email asked."""
    chat = WebDriver(hub)
    await chat.book_until_email_question(time="14:00", name="Lina")
    return chat


async def emailed_code(hub: Hub, to: str = EMAIL) -> str:
    held = await hub.runtime.mailbox.recent(to=to)
    assert held, "no email in the outbox"
    assert held[0].kind is EmailKind.LOGIN_CODE
    match = re.search(r"\b(\d{6})\b", held[0].text)
    assert match, held[0].text
    return match.group(1)


async def test_returning_client_on_a_new_session_books_with_their_own_email(hub: Hub) -> None:
    await book_in_web_chat(hub)
    chat = await at_the_email_question(hub)

    await chat.say("Lina@Example.com")

    assert "sent a 6-digit code to lina@example.com" in chat.text()
    assert "already used" not in chat.text()
    await chat.say(await emailed_code(hub))
    assert "Signed in. Welcome back, Lina Haddad!" in chat.text()
    assert "holding this time" in chat.text()  # the hold made before signing in is kept
    await chat.tap("Confirm")
    await chat.say("my bookings")

    booked = [b.label for b in chat.buttons() if "Love reading" in b.label]
    assert len(booked) == 2, chat.buttons()  # the earlier booking and this one
    confirmed = [b for b in await hub.bookings() if b.status is BookingStatus.CONFIRMED]
    assert len(confirmed) == 2
    assert len({b.client_id for b in confirmed}) == 1  # one client, not two


@pytest.mark.parametrize("platform", ["telegram", "messenger"])
async def test_client_moving_to_another_channel_signs_in_and_sees_earlier_bookings(
    hub: Hub, platform: str
) -> None:
    await book_in_web_chat(hub)
    chat: Driver = client_driver(hub, platform)
    await chat.say("hello")

    await chat.say("my email")
    assert "What's your email?" in chat.text()
    await chat.say(EMAIL)
    assert "sent a 6-digit code" in chat.text()
    await chat.say(await emailed_code(hub))
    assert "Signed in. Welcome back, Lina Haddad!" in chat.text()
    await chat.say("my bookings")

    assert any("Love reading" in b.label for b in chat.buttons()), chat.buttons()


async def test_wrong_code_says_so_and_the_right_one_still_works(hub: Hub) -> None:
    await book_in_web_chat(hub)
    chat = await at_the_email_question(hub)
    await chat.say(EMAIL)
    code = await emailed_code(hub)
    wrong = "000000" if code != "000000" else "111111"

    await chat.say(wrong)
    assert "That code is not right. Tries left: 4." in chat.text()
    await chat.say("12 34")  # not six digits: asked again, not counted
    assert "Please type the 6-digit code we sent to lina@example.com" in chat.text()
    await chat.say(f"{code[:3]} {code[3:]}")

    assert "Signed in" in chat.text()


async def test_five_wrong_codes_spend_the_code(hub: Hub) -> None:
    await book_in_web_chat(hub)
    chat = await at_the_email_question(hub)
    await chat.say(EMAIL)
    code = await emailed_code(hub)
    wrong = "000000" if code != "000000" else "111111"

    for _ in range(4):
        await chat.say(wrong)
    await chat.say(wrong)
    assert "Too many wrong codes. Please wait 10 minutes" in chat.text()
    await chat.say(code)  # back at the email question: a code is no email

    assert "Signed in" not in chat.text()
    assert len({b.client_id for b in await hub.bookings()}) == 2  # nothing was linked


async def test_a_code_expires_after_ten_minutes(hub: Hub) -> None:
    await book_in_web_chat(hub)
    chat = await at_the_email_question(hub)
    await chat.say(EMAIL)
    code = await emailed_code(hub)

    hub.clock.advance(timedelta(minutes=10, seconds=1))
    await chat.say(code)

    assert "That code has expired. Type your email again for a new one." in chat.text()
    await chat.say(EMAIL)  # a new code works
    await chat.say(await emailed_code(hub))
    assert "Signed in" in chat.text()


async def test_at_most_three_codes_per_email_per_hour(hub: Hub) -> None:
    await book_in_web_chat(hub)
    chat = await at_the_email_question(hub)
    for _ in range(3):
        await chat.say(EMAIL)
        assert "sent a 6-digit code" in chat.text()

    await chat.say(EMAIL)

    assert "Too many codes for that email. Please try again in 60 minutes." in chat.text()
    assert len(await hub.runtime.mailbox.recent(to=EMAIL)) == 3
    hub.clock.advance(timedelta(hours=1, seconds=1))  # the booking question timed out too
    await chat.say("my email")
    await chat.say(EMAIL)
    assert "sent a 6-digit code" in chat.text()


async def test_a_command_at_the_code_question_is_the_command(hub: Hub) -> None:
    await book_in_web_chat(hub)
    chat = await at_the_email_question(hub)
    await chat.say(EMAIL)

    await chat.say("my bookings")

    assert "6-digit" not in chat.text()
    assert "booking" in chat.text().lower()


async def test_a_new_email_goes_straight_on(hub: Hub) -> None:
    await book_in_web_chat(hub)
    chat = await at_the_email_question(hub)

    await chat.say("someone.new@example.com")

    assert "holding this time" in chat.text()
    assert await hub.runtime.mailbox.recent() == []


class DownMailer:
    provider = "smtp"

    def __init__(self) -> None:
        self.tried: list[OutgoingEmail] = []

    async def send(self, email: OutgoingEmail) -> None:
        self.tried.append(email)
        raise TransientConnectorError("connection refused", provider=self.provider)


async def test_a_code_that_cannot_be_sent_says_so_and_does_not_count(
    hub: Hub, monkeypatch: pytest.MonkeyPatch
) -> None:
    await book_in_web_chat(hub)
    chat = await at_the_email_question(hub)
    down = DownMailer()
    monkeypatch.setattr(hub.runtime.mailbox, "send", down.send)  # the demo's mailer

    for _ in range(4):
        await chat.say(EMAIL)
        assert "We couldn't send the code just now" in chat.text()

    assert len(down.tried) == 4  # never "too many": unsent codes do not count


async def test_arabic_speaker_signs_in_from_telegram_in_arabic(hub: Hub) -> None:
    await book_in_web_chat(hub)
    chat: Driver = client_driver(hub, "telegram")
    await chat.say("مرحبا")

    await chat.say("بريدي")
    assert "ما بريدك الإلكتروني؟" in chat.text()
    await chat.say(EMAIL)
    assert "أرسلنا رمزًا من 6 أرقام" in chat.text()
    held = await hub.runtime.mailbox.recent(to=EMAIL)
    assert "رمز الدخول" in held[0].subject  # the email is in the language of the chat
    await chat.say(await emailed_code(hub))

    assert "Signed in" in chat.text() or "تم تسجيل الدخول" in chat.text()


async def test_only_a_hash_of_the_code_is_stored(hub: Hub) -> None:
    await book_in_web_chat(hub)
    chat = await at_the_email_question(hub)
    await chat.say(EMAIL)
    code = await emailed_code(hub)

    async with hub.runtime.database.engine.connect() as conn:
        rows = (await conn.execute(sa.text("SELECT * FROM login_codes"))).all()
    assert len(rows) == 1
    assert all(code not in str(value) for value in rows[0])
