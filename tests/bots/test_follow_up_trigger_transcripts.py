"""The welcome and the last-session offer as the client's chat shows them, in English and
Arabic: the welcome's button opens the booking it follows; the offer's button starts
booking the package again."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest

from bots.engine import Reply
from bots.notices import Audience, render_notice
from domain.booking import service
from domain.booking.service import HoldRequest
from domain.crm.consent import record_consent
from domain.crm.follow_up_delivery import FollowUpSenders, send_follow_ups
from domain.enums import Channel, ConsentKind, PricingModel
from domain.models import Booking, Service
from domain.ports.notify import Notice, NoticeKind
from tests.bots.test_follow_up_transcripts import client_chat, language, plain
from tests.support.chat_harness import ChatWorld, chat_world
from tests.support.factories import make_reader, make_service
from tests.support.notifier import FakeNotifier

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)  # a Thursday
READING_AT = datetime(2026, 11, 27, 11, 0, tzinfo=UTC)

WORDS = {
    "en": {
        "welcome": "Welcome, Lina! Samia is looking forward to your first reading.",
        "prepare": "find a quiet place",
        "see": "See my booking",
        "shown": "Love reading with Samia",
        "reschedule": "Reschedule",
        "left": "Lina, you have one session left in your package with Samia.",
        "again": "Book this package",
        "which day": "Which day?",
    },
    "ar": {
        "welcome": "أهلًا بك يا Lina! يتطلع Samia إلى قراءتك الأولى.",
        "prepare": "اختر مكانًا هادئًا",
        "see": "عرض حجزي",
        "shown": "Love reading مع Samia",
        "reschedule": "تغيير الموعد",
        "left": "يا Lina، بقيت لك جلسة واحدة في باقتك مع Samia.",
        "again": "احجز هذه الباقة",
        "which day": "أيّ يوم؟",
    },
}


@pytest.fixture(params=["en", "ar"], ids=["english", "arabic"])
async def world(database_url: str, request: pytest.FixtureRequest) -> AsyncIterator[ChatWorld]:
    samia = make_reader(name="Samia", languages=[request.param], timezone="Europe/London")
    two = make_service(
        samia, name="Two readings", pricing_model=PricingModel.PACKAGE,
        package_sessions=2, price_minor=8000,
    )  # fmt: skip
    async with chat_world(database_url, NOW, [(samia, [make_service(samia), two])]) as built:
        yield built


async def booked(world: ChatWorld, client_id: UUID, svc: Service) -> Booking:
    request = HoldRequest(client_id, svc.id, READING_AT, "Europe/London", Channel.WEBCHAT)
    hold = await service.hold_slot(uow=world.database.uows(), clock=world.clock, request=request)
    return await service.confirm_booking(
        uow=world.database.uows(), clock=world.clock, hold_id=hold.id, client_id=client_id
    )


async def follow_ups_after(world: ChatWorld, wait: timedelta) -> dict[str, Notice]:
    """What the run-follow-ups flow sends once `wait` has passed, by sequence."""
    world.clock.advance(wait)
    notifier = FakeNotifier()
    await send_follow_ups(
        uows=world.database.uows, clock=world.clock, senders=FollowUpSenders(notifier)
    )
    return {s.notice.params["key"]: s.notice for s in notifier.of_kind(NoticeKind.FOLLOW_UP)}


async def shown(world: ChatWorld, notice: Notice) -> Reply:
    return await render_notice(
        uows=world.database.uows,
        notice=notice,
        audience=Audience(language(world), "Europe/London", is_client=True),
    )


async def test_the_welcome_opens_the_first_booking(world: ChatWorld) -> None:
    w = WORDS[language(world)]
    chat, client_id = await client_chat(world)
    await booked(world, client_id, world.services[0])
    reply = await shown(world, (await follow_ups_after(world, timedelta(minutes=5)))["welcome"])
    assert w["welcome"] in plain(reply.text)
    assert w["prepare"] in plain(reply.text)
    assert [c.label for c in reply.choices] == [w["see"]]
    await chat.press(reply.choices[0].action)
    assert w["shown"] in plain(chat.text())
    assert w["reschedule"] in chat.buttons()


async def test_the_last_session_offer_starts_booking_the_package_again(
    world: ChatWorld,
) -> None:
    w = WORDS[language(world)]
    chat, client_id = await client_chat(world)
    await record_consent(
        uow=world.database.uows(), clock=world.clock, client_id=client_id,
        purpose=ConsentKind.MARKETING, granted=True, source="test",
    )  # fmt: skip
    await booked(world, client_id, world.services[1])  # buys two, uses one
    sent = await follow_ups_after(world, timedelta(hours=1))
    assert sorted(sent) == ["package_low", "welcome"]
    reply = await shown(world, sent["package_low"])
    assert w["left"] in plain(reply.text)
    assert [c.label for c in reply.choices] == [w["again"]]
    await chat.press(reply.choices[0].action)
    assert w["which day"] in plain(chat.text())
