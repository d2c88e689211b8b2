"""Points and referrals in chat, as transcripts, in English and Arabic."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import pytest

from domain.enums import BookingStatus, Channel, LoyaltyKind, ReferralStatus
from domain.ports.loyalty import PointsEntry
from tests.support.chat_harness import Chat, ChatWorld, chat_world
from tests.support.factories import make_booking, make_reader, make_service

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)  # Thursday


@pytest.fixture
async def world(database_url: str) -> AsyncIterator[ChatWorld]:
    samia = make_reader(name="Samia", booking_slug="samia", minimum_notice_minutes=0)
    reading = make_service(samia, price_minor=4000, currency="GBP")
    async with chat_world(database_url, NOW, [(samia, [reading])]) as world:
        # As hub/runtime.py sets it from SAMIA_TELEGRAM_BOT_USERNAME (the deps are frozen).
        object.__setattr__(world.deps, "telegram_bot", "SamiaBot")
        yield world


async def client_of(world: ChatWorld, chat: Chat) -> UUID:
    async with world.database.uows() as uow:
        found = await uow.identities.find(chat.channel, "", chat.user)
    assert found is not None
    assert found.client_id is not None
    return found.client_id


async def give_points(world: ChatWorld, client_id: UUID, points: int) -> None:
    async with world.database.uows() as uow:
        await uow.loyalty.add(
            PointsEntry(
                id=uuid4(),
                client_id=client_id,
                reader_id=world.readers[0].id,
                kind=LoyaltyKind.EARNED,
                points=points,
                idempotency_key=f"test:{uuid4()}",
                created_at=NOW,
                expires_at=NOW.replace(year=2027),
            )
        )
        await uow.commit()


async def upcoming_reading(world: ChatWorld, client_id: UUID) -> None:
    async with world.database.uows() as uow:
        client = await uow.clients.get(client_id)
        assert client is not None
        booking = make_booking(world.services[0], client, NOW + timedelta(days=1, hours=2))
        await uow.bookings.add(booking)
        await uow.commit()


async def test_client_sees_points_and_spends_them_on_the_next_reading(world: ChatWorld) -> None:
    chat = world.chat(user="web-lina", display_name="Lina")
    await chat.say("hello")
    client = await client_of(world, chat)

    await chat.say("points")
    assert "no points yet" in chat.text()
    assert "Invite a friend" in chat.buttons()

    await give_points(world, client, 250)
    await chat.say("my points")
    assert "Samia: 250 points (worth £2.50)" in chat.text()
    assert "250 of them expire on Fri 26 Nov 2027" in chat.text()
    assert "redeem" in chat.text()

    await chat.tap("Use my points")
    assert "no upcoming reading" in chat.text()

    await upcoming_reading(world, client)
    await chat.say("redeem")
    assert "250 points took £2.50 off your reading on Fri 27 Nov" in chat.text()
    assert "You now pay £37.50" in chat.text()
    await chat.say("points")
    assert "no points yet" in chat.text()


async def test_client_gets_their_invitation_links(world: ChatWorld) -> None:
    chat = world.chat(user="web-omar", display_name="Omar")
    await chat.say("hello")
    me_id = await client_of(world, chat)  # its own unit of work: they do not nest
    async with world.database.uows(read_only=True) as uow:
        me = await uow.clients.get(me_id)
    assert me is not None
    await chat.say("invite a friend")
    assert f"your code {me.referral_code}" in chat.text()
    assert f"http://127.0.0.1:8000/r/samia?ref={me.referral_code}" in chat.text()
    assert f"https://t.me/SamiaBot?start=ref_{me.referral_code}" in chat.text()


async def test_a_friend_arrives_by_the_telegram_link_and_bad_codes_are_refused(
    world: ChatWorld,
) -> None:
    host = world.chat(user="web-host", display_name="Maya")
    await host.say("hello")
    host_id = await client_of(world, host)
    async with world.database.uows() as uow:
        host_client = await uow.clients.get(host_id)
    assert host_client is not None
    code = host_client.referral_code

    await host.say(f"/start ref_{code}")
    assert "your own invitation code" in host.text()

    friend = world.chat(channel=Channel.TELEGRAM, user="tg-friend", display_name="Nour")
    await friend.say("/start ref_NOSUCH99")
    assert "not known. Nothing was changed." in friend.text()
    assert "Welcome to Samia" in friend.text()
    await friend.say(f"/start ref_{code.lower()}")
    assert "You were invited by a friend" in friend.text()
    await friend.say(f"/start ref_{code}")
    assert "already invited" in friend.text()
    friend_id = await client_of(world, friend)

    async with world.database.uows() as uow:
        friend_client = await uow.clients.get(friend_id)
        referral = await uow.loyalty.referral_of(friend_id)
    assert friend_client is not None
    assert referral is not None
    assert (referral.referrer_id, referral.status) == (host_id, ReferralStatus.PENDING)
    await host.say(f"/start ref_{friend_client.referral_code}")  # a loop
    assert "someone you invited" in host.text()
    async with world.database.uows() as uow:
        assert await uow.loyalty.referred_by(host_id) is None
        assert await uow.loyalty.referral_count(host_id) == (1, 0)


async def test_arabic_client_sees_points_and_redeems_in_arabic(world: ChatWorld) -> None:
    chat = world.chat(channel=Channel.TELEGRAM, user="tg-ar", locale="ar", display_name="ليلى")
    await chat.say("مرحبا")
    client = await client_of(world, chat)
    await chat.say("نقاطي")
    assert "ليس لديك نقاط بعد" in chat.text()

    await give_points(world, client, 600)
    await chat.say("نقاطي")
    assert "600 نقطة" in chat.text()
    assert "قراءة مجانية" in chat.text()
    await upcoming_reading(world, client)
    await chat.say("استخدم نقاطي")
    assert "500 نقطة" in chat.text()
    assert "مجانية" in chat.text()
    async with world.database.uows() as uow:
        [booking] = await uow.bookings.for_client(client, statuses=[BookingStatus.CONFIRMED])
    assert booking.price_minor == 0


async def test_arabic_client_invites_and_a_friend_is_refused_in_arabic(world: ChatWorld) -> None:
    chat = world.chat(channel=Channel.TELEGRAM, user="tg-ar2", locale="ar", display_name="نور")
    await chat.say("مرحبا")
    await chat.say("ادع صديقا")
    assert "رمز" in chat.text()
    assert "https://t.me/SamiaBot?start=ref_" in chat.text()
    await chat.say("/start ref_ZZZZ9999")
    assert "غير معروف" in chat.text()
