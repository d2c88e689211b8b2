"""Forged, missing and stale signatures, wrong tokens and malformed bodies: the right status
(CONTRACT.md) and not one row written, not one message sent."""

from __future__ import annotations

import json
import time as wallclock

import httpx
import pytest

from hub.app import create_app
from hub.runtime import build_runtime
from hub.settings import load_settings
from tests.bots.channels.conftest import (
    META_APP_SECRET,
    META_VERIFY_TOKEN,
    SLACK_SIGNING_SECRET,
    TEAM,
    TELEGRAM_SECRET,
    Hub,
)
from tests.support.fakes import payloads as p


async def assert_nothing_happened(hub: Hub, before: dict[str, int]) -> None:
    await hub.idle()
    assert await hub.counts() == before
    assert [c.method for c in hub.tg.calls()] in ([], ["getMe"])
    assert hub.slack.messages() == []
    assert hub.meta.sent() == []


class TestTelegramSecretHeader:
    async def test_wrong_or_missing_secret_is_403_and_changes_nothing(self, hub: Hub) -> None:
        before = await hub.counts()
        update = p.telegram_text_update(1, 42, 42, "/book")

        wrong = await hub.telegram(update, secret="not-the-secret")
        missing = await hub.http.post(
            "/webhooks/telegram",
            content=p.to_body(update),
            headers={"Content-Type": "application/json"},
        )

        assert (wrong.status_code, missing.status_code) == (403, 403)
        await assert_nothing_happened(hub, before)

    @pytest.mark.parametrize(
        "body",
        [
            b"{not json",
            b"[]",
            b'{"message": {}}',
            b'{"update_id": "7"}',
            b'{"update_id": 7, "message": 5}',
        ],
    )
    async def test_malformed_update_is_400_and_changes_nothing(self, hub: Hub, body: bytes) -> None:
        before = await hub.counts()

        response = await hub.http.post(
            "/webhooks/telegram", content=body, headers=p.telegram_headers(TELEGRAM_SECRET)
        )

        assert response.status_code == 400
        await assert_nothing_happened(hub, before)


class TestSlackSigning:
    async def test_forged_missing_and_stale_signatures_are_401(self, hub: Hub) -> None:
        before = await hub.counts()
        body = p.slack_event_body("EvForged1", TEAM, "U0LINA", "D0LINA", "hello")

        forged = await hub.slack_json(body, secret="someone-else's-secret")
        stale = await hub.slack_json(body, timestamp=int(wallclock.time()) - 6 * 60)
        missing = await hub.http.post(
            "/webhooks/slack", content=p.to_body(body), headers={"Content-Type": "application/json"}
        )
        command = p.slack_command_form(
            text="today", user_id="U0LINA", channel_id="D0LINA", team_id=TEAM
        )
        forged_command = await hub.slack_form(command, secret="wrong")

        assert [r.status_code for r in (forged, stale, missing, forged_command)] == [401] * 4
        await assert_nothing_happened(hub, before)

    async def test_signed_but_malformed_body_is_400(self, hub: Hub) -> None:
        before = await hub.counts()
        for raw, kind in (
            (b"{not json", "application/json"),
            (b"payload=%7Bbroken", "application/x-www-form-urlencoded"),
            (b"\xff\xfe", "application/json"),
        ):
            headers = p.slack_sign(raw, SLACK_SIGNING_SECRET, int(wallclock.time()))
            response = await hub.http.post(
                "/webhooks/slack", content=raw, headers={**headers, "Content-Type": kind}
            )
            assert response.status_code == 400, raw
        unsigned = await hub.http.post(
            "/webhooks/slack", content=b"{not json", headers={"Content-Type": "application/json"}
        )
        assert unsigned.status_code == 401
        await assert_nothing_happened(hub, before)

    async def test_url_verification_answers_the_challenge(self, hub: Hub) -> None:
        response = await hub.slack_json(p.slack_url_verification_body("3eZbrw1aBm2rZgRNFdxV"))

        assert response.status_code == 200
        assert response.json() == {"challenge": "3eZbrw1aBm2rZgRNFdxV"}


class TestMetaSignature:
    async def test_verify_token_handshake(self, hub: Hub) -> None:
        ok = await hub.http.get("/webhooks/meta", params=p.meta_verify_query(META_VERIFY_TOKEN))
        wrong = await hub.http.get("/webhooks/meta", params=p.meta_verify_query("guess"))
        not_subscribe = await hub.http.get(
            "/webhooks/meta", params={**p.meta_verify_query(META_VERIFY_TOKEN), "hub.mode": "x"}
        )

        assert (ok.status_code, ok.text) == (200, "1158201444")
        assert (wrong.status_code, not_subscribe.status_code) == (403, 403)

    async def test_forged_and_missing_signatures_are_401_and_change_nothing(self, hub: Hub) -> None:
        before = await hub.counts()
        body = p.meta_messenger_text(hub.meta.page_id, "PSID1", "m_forged", "book")

        forged = await hub.meta_post(body, secret="not-the-app-secret")
        missing = await hub.http.post(
            "/webhooks/meta", content=p.to_body(body), headers={"Content-Type": "application/json"}
        )
        # Signed, then changed in transit: the signature covers the exact bytes.
        raw = p.to_body(body)
        tampered = await hub.http.post(
            "/webhooks/meta",
            content=raw.replace(b"book", b"cancel"),
            headers=p.meta_sign(raw, META_APP_SECRET),
        )

        assert [r.status_code for r in (forged, missing, tampered)] == [401, 401, 401]
        await assert_nothing_happened(hub, before)

    @pytest.mark.parametrize(
        "body", [b"{not json", b"[]", b'{"object": "page"}', b'{"object": "page", "entry": [5]}']
    )
    async def test_signed_but_malformed_body_is_400(self, hub: Hub, body: bytes) -> None:
        before = await hub.counts()

        response = await hub.http.post(
            "/webhooks/meta", content=body, headers=p.meta_sign(body, META_APP_SECRET)
        )

        assert response.status_code == 400
        await assert_nothing_happened(hub, before)

    async def test_signature_is_checked_over_the_raw_escaped_unicode_bytes(self, hub: Hub) -> None:
        body = p.meta_messenger_text(hub.meta.page_id, "PSID7", "m_unicode", "مرحبا äöå")
        raw = json.dumps(body, separators=(",", ":")).encode()  # ASCII-escaped, as Meta signs
        assert b"\\u0645" in raw

        response = await hub.http.post(
            "/webhooks/meta", content=raw, headers=p.meta_sign(raw, META_APP_SECRET)
        )

        assert response.status_code == 200
        await hub.idle()
        assert hub.meta.sent("PSID7"), "the Arabic greeting got an answer"

    async def test_echoes_and_other_objects_are_acknowledged_and_ignored(self, hub: Hub) -> None:
        before = await hub.counts()
        echo = p.instagram_echo(hub.meta.ig_account_id, "IGSID1", "m_echo", "sent by us")
        other = {"object": "permissions", "entry": [{"id": "1", "time": 1, "changes": []}]}

        assert (await hub.meta_post(echo)).status_code == 200
        assert (await hub.meta_post(other)).status_code == 200
        await assert_nothing_happened(hub, before)


async def test_unconfigured_platforms_have_no_routes(database_url: str) -> None:
    settings = load_settings(database_url=database_url)
    runtime = await build_runtime(settings)
    app = create_app(settings, runtime=runtime)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://hub") as http:
            for path in ("/webhooks/telegram", "/webhooks/slack", "/webhooks/meta"):
                assert (await http.post(path, content=b"{}")).status_code == 404, path
            assert (await http.get("/webhooks/meta")).status_code == 404
    await runtime.close()
