"""Exactly once, under redelivery, rate limits, timeouts and crashes."""

from __future__ import annotations

import asyncio
import itertools
import time as wallclock
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from datetime import timedelta
from typing import Any

import pytest
from starlette.types import ASGIApp, Receive, Scope, Send

from bots.engine import Choice, Reply
from bots.inbound import Incoming
from bots.meta.graph import GraphClient
from bots.meta.sender import MetaSender
from bots.meta.settings import MetaSettings
from bots.outbound import Delivery, Outcome, RetryPolicy, SendContext, SenderRegistry
from bots.pacing import ChannelLimits
from bots.slack.sender import SlackSender, build_client
from bots.slack.settings import SlackSettings
from bots.telegram.app import TelegramAdapter
from bots.telegram.settings import TelegramSettings
from domain.clock import FixedClock
from domain.enums import BookingStatus, Channel, OutboxKind, OutboxStatus
from domain.inbound import record_delivery
from domain.models import OutboxEntry
from storage.uow import Database
from tests.bots.channels.conftest import NOW, TEAM, TELEGRAM_SECRET, Hub
from tests.bots.channels.drivers import MetaDriver, TelegramDriver
from tests.support.fakes import MetaGraphFake, SlackApiFake, TelegramApiFake
from tests.support.fakes import payloads as p
from tests.support.loopback import LoopbackServer


async def held_on_telegram(hub: Hub, chat: TelegramDriver) -> str:
    """A client holding Friday 11:00; returns the Confirm button's payload."""
    await chat.say("hello")
    await chat.tap("Book a reading")
    await chat.tap("Love reading")
    await chat.tap("Fri")
    await chat.tap("11:00")
    return chat.find("Confirm").payload


async def test_a_delivery_repeated_five_times_makes_one_booking_and_one_reply(hub: Hub) -> None:
    chat = TelegramDriver(hub, chat_id=5005)
    confirm = await held_on_telegram(hub, chat)
    events_before = (await hub.counts())["inbound_events"]
    tap = p.telegram_callback_update(90_001, 5005, 5005, confirm, message_id=1)

    answers = await asyncio.gather(*(hub.telegram(tap) for _ in range(5)))
    await hub.idle()

    assert [a.status_code for a in answers] == [200] * 5
    assert [b.status for b in await hub.bookings()] == [BookingStatus.CONFIRMED]
    booked = [m for m in hub.tg.sent(5005) if m["text"].startswith("Booked!")]
    assert len(booked) == 1
    assert (await hub.counts())["inbound_events"] == events_before + 1
    assert len(hub.tg.calls("answerCallbackQuery")) == 4 + 1  # every tap answered, once


async def test_meta_and_slack_redeliveries_are_answered_and_ignored(hub: Hub) -> None:
    chat = MetaDriver(hub, user="6900000000000077")
    message = p.meta_messenger_text(hub.meta.page_id, chat.user, "m_redelivered", "hello")
    event = p.slack_event_body("EvRetried1", TEAM, "U0LINA", "D0LINA", "hello")

    for _ in range(5):
        assert (await hub.meta_post(message)).status_code == 200
        assert (await hub.slack_json(event)).status_code == 200
    await hub.idle()

    assert len(hub.meta.sent(chat.user)) == 1
    assert len(hub.slack.messages("D0LINA")) == 1


async def test_a_429_is_waited_out_and_nothing_is_sent_twice(hub: Hub) -> None:
    hub.tg.fail_next("sendMessage", retry_after=1)

    assert (await hub.telegram(p.telegram_text_update(7001, 71, 71, "hello"))).status_code == 200
    await hub.idle()

    first, second = hub.tg.calls("sendMessage")
    assert (first.status, second.status) == (429, 200)
    assert second.monotonic - first.monotonic >= 1.0
    assert len(hub.tg.sent(71)) == 1
    async with hub.runtime.database.uows() as uow:
        entry = await uow.outbox.get_by_key("reply:telegram:7001:0")
    assert entry is not None
    assert entry.status is OutboxStatus.DONE


async def test_slack_429_is_retried_by_the_sdk_after_retry_after(hub: Hub) -> None:
    hub.slack.fail_next("chat.postMessage", retry_after=1)

    await hub.slack_json(p.slack_event_body("Ev429", TEAM, "U0LINA", "D0LINA", "hello"))
    await hub.idle()

    first, second = hub.slack.calls("chat.postMessage")
    assert (first.status, second.status) == (429, 200)
    assert second.monotonic - first.monotonic >= 1.0
    assert len(hub.slack.messages("D0LINA")) == 1


async def test_server_errors_are_retried_with_backoff_then_given_up(hub: Hub) -> None:
    hub.meta.fail_next(status=500, times=2)
    chat = MetaDriver(hub, user="6900000000000088")

    await chat.say("hello")
    assert [c.status for c in hub.meta.calls("messages")] == [500, 500, 200]
    assert len(hub.meta.sent(chat.user)) == 1

    hub.meta.fail_next(status=503, times=10)
    await hub.meta_post(p.meta_messenger_text(hub.meta.page_id, chat.user, "m_down", "help"))
    await hub.idle()
    assert len(hub.meta.calls("messages")) == 3 + 4  # one try and three retries (RetryPolicy)
    async with hub.runtime.database.uows() as uow:
        dead = await uow.outbox.get_by_key("reply:meta:m_down:0")
    assert dead is not None
    assert dead.status is OutboxStatus.DEAD
    assert dead.last_error
    assert "gave_up" in dead.last_error


# -- a request that leaves and never gets an answer ------------------------------------------


def answer_late(app: ASGIApp, path_suffix: str, delay: float) -> ASGIApp:
    """The vendor receives and handles the call, but its answer comes after our timeout."""

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].endswith(path_suffix):

            async def late_send(message: Any) -> None:
                if message["type"] == "http.response.start":
                    await asyncio.sleep(delay)
                await send(message)

            await app(scope, receive, late_send)
            return
        await app(scope, receive, send)

    return wrapped


SLOW = ChannelLimits(
    telegram_per_chat_interval=0, slack_per_channel_interval=0, connect_timeout=1, read_timeout=0.5
)


async def refuse_deliveries(provider: str, items: Sequence[Incoming]) -> list[bool]:
    raise AssertionError("a sender test receives no webhooks")


async def telegram_sender(url: str, fake: TelegramApiFake) -> AsyncIterator[Any]:
    settings = TelegramSettings(
        bot_token=fake.token, webhook_secret=TELEGRAM_SECRET, api_url=f"{url}/bot"
    )
    adapter = TelegramAdapter(settings, limits=SLOW, accept=refuse_deliveries)
    await adapter.start()
    yield adapter.sender
    await adapter.stop()


async def slack_sender(url: str, fake: SlackApiFake) -> AsyncIterator[Any]:
    settings = SlackSettings(
        bot_token=next(iter(fake.tokens)), signing_secret="s", api_url=f"{url}/api/"
    )
    sender = SlackSender(build_client(settings, limits=SLOW), limits=SLOW)
    await sender.start()
    yield sender
    await sender.close()


async def meta_sender(url: str, fake: MetaGraphFake) -> AsyncIterator[Any]:
    settings = MetaSettings(
        page_token=fake.access_token,
        app_secret="a",
        verify_token="v",
        page_id=fake.page_id,
        graph_url=f"{url}/",
    )
    sender = MetaSender(
        GraphClient(settings, connect_timeout=1, read_timeout=0.5), settings, limits=SLOW
    )
    yield sender
    await sender.close()


SenderFactory = Callable[[str, Any], AsyncIterator[Any]]
CASES = {
    "telegram": (telegram_sender, "/sendMessage", "sendMessage", "42"),
    "slack": (slack_sender, "/chat.postMessage", "chat.postMessage", "C0READINGS"),
    "meta": (meta_sender, "/messages", "messages", "6900000000000099"),
}


@pytest.mark.parametrize("platform", list(CASES))
async def test_a_send_whose_answer_never_comes_is_not_resent(
    platform: str,
    database_url: str,
    tg: TelegramApiFake,
    slack: SlackApiFake,
    meta: MetaGraphFake,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "1")
    factory, suffix, method, chat_id = CASES[platform]
    fake = {"telegram": tg, "slack": slack, "meta": meta}[platform]
    database = Database.from_url(database_url, clock=FixedClock(NOW))
    channel = {"telegram": Channel.TELEGRAM, "slack": Channel.SLACK, "meta": Channel.MESSENGER}[
        platform
    ]
    with LoopbackServer(answer_late(fake.app, suffix, delay=1.5)) as slow:
        senders = factory(slow.url, fake)
        sender = await anext(senders)
        delivery = Delivery(
            uows=database.uows,
            clock=FixedClock(NOW),
            senders=SenderRegistry([sender]),
            policy=RetryPolicy(backoff=0.01),
        )

        [attempt] = await delivery.deliver(
            key_prefix="reply:test:1",
            chat_id=chat_id,
            replies=[Reply("Your card: The Star")],
            context=SendContext(channel),
        )
        await asyncio.sleep(1.6)  # let the late answer go out: the vendor did get it
        with pytest.raises(StopAsyncIteration):
            await anext(senders)

    assert attempt.outcome is Outcome.UNKNOWN
    assert len(fake.calls(method)) == 1, "sent once, never again"
    async with database.uows() as uow:
        entry = await uow.outbox.get_by_key("reply:test:1:0")
    assert entry is not None
    assert entry.status is OutboxStatus.DEAD
    assert entry.last_error
    assert entry.last_error.startswith("unknown")
    await database.dispose()


# -- pacing and crash recovery ---------------------------------------------------------------


async def test_telegram_sends_at_most_one_message_per_second_per_chat(hub_factory: Any) -> None:
    from tests.bots.channels.conftest import FAST

    paced = type(FAST)(
        limits=ChannelLimits(telegram_per_chat_interval=0.3),
        retry=FAST.retry,
        pool=FAST.pool,
        notice_sweep_every=FAST.notice_sweep_every,
    )
    hub: Hub = await hub_factory(paced)
    assert hub.channels.delivery is not None
    replies = [Reply(f"card {n}", choices=(Choice("Next", "bk:start:"),)) for n in range(3)]

    started = wallclock.monotonic()
    await asyncio.gather(
        hub.channels.delivery.deliver(
            key_prefix="pace:a",
            chat_id="81",
            replies=replies,
            context=SendContext(Channel.TELEGRAM),
        ),
        hub.channels.delivery.deliver(
            key_prefix="pace:b",
            chat_id="82",
            replies=replies[:1],
            context=SendContext(Channel.TELEGRAM),
        ),
    )

    same_chat = [c.monotonic for c in hub.tg.calls("sendMessage") if c.params["chat_id"] == 81]
    other_chat = [c.monotonic for c in hub.tg.calls("sendMessage") if c.params["chat_id"] == 82]
    gaps = [b - a for a, b in itertools.pairwise(same_chat)]
    assert len(same_chat) == 3
    assert all(gap >= 0.25 for gap in gaps), gaps
    assert other_chat[0] - started < 0.25, "another chat does not wait for this one"


async def test_deliveries_recorded_before_a_crash_are_processed_at_start_up(
    database_url: str, hub_factory: Any
) -> None:
    update = p.telegram_text_update(66_001, 6601, 6601, "hello")
    database = Database.from_url(database_url)
    earlier = FixedClock(NOW - timedelta(minutes=5))
    await record_delivery(
        uow=database.uows(),
        clock=earlier,
        provider="telegram",
        event_id="66001",
        payload=update,
    )
    # The first run had also started sending a reply: it may have arrived, so never resend it.
    update2 = p.telegram_text_update(66_002, 6602, 6602, "hello")
    await record_delivery(
        uow=database.uows(),
        clock=earlier,
        provider="telegram",
        event_id="66002",
        payload=update2,
    )
    async with database.uows() as uow:
        await uow.outbox.add(
            OutboxEntry(
                "reply:telegram:66002:0", OutboxKind.MESSAGE, {}, status=OutboxStatus.IN_PROGRESS
            ),
            NOW,
        )
        await uow.commit()
    await database.dispose()

    hub: Hub = await hub_factory()
    await wait_until(lambda: _processed(hub, ["66001", "66002"]))

    assert hub.tg.sent(6601)[0]["text"].startswith("Welcome")
    assert hub.tg.sent(6602) == []
    async with hub.runtime.database.uows() as uow:
        interrupted = await uow.outbox.get_by_key("reply:telegram:66002:0")
    assert interrupted is not None
    assert interrupted.status is OutboxStatus.DEAD
    assert "not resent" in (interrupted.last_error or "")


async def _processed(hub: Hub, event_ids: list[str]) -> bool:
    async with hub.runtime.database.uows() as uow:
        left = await uow.inbound.unprocessed(NOW + timedelta(days=1), 100)
    return not any(e in event_ids for _, e, _ in left)


async def wait_until(check: Callable[[], Awaitable[bool]], within: float = 5.0) -> None:
    deadline = wallclock.monotonic() + within
    while not await check():
        assert wallclock.monotonic() < deadline, "condition not reached in time"
        await asyncio.sleep(0.02)


async def test_two_hubs_sweeping_one_database_answer_each_interrupted_delivery_once(
    database_url: str, hub_factory: Any
) -> None:
    database = Database.from_url(database_url)
    earlier = FixedClock(NOW - timedelta(minutes=5))
    chats = range(6700, 6730)
    for chat in chats:
        await record_delivery(
            uow=database.uows(),
            clock=earlier,
            provider="telegram",
            event_id=f"{chat}01",
            payload=p.telegram_text_update(chat * 100 + 1, chat, chat, "hello"),
        )
    await database.dispose()

    first, second = await asyncio.gather(hub_factory(), hub_factory())
    await wait_until(lambda: _processed(first, [f"{chat}01" for chat in chats]))
    for hub in (first, second):
        assert hub.channels.pipeline is not None
        await hub.channels.pipeline.idle()

    assert [len(first.tg.sent(chat)) for chat in chats] == [1] * len(chats)
