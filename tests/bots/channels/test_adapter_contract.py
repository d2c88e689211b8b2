"""Every channel passes the same adapter contract: Telegram, Slack, Messenger, Instagram,
the web chat and the console.

Each case is a recorded delivery as that platform's route records it; the adapter turns
it into a turn on the one engine and answers through its own sender, once per delivery.
"""

from __future__ import annotations

import io
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest
from rich.console import Console

from bots.channel import CHAT_TURNS, ChannelAdapter, TurnRunner
from bots.console import ConsoleAdapter
from bots.meta import webhook as meta_webhook
from bots.slack import events as slack_events
from bots.telegram import webhook as telegram_webhook
from bots.webchat.inbox import inbox_prefix
from domain.enums import OutboxStatus
from tests.bots.channels.conftest import TEAM, Hub
from tests.support.fakes import payloads as p


@dataclass
class Case:
    """One platform: its adapter, two deliveries of one chat, one of another, what was said."""

    adapter: ChannelAdapter
    first: dict[str, Any]
    again_same_chat: dict[str, Any]
    other_chat: dict[str, Any]
    said: Callable[[], Awaitable[list[str]]]  # texts the platform received for the first chat
    label: str  # the Prometheus channel label its turns are counted under


def telegram_case(hub: Hub) -> Case:
    def update(update_id: int, chat: int, text: str) -> dict[str, Any]:
        body = p.telegram_text_update(update_id, chat, chat, text)
        return telegram_webhook.incoming(body).payload

    async def said() -> list[str]:
        return [m["text"] for m in hub.tg.sent(7101)]

    assert hub.channels.telegram is not None
    return Case(
        hub.channels.telegram,
        update(71001, 7101, "hello"),
        update(71002, 7101, "help"),
        update(71003, 7102, "hello"),
        said,
        "telegram",
    )


def slack_case(hub: Hub) -> Case:
    def event(event_id: str, user: str, channel: str, text: str) -> dict[str, Any]:
        found = slack_events.event_incoming(p.slack_event_body(event_id, TEAM, user, channel, text))
        assert found is not None
        return found.payload

    async def said() -> list[str]:
        return [
            c.params.get("text", "")
            for c in hub.slack.calls("chat.postMessage")
            if c.params.get("channel") == "D0CONTRACT1"
        ]

    assert hub.channels.slack is not None
    return Case(
        hub.channels.slack,
        event("Ev0C1", "U0CONTRACT1", "D0CONTRACT1", "today"),
        event("Ev0C2", "U0CONTRACT1", "D0CONTRACT1", "help"),
        event("Ev0C3", "U0CONTRACT2", "D0CONTRACT2", "today"),
        said,
        "slack",
    )


def meta_case(hub: Hub, *, instagram: bool) -> Case:
    account = hub.meta.ig_account_id if instagram else hub.meta.page_id

    def message(sender: str, mid: str, text: str) -> dict[str, Any]:
        if instagram:
            body = p.instagram_text(account, sender, mid, text)
        else:
            body = p.meta_messenger_text(account, sender, mid, text)
        [found] = meta_webhook.deliveries(body)
        return found.payload

    first_person = "9101" if instagram else "9201"

    async def said() -> list[str]:
        return [str(m.get("message")) for m in hub.meta.sent(first_person)]

    assert hub.channels.meta is not None
    return Case(
        hub.channels.meta,
        message(first_person, f"m_{first_person}_1", "hello"),
        message(first_person, f"m_{first_person}_2", "help"),
        message(first_person + "9", f"m_{first_person}_3", "hello"),
        said,
        "instagram" if instagram else "messenger",
    )


def webchat_case(hub: Hub) -> Case:
    sessions = hub.channels.webchat._sessions  # the hub's own issuer
    first, other = sessions.issue(), sessions.issue()

    async def said() -> list[str]:  # what waits in the session's inbox, left unread
        async with hub.runtime.database.uows(read_only=True) as uow:
            rows = await uow.outbox.list_by_prefix(
                inbox_prefix(first), statuses=[OutboxStatus.IN_PROGRESS], limit=50
            )
        return [row.payload["reply"]["text"] for row in rows]

    return Case(
        hub.channels.webchat,
        {"session": first, "text": "hello", "event_id": "w1"},
        {"session": first, "text": "help", "event_id": "w2"},
        {"session": other, "text": "hello", "event_id": "w3"},
        said,
        "webchat",
    )


def console_case(hub: Hub) -> Case:
    screen = io.StringIO()
    adapter = ConsoleAdapter(Console(file=screen, width=120, color_system=None))
    assert hub.channels.delivery is not None
    hub.channels.delivery.senders.register(adapter.sender)
    uows, clock = hub.runtime.database.uows, hub.runtime.clock
    adapter.bind(
        TurnRunner(
            engine=hub.runtime.engine, delivery=hub.channels.delivery, uows=uows, clock=clock
        )
    )

    async def said() -> list[str]:
        return [line for line in screen.getvalue().splitlines() if line.startswith("samia>")]

    return Case(
        adapter,
        {"user": "client:contract@example.com", "text": "hello", "event_id": "c1"},
        {"user": "client:contract@example.com", "text": "help", "event_id": "c2"},
        {"user": "client:other@example.com", "text": "hello", "event_id": "c3"},
        said,
        "console",
    )


CASES: dict[str, Callable[[Hub], Case]] = {
    "telegram": telegram_case,
    "slack": slack_case,
    "messenger": lambda hub: meta_case(hub, instagram=False),
    "instagram": lambda hub: meta_case(hub, instagram=True),
    "webchat": webchat_case,
    "console": console_case,
}


@pytest.fixture(params=list(CASES))
def case(request: pytest.FixtureRequest, hub: Hub) -> Case:
    return CASES[request.param](hub)


def test_every_channel_implements_the_adapter_contract(case: Case) -> None:
    assert isinstance(case.adapter, ChannelAdapter)
    assert case.adapter.provider
    assert case.adapter.sender is not None


def test_a_channels_routes_are_mounted_on_the_hub(case: Case, hub: Hub) -> None:
    routes = case.adapter.router()
    if routes is None:  # the console is not HTTP
        assert case.adapter.provider == "console"
        return
    mounted = {route.path for route in hub.channels.routers() for route in route.routes}  # type: ignore[attr-defined]
    assert {route.path for route in routes.routes} <= mounted  # type: ignore[attr-defined]


async def test_a_delivery_is_one_turn_answered_through_the_channels_own_sender(
    case: Case,
) -> None:
    counted = CHAT_TURNS.labels(case.label)._value.get()

    await case.adapter.process(case.first)

    assert await case.said(), "nothing was sent back"
    assert CHAT_TURNS.labels(case.label)._value.get() == counted + 1


async def test_a_delivery_processed_twice_is_answered_once(case: Case) -> None:
    await case.adapter.process(case.first)
    answered = len(await case.said())

    await case.adapter.process(case.first)

    assert len(await case.said()) == answered


def test_deliveries_of_one_chat_share_an_order_key_and_other_chats_do_not(case: Case) -> None:
    key = case.adapter.order_key(case.first)

    assert key
    assert case.adapter.order_key(case.again_same_chat) == key
    assert case.adapter.order_key(case.other_chat) != key
