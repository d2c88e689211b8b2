"""The outbox dispatcher inside `samia serve`: Prefect flows on the process's local API.

The local API starts once (in a thread, ~10 s) and stays up. Every `poll_seconds` one
indexed query asks whether a booking effect is due; if so ONE `process-outbox` run takes
a batch. `send-reminders`, `expire-holds` and `sync-calendars` run on their own timers.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import anyio.to_thread
from prometheus_client import Counter, Histogram

from domain.booking.effects import effects_due
from domain.ports.notify import Notifier
from flows._deps import FlowDeps, use_deps
from hub.runtime import Runtime
from hub.settings import Settings

log = logging.getLogger(__name__)

FLOW_SECONDS = Histogram("samia_flow_run_seconds", "Wall time of one flow run", ["flow"])
FLOW_ROWS = Counter("samia_outbox_rows_total", "Outbox rows handled by flows", ["outcome"])

DEFAULT_SCHEDULES: dict[str, timedelta] = {
    "send-reminders": timedelta(minutes=5),  # process-outbox sends due reminders too
    "expire-holds": timedelta(minutes=2),
    "sync-calendars": timedelta(minutes=10),
    "refresh-analytics": timedelta(minutes=1),  # figures refresh their reader first anyway
    "repeat-expenses": timedelta(hours=1),
    "send-weekly-digest": timedelta(hours=1),
    "run-campaigns": timedelta(minutes=1),  # sends at each client's local minute
    "run-follow-ups": timedelta(minutes=5),  # daily scans once a day; due steps each run
    "expire-loyalty-points": timedelta(days=1),  # keyed per lot: a rerun lapses nothing
    "award-loyalty-bonuses": timedelta(hours=1),  # a rating's bonus within the hour
    # The ECB publishes once a business day; a run fetches only what is new (or nothing).
    "sync-fx-rates": timedelta(hours=6),
    "sync-mailchimp": timedelta(minutes=15),  # only changed contacts; none: no call
}


def schedules_for(settings: Settings) -> dict[str, timedelta]:
    """The timers this hub needs: without Mailchimp there is no outside list to keep in step.

    The built-in audience is our own tables, so `sync-mailchimp` would only walk every
    client for nothing (measured: its first pass over 100k clients kept the flows worker
    busy for minutes, beside every chat turn).
    """
    schedules = dict(DEFAULT_SCHEDULES)
    if settings.mailchimp is None:
        schedules.pop("sync-mailchimp")
    return schedules


@dataclass
class DispatcherOptions:
    """How often to look for work, how much one run takes, what else runs on a timer."""

    poll_seconds: float = 0.5
    batch_limit: int = 200
    # Under a steady stream of bookings one process-outbox run keeps taking them this long.
    keep_going_seconds: float = 5.0
    schedules: dict[str, timedelta] = field(default_factory=lambda: dict(DEFAULT_SCHEDULES))
    start_api: bool = True  # False when the caller already has an API (tests' harness)


class FlowDispatcher:
    """Runs flows in this process until stopped; one run at a time, never one per booking."""

    def __init__(self, deps: FlowDeps, *, var_dir: Path, options: DispatcherOptions) -> None:
        """Nothing starts until `start()`."""
        self.deps = deps
        self.options = options
        self._var_dir = var_dir
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()
        self._next_run: dict[str, datetime] = {}
        self.ready = asyncio.Event()
        self.runs: list[tuple[str, float, dict[str, Any]]] = []

    async def start(self) -> None:
        """Start the loop in the background; the local API comes up inside it."""
        self._task = asyncio.create_task(self._run(), name="flow-dispatcher")

    async def stop(self, grace: float = 10.0) -> None:
        """Let the current run finish (up to `grace` seconds), then cancel."""
        self._stopping.set()
        self.deps.stopping.set()
        if self._task is None:
            return
        done, _ = await asyncio.wait({self._task}, timeout=grace)
        if not done:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self.deps.aclose()
        if self.options.start_api:
            from flows.local_api import stop_local_api

            await anyio.to_thread.run_sync(stop_local_api)

    async def _run(self) -> None:
        if self.options.start_api:
            from flows.local_api import configure_local_api, start_local_api

            configure_local_api(self._var_dir)
            try:
                url = await anyio.to_thread.run_sync(start_local_api)
            except Exception:
                log.exception("Prefect's local API did not start; flows will not run")
                return
            log.info("flows run on the Prefect API at %s", url)
        now = self.deps.clock.now()
        self._next_run = dict.fromkeys(self.options.schedules, now)
        async with contextlib.AsyncExitStack() as scope:
            if self.options.start_api:
                from prefect.settings import PREFECT_API_URL, temporary_settings

                scope.enter_context(temporary_settings(updates={PREFECT_API_URL: url}))
            scope.enter_context(use_deps(self.deps))
            await _share_prefect_clients(scope)
            # A first run right away: sweeps rows a previous process left behind and warms
            # Prefect's client up, so the first confirmation does not pay for it (~2 s).
            with contextlib.suppress(Exception):
                await self._process_outbox()
            self.ready.set()
            while not self._stopping.is_set():
                try:
                    await self.tick()
                except Exception:  # a broken run must not stop the dispatcher
                    log.exception("flow dispatch failed; trying again")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), self.options.poll_seconds)

    async def tick(self) -> None:
        """One look: a process-outbox run if rows are due, then any timer that came round."""
        now = self.deps.clock.now()
        if await effects_due(uows=self.deps.uows, clock=self.deps.clock):
            await self._process_outbox()
        for name, every in self.options.schedules.items():
            if self._stopping.is_set():
                return
            if now >= self._next_run.get(name, now):
                self._next_run[name] = now + every
                await self._run_flow(name)

    async def _process_outbox(self) -> None:
        from flows.outbox import OutboxBatch

        batch = OutboxBatch(
            limit=self.options.batch_limit,
            keep_going_seconds=self.options.keep_going_seconds,
            poll_seconds=self.options.poll_seconds,
        )
        await self._run_flow("process-outbox", batch)

    async def _run_flow(self, name: str, *args: Any) -> None:
        from flows.registry import flow_by_name

        started = time.perf_counter()
        result = await flow_by_name(name)(*args)
        elapsed = time.perf_counter() - started
        FLOW_SECONDS.labels(name).observe(elapsed)
        if name == "process-outbox" and isinstance(result, dict):
            for outcome, count in result.items():
                FLOW_ROWS.labels(outcome).inc(count)
        self.runs.append((name, elapsed, result if isinstance(result, dict) else {}))
        del self.runs[:-100]  # recent runs only, for tests and the benchmark


async def start_dispatcher(
    settings: Settings,
    runtime: Runtime,
    notifier: Notifier,
    options: DispatcherOptions | None = None,
) -> FlowDispatcher:
    """Flows on the runtime's database and clock, telling people through the channels' notifier."""
    from hub.flow_deps import deps_on

    deps = deps_on(settings, database=runtime.database, clock=runtime.clock, notifier=notifier)
    options = options or DispatcherOptions(schedules=schedules_for(settings))
    dispatcher = FlowDispatcher(deps, var_dir=settings.var_dir, options=options)
    await dispatcher.start()
    return dispatcher


async def _share_prefect_clients(scope: contextlib.AsyncExitStack) -> None:
    """One Prefect API client pair for every run, instead of new ones per flow and task run.

    Without a client in context Prefect builds one (an httpx client, so a fresh TLS context
    with the CA bundle loaded) for every task run, and a sync one per flow run to resolve
    result storage: a quarter of the flows worker's CPU at 7 bookings/s (py-spy).
    """
    from prefect.context import AsyncClientContext, SyncClientContext

    try:
        scope.enter_context(SyncClientContext.get_or_create())
        await scope.enter_async_context(AsyncClientContext.get_or_create())
    except Exception:  # the runs still work with a client each, only slower
        log.exception("could not open a shared Prefect client; each run opens its own")
