"""Messenger and Instagram: the webhook routes, the sender, and recorded events to turns."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter

from bots.channel import TurnRunner
from bots.engine import EventKind
from bots.inbound import Accept
from bots.meta import webhook
from bots.meta.graph import GraphClient
from bots.meta.sender import MetaSender
from bots.meta.settings import MetaSettings
from bots.pacing import ChannelLimits

log = logging.getLogger(__name__)


class MetaAdapter:
    """Owns the Graph client and sender; processes recorded Messenger / Instagram events."""

    provider = webhook.PROVIDER

    def __init__(self, settings: MetaSettings, *, limits: ChannelLimits, accept: Accept) -> None:
        """Build the Graph client; nothing is called until a message is sent."""
        self.settings = settings
        self.graph = GraphClient(
            settings, connect_timeout=limits.connect_timeout, read_timeout=limits.read_timeout
        )
        self.sender = MetaSender(self.graph, settings, limits=limits)
        self._accept = accept
        self._runner: TurnRunner | None = None

    def bind(self, runner: TurnRunner) -> None:
        """Where events go: the shared turn runner."""
        self._runner = runner

    async def start(self) -> None:
        """Nothing to open: requests connects on first use."""

    async def stop(self) -> None:
        """The sender closes the Graph session."""

    def router(self) -> APIRouter:
        """`GET/POST /webhooks/meta`."""
        return webhook.router(settings=self.settings, accept=self._accept)

    def order_key(self, payload: dict[str, Any]) -> str:
        """The conversation (account and sender) of a recorded event."""
        return f"{payload['account']}:{payload['event']['sender']['id']}"

    async def process(self, payload: dict[str, Any]) -> None:
        """One recorded messaging event through the engine; reactions are only recorded."""
        found = webhook.to_event(payload)
        if found is None or self._runner is None:
            return
        event, context = found
        if event.kind is EventKind.REACTION:
            log.debug("reaction recorded, no reply: %s", event.event_id)
            return
        await self._runner.run(event, provider=self.provider, context=context)
