"""What each adapter does beyond the shared transcript: contacts, attachments, reactions,
our own echoes, unknown events, batches, ephemeral replies."""

from __future__ import annotations

import json

from bots.engine import Choice, Reply
from bots.outbound import SendContext
from domain.enums import Channel
from tests.bots.channels.conftest import TEAM, Hub
from tests.bots.channels.drivers import SlackDriver
from tests.support.fakes import payloads as p


class TestTelegram:
    async def test_sharing_your_own_contact_stores_the_phone_and_says_done(self, hub: Hub) -> None:
        update = p.telegram_contact_update(501, 5501, 5501, "+33 6 00 00 00 01")

        assert (await hub.telegram(update)).status_code == 200
        await hub.idle()

        assert hub.tg.sent(5501)[-1]["text"] == "Done."
        async with hub.runtime.database.uows() as uow:
            identity = await uow.identities.find(Channel.TELEGRAM, "", "5501")
            assert identity is not None
            assert identity.client_id is not None
            client = await uow.clients.get(identity.client_id)
        assert client is not None
        assert client.phone == "+33600000001"

    async def test_someone_elses_contact_is_not_stored(self, hub: Hub) -> None:
        update = p.telegram_contact_update(502, 5502, 5502, "+33600000002")
        update["message"]["contact"]["user_id"] = 999

        await hub.telegram(update)
        await hub.idle()

        assert hub.tg.sent(5502)[-1]["text"] != "Done."
        async with hub.runtime.database.uows() as uow:
            identity = await uow.identities.find(Channel.TELEGRAM, "", "5502")
            assert identity is not None
            assert identity.client_id is not None
            client = await uow.clients.get(identity.client_id)
        assert client is not None
        assert client.phone is None

    async def test_a_sticker_gets_help_not_silence(self, hub: Hub) -> None:
        update = p.telegram_text_update(503, 5503, 5503, "x")
        del update["message"]["text"]
        update["message"]["sticker"] = {
            "file_id": "CAAC",
            "file_unique_id": "AgAD",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "type": "regular",
        }

        await hub.telegram(update)
        await hub.idle()

        [answer] = hub.tg.sent(5503)
        assert "Book a reading" in json.dumps(answer["reply_markup"])

    async def test_a_photo_reply_carries_its_caption_and_keyboard(self, hub: Hub) -> None:
        assert hub.channels.delivery is not None
        reply = Reply(
            "The Star, upright",
            choices=(Choice("Book a reading", "bk:start:"),),
            image_url="https://cards.example/star.jpg",
        )

        await hub.channels.delivery.deliver(
            key_prefix="photo:1",
            chat_id="5504",
            replies=[reply],
            context=SendContext(Channel.TELEGRAM),
        )

        call = hub.tg.last("sendPhoto")
        assert call.params["photo"] == "https://cards.example/star.jpg"
        assert call.params["caption"] == "The Star, upright"
        assert call.params["reply_markup"]["inline_keyboard"] == [
            [{"text": "Book a reading", "callback_data": "bk:start:"}]
        ]


class TestSlack:
    async def test_our_own_messages_edits_and_unknown_events_are_acked_and_ignored(
        self, hub: Hub
    ) -> None:
        own = p.slack_event_body("EvOwn", TEAM, "U0SAMIABOT", "D0LINA", "Welcome")
        own["event"]["bot_id"] = "B0SAMIABOT"
        edited = p.slack_event_body("EvEdit", TEAM, "U0LINA", "D0LINA", "hello")
        edited["event"]["subtype"] = "message_changed"
        reaction = p.slack_event_body("EvReact", TEAM, "U0LINA", "D0LINA", "", "reaction_added")
        channel_chatter = p.slack_event_body(
            "EvChan", TEAM, "U0LINA", "C0GEN", "hi", "message", "channel"
        )

        for body in (own, edited, reaction, channel_chatter):
            assert (await hub.slack_json(body)).status_code == 200
        await hub.idle()

        assert hub.slack.messages() == []

    async def test_private_replies_are_ephemeral_to_the_asker(self, hub: Hub) -> None:
        assert hub.channels.delivery is not None
        await hub.channels.delivery.deliver(
            key_prefix="eph:1",
            chat_id="C0GEN",
            replies=[Reply("only you", private=True)],
            context=SendContext(Channel.SLACK, workspace=TEAM, user_ref="U0LINA"),
        )

        call = hub.slack.last("chat.postEphemeral")
        assert (call.params["channel"], call.params["user"]) == ("C0GEN", "U0LINA")
        assert hub.slack.messages() == []

    async def test_a_slack_user_writing_in_arabic_slack_is_answered_in_arabic(
        self, hub: Hub
    ) -> None:
        hub.slack.add_user("U0LAYLA", name="layla", real_name="Layla", locale="ar-AE")
        chat = SlackDriver(hub, user="U0LAYLA", channel="D0LAYLA")

        await chat.say("hello")

        assert any("\u0600" <= ch <= "\u06ff" for ch in chat.text())
        assert hub.slack.last("users.info").params["include_locale"] in ("1", "true")

    async def test_users_info_is_asked_once_per_user_not_per_message(self, hub: Hub) -> None:
        chat = SlackDriver(hub, user="U0ONCE", channel="D0ONCE")

        await chat.say("hello")
        greeting = chat.text()
        await chat.say("help")

        assert "Welcome" in greeting
        assert [c.params["user"] for c in hub.slack.calls("users.info")] == ["U0ONCE"]

    async def test_when_users_info_fails_the_user_is_answered_anyway(self, hub: Hub) -> None:
        hub.slack.fail_next("users.info", status=500)
        chat = SlackDriver(hub, user="U0NOINFO", channel="D0NOINFO")

        await chat.say("hello")

        assert "Welcome" in chat.text()


class TestMeta:
    async def test_reactions_are_recorded_but_not_answered(self, hub: Hub) -> None:
        before = await hub.counts()

        response = await hub.meta_post(p.meta_reaction(hub.meta.page_id, "PSIDR", "m_ours_1"))
        await hub.idle()

        assert response.status_code == 200
        assert (await hub.counts())["inbound_events"] == before["inbound_events"] + 1
        assert hub.meta.sent("PSIDR") == []

    async def test_an_attachment_gets_help(self, hub: Hub) -> None:
        await hub.meta_post(
            p.meta_attachment(hub.meta.page_id, "PSIDA", "m_att_1", "https://cdn.example/palm.jpg")
        )
        await hub.idle()

        [answer] = hub.meta.sent("PSIDA")
        assert "Book a reading" in json.dumps(answer["message"])

    async def test_one_post_with_many_events_answers_each_sender(self, hub: Hub) -> None:
        first = p.meta_messenger_text(hub.meta.page_id, "PSIDB1", "m_b1", "hello", 1000)
        second = p.meta_messenger_text(hub.meta.page_id, "PSIDB2", "m_b2", "hello", 2000)
        first["entry"].append(second["entry"][0])

        assert (await hub.meta_post(first)).status_code == 200
        await hub.idle()

        assert len(hub.meta.sent("PSIDB1")) == len(hub.meta.sent("PSIDB2")) == 1

    async def test_postbacks_without_a_mid_are_deduplicated_by_content(self, hub: Hub) -> None:
        tap = p.meta_postback(
            hub.meta.page_id, "PSIDP", "ac:help:", "Help", timestamp_ms=1_790_000_000_000
        )
        del tap["entry"][0]["messaging"][0]["postback"]["mid"]

        for _ in range(3):
            await hub.meta_post(tap)
        await hub.idle()

        assert len(hub.meta.sent("PSIDP")) == 1
