"""The pipeline every webhook shares: record, answer 200, process in the background, finish.

1. The route verifies the request (signature or secret) and parses it.
2. `InboundPipeline.accept` records each delivery by the provider's event id (unique):
   a duplicate stops here and the route still answers 200.
3. New deliveries go to a bounded pool of asyncio workers owned by the app lifespan.
   Deliveries of one chat go to the same worker, so they are processed in order.
4. The provider's processor turns the payload into engine events and replies; then the
   delivery is marked processed. A delivery the process never finished (a crash, or a full
   queue) is picked up again by the recovery sweep, once at start-up and then periodically.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import zlib
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol

from bots.outbound import redact
from domain.clock import Clock
from domain.inbound import (
    RECOVERY_AGE,
    RECOVERY_LEASE,
    finish_delivery,
    interrupted_deliveries,
    record_batch,
)
from domain.ports.storage import UnitOfWorkFactory

log = logging.getLogger(__name__)


class Processor(Protocol):
    """What the pool needs from a platform adapter."""

    async def process(self, payload: dict[str, Any]) -> None:
        """Turn one recorded payload into engine turns and replies.

        Args:
            payload: What the route recorded.
        """
        ...

    def order_key(self, payload: dict[str, Any]) -> str:
        """The chat a recorded payload belongs to (recovered deliveries keep their order).

        Args:
            payload: What the route recorded.

        Returns:
            Deliveries with the same key are processed one at a time, in order.
        """
        ...


class RetryDeliveryLater(Exception):
    """Processing cannot happen yet (the platform is down): leave it for the recovery sweep."""


@dataclass(frozen=True, slots=True)
class Incoming:
    """One delivery as a route extracted it: the provider's id, what to keep, its chat."""

    event_id: str
    payload: dict[str, Any]
    order_key: str  # deliveries with the same key are processed one at a time, in order


# How a channel adapter hands webhook deliveries to the pipeline: (provider, items) -> one
# "is it new" flag per item. Defined once; every adapter's route takes it.
Accept = Callable[[str, Sequence[Incoming]], Awaitable[list[bool]]]


@dataclass(frozen=True, slots=True)
class PoolOptions:
    """Size of the background pool and how often forgotten deliveries are swept up."""

    workers: int = 4  # turns at once when idle; under ingest load, one at a time
    # Deliveries held in memory; more wait in the database for the sweep (a big in-memory
    # backlog makes every full garbage collection, and so every acknowledgement, slower).
    queue_size: int = 2_000
    # Under ingest load (a webhook within `load_window` s), turns get at most this share of
    # the event loop: acknowledging is what platforms time, a reply can wait a moment.
    background_share: float = 0.2
    load_window: float = 0.25
    sweep_every: float = 60.0
    sweep_batch: int = 500
    recovery_age: timedelta = RECOVERY_AGE
    recovery_lease: timedelta = RECOVERY_LEASE


class InboundPipeline:
    """Records deliveries, then processes them on a bounded, per-chat-ordered worker pool."""

    def __init__(
        self,
        *,
        uows: UnitOfWorkFactory,
        clock: Clock,
        processors: Mapping[str, Processor],
        options: PoolOptions | None = None,
        secrets: Sequence[str] = (),
    ) -> None:
        """Wire storage, the clock and one processor per provider."""
        self._uows = uows
        self._clock = clock
        self._processors = dict(processors)
        self._options = options or PoolOptions()
        self._secrets = tuple(secrets)
        workers = max(1, self._options.workers)
        per_queue = max(1, self._options.queue_size // workers)
        self._queues: list[asyncio.Queue[tuple[str, str, str]]] = [
            asyncio.Queue(per_queue) for _ in range(workers)
        ]
        self._inflight: set[tuple[str, str]] = set()
        self._to_record: list[tuple[str, list[Incoming], asyncio.Future[list[bool]]]] = []
        self._recorder: asyncio.Task[None] | None = None
        # Background turns give way to acknowledgements (see `_take_turn`).
        self._last_ack = float("-inf")
        self._under_load_turn = asyncio.Lock()
        self._tasks: list[asyncio.Task[None]] = []
        self._idle = asyncio.Event()
        self._idle.set()
        self.processed = 0
        self.failed = 0
        self.dropped = 0

    async def accept(self, provider: str, deliveries: Sequence[Incoming]) -> list[bool]:
        """Record deliveries and queue the new ones; True = new.

        Requests that arrive while a commit is in flight are recorded together in the next
        one, so under load many acknowledgements share one transaction.
        """
        loop = asyncio.get_running_loop()
        self._last_ack = loop.time()
        waiter: asyncio.Future[list[bool]] = loop.create_future()
        self._to_record.append((provider, list(deliveries), waiter))
        if self._recorder is None or self._recorder.done():
            self._recorder = asyncio.create_task(self._record_pending())
        return await waiter

    async def _record_pending(self) -> None:
        """Commit what is waiting, again and again, until nothing is left."""
        await asyncio.sleep(0)  # requests parsed in this same loop pass join the first batch
        while self._to_record:
            batch, self._to_record = self._to_record, []
            rows = [
                (provider, d.event_id, d.payload) for provider, items, _ in batch for d in items
            ]
            try:
                fresh = await record_batch(uow=self._uows(), clock=self._clock, deliveries=rows)
            except Exception as exc:  # the routes answer 500: the platforms will redeliver
                for _, _, waiter in batch:
                    if not waiter.done():
                        waiter.set_exception(exc)
                continue
            position = 0
            for provider, items, waiter in batch:
                mine = fresh[position : position + len(items)]
                position += len(items)
                for item, is_new in zip(items, mine, strict=True):
                    if is_new:
                        self._enqueue(provider, item.event_id, item.payload, item.order_key)
                if not waiter.done():
                    waiter.set_result(mine)

    async def start(self) -> None:
        """Start the workers and the recovery sweep (which runs once right away)."""
        if self._tasks:
            return
        for index, queue in enumerate(self._queues):
            self._tasks.append(asyncio.create_task(self._work(queue), name=f"inbound-{index}"))
        self._tasks.append(asyncio.create_task(self._sweep_forever(), name="inbound-sweep"))

    async def stop(self, drain_seconds: float = 5.0) -> None:
        """Let queued work finish for up to `drain_seconds`, then cancel the rest.

        What is cancelled stays recorded and unprocessed: the next start picks it up.
        """
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.idle(), drain_seconds)
        if self._recorder is not None:
            await asyncio.gather(self._recorder, return_exceptions=True)
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks.clear()

    async def idle(self) -> None:
        """Wait until nothing is queued or running (tests and graceful shutdown)."""
        while self._inflight:
            self._idle.clear()
            await self._idle.wait()

    async def recover(self) -> int:
        """Claim and queue deliveries recorded but never finished; returns how many were queued.

        Claimed rows this process cannot take now (already in flight here, platform switched
        off, queue full) come back when the claim's lease ends.
        """
        pending = await interrupted_deliveries(
            uow=self._uows(),
            clock=self._clock,
            limit=self._options.sweep_batch,
            older_than=self._options.recovery_age,
            lease=self._options.recovery_lease,
        )
        queued = 0
        for item in pending:
            if (item.provider, item.event_id) in self._inflight:
                continue
            handler = self._processors.get(item.provider)
            if handler is None:
                continue  # that platform is switched off now; leave it for when it is back
            order = handler.order_key(item.payload)
            queued += self._enqueue(item.provider, item.event_id, item.payload, order)
        if queued:
            log.info("recovered %d unfinished deliveries", queued)
        return queued

    def _enqueue(self, provider: str, event_id: str, payload: dict[str, Any], order: str) -> int:
        key = (provider, event_id)
        if key in self._inflight:
            return 0
        queue = self._queues[zlib.crc32(f"{provider}:{order}".encode()) % len(self._queues)]
        try:
            # As JSON text: one string is invisible to the garbage collector, a dict tree is not.
            queue.put_nowait((provider, event_id, json.dumps(payload, separators=(",", ":"))))
        except asyncio.QueueFull:
            # Still recorded: the sweep picks it up once the backlog has drained.
            self.dropped += 1
            return 0
        self._inflight.add(key)
        self._idle.clear()
        return 1

    async def _work(self, queue: asyncio.Queue[tuple[str, str, str]]) -> None:
        while True:
            provider, event_id, text = await queue.get()
            try:
                await self._take_turn(provider, event_id, json.loads(text))
            finally:
                self._inflight.discard((provider, event_id))
                queue.task_done()
                if not self._inflight:
                    self._idle.set()

    async def _take_turn(self, provider: str, event_id: str, payload: dict[str, Any]) -> None:
        """Full speed when idle; under ingest load, one turn at a time, then a pause.

        Every turn's CPU slices sit between an acknowledgement's steps in the event loop,
        so while webhooks keep arriving turns run one by one and each is followed by a
        pause that holds them to `background_share` of the time. The backlog catches up
        as soon as the burst is over.
        """
        loop = asyncio.get_running_loop()
        if loop.time() - self._last_ack > self._options.load_window:
            await self._process(provider, event_id, payload)
            return
        async with self._under_load_turn:
            started = loop.time()
            await self._process(provider, event_id, payload)
            share = min(1.0, max(0.01, self._options.background_share))
            await asyncio.sleep((loop.time() - started) * (1 - share) / share)

    async def _process(self, provider: str, event_id: str, payload: dict[str, Any]) -> None:
        error: str | None = None
        try:
            await self._processors[provider].process(payload)
            self.processed += 1
        except asyncio.CancelledError:
            raise  # shutting down: left unprocessed on purpose, recovered on restart
        except RetryDeliveryLater as exc:
            log.warning("%s delivery %s postponed: %s", provider, event_id, exc)
            return
        except Exception as exc:
            self.failed += 1
            error = redact(f"{type(exc).__name__}: {exc}", self._secrets)[:1000]
            log.error("processing %s delivery %s failed: %s", provider, event_id, error)
        try:
            await finish_delivery(
                uow=self._uows(),
                clock=self._clock,
                provider=provider,
                event_id=event_id,
                error=error,
            )
        except Exception:
            log.exception("could not mark %s delivery %s processed", provider, event_id)

    async def _sweep_forever(self) -> None:
        while True:
            try:
                await self.recover()
            except Exception:
                log.exception("recovery sweep failed")
            await asyncio.sleep(self._options.sweep_every)
