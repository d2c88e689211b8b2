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

from bots.inbound import InboundPipeline, Incoming, PoolOptions, Processor, TurnRunner
from bots.meta.adapter import MetaAdapter
from bots.notifier import OutboundNotifier
from bots.outbound import ChannelSender, Delivery, RetryPolicy, SenderRegistry
from bots.pacing import DEFAULT_LIMITS, ChannelLimits
from bots.slack.app import SlackAdapter
from bots.telegram import webhook as telegram_webhook
from bots.telegram.app import TelegramAdapter
from bots.webchat_inbox import WebchatInbox
from hub.runtime import Runtime
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
        limits = self.options.limits
        self.telegram = (
            TelegramAdapter(settings.telegram, limits=limits) if settings.telegram else None
        )
        self.slack = (
            SlackAdapter(settings.slack, limits=limits, accept=self.accept)
            if settings.slack
            else None
        )
        self.meta = (
            MetaAdapter(settings.meta, limits=limits, accept=self.accept) if settings.meta else None
        )
        self.pipeline: InboundPipeline | None = None
        self.notifier: OutboundNotifier | None = None
        self.delivery: Delivery | None = None
        self._inbox: WebchatInbox | None = None
        self._sweeper: asyncio.Task[None] | None = None

    @property
    def adapters(self) -> list[TelegramAdapter | SlackAdapter | MetaAdapter]:
        """The configured platforms."""
        return [a for a in (self.telegram, self.slack, self.meta) if a is not None]

    @property
    def inbox(self) -> WebchatInbox:
        """The web chat inbox (available once started)."""
        if self._inbox is None:
            raise HTTPException(503, "starting up")
        return self._inbox

    def routers(self) -> list[APIRouter]:
        """Webhook routes of the configured platforms only."""
        routers = []
        if self.telegram is not None:
            routers.append(
                telegram_webhook.router(
                    secret=self.telegram.settings.webhook_secret, accept=self.accept
                )
            )
        if self.slack is not None:
            routers.append(self.slack.router())
        if self.meta is not None:
            routers.append(self.meta.router())
        return routers

    async def accept(self, provider: str, items: Sequence[Incoming]) -> list[bool]:
        """Record and queue deliveries (the routes call this before answering)."""
        if self.pipeline is None:
            raise HTTPException(503, "starting up")
        return await self.pipeline.accept(provider, items)

    async def start(self, runtime: Runtime) -> Channels:
        """Senders, delivery, notifier and the background pool, on the runtime's database."""
        uow, clock = runtime.database.uows, runtime.clock
        self._inbox = WebchatInbox(uows=uow, clock=clock)
        senders: list[ChannelSender] = [self._inbox, *(a.sender for a in self.adapters)]
        registry = SenderRegistry(senders)
        self.delivery = Delivery(
            uows=uow,
            clock=clock,
            senders=registry,
            policy=self.options.retry,
            secrets=self.secrets(),
        )
        runner = TurnRunner(
            engine=runtime.engine,
            delivery=self.delivery,
            uows=uow,
            clock=clock,
            default_timezone=self.settings.default_timezone,
        )
        processors: dict[str, Processor] = {}
        for adapter in self.adapters:
            adapter.bind(runner)
            await adapter.start()
            processors[adapter.provider] = adapter
        self.notifier = OutboundNotifier(uows=uow, clock=clock, delivery=self.delivery)
        self.pipeline = InboundPipeline(
            uows=uow,
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
