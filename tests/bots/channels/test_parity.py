"""Channel parity: one booking transcript on every client channel, one reader transcript on
every reader channel, with the buttons each platform actually shows."""

from __future__ import annotations

import pytest

from domain.enums import BookingStatus, Channel
from domain.identity import create_link_code
from tests.bots.channels.conftest import TEAM, Hub
from tests.bots.channels.drivers import Driver, MetaDriver, SlackDriver, TelegramDriver, WebDriver
from tests.support.fakes import payloads as p

# The widget a platform uses for a menu of each size, as a person sees it.
WIDGETS = {
    "webchat": {"few": "webchat", "many": "webchat"},
    "telegram": {"few": "inline_keyboard", "many": "inline_keyboard"},
    "messenger": {"few": "button_template", "many": "quick_reply"},
    "instagram": {"few": "quick_reply", "many": "quick_reply"},
    "slack": {"few": "block_kit", "many": "block_kit"},
}


def client_driver(hub: Hub, name: str) -> Driver:
    return {
        "webchat": lambda: WebDriver(hub),
        "telegram": lambda: TelegramDriver(hub),
        "messenger": lambda: MetaDriver(hub),
        "instagram": lambda: MetaDriver(
            hub, instagram=True, user="17840000000000009", name="instagram"
        ),
    }[name]()


def widgets(chat: Driver) -> set[str]:
    return {button.widget for button in chat.buttons()}


@pytest.mark.parametrize("platform", ["webchat", "telegram", "messenger", "instagram"])
async def test_client_books_a_reading_the_same_way_on_every_client_channel(
    hub: Hub, platform: str
) -> None:
    chat = client_driver(hub, platform)
    shown = WIDGETS[platform]

    await chat.say("hello")
    assert "Welcome to Samia" in chat.text()
    assert [b.label for b in chat.buttons()] == ["Book a reading", "My bookings", "Help"]
    assert widgets(chat) == {shown["few"]}

    await chat.tap("Book a reading")
    assert "Which reading" in chat.text()
    assert all(b.payload.startswith("bk:svc:") for b in chat.buttons())
    assert chat.find("Love reading").label.startswith("Love reading")

    await chat.tap("Love reading")
    assert "Which day" in chat.text()
    assert len(chat.buttons()) == 8  # a week of days and "More days"
    assert widgets(chat) == {shown["many"]}

    await chat.tap("Fri")
    assert "Free times" in chat.text()
    assert chat.find("11:00").payload.startswith("bk:slot:")

    await chat.tap("11:00")
    if "What's your name?" in chat.text():  # only the web chat does not know who this is
        await chat.say("Lina Haddad")
        await chat.say("lina@example.com")
    assert "holding this time" in chat.text()
    assert chat.find("Confirm").payload.startswith("bk:confirm:")

    await chat.tap("Confirm")
    assert "Booked!" in chat.text()

    [booking] = await hub.bookings()
    assert booking.status is BookingStatus.CONFIRMED
    assert booking.source_channel == Channel(platform)
    assert booking.starts_at.isoformat().startswith("2026-11-27T11:00")
    assert booking.service_id == hub.services[0].id


@pytest.mark.parametrize("platform", ["slack", "telegram"])
async def test_reader_links_then_sees_today_and_summary_on_every_reader_channel(
    hub: Hub, platform: str
) -> None:
    code = await create_link_code(
        uow=hub.runtime.database.uows(), clock=hub.clock, reader_id=hub.reader.id
    )
    chat: SlackDriver | TelegramDriver = (
        SlackDriver(hub) if platform == "slack" else TelegramDriver(hub, chat_id=777)
    )

    if isinstance(chat, SlackDriver):
        await chat.command(f"link {code}")  # /samia link CODE
    else:
        await chat.say(f"/link {code}")
    assert "Linked! You are now signed in as Samia" in chat.text()

    await chat.say("today")
    assert "No sessions today" in chat.text()
    assert [b.label for b in chat.buttons()] == [
        "Today",
        "Upcoming",
        "Summary",
        "Hours",
        "Invoices",
    ]
    assert widgets(chat) == {WIDGETS[platform]["few"]}

    await chat.tap("Summary")
    assert "This week: 0 sessions" in chat.text()
    assert chat.find("Today").payload == "rd:today:"


async def test_slack_slash_command_and_mention_reach_the_reader_conversation(hub: Hub) -> None:
    code = await create_link_code(
        uow=hub.runtime.database.uows(), clock=hub.clock, reader_id=hub.reader.id
    )
    chat = SlackDriver(hub, user="U0READER2", channel="D0READER2")
    await chat.command(f"link {code}")

    await chat.command("summary")
    assert "This week" in chat.text()

    mention = await hub.slack_json(
        p.slack_app_mention_body("EvMention1", TEAM, "U0READER2", "C0GENERAL", "today")
    )
    assert mention.status_code == 200
    await hub.idle()
    [answer] = hub.slack.messages("C0GENERAL")
    assert "No sessions today" in answer["text"]
