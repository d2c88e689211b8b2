"""The one contract every chat platform implements, after errbot's `Backend`.

An adapter turns a platform's deliveries into `InboundEvent`s for the one engine (through
the `TurnRunner`, which also times and counts every turn per channel) and renders the
engine's replies natively through its `sender`. The hub builds the configured adapters,
mounts their routes, binds them to the runner, and starts and stops them; it knows
nothing else about any platform.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

from fastapi import APIRouter
from prometheus_client import Counter, Histogram

from bots.engine import Engine, InboundEvent, Reply
from bots.outbound import ChannelSender, Delivery, SendContext
from domain.clock import Clock
from domain.ports.storage import UnitOfWorkFactory

CHAT_TURNS = Counter("samia_chat_turns_total", "Chat turns handled", ["channel"])
CHAT_LATENCY = Histogram("samia_chat_turn_seconds", "Time to answer one chat turn", ["channel"])


class TurnRunner:
    """One inbound event through the engine, its replies out through the delivery.

    Every channel's turns pass here, so the turn count and latency are per channel.
    """

    def __init__(
        self, *, engine: Engine[Any], delivery: Delivery, uows: UnitOfWorkFactory, clock: Clock
    ) -> None:
        """Share the one engine, the delivery, and the storage adapters' senders use."""
        self._engine = engine
        self._delivery = delivery
        self.uows = uows
        self.clock = clock

    async def answer(self, event: InboundEvent) -> list[Reply]:
        """The engine's replies to one event, timed and counted for its channel."""
        started = time.perf_counter()
        replies = await self._engine.handle(event)
        CHAT_LATENCY.labels(event.channel.value).observe(time.perf_counter() - started)
        CHAT_TURNS.labels(event.channel.value).inc()
        return replies

    async def run(self, event: InboundEvent, *, provider: str, context: SendContext) -> None:
        """Run one turn; its replies are keyed by the provider's event id."""
        replies = await self.answer(event)
        await self.reply(event, replies, provider=provider, context=context)

    async def reply(
        self,
        event: InboundEvent,
        replies: Sequence[Reply],
        *,
        provider: str,
        context: SendContext,
    ) -> None:
        """Send replies to the event's chat, keyed so a reprocessed event never resends."""
        await self._delivery.deliver(
            key_prefix=f"reply:{provider}:{event.event_id}",
            chat_id=event.chat_id,
            replies=replies,
            context=context,
        )


@runtime_checkable
class ChannelAdapter(Protocol):
    """One chat platform: its routes, its events, its replies."""

    provider: str  # the inbound pipeline's name for it: telegram, slack, meta, webchat, console

    @property
    def sender(self) -> ChannelSender:
        """Renders and sends replies on this platform (available once bound)."""
        ...

    def router(self) -> APIRouter | None:
        """The platform's inbound HTTP routes (webhooks, the web chat API); None: no HTTP.

        Returns:
            Routes to mount on the hub's app, or None for a platform that is not HTTP.
        """
        ...

    def bind(self, runner: TurnRunner) -> None:
        """Attach the runner every event goes through (before `start`).

        Args:
            runner: The engine, the delivery and storage, shared by every adapter.
        """
        ...

    async def start(self) -> None:
        """Open sessions and check credentials; raises when the platform refuses them."""
        ...

    async def stop(self) -> None:
        """Close sessions; in-flight work is the pipeline's to drain."""
        ...

    async def process(self, payload: dict[str, Any]) -> None:
        """Turn one recorded delivery into events, run them, and send the replies.

        Args:
            payload: The platform's delivery as it arrived (JSON-decoded).
        """
        ...

    def order_key(self, payload: dict[str, Any]) -> str:
        """Deliveries with the same key are processed in arrival order (one conversation).

        Args:
            payload: The platform's delivery.

        Returns:
            The conversation the delivery belongs to.
        """
        ...
