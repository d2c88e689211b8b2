"""The Bolt AsyncApp (built by a factory, never at import) and its one route.

Bolt verifies the signature (v0, 5-minute window: 401 otherwise) and answers the
url_verification handshake. Our listeners only record the delivery and `ack()`; Bolt
runs them before it answers (`process_before_response`), so the 200 goes out after the
delivery is safely recorded, and the turn itself runs on the background pool.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import re
import time
from dataclasses import replace
from typing import Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_sdk.web.async_client import AsyncWebClient

from bots.channel import TurnRunner
from bots.hub_files import StoredHubFiles
from bots.inbound import Accept
from bots.pacing import ChannelLimits
from bots.slack import events
from bots.slack.profiles import SlackProfiles
from bots.slack.sender import SlackSender, build_client
from bots.slack.settings import SlackSettings

log = logging.getLogger(__name__)

PROVIDER = events.PROVIDER
TIMESTAMP_HEADER, SIGNATURE_HEADER = "X-Slack-Request-Timestamp", "X-Slack-Signature"
REPLAY_WINDOW = 5 * 60  # seconds, as Slack and Bolt use


class SlackAdapter:
    """Owns the Bolt app, the Web API client and the sender."""

    provider = PROVIDER

    def __init__(self, settings: SlackSettings, *, limits: ChannelLimits, accept: Accept) -> None:
        """Build Bolt and the client; no network until `start`."""
        self.settings = settings
        self.client = build_client(settings, limits=limits)
        self.sender = SlackSender(self.client, limits=limits)
        self.profiles = SlackProfiles(self.client)
        self._accept = accept
        self._identity: dict[str, str] = {}
        self._runner: TurnRunner | None = None
        self.bolt = self._build_bolt()
        self._handler = AsyncSlackRequestHandler(self.bolt)
        self._signing_secret = settings.signing_secret.get_secret_value().encode()

    def bind(self, runner: TurnRunner) -> None:
        """Where events go: the shared turn runner; charts are read from its storage."""
        self._runner = runner
        self.sender.files = StoredHubFiles(runner.uows, provider=PROVIDER)

    async def start(self, wait_seconds: float = 5.0) -> None:
        """Open the HTTP session and learn our bot user (to ignore our own messages)."""
        await self.sender.start()
        try:
            async with asyncio.timeout(wait_seconds):
                found = await self.client.auth_test()
            self._identity = {
                "bot_user_id": str(found.get("user_id")),
                "bot_id": str(found.get("bot_id")),
            }
        except Exception as exc:  # Slack down at start-up must not stop the hub
            log.warning("Slack auth.test failed at start-up: %s", type(exc).__name__)

    async def stop(self) -> None:
        """Close the HTTP session."""
        await self.sender.close()

    async def process(self, payload: dict[str, Any]) -> None:
        """One recorded payload through the engine."""
        found = events.to_event(payload)
        if found is None or self._runner is None:
            return
        event, context = found
        profile = await self.profiles.of(event.workspace, event.user_ref)
        event = replace(
            event,
            display_name=profile.display_name,
            locale=profile.locale,
            timezone=profile.timezone,
        )
        await self._runner.run(event, provider=PROVIDER, context=context)

    def order_key(self, payload: dict[str, Any]) -> str:
        """The channel of a recorded payload."""
        return events.order_key(payload)

    def router(self) -> APIRouter:
        """`POST /webhooks/slack`: events, slash commands and interactivity."""
        routes = APIRouter()

        @routes.post("/webhooks/slack", include_in_schema=False)
        async def slack_webhook(request: Request) -> Response:
            body = await request.body()
            if not _well_formed(body, request.headers.get("content-type", "")):
                # Bolt would fail on it; answer 400 to a signed sender, 401 to anyone else.
                signed = self._signed(
                    body,
                    request.headers.get(TIMESTAMP_HEADER, ""),
                    request.headers.get(SIGNATURE_HEADER, ""),
                )
                status = 400 if signed else 401
                return JSONResponse(
                    {"error": "bad request" if signed else "invalid request"}, status_code=status
                )
            return await self._handler.handle(request)

        return routes

    def _signed(self, body: bytes, timestamp: str, signature: str) -> bool:
        """Slack's v0 check on raw bytes (slack_sdk's verifier cannot take non-UTF-8 ones)."""
        if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > REPLAY_WINDOW:
            return False
        base = f"v0:{timestamp}:".encode() + body
        expected = "v0=" + hmac.new(self._signing_secret, base, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected.encode(), signature.encode())

    def _build_bolt(self) -> AsyncApp:
        async def authorize(enterprise_id: str | None, team_id: str | None) -> AuthorizeResult:
            """Single workspace, no network on the request path (auth.test ran at start-up)."""
            return AuthorizeResult(
                enterprise_id=enterprise_id,
                team_id=team_id,
                bot_user_id=self._identity.get("bot_user_id"),
                bot_id=self._identity.get("bot_id"),
                bot_token=self.settings.bot_token.get_secret_value(),
            )

        app = AsyncApp(
            # Bolt only needs the base URL: tokens come from `authorize`, per request.
            client=AsyncWebClient(base_url=self.settings.api_url),
            signing_secret=self.settings.signing_secret.get_secret_value(),
            authorize=authorize,
            process_before_response=True,
            raise_error_for_unhandled_request=False,
        )

        async def on_event(ack: Any, body: dict[str, Any]) -> None:
            item = events.event_incoming(body)
            if item is not None:
                await self._accept(PROVIDER, [item])
            await ack()

        async def on_command(ack: Any, body: dict[str, Any]) -> None:
            await self._accept(PROVIDER, [events.command_incoming(body)])
            await ack()

        async def on_action(ack: Any, body: dict[str, Any]) -> None:
            item = events.action_incoming(body)
            if item is not None:
                await self._accept(PROVIDER, [item])
            await ack()

        async def ignore(ack: Any) -> None:
            await ack()  # events we do not use still get their 200, or Slack retries them

        app.event("message")(on_event)
        app.event("app_mention")(on_event)
        app.event(re.compile(".*"))(ignore)
        app.command("/samia")(on_command)
        app.command(re.compile(".*"))(on_command)
        app.action(re.compile(".*"))(on_action)
        return app


def _well_formed(body: bytes, content_type: str) -> bool:
    """Whether Bolt can parse this: a JSON object, or a form (with a JSON `payload`)."""
    try:
        text = body.decode("utf-8")
        if content_type.startswith("application/json"):
            return isinstance(json.loads(text), dict)
        form = parse_qs(text, strict_parsing=True)
        if "payload" in form:
            return isinstance(json.loads(form["payload"][0]), dict)
        return "command" in form or "type" in form
    except (UnicodeDecodeError, ValueError):
        return False
