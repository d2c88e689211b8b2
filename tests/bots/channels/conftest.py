"""The real hub (ASGI app + lifespan) wired to loopback fakes of Telegram, Slack and Meta.

Webhooks go through the real routes with really signed bodies; our replies reach the fakes
through the real SDKs, pointed at them by the settings' base URLs.
"""

from __future__ import annotations

import time as wallclock
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from bots.inbound import PoolOptions
from bots.meta import graph as meta_graph
from bots.outbound import RetryPolicy
from bots.pacing import ChannelLimits
from domain.clock import FixedClock
from domain.models import Reader, Service, WeeklyHours
from hub.app import create_app
from hub.channels import ChannelHub, ChannelOptions
from hub.runtime import Runtime, build_runtime
from hub.settings import Settings, load_settings
from tests.support.factories import make_reader, make_service
from tests.support.fakes import MetaGraphFake, SlackApiFake, TelegramApiFake
from tests.support.fakes import payloads as p

# Thursday 26 November 2026, 09:00 UTC: Friday 27 is bookable from 10:00.
NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
TELEGRAM_SECRET = "tg-secret_0123456789"
SLACK_SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
META_APP_SECRET = "meta-app-secret-0123456789"
META_VERIFY_TOKEN = "meta-verify-token-42"
TEAM = "T0SAMIA001"
TABLES = ("inbound_events", "bookings", "clients", "channel_identities", "outbox")

# Real limits would make a transcript take seconds per step; one test checks real pacing.
FAST = ChannelOptions(
    limits=ChannelLimits(
        telegram_per_chat_interval=0,
        slack_per_channel_interval=0,
        meta_per_account_per_second=10_000,
        connect_timeout=2,
        read_timeout=3,
    ),
    retry=RetryPolicy(backoff=0.01, max_backoff=0.05),
    pool=PoolOptions(workers=4, sweep_every=3600, background_share=1.0),
    notice_sweep_every=3600,
)


def hub_settings(
    database_url: str, tg: TelegramApiFake, slack: SlackApiFake, meta: MetaGraphFake
) -> Settings:
    return load_settings(
        database_url=database_url,
        telegram_bot_token=tg.token,
        telegram_webhook_secret=TELEGRAM_SECRET,
        telegram_api_url=f"{tg.url}/bot",
        slack_bot_token=next(iter(slack.tokens)),
        slack_signing_secret=SLACK_SIGNING_SECRET,
        slack_api_url=f"{slack.url}/api/",
        meta_page_token=meta.access_token,
        meta_app_secret=META_APP_SECRET,
        meta_verify_token=META_VERIFY_TOKEN,
        meta_page_id=meta.page_id,
        instagram_account_id=meta.ig_account_id,
        meta_graph_url=f"{meta.url}/",
    )


@dataclass
class Hub:
    """The running hub, its fakes, and helpers to post signed webhooks."""

    http: httpx.AsyncClient
    runtime: Runtime
    channels: ChannelHub
    clock: FixedClock
    reader: Reader
    services: list[Service]
    tg: TelegramApiFake
    slack: SlackApiFake
    meta: MetaGraphFake
    _ids: dict[str, int] = field(default_factory=dict)

    def next_id(self, kind: str) -> int:
        self._ids[kind] = self._ids.get(kind, 1000) + 1
        return self._ids[kind]

    async def idle(self) -> None:
        """Wait until every accepted delivery has been processed."""
        assert self.channels.pipeline is not None
        await self.channels.pipeline.idle()

    async def telegram(
        self, update: dict[str, Any], secret: str = TELEGRAM_SECRET
    ) -> httpx.Response:
        return await self.http.post(
            "/webhooks/telegram", content=p.to_body(update), headers=p.telegram_headers(secret)
        )

    async def slack_json(
        self,
        body: dict[str, Any],
        *,
        secret: str = SLACK_SIGNING_SECRET,
        timestamp: int | None = None,
    ) -> httpx.Response:
        raw = p.to_body(body)
        headers = p.slack_sign(raw, secret, timestamp or int(wallclock.time()))
        return await self.http.post(
            "/webhooks/slack", content=raw, headers={**headers, "Content-Type": "application/json"}
        )

    async def slack_form(self, form: str, *, secret: str = SLACK_SIGNING_SECRET) -> httpx.Response:
        raw = form.encode()
        headers = p.slack_sign(raw, secret, int(wallclock.time()))
        return await self.http.post(
            "/webhooks/slack",
            content=raw,
            headers={**headers, "Content-Type": "application/x-www-form-urlencoded"},
        )

    async def meta_post(
        self, payload: dict[str, Any], secret: str = META_APP_SECRET
    ) -> httpx.Response:
        raw = p.to_body(payload)
        return await self.http.post(
            "/webhooks/meta",
            content=raw,
            headers={**p.meta_sign(raw, secret), "Content-Type": "application/json"},
        )

    async def counts(self) -> dict[str, int]:
        """Rows per table, to prove a refused request changed nothing."""
        async with self.runtime.database.engine.connect() as conn:
            return {
                t: int(await conn.scalar(sa.text(f"SELECT COUNT(*) FROM {t}")) or 0) for t in TABLES
            }

    async def bookings(self) -> list[Any]:
        async with self.runtime.database.uows() as uow:
            return await uow.bookings.query(limit=100)


async def seeded_runtime(settings: Settings) -> tuple[Runtime, Reader, list[Service]]:
    runtime = await build_runtime(settings, clock=FixedClock(NOW))
    reader = make_reader(
        name="Samia", slug="samia", minimum_notice_minutes=60, buffer_after_minutes=0
    )
    services = [
        make_service(reader, name="Love reading", slug="love"),
        make_service(reader, name="Career reading", slug="career", price_minor=6000),
    ]
    async with runtime.database.uows() as uow:
        await uow.readers.add(reader)
        for service in services:
            await uow.services.add(service)
        for weekday in range(6):
            await uow.availability.replace_weekday(
                reader.id, weekday, [WeeklyHours(weekday, time(10), time(18))]
            )
        await uow.commit()
    await runtime.refresh_reader_names()
    return runtime, reader, services


@pytest.fixture
async def hub_factory(
    database_url: str,
    tg: TelegramApiFake,
    slack: SlackApiFake,
    meta: MetaGraphFake,
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[Any]:
    """Start hubs on one database; each is stopped (lifespan exit) at the end."""
    monkeypatch.setenv("PTB_TIMEDELTA", "1")
    # The hub points facebook-sdk's module-level base URL at the fake; restore it afterwards.
    monkeypatch.setattr(
        meta_graph.facebook, "FACEBOOK_GRAPH_URL", meta_graph.facebook.FACEBOOK_GRAPH_URL
    )
    settings = hub_settings(database_url, tg, slack, meta)
    runtime, reader, services = await seeded_runtime(settings)
    stack: list[Any] = []

    async def start(options: ChannelOptions = FAST) -> Hub:
        app = create_app(settings, runtime=runtime, channel_options=options)
        lifespan = app.router.lifespan_context(app)
        await lifespan.__aenter__()
        http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://hub")
        stack.append((lifespan, http))
        return Hub(
            http,
            runtime,
            app.state.channels,
            runtime.clock,
            reader,
            services,  # type: ignore[arg-type]
            tg,
            slack,
            meta,
        )

    try:
        yield start
    finally:
        for lifespan, http in reversed(stack):
            await http.aclose()
            await lifespan.__aexit__(None, None, None)
        await runtime.close()


@pytest.fixture
async def hub(hub_factory: Any) -> Hub:
    return await hub_factory()
