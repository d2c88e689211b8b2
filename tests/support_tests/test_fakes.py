"""The loopback fakes, driven by the real SDKs, so tests built on them test something real."""

from __future__ import annotations

import datetime as dtm
import hashlib
import hmac
import json
import threading
import time
import warnings
from collections.abc import Iterator, Sequence
from urllib.parse import parse_qs

import httpx
import pytest
import telegram
from slack_bolt.app.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from tests.support.fakes import MetaGraphFake, SlackApiFake, TelegramApiFake
from tests.support.fakes import payloads as p
from tests.support.loopback import LoopbackServer

with warnings.catch_warnings():
    # facebook-sdk 3.1.0 has invalid escapes (like "\d") that compile with a DeprecationWarning.
    # With PYTHONDONTWRITEBYTECODE there is never a cached .pyc, and the project's
    # `ignore::DeprecationWarning:facebook.*` filter does not match compile-time warnings
    # (their "module" is the file path), so `-W error` would make the import itself fail.
    warnings.simplefilter("ignore", DeprecationWarning)
    import facebook

SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"


# -- fixtures (the fakes' own are in tests/support/fake_servers.py) ---------------------------


@pytest.fixture
def graph(meta: MetaGraphFake, monkeypatch: pytest.MonkeyPatch) -> Iterator[facebook.GraphAPI]:
    # facebook-sdk has no base-URL option; the module constant is read at call time.
    monkeypatch.setattr(facebook, "FACEBOOK_GRAPH_URL", f"{meta.url}/")
    api = facebook.GraphAPI(access_token=meta.access_token, timeout=5)
    yield api
    api.session.close()


def _bot(fake: TelegramApiFake, token: str | None = None) -> telegram.Bot:
    return telegram.Bot(
        token or fake.token, base_url=f"{fake.url}/bot", base_file_url=f"{fake.url}/file/bot"
    )


def _keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton("Book a reading", callback_data="booking:slot:3")]]
    )


# -- LoopbackServer ---------------------------------------------------------------------------


class TestLoopbackServer:
    def test_serves_on_an_ephemeral_port_and_leaves_no_thread_behind(self) -> None:
        async def hello(request: Request) -> PlainTextResponse:
            return PlainTextResponse("hello")

        app = Starlette(routes=[Route("/", hello)])
        before = set(threading.enumerate())
        started = time.perf_counter()
        with LoopbackServer(app) as first, LoopbackServer(app) as second:
            assert time.perf_counter() - started < 1.0
            assert first.port != second.port
            assert first.url.startswith("http://127.0.0.1:")
            assert httpx.get(first.url).text == "hello"
        assert set(threading.enumerate()) == before
        with pytest.raises(RuntimeError, match="not running"):
            _ = first.url


# -- Telegram with python-telegram-bot --------------------------------------------------------


class TestTelegramFakeWithPtb:
    @pytest.mark.asyncio
    async def test_send_message_with_inline_keyboard_is_recorded_and_echoed(
        self, tg: TelegramApiFake
    ) -> None:
        async with _bot(tg) as bot:
            assert bot.username == tg.username  # initialize() called getMe
            first = await bot.send_message(chat_id=42, text="Your card", reply_markup=_keyboard())
            second = await bot.send_message(chat_id=42, text="Another")
            other_chat = await bot.send_message(chat_id=7, text="Hello")

        assert [c.method for c in tg.calls()] == ["getMe", *["sendMessage"] * 3]
        call = tg.calls("sendMessage")[0]
        assert call.headers["content-type"] == "application/x-www-form-urlencoded"
        assert call.params["chat_id"] == 42
        assert call.params["reply_markup"] == {
            "inline_keyboard": [[{"text": "Book a reading", "callback_data": "booking:slot:3"}]]
        }
        assert first.reply_markup == _keyboard()
        assert (first.message_id, second.message_id, other_chat.message_id) == (1, 2, 1)
        assert first.from_user is not None
        assert first.from_user.is_bot

    @pytest.mark.asyncio
    async def test_429_surfaces_as_retry_after_then_the_retry_succeeds(
        self, tg: TelegramApiFake, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # PTB 22.2+ warns on int retry_after unless opted into timedelta; -W error would turn
        # that warning into the raised exception instead of RetryAfter.
        monkeypatch.setenv("PTB_TIMEDELTA", "1")
        tg.fail_next("sendMessage", retry_after=1)
        async with _bot(tg) as bot:
            with pytest.raises(telegram.error.RetryAfter) as caught:
                await bot.send_message(chat_id=42, text="Hello")
            await bot.send_message(chat_id=42, text="Hello")

        assert caught.value.retry_after == dtm.timedelta(seconds=1)
        assert [c.status for c in tg.calls("sendMessage")] == [429, 200]

    @pytest.mark.asyncio
    async def test_server_error_wrong_token_and_unknown_method_map_to_ptb_errors(
        self, tg: TelegramApiFake
    ) -> None:
        tg.fail_next("sendChatAction", status=500)
        async with _bot(tg) as bot:
            with pytest.raises(telegram.error.NetworkError, match="Internal Server Error"):
                await bot.send_chat_action(chat_id=42, action="typing")
            with pytest.raises(telegram.error.EndPointNotFound):
                await bot.do_api_request("sendTarotCard")
        with pytest.raises(telegram.error.InvalidToken):
            # `async with` (not a bare initialize()) so PTB closes its httpx pool on failure.
            async with _bot(tg, token="999:wrong"):
                pass

        assert tg.last("getMe").status == 401
        async with httpx.AsyncClient() as client:
            raw = await client.post(f"{tg.url}/bot{tg.token}/sendTarotCard")
        assert raw.status_code == 404
        assert raw.json() == {
            "ok": False,
            "error_code": 404,
            "description": "Not Found: method not found",
        }

    @pytest.mark.asyncio
    async def test_document_upload_edit_and_not_modified(self, tg: TelegramApiFake) -> None:
        async with _bot(tg) as bot:
            doc = await bot.send_document(42, document=b"%PDF-1.4 spread", filename="spread.pdf")
            msg = await bot.send_message(42, "Pick a slot", reply_markup=_keyboard())
            edited = await bot.edit_message_text("Booked!", chat_id=42, message_id=msg.message_id)
            with pytest.raises(telegram.error.BadRequest, match="not modified"):
                await bot.edit_message_text("Booked!", chat_id=42, message_id=msg.message_id)
            assert doc.document is not None
            downloaded = await (await bot.get_file(doc.document.file_id)).download_as_bytearray()

        upload = tg.last("sendDocument").files["document"]
        assert tg.last("sendDocument").headers["content-type"].startswith("multipart/form-data")
        assert (upload.filename, upload.content) == ("spread.pdf", b"%PDF-1.4 spread")
        assert bytes(downloaded) == b"%PDF-1.4 spread"
        assert isinstance(edited, telegram.Message)
        assert edited.text == "Booked!"
        assert edited.reply_markup is None
        assert "reply_markup" not in tg.message(42, msg.message_id)


# -- Slack with slack_sdk ---------------------------------------------------------------------


class TestSlackFakeWithSlackSdk:
    @pytest.mark.asyncio
    async def test_post_message_with_blocks_is_recorded(self, slack: SlackApiFake) -> None:
        client = AsyncWebClient(token="xoxb-samia-test-token", base_url=f"{slack.url}/api/")
        blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*The Star*"}}]

        response = await client.chat_postMessage(channel="C0READINGS", text="Star", blocks=blocks)

        call = slack.last("chat.postMessage")
        assert call.params["blocks"] == blocks
        assert call.headers["authorization"] == "Bearer xoxb-samia-test-token"
        assert response["channel"] == "C0READINGS"
        assert response["message"]["blocks"] == blocks
        assert response["ts"] == response["message"]["ts"]

    @pytest.mark.asyncio
    async def test_429_surfaces_as_slack_api_error_with_retry_after(
        self, slack: SlackApiFake
    ) -> None:
        client = AsyncWebClient(token="xoxb-samia-test-token", base_url=f"{slack.url}/api/")
        slack.fail_next("chat.postMessage", retry_after=30)

        with pytest.raises(SlackApiError) as caught:
            await client.chat_postMessage(channel="C0READINGS", text="hi")

        assert caught.value.response.status_code == 429
        assert caught.value.response.headers["Retry-After"] == "30"
        assert caught.value.response["error"] == "ratelimited"
        assert (await client.chat_postMessage(channel="C0READINGS", text="hi"))["ok"]

    def test_sync_client_auth_dm_and_files_upload_v2(self, slack: SlackApiFake) -> None:
        client = WebClient(token="xoxb-samia-test-token", base_url=f"{slack.url}/api/")

        dm = client.chat_postMessage(channel="U0LINA", text="Your booking is confirmed")
        opened = client.conversations_open(users="U0LINA")
        uploaded = client.files_upload_v2(
            channel=dm["channel"], content="The Star, upright", filename="reading.txt"
        )

        assert dm["channel"].startswith("D")
        assert opened["channel"]["id"] == dm["channel"]
        assert opened["already_open"] is True
        assert slack.uploads[uploaded["file"]["id"]]["content"] == b"The Star, upright"
        for token, error in (("xoxb-wrong", "invalid_auth"), (None, "not_authed")):
            with pytest.raises(SlackApiError) as caught:
                WebClient(token=token, base_url=f"{slack.url}/api/").auth_test()
            assert caught.value.response["error"] == error

    @pytest.mark.asyncio
    async def test_views_open_validates_trigger_id(self, slack: SlackApiFake) -> None:
        client = AsyncWebClient(token="xoxb-samia-test-token", base_url=f"{slack.url}/api/")
        view = {"type": "modal", "title": {"type": "plain_text", "text": "Book"}, "blocks": []}

        opened = await client.views_open(trigger_id="123.456.abc", view=view)
        with pytest.raises(SlackApiError, match="invalid_arguments"):
            await client.views_open(trigger_id="", view=view)

        assert opened["view"]["id"].startswith("V")
        assert slack.calls("views.open")[0].params["view"] == view


# -- Meta Graph with facebook-sdk -------------------------------------------------------------


class TestMetaGraphFakeWithFacebookSdk:
    def test_send_records_recipient_and_message(
        self, meta: MetaGraphFake, graph: facebook.GraphAPI
    ) -> None:
        message = {"text": "Your card: The Star"}
        post_args = {
            "recipient": json.dumps({"id": "6789"}),
            "message": json.dumps(message),
            "messaging_type": "RESPONSE",
        }

        result = graph.request(f"v21.0/{meta.page_id}/messages", post_args=post_args)

        call = meta.last("messages")
        assert result["recipient_id"] == "6789"
        assert result["message_id"].startswith("m_")
        assert call.params["recipient"] == {"id": "6789"}
        assert call.params["message"] == message
        assert call.params["access_token"] == meta.access_token  # sent in the form body
        assert call.headers["content-type"] == "application/x-www-form-urlencoded"
        assert graph.request(f"v21.0/{meta.page_id}") == {"id": meta.page_id, "name": "Samia Tarot"}

    def test_graph_errors_surface_as_graph_api_error(
        self, meta: MetaGraphFake, graph: facebook.GraphAPI
    ) -> None:
        post_args = {"recipient": json.dumps({"id": "6789"}), "message": json.dumps({"text": "x"})}
        meta.fail_outside_window()
        with pytest.raises(facebook.GraphAPIError) as outside:
            graph.request(f"v21.0/{meta.page_id}/messages", post_args=dict(post_args))
        meta.fail_next(status=500)
        with pytest.raises(facebook.GraphAPIError) as transient:
            graph.request(f"v21.0/{meta.page_id}/messages", post_args=dict(post_args))
        bad = facebook.GraphAPI(access_token="EAAB-wrong", timeout=5)
        with pytest.raises(facebook.GraphAPIError) as oauth:
            bad.request(f"v21.0/{meta.page_id}/messages", post_args=dict(post_args))
        bad.session.close()

        assert (outside.value.code, outside.value.result["error"]["error_subcode"]) == (10, 2018278)
        assert transient.value.result["error"]["is_transient"] is True
        assert (oauth.value.code, oauth.value.type) == (190, "OAuthException")
        assert [c.status for c in meta.calls("messages")] == [400, 500, 400]
        assert meta.sent() == []

    def test_instagram_send_via_me_and_httpx_json(self, meta: MetaGraphFake) -> None:
        response = httpx.post(
            f"{meta.url}/v21.0/{meta.ig_account_id}/messages",
            json={"recipient": {"id": "ig-user-1"}, "message": {"text": "hi"}},
            headers={"Authorization": f"Bearer {meta.access_token}"},
        )

        assert response.status_code == 200
        assert response.json()["recipient_id"] == "ig-user-1"
        assert meta.sent("ig-user-1")[0]["node_id"] == meta.ig_account_id


# -- signers and payload builders -------------------------------------------------------------


class TestSignersAndPayloads:
    def test_slack_signature_is_accepted_by_slack_sdk_verifier(self) -> None:
        body = p.to_body(p.slack_event_body("Ev01", "T0SAMIA001", "U0LINA", "D01", "hello"))
        headers = p.slack_sign(body, SIGNING_SECRET, int(time.time()))

        assert SignatureVerifier(SIGNING_SECRET).is_valid_request(body, headers)
        assert not SignatureVerifier("other-secret").is_valid_request(body, headers)

    def test_meta_shopify_and_zoom_signatures_use_their_vendor_encodings(self) -> None:
        body, secret = b"The quick brown fox jumps over the lazy dog", "key"
        known = "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
        zoom = p.zoom_sign(body, secret, 1700000000)
        expected_zoom = hmac.new(b"key", b"v0:1700000000:" + body, hashlib.sha256).hexdigest()

        assert p.meta_sign(body, secret) == {"X-Hub-Signature-256": f"sha256={known}"}
        assert p.shopify_sign(body, secret) == {
            "X-Shopify-Hmac-Sha256": "97yD9DBThCSxMpjmqm+xQ+9NWaFJRhdZl0edvC0aPNg="
        }
        assert zoom["x-zm-signature"] == f"v0={expected_zoom}"
        assert p.telegram_headers("s3cret")["X-Telegram-Bot-Api-Secret-Token"] == "s3cret"

    def test_telegram_updates_parse_as_ptb_updates(self) -> None:
        command = Update.de_json(p.telegram_text_update(1, 42, 42, "/book tomorrow"), None)
        tap = Update.de_json(p.telegram_callback_update(2, 42, 42, "booking:slot:3", 9), None)
        contact = Update.de_json(p.telegram_contact_update(3, 42, 42, "+33600000000"), None)

        assert command.message is not None
        assert command.message.entities[0].type == "bot_command"
        assert command.effective_user is not None
        assert command.effective_user.language_code == "en"
        assert tap.callback_query is not None
        assert tap.callback_query.data == "booking:slot:3"
        assert contact.message is not None
        assert contact.message.contact is not None
        assert contact.message.contact.phone_number == "+33600000000"

    @pytest.mark.asyncio
    async def test_signed_slack_payloads_dispatch_through_bolt(self, slack: SlackApiFake) -> None:
        client = AsyncWebClient(token="xoxb-samia-test-token", base_url=f"{slack.url}/api/")
        app = AsyncApp(client=client, signing_secret=SIGNING_SECRET, process_before_response=True)
        seen: list[str] = []

        @app.command("/samia")
        async def on_command(ack, command) -> None:  # type: ignore[no-untyped-def]
            await ack()
            seen.append(f"command:{command['text']}")

        @app.action("booking:slot")
        async def on_action(ack, action) -> None:  # type: ignore[no-untyped-def]
            await ack()
            seen.append(f"action:{action['value']}")

        @app.message("hello")
        async def on_message(say) -> None:  # type: ignore[no-untyped-def]
            await say("Welcome to Samia")

        bodies = [
            p.slack_command_form(
                text="book", user_id="U0LINA", channel_id="D01", team_id="T0SAMIA001"
            ),
            p.slack_block_action_form("booking:slot", "3", "U0LINA", "D01", "T0SAMIA001"),
            p.to_body(p.slack_event_body("Ev01", "T0SAMIA001", "U0LINA", "D01", "hello")).decode(),
        ]
        for body in bodies:
            signed = p.slack_sign(body.encode(), SIGNING_SECRET, int(time.time()))
            headers: dict[str, str | Sequence[str]] = {**signed}
            response = await app.async_dispatch(AsyncBoltRequest(body=body, headers=headers))
            assert response.status == 200, response.body

        assert seen == ["command:book", "action:3"]
        assert slack.last("chat.postMessage").params["text"] == "Welcome to Samia"
        assert parse_qs(bodies[1])["payload"][0].startswith('{"type": "block_actions"')

    def test_meta_payloads_have_the_documented_shape(self) -> None:
        text = p.meta_messenger_text("PAGE", "PSID", "m_1", "hi", 1700000000000)
        quick = p.meta_quick_reply("PAGE", "PSID", "m_2", "Book", "booking:start")
        echo = p.instagram_echo("IG", "IGSID", "m_3", "sent by us")

        event = text["entry"][0]["messaging"][0]
        assert text["object"] == "page"
        assert text["entry"][0]["id"] == "PAGE"
        assert event == {
            "sender": {"id": "PSID"},
            "recipient": {"id": "PAGE"},
            "timestamp": 1700000000000,
            "message": {"mid": "m_1", "text": "hi"},
        }
        assert quick["entry"][0]["messaging"][0]["message"]["quick_reply"] == {
            "payload": "booking:start"
        }
        assert echo["object"] == "instagram"
        assert echo["entry"][0]["messaging"][0]["message"]["is_echo"] is True
        assert echo["entry"][0]["messaging"][0]["sender"] == {"id": "IG"}
