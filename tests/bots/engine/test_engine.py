"""The engine itself: payload codec, routing, timeouts, failures and concurrent events."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bots.engine import (
    Action,
    Actor,
    Conversation,
    Engine,
    InboundEvent,
    Interpretation,
    InvalidAction,
    MemoryConversationStore,
    Reply,
    StaleConversation,
    Step,
    StoredConversation,
    Turn,
)
from domain.clock import FixedClock
from domain.enums import Channel, Role
from storage.conversation_store import SqlConversationStore
from storage.db import create_async_db_engine

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


class Plain:
    def gettext(self, message: str, **params: object) -> str:
        return message.format(**params) if params else message


class Everyone:
    async def resolve(self, event: InboundEvent) -> Actor:
        return Actor(Role.CLIENT, event.user_ref, "en", "UTC")


async def ask(turn: Turn[Any], event: InboundEvent) -> Step:
    return Step.to("waiting", Reply("What's your name?"))


async def answer(turn: Turn[Any], event: InboundEvent) -> Step:
    turn.ctx["name"] = event.text
    return Step.end(Reply(f"Hello {event.text}"))


async def slow(turn: Turn[Any], event: InboundEvent) -> Step:
    turn.ctx["count"] = turn.ctx.get("count", 0) + 1
    await asyncio.sleep(0.01)
    return Step.stay(Reply(f"count {turn.ctx['count']}"))


async def boom(turn: Turn[Any], event: InboundEvent) -> Step:
    raise RuntimeError("database exploded")


async def interpret(turn: Turn[Any], text: str) -> Interpretation:
    return Interpretation("intent:greet" if text == "hi" else None)


async def fallback(turn: Turn[Any], reason: str) -> Step:
    return Step.end(Reply(f"help ({reason})"))


GREETING = Conversation(
    name="greet",
    roles=frozenset({Role.CLIENT}),
    entry={"intent:greet": ask, "count": slow, "boom": boom},
    states={"waiting": answer},
    actions={"again": ask},
    timeout=timedelta(minutes=5),
)


def engine(clock: FixedClock, store: Any = None) -> Engine[None]:
    return Engine(
        conversations=[GREETING],
        store=store or MemoryConversationStore(),
        identities=Everyone(),
        clock=clock,
        deps=None,
        translator_for=lambda language: Plain(),
        interpret=interpret,
        fallback=fallback,
    )


def text(message: str, user: str = "u1") -> InboundEvent:
    return InboundEvent.from_text(
        channel=Channel.WEBCHAT, chat_id=user, user_ref=user, text=message
    )


def test_action_payloads_round_trip_and_refuse_what_is_not_ours() -> None:
    action = Action("bk", "slot", "1795082400")

    assert Action.decode(action.encode()) == action
    with pytest.raises(InvalidAction):
        Action("bk", "slot", "x" * 80).encode()
    for payload in ("", "nocolon", ":verb:", "x" * 70):
        with pytest.raises(InvalidAction):
            Action.decode(payload)


def test_commands_are_parsed_the_same_for_every_channel() -> None:
    event = InboundEvent.from_text(
        channel=Channel.TELEGRAM, chat_id="1", user_ref="1", text="/link@SamiaBot  ABC123 "
    )

    assert (event.command, event.args) == ("link", "ABC123")


def test_a_forged_button_payload_becomes_text_not_a_crash() -> None:
    event = InboundEvent.from_action(
        channel=Channel.WEBCHAT, chat_id="1", user_ref="1", payload="not a payload"
    )

    assert event.kind == "text"


async def test_state_carries_the_conversation_to_its_next_step() -> None:
    bot = engine(FixedClock(NOW))

    assert (await bot.handle(text("hi")))[0].text == "What's your name?"
    assert (await bot.handle(text("Lina")))[0].text == "Hello Lina"
    assert (await bot.handle(text("Lina")))[0].text == "help (not_understood)"


async def test_an_abandoned_conversation_times_out() -> None:
    clock = FixedClock(NOW)
    bot = engine(clock)
    await bot.handle(text("hi"))
    clock.advance(timedelta(minutes=6))

    assert (await bot.handle(text("Lina")))[0].text == "help (not_understood)"


async def test_a_failing_step_answers_politely_and_keeps_the_state() -> None:
    store = MemoryConversationStore()
    bot = engine(FixedClock(NOW), store)
    await bot.handle(text("hi"))

    replies = await bot.handle(text("/boom"))

    assert "Nothing was changed" in replies[0].text
    assert (await store.load(text("x").conversation_key)).state == "waiting"  # type: ignore[union-attr]


async def test_events_of_one_chat_run_one_at_a_time_in_order() -> None:
    bot = engine(FixedClock(NOW))

    replies = await asyncio.gather(*(bot.handle(text("/count")) for _ in range(10)))

    assert sorted(r[0].text for r in replies) == sorted(f"count {i}" for i in range(1, 11))


async def test_a_stale_save_from_another_process_is_refused(database_url: str) -> None:
    db = create_async_db_engine(database_url)
    store = SqlConversationStore(db)
    first = StoredConversation(conversation="greet", state="waiting")
    await store.save("k", first, now=NOW)
    mine, theirs = await store.load("k"), await store.load("k")
    assert mine is not None
    assert theirs is not None

    await store.save("k", theirs, now=NOW)
    with pytest.raises(StaleConversation):
        await store.save("k", mine, now=NOW)
    with pytest.raises(StaleConversation):
        await store.save("k", StoredConversation(), now=NOW)
    await db.dispose()


async def test_two_processes_on_one_chat_never_both_win(database_url: str) -> None:
    db = create_async_db_engine(database_url)
    clock = FixedClock(NOW)
    first = engine(clock, SqlConversationStore(db))
    second = engine(clock, SqlConversationStore(db))

    replies = await asyncio.gather(first.handle(text("/count")), second.handle(text("/count")))

    texts = sorted(r[0].text for r in replies)
    assert texts in (
        ["count 1", "count 2"],
        ["Please wait a moment, I'm still working on your last message.", "count 1"],
    )
    await db.dispose()
