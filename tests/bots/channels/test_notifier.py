"""Notices outside a conversation: the person's language, the best usable channel, Meta's
24-hour window, and the web chat inbox."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

from bots.notifier import OutboundNotifier
from domain.booking import service
from domain.booking.service import HoldRequest
from domain.channels import WAITING_FOR_WINDOW
from domain.enums import Channel, OutboxStatus
from domain.models import Booking
from domain.ports.notify import Notice, NoticeKind
from tests.bots.channels.conftest import Hub
from tests.bots.channels.drivers import MetaDriver, TelegramDriver, WebDriver
from tests.support.factories import make_reader, seed, unique

FRIDAY_11 = datetime(2026, 11, 27, 11, 0, tzinfo=UTC)


async def client_of(hub: Hub, channel: Channel, workspace: str, user: str) -> UUID:
    async with hub.runtime.database.uows() as uow:
        identity = await uow.identities.find(channel, workspace, user)
    assert identity is not None
    assert identity.client_id is not None
    return identity.client_id


async def confirmed_booking(hub: Hub, client_id: UUID) -> Booking:
    uow = hub.runtime.database.uows
    hold = await service.hold_slot(
        uow=uow(),
        clock=hub.clock,
        request=HoldRequest(client_id, hub.services[0].id, FRIDAY_11, "UTC", Channel.MESSENGER),
    )
    return await service.confirm_booking(
        uow=uow(), clock=hub.clock, hold_id=hold.id, client_id=client_id
    )


def notifier(hub: Hub) -> OutboundNotifier:
    assert hub.channels.notifier is not None
    return hub.channels.notifier


async def test_a_confirmation_goes_to_the_clients_chat_once_per_key(hub: Hub) -> None:
    chat = TelegramDriver(hub, chat_id=3003)
    await chat.say("hello")
    client_id = await client_of(hub, Channel.TELEGRAM, "", "3003")
    booking = await confirmed_booking(hub, client_id)
    notice = Notice(
        NoticeKind.BOOKING_CONFIRMED,
        {"meeting_url": "https://meet.example/r/1"},
        booking_id=booking.id,
    )

    first = await notifier(hub).notify_client(
        client_id=client_id, notice=notice, idempotency_key=f"confirmed:{booking.id}"
    )
    again = await notifier(hub).notify_client(
        client_id=client_id, notice=notice, idempotency_key=f"confirmed:{booking.id}"
    )

    assert (first.delivered, first.channel, first.duplicate) == (True, Channel.TELEGRAM, False)
    assert (again.delivered, again.duplicate) == (True, True)
    [message] = [m for m in hub.tg.sent(3003) if m["text"].startswith("Booked!")]
    assert f"Booking reference {booking.reference}" in message["text"]
    assert "Your session link: https://meet.example/r/1" in message["text"]
    assert message["reply_markup"]["inline_keyboard"][0][0] == {
        "text": "My bookings",
        "callback_data": "my:list:",
    }


async def test_notices_are_written_in_the_clients_language(hub: Hub) -> None:
    chat = MetaDriver(hub, user="6900000000000311")
    await chat.say("hello")
    client_id = await client_of(hub, Channel.MESSENGER, hub.meta.page_id, chat.user)
    booking = await confirmed_booking(hub, client_id)
    async with hub.runtime.database.uows() as uow:
        client = await uow.clients.get(client_id)
        assert client is not None
        client.language = "ar"
        await uow.clients.save(client)
        await uow.commit()

    await notifier(hub).notify_client(
        client_id=client_id,
        idempotency_key="ar-reminder",
        notice=Notice(NoticeKind.REMINDER, booking_id=booking.id),
    )

    text = hub.meta.sent(chat.user)[-1]["message"]["attachment"]["payload"]["text"]
    assert "Reminder" not in text
    assert any("\u0600" <= ch <= "\u06ff" for ch in text)


async def test_outside_the_window_messenger_sends_a_tagged_booking_update(hub: Hub) -> None:
    chat = MetaDriver(hub, user="6900000000000401")
    await chat.say("hello")
    client_id = await client_of(hub, Channel.MESSENGER, hub.meta.page_id, chat.user)
    booking = await confirmed_booking(hub, client_id)
    hub.clock.advance(timedelta(hours=25))

    report = await notifier(hub).notify_client(
        client_id=client_id,
        idempotency_key="reminder-24h",
        notice=Notice(NoticeKind.REMINDER, booking_id=booking.id),
    )
    other = await notifier(hub).notify_client(
        client_id=client_id,
        idempotency_key="not-a-booking-update",
        notice=Notice(NoticeKind.RECONNECT_ACCOUNT, {"provider": "Zoom"}),
    )

    assert (report.delivered, report.channel) == (True, Channel.MESSENGER)
    sent = hub.meta.sent(chat.user)[-1]
    assert (sent["messaging_type"], sent["tag"]) == ("MESSAGE_TAG", "CONFIRMED_EVENT_UPDATE")
    assert (other.delivered, other.waiting) == (False, True), "tags are only for booking updates"


async def test_outside_the_window_instagram_never_sends_and_another_channel_is_used(
    hub: Hub,
) -> None:
    instagram = MetaDriver(hub, instagram=True, user="17840000000000501", name="instagram")
    await instagram.say("hello")
    client_id = await client_of(hub, Channel.INSTAGRAM, hub.meta.ig_account_id, instagram.user)
    booking = await confirmed_booking(hub, client_id)
    hub.clock.advance(timedelta(hours=25))
    sent_before = len(hub.meta.sent(instagram.user))

    waiting = await notifier(hub).notify_client(
        client_id=client_id,
        idempotency_key="cancelled-1",
        notice=Notice(NoticeKind.BOOKING_CANCELLED, booking_id=booking.id),
    )

    assert (waiting.delivered, waiting.waiting) == (False, True)
    assert len(hub.meta.sent(instagram.user)) == sent_before
    async with hub.runtime.database.uows() as uow:
        row = await uow.outbox.get_by_key("notice:cancelled-1")
    assert row is not None
    assert (row.status, row.last_error) == (OutboxStatus.FAILED, WAITING_FOR_WINDOW)

    # The same client also uses Telegram (less recently): the next notice goes there.
    async with hub.runtime.database.uows() as uow:
        ig = await uow.identities.find(Channel.INSTAGRAM, hub.meta.ig_account_id, instagram.user)
        assert ig is not None
        await uow.identities.add(
            replace(
                ig,
                id=uuid4(),
                channel=Channel.TELEGRAM,
                workspace="",
                external_user_id=unique("tg"),
                chat_id="5115",
                last_inbound_at=hub.clock.now() - timedelta(days=3),
            )
        )
        await uow.commit()
    moved = await notifier(hub).notify_client(
        client_id=client_id,
        idempotency_key="moved-1",
        notice=Notice(NoticeKind.BOOKING_RESCHEDULED, booking_id=booking.id),
    )
    assert (moved.delivered, moved.channel) == (True, Channel.TELEGRAM)
    assert hub.tg.sent(5115)[-1]["text"].startswith("Moved to")

    # Once the client writes on Instagram again, the next sweep sends the waiting notice there.
    hub.runtime.deps.actors.clear()  # the engine caches who is talking for seconds, not hours
    await instagram.say("hi again")
    hub.clock.advance(timedelta(minutes=11))
    assert await notifier(hub).redeliver_waiting() >= 1
    texts = [s["message"].get("text", "") for s in hub.meta.sent(instagram.user)]
    assert any(t.startswith("Cancelled.") for t in texts), texts
    async with hub.runtime.database.uows() as uow:
        row = await uow.outbox.get_by_key("notice:cancelled-1")
    assert row is not None
    assert row.status is OutboxStatus.DONE


async def test_web_chat_notices_wait_in_the_inbox_until_the_page_polls(hub: Hub) -> None:
    chat = WebDriver(hub)
    await chat.say("hello")
    assert chat.session is not None
    client_id = await client_of(hub, Channel.WEBCHAT, "", chat.session)
    booking = await confirmed_booking(hub, client_id)

    report = await notifier(hub).notify_client(
        client_id=client_id,
        idempotency_key="web-confirmed",
        notice=Notice(NoticeKind.BOOKING_CONFIRMED, booking_id=booking.id),
    )
    first = await hub.http.get(f"/api/v1/chat/{chat.session}/messages")
    second = await hub.http.get(f"/api/v1/chat/{chat.session}/messages")

    assert (report.delivered, report.channel) == (True, Channel.WEBCHAT)
    [reply] = first.json()["replies"]
    assert reply["text"].startswith("Booked!")
    assert reply["choices"] == [{"label": "My bookings", "action": "my:list:"}]
    assert second.json() == {"replies": []}
    assert (await hub.http.get("/api/v1/chat/bad%20id/messages")).status_code == 400


async def test_a_reader_gets_alerts_on_their_linked_chat(hub: Hub) -> None:
    from domain.identity import create_link_code

    code = await create_link_code(
        uow=hub.runtime.database.uows(), clock=hub.clock, reader_id=hub.reader.id
    )
    chat = TelegramDriver(hub, chat_id=9009)
    await chat.say(f"/link {code}")

    report = await notifier(hub).notify_reader(
        reader_id=hub.reader.id,
        idempotency_key="reconnect-google",
        notice=Notice(
            NoticeKind.RECONNECT_ACCOUNT,
            {"provider": "Google Calendar", "url": "https://hub.example/connect"},
        ),
    )

    assert (report.delivered, report.channel) == (True, Channel.TELEGRAM)
    assert "reconnect it: https://hub.example/connect" in hub.tg.sent(9009)[-1]["text"]


async def test_an_arabic_speaking_reader_gets_alerts_in_arabic(hub: Hub) -> None:
    from domain.identity import create_link_code

    layla = make_reader(name="Layla", timezone="Asia/Dubai", currency="AED", languages=["ar"])
    await seed(hub.runtime.database.uows, layla)
    code = await create_link_code(
        uow=hub.runtime.database.uows(), clock=hub.clock, reader_id=layla.id
    )
    chat = TelegramDriver(hub, chat_id=9010)
    await chat.say(f"/link {code}")

    await notifier(hub).notify_reader(
        reader_id=layla.id,
        idempotency_key="reconnect-zoom",
        notice=Notice(
            NoticeKind.RECONNECT_ACCOUNT, {"provider": "Zoom", "url": "https://hub.example/c"}
        ),
    )

    text = hub.tg.sent(9010)[-1]["text"]
    assert text.startswith("توقّف اتصال")
    assert "https://hub.example/c" in text
    assert "reconnect" not in text
