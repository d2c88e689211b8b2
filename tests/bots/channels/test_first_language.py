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
