"""What flows run with, built from the hub's Settings; the hub and tests can install their own.

Flow parameters must be plain data (a worker may run them in another process), so
connectors, storage and the notifier come from here: the installed set when the hub or a
test put one in place, else one built once per process from `SAMIA_*` settings.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from uuid import UUID

from domain.clock import Clock, SystemClock
from domain.ports.accounts import AccountsResolver
from domain.ports.notify import DeliveryReport, Notice, Notifier
from domain.ports.storage import UnitOfWorkFactory
from hub.settings import Settings, load_settings

if TYPE_CHECKING:
    from storage.uow import Database

Closer = Callable[[], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class RunPolicy:
    """How tasks retry inside one flow run and how many rows run at once."""

    retries: int = 3  # extra tries of a row after a transient failure, inside the run
    backoff_seconds: float = 1.0  # first retry delay; doubles each time
    longest_wait_seconds: float = 30.0  # a Retry-After beyond this goes back to the outbox
    concurrency: int = 16  # bookings handled at the same time


@dataclass
class FlowDeps:
    """Storage, clock, notifier and connectors for flow runs in this process."""

    uow: UnitOfWorkFactory
    clock: Clock
    notifier: Notifier
    accounts: AccountsResolver
    policy: RunPolicy = field(default_factory=RunPolicy)
    closers: list[Closer] = field(default_factory=list)
    # Set when this process shuts down: a run that keeps taking new rows stops doing so.
    stopping: asyncio.Event = field(default_factory=asyncio.Event)

    async def aclose(self) -> None:
        """Close connectors, channel sessions and the database, newest first."""
        for close in reversed(self.closers):
            await close()
        self.closers.clear()


_installed: list[FlowDeps] = []
_built: FlowDeps | None = None
_build_lock = asyncio.Lock()


@contextmanager
def use_deps(deps: FlowDeps) -> Iterator[FlowDeps]:
    """Run flows in this process with `deps` (the hub's runtime, a test's fakes)."""
    _installed.append(deps)
    try:
        yield deps
    finally:
        _installed.remove(deps)


async def current_deps() -> FlowDeps:
    """The installed dependencies, else ones built once from the environment's settings."""
    global _built
    if _installed:
        return _installed[-1]
    async with _build_lock:
        if _built is None:
            _built = await build_deps(load_settings())
    return _built


async def build_deps(
    settings: Settings,
    *,
    clock: Clock | None = None,
    notifier: Notifier | None = None,
    policy: RunPolicy | None = None,
) -> FlowDeps:
    """Open the database and pick providers from settings; channels only when no notifier given."""
    from storage.db import WriterRole
    from storage.uow import Database

    clock = clock or SystemClock()
    # Flows are background work: on one SQLite file they let chat turns write first.
    database = Database.from_url(
        settings.database_url, clock=clock, writer_role=WriterRole.BACKGROUND
    )
    closers: list[Closer] = [database.dispose]
    if notifier is None:
        lazy = _ChannelNotifier(settings, database.uow_factory, clock)
        notifier = lazy
        closers.append(lazy.aclose)
    deps = deps_on(settings, database=database, clock=clock, notifier=notifier, policy=policy)
    deps.closers[:0] = closers  # closed last: after the connectors
    return deps


def deps_on(
    settings: Settings,
    *,
    database: Database,
    clock: Clock,
    notifier: Notifier,
    policy: RunPolicy | None = None,
) -> FlowDeps:
    """Flow dependencies on a database someone else owns (the hub's runtime)."""
    from flows._accounts import ProviderAccounts
    from hub.secrets import credential_cipher
    from storage.db import session_factory

    accounts = ProviderAccounts(
        settings, sessions=session_factory(database.engine), cipher=credential_cipher(settings)
    )
    return FlowDeps(
        uow=database.uow_factory,
        clock=clock,
        notifier=notifier,
        accounts=accounts,
        policy=policy or RunPolicy(),
        closers=[accounts.aclose],
    )


class _ChannelNotifier:
    """The hub's notifier for a process without the hub (a worker, `samia flows run`).

    Built on the first message, so flows that never send one (expire-holds) do not load
    or start the chat platforms. Senders only: adapters are started (getMe, auth.test),
    no inbound processing runs here; the web chat inbox is always there.
    """

    def __init__(self, settings: Settings, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._settings, self._uow, self._clock = settings, uow, clock
        self._inner: Notifier | None = None
        self._stop: Closer | None = None
        self._lock = asyncio.Lock()

    async def notify_client(
        self, *, client_id: UUID, notice: Notice, idempotency_key: str
    ) -> DeliveryReport:
        """Tell a client something, through the channels."""
        inner = await self._ready()
        return await inner.notify_client(
            client_id=client_id, notice=notice, idempotency_key=idempotency_key
        )

    async def notify_reader(
        self, *, reader_id: UUID, notice: Notice, idempotency_key: str
    ) -> DeliveryReport:
        """Tell a reader something, through the channels."""
        inner = await self._ready()
        return await inner.notify_reader(
            reader_id=reader_id, notice=notice, idempotency_key=idempotency_key
        )

    async def aclose(self) -> None:
        """Close the channels' sessions if they were opened."""
        if self._stop is not None:
            await self._stop()

    async def _ready(self) -> Notifier:
        async with self._lock:
            if self._inner is None:
                self._inner, self._stop = await self._build()
            return self._inner

    async def _build(self) -> tuple[Notifier, Closer]:
        from bots.notifier import OutboundNotifier
        from bots.outbound import ChannelSender, Delivery, SenderRegistry
        from bots.webchat_inbox import WebchatInbox
        from hub.channels import ChannelHub

        channels = ChannelHub(self._settings)
        senders: list[ChannelSender] = [WebchatInbox(uow=self._uow, clock=self._clock)]
        for adapter in channels.adapters:
            await adapter.start()
            senders.append(adapter.sender)
        delivery = Delivery(
            uow=self._uow,
            clock=self._clock,
            senders=SenderRegistry(senders),
            secrets=channels.secrets(),
        )

        async def stop() -> None:
            for adapter in channels.adapters:
                await adapter.stop()

        return OutboundNotifier(uow=self._uow, clock=self._clock, delivery=delivery), stop


async def reset_built_deps() -> None:
    """Close the dependencies built from settings (end of a CLI command or worker run)."""
    global _built
    if _built is not None:
        built, _built = _built, None
        await built.aclose()
