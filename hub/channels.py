"""Composition of the chat channels: adapters for what is configured, senders, the pool.

Built with the app (routes must exist before it serves), started in its lifespan once the
database is open, stopped before the database closes. An unconfigured platform has no
route at all (404), no sender, and no processor.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, HTTPException

from bots.channel import ChannelAdapter, TurnRunner
from bots.inbound import InboundPipeline, Incoming, PoolOptions, Processor
from bots.meta.adapter import MetaAdapter
from bots.notifier import OutboundNotifier
from bots.outbound import Delivery, RetryPolicy, SenderRegistry
from bots.pacing import DEFAULT_LIMITS, ChannelLimits
from bots.slack.app import SlackAdapter
from bots.telegram.app import TelegramAdapter
from bots.webchat import WebchatAdapter, WebChatSessions
from hub.runtime import Runtime
from hub.secrets import secret_key_material
from hub.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ChannelOptions:
    """Rate limits, retry budget and pool size; tests pass faster numbers."""

    limits: ChannelLimits = DEFAULT_LIMITS
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    pool: PoolOptions = field(default_factory=PoolOptions)
    notice_sweep_every: float = 300.0


@dataclass(frozen=True)
class Channels:
    """What the started channels give the rest of the hub: the notifier and the senders."""

    notifier: OutboundNotifier
    senders: SenderRegistry


class ChannelHub:
    """Every configured chat platform, wired to the one engine."""

    def __init__(self, settings: Settings, options: ChannelOptions | None = None) -> None:
        """Build adapters for configured platforms; no network, no database yet."""
        self.settings = settings
        self.options = options or ChannelOptions()
        limits, accept = self.options.limits, self.accept
        self.webchat = WebchatAdapter(WebChatSessions(secret_key_material(settings)))
        self.telegram = (
            TelegramAdapter(
                settings.telegram,
                limits=limits,
                accept=accept,
                platform_currency=settings.default_currency,
            )
            if settings.telegram
            else None
        )
        self.slack = (
            SlackAdapter(settings.slack, limits=limits, accept=accept) if settings.slack else None
        )
        self.meta = (
            MetaAdapter(settings.meta, limits=limits, accept=accept) if settings.meta else None
        )
        self.pipeline: InboundPipeline | None = None
        self.notifier: OutboundNotifier | None = None
        self.delivery: Delivery | None = None
        self._sweeper: asyncio.Task[None] | None = None

    @property
    def platforms(self) -> list[ChannelAdapter]:
        """The configured messaging platforms (they send on their own, unlike the web chat)."""
        found = (self.telegram, self.slack, self.meta)
        return [adapter for adapter in found if adapter is not None]

    @property
    def adapters(self) -> list[ChannelAdapter]:
        """The web chat and the configured platforms, all on the one adapter contract."""
        return [self.webchat, *self.platforms]

    def routers(self) -> list[APIRouter]:
        """Routes of the web chat and of the configured platforms only."""
        return [routes for adapter in self.adapters if (routes := adapter.router()) is not None]

    async def accept(self, provider: str, items: Sequence[Incoming]) -> list[bool]:
        """Record and queue deliveries (the routes call this before answering)."""
        if self.pipeline is None:
            raise HTTPException(503, "starting up")
        return await self.pipeline.accept(provider, items)

    async def start(self, runtime: Runtime) -> Channels:
        """Senders, delivery, notifier and the background pool, on the runtime's database."""
        uows, clock = runtime.database.uows, runtime.clock
        registry = SenderRegistry()
        self.delivery = Delivery(
            uows=uows,
            clock=clock,
            senders=registry,
            policy=self.options.retry,
            secrets=self.secrets(),
        )
        runner = TurnRunner(engine=runtime.engine, delivery=self.delivery, uows=uows, clock=clock)
        processors: dict[str, Processor] = {}
        for adapter in self.adapters:
            adapter.bind(runner)
            registry.register(adapter.sender)
            await adapter.start()
            processors[adapter.provider] = adapter
        self.notifier = OutboundNotifier(uows=uows, clock=clock, delivery=self.delivery)
        self.pipeline = InboundPipeline(
            uows=uows,
            clock=clock,
            processors=processors,
            options=self.options.pool,
            secrets=self.secrets(),
        )
        await self.pipeline.start()
        self._sweeper = asyncio.create_task(self._sweep_notices(), name="notice-sweep")
        return Channels(notifier=self.notifier, senders=registry)

    async def stop(self) -> None:
        """Drain the pool briefly, then close every session."""
        if self._sweeper is not None:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper
        if self.pipeline is not None:
            await self.pipeline.stop()
        for adapter in self.adapters:
            await adapter.stop()
        if self.delivery is not None:
            await self.delivery.senders.close()

    def secrets(self) -> list[str]:
        """Every configured token, so error texts can be scrubbed before logging."""
        values: list[Any] = []
        for vendor in (self.settings.telegram, self.settings.slack, self.settings.meta):
            if vendor is not None:
                values.extend(v for v in vars(vendor).values() if hasattr(v, "get_secret_value"))
        return [v.get_secret_value() for v in values]

    async def _sweep_notices(self) -> None:
        """Retry notices that were waiting for a usable channel."""
        while True:
            await asyncio.sleep(self.options.notice_sweep_every)
            if self.notifier is None:
                continue
            try:
                await self.notifier.redeliver_waiting()
            except Exception:
                log.exception("notice sweep failed")
