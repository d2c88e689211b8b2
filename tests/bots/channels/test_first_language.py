"""A new person is answered in the language they write, whatever their channel says."""

from __future__ import annotations

import pytest

from tests.bots.channels.conftest import Hub
from tests.bots.channels.test_parity import client_driver


def arabic(text: str) -> bool:
    return any("\u0600" <= ch <= "\u06ff" for ch in text)


@pytest.mark.parametrize("platform", ["webchat", "telegram", "messenger", "instagram"])
async def test_first_words_in_arabic_are_answered_in_arabic(hub: Hub, platform: str) -> None:
    chat = client_driver(hub, platform)  # Telegram's locale says "en"; the web page sends none

    await chat.say("أريد حجز قراءة تاروت")

    assert arabic(chat.text()), chat.text()  # "which reading?" in Arabic
    assert len(chat.buttons()) == 2  # straight to the two readings on offer
    await chat.say("hello")  # one English word later does not undo what they chose
    assert arabic(chat.text()), chat.text()


@pytest.mark.parametrize("platform", ["webchat", "telegram"])
async def test_first_words_in_english_are_answered_in_english(hub: Hub, platform: str) -> None:
    chat = client_driver(hub, platform)

    await chat.say("book Samia غدا")

    assert not arabic(chat.text()), chat.text()


@pytest.mark.parametrize("platform", ["webchat", "telegram", "messenger", "instagram"])
async def test_client_switches_language_back_and_forth(hub: Hub, platform: str) -> None:
    chat = client_driver(hub, platform)
    await chat.say("hello")
    await chat.say("help")
    assert "عربي" in [b.label for b in chat.buttons()]  # the other language, named in itself

    await chat.tap("عربي")
    assert chat.text() == "تم اختيار اللغة العربية."
    await chat.say("hello")  # English words no longer undo the choice
    assert arabic(chat.text()), chat.text()

    await chat.say("help")
    assert "English" in [b.label for b in chat.buttons()]
    await chat.say("english")  # the typed word works as the button does
    assert chat.text() == "Language set to English."
    await chat.say("مرحبا")
    assert not arabic(chat.text()), chat.text()


async def test_language_word_in_the_middle_of_a_question_switches(hub: Hub) -> None:
    chat = client_driver(hub, "webchat")
    await chat.say("book a reading")
    assert len(chat.buttons()) == 2  # which reading?

    await chat.say("عربي")

    assert chat.text() == "تم اختيار اللغة العربية."
    await chat.say("حجوزاتي")
    assert arabic(chat.text()), chat.text()
