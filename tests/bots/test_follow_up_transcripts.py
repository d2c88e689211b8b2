"""Follow-ups in chat, as transcripts in English and Arabic: the thank-you message's stars
record a rating once and ask for words; a forged booking records nothing; a reader lists
their sequences and switches one off."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest
import sqlalchemy as sa

from bots.notices import Audience, render_notice
from domain.crm import sequences
from domain.enums import BookingStatus
from domain.ports.notify import Notice, NoticeKind
from storage.models import ChannelIdentity, Rating
from tests.bots.test_reader_transcripts import linked_reader
from tests.support.chat_harness import Chat, ChatWorld, chat_world
from tests.support.factories import make_booking, make_client, make_reader, make_service, seed

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)

WORDS = {
    "en": {
        "hello": "hello",
        "thanks": "Thank you for your reading with Samia, Lina.",
        "recorded": "★★★★★ recorded",
        "comment": "Lovely reading",
        "comment thanks": "your words will reach your reader",
        "already": "You already rated this reading",
        "unknown": "I can't find that reading among yours",
        "not yet": "once it is completed",
        "skip": "Skip",
        "skipped": "Thank you for rating",
        "follow-ups": "follow-ups",
        "listed": "Your follow-ups",
        "win back": "We miss you, after 60 quiet days",
        "off": "is off",
        "on": "is on",
    },
    "ar": {
        "hello": "مرحبا",
        "thanks": "شكرًا لك على قراءتك مع Samia يا Lina.",
        "recorded": "سُجّل تقييمك ★★★★★",
        "comment": "قراءة رائعة",
        "comment thanks": "ستصل كلماتك إلى قارئك",
        "already": "لقد قيّمت هذه القراءة من قبل",
        "unknown": "لا أجد هذه القراءة ضمن قراءاتك",
        "not yet": "بعد اكتمالها",
        "skip": "تخطٍّ",
        "skipped": "شكرًا لك على التقييم",
        "follow-ups": "المتابعات",
        "listed": "رسائل المتابعة لديك",
        "win back": "اشتقنا إليك، بعد 60 يومًا دون حجز",
        "off": "موقوفة",
        "on": "مُفعّلة",
    },
}


@pytest.fixture(params=["en", "ar"], ids=["english", "arabic"])
async def world(database_url: str, request: pytest.FixtureRequest) -> AsyncIterator[ChatWorld]:
    samia = make_reader(name="Samia", languages=[request.param], timezone="Europe/London")
    async with chat_world(database_url, NOW, [(samia, [make_service(samia)])]) as built:
        yield built


def language(world: ChatWorld) -> str:
    return world.readers[0].languages[0]


def plain(text: str) -> str:
    """Without the bidi isolates Arabic wraps placeholders in."""
    return text.replace("\u2068", "").replace("\u2069", "")


async def client_chat(world: ChatWorld) -> tuple[Chat, UUID]:
    chat = world.chat(locale=language(world))
    await chat.say(WORDS[language(world)]["hello"])
    async with world.database.uows(read_only=True) as uow:
        client_id = await uow.session.scalar(
            sa.select(ChannelIdentity.client_id).where(
                ChannelIdentity.external_user_id == chat.user
            )
        )
    assert client_id is not None
    async with world.database.uows() as uow:
        client = await uow.clients.get(client_id)
        assert client is not None
        client.name = "Lina"
        await uow.clients.save(client)
        await uow.commit()
    return chat, client_id


async def finished_reading(
    world: ChatWorld, client_id: UUID, status: BookingStatus = BookingStatus.COMPLETED
) -> UUID:
    owner = make_client(id=client_id)
    booking = make_booking(world.services[0], owner, NOW - timedelta(days=1), status=status)
    await seed(world.database.uows, booking)
    return booking.id


async def thank_you(world: ChatWorld, booking_id: UUID) -> list[str]:
    """The thank-you step as the client's chat shows it; returns its star buttons' payloads."""
    params = {
        "key": "thank_you", "template": "thank_you", "button": "rate", "client": "Lina",
        "reader": "Samia", "reader_id": str(world.readers[0].id), "booking_id": str(booking_id),
    }  # fmt: skip
    reply = await render_notice(
        uows=world.database.uows,
        notice=Notice(NoticeKind.FOLLOW_UP, params, booking_id=booking_id),
        audience=Audience(language(world), "Europe/London", is_client=True),
    )
    assert WORDS[language(world)]["thanks"] in plain(reply.text)
    assert [c.label for c in reply.choices] == ["★" * n for n in range(1, 6)]
    return [c.action for c in reply.choices]


async def ratings(world: ChatWorld) -> list[tuple[int, str | None]]:
    async with world.database.uows(read_only=True) as uow:
        rows = await uow.session.execute(sa.select(Rating.stars, Rating.feedback))
        return [(stars, feedback) for stars, feedback in rows]


async def test_five_stars_are_recorded_once_with_the_clients_words(world: ChatWorld) -> None:
    w = WORDS[language(world)]
    chat, client_id = await client_chat(world)
    stars = await thank_you(world, await finished_reading(world, client_id))
    await chat.press(stars[4])
    assert w["recorded"] in plain(chat.text())
    await chat.say(w["comment"])
    assert w["comment thanks"] in plain(chat.text())
    await chat.press(stars[1])  # a second tap, another star
    assert w["already"] in plain(chat.text())
    assert await ratings(world) == [(5, w["comment"])]


async def test_stars_without_words_end_at_skip(world: ChatWorld) -> None:
    w = WORDS[language(world)]
    chat, client_id = await client_chat(world)
    stars = await thank_you(world, await finished_reading(world, client_id))
    await chat.press(stars[2])
    await chat.tap(w["skip"])
    assert w["skipped"] in plain(chat.text())
    assert await ratings(world) == [(3, None)]


async def test_a_forged_or_foreign_booking_records_nothing(world: ChatWorld) -> None:
    w = WORDS[language(world)]
    chat, _ = await client_chat(world)
    stranger = make_client()
    await seed(world.database.uows, stranger)
    theirs = await finished_reading(world, stranger.id)
    await chat.press(f"rt:s:{theirs}.5")
    assert w["unknown"] in plain(chat.text())
    await chat.press("rt:s:not-a-booking.5")
    assert w["unknown"] in plain(chat.text())
    await chat.press(f"rt:s:{theirs}.9")
    assert w["unknown"] in plain(chat.text())
    assert await ratings(world) == []


async def test_a_reading_not_completed_cannot_be_rated_yet(world: ChatWorld) -> None:
    w = WORDS[language(world)]
    chat, client_id = await client_chat(world)
    booking = await finished_reading(world, client_id, BookingStatus.NO_SHOW)
    await chat.press(f"rt:s:{booking}.4")
    assert w["not yet"] in plain(chat.text())
    assert await ratings(world) == []


async def test_a_reader_switches_win_back_off_and_on(world: ChatWorld) -> None:
    w = WORDS[language(world)]
    chat = await linked_reader(world, locale=language(world))
    await chat.say(w["follow-ups"])
    assert w["listed"] in plain(chat.text())
    assert len(chat.buttons()) == 6
    await chat.tap(w["win back"])
    assert w["off"] in plain(chat.text())
    states = await sequences.reader_sequences(
        uow=world.database.uows(), reader_id=world.readers[0].id
    )
    assert {s.key: s.active for s in states} == {
        "thank_you": True, "no_show": True, "win_back": False, "birthday": True,
        "welcome": True, "package_low": True,
    }  # fmt: skip
    await chat.tap(w["win back"])
    assert w["on"] in plain(chat.text())


async def test_a_client_cannot_switch_a_readers_follow_ups(world: ChatWorld) -> None:
    chat, _ = await client_chat(world)
    await chat.press("fu:sw:win_back.0")
    states = await sequences.reader_sequences(
        uow=world.database.uows(), reader_id=world.readers[0].id
    )
    assert all(s.active for s in states)
