"""Client records and segments in chat, as transcripts in English and Arabic: a reader
notes a client and reads their history (the note only they see), picks among clients of
one name, lists segments with their counts, counts a new rule and saves it; a bad rule or
an unknown client gets a clear answer and saves nothing."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet

from bots.conversations.engine import build_engine
from bots.engine import MemoryConversationStore
from domain.crm.segment_rules import Condition, Field, Op
from domain.crm.segments import resolve_segment
from domain.enums import BookingStatus, Channel, PaymentStatus
from domain.identity import create_link_code
from domain.models import Reader
from storage import models
from storage.crypto import CredentialCipher
from storage.uow import SqlUnitOfWork
from tests.support.chat_harness import Chat, ChatWorld, chat_world
from tests.support.factories import make_booking, make_client, make_reader, make_service

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)
NOTE = "prefers evening, asks about career"

WORDS = {
    "en": {
        "note": f"note @maria {NOTE}",
        "note mona": "note @mona likes the moon cards",
        "empty note": "note @maria",
        "client": "client @maria",
        "client mona": "client @mona",
        "client nobody": "client @nobody",
        "saved": "Note saved for Maria Haddad. Topics: career.",
        "saved mona": "Note saved for Mona Saleh.",
        "title": "Client: Maria Haddad (maria@example.com)",
        "bookings": "Bookings: 5 (2 held, 1 cancelled, 1 no-show).",
        "sessions": "Sessions held: 2, 85 min in all.",
        "length": ": 55 min, ",
        "next": "Next: ",
        "paid": "Paid: £45.00 in 1 payments.",
        "ratings": "Ratings: 5.0 stars from 1.",
        "topics": "Topics: career.",
        "no notes": "You have no notes on this client yet.",
        "which": "Several of your clients are called mona. Which one?",
        "unknown": "None of your clients is called nobody.",
        "empty": "The note is empty.",
        "unavailable": "Private notes are not available on this hub.",
        "segments": "segments",
        "five stars": "• Five-star raters: 1 clients (rated = 5 stars)",
        "vip": "• VIP clients: 0 clients",
        "rule": "segment no booking in 60 days and at least 3 sessions",
        "counted": "no booking in the last 60 days and sessions >= 3: 1 clients now.",
        "save": "Save",
        "ask name": "What should this segment be called?",
        "saved segment": "Saved “Quiet regulars”: 1 clients now.",
        "listed": "• Quiet regulars: 1 clients",
        "bad rule": "segment clients who love tarot",
        "bad answer": "I could not read that rule, so nothing was saved.",
        "example": "For example: segment no booking in 60 days and sessions >= 3",
    },
    "ar": {
        "note": f"ملاحظة @maria {NOTE}",
        "note mona": "ملاحظة @mona تحب أوراق القمر",
        "empty note": "ملاحظة @maria",
        "client": "عميل @maria",
        "client mona": "عميل @mona",
        "client nobody": "عميل @nobody",
        "saved": "حُفظت الملاحظة عن Maria Haddad. المواضيع: العمل.",
        "saved mona": "حُفظت الملاحظة عن Mona Saleh.",
        "title": "العميل: Maria Haddad (maria@example.com)",
        "bookings": "الحجوزات: 5 (2 تمّت، 1 أُلغيت، 1 لم يحضر).",
        "sessions": "الجلسات المنعقدة: 2، بمجموع 85 دقيقة.",
        "length": ": 55 دقيقة، ",
        "next": "الحجز القادم: ",
        "paid": "المدفوع: ",
        "ratings": "التقييمات: 5.0 نجوم من 1 تقييم.",
        "topics": "المواضيع: العمل.",
        "no notes": "ليست لديك ملاحظات عن هذا العميل بعد.",
        "which": "لديك أكثر من عميل اسمه mona. أيّهم تقصد؟",
        "unknown": "لا أحد من عملائك اسمه nobody.",
        "empty": "الملاحظة فارغة.",
        "unavailable": "الملاحظات الخاصة غير متاحة على هذه المنصة.",
        "segments": "الشرائح",
        "five stars": "• من قيّموا بخمس نجوم: 1 من العملاء (التقييم = 5 نجوم)",
        "vip": "• كبار العملاء: 0 من العملاء",
        "rule": "شريحة لا حجز منذ 60 يوما و 3 جلسات على الأقل",
        "counted": "لا حجز في آخر 60 يومًا و الجلسات >= 3: 1 من العملاء الآن.",
        "save": "حفظ",
        "ask name": "ما الاسم الذي تريده لهذه الشريحة؟",
        "saved segment": "حُفظت «Quiet regulars»: 1 من العملاء الآن.",
        "listed": "• Quiet regulars: 1 من العملاء",
        "bad rule": "شريحة عملاء يحبون التاروت",
        "bad answer": "لم أفهم هذه القاعدة، فلم يُحفظ شيء.",
        "example": "مثلًا: شريحة لا حجز منذ 60 يوما و جلسات >= 3",
    },
}


@pytest.fixture(params=["en", "ar"], ids=["english", "arabic"])
async def world(database_url: str, request: pytest.FixtureRequest) -> AsyncIterator[ChatWorld]:
    language = request.param
    samia = make_reader(name="Samia", languages=[language], timezone="Europe/London")
    layla = make_reader(name="Layla", languages=[language], timezone="Europe/London")
    readers = [(samia, [make_service(samia)]), (layla, [make_service(layla)])]
    async with chat_world(database_url, NOW, readers) as built:
        await _clients(built)
        cipher = CredentialCipher([Fernet.generate_key()])
        deps = dataclasses.replace(built.deps, note_cipher=cipher)
        engine = build_engine(deps=deps, store=MemoryConversationStore())
        yield dataclasses.replace(built, deps=deps, engine=engine)


async def _clients(world: ChatWorld) -> None:
    """Maria: 2 held (55 and 30 min), 1 cancelled, 1 no-show, 1 ahead, paid once, 5 stars;
    Mona Ali, 3 held long ago (lapsed); Mona Saleh, 1 held. Maria also saw Layla."""
    reading, other = world.services
    maria = make_client(name="Maria Haddad", email="maria@example.com")
    ali = make_client(name="Mona Ali", email="mona.ali@example.com")
    saleh = make_client(name="Mona Saleh", email="mona.saleh@example.com")
    done, at = BookingStatus.COMPLETED, lambda days: NOW + days * DAY
    plan = [
        (reading, maria, at(-40), done), (reading, maria, at(-20), done),
        (reading, maria, at(-10), BookingStatus.CANCELLED),
        (reading, maria, at(-5), BookingStatus.NO_SHOW),
        (reading, maria, at(3), BookingStatus.CONFIRMED),
        *[(reading, ali, at(-d), done) for d in (120, 100, 90)],
        (reading, saleh, at(-30), done), (other, maria, at(-15), done),
    ]  # fmt: skip
    bookings = [make_booking(s, c, when, status=st) for s, c, when, st in plan]
    async with world.database.uows() as uow:
        assert isinstance(uow, SqlUnitOfWork)
        for client in (maria, ali, saleh):
            await uow.clients.add(client)
        for booking in bookings:
            await uow.bookings.add(booking)
        await uow.commit()
    first, second = bookings[0], bookings[1]
    async with world.database.uows() as uow:
        assert isinstance(uow, SqlUnitOfWork)
        for booking, seconds in ((first, 3300), (second, 1800)):
            uow.session.add(
                models.ReadingSession(
                    id=uuid.uuid4(), booking_id=booking.id, medium=booking.service_kind,
                    started_at=booking.starts_at, duration_seconds=seconds,
                )
            )  # fmt: skip
        uow.session.add(
            models.Rating(
                id=uuid.uuid4(), booking_id=first.id, reader_id=first.reader_id,
                client_id=maria.id, stars=5, created_at=NOW - DAY,
            )
        )  # fmt: skip
        uow.session.add(
            models.Payment(
                id=uuid.uuid4(), booking_id=first.id, reader_id=first.reader_id,
                client_id=maria.id, amount_minor=4500, currency="GBP",
                settlement_amount_minor=4500, settlement_currency="GBP",
                provider="manual", status=PaymentStatus.SUCCEEDED, created_at=NOW - DAY,
            )
        )  # fmt: skip
        await uow.commit()


def plain(chat: Chat) -> str:
    """The last replies without the bidi isolates Arabic wraps placeholders in."""
    return chat.text().replace("\u2068", "").replace("\u2069", "")


def words(world: ChatWorld) -> dict[str, str]:
    return WORDS[world.readers[0].languages[0]]


async def reader_chat(world: ChatWorld, reader: Reader | None = None, user: str = "U1") -> Chat:
    """A reader's linked Slack chat (Samia unless another is named)."""
    who = reader or world.readers[0]
    code = await create_link_code(uow=world.database.uows(), clock=world.clock, reader_id=who.id)
    chat = world.chat(channel=Channel.SLACK, user=user, locale=who.languages[0])
    await chat.say(f"/link {code}")
    return chat


async def stored_notes(world: ChatWorld) -> list[str]:
    async with world.database.uows(read_only=True) as uow:
        assert isinstance(uow, SqlUnitOfWork)
        rows = await uow.session.execute(sa.select(models.ClientNote.body_encrypted))
        return [row[0] for row in rows]


async def test_reader_notes_a_client_and_reads_the_history_with_it(world: ChatWorld) -> None:
    chat, w = await reader_chat(world), words(world)
    await chat.say(w["note"])
    assert w["saved"] in plain(chat)
    await chat.say(w["client"])
    text = plain(chat)
    for key in ("title", "bookings", "sessions", "length", "next", "paid", "ratings", "topics"):
        assert w[key] in text, key
    assert NOTE in text


async def test_the_note_is_stored_sealed_not_as_its_words(world: ChatWorld) -> None:
    chat, w = await reader_chat(world), words(world)
    await chat.say(w["note"])
    (body,) = await stored_notes(world)
    assert NOTE not in body
    assert "evening" not in body
    assert world.deps.note_cipher is not None
    assert world.deps.note_cipher.decrypt(body.encode()).decode() == NOTE


async def test_another_reader_does_not_see_the_note(world: ChatWorld) -> None:
    samia, w = await reader_chat(world), words(world)
    await samia.say(w["note"])
    layla = await reader_chat(world, world.readers[1], user="U2")
    await layla.say(w["client"])
    text = plain(layla)
    assert w["title"] in text
    assert NOTE not in text
    assert w["no notes"] in text


async def test_a_name_several_clients_share_is_answered_with_buttons(world: ChatWorld) -> None:
    chat, w = await reader_chat(world), words(world)
    await chat.say(w["client mona"])
    assert w["which"] in plain(chat)
    assert chat.buttons() == [
        "Mona Ali (mona.ali@example.com)",
        "Mona Saleh (mona.saleh@example.com)",
    ]
    await chat.tap("Mona Saleh")
    assert "Mona Saleh (mona.saleh@example.com)" in plain(chat)
    await chat.say(w["note mona"])
    await chat.tap("Mona Saleh")
    assert w["saved mona"] in plain(chat)
    assert len(await stored_notes(world)) == 1


async def test_an_unknown_client_or_an_empty_note_is_answered_and_nothing_saved(
    world: ChatWorld,
) -> None:
    chat, w = await reader_chat(world), words(world)
    await chat.say(w["client nobody"])
    assert w["unknown"] in plain(chat)
    await chat.say(w["note"].replace("@maria", "@nobody"))
    assert w["unknown"] in plain(chat)
    await chat.say(w["empty note"])
    assert w["empty"] in plain(chat)
    assert await stored_notes(world) == []


async def test_without_a_cipher_notes_are_not_available(world: ChatWorld) -> None:
    deps = dataclasses.replace(world.deps, note_cipher=None)
    bare = dataclasses.replace(
        world, deps=deps, engine=build_engine(deps=deps, store=MemoryConversationStore())
    )
    chat, w = await reader_chat(bare), words(world)
    await chat.say(w["note"])
    assert w["unavailable"] in plain(chat)
    await chat.say(w["client"])
    assert w["title"] in plain(chat)
    assert await stored_notes(world) == []


async def test_clients_in_the_plural_is_still_the_figure(world: ChatWorld) -> None:
    chat = await reader_chat(world)
    await chat.say("clients")
    assert "2026-12" in plain(chat)  # the stats figure for this month, not a client record
    assert "Client:" not in plain(chat)
    assert "العميل:" not in plain(chat)


async def test_segments_lists_each_with_its_count(world: ChatWorld) -> None:
    chat, w = await reader_chat(world), words(world)
    await chat.say(w["segments"])
    text = plain(chat)
    assert w["five stars"] in text
    assert w["vip"] in text


async def test_a_new_rule_is_counted_then_saved_under_a_name(world: ChatWorld) -> None:
    chat, w = await reader_chat(world), words(world)
    await chat.say(w["rule"])
    assert w["counted"] in plain(chat)
    await chat.tap(w["save"])
    assert w["ask name"] in plain(chat)
    await chat.say("Quiet regulars")
    assert w["saved segment"] in plain(chat)
    found = await resolve_segment(
        uow=world.database.uows(), reader_id=world.readers[0].id, name="quiet regulars"
    )
    assert found is not None
    assert Condition(Field.SESSIONS, Op.GE, 3) in getattr(found.rule, "parts", ())
    await chat.say(w["segments"])
    assert w["listed"] in plain(chat)


async def test_a_rule_that_does_not_parse_saves_nothing(world: ChatWorld) -> None:
    chat, w = await reader_chat(world), words(world)
    await chat.say(w["bad rule"])
    assert w["bad answer"] in plain(chat)
    assert w["example"] in plain(chat)
    assert chat.buttons() == []
    async with world.database.uows(read_only=True) as uow:
        assert await uow.segments.list(reader_id=world.readers[0].id) == []
