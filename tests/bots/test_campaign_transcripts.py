"""Campaigns in chat, as transcripts in English and Arabic: a reader picks a segment,
writes the message, previews it and sends it now or schedules it; lists and cancels;
and every bad input gets a clear answer and sends nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from bots.notices import Audience, render_notice
from domain.crm.campaign_delivery import run_campaigns
from domain.enums import CampaignStatus
from domain.ports.notify import Notice, NoticeKind
from tests.bots.test_reader_transcripts import linked_reader
from tests.support.campaign_world import EVERYONE, NOBODY, add_clients
from tests.support.chat_harness import Chat, ChatWorld, chat_world
from tests.support.factories import make_reader, make_service
from tests.support.notifier import FakeNotifier

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)  # Thursday

WORDS = {
    "en": {
        "campaign": "campaign",
        "campaigns": "campaigns",
        "cancel": "cancel campaign 1",
        "no code": "No code",
        "now": "Send now",
        "schedule": "Schedule",
        "friday": "Friday 18:00",
        "past": "today 08:00",
        "nonsense": "whenever you like",
        "preview": "goes to 3 clients: 3 telegram",
        "sending": "Sending now to 3 clients",
        "scheduled": "Scheduled for 2026-11-27 18:00",
        "unknown": "I don't know the segment",
        "too long": "telegram takes at most 4096",
        "nobody": "Nobody in that segment has agreed",
        "past answer": "already passed",
        "bad time": "could not read that time",
        "cancelled": "Campaign 1 is cancelled: 3 messages",
        "listed": "1. everyone: cancelled, 0 sent",
    },
    "ar": {
        "campaign": "حملة",
        "campaigns": "الحملات",
        "cancel": "إلغاء الحملة ١",
        "no code": "بدون رمز",
        "now": "أرسل الآن",
        "schedule": "جدولة",
        "friday": "الجمعة 18:00",
        "past": "اليوم 08:00",
        "nonsense": "متى شئت",
        "preview": "إلى 3 من العملاء: 3 telegram",
        "sending": "جارٍ الإرسال الآن إلى 3",
        "scheduled": "جُدولت في 2026-11-27 18:00",
        "unknown": "لا أعرف الشريحة",
        "too long": "telegram يقبل 4096",
        "nobody": "لم يوافق أحد في هذه الشريحة",
        "past answer": "هذا الوقت قد مضى",
        "bad time": "لم أفهم هذا الوقت",
        "cancelled": "أُلغيت الحملة 1: لن تُرسل 3",
        "listed": "1. everyone: ملغاة، أُرسلت 0",
    },
}


@pytest.fixture(params=["en", "ar"], ids=["english", "arabic"])
async def world(database_url: str, request: pytest.FixtureRequest) -> AsyncIterator[ChatWorld]:
    samia = make_reader(name="Samia", languages=[request.param], timezone="Europe/London")
    async with chat_world(database_url, NOW, [(samia, [make_service(samia)])]) as built:
        await add_clients(built.database, built.clock, built.readers[0], telegram=3)
        yield built


def plain(chat: Chat) -> str:
    """The last replies without the bidi isolates Arabic wraps placeholders in."""
    return chat.text().replace("\u2068", "").replace("\u2069", "")


def words(world: ChatWorld) -> dict[str, str]:
    return WORDS[world.readers[0].languages[0]]


async def reader_chat(world: ChatWorld) -> Chat:
    return await linked_reader(world, locale=world.readers[0].languages[0])


async def write_campaign(chat: Chat, w: dict[str, str], body: str = "New moon readings") -> None:
    await chat.say(w["campaign"])
    await chat.say(EVERYONE)
    await chat.say(body)
    await chat.tap(w["no code"])


async def sent(world: ChatWorld) -> FakeNotifier:
    notifier = FakeNotifier()
    await run_campaigns(
        uows=world.database.uows, clock=world.clock, notifier=notifier, audience=None
    )
    return notifier


async def statuses(world: ChatWorld) -> list[CampaignStatus]:
    async with world.database.uows(read_only=True) as uow:
        return [c.status for c in await uow.campaigns.recent(world.readers[0].id, 10)]


async def test_reader_sends_a_campaign_now_and_each_client_gets_it(world: ChatWorld) -> None:
    chat, w = await reader_chat(world), words(world)
    await write_campaign(chat, w)
    assert w["preview"] in plain(chat)
    await chat.tap(w["now"])
    assert w["sending"] in plain(chat)
    notifier = await sent(world)
    assert len(notifier.of_kind(NoticeKind.CAMPAIGN)) == 3
    assert notifier.of_kind(NoticeKind.CAMPAIGN)[0].notice.params["body"] == "New moon readings"


async def test_reader_schedules_for_friday_evening_then_cancels(world: ChatWorld) -> None:
    chat, w = await reader_chat(world), words(world)
    await write_campaign(chat, w)
    await chat.tap(w["schedule"])
    await chat.say(w["friday"])
    assert w["scheduled"] in plain(chat)
    assert (await sent(world)).sent == []  # Friday has not come yet
    await chat.say(w["cancel"])
    assert w["cancelled"] in plain(chat)
    await chat.say(w["campaigns"])
    assert w["listed"] in plain(chat)
    world.clock.set(datetime(2026, 11, 28, tzinfo=UTC))
    assert (await sent(world)).sent == []


async def test_a_past_or_unreadable_time_is_refused_and_nothing_is_scheduled(
    world: ChatWorld,
) -> None:
    chat, w = await reader_chat(world), words(world)
    await write_campaign(chat, w)
    await chat.tap(w["schedule"])
    await chat.say(w["past"])
    assert w["past answer"] in plain(chat)
    await chat.say(w["nonsense"])
    assert w["bad time"] in plain(chat)
    assert await statuses(world) == [CampaignStatus.DRAFT]


async def test_an_unknown_segment_is_asked_again(world: ChatWorld) -> None:
    chat, w = await reader_chat(world), words(world)
    await chat.say(w["campaign"])
    await chat.say("clients who love ???")
    assert w["unknown"] in plain(chat)
    assert await statuses(world) == []


async def test_a_message_too_long_for_telegram_is_refused(world: ChatWorld) -> None:
    chat, w = await reader_chat(world), words(world)
    await write_campaign(chat, w, body="x" * 4097)
    assert w["too long"] in plain(chat)
    assert (await sent(world)).sent == []


async def test_a_segment_with_nobody_consenting_is_refused(world: ChatWorld) -> None:
    chat, w = await reader_chat(world), words(world)
    await chat.say(w["campaign"])
    await chat.tap(NOBODY)
    await chat.say("hello")
    await chat.tap(w["no code"])
    assert w["nobody"] in plain(chat)
    assert (await sent(world)).sent == []


async def test_the_client_reads_the_campaign_with_its_code_and_a_booking_button(
    world: ChatWorld,
) -> None:
    language = world.readers[0].languages[0]
    params = {
        "body": "New moon readings",
        "offer_code": "MOON20",
        "booking_button": "1",
        "reader_id": str(world.readers[0].id),
    }
    reply = await render_notice(
        uows=world.database.uows,
        notice=Notice(NoticeKind.CAMPAIGN, params),
        audience=Audience(language, "UTC", True),
    )
    text = reply.text.replace("\u2068", "").replace("\u2069", "")
    code_line = "Use code MOON20 when you book." if language == "en" else "استخدم الرمز MOON20"
    assert text.startswith("New moon readings\n")
    assert code_line in text
    (button,) = reply.choices
    assert button.label == ("Book a reading" if language == "en" else "احجز قراءة")
